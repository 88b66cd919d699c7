"""storage: datasets, models, columns, records and SQL over the models."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from cargo_cli.sandbox import sqlquery
from cargo_cli.sandbox.entities import complete
from cargo_cli.sandbox.filters import FilterCompiler, order_by
from cargo_cli.sandbox.http import ApiError, Ctx, Router, as_int, bad_request, jsonable
from cargo_cli.sandbox.reasons import refuse
from cargo_cli.sandbox.route_helpers import body_dict, create, entity, listed, remove, update
from cargo_cli.sandbox.store import SQL_TYPES, new_uuid, quote, record_table

router = Router()
MAX_PAGE = 1000


# Called as hook(ctx, model_uuid) after a model's records were written: segmentation
# registers the sync of the model's segments (it imports this module, not the reverse).
RECORD_WRITE_HOOKS: list[Callable[[Ctx, str], None]] = []


# -- records of a model (shared with segmentation and orchestration) -------------------
def all_columns(model: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The original columns, then the additional ones (custom, computed, ...)."""
    return [*model.get("columns", []), *(model.get("additionalColumns") or [])]


def model_columns(model: Mapping[str, Any]) -> dict[str, str]:
    return {str(c["slug"]): str(c.get("type", "any")) for c in all_columns(model)}


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
        for c in all_columns(model)
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
def dataset_view(dataset: Mapping[str, Any]) -> dict[str, Any]:
    return complete("storage.Dataset", dataset)


def model_view(ctx: Ctx, model: Mapping[str, Any]) -> dict[str, Any]:
    """A model as the platform answers it: every field, with live counts."""
    segments = [
        s for s in listed(ctx, "segment") if s.get("modelUuid") == model["uuid"] and not s.get("fromPlay")
    ]
    plays = [p for p in listed(ctx, "play") if p.get("modelUuid") == model["uuid"]]
    columns = [{**complete("storage.Column", c), "kind": "original", "originalSlug": c.get("originalSlug", c["slug"])}
               for c in model.get("columns", [])]  # fmt: skip
    additional = [{**complete("storage.Column", c), **c} for c in model.get("additionalColumns") or []]
    return complete("storage.Model", {**model, "columns": columns, "additionalColumns": additional,
                                      "segmentsCount": len(segments), "playsCount": len(plays)})  # fmt: skip


def live_model(ctx: Ctx, uuid: Any, call: str) -> dict[str, Any]:
    """The model ``uuid`` of the workspace, else the call's ``modelNotFound``."""
    if not isinstance(uuid, str) or not uuid:
        raise bad_request("modelUuid is required")
    found = ctx.store.get("model", uuid, ctx.workspace_uuid)
    if found is None or found.get("deletedAt"):
        raise refuse(call, "modelNotFound")
    return found


def live_dataset(ctx: Ctx, uuid: Any, call: str) -> dict[str, Any]:
    found = ctx.store.get("dataset", str(uuid), ctx.workspace_uuid) if uuid else None
    if found is None or found.get("deletedAt"):
        raise refuse(call, "datasetNotFound")
    return found


@router.route("GET", "/storage/datasets/list")
def list_datasets(ctx: Ctx) -> Any:
    return {"datasets": [dataset_view(d) for d in listed(ctx, "dataset")]}


@router.route("GET", "/storage/datasets/{uuid}")
def get_dataset(ctx: Ctx) -> Any:
    return {"dataset": dataset_view(live_dataset(ctx, ctx.params["uuid"], "storage.dataset.get"))}


@router.route("GET", "/storage/models/list")
def list_models(ctx: Ctx) -> Any:
    return {"models": [model_view(ctx, m) for m in listed(ctx, "model")]}


@router.route("GET", "/storage/models/existsBySlug")
def model_exists(ctx: Ctx) -> Any:
    slug, dataset = ctx.required("slug"), ctx.required("datasetUuid")
    return {"exists": any(m["slug"] == slug and m["datasetUuid"] == dataset for m in listed(ctx, "model"))}


