"""storage: datasets, models, columns, records and SQL over the models."""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Mapping, Sequence
from typing import Any

from cargo_cli.sandbox import sqlquery
from cargo_cli.sandbox.filters import FilterCompiler, order_by
from cargo_cli.sandbox.http import Ctx, Router, as_int, bad_request, jsonable, not_found
from cargo_cli.sandbox.route_helpers import entity, listed, reads
from cargo_cli.sandbox.store import SQL_TYPES, new_uuid, quote, record_table

router = Router()
reads(router, "/storage/datasets", "dataset", "datasets")
reads(router, "/storage/models", "model", "models")
reads(router, "/storage/relationships", "relationship", "relationships")
MAX_PAGE = 1000


# -- records of a model (shared with segmentation and orchestration) -------------------
def model_columns(model: Mapping[str, Any]) -> dict[str, str]:
    return {str(c["slug"]): str(c.get("type", "any")) for c in model.get("columns", [])}


def record_of(names: list[str], row: tuple[Any, ...], types: Mapping[str, str]) -> dict[str, Any]:
    record = {}
    for name, value in zip(names, row, strict=True):
        if value is not None and SQL_TYPES.get(types.get(name, ""), "") == "JSON" and isinstance(value, str):
            value = json.loads(value)
        record[name] = jsonable(value)
    return record


def compile_filter(ctx: Ctx, model: Mapping[str, Any], filter_: Any) -> tuple[str, list[Any]]:
    def segment_filter(uuid: str) -> Mapping[str, Any]:
        segment = entity(ctx, "segment", uuid)
        if segment.get("modelUuid") != model["uuid"]:
            raise bad_request("A segment condition must use a segment of the same model", "invalidFilter")
        return dict(segment.get("filter") or {})

    compiler = FilterCompiler(model_columns(model), segment_filter, str(model.get("idColumnSlug", "id")))
    return compiler.compile(filter_)


def select_records(
    ctx: Ctx,
    model: Mapping[str, Any],
    *,
    filter_: Any = None,
    sort: Any = None,
    cap: int | None = None,
    offset: int = 0,
    page: int | None = None,
    ids: list[str] | None = None,
    count: bool = True,
) -> tuple[list[dict[str, Any]], int]:
    """Records matching a filter, sorted; ``cap`` limits the membership, and
    ``offset``/``page`` read a window of it. Returns (records, membership count)."""
    types = model_columns(model)
    id_slug = str(model.get("idColumnSlug", "id"))
    where, params = compile_filter(ctx, model, filter_)
    if ids is not None:
        where = f"({where}) AND {quote(id_slug)} IN (SELECT unnest(?))"
        params = [*params, ids]
    table = record_table(str(model["uuid"]))
    total = 0
    if count:
        total = int(ctx.store.scalar(f"SELECT count(*) FROM {table} WHERE {where}", params) or 0)
        total = total if cap is None else min(total, max(0, int(cap)))
    # The window [offset, offset + page) of the membership [0, cap), on the sorted rows.
    size = page
    if cap is not None:
        size = max(0, min(int(cap) - offset, size if size is not None else int(cap)))
    limit = "ALL" if size is None else str(int(size))
    order = order_by(sort, types, id_slug)
    window = f"SELECT * FROM {table} WHERE {where} ORDER BY {order} LIMIT {limit} OFFSET {int(offset)}"
    cursor = ctx.store.db.execute(window, params)
    names = [d[0] for d in cursor.description or []]
    return [record_of(names, row, types) for row in cursor.fetchall()], total


def model_or_404(ctx: Ctx, uuid: Any) -> dict[str, Any]:
    if not isinstance(uuid, str) or not uuid:
        raise bad_request("modelUuid is required")
    return entity(ctx, "model", uuid)


def segmentation_columns(model: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "slug": c["slug"],
            "type": c.get("type"),
            "label": c.get("label", c["slug"]),
            "modelUuid": model["uuid"],
        }
        for c in model.get("columns", [])
    ]


def csv_blob(ctx: Ctx, key: str, rows: Sequence[Mapping[str, Any]], *, compress: bool = False) -> str:
    """Write rows as CSV (gzipped when asked) and return a signed URL to it."""
    buffer = io.StringIO()
    names = list(rows[0]) if rows else []
    writer = csv.DictWriter(buffer, fieldnames=names)
    writer.writeheader()
    for row in rows:
        writer.writerow({k: json.dumps(v) if isinstance(v, (dict, list)) else v for k, v in row.items()})
    data = buffer.getvalue().encode()
    ctx.store.write_blob(key, gzip.compress(data, mtime=0) if compress else data)
    return ctx.signer(key)


