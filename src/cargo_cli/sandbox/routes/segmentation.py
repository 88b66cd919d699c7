"""segmentation: segments (saved filters), inline filter fetches, record fetches."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from starlette.responses import Response

from cargo_cli.sandbox import paging
from cargo_cli.sandbox.entities import complete
from cargo_cli.sandbox.filters import order_by
from cargo_cli.sandbox.http import ApiError, Ctx, Router, as_int, bad_request
from cargo_cli.sandbox.reasons import refuse
from cargo_cli.sandbox.route_helpers import body_dict, create, entity, listed, remove, update
from cargo_cli.sandbox.routes.storage import (
    MAX_PAGE,
    RECORD_WRITE_HOOKS,
    compile_filter,
    csv_blob,
    model_columns,
    model_or_404,
    segmentation_columns,
    select_records,
)
from cargo_cli.sandbox.store import iso, new_uuid, quote, record_table

router = Router()
DEFAULT_FETCHING_LIMIT = 100


def _with_count(ctx: Ctx, segment: dict[str, Any]) -> dict[str, Any]:
    model = entity(ctx, "model", segment["modelUuid"])
    _, count = select_records(ctx, model, filter_=segment.get("filter"), sort=segment.get("sort"),
                              cap=segment.get("limit"), page=0)  # fmt: skip
    return complete("segmentation.Segment", {**segment, "recordsCount": count})


def _live_segment(ctx: Ctx, call: str) -> dict[str, Any]:
    found = ctx.store.get("segment", ctx.params["uuid"], ctx.workspace_uuid)
    if found is None:
        raise refuse(call, "segmentNotFound")
    if found.get("deletedAt"):
        raise refuse(call, "segmentAlreadyRemoved" if call.endswith("remove") else "segmentNotFound")
    return found


def _checked_filter(ctx: Ctx, model: Mapping[str, Any], filter_: Any, call: str) -> None:
    """The platform's ``Invalid filter.``; the sandbox's reason why is in ``cause``."""
    if not isinstance(filter_, Mapping):
        raise refuse(call, "invalidFilter", cause="filter must be an object {conjonction, groups}")
    try:
        compile_filter(ctx, model, filter_)
    except ApiError as exc:
        if exc.reason != "invalidFilter" and exc.status != 400:
            raise
        raise refuse(call, "invalidFilter", cause=exc.message) from None


@router.route("GET", "/segmentation/segments/list")
def list_segments(ctx: Ctx) -> Any:
    return {"segments": [_with_count(ctx, s) for s in listed(ctx, "segment")]}


@router.route("GET", "/segmentation/segments/{uuid}")
def get_segment(ctx: Ctx) -> Any:
    return {"segment": _with_count(ctx, _live_segment(ctx, "segmentation.segment.get"))}


@router.route("POST", "/segmentation/segments")
def create_segment(ctx: Ctx) -> Any:
    call = "segmentation.segment.create"
    body = body_dict(ctx, "name")
    model = model_or_404(ctx, body.get("modelUuid"))
    _checked_filter(ctx, model, body.get("filter"), call)  # refuse a bad filter now
    base = "".join(ch if ch.isalnum() else "-" for ch in str(body["name"]).lower()).strip("-") or "segment"
    taken = {s["slug"] for s in listed(ctx, "segment")}
    slug = str(body.get("slug") or base)
    index = 1
    while slug in taken:
        index += 1
        slug = f"{base}-{index}"
    segment = create(ctx, "segment", {
        "modelUuid": model["uuid"], "slug": slug, "name": body["name"], "filter": body.get("filter"),
        "sort": body.get("sort"), "limit": body.get("limit"), "recordsCount": 0, "fromPlay": False,
        "trackingColumnSlugs": body.get("trackingColumnSlugs"), "columnSlugs": body.get("columnSlugs"),
        "syncedAt": ctx.store.now_iso(), "lastChange": None,
    })  # fmt: skip
    return {"segment": _with_count(ctx, track(ctx, segment, force=True))}


@router.route("PUT", "/segmentation/segments/{uuid}")
def update_segment(ctx: Ctx) -> Any:
    call = "segmentation.segment.update"
    segment = _live_segment(ctx, call)
    if segment.get("fromPlay"):
        raise refuse(call, "segmentLinkedToWorkflow")
    if "filter" in body_dict(ctx):
        _checked_filter(ctx, entity(ctx, "model", segment["modelUuid"]), ctx.body["filter"], call)
    fields = ("name", "filter", "sort", "limit", "trackingColumnSlugs", "columnSlugs")
    segment = update(ctx, "segment", segment, fields)
    return {"segment": _with_count(ctx, track(ctx, segment, force=True))}


@router.route("DELETE", "/segmentation/segments/{uuid}")
def remove_segment(ctx: Ctx) -> Any:
    call = "segmentation.segment.remove"
    segment = _live_segment(ctx, call)
    if segment.get("fromPlay") or any(p.get("segmentUuid") == segment["uuid"] for p in listed(ctx, "play")):
        raise refuse(call, "segmentLinkedToWorkflow")
    remove(ctx, "segment", segment)
    ctx.store.db.execute("DELETE FROM segment_members WHERE segmentUuid = ?", [segment["uuid"]])


# -- changes: each sync of a segment diffs its membership with the last one ------------------
def _digest_sql(model: Mapping[str, Any], tracked: Any) -> str:
    """The SQL of a record's digest: its tracked columns, or the whole record."""
    columns = model_columns(model)
    slugs = [s for s in tracked if s in columns] if isinstance(tracked, list) and tracked else []
    if not slugs:
        return "md5(CAST(to_json(t) AS VARCHAR))"
    pairs = ", ".join(f"'{slug}', t.{quote(slug)}" for slug in slugs)
    return f"md5(CAST(json_object({pairs}) AS VARCHAR))"


