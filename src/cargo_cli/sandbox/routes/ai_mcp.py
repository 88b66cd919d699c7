"""ai: curated MCP servers (``ai mcp-server ...``, served over MCP at
``/v1/ai/mcpServers/<uuid>/mcp`` by ``sandbox/mcp.py``) and MCP clients
(``ai mcp-client connect``, which lists the tools of one of the sandbox's own
MCP endpoints)."""

from __future__ import annotations

import urllib.parse
from typing import Any

from cargo_cli.sandbox import mcp_tools
from cargo_cli.sandbox.http import ApiError, Ctx, Router, bad_request
from cargo_cli.sandbox.route_helpers import body_dict, create, listed, remove, update

router = Router()
FIELDS = ("name", "description", "actions", "resources", "folderUuid", "capabilities")


@router.route("GET", "/ai/mcpServers/list")
def list_mcp_servers(ctx: Ctx) -> Any:
    return {"mcpServers": listed(ctx, "mcpServer")}


@router.route("GET", "/ai/mcpServers/{uuid}")
def get_mcp_server(ctx: Ctx) -> Any:
    return {"mcpServer": mcp_tools.mcp_server(ctx)}


def _lists(body: dict[str, Any]) -> None:
    for field in ("actions", "resources", "capabilities"):
        if field in body and not isinstance(body[field], list):
            raise bad_request(f"{field} must be an array")
    if any(not isinstance(a, dict) or "kind" not in a for a in body.get("actions") or []):
        raise bad_request(
            'Every action must be an object with a "kind" (connector, tool, agent)', "invalidActions"
        )


@router.route("POST", "/ai/mcpServers")
def create_mcp_server(ctx: Ctx) -> Any:
    body = body_dict(ctx, "name")
    _lists(body)
    server = create(ctx, "mcpServer", {
        "name": body["name"], "description": body.get("description"), "actions": body.get("actions") or [],
        "resources": body.get("resources") or [], "capabilities": body.get("capabilities") or [],
        "folderUuid": body.get("folderUuid"), "templateSlug": None, "isReadOnly": False,
    })  # fmt: skip
    return {"mcpServer": server}


@router.route("PUT", "/ai/mcpServers/{uuid}")
def update_mcp_server(ctx: Ctx) -> Any:
    server = mcp_tools.mcp_server(ctx)
    _lists(body_dict(ctx))
    return {"mcpServer": update(ctx, "mcpServer", server, FIELDS)}


@router.route("DELETE", "/ai/mcpServers/{uuid}")
def remove_mcp_server(ctx: Ctx) -> Any:
    remove(ctx, "mcpServer", mcp_tools.mcp_server(ctx))


@router.route("POST", "/ai/mcpClients/connect")
def connect_mcp_client(ctx: Ctx) -> Any:
    client = ctx.required("mcpClient")
    if not isinstance(client, dict) or client.get("kind", "custom") != "custom":
        raise bad_request(
            'mcpClient must be a custom MCP client: {"kind": "custom", "name": ..., "url": ...}'
        )
    for field in ("name", "url"):
        if not isinstance(client.get(field), str) or not client[field]:
            raise bad_request(f"mcpClient.{field} is required")
    url = urllib.parse.urlsplit(client["url"])
    ours = urllib.parse.urlsplit(ctx.base_url)
    tools = (
        mcp_tools.tools_of(ctx, url.path) if (url.scheme, url.netloc) == (ours.scheme, ours.netloc) else None
    )
    if tools is None:
        raise ApiError(
            400, f"Cannot connect to {client['url']}: the sandbox reaches only its own MCP endpoints "
            f"({ctx.base_url}/mcp and {ctx.base_url}/v1/ai/mcpServers/<uuid>/mcp)", "mcpClientConnectionFailed",
        )  # fmt: skip
    disabled = set(client.get("disabledToolSlugs") or [])
    return {"outcome": "connected", "tools": [t for t in tools if t["slug"] not in disabled]}
