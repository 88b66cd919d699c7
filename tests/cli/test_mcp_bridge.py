"""cargo-ai mcp, in-process: the endpoint rule, the HTTP guard (auth only to
the endpoint, no redirects, failures as JSON-RPC errors) and the per-request
deadline of the bridge (the processes, signals and the SDK client: e2e)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from cargo_cli.cli.commands.mcp import DEFAULT_MCP_URL, resolve_endpoint
from cargo_cli.errors import UsageError
from cargo_cli.settings import Settings

pytest.importorskip("mcp", reason="the mcp extra")

import anyio
import httpx2
import mcp_types as types
from mcp.shared.message import SessionMessage

from cargo_cli.cli import mcp_bridge

UUID = "0b7a0f4e-1c7e-4c35-9a51-7d5a2f1b9c3e"
TOKEN = "cgo_bridge_secret_token"


def settings(api_url: str = "https://api.getcargo.io") -> Settings:
    return Settings(api_url=api_url)


@pytest.mark.parametrize(
    ("api_url", "server", "env", "expected", "source"),
    [
        ("https://api.getcargo.io", None, {}, DEFAULT_MCP_URL, "default"),
        ("http://127.0.0.1:8765", None, {}, "http://127.0.0.1:8765/mcp", "api"),
        ("https://staging.example.com/prefix", None, {}, "https://staging.example.com/prefix/mcp", "api"),
        ("http://127.0.0.1:8765", None, {"CARGO_MCP_URL": "https://mcp.example.com/mcp/"},
         "https://mcp.example.com/mcp", "env"),
        ("https://api.getcargo.io", None, {"CARGO_MCP_URL": "http://localhost:9/x"}, "http://localhost:9/x", "env"),
        ("https://api.getcargo.io", UUID, {"CARGO_MCP_URL": "https://mcp.example.com/mcp"},
         f"https://api.getcargo.io/v1/ai/mcpServers/{UUID}/mcp", "server"),
        ("http://127.0.0.1:8765", None, {"CARGO_MCP_SERVER_UUID": UUID.upper()},
         f"http://127.0.0.1:8765/v1/ai/mcpServers/{UUID}/mcp", "server"),
        ("http://127.0.0.1:8765", UUID, {"CARGO_MCP_SERVER_UUID": "ignored"},
         f"http://127.0.0.1:8765/v1/ai/mcpServers/{UUID}/mcp", "server"),
    ],
)  # fmt: skip
def test_the_endpoint_rule(api_url, server, env, expected, source):
    endpoint = resolve_endpoint(settings(api_url), server, env)
    assert (endpoint.url, endpoint.source) == (expected, source)


@pytest.mark.parametrize(
    ("env", "needle"),
    [({"CARGO_MCP_SERVER_UUID": "nope"}, "CARGO_MCP_SERVER_UUID must be a UUID"),
     ({"CARGO_MCP_URL": "mcp.example.com"}, "CARGO_MCP_URL"),
     ({"CARGO_MCP_URL": "https://mcp.example.com/mcp?x=1"}, "CARGO_MCP_URL")],
)  # fmt: skip
def test_a_bad_endpoint_setting_is_a_usage_error(env, needle):
    with pytest.raises(UsageError, match=needle):
        resolve_endpoint(settings(), None, env)


# -- the HTTP guard ----------------------------------------------------------------------------
def guard(handler: Any, *, token: str | None = TOKEN, url: str = "https://mcp.example.com/mcp") -> Any:
    config = mcp_bridge.Config(url=url, token=token, workspace_uuid="ws-1", timeout=7)
    return mcp_bridge._Guard(config, httpx2.MockTransport(handler))


def send(transport: Any, url: str = "https://mcp.example.com/mcp", method: str = "POST") -> httpx2.Response:
    async def main() -> httpx2.Response:
        request = httpx2.Request(method, url, json={"jsonrpc": "2.0", "id": 1, "method": "ping"})
        response: httpx2.Response = await transport.handle_async_request(request)
        await response.aread()
        return response

    return anyio.run(main)


def error_of(response: httpx2.Response) -> dict[str, Any]:
    parsed = types.jsonrpc_message_adapter.validate_json(response.content)
    assert isinstance(parsed, types.JSONRPCError)
    return parsed.error.model_dump()


def test_the_token_goes_to_the_endpoint_only():
    seen: list[httpx2.Request] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        return httpx2.Response(200, json={"jsonrpc": "2.0", "id": 1, "result": {}})

    transport = guard(handler)
    send(transport)
    send(transport, "https://mcp.example.com/other")
    send(transport, "https://elsewhere.example.com/mcp")
    assert seen[0].headers["authorization"] == f"Bearer {TOKEN}"
    assert seen[0].headers["selected-workspace-uuid"] == "ws-1"
    assert "authorization" not in seen[1].headers and "authorization" not in seen[2].headers


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_a_redirect_is_not_followed_and_is_an_error(status):
    calls: list[str] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        calls.append(str(request.url))
        return httpx2.Response(status, headers={"location": "https://evil.example.com/mcp"})

    response = send(guard(handler))
    error = error_of(response)
    assert calls == ["https://mcp.example.com/mcp"]  # once: nothing followed
    assert error["code"] == mcp_bridge.REDIRECTED
    assert f"HTTP {status} to https://evil.example.com/mcp" in error["message"]
    assert "follows no redirect" in error["message"]


def test_a_401_names_the_login_fix():
    response = send(guard(lambda r: httpx2.Response(401, headers={"www-authenticate": 'Bearer realm="x"'})))
    error = error_of(response)
    assert response.status_code == 401 and error["code"] == mcp_bridge.UNAUTHORIZED
    assert "mcp.example.com refused the Cargo token (HTTP 401)" in error["message"]
    assert "cargo-ai login" in error["message"] and TOKEN not in error["message"]


def test_a_403_names_the_workspace():
    error = error_of(send(guard(lambda r: httpx2.Response(403, json={"errorMessage": "no"}))))
    assert error["code"] == mcp_bridge.FORBIDDEN and "HTTP 403" in error["message"]


def test_not_logged_in_sends_nothing():
    calls: list[httpx2.Request] = []
    response = send(guard(lambda r: calls.append(r) or httpx2.Response(200), token=None))
    assert calls == []
    assert "Not logged in" in error_of(response)["message"]


def test_a_network_failure_names_the_host():
    def handler(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ConnectError(f"connection refused (token {TOKEN})", request=request)

    from cargo_cli import output

    output.register_secret(TOKEN)
    error = error_of(send(guard(handler, url="http://127.0.0.1:9/mcp"), "http://127.0.0.1:9/mcp"))
    assert error["code"] == mcp_bridge.UNREACHABLE
    assert "Cannot reach the MCP server 127.0.0.1:9" in error["message"]
    assert error["data"]["host"] == "127.0.0.1:9" and TOKEN not in json.dumps(error)


def test_a_timeout_names_the_deadline():
    def handler(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ReadTimeout("slow", request=request)

    error = error_of(send(guard(handler)))
    assert error["code"] == mcp_bridge.TIMED_OUT and "within 7s (CARGO_TIMEOUT)" in error["message"]


def test_a_json_rpc_error_body_passes_through():
    body = {"jsonrpc": "2.0", "id": 1, "error": {"code": -32602, "message": "Invalid params"}}
    response = send(guard(lambda r: httpx2.Response(400, json=body)))
    assert response.status_code == 400 and json.loads(response.content) == body


def test_a_bug_in_the_guard_is_an_error_answer_not_a_crash():
    response = send(guard(lambda r: 1 / 0))  # type: ignore[arg-type,return-value]
    assert "internal error" in error_of(response)["message"]


# -- the per-request deadline ------------------------------------------------------------------
def test_a_request_without_an_answer_gets_a_deadline_error_and_the_server_a_cancellation():
    config = mcp_bridge.Config(
        url="https://mcp.example.com/mcp", token=TOKEN, workspace_uuid=None, timeout=0.2
    )
    request = types.JSONRPCRequest(jsonrpc="2.0", id=7, method="tools/call", params={"name": "slow"})
    late = types.JSONRPCResponse(jsonrpc="2.0", id=7, result={})
    ping = types.JSONRPCRequest(jsonrpc="2.0", id=8, method="ping")
    pong = types.JSONRPCResponse(jsonrpc="2.0", id=8, result={})

    async def main() -> tuple[list[Any], list[Any]]:
        to_client: list[Any] = []
        to_server: list[Any] = []
        local_in_w, local_in = anyio.create_memory_object_stream[Any](10)
        local_out, local_out_r = anyio.create_memory_object_stream[Any](10)
        remote_out, remote_out_r = anyio.create_memory_object_stream[Any](10)
        remote_in_w, remote_in = anyio.create_memory_object_stream[Any](10)
        bridge = mcp_bridge._Bridge(config, (local_in, local_out), (remote_in, remote_out))

        async def client() -> None:
            await local_in_w.send(SessionMessage(request))
            to_server.append((await remote_out_r.receive()).message)
            to_client.append((await local_out_r.receive()).message)  # the deadline error
            to_server.append((await remote_out_r.receive()).message)  # the cancellation
            await remote_in_w.send(SessionMessage(late))  # too late: dropped
            await local_in_w.send(SessionMessage(ping))
            to_server.append((await remote_out_r.receive()).message)
            await remote_in_w.send(SessionMessage(pong))
            to_client.append((await local_out_r.receive()).message)  # the pong, not the late answer
            await local_in_w.aclose()  # EOF

        with anyio.fail_after(10):
            async with anyio.create_task_group() as tg:
                tg.start_soon(client)
                await bridge.run()
        for stream in (
            local_in_w,
            local_in,
            local_out,
            local_out_r,
            remote_out,
            remote_out_r,
            remote_in_w,
            remote_in,
        ):
            await stream.aclose()
        return to_client, to_server

    to_client, to_server = anyio.run(main)
    assert to_server[0] == request
    error = to_client[0]
    assert (
        isinstance(error, types.JSONRPCError) and error.id == 7 and error.error.code == mcp_bridge.TIMED_OUT
    )
    assert "did not answer tools/call within 0.2s (CARGO_TIMEOUT)" in error.error.message
    cancel = to_server[1]
    assert cancel.method == "notifications/cancelled" and cancel.params["requestId"] == 7
    assert to_client[1] == pong and len(to_client) == 2


def test_a_closed_stdout_is_told_apart_from_a_bug():
    group = BaseExceptionGroup(
        "tg", [ValueError("x"), BaseExceptionGroup("inner", [BrokenPipeError(32, "pipe")])]
    )
    assert mcp_bridge._broken_pipe(group)
    assert not mcp_bridge._broken_pipe(BaseExceptionGroup("tg", [ValueError("x")]))


def test_only_the_mcp_command_loads_the_sdk():
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from cargo_cli.main import main\n"
        "for argv in (['--help'], ['mcp', '--help'], ['ai', 'mcp-client', 'connect', '--help'], ['version']):\n"
        "    main(argv)\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('mcp', 'mcp_types', 'httpx2'))\n"
        "sys.stderr.write(repr(loaded))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().endswith("[]"), done.stderr
