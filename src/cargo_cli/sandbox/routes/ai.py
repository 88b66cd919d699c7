"""ai: agents, chats and messages (answered deterministically,
pending → generating → success)."""

from __future__ import annotations

from typing import Any

from cargo_cli.sandbox import engine
from cargo_cli.sandbox.http import Ctx, Router, as_int, not_found
from cargo_cli.sandbox.route_helpers import body_dict, create, entity, listed, reads, remove, update

router = Router()
reads(router, "/ai/agents", "agent", "agents")


@router.route("GET", "/ai/releases/list")
def list_agent_releases(ctx: Ctx) -> Any:
    agent = ctx.arg("agentUuid")
    return {"releases": [r for r in listed(ctx, "agentRelease") if agent in (None, r["agentUuid"])]}


@router.route("POST", "/ai/chats")
def create_chat(ctx: Ctx) -> Any:
    body = body_dict(ctx)
    agent_uuid = body.get("agentUuid")
    if agent_uuid:
        entity(ctx, "agent", str(agent_uuid))
    chat = create(ctx, "chat", {
        "slug": f"chat-{ctx.store.now().strftime('%Y%m%d%H%M%S%f')}", "traceUuid": None, "agentUuid": agent_uuid,
        "releaseUuid": body.get("releaseUuid"), "name": body.get("name"),
        "trigger": body.get("trigger") or {"type": "draft"}, "heartbeat": None, "evaluator": None,
        "activeStreamUuid": None, "creditsUsedCount": 0, "lastMessage": None,
    })  # fmt: skip
    return {"chat": chat}


@router.route("GET", "/ai/chats/list")
def list_chats(ctx: Ctx) -> Any:
    agent = ctx.arg("agentUuid")
    chats = [c for c in listed(ctx, "chat") if agent in (None, c.get("agentUuid"))]
    offset = as_int(ctx.arg("offset"), "offset", 0) or 0
    limit = as_int(ctx.arg("limit"), "limit")
    return {"chats": chats[offset : None if limit is None else offset + limit]}


@router.route("GET", "/ai/chats/{uuid}")
def get_chat(ctx: Ctx) -> Any:
    return {"chat": entity(ctx, "chat")}


def _message(ctx: Ctx, chat: dict[str, Any], kind: str, **fields: Any) -> dict[str, Any]:
    defaults = {
        "agentUuid": chat.get("agentUuid"), "releaseUuid": chat.get("releaseUuid"), "chatUuid": chat["uuid"],
        "errorMessage": None, "type": kind, "parts": [], "actions": [], "resources": [], "capabilities": [],
        "mcpClients": [], "systemPrompt": None, "withReasoning": None, "temperature": None, "maxSteps": None,
        "integrationSlug": None, "connectorUuid": None, "languageModelSlug": None, "evaluatedTools": {},
        "usage": None, "output": None, "evaluation": None, "meta": None, "suggestedActions": [],
        "temporalWorkflowId": None, "finishedAt": None,
    }  # fmt: skip
    return create(ctx, "message", {**defaults, **fields})


@router.route("POST", "/ai/messages")
def create_message(ctx: Ctx) -> Any:
    body = body_dict(ctx)
    parts = ctx.array("parts", non_empty=True)
    chat = entity(ctx, "chat", str(body.get("chatUuid") or ""))
    agent = entity(ctx, "agent", chat["agentUuid"]) if chat.get("agentUuid") else {"name": "Assistant"}
    text = " ".join(str(p.get("text", "")) for p in parts if isinstance(p, dict))
    now = ctx.store.now_iso()
    user_message = _message(ctx, chat, "user", status="success", parts=parts, finishedAt=now)
    assistant = _message(
        ctx, chat, "assistant", status="pending", languageModelSlug=body.get("languageModelSlug", "gpt-4o"),
        _answer=engine.answer_text(str(agent["name"]), text),
    )  # fmt: skip
    ctx.store.put(
        "chat", {**chat, "lastMessage": {k: assistant[k] for k in assistant if not k.startswith("_")}}
    )
    # As created, the answer has not started: pending (then it moves with time).
    pending = {k: v for k, v in assistant.items() if not k.startswith("_")}
    return {"userMessage": user_message, "assistantMessage": pending}