def track(ctx: Ctx, segment: dict[str, Any], *, force: bool = False) -> dict[str, Any]:
    """Sync ``segment``: record a change (added, updated, removed, unchanged
    records) when its membership or tracked columns moved, or always when
    ``force`` (the segment was created or updated). Returns the segment.
    The diff runs in SQL (a segment may hold the whole model)."""
    model = entity(ctx, "model", segment["modelUuid"])
    id_slug = str(model.get("idColumnSlug", "id"))
    where, params = compile_filter(ctx, model, segment.get("filter"))
    order = order_by(segment.get("sort"), model_columns(model), id_slug)
    cap = segment.get("limit")
    limit = "" if cap is None else f"LIMIT {max(0, int(cap))}"
    db = ctx.store.db
    db.execute(
        f"CREATE OR REPLACE TEMP TABLE seg_now AS SELECT CAST(t.{quote(id_slug)} AS VARCHAR) AS recordId, "
        f"{_digest_sql(model, segment.get('trackingColumnSlugs'))} AS digest, to_json(t) AS data, "
        f"row_number() OVER (ORDER BY {order}) AS pos "
        f"FROM (SELECT * FROM {record_table(str(model['uuid']))} WHERE {where} ORDER BY {order} {limit}) t",
        params,
    )
    db.execute(
        "CREATE OR REPLACE TEMP TABLE seg_diff AS SELECT coalesce(n.recordId, b.recordId) AS recordId, "
        "CASE WHEN b.recordId IS NULL THEN 'added' WHEN n.recordId IS NULL THEN 'removed' "
        "WHEN n.digest <> b.digest THEN 'updated' ELSE 'unchanged' END AS kind, "
        "coalesce(n.data, b.data) AS data, n.pos AS pos "  # a removed record: as it was last seen
        "FROM seg_now n FULL OUTER JOIN (SELECT * FROM segment_members WHERE segmentUuid = ?) b "
        "ON n.recordId = b.recordId",
        [segment["uuid"]],
    )
    counts = {"added": 0, "updated": 0, "removed": 0, "unchanged": 0}
    counts.update(dict(db.execute("SELECT kind, count(*) FROM seg_diff GROUP BY kind").fetchall()))
    try:
        if not force and counts["added"] + counts["updated"] + counts["removed"] == 0:
            return segment
        previous = [
            c for c in ctx.store.all("change", ctx.workspace_uuid) if c["segmentUuid"] == segment["uuid"]
        ]
        change = ctx.store.put("change", {
            "uuid": new_uuid(), "workspaceUuid": ctx.workspace_uuid, "segmentUuid": segment["uuid"],
            "slug": f"{segment['slug']}-{len(previous) + 1}",
            "totalRecordsCount": counts["added"] + counts["updated"] + counts["unchanged"],
            "updatedRecordsCount": counts["updated"], "removedRecordsCount": counts["removed"],
            "addedRecordsCount": counts["added"], "unchangedRecordsCount": counts["unchanged"],
            "createdAt": ctx.store.now_iso(),
        })  # fmt: skip
        db.execute(
            "INSERT INTO change_records SELECT ?, row_number() OVER (ORDER BY pos NULLS LAST, recordId), "
            "recordId, kind, data FROM seg_diff",
            [change["uuid"]],
        )
        db.execute("DELETE FROM segment_members WHERE segmentUuid = ?", [segment["uuid"]])
        db.execute(
            "INSERT INTO segment_members SELECT ?, recordId, digest, data FROM seg_now", [segment["uuid"]]
        )
    finally:
        db.execute("DROP TABLE IF EXISTS seg_now")
        db.execute("DROP TABLE IF EXISTS seg_diff")
    last = {k: v for k, v in change.items() if k not in ("workspaceUuid", "segmentUuid")}
    return ctx.store.put("segment", {**segment, "lastChange": last, "syncedAt": change["createdAt"]})


