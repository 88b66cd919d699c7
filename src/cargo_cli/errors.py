"""The one exception hierarchy of cargo-ai, and the exit-code table.

``cargo_cli.main`` is the single place that turns any of these (and anything
else) into the ``{"errorMessage": ...}`` contract.

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

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130
EXIT_SIGNAL_BASE = 128  # + the signal number: 129 SIGHUP, 130 SIGINT, 143 SIGTERM
EXIT_BROKEN_PIPE = EXIT_SIGNAL_BASE + 13  # what a shell reports for a SIGPIPE death


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


class ApiError(CargoError):
    """Anything that went wrong talking to the API."""

    default_message = "Unknown error"

    def __init__(
        self,
        message: str | None = None,
        *,
        status: int | None = None,
        reason: str | None = None,
        body: Any = None,
    ) -> None:
        super().__init__(message or self.default_message)
        self.status = status
        self.reason = reason
        self.body = body
        self.method: str | None = None
        self.path: str | None = None
        self.request_id: str | None = None

    def locate(self, method: str, path: str, request_id: str | None = None) -> ApiError:
        """Say which call failed (``method``, ``path``, the server's request
        id); the vendor's bare ``"Unknown error"`` becomes a message a person
        can act on."""
        self.method, self.path, self.request_id = method, path, request_id
        if self.status is not None and self.message == RequestError.default_message:
            self.message = describe_status(self.status)
        return self

    def to_json(self) -> dict[str, Any]:
        payload: dict[str, Any] = {"errorMessage": self.message}
        if self.reason:
            payload["reason"] = self.reason
        if self.status is not None:
            payload["status"] = self.status
        if self.method:
            payload["method"] = self.method
            payload["path"] = self.path
        if self.request_id:
            payload["requestId"] = self.request_id
        payload.update(self.extra)
        return payload


class NetworkError(ApiError):
    """No response: connection refused, DNS failure, reset, ..."""

    default_message = "Network error"


class RequestTimeoutError(NetworkError):
    """No (complete) response within the time budget."""

    default_message = "Request timed out"


class InvalidResponseError(ApiError):
    """A 2xx (or 3xx) answer that is not what the endpoint returns: not JSON,
    truncated, nested too deeply, or a redirect. Nothing may be reported as
    done on the strength of it."""

    default_message = "Invalid response"


class AuthorizationError(ApiError):
    """HTTP 401."""

    default_message = "Not authorized"


class RequestError(ApiError):
    """Any other HTTP 4xx."""

    default_message = "Unknown error"


class ServerError(ApiError):
    """HTTP 5xx."""

    default_message = "Server error"


_STATUS_HINTS = {
    400: "Bad request: the API rejected the input",
    403: "Forbidden: the token has no access to this resource or workspace (check CARGO_WORKSPACE_UUID)",
    404: "Not found: no such resource in this workspace (check the id and CARGO_WORKSPACE_UUID)",
    405: "Method not allowed: the API does not accept this call (is CARGO_API_URL the Cargo API?)",
    409: "Conflict: the resource changed or already exists",
    413: "Request too large",
    422: "The API could not process the input",
    429: "Rate limited: try again later",
}


def describe_status(status: int) -> str:
    """A message for a 4xx answer that carried none of its own (instead of
    the vendor's bare ``"Unknown error"``)."""
    return _STATUS_HINTS.get(status, f"Request failed with HTTP {status}")


def error_class_for_status(status: int) -> type[ApiError]:
    if status == 401:
        return AuthorizationError
    if 400 <= status < 500:
        return RequestError
    return ServerError
