"""observability: threshold alerts over the workspace's runs.

``alert preview`` and the alerts themselves measure runs for real: a scope
``{"kind": "runs", "workflowUuid"?, "statuses"?}`` counts the runs created in
the window (``statuses``: what counts as failed, default ``["error"]``) and a
threshold ``{"metric": "errorRate"|"failedCount"|"runsCount", "operator":
"gt"|"gte"|"lt"|"lte"|"eq", "value"}`` is compared with it. The sandbox has
no scheduler: an enabled alert is evaluated once when it is created or
updated, and that evaluation is its event (``event list``).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from cargo_cli.sandbox.http import ApiError, Ctx, Router, as_int, as_list, bad_request
from cargo_cli.sandbox.route_helpers import body_dict, create, entity, listed, page, reads, remove, update

router = Router()
ALERT = "alert"
EVENT = "alertEvent"
CRON_FIELD = re.compile(r"^(\*|\d+(-\d+)?)(/\d+)?(,(\*|\d+(-\d+)?)(/\d+)?)*$|^[A-Za-z]{3}(-[A-Za-z]{3})?$")
METRICS = ("errorRate", "failedCount", "runsCount")
OPERATORS = {
    "gt": lambda a, b: a > b, "gte": lambda a, b: a >= b, "lt": lambda a, b: a < b,
    "lte": lambda a, b: a <= b, "eq": lambda a, b: a == b,
}  # fmt: skip
DEFAULT_WINDOW_MINUTES = 60
FIELDS = ("name", "description", "cron", "isEnabled", "scope", "threshold", "actions", "folderUuid")


def _check(body: dict[str, Any], *, partial: bool) -> None:
    cron = body.get("cron")
    if cron is not None or not partial:
        fields = str(cron or "").split()
        if len(fields) != 5 or not all(CRON_FIELD.match(f) for f in fields):
            raise ApiError(400, f"Invalid cron expression: {cron!r}", "invalidCron")
    for name in ("scope", "threshold"):
        if (name in body or not partial) and not isinstance(body.get(name), dict):
            raise bad_request(f"{name} must be an object")
    threshold = body.get("threshold")
    if isinstance(threshold, dict):
        if threshold.get("metric") not in METRICS or threshold.get("operator") not in OPERATORS:
            raise ApiError(
                400, f"The threshold needs a metric ({', '.join(METRICS)}) and an operator "
                f"({', '.join(OPERATORS)})", "mismatchedThreshold",
            )  # fmt: skip
        if not isinstance(threshold.get("value"), (int, float)):
            raise bad_request("threshold.value must be a number")


def measure(
    ctx: Ctx, scope: dict[str, Any], threshold: dict[str, Any], window_minutes: int
) -> dict[str, Any]:
    """What an evaluation finds: {outcome, value, total, failed, isBreached}."""
    if scope.get("kind", "runs") != "runs":
        return {"outcome": "notComputed",
                "computeErrorMessage": f"The sandbox measures runs only, not {scope.get('kind')!r} scopes"}  # fmt: skip
    since = ctx.store.now() - dt.timedelta(minutes=window_minutes)
    failed_statuses = as_list(scope.get("statuses")) or ["error"]
    sql = "SELECT count(*) AS total, count(*) FILTER (WHERE list_contains(?, status)) AS failed FROM runs " \
          "WHERE workspaceUuid = ? AND createdAt >= ?"  # fmt: skip
    params: list[Any] = [failed_statuses, ctx.workspace_uuid, since]
    if scope.get("workflowUuid"):
        sql += " AND workflowUuid = ?"
        params.append(scope["workflowUuid"])
    row = ctx.store.rows(sql, params)[0]
    total, failed = int(row["total"]), int(row["failed"])
    if total == 0:
        return {"outcome": "empty", "total": 0, "failed": 0}
    metric = threshold.get("metric")
    value: float = (
        failed / total * 100 if metric == "errorRate" else failed if metric == "failedCount" else total
    )
    value = round(value, 2)
    breached = bool(OPERATORS[str(threshold.get("operator"))](value, threshold.get("value")))
    return {"outcome": "computed", "value": value, "total": total, "failed": failed, "isBreached": breached}


def _window(ctx: Ctx) -> int:
    minutes = as_int(ctx.arg("windowMinutes"), "windowMinutes", DEFAULT_WINDOW_MINUTES)
    if minutes is None or minutes < 1:
        raise bad_request("windowMinutes must be at least 1")
    return minutes


def _evaluate(ctx: Ctx, alert: dict[str, Any]) -> dict[str, Any]:
    """Evaluate an enabled alert now: record the event, update lastEvent."""
    if not alert.get("isEnabled", True):
        return alert
    found = measure(ctx, alert["scope"], alert["threshold"], DEFAULT_WINDOW_MINUTES)
    status = {"empty": "empty", "notComputed": "error"}.get(found["outcome"]) or (
        "breached" if found["isBreached"] else "ok"
    )
    event = create(ctx, EVENT, {"alertUuid": alert["uuid"], "status": status, **found})
    return ctx.store.put(ALERT, {**alert, "lastEvent": event})


reads(router, "/observability/alerts", ALERT, "alerts")


def _checked(ctx: Ctx, body: dict[str, Any], *, partial: bool) -> None:
    _check(body, partial=partial)
    if body.get("folderUuid"):
        entity(ctx, "folder", str(body["folderUuid"]))
    actions = body.get("actions")
    if actions is not None and not isinstance(actions, list):
        raise bad_request("actions must be an array")


@router.route("POST", "/observability/alerts")
def create_alert(ctx: Ctx) -> Any:
    body = body_dict(ctx, "name")
    _checked(ctx, body, partial=False)
    alert = create(ctx, ALERT, {
        "name": body["name"], "description": body.get("description"), "cron": body["cron"],
        "isEnabled": body.get("isEnabled", True) is not False, "scope": body["scope"],
        "threshold": body["threshold"], "actions": body.get("actions") or [],
        "folderUuid": body.get("folderUuid"), "lastEvent": None,
    })  # fmt: skip
    return {"alert": _evaluate(ctx, alert)}


@router.route("PUT", "/observability/alerts/{uuid}")
def update_alert(ctx: Ctx) -> Any:
    alert = entity(ctx, ALERT)
    _checked(ctx, body_dict(ctx), partial=True)
    return {"alert": _evaluate(ctx, update(ctx, ALERT, alert, FIELDS))}


@router.route("DELETE", "/observability/alerts/{uuid}")
def remove_alert(ctx: Ctx) -> Any:
    remove(ctx, ALERT, entity(ctx, ALERT))


@router.route("POST", "/observability/alerts/preview")
def preview(ctx: Ctx) -> Any:
    body = body_dict(ctx)
    _check({"scope": body.get("scope"), "threshold": body.get("threshold")}, partial=True)
    return measure(ctx, body["scope"], body["threshold"], _window(ctx))


def _events(ctx: Ctx) -> list[dict[str, Any]]:
    alert_uuid = ctx.arg("alertUuid")
    if alert_uuid:
        entity(ctx, ALERT, str(alert_uuid))
    statuses = as_list(ctx.arg("statuses"))
    after, before = ctx.arg("createdAfter"), ctx.arg("createdBefore")
    return [
        e for e in reversed(listed(ctx, EVENT))
        if alert_uuid in (None, e["alertUuid"]) and (not statuses or e["status"] in statuses)
        and (not after or e["createdAt"] >= after) and (not before or e["createdAt"] < before)
    ]  # fmt: skip


@router.route("POST", "/observability/events/list")
def list_events(ctx: Ctx) -> Any:
    events = _events(ctx)
    limit, offset = page(ctx)
    return {"count": len(events), "events": events[offset : offset + limit]}


@router.route("POST", "/observability/events/count")
def count_events(ctx: Ctx) -> Any:
    return {"count": len(_events(ctx))}
