"""ai agent / template / release / chat / message / mcp-server / memory / document."""

from __future__ import annotations

import json
import re

import pytest

from tests.helpers import UUID1, UUID2, assert_request

ACTIONS = '[{"slug":"clearbit","kind":"tool","config":{}}]'
RESOURCES = '[{"slug":"companies","kind":"model","modelUuid":"m"}]'
CAPS = '[{"slug":"sandbox","config":{}}]'
MCP = '[{"kind":"custom","name":"x","url":"https://mcp.example"}]'
AUTH = '{"accessToken":"oauth-access-1","issuedAt":"2026-01-01T00:00:00Z","tokenType":"Bearer"}'
PARTS = '[{"type":"text","text":"Find the VP of Sales at Acme"}]'


def j(text: str):
    return json.loads(text)


# (argv, method, path, query, body)
CASES = [
    # agents
    pytest.param(["agent", "list"], "GET", "/ai/agents/list", "", None, id="agent-list"),
    pytest.param(["agent", "get", UUID1], "GET", f"/ai/agents/{UUID1}", "", None, id="agent-get"),
    pytest.param(
        ["agent", "create", "--name", "Lead Researcher", "--description", "Researches leads", "--folder-uuid",
         UUID2, "--icon-color", "purple", "--icon-face", "🔍", "--language-model-slug", "gpt-4o",
         "--temperature", "0.3"],
        "POST", "/ai/agents", "",
        {"name": "Lead Researcher", "description": "Researches leads", "folderUuid": UUID2,
         "icon": {"color": "purple", "face": "🔍"}, "languageModelSlug": "gpt-4o", "temperature": 0.3},
        id="agent-create-all-flags",
    ),
    pytest.param(
        ["agent", "create", "--name", "A"], "POST", "/ai/agents", "",
        {"name": "A", "icon": {"color": "grey", "face": "🤖"}}, id="agent-create-default-icon",
    ),
    pytest.param(
        ["agent", "create", "--name", "A", "--icon-color", "blue"], "POST", "/ai/agents", "",
        {"name": "A", "icon": {"color": "blue", "face": "🤖"}}, id="agent-create-partial-icon",
    ),
    pytest.param(
        ["agent", "update", "--uuid", UUID1, "--description", "New", "--folder-uuid", UUID2, "--name", "B"],
        "PUT", f"/ai/agents/{UUID1}", "", {"description": "New", "folderUuid": UUID2, "name": "B"},
        id="agent-update",
    ),
    pytest.param(
        ["agent", "update", "--uuid", UUID1, "--folder-uuid", "null"],
        "PUT", f"/ai/agents/{UUID1}", "", {"folderUuid": None}, id="agent-update-clear-folder-null",
    ),
    pytest.param(
        ["agent", "update", "--uuid", UUID1, "--folder-uuid", "None"],
        "PUT", f"/ai/agents/{UUID1}", "", {"folderUuid": None}, id="agent-update-clear-folder-none",
    ),
    pytest.param(["agent", "remove", UUID1], "DELETE", f"/ai/agents/{UUID1}", "", None, id="agent-remove"),
    # templates
    pytest.param(["template", "list"], "POST", "/ai/templates/list", "", {}, id="template-list"),
    # releases
    pytest.param(
        ["release", "list", "--agent-uuid", UUID1], "GET", "/ai/releases/list", f"agentUuid={UUID1}", None,
        id="release-list",
    ),
    pytest.param(["release", "get", UUID2], "GET", f"/ai/releases/{UUID2}", "", None, id="release-get"),
    pytest.param(
        ["release", "get-draft", "--agent-uuid", UUID1], "GET", "/ai/releases/draft", f"agentUuid={UUID1}",
        None, id="release-get-draft",
    ),
    pytest.param(
        ["release", "update-draft", "--agent-uuid", UUID1, "--actions", ACTIONS, "--capabilities", CAPS,
         "--mcp-clients", MCP, "--resources", RESOURCES, "--language-model-slug", "gpt-4o", "--max-steps",
         "10", "--parent-uuid", UUID2, "--system-prompt", "Be concise.", "--temperature", "0.2"],
        "PUT", "/ai/releases/draft/update", "",
        {"agentUuid": UUID1, "actions": j(ACTIONS), "capabilities": j(CAPS), "mcpClients": j(MCP),
         "resources": j(RESOURCES), "languageModelSlug": "gpt-4o", "maxSteps": 10, "parentUuid": UUID2,
         "systemPrompt": "Be concise.", "temperature": 0.2},
        id="release-update-draft-all-flags",
    ),
    pytest.param(
        ["release", "update-draft", "--agent-uuid", UUID1, "--tools", ACTIONS],
        "PUT", "/ai/releases/draft/update", "", {"agentUuid": UUID1, "actions": j(ACTIONS)},
        id="release-update-draft-tools-is-actions",
    ),
    # chats
    pytest.param(
        ["chat", "create", "--agent-uuid", UUID1, "--name", "Research session", "--trigger", '{"type":"app"}'],
        "POST", "/ai/chats", "", {"agentUuid": UUID1, "name": "Research session", "trigger": {"type": "app"}},
        id="chat-create",
    ),
    pytest.param(
        ["chat", "create"], "POST", "/ai/chats", "", {"trigger": {"type": "draft"}}, id="chat-create-default",
    ),
    pytest.param(
        ["chat", "list", "--agent-uuid", UUID1, "--limit", "10", "--offset", "0"], "GET", "/ai/chats/list",
        f"agentUuid={UUID1}&limit=10&offset=0", None, id="chat-list",
    ),
    # messages
    pytest.param(
        ["message", "create", "--chat-uuid", UUID1, "--parts", PARTS, "--actions", ACTIONS, "--resources",
         RESOURCES, "--language-model-slug", "gpt-4o", "--max-steps", "10", "--temperature", "0.9"],
        "POST", "/ai/messages", "",
        {"chatUuid": UUID1, "parts": j(PARTS), "actions": j(ACTIONS), "resources": j(RESOURCES),
         "languageModelSlug": "gpt-4o", "maxSteps": 10, "temperature": 0.9},
        id="message-create-all-flags",
    ),
    pytest.param(
        ["message", "create", "--chat-uuid", UUID1, "--parts", PARTS, "--tools", ACTIONS],
        "POST", "/ai/messages", "", {"chatUuid": UUID1, "parts": j(PARTS), "actions": j(ACTIONS)},
        id="message-create-tools-is-actions",
    ),
    pytest.param(["message", "get", UUID2], "GET", f"/ai/messages/{UUID2}", "", None, id="message-get"),
    pytest.param(
        ["message", "list", "--chat-uuid", UUID1, "--limit", "5"], "GET", "/ai/messages/list",
        f"chatUuid={UUID1}&limit=5", None, id="message-list",
    ),
    # MCP servers
    pytest.param(["mcp-server", "list"], "GET", "/ai/mcpServers/list", "", None, id="mcp-server-list"),
    pytest.param(
        ["mcp-server", "create", "--name", "Internal Tools", "--actions", ACTIONS, "--capabilities", CAPS,
         "--resources", RESOURCES, "--url", "https://mcp.example"],
        "POST", "/ai/mcpServers", "",
        {"name": "Internal Tools", "actions": j(ACTIONS), "capabilities": j(CAPS), "resources": j(RESOURCES),
         "url": "https://mcp.example"},
        id="mcp-server-create-all-flags",
    ),
    pytest.param(
        ["mcp-server", "create", "--name", "T"], "POST", "/ai/mcpServers", "",
        {"name": "T", "actions": [], "resources": []}, id="mcp-server-create-defaults",
    ),
    pytest.param(
        ["mcp-server", "update", "--uuid", UUID1, "--capabilities", CAPS, "--name", "Updated Tools"],
        "PUT", f"/ai/mcpServers/{UUID1}", "", {"capabilities": j(CAPS), "name": "Updated Tools"},
        id="mcp-server-update",
    ),
    pytest.param(
        ["mcp-server", "remove", UUID1], "DELETE", f"/ai/mcpServers/{UUID1}", "", None, id="mcp-server-remove",
    ),
    # MCP clients
    pytest.param(
        ["mcp-client", "connect", "--name", "Linear", "--url", "https://mcp.linear.app/mcp"],
        "POST", "/ai/mcpClients/connect", "",
        {"mcpClient": {"kind": "custom", "name": "Linear", "url": "https://mcp.linear.app/mcp",
                       "authentication": None, "disabledToolSlugs": []}},
        id="mcp-client-connect-defaults",
    ),
    pytest.param(
        ["mcp-client", "connect", "--name", "Linear", "--url", "https://mcp.linear.app/mcp",
         "--disabled-tool-slugs", "create_issue, delete_issue", "--authentication", AUTH],
        "POST", "/ai/mcpClients/connect", "",
        {"mcpClient": {"kind": "custom", "name": "Linear", "url": "https://mcp.linear.app/mcp",
                       "authentication": j(AUTH), "disabledToolSlugs": ["create_issue", "delete_issue"]}},
        id="mcp-client-connect-all-flags",
    ),
    pytest.param(
        ["mcp-client", "connect", "--name", "L", "--url", "http://localhost:3000/mcp", "--authentication",
         "null"],
        "POST", "/ai/mcpClients/connect", "",
        {"mcpClient": {"kind": "custom", "name": "L", "url": "http://localhost:3000/mcp",
                       "authentication": None, "disabledToolSlugs": []}},
        id="mcp-client-connect-null-authentication",
    ),
    # memories
    pytest.param(
        ["memory", "list", "--scope", "agent", "--agent-uuid", UUID1], "GET", "/ai/memories/list",
        f"scope=agent&agentUuid={UUID1}", None, id="memory-list",
    ),
    pytest.param(
        ["memory", "list", "--scope", "workspace"], "GET", "/ai/memories/list", "scope=workspace", None,
        id="memory-list-workspace",
    ),
    pytest.param(
        ["memory", "update", "--mem0-id", "mem-1", "--scope", "agent", "--agent-uuid", UUID1, "--content",
         "Prefers email"],
        "PUT", "/ai/memories/mem-1", "", {"scope": "agent", "agentUuid": UUID1, "content": "Prefers email"},
        id="memory-update",
    ),
    pytest.param(
        ["memory", "remove", "--mem0-id", "mem-1", "--scope", '"agent"', "--agent-uuid", UUID1],
        "DELETE", "/ai/memories/mem-1", f"scope=agent&agentUuid={UUID1}", None, id="memory-remove",
    ),
    pytest.param(
        ["memory", "remove", "--mem0-id", "mem-2", "--scope", "user"],
        "DELETE", "/ai/memories/mem-2", "scope=user", None, id="memory-remove-user",
    ),
    # inline documents
    pytest.param(
        ["document", "list", "--uuid", UUID1, "--limit", "5", "--offset", "10"], "GET", "/ai/documents/list",
        f"uuid={UUID1}&limit=5&offset=10", None, id="document-list",
    ),
    pytest.param(["document", "get", UUID1], "GET", f"/ai/documents/{UUID1}", "", None, id="document-get"),
    pytest.param(
        ["document", "create", "--uuid", UUID1, "--kind", "code", "--title", "Snippet", "--content", "x = 1"],
        "POST", "/ai/documents", "", {"uuid": UUID1, "kind": "code", "title": "Snippet", "content": "x = 1"},
        id="document-create",
    ),
    pytest.param(
        ["document", "reset", "--uuid", UUID1, "--created-at", "2025-01-01T10:00:00Z"],
        "POST", "/ai/documents/reset", "", {"uuid": UUID1, "createdAt": "2025-01-01T10:00:00Z"},
        id="document-reset",
    ),
]  # fmt: skip