@router.route("GET", "/storage/models/{uuid}")
def get_model(ctx: Ctx) -> Any:
    return {"model": model_view(ctx, live_model(ctx, ctx.params["uuid"], "storage.model.get"))}


def _checked_folder(ctx: Ctx, uuid: Any, call: str) -> Any:
    if uuid is not None:
        folder = ctx.store.get("folder", str(uuid), ctx.workspace_uuid)
        if folder is None or folder.get("deletedAt"):
            raise refuse(call, "folderNotFound")
    return uuid


def checked_column(value: Any, kinds: tuple[str, ...]) -> dict[str, Any]:
    """A column object as storage.Column (+ kind), or 400."""
    if not isinstance(value, Mapping):
        raise bad_request("column must be a JSON object", "invalidPayload")
    slug, kind, type_ = value.get("slug"), value.get("kind"), value.get("type")
    if not isinstance(slug, str) or not SLUG.fullmatch(slug):
        raise bad_request(f"column.slug must be a slug (letters, digits, _), not {slug!r}", "invalidPayload")
    if type_ not in SQL_TYPES:
        raise bad_request(
            f"column.type must be one of {', '.join(SQL_TYPES)}, not {type_!r}", "invalidPayload"
        )
    if kind not in kinds:
        raise bad_request(f"column.kind must be one of {', '.join(kinds)}, not {kind!r}", "invalidPayload")
    return {**complete("storage.Column", {"label": slug, **value}), "kind": kind}


SLUG = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")
ADDITIONAL_KINDS = ("custom", "computed", "metric", "lookup")


@router.route("POST", "/storage/models")
def create_model(ctx: Ctx) -> Any:
    call = "storage.model.create"
    body = body_dict(
        ctx, "slug", "name", "datasetUuid", "extractorSlug"
    )  # required, as the platform's payload
    if not isinstance(body.get("config"), Mapping):
        raise bad_request("config is required (a JSON object, e.g. {})", "invalidPayload")
    dataset = live_dataset(ctx, body["datasetUuid"], call)
    slug, name = body["slug"], str(body["name"])
    if not isinstance(slug, str) or not SLUG.fullmatch(slug):
        raise bad_request(f"slug must be a slug (letters, digits, _), not {slug!r}", "invalidPayload")
    if any(m["slug"] == slug and m["datasetUuid"] == dataset["uuid"] for m in listed(ctx, "model")):
        raise refuse(call, "duplicateSlug")
    config: dict[str, Any] = dict(body["config"])
    declared = config.get("columns") or [{"slug": "id", "type": "string", "label": "Id"}]
    if not isinstance(declared, list) or not all(isinstance(c, Mapping) for c in declared):
        raise bad_request("config.columns must be an array of columns", "invalidPayload")
    columns = [{**checked_column({"kind": "original", **c}, ("original",)), "originalSlug": c.get("slug")}
               for c in declared]  # fmt: skip
    slugs = [c["slug"] for c in columns]
    if len(set(slugs)) != len(slugs):
        raise refuse(call, "duplicateSlug")
    id_slug = str(config.get("idColumnSlug") or slugs[0])
    title_slug = str(config.get("titleColumnSlug") or id_slug)
    time_slug = config.get("timeColumnSlug")
    for what, value in (
        ("idColumnSlug", id_slug),
        ("titleColumnSlug", title_slug),
        ("timeColumnSlug", time_slug),
    ):
        if value is not None and value not in slugs:
            raise bad_request(f"config.{what} {value!r} is not a column of the model", "invalidPayload")
    model = create(ctx, "model", {
        "slug": slug, "name": name, "description": body.get("description"), "datasetUuid": dataset["uuid"],
        "extractorSlug": body["extractorSlug"], "position": {"x": 0, "y": 0}, "config": config,
        "schedule": body.get("schedule"), "meta": None, "columns": columns, "additionalColumns": [],
        "idColumnSlug": id_slug, "unification": None, "titleColumnSlug": title_slug, "timeColumnSlug": time_slug,
        "folderUuid": _checked_folder(ctx, body.get("folderUuid"), call), "playsCount": 0, "segmentsCount": 0,
        "isPaused": False, "lastEmittedAt": None, "lastRun": None, "kind": "native",
    })  # fmt: skip
    ctx.store.create_record_table(model["uuid"], columns)
    return {"model": model_view(ctx, model)}


