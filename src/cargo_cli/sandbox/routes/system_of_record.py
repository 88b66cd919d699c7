"""systemOfRecordIntegration: the sandbox's one system of record is its own
warehouse. ``client query/fetch/download`` run read-only SQL over the
workspace's models, named ``<dataset>.<model>`` as in ``storage query
execute`` (same translation, caps and refusals); each successful call is
logged (``log list``, ``log get-metrics``)."""

from __future__ import annotations

import time
from typing import Any

from starlette.responses import PlainTextResponse

from cargo_cli.sandbox import sqlquery
from cargo_cli.sandbox.http import Ctx, Router, as_list, bad_request, not_found
from cargo_cli.sandbox.route_helpers import create, listed, page
from cargo_cli.sandbox.routes.storage import csv_blob, storage_resolver
from cargo_cli.sandbox.store import new_uuid

router = Router()
SYSTEM = "systemOfRecord"
LOG = "systemOfRecordLog"
CLIENT = {"slug": "sandbox", "name": "Sandbox warehouse (DuckDB)", "dialect": "duckdb"}


@router.route("GET", "/systemOfRecordIntegration/systemOfRecords")
def list_systems(ctx: Ctx) -> Any:
    return {"systemOfRecords": listed(ctx, SYSTEM)}


@router.route("GET", "/systemOfRecordIntegration/clients/list")
def list_clients(ctx: Ctx) -> Any:
    return {"clients": [CLIENT]}


@router.route("GET", "/systemOfRecordIntegration/clients/{slug}/documentation")
def documentation(ctx: Ctx) -> Any:
    if ctx.params["slug"] != CLIENT["slug"]:
        raise not_found("client", ctx.params["slug"])
    datasets = {d["uuid"]: d["slug"] for d in listed(ctx, "dataset")}
    lines = [
        "# Sandbox warehouse",
        "",
        "Read-only DuckDB SQL: one SELECT (CTEs and UNIONs allowed), at most "
        f"{sqlquery.MAX_ROWS} rows, {sqlquery.TIMEOUT_S:g} s. Tables are `<dataset>.<model>`.",
        "See [the tables](./tables.md).",
        "",
        "## Tables",
    ]
    for model in listed(ctx, "model"):
        columns = ", ".join(f"{c['slug']} {c['type']}" for c in model["columns"])
        lines.append(f"- `{datasets.get(model['datasetUuid'], '')}.{model['slug']}` ({columns})")
    return PlainTextResponse("\n".join(lines) + "\n")


def _run(ctx: Ctx, sql: Any, operation: str) -> list[dict[str, Any]]:
    if not isinstance(sql, str) or not sql.strip():
        raise bad_request("query must be a non-empty SQL string")
    started = time.monotonic()
    rows: list[dict[str, Any]] = sqlquery.execute(
        ctx.store, sql, dialect="duckdb", resolver=storage_resolver(ctx)
    )["rows"]
    create(ctx, LOG, {
        "operation": operation, "status": "success", "query": sql, "rowsCount": len(rows),
        "durationMs": round((time.monotonic() - started) * 1000),
    })  # fmt: skip
    return rows


@router.route("POST", "/systemOfRecordIntegration/clients/query")
def query(ctx: Ctx) -> Any:
    return {"rows": _run(ctx, ctx.arg("query"), "query")}


@router.route("POST", "/systemOfRecordIntegration/clients/fetch")
def fetch(ctx: Ctx) -> Any:
    rows = _run(ctx, ctx.arg("query"), "fetch")
    limit, offset = page(ctx, most=sqlquery.MAX_ROWS)
    return {"records": rows[offset : offset + limit], "count": len(rows)}


@router.route("POST", "/systemOfRecordIntegration/clients/download")
def download(ctx: Ctx) -> Any:
    rows = _run(ctx, ctx.arg("query"), "download")
    return {"urls": [csv_blob(ctx, f"sor-{new_uuid()}.csv", rows)]}


@router.route("GET", "/systemOfRecordIntegration/logs/list")
def list_logs(ctx: Ctx) -> Any:
    statuses = as_list(ctx.arg("statuses"))
    text = str(ctx.arg("query") or "").lower()
    logs = [
        log for log in reversed(listed(ctx, LOG))
        if (not statuses or log["status"] in statuses) and text in log["query"].lower()
    ]  # fmt: skip
    limit, offset = page(ctx)
    return {"logs": logs[offset : offset + limit], "count": len(logs)}


@router.route("GET", "/systemOfRecordIntegration/logs/metrics")
def log_metrics(ctx: Ctx) -> Any:
    start, end = str(ctx.required("from")), str(ctx.required("to"))
    days: dict[str, dict[str, Any]] = {}
    for log in listed(ctx, LOG):
        if start <= log["createdAt"] <= end:
            day = days.setdefault(log["createdAt"][:10], {"date": log["createdAt"][:10], "operationsCount": 0,
                                                          "rowsCount": 0})  # fmt: skip
            day["operationsCount"] += 1
            day["rowsCount"] += log["rowsCount"]
    return {"metrics": [days[key] for key in sorted(days)]}
