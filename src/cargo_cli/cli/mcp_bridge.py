"""The stdio ⇄ Streamable HTTP bridge of ``cargo-ai mcp`` (docs/mcp.md).

Built on the ``mcp`` SDK's two transports, with no JSON-RPC framing of its own:

- ``mcp.server.stdio.stdio_server`` reads the client's messages on stdin and
  writes ours on stdout (it points fd 1 at stderr while it serves, so nothing
  but the protocol can reach stdout);
- ``mcp.client.streamable_http.streamable_http_client`` sends them to the
  endpoint and brings back the answers, the server's notifications and its
  requests (the SSE stream).

Between the two, ``_Bridge`` forwards every message as is, and adds what a
transport does not know about:

- a deadline per request (``CARGO_TIMEOUT``): the client gets a JSON-RPC
  error instead of waiting forever, and the server a cancellation;
- the HTTP layer (``_Guard``, an httpx2 transport) sends the token only to
  the endpoint itself, follows no redirect, and turns a refusal (401, 403),
  an unreachable host or a timeout into a JSON-RPC error that names the fix
  or the host, which the SDK hands back to the client as the answer;
- EOF on stdin (after the answers still due), SIGINT, SIGTERM and SIGHUP
  close the remote session (DELETE) and end with exit 0, 130, 143, 129.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import threading
from dataclasses import dataclass
from typing import Any, cast

import anyio
import httpx2
import mcp_types as types
from mcp.client.streamable_http import streamable_http_client
from mcp.server.stdio import stdio_server
from mcp.shared.message import SessionMessage

from cargo_cli import __version__, output
from cargo_cli.errors import EXIT_BROKEN_PIPE, EXIT_INTERNAL, EXIT_OK, EXIT_SIGNAL_BASE
from cargo_cli.settings import CONNECT_TIMEOUT

CLOSE_TIMEOUT = 5.0  # closing the remote session (DELETE) may take this long, then we leave anyway
HANDLED_SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP")
LOGIN_FIX = "Run `cargo-ai login --token <token>` (or `cargo-ai login --oauth`), or set CARGO_API_TOKEN."

# JSON-RPC error codes of the bridge (the implementation-defined range).
UNAUTHORIZED = -32001
FORBIDDEN = -32003
UNREACHABLE = -32004
TIMED_OUT = -32005
REDIRECTED = -32006


@dataclass(frozen=True)
class Config:
    url: str
    token: str | None
    workspace_uuid: str | None
    timeout: float
    debug: bool = False
    source: str = "default"


def log(message: str) -> None:
    output.info("cargo-ai mcp: " + output.scrub(message))


def _error_response(
    request: httpx2.Request, http_status: int, code: int, message: str, **data: Any
) -> httpx2.Response:
    """An answer the SDK reads as the JSON-RPC error of the request it sent
    (it puts the request's id on it)."""
    body = {"jsonrpc": "2.0", "id": None, "error": {"code": code, "message": message, "data": data}}
    return httpx2.Response(
        http_status,
        headers={"content-type": "application/json"},
        content=json.dumps(body).encode(),
        request=request,
    )


def _same_endpoint(a: httpx2.URL, b: httpx2.URL) -> bool:
    return (a.scheme, a.host, a.port, a.path) == (b.scheme, b.host, b.port, b.path)


class _Guard(httpx2.AsyncBaseTransport):
    """The HTTP layer under the SDK's transport: auth for the endpoint only,
    no redirects, every failure an answer the client can show."""

    def __init__(self, config: Config, inner: httpx2.AsyncBaseTransport | None = None) -> None:
        self.config = config
        self.endpoint = httpx2.URL(config.url)
        self.host = self.endpoint.netloc.decode("ascii", "replace")
        self.inner = inner or httpx2.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        try:
            return await self._handle(request)
        except Exception as exc:  # a bug here must not end the session: the request fails, visibly
            log(f"internal error on {request.method} {request.url}: {type(exc).__name__}: {exc}")
            return _error_response(request, 500, types.INTERNAL_ERROR, f"cargo-ai mcp internal error: {exc}")

    async def _handle(self, request: httpx2.Request) -> httpx2.Response:
        if self.config.token is None:
            return _error_response(
                request, 401, UNAUTHORIZED, f"Not logged in. {LOGIN_FIX}", fix="cargo-ai login"
            )
        if _same_endpoint(request.url, self.endpoint):
            request.headers["authorization"] = f"Bearer {self.config.token}"
            if self.config.workspace_uuid:
                request.headers["selected-workspace-uuid"] = self.config.workspace_uuid
        else:  # only the endpoint ever sees the token
            request.headers.pop("authorization", None)
        try:
            if request.method == "DELETE":  # closing the session: never worth a long wait
                with anyio.fail_after(CLOSE_TIMEOUT):
                    response = await self.inner.handle_async_request(request)
            else:
                response = await self.inner.handle_async_request(request)
        except (httpx2.TimeoutException, TimeoutError):
            return _error_response(
                request, 504, TIMED_OUT,
                f"The MCP server {self.host} did not answer within {self.config.timeout:g}s (CARGO_TIMEOUT)",
                host=self.host,
            )  # fmt: skip
        except httpx2.TransportError as exc:
            reason = output.scrub(str(exc) or type(exc).__name__)
            return _error_response(
                request, 502, UNREACHABLE,
                f"Cannot reach the MCP server {self.host} ({reason}). Check your network connection, and "
                f"CARGO_MCP_URL / CARGO_API_URL ({self.config.url})",
                host=self.host,
            )  # fmt: skip
        if self.config.debug:
            output.debug(f"mcp http {request.method} {request.url} → {response.status_code}")
        return await self._checked(request, response)

    async def _checked(self, request: httpx2.Request, response: httpx2.Response) -> httpx2.Response:
        status = response.status_code
        if status < 300:
            return response
        if status in (401, 403) or 300 <= status < 400:
            await response.aclose()
        if 300 <= status < 400:
            location = response.headers.get("location", "")
            return _error_response(
                request, 502, REDIRECTED,
                f"Unexpected redirect from the MCP server {self.host}: HTTP {status} to {location or '?'}; "
                "cargo-ai mcp follows no redirect, so the token goes nowhere else (check CARGO_MCP_URL)",
                host=self.host, status=status,
            )  # fmt: skip
        if status == 401:
            return _error_response(
                request, 401, UNAUTHORIZED,
                f"The MCP server {self.host} refused the Cargo token (HTTP 401). {LOGIN_FIX}",
                host=self.host, status=401, fix="cargo-ai login",
            )  # fmt: skip
        if status == 403:
            return _error_response(
                request, 403, FORBIDDEN,
                f"The MCP server {self.host} refused access (HTTP 403): the token's workspace cannot use "
                f"{self.endpoint.path}. Check the workspace (`cargo-ai whoami`) and --server.",
                host=self.host, status=403,
            )  # fmt: skip
        return response  # the SDK reads a JSON-RPC error body, else names the status


class _Stdin:
    """Lines of stdin, read by a daemon thread: unlike a worker-thread read,
    ``stop()`` ends the iteration at once, even while a read blocks."""

    def __init__(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._queue: asyncio.Queue[str | None] = asyncio.Queue()
        self.eof = asyncio.Event()
        threading.Thread(target=self._read, daemon=True, name="cargo-ai-mcp-stdin").start()

    def _read(self) -> None:
        # os.read on fd 0, not sys.stdin.buffer: a daemon thread blocked in a
        # buffered read aborts the interpreter's exit (it holds the buffer's lock).
        pending = b""
        try:
            while True:
                chunk = os.read(0, 1 << 16)
                if not chunk:
                    break
                pending += chunk
                *lines, pending = pending.split(b"\n")
                for line in lines:
                    self._loop.call_soon_threadsafe(self._queue.put_nowait, line.decode("utf-8", "replace"))
        except (OSError, ValueError):
            pass
        finally:
            try:
                if pending:
                    self._loop.call_soon_threadsafe(
                        self._queue.put_nowait, pending.decode("utf-8", "replace")
                    )
                self._loop.call_soon_threadsafe(self._queue.put_nowait, None)
            except RuntimeError:  # the loop is gone: nothing is reading any more
                pass

    def stop(self) -> None:
        self._queue.put_nowait(None)

    def __aiter__(self) -> _Stdin:
        return self

    async def __anext__(self) -> str:
        while True:
            line = await self._queue.get()
            if line is None:
                self.eof.set()
                self._queue.put_nowait(None)  # and for any later reader
                raise StopAsyncIteration
            if line.strip():
                return line


class _Bridge:
    def __init__(self, config: Config, local: Any, remote: Any) -> None:
        self.config = config
        self.local_read, self.local_write = local
        self.remote_read, self.remote_write = remote
        self.pending: dict[
            Any, tuple[anyio.CancelScope, anyio.Event]
        ] = {}  # request id -> deadline, answered
        self.expired: set[Any] = set()  # requests answered with a deadline error
        self.signum: int | None = None

    def _debug(self, arrow: str, message: types.JSONRPCMessage) -> None:
        if self.config.debug:
            output.debug(f"mcp {arrow} {message.model_dump_json(by_alias=True, exclude_unset=True)}")

    async def run(self) -> None:
        async with anyio.create_task_group() as tg:
            tg.start_soon(self._watch_signals, tg)
            tg.start_soon(self._down)
            await self._up(tg)
            for _scope, answered in list(self.pending.values()):  # EOF: the answers still due
                await answered.wait()  # (each within its deadline)
            tg.cancel_scope.cancel()

    def _settle(self, request_id: Any) -> bool:
        """The request is answered (or expired): stop its deadline. False when
        it was not pending."""
        entry = self.pending.pop(request_id, None)
        if entry is None:
            return False
        entry[0].cancel()
        entry[1].set()
        return True

    async def _up(self, tg: Any) -> None:
        """Client → server."""
        async for item in self.local_read:
            if isinstance(item, Exception):
                log(f"ignored a message that is not JSON-RPC: {str(item).splitlines()[0:3]}")
                error = types.JSONRPCError(
                    jsonrpc="2.0",
                    id=None,
                    error=types.ErrorData(code=types.PARSE_ERROR, message="Parse error"),
                )
                await self.local_write.send(SessionMessage(error))
                continue
            message = item.message
            self._debug("→", message)
            answered = None
            if isinstance(message, types.JSONRPCRequest):
                scope, answered = anyio.CancelScope(), anyio.Event()
                self.pending[message.id] = (scope, answered)
                tg.start_soon(self._deadline, message, scope)
            await self.remote_write.send(item)
            if (
                answered is not None
                and isinstance(message, types.JSONRPCRequest)
                and message.method == "initialize"
            ):
                await answered.wait()  # nothing else goes out before it: its answer opens the session

    async def _down(self) -> None:
        """Server → client: answers, notifications, server requests."""
        async for item in self.remote_read:
            if isinstance(item, Exception):
                log(f"the MCP server sent something unreadable: {item}")
                continue
            message = item.message
            answer = isinstance(message, types.JSONRPCResponse | types.JSONRPCError)
            if answer and message.id not in self.pending and message.id in self.expired:
                continue  # answered after its deadline: the client already has an error
            self._debug("←", message)
            await self.local_write.send(SessionMessage(message))
            if answer:
                self._settle(message.id)  # after the send: at EOF, settling the last one ends the bridge

    async def _deadline(self, request: types.JSONRPCRequest, scope: anyio.CancelScope) -> None:
        with scope:
            await anyio.sleep(self.config.timeout)
        if scope.cancelled_caught or request.id not in self.pending:
            return
        self.expired.add(request.id)
        message = (
            f"The MCP server did not answer {request.method} within {self.config.timeout:g}s (CARGO_TIMEOUT)"
        )
        log(message)
        error = types.ErrorData(code=TIMED_OUT, message=message)
        await self.local_write.send(
            SessionMessage(types.JSONRPCError(jsonrpc="2.0", id=request.id, error=error))
        )
        self._settle(request.id)
        cancel = types.JSONRPCNotification(
            jsonrpc="2.0", method="notifications/cancelled",
            params={"requestId": request.id, "reason": "cargo-ai mcp: deadline (CARGO_TIMEOUT) passed"},
        )  # fmt: skip
        await self.remote_write.send(SessionMessage(cancel))

    async def _watch_signals(self, tg: Any) -> None:
        wanted = []
        for name in HANDLED_SIGNALS:
            signum = getattr(signal, name, None)
            if signum is not None and signal.getsignal(signum) is not signal.SIG_IGN:  # nohup: stays ignored
                wanted.append(signum)
        if not wanted:
            return
        receiver = anyio.open_signal_receiver(*wanted)
        try:
            received = receiver.__enter__()
        except NotImplementedError:  # no loop signal handlers (Windows): Ctrl-C ends the process as usual
            return
        try:
            async for signum in received:
                self.signum = int(signum)
                log(f"{signal.Signals(signum).name}: closing the session")
                tg.cancel_scope.cancel()
                return
        finally:
            receiver.__exit__(None, None, None)


def _quiet_sdk_logs(debug: bool) -> None:
    """The SDK's and httpx2's log records go to stderr, scrubbed, warnings and
    up (everything with --debug): never to stdout."""

    class Scrubbed(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            try:
                output.info("cargo-ai mcp: " + output.scrub(record.getMessage()))
            except Exception:
                pass

    for name in ("mcp", "httpx2", "httpx"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [Scrubbed()]
        logger.propagate = False
        logger.setLevel(logging.WARNING)  # --debug: the bridge logs each message itself


async def serve(config: Config) -> int:
    _quiet_sdk_logs(config.debug)
    timeout = httpx2.Timeout(config.timeout, connect=min(config.timeout, CONNECT_TIMEOUT))
    http = httpx2.AsyncClient(
        transport=_Guard(config), timeout=timeout, follow_redirects=False,
        headers={"user-agent": f"cargo-ai/{__version__} (mcp bridge)"},
    )  # fmt: skip
    stdin = _Stdin()
    async with http, streamable_http_client(config.url, http_client=http) as remote:
        # leaving this block closes the remote session (DELETE, within CLOSE_TIMEOUT: _Guard)
        async with stdio_server(stdin=cast(Any, stdin)) as local:
            bridge = _Bridge(config, local, remote)
            try:
                await bridge.run()
            finally:
                stdin.stop()  # ends the stdin reader of stdio_server
                await local[1].aclose()  # and its stdout writer
                await local[0].aclose()  # and what the reader left unread
    if bridge.signum is not None:
        return EXIT_SIGNAL_BASE + bridge.signum
    return EXIT_OK


def _broken_pipe(exc: BaseException) -> bool:
    if isinstance(exc, BaseExceptionGroup):
        return any(_broken_pipe(inner) for inner in exc.exceptions)
    return isinstance(exc, BrokenPipeError) or (exc.__cause__ is not None and _broken_pipe(exc.__cause__))


def run(config: Config) -> int:
    output.register_secret(config.token)
    where = {"server": "curated server", "env": "CARGO_MCP_URL", "api": "API origin", "default": "platform"}
    log(f"serving MCP on stdio, bridged to {config.url} ({where.get(config.source, config.source)})")
    if config.token is None:
        log(f"not logged in: every request will fail. {LOGIN_FIX}")
    try:
        return anyio.run(serve, config, backend="asyncio")
    except Exception as exc:  # a bug: said on stderr; stdout is the protocol's
        if _broken_pipe(exc):  # the client went away without closing stdin first
            log("stdout was closed by the client")
            return EXIT_BROKEN_PIPE
        import traceback

        log("internal error: " + "".join(traceback.format_exception_only(type(exc), exc)).strip())
        return EXIT_INTERNAL