@router.route("PUT", "/storage/models/{uuid}")
def update_model(ctx: Ctx) -> Any:
    call = "storage.model.update"
    model = live_model(ctx, ctx.params["uuid"], call)
    body = body_dict(ctx)
    if "folderUuid" in body:
        _checked_folder(ctx, body["folderUuid"], call)
    fields = ("name", "description", "position", "config", "unification", "schedule", "folderUuid")
    return {"model": model_view(ctx, update(ctx, "model", model, fields))}


@router.route("DELETE", "/storage/models/{uuid}")
def remove_model(ctx: Ctx) -> Any:
    call = "storage.model.remove"
    model = live_model(ctx, ctx.params["uuid"], call)
    if any(p.get("modelUuid") == model["uuid"] for p in listed(ctx, "play")):
        raise refuse(call, "hasWorkflows")
    if any(s.get("modelUuid") == model["uuid"] for s in listed(ctx, "segment")):
        raise refuse(call, "hasSegments")
    remove(ctx, "model", model)
    ctx.store.db.execute(f"DROP TABLE IF EXISTS {record_table(model['uuid'])}")
    kept = [r for r in listed(ctx, "relationship") if model["uuid"] in (r["fromModelUuid"], r["toModelUuid"])]
    for relationship in kept:
        drop_relationship(ctx, relationship["uuid"])


@router.route("GET", "/storage/models/{uuid}/ddl")
def get_model_ddl(ctx: Ctx) -> Any:
    call = "storage.model.getDdl"
    model = live_model(ctx, ctx.params["uuid"], call)
    dataset = live_dataset(ctx, model["datasetUuid"], call)
    cols = ",\n".join(f"  {quote(c['slug'])} {SQL_TYPES.get(c['type'], 'JSON')}" for c in all_columns(model))
    return {"ddl": f"CREATE TABLE {dataset['slug']}.{model['slug']} (\n{cols}\n);", "language": "sql"}


@router.route("GET", "/storage/columns/list")
def list_columns(ctx: Ctx) -> Any:
    model = live_model(ctx, ctx.arg("modelUuid"), "storage.column.list")
    return {"columns": [{k: c[k] for k in ("slug", "type", "label") if k in c} for c in all_columns(model)]}


@router.route("GET", "/storage/columns/existsBySlug")
def column_exists(ctx: Ctx) -> Any:
    slug = ctx.required("slug")
    model = ctx.store.get("model", str(ctx.required("modelUuid")), ctx.workspace_uuid)
    if model is None or model.get("deletedAt"):
        return {"exists": False}
    return {"exists": slug in model_columns(model)}


def _column_model(ctx: Ctx, call: str) -> dict[str, Any]:
    model = live_model(ctx, ctx.arg("modelUuid"), call)
    live_dataset(ctx, model["datasetUuid"], call)
    return model


