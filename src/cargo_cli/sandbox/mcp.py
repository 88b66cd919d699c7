"""The sandbox's MCP endpoint (Streamable HTTP, served by the ``mcp`` SDK):

- ``/mcp``: the 13 platform tools (``mcp_tools.PLATFORM_TOOLS``), where
  ``cargo-ai mcp`` sends its messages when CARGO_API_URL is the sandbox;
- ``/v1/ai/mcpServers/<uuid>/mcp``: a curated server (``ai mcp-server
  create``), with one tool per action it was created with.

Every request carries the sandbox token as a Bearer credential (and may
select a workspace, as the REST calls do); a missing or wrong one is a 401
with a ``WWW-Authenticate`` challenge. The tools answer from the same store
as the REST routes, by calling them.

The SDK is imported here only: ``create_app`` mounts the endpoint when the
``mcp`` extra is installed (docs/mcp.md), and without it these paths answer
501 naming the extra.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import TYPE_CHECKING, Any

import jsonschema
import mcp_types as types
from mcp.server.lowlevel import Server
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Message, Receive, Scope, Send

from cargo_cli import __version__
from cargo_cli.sandbox.http import ApiError
from cargo_cli.sandbox.mcp_tools import CURATED_PATH, PLATFORM_TOOLS, Caller, Rest, Tool, curated_tools

if TYPE_CHECKING:
    from cargo_cli.sandbox.app import Sandbox

SCOPE_KEY = "cargo.mcp"  # (Caller, server uuid or None), set on the ASGI scope for the handlers
CHALLENGE = 'Bearer realm="cargo-sandbox", error="invalid_token", error_description="{}"'


def _scope_of(ctx: Any) -> tuple[Caller, str | None]:
    request = getattr(ctx, "request", None)
    found = request.scope.get(SCOPE_KEY) if request is not None else None
    if found is None:
        raise RuntimeError("an MCP request without its caller")
    return found  # type: ignore[no-any-return]


def _result(answer: Any, *, error: bool = False) -> types.CallToolResult:
    text = json.dumps(answer, indent=2, ensure_ascii=False)
    structured = answer if isinstance(answer, dict) else {"result": answer}
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=text)], structured_content=structured, is_error=error
    )


class McpEndpoint:
    """The ASGI app of both paths (one SDK server, one session manager)."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.server: Server[Any] = Server(
            "cargo-sandbox", version=__version__, title="Cargo sandbox",
            instructions="The Cargo platform's MCP tools, served by cargo-ai-sandbox (fake, deterministic data).",
            on_list_tools=self._list_tools, on_call_tool=self._call_tool,
        )  # fmt: skip
        self.manager = StreamableHTTPSessionManager(app=self.server)
        self._started: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None

    # -- the tools of a request ----------------------------------------------------
    def tools(self, caller: Caller, server_uuid: str | None) -> tuple[Tool, ...]:
        if server_uuid is None:
            return PLATFORM_TOOLS
        rest = Rest(self.sandbox, caller)
        return curated_tools(rest("GET", f"/ai/mcpServers/{server_uuid}")["mcpServer"])

    async def _list_tools(self, ctx: Any, _params: Any) -> types.ListToolsResult:
        caller, server_uuid = _scope_of(ctx)
        return types.ListToolsResult(
            tools=[
                types.Tool(name=t.name, description=t.description, input_schema=t.input_schema)
                for t in self.tools(caller, server_uuid)
            ]
        )

    async def _call_tool(self, ctx: Any, params: types.CallToolRequestParams) -> types.CallToolResult:
        caller, server_uuid = _scope_of(ctx)
        tool = next((t for t in self.tools(caller, server_uuid) if t.name == params.name), None)
        if tool is None:
            return _result(
                {"errorMessage": f"Unknown tool: {params.name}", "reason": "toolNotFound"}, error=True
            )
        arguments = dict(params.arguments or {})
        try:
            jsonschema.validate(arguments, tool.input_schema)
        except jsonschema.ValidationError as exc:
            where = "/".join(str(p) for p in exc.absolute_path)
            message = (
                f"Invalid arguments for {tool.name}" + (f" at {where}" if where else "") + f": {exc.message}"
            )
            return _result({"errorMessage": message, "reason": "invalidArguments"}, error=True)
        try:
            return _result(tool.run(Rest(self.sandbox, caller), arguments))
        except ApiError as exc:
            return _result({**exc.body(), "status": exc.status}, error=True)

    # -- HTTP ------------------------------------------------------------------------
    async def _ensure_started(self) -> None:
        """The session manager runs for the server's lifetime, from the first
        MCP request (asyncio.run cancels it when the server stops)."""
        if self._started is None:
            self._started = asyncio.Event()
            started = self._started

            async def keep() -> None:
                async with self.manager.run():
                    started.set()
                    await asyncio.Event().wait()

            self._task = asyncio.get_running_loop().create_task(keep())
        await self._started.wait()

    def _caller(self, request: Request) -> Caller | Response:
        with self.sandbox.store.lock:
            try:
                user_uuid, workspace_uuid = self.sandbox._authenticate(request, "/mcp")
            except ApiError as exc:
                headers = {"WWW-Authenticate": CHALLENGE.format(exc.message)} if exc.status == 401 else None
                return JSONResponse(exc.body(), status_code=exc.status, headers=headers)
        return Caller(user_uuid, workspace_uuid)

    def _curated_missing(self, caller: Caller, uuid: str) -> Response | None:
        try:
            Rest(self.sandbox, caller)("GET", f"/ai/mcpServers/{uuid}")
        except ApiError as exc:
            body = {"jsonrpc": "2.0", "id": None, "error": {"code": -32002, "message": exc.message}}
            return JSONResponse(body, status_code=exc.status)
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.monotonic()
        status: list[int] = []

        async def logged_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                status.append(int(message["status"]))
            await send(message)

        request = Request(scope, receive)
        path = request.url.path
        try:
            await self._serve(request, scope, receive, logged_send)
        finally:
            if not self.sandbox.quiet:
                elapsed = (time.monotonic() - started) * 1000
                shown = status[0] if status else 0
                print(f"{request.method} {path} {shown} {elapsed:.0f}ms (mcp)", file=sys.stderr, flush=True)

    async def _serve(self, request: Request, scope: Scope, receive: Receive, send: Send) -> None:
        caller = self._caller(request)
        if isinstance(caller, Response):
            await caller(scope, receive, send)
            return
        found = CURATED_PATH.match(request.url.path)
        server_uuid = found.group("uuid") if found else None
        if server_uuid is not None:
            missing = self._curated_missing(caller, server_uuid)
            if missing is not None:
                await missing(scope, receive, send)
                return
        await self._ensure_started()
        await self.manager.handle_request({**scope, SCOPE_KEY: (caller, server_uuid)}, receive, send)
