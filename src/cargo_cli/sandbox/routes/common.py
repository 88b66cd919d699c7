"""Helpers shared by the domain modules."""

from __future__ import annotations

from typing import Any

from cargo_cli.sandbox.http import Ctx, bad_request, not_found
from cargo_cli.sandbox.store import new_uuid


def entity(ctx: Ctx, kind: str, uuid: str | None = None, label: str | None = None) -> dict[str, Any]:
    """A document of the current workspace, or 404."""
    key = uuid if uuid is not None else str(ctx.params.get("uuid", ""))
    found = ctx.store.get(kind, key, ctx.workspace_uuid)
    if found is None or found.get("deletedAt"):
        raise not_found(label or kind, key)
    return found


def listed(ctx: Ctx, kind: str) -> list[dict[str, Any]]:
    return [d for d in ctx.store.all(kind, ctx.workspace_uuid) if not d.get("deletedAt")]


def create(ctx: Ctx, kind: str, fields: dict[str, Any]) -> dict[str, Any]:
    now = ctx.store.now_iso()
    doc = {
        "uuid": new_uuid(), "workspaceUuid": ctx.workspace_uuid, "userUuid": ctx.user_uuid,
        "createdAt": now, "updatedAt": now, "deletedAt": None, **fields,
    }  # fmt: skip
    return ctx.store.put(kind, doc)


def update(ctx: Ctx, kind: str, doc: dict[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    body = ctx.body if isinstance(ctx.body, dict) else {}
    changes = {k: v for k, v in body.items() if k in allowed}
    return ctx.store.put(kind, {**doc, **changes, "updatedAt": ctx.store.now_iso()})


def remove(ctx: Ctx, kind: str, doc: dict[str, Any]) -> None:
    ctx.store.put(kind, {**doc, "deletedAt": ctx.store.now_iso()})


def body_dict(ctx: Ctx) -> dict[str, Any]:
    if not isinstance(ctx.body, dict):
        raise bad_request("The body must be a JSON object")
    return ctx.body