def _derived(ctx: Ctx, model: Mapping[str, Any], column: dict[str, Any], call: str) -> dict[str, Any]:
    """Checks the references of a computed, metric or lookup column."""
    kind = column["kind"]
    if kind == "metric":
        relationship = ctx.store.get("relationship", str(column.get("relationshipUuid")), ctx.workspace_uuid)
        aggregation = column.get("aggregation")
        if relationship is None or not isinstance(aggregation, Mapping):
            raise refuse(call, "invalidRelationship")
        if model["uuid"] not in (relationship["fromModelUuid"], relationship["toModelUuid"]):
            raise refuse(call, "invalidRelationship")
        if aggregation.get("function") not in ("AVG", "COUNT", "MAX", "MIN", "SUM"):
            raise bad_request("aggregation.function must be AVG, COUNT, MAX, MIN or SUM", "invalidPayload")
    elif kind == "lookup":
        join = column.get("join")
        if not isinstance(join, Mapping):
            raise bad_request("a lookup column needs a join {toModelUuid, fromColumnSlug, toColumnSlug}")
        other = ctx.store.get("model", str(join.get("toModelUuid")), ctx.workspace_uuid)
        if other is None or other.get("deletedAt"):
            raise refuse(call, "modelNotFound")
        if (
            join.get("fromColumnSlug") not in model_columns(model)
            or join.get("toColumnSlug") not in model_columns(other)
            or column.get("extractColumnSlug") not in model_columns(other)
        ):
            raise refuse(call, "invalidRelationship")
    elif kind == "computed":
        expression = column.get("expression")
        if not isinstance(expression, Mapping) or not isinstance(expression.get("expression"), str):
            raise bad_request("a computed column needs an expression {expression, kind, instructTo}")
        if expression.get("instructTo") == "ai":
            raise refuse(call, "aiExpressionNotAllowed")
        if expression.get("kind", "templateExpression") not in ("jsExpression", "templateExpression"):
            raise bad_request("expression.kind must be jsExpression or templateExpression")
    return column


@router.route("POST", "/storage/columns")
def create_column(ctx: Ctx) -> Any:
    call = "storage.column.create"
    model = _column_model(ctx, call)
    column = _derived(ctx, model, checked_column(ctx.required("column"), ADDITIONAL_KINDS), call)
    if column["slug"] in model_columns(model):
        raise refuse(call, "duplicateSlug")
    table = record_table(model["uuid"])
    ctx.store.db.execute(
        f"ALTER TABLE {table} ADD COLUMN {quote(column['slug'])} {SQL_TYPES[column['type']]}"
    )
    model = ctx.store.put("model", {**model, "additionalColumns": [*model.get("additionalColumns", []), column],
                                    "updatedAt": ctx.store.now_iso()})  # fmt: skip
    fill_derived(ctx, model, column)


@router.route("PUT", "/storage/columns")
def update_column(ctx: Ctx) -> Any:
    call = "storage.column.update"
    model = _column_model(ctx, call)
    raw = ctx.required("column")
    slug = raw.get("slug") if isinstance(raw, Mapping) else None
    lists = {
        "columns": list(model["columns"]),
        "additionalColumns": list(model.get("additionalColumns") or []),
    }
    for key, columns in lists.items():
        for index, old in enumerate(columns):
            if old["slug"] != slug:
                continue
            kinds = ("original",) if key == "columns" else ADDITIONAL_KINDS
            column = _derived(ctx, model, checked_column({"kind": old["kind"], **raw}, kinds), call)
            if key == "columns":
                column["originalSlug"] = old.get("originalSlug", slug)
            if column["type"] != old["type"]:
                sql_type = SQL_TYPES[column["type"]]
                ctx.store.db.execute(
                    f"ALTER TABLE {record_table(model['uuid'])} ALTER {quote(column['slug'])} TYPE {sql_type} "
                    f"USING TRY_CAST({quote(column['slug'])} AS {sql_type})"
                )
            columns[index] = column
            model = ctx.store.put("model", {**model, **lists, "updatedAt": ctx.store.now_iso()})
            fill_derived(ctx, model, column)
            return None
    raise refuse(call, "columnNotFound")


@router.route("DELETE", "/storage/columns")
def remove_column(ctx: Ctx) -> Any:
    call = "storage.column.remove"
    model = _column_model(ctx, call)
    slug = ctx.required("columnSlug")
    if slug not in model_columns(model):
        raise refuse(call, "columnNotFound")
    if slug in (model["idColumnSlug"], model.get("titleColumnSlug"), model.get("timeColumnSlug")):
        raise bad_request(
            f"{slug} is the model's id, title or time column: it cannot be removed", "invalidPayload"
        )
    ctx.store.db.execute(f"ALTER TABLE {record_table(model['uuid'])} DROP COLUMN {quote(slug)}")
    ctx.store.put("model", {
        **model, "columns": [c for c in model["columns"] if c["slug"] != slug],
        "additionalColumns": [c for c in model.get("additionalColumns") or [] if c["slug"] != slug],
        "updatedAt": ctx.store.now_iso(),
    })  # fmt: skip