RESPONSE = {"result": {"uuid": UUID1, "name": "é ✓"}}


@pytest.mark.parametrize(("argv", "method", "path", "query", "body"), CASES)
def test_request_and_output(cli, api, argv, method, path, query, body):
    route = api.route(method=method, path=path).respond(json=RESPONSE)
    result = cli("ai", *argv)
    assert result.code == 0, result.out
    assert_request(route, method, path, query=query, body=body)
    assert route.call_count == 1
    assert result.json == RESPONSE
    assert "é ✓" in result.out  # printed as-is, 2-space indent
    assert result.out.startswith('{\n  "result"')


@pytest.mark.parametrize(
    ("argv", "method", "path", "reason", "message"),
    [
        (["agent", "update", "--uuid", UUID1, "--name", "x"], "PUT", f"/ai/agents/{UUID1}", "agentNotFound",
         "Agent not found"),
        (["message", "create", "--chat-uuid", UUID1, "--parts", "[]"], "POST", "/ai/messages",
         "lastMessageNotFinished", "The previous message in this chat has not finished yet"),
        (["memory", "remove", "--mem0-id", "m", "--scope", "user"], "DELETE", "/ai/memories/m",
         "memoryNotFound", "Memory not found"),
        (["mcp-server", "update", "--uuid", UUID1, "--name", "x"], "PUT", f"/ai/mcpServers/{UUID1}",
         "mcpServerIsReadOnly", "MCP server is read-only"),
    ],
)  # fmt: skip
def test_reason_table(cli, api, argv, method, path, reason, message):
    api.route(method=method, path=path).respond(404, json={"reason": reason})
    result = cli("ai", *argv)
    assert result.code == 1
    assert result.json == {"errorMessage": message, "reason": reason, "status": 404}