@router.route("GET", "/ai/messages/list")
def list_messages(ctx: Ctx) -> Any:
    chat = entity(ctx, "chat", str(ctx.required("chatUuid")))
    now = ctx.store.now()
    messages = [
        engine.message_view(m, ctx.speed, now)
        for m in listed(ctx, "message")
        if m["chatUuid"] == chat["uuid"]
    ]
    limit = as_int(ctx.arg("limit"), "limit")
    return {"messages": messages if limit is None else messages[-limit:]}


@router.route("GET", "/ai/messages/{uuid}")
def get_message(ctx: Ctx) -> Any:
    return {"message": engine.message_view(entity(ctx, "message"), ctx.speed, ctx.store.now())}


@router.route("POST", "/ai/messages/cancel")
def cancel_messages(ctx: Ctx) -> Any:
    uuids = ctx.required("uuids")
    for uuid in uuids if isinstance(uuids, list) else [uuids]:
        message = entity(ctx, "message", str(uuid))
        view = engine.message_view(message, ctx.speed, ctx.store.now())
        if view["status"] in ("pending", "generating"):
            ctx.store.put("message", {**message, "status": "cancelled", "finishedAt": ctx.store.now_iso()})


@router.route("DELETE", "/ai/chats/{uuid}")
def remove_chat(ctx: Ctx) -> Any:
    remove(ctx, "chat", entity(ctx, "chat"))


# -- agents: create/update/remove, releases --------------------------------------------
@router.route("POST", "/ai/agents")
def create_agent(ctx: Ctx) -> Any:
    body = body_dict(ctx, "name")
    agent = create(ctx, "agent", {
        "name": body["name"], "icon": body.get("icon") or {"kind": "emoji", "emojiSlug": "robot"},
        "description": body.get("description"), "triggers": body.get("triggers") or [],
        "deployedRelease": None, "folderUuid": body.get("folderUuid"), "template": None, "isReadOnly": False,
    })  # fmt: skip
    return {"agent": agent}


@router.route("PUT", "/ai/agents/{uuid}")
def update_agent(ctx: Ctx) -> Any:
    fields = ("name", "icon", "description", "triggers", "folderUuid", "template")
    return {"agent": update(ctx, "agent", entity(ctx, "agent"), fields)}


@router.route("DELETE", "/ai/agents/{uuid}")
def remove_agent(ctx: Ctx) -> Any:
    remove(ctx, "agent", entity(ctx, "agent"))


def _agent_release(ctx: Ctx, status: str) -> dict[str, Any]:
    agent = entity(ctx, "agent", str(ctx.required("agentUuid")))
    found = [
        r for r in listed(ctx, "agentRelease") if r["agentUuid"] == agent["uuid"] and r["status"] == status
    ]
    if not found:
        raise not_found("release")
    return found[-1]


@router.route("GET", "/ai/releases/deployed")
def get_deployed_agent_release(ctx: Ctx) -> Any:
    return {"release": _agent_release(ctx, "deployed")}


@router.route("GET", "/ai/releases/draft")
def get_draft_agent_release(ctx: Ctx) -> Any:
    agent = entity(ctx, "agent", str(ctx.required("agentUuid")))
    drafts = [
        r for r in listed(ctx, "agentRelease") if r["agentUuid"] == agent["uuid"] and r["status"] == "draft"
    ]
    if drafts:
        return {"release": drafts[-1]}
    deployed = [
        r
        for r in listed(ctx, "agentRelease")
        if r["agentUuid"] == agent["uuid"] and r["status"] == "deployed"
    ]
    base = deployed[-1] if deployed else {"systemPrompt": "", "actions": [], "resources": [], "capabilities": [],
                                          "suggestedActions": [], "mcpClients": [], "withReasoning": False,
                                          "temperature": 0.2, "maxSteps": 5, "integrationSlug": "openai",
                                          "connectorUuid": None, "languageModelSlug": "gpt-4o", "output": None,
                                          "heartbeat": None, "evaluator": None, "templateSlug": None}  # fmt: skip
    fields = {
        k: v for k, v in base.items() if k not in ("uuid", "createdAt", "updatedAt", "deployedAt", "status")
    }
    draft = create(ctx, "agentRelease", {**fields, "agentUuid": agent["uuid"], "status": "draft",
                                         "parentUuid": base.get("uuid"), "version": None, "description": None,
                                         "deployedAt": None})  # fmt: skip
    return {"release": draft}