@router.route("PUT", "/storage/columns/reorder")
def reorder_column(ctx: Ctx) -> Any:
    call = "storage.column.reorder"
    model = live_model(ctx, ctx.arg("modelUuid"), call)
    slug, index = ctx.required("columnSlug"), as_int(ctx.arg("toIndex"), "toIndex")
    for key in ("columns", "additionalColumns"):
        columns = list(model.get(key) or [])
        found = next((c for c in columns if c["slug"] == slug), None)
        if found is None:
            continue
        if index is None or not 0 <= index < len(columns):
            raise refuse(call, "invalidIndex")
        columns.remove(found)
        columns.insert(index, found)
        ctx.store.put("model", {**model, key: columns, "updatedAt": ctx.store.now_iso()})
        return None
    raise refuse(call, "columnNotFound")


def fill_derived(ctx: Ctx, model: Mapping[str, Any], column: Mapping[str, Any]) -> None:
    """(Re)compute the values of a lookup or metric column from the other
    model, in SQL; a computed column evaluates its expression per record."""
    table, slug = record_table(str(model["uuid"])), quote(str(column["slug"]))
    kind = column.get("kind")
    if kind == "lookup":
        join = column["join"]
        other = ctx.store.get("model", str(join["toModelUuid"]))
        assert other is not None
        ctx.store.db.execute(
            f"UPDATE {table} SET {slug} = (SELECT o.{quote(column['extractColumnSlug'])} "
            f"FROM {record_table(other['uuid'])} o WHERE o.{quote(join['toColumnSlug'])} = "
            f"{table}.{quote(join['fromColumnSlug'])} LIMIT 1)"
        )
    elif kind == "metric":
        relationship = ctx.store.get("relationship", str(column["relationshipUuid"]))
        assert relationship is not None
        mine, theirs = ("from", "to") if relationship["fromModelUuid"] == model["uuid"] else ("to", "from")
        other_table = record_table(relationship[f"{theirs}ModelUuid"])
        aggregation = column["aggregation"]
        function = str(aggregation["function"])
        measured = "*" if function == "COUNT" else f"o.{quote(str(aggregation['columnSlug']))}"
        ctx.store.db.execute(
            f"UPDATE {table} SET {slug} = (SELECT {function}({measured}) FROM {other_table} o "
            f"WHERE o.{quote(relationship[f'{theirs}ColumnSlug'])} = {table}.{quote(relationship[f'{mine}ColumnSlug'])})"
        )
    elif kind == "computed":
        _fill_computed(ctx, model, column)


def _fill_computed(ctx: Ctx, model: Mapping[str, Any], column: Mapping[str, Any]) -> None:
    from cargo_cli.sandbox import expr

    expression = column["expression"]
    source = str(expression["expression"])
    evaluate = expr.evaluate_js if expression.get("kind") == "jsExpression" else expr.evaluate_template
    records, _ = select_records(ctx, model, count=False)
    id_slug = str(model["idColumnSlug"])
    updates = []
    for record in records:
        try:  # the record's columns are the variables (and ``record``)
            value = evaluate(source, {**record, "record": record})
        except expr.ExprError:
            value = None
        try:
            value = coerce(str(column["slug"]), str(column["type"]), value)
        except ApiError:  # a value of the wrong type is null, as a failed expression
            value = None
        if value is not None and SQL_TYPES[str(column["type"])] == "JSON":
            value = json.dumps(value)
        updates.append([str(record[id_slug]), value])
    table, slug = record_table(str(model["uuid"])), quote(str(column["slug"]))
    for start in range(0, len(updates), 500):
        part = updates[start : start + 500]
        values = ", ".join("(?, ?)" for _ in part)
        ctx.store.db.execute(
            f"UPDATE {table} SET {slug} = v.value::{SQL_TYPES[str(column['type'])]} FROM (VALUES {values}) "
            f"AS v(id, value) WHERE {table}.{quote(id_slug)} = v.id",
            [x for row in part for x in row],
        )