def json_blob(ctx: Ctx, key: str, value: Any) -> str:
    ctx.store.write_blob(key, json.dumps(value, indent=2).encode())
    return ctx.signer(key)


# -- datasets, models, columns -----------------------------------------------------------
@router.route("GET", "/storage/models/{uuid}/ddl")
def get_model_ddl(ctx: Ctx) -> Any:
    model = entity(ctx, "model")
    dataset = entity(ctx, "dataset", model["datasetUuid"])
    cols = ",\n".join(f"  {quote(c['slug'])} {SQL_TYPES.get(c['type'], 'JSON')}" for c in model["columns"])
    return {"ddl": f"CREATE TABLE {dataset['slug']}.{model['slug']} (\n{cols}\n);", "language": "sql"}


@router.route("GET", "/storage/columns/list")
def list_columns(ctx: Ctx) -> Any:
    model = model_or_404(ctx, ctx.arg("modelUuid"))
    return {"columns": [{k: c[k] for k in ("slug", "type", "label") if k in c} for c in model["columns"]]}


# -- records ---------------------------------------------------------------------------
@router.route("POST", "/storage/records/list")
def list_records(ctx: Ctx) -> Any:
    model = model_or_404(ctx, ctx.arg("modelUuid"))
    limit = as_int(ctx.arg("limit"), "limit", 100) or 100
    offset = as_int(ctx.arg("offset"), "offset", 0) or 0
    records, _ = select_records(ctx, model, page=min(limit, MAX_PAGE), offset=offset, count=False)
    return {"records": records, "isRefreshing": False}


@router.route("GET", "/storage/records/get")
def get_record(ctx: Ctx) -> Any:
    model = model_or_404(ctx, ctx.arg("modelUuid"))
    record_id = str(ctx.required("id"))
    records, _ = select_records(ctx, model, ids=[record_id], count=False)
    if not records:
        raise not_found("record", record_id)
    return {"record": records[0], "isRefreshing": False}


@router.route("POST", "/storage/records/createBulk")
def create_records(ctx: Ctx) -> Any:
    model = model_or_404(ctx, ctx.arg("modelUuid"))
    items = ctx.array("records")
    id_slug = str(model.get("idColumnSlug", "id"))
    records = []
    for item in items:
        data = dict(item.get("data", item)) if isinstance(item, Mapping) else {}
        data.setdefault(id_slug, new_uuid())
        records.append(data)
    ctx.store.insert_records(model["uuid"], model["columns"], records)
    return {"records": records}


# -- SQL ---------------------------------------------------------------------------------
def storage_resolver(ctx: Ctx) -> sqlquery.TableResolver:
    datasets = {d["uuid"]: d["slug"] for d in listed(ctx, "dataset")}
    tables = {
        (datasets.get(m["datasetUuid"], ""), m["slug"]): record_table(m["uuid"]) for m in listed(ctx, "model")
    }

    def resolve(db: str, name: str) -> str | None:
        table = tables.get((db, name))
        return None if table is None else f"SELECT * FROM {table}"

    return resolve


def _query(ctx: Ctx) -> dict[str, Any]:
    query = ctx.required("query")
    if not isinstance(query, str):
        raise bad_request("query must be a string")
    return sqlquery.execute(ctx.store, query, dialect="duckdb", resolver=storage_resolver(ctx))


@router.route("POST", "/storage/query")
def execute_query(ctx: Ctx) -> Any:
    return {**_query(ctx), "isRefreshing": False}


@router.route("POST", "/storage/query/download")
def download_query(ctx: Ctx) -> Any:
    fmt = ctx.arg("format", "csv")
    if fmt not in ("csv", "parquet"):
        raise bad_request("format must be csv or parquet")
    if fmt == "parquet":
        from cargo_cli.sandbox.filters import not_emulated

        raise not_emulated("parquet exports")
    rows = _query(ctx)["rows"]
    return {"urls": [csv_blob(ctx, f"query-{new_uuid()}.csv", rows)], "isRefreshing": False}
