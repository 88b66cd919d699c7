"""``cargo-ai mcp [--server <uuid>]``: a stdio MCP server that bridges to the
platform's hosted MCP endpoint over Streamable HTTP (docs/mcp.md).

This module only resolves what to bridge to (the endpoint, the token) and
checks that the ``mcp`` extra is installed; the bridge itself is
``cargo_cli.cli.mcp_bridge``, the only module that imports the SDK.

The endpoint:

- ``--server <uuid>``, else ``CARGO_MCP_SERVER_UUID``: the curated workspace
  server ``<API origin>/v1/ai/mcpServers/<uuid>/mcp``;
- else ``CARGO_MCP_URL`` when set;
- else, with the default API origin, ``https://mcp.getcargo.io/mcp``;
- else (``CARGO_API_URL``, or a login made against another origin)
  ``<API origin>/mcp``: the sandbox serves it there.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Mapping
from dataclasses import dataclass

import click

from cargo_cli.cli.flags import debug_option
from cargo_cli.cli.help import HelpCommand
from cargo_cli.cli.params import UUID, UUID_RE
from cargo_cli.cli.runtime import get_runtime
from cargo_cli.errors import UsageError
from cargo_cli.settings import DEFAULT_API_URL, Settings, check_origin

DEFAULT_MCP_URL = "https://mcp.getcargo.io/mcp"
INSTALL_HINT = "pip install 'cargo-ai[mcp]'"


@dataclass(frozen=True)
class BridgeTarget:
    url: str
    source: str  # "server" (--server / CARGO_MCP_SERVER_UUID), "env" (CARGO_MCP_URL), "api" or "default"
    server_uuid: str | None = None


def resolve_endpoint(
    settings: Settings, server: str | None, env: Mapping[str, str] | None = None
) -> BridgeTarget:
    """Where the bridge sends the MCP messages (the module docstring's rule).
    ``settings.api_url`` must already follow the stored login (credentials
    resolved first)."""
    env = os.environ if env is None else env
    uuid = server or (env.get("CARGO_MCP_SERVER_UUID") or "").strip() or None
    if uuid is not None:
        if not UUID_RE.match(uuid):
            raise UsageError(f"CARGO_MCP_SERVER_UUID must be a UUID, got {uuid!r}")
        return BridgeTarget(f"{settings.api_url}/v1/ai/mcpServers/{uuid.lower()}/mcp", "server", uuid.lower())
    override = (env.get("CARGO_MCP_URL") or "").strip()
    if override:
        check_origin(override, "CARGO_MCP_URL")  # an http(s) URL, no query or fragment
        return BridgeTarget(override.rstrip("/"), "env")
    if settings.api_url == DEFAULT_API_URL:
        return BridgeTarget(DEFAULT_MCP_URL, "default")
    return BridgeTarget(f"{settings.api_url}/mcp", "api")


def sdk_missing() -> str | None:
    """Why the ``mcp`` extra cannot be used, or None when it can."""
    try:
        found = importlib.util.find_spec("mcp") is not None and importlib.util.find_spec("httpx2") is not None
    except (ImportError, ValueError) as exc:
        return f"the MCP SDK cannot be loaded ({exc})"
    if not found:
        return "the MCP SDK (the `mcp` package) is not installed"
    try:
        import mcp.client.streamable_http
        import mcp.server.stdio  # noqa: F401
    except ImportError as exc:
        return f"the MCP SDK cannot be loaded ({exc})"
    return None


@click.command("mcp", cls=HelpCommand, examples=("cargo-ai mcp --server <server>", "cargo-ai mcp"))
@click.option("--server", type=UUID, help="A curated workspace MCP server (or CARGO_MCP_SERVER_UUID).")
@debug_option
def mcp(server: str | None) -> int:
    """Serve MCP over stdio, bridged to Cargo's MCP endpoint (Streamable HTTP).

    For MCP clients: `claude mcp add cargo -- cargo-ai mcp`. Stdout carries
    only the protocol; logs go to stderr (--debug: every message, token
    redacted). The login (`cargo-ai login`, or CARGO_API_TOKEN) is the Bearer
    credential; the client's config holds no token.

    The endpoint is https://mcp.getcargo.io/mcp; with CARGO_API_URL (or a login
    made against another origin) it is <that origin>/mcp; CARGO_MCP_URL
    overrides both. --server <uuid> (or CARGO_MCP_SERVER_UUID) serves the
    curated server <API origin>/v1/ai/mcpServers/<uuid>/mcp instead.

    Ends with exit 0 when stdin closes, 130 on SIGINT, 143 on SIGTERM, closing
    the remote session first. Needs the mcp extra: pip install 'cargo-ai[mcp]'.
    """
    rt = get_runtime(click.get_current_context())
    rt.settings.check()
    missing = sdk_missing()
    if missing is not None:
        from cargo_cli import output

        message = f"`cargo-ai mcp` needs the mcp extra: {missing}. Install it with: {INSTALL_HINT}"
        output.info(f"cargo-ai: {message}")
        raise UsageError(message, extra={"reason": "extraMissing", "extra": "mcp"})
    creds = rt.credentials()  # a stored login made elsewhere moves settings.api_url there
    endpoint = resolve_endpoint(rt.settings, server)
    from cargo_cli.cli import mcp_bridge

    return mcp_bridge.run(
        mcp_bridge.Config(
            url=endpoint.url,
            token=creds.access_token if creds else None,
            workspace_uuid=creds.workspace_uuid if creds else None,
            timeout=rt.settings.timeout,
            debug=rt.settings.debug,
            source=endpoint.source,
        )
    )
