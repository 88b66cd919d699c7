"""segmentation: segments (saved filters), inline filter fetches, record fetches."""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

from cargo_cli.sandbox import paging
from cargo_cli.sandbox.http import Ctx, Router, as_int, bad_request
from cargo_cli.sandbox.route_helpers import body_dict, create, entity, listed, remove, update
from cargo_cli.sandbox.routes.storage import (
    MAX_PAGE,
    compile_filter,
    csv_blob,
    model_columns,
    model_or_404,
    segmentation_columns,
    select_records,
)
from cargo_cli.sandbox.store import new_uuid, record_table

router = Router()
DEFAULT_FETCHING_LIMIT = 100


def _with_count(ctx: Ctx, segment: dict[str, Any]) -> dict[str, Any]:
    model = entity(ctx, "model", segment["modelUuid"])
    _, count = select_records(ctx, model, filter_=segment.get("filter"), sort=segment.get("sort"),
                              cap=segment.get("limit"), page=0)  # fmt: skip
    return {**segment, "recordsCount": count}


@router.route("GET", "/segmentation/segments/list")
def list_segments(ctx: Ctx) -> Any:
    return {"segments": [_with_count(ctx, s) for s in listed(ctx, "segment")]}


@router.route("GET", "/segmentation/segments/{uuid}")
def get_segment(ctx: Ctx) -> Any:
    return {"segment": _with_count(ctx, entity(ctx, "segment"))}


@router.route("POST", "/segmentation/segments")
def create_segment(ctx: Ctx) -> Any:
    body = body_dict(ctx, "name")
    model = model_or_404(ctx, body.get("modelUuid"))
    compile_filter(ctx, model, body.get("filter"))  # refuse a bad filter now
    slug = str(body.get("slug") or str(body["name"]).lower().replace(" ", "-"))
    segment = create(ctx, "segment", {
        "modelUuid": model["uuid"], "slug": slug, "name": body["name"], "filter": body.get("filter"),
        "sort": body.get("sort"), "limit": body.get("limit"), "recordsCount": 0, "fromPlay": False,
        "trackingColumnSlugs": body.get("trackingColumnSlugs"), "columnSlugs": body.get("columnSlugs"),
        "syncedAt": ctx.store.now_iso(), "lastChange": None,
    })  # fmt: skip
    return {"segment": _with_count(ctx, segment)}


@router.route("PUT", "/segmentation/segments/{uuid}")
def update_segment(ctx: Ctx) -> Any:
    segment = entity(ctx, "segment")
    if "filter" in body_dict(ctx):
        compile_filter(ctx, entity(ctx, "model", segment["modelUuid"]), ctx.body["filter"])
    return {"segment": _with_count(ctx, update(ctx, "segment", segment, ("name", "filter", "sort", "limit")))}


@router.route("DELETE", "/segmentation/segments/{uuid}")
def remove_segment(ctx: Ctx) -> Any:
    segment = entity(ctx, "segment")
    if any(p.get("segmentUuid") == segment["uuid"] for p in listed(ctx, "play")):
        raise bad_request("The segment is used by a play", "segmentLinkedToPlay")
    remove(ctx, "segment", segment)


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


@router.route("GET", "/segmentation/changes/list")
def list_changes(ctx: Ctx) -> Any:
    entity(ctx, "segment", str(ctx.required("segmentUuid")))
    return {"changes": []}