# -- records ---------------------------------------------------------------------------
@router.route("POST", "/storage/records/list")
def list_records(ctx: Ctx) -> Any:
    model = model_or_404(ctx, ctx.arg("modelUuid"))
    limit = as_int(ctx.arg("limit"), "limit", 100) or 100
    offset = as_int(ctx.arg("offset"), "offset", 0) or 0
    records, _ = select_records(ctx, model, page=min(limit, MAX_PAGE), offset=offset, count=False,
                                sort=ctx.arg("sort"))  # fmt: skip
    return {"records": records, "isRefreshing": False}


@router.route("GET", "/storage/records/get")
def get_record(ctx: Ctx) -> Any:
    model = live_model(ctx, ctx.arg("modelUuid"), "storage.record.get")
    record_id = str(ctx.required("id"))
    records, _ = select_records(ctx, model, ids=[record_id], count=False)
    if not records:
        raise refuse("storage.record.get", "recordNotFound")
    return {"record": records[0], "isRefreshing": False}


def coerce(slug: str, kind: str, value: Any) -> Any:
    """A record value as its column's type, or 400 naming the column."""
    if value is None:
        return None
    if kind == "string" and isinstance(value, str):  # the common case first
        return value

    def wrong(hint: str = "") -> ApiError:
        shown = json.dumps(value, default=str)[:80]
        return bad_request(f"{slug} must be a {kind}, not {shown}{hint}", "invalidPayload")

    if kind == "string":
        if isinstance(value, (dict, list)):
            raise wrong()
        return value if isinstance(value, str) else json.dumps(value)
    if kind == "number":
        if isinstance(value, bool):
            raise wrong()
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise wrong() from None
        if not math.isfinite(number):
            raise wrong(" (a finite number)")
        return number
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        if value in ("true", "false"):
            return value == "true"
        raise wrong()
    if kind == "date":
        if isinstance(value, str):
            try:
                parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                raise wrong(" (an ISO 8601 date)") from None
            return parsed.astimezone(dt.UTC).replace(tzinfo=None) if parsed.tzinfo else parsed
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            try:  # epoch milliseconds
                return dt.datetime.fromtimestamp(value / 1000, dt.UTC).replace(tzinfo=None)
            except (OverflowError, OSError, ValueError):
                raise wrong(" (a date)") from None
        raise wrong()
    return value  # object, array, any, vector: JSON


def write_records(
    ctx: Ctx, model: Mapping[str, Any], items: Sequence[Any], *, merge: bool, must_exist: str | None = None
) -> list[dict[str, Any]]:
    """Create (``merge=False``: a record with an existing id replaces it) or
    update (``merge=True``: the given fields only) records; fields that are
    not columns of the model are dropped. ``must_exist``: the call whose
    ``recordNotFound`` answers an update of an unknown id (else it is skipped).
    Returns the records as stored."""
    types = model_columns(model)
    id_slug = str(model["idColumnSlug"])
    given: dict[str, dict[str, Any]] = {}
    for item in items:
        if not isinstance(item, Mapping):
            raise bad_request("each record must be a JSON object", "invalidPayload")
        data = {k: coerce(k, types[k], v) for k, v in item.items() if k in types}
        if data.get(id_slug) in (None, ""):
            if merge:
                raise bad_request(f"{id_slug} (the id column) is required", "invalidPayload")
            data[id_slug] = new_uuid()
        data[id_slug] = str(data[id_slug])
        given[data[id_slug]] = {**given.get(data[id_slug], {}), **data} if merge else data
    if not given:
        return []
    existing = {str(r[id_slug]): r for r in select_records(ctx, model, ids=list(given), count=False)[0]}
    if merge:
        missing = [i for i in given if i not in existing]
        if missing and must_exist:
            raise refuse(must_exist, "recordNotFound")
        given = {i: {**{k: coerce(k, types[k], v) for k, v in existing[i].items() if k in types}, **d}
                 for i, d in given.items() if i in existing}  # fmt: skip
    table = record_table(str(model["uuid"]))
    ctx.store.db.execute(f"DELETE FROM {table} WHERE {quote(id_slug)} IN (SELECT unnest(?))", [list(given)])
    ctx.store.insert_records(str(model["uuid"]), all_columns(model), list(given.values()))
    records_written(ctx, model)
    return select_records(ctx, model, ids=list(given), count=False)[0]