def test_mcp_client_connect_prints_the_tools(cli, api):
    answer = {"outcome": "connected", "tools": [
        {"slug": "create_issue", "description": "Create an issue", "config": {"jsonSchema": {"type": "object"}}},
    ]}  # fmt: skip
    api.post("/ai/mcpClients/connect").respond(json=answer)
    result = cli("ai", "mcp-client", "connect", "--name", "Linear", "--url", "https://mcp.linear.app/mcp")
    assert result.code == 0, result.out
    assert result.json == answer


def test_mcp_client_connect_never_echoes_the_oauth_token(cli, api):
    api.post("/ai/mcpClients/connect").respond(400, json={"errorMessage": "Cannot connect"})
    result = cli("ai", "mcp-client", "connect", "--name", "x", "--url", "https://x.example/mcp",
                 "--authentication", AUTH)  # fmt: skip
    assert result.code == 1
    assert "oauth-access-1" not in result.out + result.err


DRAFT = {
    "uuid": UUID2, "agentUuid": UUID1, "status": "draft", "actions": [{"slug": "old"}], "mcpClients": [],
    "resources": [], "capabilities": [], "suggestedActions": [{"text": "Hi", "actions": []}],
    "systemPrompt": "You research leads.", "withReasoning": False, "temperature": 0.5, "maxSteps": 8,
    "integrationSlug": "openai", "connectorUuid": None, "languageModelSlug": "gpt-4o-mini", "output": None,
    "heartbeat": None, "evaluator": None, "version": None, "description": None,
}  # fmt: skip


