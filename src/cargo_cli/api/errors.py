"""The API layer's exceptions: one class per kind of failure.

::

    ApiError
    ├── InvalidRequest      the request could not be built; nothing was sent
    │   └── InvalidPayload  the payload does not fit the call's request model
    ├── NetworkError        no answer: refused, DNS, reset, TLS, ...
    │   └── RequestTimeout  no complete answer within the deadline
    ├── InvalidResponse     an answer the client cannot use
    ├── UploadFailed        a chunked upload failed for good (it names the upload)
    ├── CallInterrupted     Ctrl-C or a signal stopped the work part way
    └── HttpError           the server answered 4xx/5xx
        ├── ClientError     any other 4xx
        │   ├── BadRequest 400, Unauthorized 401, Forbidden 403,
        │   └── NotFound 404, Conflict 409, RateLimited 429
        └── ServerError     5xx

They carry the message (the server's ``errorMessage``, else the vendor's
reason table, else a default), the HTTP status, the ``reason`` and the body.
The API layer knows nothing about exit codes or printing: ``cargo_cli.main``
maps these to the CLI's error contract in one place.
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
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
        self.message = message or self.default_message
        super().__init__(self.message)
        self.status = status
        self.reason = reason
        self.body = body
        self.method: str | None = None
        self.path: str | None = None
        self.request_id: str | None = None
        self.extra: dict[str, Any] = {}  # more fields for the error object (e.g. a created uuid)

    def __str__(self) -> str:
        return self.message

    def locate(self, method: str, path: str, request_id: str | None = None) -> ApiError:
        """Say which call failed (``method``, ``path``, the server's request
        id); the vendor's bare ``"Unknown error"`` becomes a message a person
        can act on."""
        self.method, self.path, self.request_id = method, path, request_id
        if self.status is not None and self.message == ClientError.default_message:
            self.message = describe_status(self.status)
        return self


class InvalidRequest(ApiError):
    """The request could not be built from what was given (a missing path
    value, an unreadable file, a payload that does not fit the call):
    nothing was sent. ``field`` names the payload field when there is one."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class InvalidPayload(InvalidRequest):
    """The payload does not fit the call's request model (a missing required
    field, a value outside the choices, the wrong JSON kind)."""


class NetworkError(ApiError):
    """No response: connection refused, DNS failure, reset, ..."""

    default_message = "Network error"


class RequestTimeout(NetworkError):
    """No (complete) response within the time budget."""

    default_message = "Request timed out"


class InvalidResponse(ApiError):
    """The server answered, but not with something the client can use: a
    2xx (or 3xx) that is not JSON, truncated, nested too deeply, or a
    redirect. Nothing may be reported as done on the strength of it."""

    default_message = "Invalid response"


class UploadFailed(ApiError):
    """A chunked upload that failed for good; ``extra`` names the upload
    (``uploadId``, ``s3Filename``, ``aborted``, and the cause's ``reason`` and
    ``status``)."""

    default_message = "Upload failed"


class CallInterrupted(ApiError):
    """Ctrl-C (or a signal handled like it) stopped the work part way;
    ``extra`` names what was left behind. ``signal`` names a signal the API
    layer caught itself (its fallback SIGTERM handler), else ``None``."""

    default_message = "Interrupted"

    def __init__(
        self, message: str | None = None, *, signal: str | None = None, extra: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.signal = signal
        self.extra = {**(extra or {}), **({"signal": signal} if signal else {})}


class HttpError(ApiError):
    """The server answered with an error status."""


class ClientError(HttpError):
    """HTTP 4xx."""


class BadRequest(ClientError):
    """HTTP 400."""


class Unauthorized(ClientError):
    """HTTP 401."""

    default_message = "Not authorized"


class Forbidden(ClientError):
    """HTTP 403."""


class NotFound(ClientError):
    """HTTP 404."""


class Conflict(ClientError):
    """HTTP 409."""


class RateLimited(ClientError):
    """HTTP 429."""


class ServerError(HttpError):
    """HTTP 5xx (and anything else that is not a 4xx)."""

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


_BY_STATUS: dict[int, type[HttpError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    429: RateLimited,
}


def error_class_for_status(status: int) -> type[HttpError]:
    if status in _BY_STATUS:
        return _BY_STATUS[status]
    if 400 <= status < 500:
        return ClientError
    return ServerError
