"""segmentation: segments (saved filters), inline filter fetches, record fetches."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from cargo_cli.sandbox.entities import complete
from cargo_cli.sandbox.http import ApiError, Ctx, Router, as_int, bad_request
from cargo_cli.sandbox.reasons import refuse
from cargo_cli.sandbox.routes.common import body_dict, create, entity, listed, remove, update
from cargo_cli.sandbox.routes.storage import (
    MAX_PAGE,
    compile_filter,
    csv_blob,
    model_or_404,
    segmentation_columns,
    select_records,
)
from cargo_cli.sandbox.store import new_uuid

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
def _digest(record: Mapping[str, Any], tracked: Any) -> str:
    shown = {k: record.get(k) for k in tracked} if isinstance(tracked, list) and tracked else record
    return hashlib.sha1(json.dumps(shown, sort_keys=True, default=str).encode()).hexdigest()


def track(ctx: Ctx, segment: dict[str, Any], *, force: bool = False) -> dict[str, Any]:
    """Sync ``segment``: record a change (added, updated, removed, unchanged
    records) when its membership or tracked columns moved, or always when
    ``force`` (the segment was created or updated). Returns the segment."""
    model = entity(ctx, "model", segment["modelUuid"])
    id_slug = str(model.get("idColumnSlug", "id"))
    records, _ = select_records(ctx, model, filter_=segment.get("filter"), sort=segment.get("sort"),
                                cap=segment.get("limit"), count=False)  # fmt: skip
    now = {str(r[id_slug]): (r, _digest(r, segment.get("trackingColumnSlugs"))) for r in records}
    before = {
        str(i): (d, data)
        for i, d, data in ctx.store.db.execute(
            "SELECT recordId, digest, data FROM segment_members WHERE segmentUuid = ?", [segment["uuid"]]
        ).fetchall()
    }
    kinds: list[tuple[str, str, Any]] = []
    for record_id, (record, digest) in now.items():
        old = before.get(record_id)
        kind = "added" if old is None else "updated" if old[0] != digest else "unchanged"
        kinds.append((record_id, kind, record))
    # A removed record is shown as it was last seen in the segment.
    kinds += [(i, "removed", json.loads(data)) for i, (_, data) in before.items() if i not in now]
    counts = {
        k: sum(1 for _, kind, _ in kinds if kind == k) for k in ("added", "updated", "removed", "unchanged")
    }
    if not force and counts["unchanged"] == len(kinds):
        return segment
    previous = [c for c in ctx.store.all("change", ctx.workspace_uuid) if c["segmentUuid"] == segment["uuid"]]
    change = ctx.store.put("change", {
        "uuid": new_uuid(), "workspaceUuid": ctx.workspace_uuid, "segmentUuid": segment["uuid"],
        "slug": f"{segment['slug']}-{len(previous) + 1}", "totalRecordsCount": len(now),
        "updatedRecordsCount": counts["updated"], "removedRecordsCount": counts["removed"],
        "addedRecordsCount": counts["added"], "unchangedRecordsCount": counts["unchanged"],
        "createdAt": ctx.store.now_iso(),
    })  # fmt: skip
    rows = [[change["uuid"], n, i, kind, json.dumps(r, default=str)] for n, (i, kind, r) in enumerate(kinds)]
    ctx.store.insert_many("change_records", rows)
    ctx.store.db.execute("DELETE FROM segment_members WHERE segmentUuid = ?", [segment["uuid"]])
    members = [[segment["uuid"], i, d, json.dumps(r, default=str)] for i, (r, d) in now.items()]
    ctx.store.insert_many("segment_members", members)
    last = {k: v for k, v in change.items() if k not in ("workspaceUuid", "segmentUuid")}
    return ctx.store.put("segment", {**segment, "lastChange": last, "syncedAt": change["createdAt"]})


def track_model(ctx: Ctx, model_uuid: str) -> None:
    """Sync every segment of a model after its records were written."""
    for segment in listed(ctx, "segment"):
        if segment.get("modelUuid") == model_uuid:
            track(ctx, segment)


def _change(ctx: Ctx, call: str | None) -> dict[str, Any]:
    found = ctx.store.get("change", ctx.params["uuid"], ctx.workspace_uuid)
    if found is None:
        if call is None:
            raise ApiError(404, "Change not found.", "changeNotFound")
        raise refuse(call, "changeNotFound")
    return complete("segmentation.Change", found)


def _change_records(ctx: Ctx, change: Mapping[str, Any], kinds: Any, limit: int | None = None,
                    offset: int = 0) -> tuple[list[dict[str, Any]], int]:  # fmt: skip
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
        f"SELECT kind, data FROM change_records WHERE {where} ORDER BY position{window} OFFSET {int(offset)}",
        params,
    ).fetchall()
    return [{**json.loads(data), "_kind": kind} for kind, data in rows], count


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
    change = _change(ctx, "segmentation.change.fetch")
    segment = ctx.store.get("segment", change["segmentUuid"], ctx.workspace_uuid)
    if segment is None:
        raise refuse("segmentation.change.fetch", "segmentNotFound")
    limit = as_int(ctx.arg("limit"), "limit", DEFAULT_FETCHING_LIMIT)
    offset = as_int(ctx.arg("offset"), "offset", 0) or 0
    records, count = _change_records(ctx, change, ctx.arg("kinds"), min(limit or 0, MAX_PAGE), offset)
    model = entity(ctx, "model", segment["modelUuid"])
    return {"records": records, "count": count, "columns": segmentation_columns(model)}


@router.route("POST", "/segmentation/changes/{uuid}/download")
def download_change(ctx: Ctx) -> Any:
    change = _change(ctx, "segmentation.change.download")
    if ctx.store.get("segment", change["segmentUuid"], ctx.workspace_uuid) is None:
        raise refuse("segmentation.change.download", "segmentNotFound")
    records, _ = _change_records(
        ctx, change, ctx.arg("kinds") or ["added", "updated", "removed", "unchanged"]
    )
    return {"urls": [csv_blob(ctx, f"change-{change['uuid']}-{new_uuid()}.csv", records)]}


@router.route("POST", "/segmentation/segments/fetch")
def fetch_segment(ctx: Ctx) -> Any:
    model = model_or_404(ctx, ctx.arg("modelUuid"))
    page = as_int(ctx.arg("fetchingLimit"), "fetchingLimit", DEFAULT_FETCHING_LIMIT) or 0
    if page < 0 or page > MAX_PAGE:
        raise bad_request(f"fetchingLimit must be between 0 and {MAX_PAGE}", "invalidFetchingLimit")
    offset = as_int(ctx.arg("fetchingOffset"), "fetchingOffset", 0) or 0
    records, count = select_records(
        ctx, model, filter_=ctx.arg("filter"), sort=ctx.arg("sort"),
        cap=as_int(ctx.arg("limit"), "limit"), offset=offset, page=page,
    )  # fmt: skip
    return {"records": records, "count": count, "columns": segmentation_columns(model), "isRefreshing": False}


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