def records_written(ctx: Ctx, model: Mapping[str, Any]) -> None:
    """What depends on a model's records follows a write: the derived
    columns that read it, then the segments of the models they belong to."""
    touched = {str(model["uuid"])}
    for other in listed(ctx, "model"):
        for column in other.get("additionalColumns") or []:
            refs = {str(other["uuid"]), str((column.get("join") or {}).get("toModelUuid"))}
            if column.get("kind") == "metric":
                relationship = ctx.store.get("relationship", str(column.get("relationshipUuid"))) or {}
                refs |= {str(relationship.get("fromModelUuid")), str(relationship.get("toModelUuid"))}
            if column.get("kind") in ("lookup", "metric") and model["uuid"] in refs:
                fill_derived(ctx, other, column)
                touched.add(str(other["uuid"]))
    for uuid in touched:  # then the computed columns, which may read the others
        derived = ctx.store.get("model", uuid) or {}
        for column in derived.get("additionalColumns") or []:
            if column.get("kind") == "computed":
                fill_derived(ctx, derived, column)
    for uuid in touched:
        for hook in RECORD_WRITE_HOOKS:
            hook(ctx, uuid)


def _records_model(ctx: Ctx, call: str) -> dict[str, Any]:
    model = live_model(ctx, ctx.arg("modelUuid"), call)
    live_dataset(ctx, model["datasetUuid"], call)
    return model


@router.route("POST", "/storage/records/create")
def create_record(ctx: Ctx) -> Any:
    model = _records_model(ctx, "storage.record.create")
    data = ctx.required("data")
    return {"record": write_records(ctx, model, [data], merge=False)[0]}


@router.route("POST", "/storage/records/createBulk")
def create_records(ctx: Ctx) -> Any:
    model = _records_model(ctx, "storage.record.createBulk")
    items = [i.get("data", i) if isinstance(i, Mapping) else i for i in ctx.array("records")]
    return {"records": write_records(ctx, model, items, merge=False)}


@router.route("PUT", "/storage/records/update")
def update_record(ctx: Ctx) -> Any:
    call = "storage.record.update"
    model = _records_model(ctx, call)
    data = ctx.required("data")
    if not isinstance(data, Mapping):
        raise bad_request("data must be a JSON object", "invalidPayload")
    item = {**data, str(model["idColumnSlug"]): ctx.required("id")}
    return {"record": write_records(ctx, model, [item], merge=True, must_exist=call)[0]}


@router.route("PUT", "/storage/records/updateBulk")
def update_records(ctx: Ctx) -> Any:
    model = _records_model(ctx, "storage.record.updateBulk")
    id_slug = str(model["idColumnSlug"])
    items = []
    for item in ctx.array("records"):
        if isinstance(item, Mapping) and "data" in item:  # {id, data} like record update
            item = {**(item["data"] or {}), id_slug: item.get("id", (item["data"] or {}).get(id_slug))}
        items.append(item)
    return {"records": write_records(ctx, model, items, merge=True)}


def _remove(ctx: Ctx, model: Mapping[str, Any], ids: list[Any]) -> None:
    table = record_table(str(model["uuid"]))
    column = quote(str(model["idColumnSlug"]))
    ctx.store.db.execute(f"DELETE FROM {table} WHERE {column} IN (SELECT unnest(?))", [[str(i) for i in ids]])
    records_written(ctx, model)


