"""``--dry-run``: print the request a command would send first, and send nothing.

The runtime gives the client a capturing transport (``transport()``): the
client builds its request as always (headers, query string, JSON body,
multipart parts, the URL guard), and where a real transport would open a
socket, ``handle_request`` records the ``httpx.Request`` and raises
``Captured``. So the printed request *is* the object that would have been
sent, and no connection is ever made. ``Captured`` is a ``BaseException``
(like ``KeyboardInterrupt``), so no ``except Exception`` on the way can
swallow it and carry on; the root (cli/root.py) turns it into the output:

    {"dryRun": true, "request": {"method", "url", "query", "headers", "body"},
     "then": [...]}

- the ``authorization`` value is redacted (``Bearer ***``), and every
  registered secret is scrubbed from the whole object;
- a multipart body is described by its parts (name, file name, size), never
  their bytes;
- ``then`` (only when there is more) says what would follow: the polls of
  ``--wait-until-finished``, the further pages of ``--all``, the signed-URL
  downloads of ``--output``, the parts of a large upload.

Every local check still runs first (they come before the first request);
without credentials a placeholder token stands in (no login needed).
Commands that send nothing (``LOCAL``) refuse ``--dry-run`` (exit 2): they
would otherwise do what they do (``logout`` would log out).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NoReturn

import click

from cargo_cli.errors import UsageError

if TYPE_CHECKING:
    import httpx

    from cargo_cli.cli.runtime import Runtime

PLACEHOLDER_TOKEN = "dry-run-placeholder-token"  # stands in for a missing login; never sent
REDACTED = "Bearer ***"

# Leaf commands that send no request (by path below the root). A test checks
# that every leaf without an API call is named here or in command_map.py.
LOCAL: frozenset[str] = frozenset(
    {"logout", "version", "completion", "docs", "commands", "mcp", "hosting app init", "hosting worker init"}
)


class Captured(BaseException):
    """The first request of a dry run, caught before it left."""

    def __init__(self, request: httpx.Request, then: list[str]) -> None:
        super().__init__(f"{request.method} {request.url}")
        self.request = request
        self.then = then
        # described now, while its files are open (the way out closes them)
        self.document = describe(request, then)


def command_path(ctx: click.Context) -> str:
    names: list[str] = []
    while ctx.parent is not None:
        names.append(ctx.info_name or "")
        ctx = ctx.parent
    return " ".join(reversed(names))


def refuse_local(ctx: click.Context) -> None:
    path = command_path(ctx)
    if path in LOCAL:
        raise UsageError(
            f"--dry-run: `cargo-ai {path}` sends no request (it runs locally), so there is nothing to show"
        )


def note(rt: Runtime, step: str) -> None:
    """A step that would follow the first request (the ``then`` list)."""
    if rt.dry_run:
        rt.dry_run_then.append(step)


def transport(then: list[str]) -> httpx.BaseTransport:
    """Where the client would send: records the request and ends the run."""
    from cargo_cli.api.capture import CapturingTransport

    def captured(request: httpx.Request) -> NoReturn:
        raise Captured(request, then)

    return CapturingTransport(captured)


# -- describing the request ---------------------------------------------------
def _query(url: httpx.URL) -> dict[str, Any]:
    query: dict[str, Any] = {}
    for key, value in url.params.multi_items():
        if key in query:
            previous = query[key]
            query[key] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            query[key] = value
    return query


def _size_of(file: Any) -> int | None:
    import os

    if isinstance(file, (bytes, str)):
        return len(file.encode() if isinstance(file, str) else file)
    try:
        return os.fstat(file.fileno()).st_size
    except (AttributeError, OSError, ValueError):
        return None


def _multipart(stream: Any) -> list[dict[str, Any]]:
    """The parts of an httpx multipart body, without reading a file."""
    parts: list[dict[str, Any]] = []
    for part in getattr(stream, "fields", ()):
        described: dict[str, Any] = {"name": part.name}
        if hasattr(part, "file"):  # a file part
            described["filename"] = part.filename
            content_type = part.headers.get("Content-Type") if hasattr(part, "headers") else None
            if content_type:
                described["contentType"] = content_type
            described["size"] = _size_of(part.file)
        else:
            value = part.value
            described["size"] = len(value if isinstance(value, bytes) else str(value).encode())
        parts.append(described)
    return parts


def _body(request: httpx.Request) -> Any:
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        return {"multipart": _multipart(request.stream)}
    try:
        raw = request.content
    except Exception:  # a streamed body (not read: it is never sent)
        return {"streamed": True, "size": request.headers.get("content-length")}
    if not raw:
        return None
    if "json" in content_type:
        try:
            return json.loads(raw)
        except ValueError:
            pass
    return {"bytes": len(raw)}


def _scrubbed(value: Any) -> Any:
    from cargo_cli import output

    if isinstance(value, str):
        return output.scrub(value)
    if isinstance(value, Mapping):
        return {key: _scrubbed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrubbed(item) for item in value]
    return value


def describe(request: httpx.Request, then: list[str]) -> dict[str, Any]:
    """The dry-run object for ``request`` (see the module docstring)."""
    headers = {
        name: (REDACTED if name.lower() == "authorization" else value)
        for name, value in request.headers.items()
    }
    document: dict[str, Any] = {
        "dryRun": True,
        "request": {
            "method": request.method,
            "url": str(request.url.copy_with(query=None)),
            "query": _query(request.url),
            "headers": headers,
            "body": _body(request),
        },
    }
    steps = [*then, *_steps_after(request)]
    if steps:
        document["then"] = steps
    scrubbed: dict[str, Any] = _scrubbed(document)
    return scrubbed


def _steps_after(request: httpx.Request) -> list[str]:
    """What the request itself says would follow: a chunked upload's parts."""
    from cargo_cli.api import uploads

    if request.url.path.endswith(f"{uploads.BASE_PATH}/create"):
        size = uploads.PART_SIZE // (1024 * 1024)
        base = request.url.path.removesuffix("/create")
        return [
            f"POST {base}/sign and PUT each {size} MiB part to its signed URL "
            f"(up to {uploads.MAX_IN_FLIGHT} at a time)",
            f"POST {base}/complete with the parts' ETags",
        ]
    return []


def _call_of(endpoint: Any) -> str:
    from cargo_cli.api.endpoints import ENDPOINTS
    from cargo_cli.api.resources import endpoint_id_of

    found = ENDPOINTS[endpoint_id_of(endpoint)]
    return f"{found.method} /v1{found.path}"


def plan(cmd: Any, inv: Any) -> list[str]:
    """The steps a declared command (``spec.Cmd``) would take after its first
    request, from its flags: the polls of a wait, the download of ``--output``."""
    steps: list[str] = []
    spec = cmd.wait
    if spec is not None and inv.waiting.wait_until_finished:
        interval = inv.waiting.polling_interval or spec.default_interval_ms
        until = ", ".join(sorted(spec.terminal))
        limit = f", for at most {inv.waiting.wait_limit:g}s" if inv.waiting.wait_limit is not None else ""
        steps.append(
            f"poll {_call_of(spec.get_endpoint)} every {interval} ms{' (growing)' if spec.backoff else ''} "
            f"until the {spec.label} status is one of {until}{limit}"
        )
    if cmd.download and inv.output_file:
        steps.append(f"GET the signed url (or each of urls) of the answer and write it to {inv.output_file}")
    return steps
