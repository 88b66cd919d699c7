"""Helpers shared by the domain modules."""

from __future__ import annotations

from typing import Any

from cargo_cli.sandbox.http import Ctx, Router, as_int, as_list, bad_request, not_found
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


def body_dict(ctx: Ctx, *required: str) -> dict[str, Any]:
    """The JSON body, with the ``required`` fields present and not empty."""
    if not isinstance(ctx.body, dict):
        raise bad_request("The body must be a JSON object")
    for name in required:
        ctx.required(name)
    return ctx.body


def reads(router: Router, base: str, kind: str, plural: str, *, get: bool = True) -> None:
    """``GET {base}/list`` → ``{plural: [...]}`` and ``GET {base}/{uuid}`` →
    ``{kind: ...}`` for an entity kept whole in the store."""

    def list_all(ctx: Ctx) -> Any:
        return {plural: listed(ctx, kind)}

    def get_one(ctx: Ctx) -> Any:
        return {kind: entity(ctx, kind)}

    router.route("GET", f"{base}/list")(list_all)
    if get:
        router.route("GET", base + "/{uuid}")(get_one)


class Where:
    """A SQL ``WHERE`` over a table with a ``workspaceUuid`` column, built
    from the request's filter arguments."""

    def __init__(self, ctx: Ctx) -> None:
        self.ctx = ctx
        self.clauses: list[str] = ["workspaceUuid = ?"]
        self.params: list[Any] = [ctx.workspace_uuid]

    def add(self, clause: str, *params: Any) -> Where:
        self.clauses.append(clause)
        self.params.extend(params)
        return self

    def equal(self, *fields: str, required: bool = False) -> Where:
        """``field = ?`` for each field the request gives (else 400 when required)."""
        for field in fields:
            value = self.ctx.required(field) if required else self.ctx.arg(field)
            if value not in (None, ""):
                self.add(f"{field} = ?", value)
        return self

    def among(self, field: str, column: str) -> Where:
        """``column IN (...)`` when the request gives the list ``field``."""
        values = as_list(self.ctx.arg(field))
        if values:
            self.add(f"{column} IN (SELECT unnest(?))", [str(v) for v in values])
        return self

    @property
    def sql(self) -> str:
        return " AND ".join(self.clauses)


def page(ctx: Ctx, *, default: int = 100, most: int = 1000) -> tuple[int, int]:
    """(limit, offset) of a list request."""
    limit = min(as_int(ctx.arg("limit"), "limit", default) or default, most)
    return limit, as_int(ctx.arg("offset"), "offset", 0) or 0


def run_filter(ctx: Ctx, *, require_workflow: bool = True) -> tuple[str, list[Any]]:
    """The WHERE clause (and its parameters) of a runs list/count request."""
    where = Where(ctx).equal("workflowUuid", required=require_workflow)
    where.equal("batchUuid", "recordId", "releaseUuid", "recordTitle")
    where.among("statuses", "status").among("uuids", "uuid")
    if ctx.arg("isFinished"):
        where.add("status IN ('success', 'error', 'cancelled', 'skipped')")
    for field, op in (("createdAfter", ">="), ("createdBefore", "<")):
        if ctx.arg(field):
            where.add(f"createdAt {op} CAST(CAST(? AS TIMESTAMPTZ) AS TIMESTAMP)", ctx.arg(field))
    return where.sql, where.params
