"""The ai domain: agents, templates, releases, chats, messages, MCP servers,
memories and inline documents.

Choices where the spec is silent are in docs/connection-ai-billing.md.
"""

from __future__ import annotations

import uuid as uuidlib
from typing import Any

import click

from cargo_cli.api.resources import ai
from cargo_cli.cli.paging import paginated
from cargo_cli.cli.params import (
    CSV,
    FLOAT,
    ISO_DATE,
    JSON_ARRAY,
    JSON_OBJECT,
    LIMIT,
    NULLABLE_UUID,
    OFFSET,
    TEXT_SOURCE,
    UUID,
    choice,
)
from cargo_cli.cli.row_helpers import Prepare, by_uuid, chain, defaults
from cargo_cli.cli.rows import Cmd, Invocation, Opt, build_domain
from cargo_cli.cli.wait import WaitSpec, field_of
from cargo_cli.errors import UsageError


# -- parameter types ---------------------------------------------------------
class ScopeType(click.Choice):
    """A memory scope; also takes the JSON-quoted form (``'"agent"'``) since
    the vendor docs list ``--scope <json>`` on update/remove."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        text = str(value).strip()
        if len(text) >= 2 and text[0] == text[-1] == '"':
            text = text[1:-1]
        return super().convert(text, param, ctx)


SCOPE = ScopeType(("agent", "workspace", "user"))

ICON_COLORS = ("grey", "green", "purple", "yellow", "blue", "red")
DEFAULT_ICON = {"color": "grey", "face": "🤖"}
DEFAULT_CHAT_TRIGGER = {"type": "draft"}
DOCUMENT_KINDS = ("text", "code", "image", "sheet")


# -- payload transforms (run before anything is sent) ------------------------
def old_name(old: str, new: str) -> Prepare:
    """``--tools`` is the old name of ``--actions``: same payload field."""

    def rename(payload: dict[str, Any]) -> dict[str, Any]:
        if old in payload:
            if new in payload:
                raise UsageError(f"--{_kebab(old)} is the old name of --{_kebab(new)}: pass only one of them")
            payload[new] = payload.pop(old)
        return payload

    return rename


def _kebab(field: str) -> str:
    return "".join("-" + c.lower() if c.isupper() else c for c in field)


def _memory_scope(payload: dict[str, Any]) -> dict[str, Any]:
    if payload.get("scope") == "agent" and "agentUuid" not in payload:
        raise UsageError("--scope agent needs --agent-uuid")
    return payload


def _memory_content(payload: dict[str, Any]) -> dict[str, Any]:
    if "content" not in payload:
        raise UsageError("Nothing to update: pass --content <text> (the memory's new content)")
    return payload


def _mcp_client_url(payload: dict[str, Any]) -> dict[str, Any]:
    client = payload["mcpClient"]
    url = str(client.get("url", ""))
    if not url.startswith(("https://", "http://")) or len(url.split("://", 1)[1]) == 0:
        raise UsageError(f"--url must be an http(s) URL of an MCP server, got {url!r}")
    auth = client.get("authentication")
    if auth is not None and not isinstance(auth.get("accessToken"), str):
        raise UsageError('--authentication must be null or a JSON object with an "accessToken" string')
    return payload


def _new_document_uuid(payload: dict[str, Any]) -> dict[str, Any]:
    payload.setdefault("uuid", str(uuidlib.uuid4()))
    return payload


TOOLS_AS_ACTIONS = old_name("tools", "actions")


# -- handlers ----------------------------------------------------------------
# Release fields a deploy carries; the ones not given on the command line are
# taken from the current draft (the endpoint requires most of them).
DEPLOY_FIELDS = (
    "actions", "mcpClients", "resources", "capabilities", "suggestedActions", "systemPrompt",
    "withReasoning", "temperature", "maxSteps", "integrationSlug", "connectorUuid",
    "languageModelSlug", "output", "heartbeat", "evaluator",
)  # fmt: skip


def _deploy_draft(inv: Invocation) -> Any:
    from cargo_cli.api.models import Envelope, entity

    answer = inv.call(ai.Release.get_draft, {"agentUuid": inv.payload["agentUuid"]})
    draft = entity(answer, "release", Envelope)
    fields = draft.model_extra or {} if draft is not None else {}
    payload = {name: fields[name] for name in DEPLOY_FIELDS if fields.get(name) is not None}
    payload.update(inv.payload)
    return inv.call(None, payload)


MESSAGE_WAIT = WaitSpec(
    label="message",
    get_endpoint=ai.Message.get,
    uuid_of=field_of("assistantMessage", "uuid"),
    status_of=field_of("message", "status"),
    default_interval_ms=2000,
)


# -- option sets shared by several commands ----------------------------------
def _json_opts(*flags: str) -> tuple[Opt, ...]:
    return tuple(
        Opt(flag, JSON_ARRAY, help=f"{flag[2:].replace('-', ' ').capitalize()} (JSON array, @file or -).")
        for flag in flags
    )


TOOLS_OPT = Opt("--tools", JSON_ARRAY, help="Old name of --actions (same field).")
MODEL_OPT = Opt("--language-model-slug", help="Language model slug (e.g. gpt-4o).")
TEMPERATURE_OPT = Opt("--temperature", FLOAT, help="Sampling temperature.")
MAX_STEPS_OPT = Opt("--max-steps", LIMIT, help="Maximum agent steps.")
AGENT_OPT = Opt("--agent-uuid", UUID, help="The agent.")
AGENT_REQUIRED = Opt("--agent-uuid", UUID, required=True, help="The agent.")
UUID_REQUIRED = Opt("--uuid", UUID, required=True, help="The uuid of the object to update.")
MEMORY_OPTS = (
    Opt("--mem0-id", required=True, help="The memory id (mem0Id)."),
    Opt("--scope", SCOPE, required=True, help="agent, workspace or user."),
    AGENT_OPT,
)


COMMANDS: list[Cmd] = [
    # agents
    Cmd("agent list", ai.Agent.all, "List agents.", examples=("cargo-ai ai agent list",)),
    by_uuid("agent get", ai.Agent.get, "Get an agent (incl. deployedRelease).", "agent-uuid",
            examples=("cargo-ai ai agent get <agent-uuid>",)),
    Cmd(
        "agent create", ai.Agent.create, "Create an agent.",
        opts=(
            Opt("--name", required=True, help="The agent name."),
            Opt("--description", help="A description."),
            Opt("--folder-uuid", UUID, help="The folder to put it in."),
            Opt("--icon-color", choice(*ICON_COLORS), field="icon.color",
                help=f"Icon color (default {DEFAULT_ICON['color']})."),
            Opt("--icon-face", field="icon.face", help=f"Icon emoji (default {DEFAULT_ICON['face']})."),
            MODEL_OPT,
            TEMPERATURE_OPT,
        ),
        prepare=defaults(icon=DEFAULT_ICON),
        examples=(
            "cargo-ai ai agent create --name 'Lead Researcher'",
            "cargo-ai ai agent create --name 'Lead Researcher' --icon-color purple --icon-face '🔍'",
        ),
    ),
    Cmd(
        "agent update", ai.Agent.update, "Update an agent.",
        opts=(
            UUID_REQUIRED,
            Opt("--description", help="A new description."),
            Opt("--folder-uuid", NULLABLE_UUID, help="Move to this folder ('null' or 'none': no folder)."),
            Opt("--name", help="A new name."),
        ),
        examples=("cargo-ai ai agent update --uuid <agent-uuid> --name 'Senior Lead Researcher' --description 'Updated description'",),
    ),
    by_uuid("agent remove", ai.Agent.remove, "Remove an agent.", "agent-uuid",
            examples=("cargo-ai ai agent remove <agent-uuid>",)),
    # templates
    Cmd("template list", ai.Template.list, "List AI agent templates (each returned in full).",
        examples=("cargo-ai ai template list",)),
    # releases
    paginated(Cmd("release list", ai.Release.list, "List the releases of an agent.", opts=(AGENT_REQUIRED,),
                  examples=("cargo-ai ai release list --agent-uuid <agent-uuid>",)),
              "releases"),
    by_uuid("release get", ai.Release.get, "Get an agent release.", "release-uuid",
            examples=("cargo-ai ai release get <release-uuid>",)),
    Cmd(
        "release get-draft", ai.Release.get_draft, "Get (and auto-create) the draft release.",
        opts=(AGENT_REQUIRED,),
        examples=("cargo-ai ai release get-draft --agent-uuid <agent-uuid>",),
    ),
    Cmd(
        "release update-draft", ai.Release.update_draft, "Update the draft release.",
        opts=(
            AGENT_REQUIRED,
            *_json_opts("--actions", "--capabilities", "--mcp-clients", "--resources"),
            MODEL_OPT,
            MAX_STEPS_OPT,
            Opt("--parent-uuid", UUID, help="The parent release."),
            Opt("--system-prompt", TEXT_SOURCE, help="The system prompt (text, @file or -)."),
            TEMPERATURE_OPT,
            TOOLS_OPT,
        ),
        prepare=TOOLS_AS_ACTIONS,
        examples=(
            "cargo-ai ai release update-draft --agent-uuid <agent-uuid>",
            "cargo-ai ai release update-draft --agent-uuid <agent-uuid> --language-model-slug gpt-4o --system-prompt <system-prompt>",
        ),
    ),
    Cmd(
        "release deploy-draft", ai.Release.deploy_draft,
        "Deploy the draft release.\n\nFields not given here are taken from the current draft "
        "(GET /ai/releases/draft) so the draft is deployed as it is.",
        opts=(
            AGENT_REQUIRED,
            *_json_opts("--actions", "--capabilities", "--mcp-clients", "--resources", "--suggested-actions"),
            Opt("--description", help="Release notes."),
            Opt("--integration-slug", help="The language-model integration."),
            MODEL_OPT,
            TOOLS_OPT,
        ),
        prepare=TOOLS_AS_ACTIONS,
        handler=_deploy_draft,
        examples=(
            "cargo-ai ai release deploy-draft --agent-uuid <agent-uuid>",
            "cargo-ai ai release deploy-draft --agent-uuid <agent-uuid> --integration-slug openai --language-model-slug gpt-4o",
        ),
    ),
    # chats and messages
    Cmd(
        "chat create", ai.Chat.create, "Create a chat.",
        opts=(
            AGENT_OPT,
            Opt("--name", help="The chat name."),
            Opt("--trigger", JSON_OBJECT, help='The chat trigger (JSON; default {"type":"draft"}).'),
        ),
        prepare=defaults(trigger=DEFAULT_CHAT_TRIGGER),
        examples=("cargo-ai ai chat create --agent-uuid <agent-uuid> --name 'Research session'",),
    ),
    paginated(Cmd(
        "chat list", ai.Chat.list, "List chats.",
        opts=(AGENT_OPT, Opt("--limit", LIMIT), Opt("--offset", OFFSET)),
        examples=("cargo-ai ai chat list --agent-uuid <agent-uuid> --limit 10",),
    ), "chats"),
    Cmd(
        "message create", ai.Message.create,
        "Send a message; returns userMessage + assistantMessage.\n\n"
        "--wait-until-finished polls the assistant message every 2 s until it is "
        "success, error or cancelled, then prints it like `ai message get`.",
        opts=(
            Opt("--chat-uuid", UUID, required=True, help="The chat."),
            Opt("--parts", JSON_ARRAY, required=True, help='Message parts, e.g. [{"type":"text","text":"..."}].'),
            *_json_opts("--actions", "--resources"),
            MODEL_OPT,
            MAX_STEPS_OPT,
            TEMPERATURE_OPT,
            TOOLS_OPT,
        ),
        prepare=TOOLS_AS_ACTIONS,
        wait=MESSAGE_WAIT,
        examples=(
            "cargo-ai ai message create --chat-uuid <chat-uuid> --parts '[{\"type\":\"text\",\"text\":\"Find the VP of Sales at Acme Corp\"}]'",
            "cargo-ai ai message create --chat-uuid <chat-uuid> --parts '[{\"type\":\"text\",\"text\":\"Find the VP of Sales at Acme Corp\"}]' --language-model-slug gpt-4o --max-steps 10",
        ),
    ),
    by_uuid("message get", ai.Message.get, "Get a message (poll it every 2 s while generating).", "message-uuid",
            examples=("cargo-ai ai message get <message-uuid>",)),
    paginated(Cmd(
        "message list", ai.Message.list, "List the messages of a chat.",
        opts=(Opt("--chat-uuid", UUID, required=True, help="The chat."), Opt("--limit", LIMIT)),
        examples=(
            "cargo-ai ai message list --chat-uuid <chat-uuid>",
            "cargo-ai ai message list --chat-uuid <chat-uuid> --limit 20",
        ),
    ), "messages"),
    # MCP servers
    Cmd("mcp-server list", ai.McpServer.all, "List MCP servers.", examples=("cargo-ai ai mcp-server list",)),
    Cmd(
        "mcp-server create", ai.McpServer.create, "Create a curated MCP server.",
        opts=(
            Opt("--name", required=True, help="The server name."),
            *_json_opts("--actions", "--capabilities", "--resources"),
            Opt("--url", help="The server URL."),
        ),
        prepare=defaults(actions=[], resources=[]),
        examples=(
            "cargo-ai ai mcp-server create --name 'Internal Tools'",
            "cargo-ai ai mcp-server create --name 'Internal Tools' --url <url>",
        ),
    ),
    Cmd(
        "mcp-server update", ai.McpServer.update, "Update an MCP server.",
        opts=(UUID_REQUIRED, *_json_opts("--capabilities"), Opt("--name", help="A new name.")),
        examples=("cargo-ai ai mcp-server update --uuid <mcp-server-uuid> --name 'Updated Name'",),
    ),
    by_uuid("mcp-server remove", ai.McpServer.remove, "Remove an MCP server.", "mcp-server-uuid",
            examples=("cargo-ai ai mcp-server remove <mcp-server-uuid>",)),
    # MCP clients (remote MCP servers an agent can use)
    Cmd(
        "mcp-client connect", ai.McpClient.connect,
        "Connect to a remote MCP server and list its tools ({outcome, tools}).\n\n"
        "Sent as a custom MCP client: {mcpClient: {kind: \"custom\", name, url, authentication, "
        "disabledToolSlugs}}; authentication defaults to null and disabledToolSlugs to [].",
        opts=(
            Opt("--name", required=True, field="mcpClient.name", help="The client name."),
            Opt("--url", required=True, field="mcpClient.url", help="The MCP server URL (Streamable HTTP)."),
            Opt("--disabled-tool-slugs", CSV, field="mcpClient.disabledToolSlugs", metavar="A,B",
                help="Tools of the server not to use (comma-separated slugs)."),
            Opt("--authentication", JSON_OBJECT, field="mcpClient.authentication",
                help='OAuth credentials ({"accessToken": ..., "issuedAt": ...}) as JSON, or null (default).'),
        ),
        prepare=chain(
            defaults(mcpClient={"kind": "custom", "authentication": None, "disabledToolSlugs": []}),
            _mcp_client_url,
        ),
        examples=("cargo-ai ai mcp-client connect --name Linear --url https://mcp.linear.app/mcp",),
    ),
    # memories
    Cmd(
        "memory list", ai.Memory.list, "List memories.",
        opts=(Opt("--scope", SCOPE, required=True, help="agent, workspace or user."), AGENT_OPT),
        prepare=_memory_scope,
        examples=(
            "cargo-ai ai memory list --scope workspace",
            "cargo-ai ai memory list --scope agent --agent-uuid <agent-uuid>",
        ),
    ),
    Cmd(
        "memory update", ai.Memory.update, "Update a memory.",
        opts=(*MEMORY_OPTS, Opt("--content", help="The new content.")),
        prepare=chain(_memory_scope, _memory_content),
        examples=("cargo-ai ai memory update --mem0-id <mem0-id> --scope agent --agent-uuid <agent-uuid> --content 'Updated memory'",),
    ),
    Cmd(
        "memory remove", ai.Memory.remove, "Remove a memory (DELETE with scope in the query string).",
        opts=MEMORY_OPTS,
        prepare=_memory_scope,
        examples=("cargo-ai ai memory remove --mem0-id <mem0-id> --scope agent --agent-uuid <agent-uuid>",),
    ),
    # inline documents (documented by name only: flags follow the endpoints)
    paginated(Cmd(
        "document list", ai.Document.list, "List the versions of an inline document.",
        opts=(
            Opt("--uuid", UUID, required=True, help="The document."),
            Opt("--limit", LIMIT),
            Opt("--offset", OFFSET),
        ),
        examples=("cargo-ai ai document list --uuid <document-uuid> --all",),
    ), "documents"),
    by_uuid("document get", ai.Document.get, "Get an inline document.", "document-uuid",
            examples=("cargo-ai ai document get <document-uuid>",)),
    Cmd(
        "document create", ai.Document.create, "Create an inline document (a new version).",
        opts=(
            Opt("--uuid", UUID, help="The document uuid (a new one is generated when omitted)."),
            Opt("--kind", choice(*DOCUMENT_KINDS), required=True, help="The document kind."),
            Opt("--title", required=True, help="The title."),
            Opt("--content", TEXT_SOURCE, required=True, help="The content (text, @file or -)."),
        ),
        prepare=_new_document_uuid,
        examples=("cargo-ai ai document create --kind text --title 'Playbook' --content @playbook.md",),
    ),
    Cmd(
        "document reset", ai.Document.reset,
        "Reset an inline document to the version created at --created-at.",
        opts=(
            Opt("--uuid", UUID, required=True, help="The document."),
            Opt("--created-at", ISO_DATE, required=True, help="The version's createdAt (ISO 8601)."),
        ),
        examples=("cargo-ai ai document reset --uuid <document-uuid> --created-at 2025-01-31T09:00:00Z",),
    ),
]  # fmt: skip

group = build_domain(
    "ai",
    COMMANDS,
    areas={
        "agent": "AI agents.",
        "template": "AI agent templates.",
        "release": "Agent releases (draft, deploy).",
        "chat": "Chats with agents.",
        "message": "Chat messages.",
        "mcp-server": "Curated MCP servers.",
        "mcp-client": "Remote MCP servers (connect and list their tools).",
        "memory": "Agent, workspace and user memories.",
        "document": "Inline knowledge documents.",
    },
    removed={
        "file": "No such command 'file': `ai file` was removed in cargo-ai 1.0.19; files live in the "
        "content domain now: use `cargo-ai content file list|upload|update|remove`.",
        "template get": "No such command 'get': `ai template get` does not exist; `ai template list` "
        "returns every template in full.",
    },
)