def track_model(ctx: Ctx, model_uuid: str) -> None:
    """Sync every segment of a model after its records were written."""
    for segment in listed(ctx, "segment"):
        if segment.get("modelUuid") == model_uuid:
            track(ctx, segment)


RECORD_WRITE_HOOKS.append(track_model)


def _change(ctx: Ctx, call: str | None) -> dict[str, Any]:
    found = ctx.store.get("change", ctx.params["uuid"], ctx.workspace_uuid)
    if found is None:
        if call is None:
            raise ApiError(404, "Change not found.", "changeNotFound")
        raise refuse(call, "changeNotFound")
    return complete("segmentation.Change", found)


def _change_records(ctx: Ctx, change: Mapping[str, Any], model: Mapping[str, Any], kinds: Any,
                    limit: int | None = None, offset: int = 0) -> tuple[list[dict[str, Any]], int]:  # fmt: skip
    if isinstance(kinds, str):
        kinds = [kinds]
    if (
        not isinstance(kinds, list)
        or not kinds
        or not set(kinds) <= {"added", "updated", "removed", "unchanged"}
    ):
        raise bad_request(
            "kinds must be a non-empty array of added, updated, removed, unchanged", "invalidPayload"
        )
    where = "changeUuid = ? AND kind IN (SELECT unnest(?))"
    params = [change["uuid"], kinds]
    count = int(ctx.store.scalar(f"SELECT count(*) FROM change_records WHERE {where}", params) or 0)
    window = f" LIMIT {int(limit)}" if limit is not None else ""
    rows = ctx.store.db.execute(
        f"SELECT data FROM change_records WHERE {where} ORDER BY position{window} OFFSET {int(offset)}",
        params,
    ).fetchall()
    types = model_columns(model)
    return [_as_answered(json.loads(data), types) for (data,) in rows], count


def _as_answered(record: dict[str, Any], types: Mapping[str, str]) -> dict[str, Any]:
    """A record kept as JSON by DuckDB, written as the API writes records (dates in ISO 8601)."""
    for slug, kind in types.items():
        value = record.get(slug)
        if kind == "date" and isinstance(value, str):
            record[slug] = iso(dt.datetime.fromisoformat(value))
    return record


@router.route("GET", "/segmentation/changes/list")
def list_changes(ctx: Ctx) -> Any:
    segment = entity(ctx, "segment", str(ctx.required("segmentUuid")))
    changes = [c for c in ctx.store.all("change", ctx.workspace_uuid) if c["segmentUuid"] == segment["uuid"]]
    changes.reverse()  # newest first
    if ctx.arg("notEmpty") in (True, "true"):
        changes = [
            c for c in changes if c["addedRecordsCount"] + c["updatedRecordsCount"] + c["removedRecordsCount"]
        ]
    if ctx.arg("hasRecords") in (True, "true"):
        changes = [c for c in changes if c["totalRecordsCount"] or c["removedRecordsCount"]]
    offset = as_int(ctx.arg("offset"), "offset", 0) or 0
    limit = as_int(ctx.arg("limit"), "limit")
    changes = changes[offset : None if limit is None else offset + limit]
    return {"changes": [complete("segmentation.Change", c) for c in changes]}