def test_deploy_draft_fills_unset_fields_from_the_draft(cli, api):
    get_draft = api.get("/ai/releases/draft").respond(json={"release": DRAFT})
    deploy = api.post("/ai/releases/draft/deploy").respond(json={"release": {**DRAFT, "status": "deployed"}})
    result = cli(
        "ai",
        "release",
        "deploy-draft",
        "--agent-uuid",
        UUID1,
        "--actions",
        ACTIONS,
        "--capabilities",
        CAPS,
        "--description",
        "v2: clearbit",
        "--integration-slug",
        "anthropic",
        "--language-model-slug",
        "claude",
        "--mcp-clients",
        MCP,
        "--resources",
        RESOURCES,
        "--suggested-actions",
        "[]",
    )
    assert result.code == 0, result.out
    assert_request(get_draft, "GET", "/ai/releases/draft", query=f"agentUuid={UUID1}", body=None)
    assert_request(
        deploy, "POST", "/ai/releases/draft/deploy", query="",
        body={
            "agentUuid": UUID1, "actions": j(ACTIONS), "capabilities": j(CAPS), "description": "v2: clearbit",
            "integrationSlug": "anthropic", "languageModelSlug": "claude", "mcpClients": j(MCP),
            "resources": j(RESOURCES), "suggestedActions": [],
            # from the draft:
            "systemPrompt": "You research leads.", "withReasoning": False, "temperature": 0.5, "maxSteps": 8,
        },
    )  # fmt: skip
    assert result.json["release"]["status"] == "deployed"


def test_deploy_draft_as_is_and_tools_alias(cli, api):
    api.get("/ai/releases/draft").respond(json={"release": DRAFT})
    deploy = api.post("/ai/releases/draft/deploy").respond(json={"release": DRAFT})
    result = cli("ai", "release", "deploy-draft", "--agent-uuid", UUID1, "--tools", ACTIONS)
    assert result.code == 0, result.out
    body = json.loads(deploy.calls[0].request.content)
    assert body["actions"] == j(ACTIONS)
    assert body["languageModelSlug"] == "gpt-4o-mini"
    assert body["suggestedActions"] == DRAFT["suggestedActions"]
    assert "connectorUuid" not in body and "output" not in body


@pytest.mark.parametrize(
    ("fail", "status", "message"),
    [("get", 404, "Draft release not found."), ("deploy", 400, "Invalid release version.")],
)
def test_deploy_draft_errors(cli, api, fail, status, message):
    reason = "draftReleaseNotFound" if fail == "get" else "invalidReleaseVersion"
    draft = api.get("/ai/releases/draft")
    deploy = api.post("/ai/releases/draft/deploy")
    if fail == "get":
        draft.respond(status, json={"errorMessage": message})
    else:
        draft.respond(json={"release": DRAFT})
        deploy.respond(status, json={"reason": reason})
    result = cli("ai", "release", "deploy-draft", "--agent-uuid", UUID1)
    assert result.code == 1
    assert result.json["errorMessage"] == message
    assert deploy.called is (fail == "deploy")


def test_document_create_generates_a_uuid(cli, api):
    route = api.post("/ai/documents").respond(json={"document": {}})
    result = cli(
        "ai", "document", "create", "--kind", "text", "--title", "T", "--content", "-", stdin="hello\n"
    )
    assert result.code == 0
    body = json.loads(route.calls[0].request.content)
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}", body["uuid"])
    assert body == {"uuid": body["uuid"], "kind": "text", "title": "T", "content": "hello\n"}


