"""The CLI's errors, the exit-code table, and the mapping of the API layer's
exceptions (``cargo_cli.api.errors``, re-exported here) to the contract.

``cargo_cli.main`` is the single place that turns any of these (and anything
else) into the ``{"errorMessage": ...}`` contract, through ``error_json`` and
``exit_code_for``.

| exit | meaning                                                                 |
|------|-------------------------------------------------------------------------|
| 0    | success                                                                 |
| 1    | API error (4xx/5xx), network error, timeout, not logged in, wait timeout |
| 2    | usage error: unknown command/option, missing/invalid value, bad JSON     |
| 70   | internal error (a bug): ``Internal error: ...``                          |
| 129  | hung up (SIGHUP); cleaned up, the error names what was created           |
| 130  | interrupted (Ctrl-C, SIGINT); same                                        |
| 141  | stdout's reader went away (EPIPE, ``| head``): nothing more is printed    |
| 143  | terminated (SIGTERM); same as SIGINT                                      |

A closed or full stdout (``>&-``, ``> /dev/full``) is exit 1 with one line
on stderr (there is nowhere else to say it).
"""

from __future__ import annotations

from typing import Any

from cargo_cli.api.errors import (
    ApiError,
    BadRequest,
    CallInterrupted,
    ClientError,
    Conflict,
    Forbidden,
    HttpError,
    InvalidRequest,
    InvalidResponse,
    NetworkError,
    NotFound,
    RateLimited,
    RequestTimeout,
    ServerError,
    Unauthorized,
    UploadFailed,
    describe_status,
    error_class_for_status,
)

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130
EXIT_SIGNAL_BASE = 128  # + the signal number: 129 SIGHUP, 130 SIGINT, 143 SIGTERM
EXIT_BROKEN_PIPE = EXIT_SIGNAL_BASE + 13  # what a shell reports for a SIGPIPE death
_SIGTERM = 15  # signal.SIGTERM (POSIX and Windows), without importing signal here


class CargoError(Exception):
    """Base of every error cargo-ai reports on purpose."""

    exit_code = EXIT_ERROR

    def __init__(self, message: str, *, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extra: dict[str, Any] = dict(extra or {})

    def to_json(self) -> dict[str, Any]:
        payload: dict[str, Any] = {"errorMessage": self.message}
        payload.update(self.extra)
        return payload


class UsageError(CargoError):
    """The command line is wrong; nothing was sent."""

    exit_code = EXIT_USAGE


class NotLoggedInError(CargoError):
    """No credentials could be found."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message
            or "Not logged in. Run `cargo-ai login --token <token>` (or `cargo-ai login --oauth`), "
            "or set CARGO_API_TOKEN."
        )


class InterruptedCliError(CargoError):
    """Ctrl-C."""

    exit_code = EXIT_INTERRUPTED

    def __init__(self, message: str = "Interrupted", *, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message, extra=extra)


class FileWriteError(CargoError):
    """A file (``--output``, the credentials file) could not be written:
    missing or read-only directory, disk full, file too large, ..."""


class OutputClosedError(CargoError):
    """stdout cannot take the output: closed, full, or its reader went away."""

    def __init__(self, cause: OSError | ValueError) -> None:
        super().__init__(f"cannot write to stdout: {getattr(cause, 'strerror', None) or cause}")
        self.cause = cause

    @property
    def broken_pipe(self) -> bool:
        return isinstance(self.cause, BrokenPipeError)


class WaitTimeoutError(CargoError):
    """``--wait-until-finished`` ran out of time."""


class WaitFailedError(CargoError):
    """``--wait-until-finished`` gave up: too many failed polls in a row."""


# The API layer's exceptions (api/errors.py), under the names the CLI uses.
AuthorizationError = Unauthorized
RequestTimeoutError = RequestTimeout
InvalidResponseError = InvalidResponse

__all__ = [
    "EXIT_BROKEN_PIPE",
    "EXIT_ERROR",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_SIGNAL_BASE",
    "EXIT_USAGE",
    "ApiError",
    "AuthorizationError",
    "BadRequest",
    "CallInterrupted",
    "CargoError",
    "ClientError",
    "Conflict",
    "FileWriteError",
    "Forbidden",
    "HttpError",
    "InterruptedCliError",
    "InvalidRequest",
    "InvalidResponse",
    "InvalidResponseError",
    "NetworkError",
    "NotFound",
    "NotLoggedInError",
    "OutputClosedError",
    "RateLimited",
    "RequestTimeout",
    "RequestTimeoutError",
    "ServerError",
    "Unauthorized",
    "UploadFailed",
    "UsageError",
    "WaitFailedError",
    "WaitTimeoutError",
    "describe_status",
    "error_class_for_status",
    "error_json",
    "exit_code_for",
    "is_interruption",
]  # fmt: skip


def error_json(exc: CargoError | ApiError) -> dict[str, Any]:
    """The one JSON object a failure prints: ``errorMessage`` first, then
    ``reason`` and ``status`` of an API answer, or a CLI error's extras."""
    if isinstance(exc, CargoError):
        return exc.to_json()
    payload: dict[str, Any] = {"errorMessage": exc.message}
    if exc.reason:
        payload["reason"] = exc.reason
    if exc.status is not None:
        payload["status"] = exc.status
    if exc.method:
        payload["method"] = exc.method
        payload["path"] = exc.path
    if exc.request_id:
        payload["requestId"] = exc.request_id
    payload.update(exc.extra)
    return payload


def exit_code_for(exc: CargoError | ApiError) -> int:
    if isinstance(exc, CargoError):
        return exc.exit_code
    if isinstance(exc, InvalidRequest):
        return EXIT_USAGE  # nothing was sent: the command line did not fit the call
    if isinstance(exc, CallInterrupted):  # main.py names the signal it handled itself
        return EXIT_SIGNAL_BASE + _SIGTERM if exc.signal == "SIGTERM" else EXIT_INTERRUPTED
    return EXIT_ERROR


def is_interruption(exc: CargoError | ApiError) -> bool:
    """Ctrl-C or a signal stopped the command (exit 130, or 128 + the signal)."""
    return isinstance(exc, (InterruptedCliError, CallInterrupted))