@router.route("DELETE", "/storage/records/remove")
def remove_record(ctx: Ctx) -> Any:
    _remove(ctx, _records_model(ctx, "storage.record.remove"), [ctx.required("id")])


@router.route("DELETE", "/storage/records/removeBulk")
def remove_records(ctx: Ctx) -> Any:
    _remove(ctx, _records_model(ctx, "storage.record.removeBulk"), ctx.array("ids"))


# -- relationships -------------------------------------------------------------------------
RELATIONS = ("oneToOne", "oneToMany", "manyToOne")


def drop_relationship(ctx: Ctx, uuid: str) -> None:
    """A relationship is gone for good (the entity has no deletedAt)."""
    ctx.store.db.execute("DELETE FROM docs WHERE kind = 'relationship' AND uuid = ?", [uuid])


def relationship_view(relationship: Mapping[str, Any]) -> dict[str, Any]:
    return complete("storage.Relationship", relationship)


@router.route("GET", "/storage/relationships/list")
def list_relationships(ctx: Ctx) -> Any:
    model = ctx.arg("modelUuid")
    return {"relationships": [
        relationship_view(r) for r in listed(ctx, "relationship")
        if model in (None, "", r["fromModelUuid"], r["toModelUuid"])
    ]}  # fmt: skip


@router.route("GET", "/storage/relationships/{uuid}")
def get_relationship(ctx: Ctx) -> Any:
    found = ctx.store.get("relationship", ctx.params["uuid"], ctx.workspace_uuid)
    if found is None:
        raise refuse("storage.relationship.get", "relationshipNotFound")
    return {"relationship": relationship_view(found)}


@router.route("POST", "/storage/relationships")
def set_relationships(ctx: Ctx) -> Any:
    """Replaces the relationships that start from a model of the dataset."""
    call = "storage.relationship.set"
    dataset = live_dataset(ctx, ctx.required("datasetUuid"), call)
    wanted = []
    for item in ctx.array("relationships"):
        if not isinstance(item, Mapping) or item.get("relation") not in RELATIONS:
            raise refuse(call, "invalidRelationships")
        ends = {}
        for side in ("from", "to"):
            model = ctx.store.get("model", str(item.get(f"{side}ModelUuid")), ctx.workspace_uuid)
            if model is None or model.get("deletedAt"):
                raise refuse(call, "invalidRelationships")
            if item.get(f"{side}ColumnSlug") not in model_columns(model):
                raise refuse(call, "invalidRelationships")
            ends[side] = model
        if ends["from"]["datasetUuid"] != dataset["uuid"]:
            raise refuse(call, "modelNotCompatible")
        wanted.append({
            "uuid": new_uuid(), "workspaceUuid": ctx.workspace_uuid,
            **{f"{side}{key}": ends[side][field] for side in ("from", "to")
               for key, field in (("DatasetUuid", "datasetUuid"), ("ModelUuid", "uuid"))},
            **{key: item.get(key) for key in ("fromColumnSlug", "toColumnSlug", "fromPropertySlug",
                                             "toPropertySlug", "fromSelectedColumnSlugs", "toSelectedColumnSlugs")},
            "relation": item["relation"],
        })  # fmt: skip

    def key(r: Mapping[str, Any]) -> tuple[Any, ...]:
        return r["fromModelUuid"], r["fromColumnSlug"], r["toModelUuid"], r["toColumnSlug"]

    previous = {
        key(r): r["uuid"] for r in listed(ctx, "relationship") if r["fromDatasetUuid"] == dataset["uuid"]
    }
    for uuid in previous.values():
        drop_relationship(ctx, uuid)
    for relationship in wanted:  # an unchanged relationship keeps its uuid (metric columns use it)
        relationship["uuid"] = previous.get(key(relationship), relationship["uuid"])
    return {"relationships": [relationship_view(ctx.store.put("relationship", r)) for r in wanted]}


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