def test_system_prompt_from_file(cli, api, tmp_path):
    prompt = tmp_path / "prompt.md"
    prompt.write_text("You are a researcher.\n", encoding="utf-8")
    route = api.put("/ai/releases/draft/update").respond(json={"release": {}})
    result = cli("ai", "release", "update-draft", "--agent-uuid", UUID1, "--system-prompt", f"@{prompt}")
    assert result.code == 0
    assert_request(route, "PUT", "/ai/releases/draft/update",
                   body={"agentUuid": UUID1, "systemPrompt": "You are a researcher.\n"})  # fmt: skip


def test_update_draft_parts_from_file_missing(cli, api):
    result = cli("ai", "release", "update-draft", "--agent-uuid", UUID1, "--actions", "@/nonexistent.json")
    assert result.code == 2
    assert "cannot read /nonexistent.json" in result.json["errorMessage"]


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["agent", "create"], "--name"),
        (["agent", "create", "--name", "A", "--icon-color", "pink"], "--icon-color"),
        (["agent", "create", "--name", "A", "--temperature", "hot"], "--temperature"),
        (["agent", "create", "--name", "A", "--folder-uuid", "null"], "--folder-uuid"),
        (["agent", "get", "abc"], "not a valid UUID"),
        (["agent", "update", "--name", "x"], "--uuid"),
        (["release", "list"], "--agent-uuid"),
        (["release", "update-draft", "--agent-uuid", UUID1, "--tools", "[]", "--actions", "[]"],
         "--tools is the old name of --actions"),
        (["release", "update-draft", "--agent-uuid", UUID1, "--actions", '{"slug":"x"}'], "JSON array"),
        (["release", "update-draft", "--agent-uuid", UUID1, "--max-steps", "0"], "--max-steps"),
        (["release", "deploy-draft", "--agent-uuid", UUID1, "--tools", "[]", "--actions", "[]"], "old name"),
        (["chat", "create", "--trigger", "[]"], "JSON object"),
        (["chat", "list", "--limit", "0"], "--limit"),
        (["message", "create", "--chat-uuid", UUID1], "--parts"),
        (["message", "create", "--chat-uuid", UUID1, "--parts", "[{"], "--parts"),
        (["message", "create", "--chat-uuid", UUID1, "--parts", PARTS, "--polling-interval", "5"],
         "--polling-interval"),
        (["message", "list"], "--chat-uuid"),
        (["mcp-server", "create", "--name", "x", "--resources", "{}"], "JSON array"),
        (["mcp-client", "connect", "--url", "https://x.example/mcp"], "--name"),
        (["mcp-client", "connect", "--name", "x"], "--url"),
        (["mcp-client", "connect", "--name", "x", "--url", "mcp.example"], "--url must be an http(s) URL"),
        (["mcp-client", "connect", "--name", "x", "--url", "https://x.example", "--authentication", "[]"],
         "JSON object"),
        (["mcp-client", "connect", "--name", "x", "--url", "https://x.example", "--authentication", "{}"],
         '"accessToken"'),
        (["memory", "list"], "--scope"),
        (["memory", "list", "--scope", "team"], "--scope"),
        (["memory", "list", "--scope", "agent"], "--scope agent needs --agent-uuid"),
        (["memory", "remove", "--mem0-id", "m", "--scope", "agent"], "--agent-uuid"),
        (["memory", "update", "--mem0-id", "m", "--scope", "user"], "--content"),
        (["memory", "update", "--scope", "user", "--content", "c"], "--mem0-id"),
        (["document", "list"], "--uuid"),
        (["document", "create", "--kind", "pdf", "--title", "t", "--content", "c"], "--kind"),
        (["document", "reset", "--uuid", UUID1, "--created-at", "yesterday"], "--created-at"),
        (["template", "get", "lead-researcher"], "ai template list"),
        (["file", "list"], "content file"),
        (["file", "upload", "--file-path", "./a.pdf"], "content file"),
        (["file", "update", "--uuid", UUID1, "--name", "x"], "content file"),
        (["file", "remove"], "content file"),
        (["agent", "delete", UUID1], "No such command"),
        (["nope"], "No such command"),
    ],
)  # fmt: skip
def test_usage_errors_send_nothing(cli, api, argv, needle):
    route = api.route()
    result = cli("ai", *argv)
    assert result.code == 2, result.out
    assert needle in result.json["errorMessage"]
    assert not route.called
