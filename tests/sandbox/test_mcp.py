"""The sandbox's MCP side, in-process: curated server and MCP client routes,
the tools (answering through the REST routes), and the endpoint's HTTP
answers (401 challenge, unknown curated server). The SDK client over a real
socket: tests/e2e/sandbox/test_mcp.py."""

from __future__ import annotations

from typing import Any

import pytest

from cargo_cli.sandbox import seed
from cargo_cli.sandbox.mcp_tools import PLATFORM_TOOLS, Caller, Rest, curated_tools, tools_of
from tests.sandbox.conftest import Api

ENRICH = {"kind": "connector", "integrationSlug": "clearbit", "actionSlug": "enrichCompany"}


def call(api: Api, name: str, args: dict[str, Any]) -> Any:
    rest = Rest(api.sandbox, Caller(seed.USER, seed.WORKSPACE))
    tool = next(t for t in PLATFORM_TOOLS if t.name == name)
    return tool.run(rest, args)


def test_thirteen_platform_tools_with_object_schemas():
    assert len({t.name for t in PLATFORM_TOOLS}) == 13
    for tool in PLATFORM_TOOLS:
        assert tool.input_schema["type"] == "object" and tool.description


def test_mcp_server_crud(api: Api):
    created = api.post("/ai/mcpServers", {"name": "Ops", "actions": [ENRICH], "resources": []})["mcpServer"]
    assert created["name"] == "Ops" and created["isReadOnly"] is False
    assert created in api.get("/ai/mcpServers/list")["mcpServers"]
    updated = api.client.put(
        f"/v1/ai/mcpServers/{created['uuid']}", headers=api.headers, json={"name": "Ops 2"}
    )
    assert updated.json()["mcpServer"]["name"] == "Ops 2"
    assert api.client.delete(f"/v1/ai/mcpServers/{created['uuid']}", headers=api.headers).status_code == 200
    gone = api.client.get(f"/v1/ai/mcpServers/{created['uuid']}", headers=api.headers)
    assert gone.status_code == 404 and gone.json()["reason"] == "mcpServerNotFound"


@pytest.mark.parametrize(
    "body",
    [{"name": "x", "actions": {}}, {"name": "x", "actions": [{"slug": "no-kind"}]}, {"actions": []}],
)
def test_mcp_server_create_refuses_bad_payloads(api: Api, body: Any):
    assert api.client.post("/v1/ai/mcpServers", headers=api.headers, json=body).status_code == 400


def test_curated_tools_are_the_actions_it_was_created_with():
    server = {"actions": [ENRICH, {"kind": "tool", "toolUuid": seed.TOOL, "slug": "Enrich company!"}, "junk"]}
    tools = curated_tools(server)
    assert [t.name for t in tools] == ["clearbit_enrichCompany", "Enrich_company"]
    assert tools[0].input_schema["required"] == ["domain"]


def test_mcp_client_connect_to_the_sandbox_itself(api: Api):
    answer = api.post("/ai/mcpClients/connect", {"mcpClient": {
        "kind": "custom", "name": "self", "url": "http://testserver/mcp", "authentication": None,
        "disabledToolSlugs": ["whoami"],
    }})  # fmt: skip
    assert answer["outcome"] == "connected"
    assert {t["slug"] for t in answer["tools"]} == {t.name for t in PLATFORM_TOOLS} - {"whoami"}
    assert all(t["config"]["jsonSchema"]["type"] == "object" for t in answer["tools"])


@pytest.mark.parametrize(
    ("client", "reason"),
    [({"kind": "custom", "name": "x", "url": "https://mcp.linear.app/mcp"}, "mcpClientConnectionFailed"),
     ({"kind": "custom", "name": "x", "url": "http://testserver/v1/nothing"}, "mcpClientConnectionFailed"),
     ({"kind": "connector", "name": "x"}, "invalidPayload"),
     ({"kind": "custom", "url": "http://testserver/mcp"}, "invalidPayload")],
)  # fmt: skip
def test_mcp_client_connect_errors(api: Api, client: Any, reason: str):
    answer = api.client.post("/v1/ai/mcpClients/connect", headers=api.headers, json={"mcpClient": client})
    assert answer.status_code == 400 and answer.json()["reason"] == reason


