"""Reading an answer: decoding a body, the strict success rule per endpoint
kind, and the mapping of an error answer to the typed error
(``cargo_cli.api.errors``) with the vendor's message rules."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from cargo_cli.api.errors import ApiError, ClientError, InvalidResponse, Unauthorized, error_class_for_status

# What a 2xx answer may be (from the spec's responseType/transport, see
# scripts/gen_endpoints.py): JSON; JSON or nothing ("void"); anything ("text":
# plain-text documentation and blobs).
JSON, VOID, TEXT = "json", "void", "text"

# Response headers that carry the server's id for one request, first found wins.
REQUEST_ID_HEADERS = (
    "x-request-id",
    "request-id",
    "x-amzn-requestid",
    "x-amz-request-id",
    "x-correlation-id",
)


def decode_body(raw: bytes) -> Any:
    """Lenient: JSON when it parses, else text; an empty body is ``None``
    (error bodies, plain-text endpoints)."""
    if not raw:
        return None
    text = raw.decode("utf-8", errors="replace")
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return text


def parse_success(raw: bytes, kind: str, status: int, method: str, path: str) -> Any:
    """Strict: the body of a 2xx answer as its endpoint ``kind`` allows;
    anything else is an ``InvalidResponse`` (never reported as done)."""
    if kind == TEXT:
        return decode_body(raw)
    where = f"the response to {method} {path} (HTTP {status}, {len(raw)} bytes)"
    if not raw.strip():
        if kind == VOID or status == 204:
            return None
        raise InvalidResponse(f"Empty response: expected JSON in {where}", status=status)
    try:
        return json.loads(raw)
    except RecursionError:
        raise InvalidResponse(f"Invalid JSON in {where}: nested too deeply", status=status) from None
    except ValueError:
        raise InvalidResponse(f"Invalid JSON in {where}", status=status) from None


def reason_message(entry: Any, body: Any) -> str | None:
    """A reason-table entry is a message, or (``batch.create``'s ``dataError``)
    a second table keyed by a field of the error body (``source``, e.g.
    ``data.dataError.reason``, where ``data`` is the body)."""
    if isinstance(entry, str):
        return entry
    if isinstance(entry, Mapping) and isinstance(entry.get("messages"), Mapping):
        value: Any = body
        for part in str(entry.get("source", "")).split(".")[1:]:
            value = value.get(part) if isinstance(value, Mapping) else None
        found = entry["messages"].get(value) if isinstance(value, str) else None
        return found if isinstance(found, str) else None
    return None


def error_from_response(status: int, body: Any, reasons: Mapping[str, Any] | None) -> ApiError:
    """Turn an error answer into the typed error, with the vendor's message rules."""
    cls = error_class_for_status(status)
    message: str | None = None
    reason: str | None = None
    if isinstance(body, Mapping):
        raw_message = body.get("errorMessage")
        if isinstance(raw_message, str) and raw_message:
            message = raw_message
        raw_reason = body.get("reason")
        if isinstance(raw_reason, str) and raw_reason:
            reason = raw_reason
    if message is None and reason and issubclass(cls, ClientError) and cls is not Unauthorized and reasons:
        message = reason_message(reasons.get(reason), body)
    return cls(message, status=status, reason=reason, body=body)


def request_id_of(headers: Mapping[str, str]) -> str | None:
    """The server's id for the request, from the first header that has one."""
    return next((headers[name] for name in REQUEST_ID_HEADERS if name in headers), None)


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Headers as a debug line may show them: never the token."""
    return {k: ("Bearer ***" if k.lower() == "authorization" else v) for k, v in headers.items()}


def describe_error(exc: Exception) -> str:
    """An exception's text for a message, or its type when it has none."""
    text = str(exc).strip()
    return text or type(exc).__name__
