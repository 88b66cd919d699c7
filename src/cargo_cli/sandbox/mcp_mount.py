"""Where the sandbox serves MCP: the routes of the platform endpoint and the
curated servers, with the SDK (``sandbox/mcp.py``) loaded on the first MCP
request. ``create_app`` puts these routes first (docs/mcp.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cargo_cli.sandbox.mcp_tools import PLATFORM_PATH

if TYPE_CHECKING:
    from cargo_cli.sandbox.app import Sandbox


class LazyEndpoint:
    """The ASGI app of the MCP paths: ``sandbox/mcp.py`` (the SDK), imported on
    the first MCP request, so the sandbox starts as fast without it; without
    the ``mcp`` extra, a 501 that names it."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.app: Any = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if self.app is None:
            try:
                from cargo_cli.sandbox.mcp import McpEndpoint
            except ImportError as exc:
                from starlette.responses import JSONResponse

                message = (
                    f"The sandbox's MCP endpoint needs the mcp extra ({exc}): pip install 'cargo-ai[mcp]'"
                )
                self.app = JSONResponse({"errorMessage": message, "reason": "extraMissing"}, status_code=501)
            else:
                self.app = McpEndpoint(self.sandbox)
        await self.app(scope, receive, send)


def mount(sandbox: Sandbox) -> list[Any]:
    """The Starlette routes of the MCP endpoint (``create_app`` puts them first)."""
    from starlette.routing import Route

    endpoint = LazyEndpoint(sandbox)
    methods = ["GET", "POST", "DELETE"]
    return [
        Route(PLATFORM_PATH, endpoint, methods=methods),
        Route("/v1/ai/mcpServers/{uuid}/mcp", endpoint, methods=methods),
    ]