def test_tools_of_an_unknown_path_is_none(api: Api):
    rest = Rest(api.sandbox, Caller(seed.USER, seed.WORKSPACE))
    assert tools_of(rest.ctx("GET", "/x"), "/v2/mcp") is None


def test_list_runs_without_a_workflow_lists_every_run(api: Api):
    run = call(api, "execute_action", {"action": ENRICH, "data": {"domain": "hooli.example"}})["run"]
    tool_run = call(api, "execute_action", {"action": {"kind": "tool", "toolUuid": seed.TOOL},
                                            "data": {"domain": "x.example"}})["run"]  # fmt: skip
    assert tool_run["workflowUuid"] == seed.TOOL_WORKFLOW
    every = call(api, "list_runs", {"limit": 1000})
    assert {run["uuid"], tool_run["uuid"]} <= {r["uuid"] for r in every["runs"]}
    assert every["count"] >= 2
    one = call(api, "list_runs", {"workflowUuid": seed.TOOL_WORKFLOW})
    assert tool_run["uuid"] in [r["uuid"] for r in one["runs"]]
    assert run["uuid"] not in [r["uuid"] for r in one["runs"]]


def test_describe_model_by_slug_and_errors(api: Api):
    assert call(api, "describe_model", {"slug": "contacts"})["model"]["uuid"] == seed.CONTACTS
    from cargo_cli.sandbox.http import ApiError

    with pytest.raises(ApiError, match="not found"):
        call(api, "describe_model", {"slug": "nope"})
    with pytest.raises(ApiError, match="uuid or slug"):
        call(api, "describe_model", {})
    with pytest.raises(ApiError, match="Action not found"):
        call(
            api,
            "get_action_schema",
            {"action": {"kind": "connector", "integrationSlug": "x", "actionSlug": "y"}},
        )
    with pytest.raises(ApiError, match="No autocomplete"):
        call(api, "autocomplete_action", {"integrationSlug": "clearbit", "slug": "color"})


def test_search_actions_needs_every_keyword(api: Api):
    found = call(api, "search_actions", {"query": "find email"})
    assert [r["action"]["actionSlug"] for r in found["results"]] == ["findEmail"]
    assert (
        call(api, "search_actions", {"query": "enrich company"})["totalMatches"] >= 2
    )  # the action and the tool
    assert call(api, "search_actions", {"query": "zzz"})["results"] == []


def test_the_endpoint_refuses_a_bad_token_with_a_challenge(api: Api):
    for headers in ({}, {"authorization": "Bearer wrong-token"}):
        answer = api.client.post("/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "ping"}, headers=headers)
        assert answer.status_code == 401
        assert answer.headers["www-authenticate"].startswith(
            'Bearer realm="cargo-sandbox", error="invalid_token"'
        )


def test_an_unknown_curated_server_is_a_json_rpc_error(api: Api):
    answer = api.client.post(
        "/v1/ai/mcpServers/00000000-0000-4000-8000-000000000000/mcp", headers=api.headers,
        json={"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {}},
    )  # fmt: skip
    assert answer.status_code == 404
    assert answer.json()["error"]["message"].startswith("MCP server not found")


def test_without_the_extra_the_endpoint_is_a_501_naming_it(api: Api, monkeypatch: pytest.MonkeyPatch):
    import sys

    from starlette.applications import Starlette
    from starlette.routing import Route
    from starlette.testclient import TestClient

    from cargo_cli.sandbox.mcp_mount import LazyEndpoint

    monkeypatch.setitem(sys.modules, "cargo_cli.sandbox.mcp", None)  # importing it fails
    app = Starlette(routes=[Route("/mcp", LazyEndpoint(api.sandbox), methods=["POST"])])
    answer = TestClient(app).post("/mcp", json={})
    assert answer.status_code == 501
    assert answer.json() == {"errorMessage": answer.json()["errorMessage"], "reason": "extraMissing"}
    assert "pip install 'cargo-ai[mcp]'" in answer.json()["errorMessage"]