@router.route("GET", "/segmentation/changes/{uuid}")
def get_change(ctx: Ctx) -> Any:
    return {"change": _change(ctx, None)}


@router.route("POST", "/segmentation/changes/{uuid}/fetch")
def fetch_change(ctx: Ctx) -> Any:
    change, model = _change_of(ctx, "segmentation.change.fetch")
    limit = as_int(ctx.arg("limit"), "limit", DEFAULT_FETCHING_LIMIT)
    offset = as_int(ctx.arg("offset"), "offset", 0) or 0
    records, count = _change_records(ctx, change, model, ctx.arg("kinds"), min(limit or 0, MAX_PAGE), offset)
    return {"records": records, "count": count, "columns": segmentation_columns(model)}


@router.route("POST", "/segmentation/changes/{uuid}/download")
def download_change(ctx: Ctx) -> Any:
    change, model = _change_of(ctx, "segmentation.change.download")
    kinds = ctx.arg("kinds") or ["added", "updated", "removed", "unchanged"]
    records, _ = _change_records(ctx, change, model, kinds)
    return {"urls": [csv_blob(ctx, f"change-{change['uuid']}-{new_uuid()}.csv", records)]}


def _change_of(ctx: Ctx, call: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """A change and the model of its segment (``segmentNotFound`` once the segment is gone)."""
    change = _change(ctx, call)
    segment = ctx.store.get("segment", change["segmentUuid"], ctx.workspace_uuid)
    model = ctx.store.get("model", segment["modelUuid"], ctx.workspace_uuid) if segment else None
    if segment is None or model is None:
        raise refuse(call, "segmentNotFound")
    return change, model


@router.route("POST", "/segmentation/segments/fetch")
def fetch_segment(ctx: Ctx) -> Any:
    model = model_or_404(ctx, ctx.arg("modelUuid"))
    page = as_int(ctx.arg("fetchingLimit"), "fetchingLimit", DEFAULT_FETCHING_LIMIT) or 0
    if page < 0 or page > MAX_PAGE:
        raise bad_request(f"fetchingLimit must be between 0 and {MAX_PAGE}", "invalidFetchingLimit")
    offset = as_int(ctx.arg("fetchingOffset"), "fetchingOffset", 0) or 0
    # Keyset pages, rendered by DuckDB (sandbox/paging.py): --all stays linear.
    found = paging.fetch_page(
        ctx.store, record_table(str(model["uuid"])), model_columns(model), str(model.get("idColumnSlug", "id")),
        compile_filter(ctx, model, ctx.arg("filter")), sort=ctx.arg("sort"),
        cap=as_int(ctx.arg("limit"), "limit"), offset=max(0, offset), page=page,
    )  # fmt: skip
    rest = json.dumps({"count": found.count, "columns": segmentation_columns(model), "isRefreshing": False})
    return Response('{"records":' + found.records_json + "," + rest[1:], media_type="application/json")


@router.route("POST", "/segmentation/segments/download")
def download_segment(ctx: Ctx) -> Any:
    model = model_or_404(ctx, ctx.arg("modelUuid"))
    records, _ = select_records(ctx, model, filter_=ctx.arg("filter"), sort=ctx.arg("sort"),
                                cap=as_int(ctx.arg("limit"), "limit"), count=False)  # fmt: skip
    return {"urls": [csv_blob(ctx, f"segment-{new_uuid()}.csv", records)]}


@router.route("POST", "/segmentation/records/fetch")
def fetch_records(ctx: Ctx) -> Any:
    model = model_or_404(ctx, ctx.arg("modelUuid"))
    ids = ctx.array("ids")
    records, _ = select_records(ctx, model, ids=[str(i) for i in ids], count=False)
    return {"records": records}
