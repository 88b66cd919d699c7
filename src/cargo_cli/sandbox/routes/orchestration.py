"""orchestration: tools, plays, workflows, releases, runs, batches, records,
actions and ClickHouse SQL over runs/batches/spans/records."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from typing import Any

from cargo_cli.sandbox import engine, sqlquery
from cargo_cli.sandbox.entities import complete
from cargo_cli.sandbox.filters import not_emulated
from cargo_cli.sandbox.http import ApiError, Ctx, Router, as_int, bad_request, jsonable, not_found
from cargo_cli.sandbox.reasons import refuse
from cargo_cli.sandbox.route_helpers import (
    Where,
    body_dict,
    create,
    entity,
    listed,
    page,
    remove,
    run_filter,
    update,
)
from cargo_cli.sandbox.routes.storage import compile_filter, csv_blob, json_blob, model_or_404, select_records
from cargo_cli.sandbox.routes.workspace import read_csv_blob
from cargo_cli.sandbox.store import new_uuid

router = Router()


# -- tools, plays, workflows, releases ------------------------------------------------
def _tool(ctx: Ctx, call: str) -> dict[str, Any]:
    found = ctx.store.get("tool", ctx.params["uuid"], ctx.workspace_uuid)
    if found is None or found.get("deletedAt"):
        raise refuse(call, "toolNotFound")
    return found


def _play(ctx: Ctx, call: str) -> dict[str, Any]:
    found = ctx.store.get("play", ctx.params["uuid"], ctx.workspace_uuid)
    if found is None or found.get("deletedAt"):
        raise refuse(call, "playNotFound")
    return found


def _folder(ctx: Ctx, body: Mapping[str, Any], call: str) -> None:
    uuid = body.get("folderUuid")
    if uuid is not None:
        folder = ctx.store.get("folder", str(uuid), ctx.workspace_uuid)
        if folder is None or folder.get("deletedAt"):
            raise refuse(call, "folderNotFound")


def _play_filter(ctx: Ctx, model: Mapping[str, Any], filter_: Any, call: str) -> None:
    try:
        compile_filter(ctx, model, filter_)
    except ApiError as exc:
        if exc.status != 400:
            raise
        raise refuse(call, "invalidFilter", cause=exc.message) from None


@router.route("GET", "/orchestration/tools/list")
def list_tools(ctx: Ctx) -> Any:
    return {"tools": [complete("orchestration.Tool", t) for t in listed(ctx, "tool")]}


@router.route("GET", "/orchestration/tools/{uuid}")
def get_tool(ctx: Ctx) -> Any:
    return {"tool": complete("orchestration.Tool", _tool(ctx, "orchestration.tool.get"))}


@router.route("GET", "/orchestration/plays/list")
def list_plays(ctx: Ctx) -> Any:
    plays = listed(ctx, "play")
    for key in ("modelUuid", "segmentUuid"):
        if ctx.arg(key):
            plays = [p for p in plays if p.get(key) == ctx.arg(key)]
    if ctx.arg("isEnabled") is not None:
        plays = [p for p in plays if p.get("isEnabled") == (ctx.arg("isEnabled") in (True, "true"))]
    if ctx.arg("scheduleType"):
        plays = [p for p in plays if (p.get("schedule") or {}).get("type") == ctx.arg("scheduleType")]
    return {"plays": [complete("orchestration.Play", p) for p in plays]}


@router.route("GET", "/orchestration/plays/{uuid}")
def get_play(ctx: Ctx) -> Any:
    return {"play": complete("orchestration.Play", _play(ctx, "orchestration.play.get"))}


@router.route("POST", "/orchestration/tools")
def create_tool(ctx: Ctx) -> Any:
    body = body_dict(ctx)
    workflow = create(ctx, "workflow", {"nodes": [], "playUuid": None, "folderUuid": body.get("folderUuid"),
                                        "template": None, "lastBatch": None})  # fmt: skip
    tool = create(ctx, "tool", {
        "icon": body.get("icon") or {"kind": "emoji", "emojiSlug": "wrench"}, "workflowUuid": workflow["uuid"],
        "name": body.get("name") or "Untitled tool", "folderUuid": body.get("folderUuid"),
        "creditsCost": {"kind": "sum"}, "description": body.get("description"), "isReadOnly": False,
        "triggers": body.get("triggers") or [], "publicForm": None,
    })  # fmt: skip
    ctx.store.put("workflow", {**workflow, "toolUuid": tool["uuid"]})
    return {"tool": complete("orchestration.Tool", tool)}


@router.route("PUT", "/orchestration/tools/{uuid}")
def update_tool(ctx: Ctx) -> Any:
    call = "orchestration.tool.update"
    tool = _tool(ctx, call)
    if tool.get("isReadOnly"):
        raise refuse(call, "toolIsReadOnly")
    _folder(ctx, body_dict(ctx), call)
    fields = ("name", "icon", "description", "triggers", "publicForm", "folderUuid", "template")
    return {"tool": complete("orchestration.Tool", update(ctx, "tool", tool, fields))}


@router.route("DELETE", "/orchestration/tools/{uuid}")
def remove_tool(ctx: Ctx) -> Any:
    call = "orchestration.tool.remove"
    tool = _tool(ctx, call)
    if tool.get("isReadOnly"):
        raise refuse(call, "toolIsReadOnly")
    remove(ctx, "tool", tool)
    workflow = ctx.store.get("workflow", tool["workflowUuid"], ctx.workspace_uuid)
    if workflow is not None:
        remove(ctx, "workflow", workflow)


@router.route("POST", "/orchestration/plays")
def create_play(ctx: Ctx) -> Any:
    call = "orchestration.play.create"
    body = body_dict(ctx, "name")
    uuid = body.get("modelUuid")
    model = ctx.store.get("model", str(uuid), ctx.workspace_uuid) if uuid else None
    if model is None or model.get("deletedAt"):
        raise refuse(call, "modelNotFound")
    _play_filter(ctx, model, body.get("filter"), call)
    _folder(ctx, body, call)
    segment = create(ctx, "segment", {
        "modelUuid": model["uuid"], "slug": f"play-{new_uuid()[:8]}", "name": body["name"],
        "filter": body.get("filter") or {"conjonction": "and", "groups": []}, "sort": body.get("sort"),
        "limit": body.get("limit"), "recordsCount": 0, "fromPlay": True,
        "trackingColumnSlugs": body.get("trackingColumnSlugs"), "columnSlugs": None, "syncedAt": None,
        "lastChange": None,
    })  # fmt: skip
    workflow = create(ctx, "workflow", {"nodes": [], "toolUuid": None, "folderUuid": body.get("folderUuid"),
                                        "template": None, "lastBatch": None})  # fmt: skip
    play = create(ctx, "play", {
        "workflowUuid": workflow["uuid"], "modelUuid": model["uuid"], "segmentUuid": segment["uuid"],
        "changeKinds": body.get("changeKinds") or ["added"], "runCreationRule": body.get("runCreationRule", "once"),
        "name": body["name"], "description": body.get("description"), "schedule": body.get("schedule"),
        "isEnabled": False, "healthThreshold": 0.5, "healthAlertActions": [], "folderUuid": body.get("folderUuid"),
    })  # fmt: skip
    ctx.store.put("workflow", {**workflow, "playUuid": play["uuid"]})
    return {"play": complete("orchestration.Play", play)}


@router.route("PUT", "/orchestration/plays/{uuid}")
def update_play(ctx: Ctx) -> Any:
    call = "orchestration.play.update"
    play = _play(ctx, call)
    body = body_dict(ctx)
    _folder(ctx, body, call)
    if body.get("isEnabled") is True and _deployed(ctx, play["workflowUuid"]) is None:
        raise refuse(call, "playNotDeployed")
    segment_fields: dict[str, Any] = {
        k: body[k] for k in ("filter", "sort", "limit", "trackingColumnSlugs") if k in body
    }
    if segment_fields:
        segment = ctx.store.get("segment", play["segmentUuid"], ctx.workspace_uuid)
        if segment is None:
            raise refuse(call, "segmentNotFound")
        model = ctx.store.get("model", play["modelUuid"], ctx.workspace_uuid)
        if model is None or model.get("deletedAt"):
            raise refuse(call, "modelNotFound")
        if "filter" in segment_fields:
            _play_filter(ctx, model, segment_fields["filter"], call)
        ctx.store.put("segment", {**segment, **segment_fields, "updatedAt": ctx.store.now_iso()})
    fields = ("description", "isEnabled", "name", "changeKinds", "runCreationRule", "schedule", "folderUuid",
              "healthThreshold", "healthAlertActions")  # fmt: skip
    return {"play": complete("orchestration.Play", update(ctx, "play", play, fields))}


@router.route("DELETE", "/orchestration/plays/{uuid}")
def remove_play(ctx: Ctx) -> Any:
    play = _play(ctx, "orchestration.play.remove")
    remove(ctx, "play", play)
    for kind, uuid in (("segment", play["segmentUuid"]), ("workflow", play["workflowUuid"])):
        linked = ctx.store.get(kind, uuid, ctx.workspace_uuid)
        if linked is not None and not linked.get("deletedAt"):
            remove(ctx, kind, linked)


@router.route("GET", "/orchestration/workflows/list")
def list_workflows(ctx: Ctx) -> Any:
    return {"workflows": [_workflow_view(ctx, w) for w in listed(ctx, "workflow")]}


def _workflow_view(ctx: Ctx, workflow: dict[str, Any]) -> dict[str, Any]:
    deployed = _deployed(ctx, workflow["uuid"])
    return {**workflow, "deployedRelease": deployed}


def _deployed(ctx: Ctx, workflow_uuid: str) -> dict[str, Any] | None:
    releases = [
        r for r in listed(ctx, "release") if r["workflowUuid"] == workflow_uuid and r["status"] == "deployed"
    ]
    return releases[-1] if releases else None


@router.route("GET", "/orchestration/releases/list")
def list_releases(ctx: Ctx) -> Any:
    workflow = ctx.arg("workflowUuid")
    return {"releases": [r for r in listed(ctx, "release") if workflow in (None, r["workflowUuid"])]}


@router.route("GET", "/orchestration/releases/deployed")
def get_deployed_release(ctx: Ctx) -> Any:
    release = _deployed(ctx, str(ctx.required("workflowUuid")))
    if release is None:
        raise not_found("release")
    return {"release": release}


def _draft(ctx: Ctx, workflow_uuid: str) -> dict[str, Any]:
    """The workflow's draft release, made from the deployed one when there is none."""
    entity(ctx, "workflow", workflow_uuid)
    drafts = [
        r for r in listed(ctx, "release") if r["workflowUuid"] == workflow_uuid and r["status"] == "draft"
    ]
    if drafts:
        return drafts[-1]
    deployed = _deployed(ctx, workflow_uuid)
    return create(ctx, "release", {
        "parentUuid": deployed["uuid"] if deployed else None, "workflowUuid": workflow_uuid, "description": None,
        "version": None, "status": "draft", "templateSlug": None, "nodes": deployed["nodes"] if deployed else [],
        "formFields": deployed["formFields"] if deployed else None, "testRecords": [], "deployedAt": None,
    })  # fmt: skip


def _checked_nodes(value: Any) -> list[dict[str, Any]]:
    nodes = value if isinstance(value, list) else None
    if nodes is None or not all(isinstance(n, dict) for n in nodes):
        raise bad_request("nodes must be an array of node objects", "invalidNodes")
    invalid = validate_nodes(nodes)
    if invalid:
        raise ApiError(400, "Invalid nodes: " + "; ".join(i["errorMessage"] for i in invalid), "invalidNodes",
                       invalidNodes=invalid)  # fmt: skip
    return nodes


@router.route("GET", "/orchestration/releases/draft")
def get_draft_release(ctx: Ctx) -> Any:
    return {"release": _draft(ctx, str(ctx.required("workflowUuid")))}


@router.route("POST", "/orchestration/releases/draft/update")
def update_draft_release(ctx: Ctx) -> Any:
    draft = _draft(ctx, str(ctx.required("workflowUuid")))
    body = body_dict(ctx)
    if "nodes" in body:
        body = {**body, "nodes": _checked_nodes(body["nodes"])}
    changes: dict[str, Any] = {k: body[k] for k in ("nodes", "testRecords", "formFields") if k in body}
    return {"release": ctx.store.put("release", {**draft, **changes, "updatedAt": ctx.store.now_iso()})}


@router.route("POST", "/orchestration/releases/draft/deploy")
def deploy_draft_release(ctx: Ctx) -> Any:
    workflow_uuid = str(ctx.required("workflowUuid"))
    draft = _draft(ctx, workflow_uuid)
    body = body_dict(ctx)
    nodes = _checked_nodes(body["nodes"]) if body.get("nodes") is not None else draft["nodes"]
    now = ctx.store.now_iso()
    for old in listed(ctx, "release"):
        if old["workflowUuid"] == workflow_uuid and old["status"] == "deployed":
            ctx.store.put("release", {**old, "status": "archived", "updatedAt": now})
    deployed = {**draft, "nodes": nodes, "formFields": body.get("formFields", draft.get("formFields")),
                "version": body.get("version"), "description": body.get("description"), "status": "deployed",
                "deployedAt": now, "updatedAt": now}  # fmt: skip
    return {"release": ctx.store.put("release", deployed)}


def validate_nodes(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Structural checks: kinds, unique uuids and slugs, children that exist, one start."""
    invalid: list[dict[str, Any]] = []
    uuids = [n.get("uuid") for n in nodes]
    slugs = [n.get("slug") for n in nodes]
    for node in nodes:
        problems = []
        if node.get("kind") not in ("native", "connector", "tool", "agent"):
            problems.append(f"unknown kind {node.get('kind')!r}")
        if not node.get("uuid") or uuids.count(node.get("uuid")) > 1:
            problems.append("uuid missing or not unique")
        if not node.get("slug") or slugs.count(node.get("slug")) > 1:
            problems.append("slug missing or not unique")
        if node.get("kind") in ("native", "connector") and not node.get("actionSlug"):
            problems.append("actionSlug missing")
        if node.get("kind") == "connector" and not node.get("integrationSlug"):
            problems.append("integrationSlug missing")
        missing = [c for c in node.get("childrenUuids") or [] if c and c not in uuids]
        if missing:
            problems.append(f"unknown children {missing}")
        if problems:
            invalid.append({"uuid": node.get("uuid"), "slug": node.get("slug"),
                            "errorMessage": f"{node.get('slug') or node.get('uuid')}: {', '.join(problems)}"})  # fmt: skip
    if nodes and not any(n.get("actionSlug") == "start" or n.get("slug") == "start" for n in nodes):
        invalid.append({"uuid": None, "slug": None, "errorMessage": "no start node"})
    return invalid


@router.route("POST", "/orchestration/nodes/validate")
def validate(ctx: Ctx) -> Any:
    nodes = ctx.required("nodes")
    if not isinstance(nodes, list) or not all(isinstance(n, dict) for n in nodes):
        raise bad_request("nodes must be an array of node objects", "invalidNodes")
    invalid = validate_nodes(nodes)
    return {"outcome": "notValid" if invalid else "valid", "invalidNodes": invalid}


@router.route("GET", "/orchestration/releases/{uuid}")
def get_release(ctx: Ctx) -> Any:
    return {"release": entity(ctx, "release")}


# -- runs ----------------------------------------------------------------------------------
def _launch(ctx: Ctx, body: Mapping[str, Any]) -> engine.Launch:
    """The graph of a run/batch payload: ad-hoc ``nodes``, else the workflow's
    ``releaseUuid`` or deployed release."""
    nodes = body.get("nodes")
    workflow_uuid = body.get("workflowUuid")
    release_uuid: str | None = None
    if nodes is not None:
        if not isinstance(nodes, list) or not all(isinstance(n, Mapping) for n in nodes):
            raise bad_request("nodes must be an array of node objects", "invalidNodes")
        workflow_uuid = workflow_uuid or new_uuid()
    elif not workflow_uuid:
        raise bad_request("Pass a workflowUuid or nodes", "invalidPayload")
    else:
        entity(ctx, "workflow", str(workflow_uuid))
        if body.get("releaseUuid"):
            release: dict[str, Any] | None = entity(ctx, "release", str(body["releaseUuid"]))
        else:
            release = _deployed(ctx, str(workflow_uuid))
        if release is None:
            raise ApiError(400, "The workflow has no deployed release", "releaseNotFound")
        release_uuid, nodes = str(release["uuid"]), list(release["nodes"])
    return engine.Launch(
        workspace_uuid=ctx.workspace_uuid, user_uuid=ctx.user_uuid, workflow_uuid=str(workflow_uuid),
        release_uuid=release_uuid, nodes=nodes, speed=ctx.speed, adhoc=release_uuid is None,
    )  # fmt: skip


def _run_row(ctx: Ctx, uuid: str) -> dict[str, Any]:
    rows = ctx.store.rows(
        "SELECT * FROM runs WHERE uuid = ? AND workspaceUuid = ?", [uuid, ctx.workspace_uuid]
    )
    if not rows:
        raise not_found("run", uuid)
    return rows[0]


def _run(ctx: Ctx, uuid: str) -> dict[str, Any]:
    return engine.run_view(_run_row(ctx, uuid), ctx.speed, ctx.store.now())


@router.route("POST", "/orchestration/runs")
def create_run(ctx: Ctx) -> Any:
    body = body_dict(ctx)
    (uuid,) = engine.create_runs(ctx.store, _launch(ctx, body), [body.get("data") or {}])
    return {"run": _run(ctx, uuid)}


@router.route("GET", "/orchestration/runs/{uuid}")
def get_run(ctx: Ctx) -> Any:
    row = _run_row(ctx, ctx.params["uuid"])
    context, computed = engine.run_context(row)
    return {"run": engine.run_view(row, ctx.speed, ctx.store.now()), "runComputedConfigs": computed,
            "runContext": context}  # fmt: skip


@router.route("POST", "/orchestration/runs/list")
def list_runs(ctx: Ctx) -> Any:
    where, params = run_filter(ctx)
    limit, offset = page(ctx)
    rows = ctx.store.rows(
        f"SELECT * FROM runs WHERE {where} ORDER BY createdAt DESC, uuid LIMIT {limit} OFFSET {offset}",
        params,
    )
    count = ctx.store.scalar(f"SELECT count(*) FROM runs WHERE {where}", params)
    now = ctx.store.now()
    return {"runs": [engine.run_view(r, ctx.speed, now) for r in rows], "count": int(count or 0)}


@router.route("POST", "/orchestration/runs/count")
def count_runs(ctx: Ctx) -> Any:
    where, params = run_filter(ctx)
    return {"count": int(ctx.store.scalar(f"SELECT count(*) FROM runs WHERE {where}", params) or 0)}


@router.route("POST", "/orchestration/runs/cancel")
def cancel_runs(ctx: Ctx) -> Any:
    ctx.array("uuids", non_empty=True)
    where, params = run_filter(ctx, require_workflow=False)
    engine.cancel_runs(ctx.store, where, params)


def _outputs(rows: list[dict[str, Any]], node_slug: str | None) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        outcome = json.loads(row["plan"]) if row.get("plan") else {}
        nodes = outcome.get("context", {}).get("nodes", {})
        if node_slug:
            data = nodes.get(node_slug)
        else:
            executed = [e["nodeSlug"] for e in outcome.get("executions", []) if e.get("status") == "success"]
            data = nodes.get(executed[-1]) if executed else None
        out.append({"runUuid": row["uuid"], "recordId": row["recordId"], "recordTitle": row["recordTitle"],
                    "status": row["status"], "data": data})  # fmt: skip
    return out


@router.route("POST", "/orchestration/runs/download")
def download_runs(ctx: Ctx) -> Any:
    where, params = run_filter(ctx)
    limit = as_int(ctx.arg("limit"), "limit")
    sql = f"SELECT * FROM q_runs WHERE {where} ORDER BY createdAt DESC" + (f" LIMIT {limit}" if limit else "")
    rows = [{k: v for k, v in engine.run_view(r, ctx.speed, ctx.store.now()).items() if k in r}
            for r in ctx.store.rows(sql.replace("q_runs", "runs"), params)]  # fmt: skip
    return {"url": csv_blob(ctx, f"runs-{new_uuid()}.csv.gz", rows, compress=True)}


@router.route("POST", "/orchestration/runs/download-outputs")
def download_run_outputs(ctx: Ctx) -> Any:
    where, params = run_filter(ctx)
    where += " AND status IN ('success', 'error')"
    limit = as_int(ctx.arg("limit"), "limit")
    sql = f"SELECT * FROM runs WHERE {where} ORDER BY createdAt DESC" + (f" LIMIT {limit}" if limit else "")
    outputs = _outputs(ctx.store.rows(sql, params), ctx.arg("outputNodeSlug"))
    fmt = ctx.arg("format", "csv")
    if fmt == "json":
        return {"url": json_blob(ctx, f"run-outputs-{new_uuid()}.json", outputs)}
    flat = [{**{k: v for k, v in o.items() if k != "data"}, **(o["data"] or {})} for o in outputs]
    return {"url": csv_blob(ctx, f"run-outputs-{new_uuid()}.csv", flat)}


# -- batches --------------------------------------------------------------------------------
def _batch_inputs(ctx: Ctx, data: Mapping[str, Any]) -> tuple[list[Any], str | None, str | None]:
    """The records of a batch: (inputs, id column, title column)."""
    kind = data.get("kind")
    spec: tuple[Any, Any, int | None, list[str] | None]
    if kind in ("segment", "filter", "recordIds"):
        if kind == "segment":
            segment = entity(ctx, "segment", str(data.get("segmentUuid")))
            model = entity(ctx, "model", segment["modelUuid"])
            spec = (segment.get("filter"), segment.get("sort"), segment.get("limit"), None)
        elif kind == "filter":
            model = model_or_404(ctx, data.get("modelUuid"))
            spec = (data.get("filter"), data.get("sort"), as_int(data.get("limit"), "limit"), None)
        else:
            model = model_or_404(ctx, data.get("modelUuid"))
            ids = data.get("ids")
            if not isinstance(ids, list):
                raise bad_request("data.ids must be an array")
            spec = (None, None, None, [str(i) for i in ids])
        records, _ = select_records(
            ctx, model, filter_=spec[0], sort=spec[1], cap=spec[2], ids=spec[3], count=False
        )
        return records, str(model.get("idColumnSlug", "id")), str(model.get("titleColumnSlug", "id"))
    if kind == "file":
        rows = read_csv_blob(ctx, str(data.get("s3Filename")))
        mappings = data.get("mappings")
        if isinstance(mappings, Mapping):
            rows = [{str(mappings.get(k, k)): v for k, v in row.items()} for row in rows]
        return list(rows), None, None
    raise not_emulated(f"batches with data.kind {kind!r}")


@router.route("POST", "/orchestration/batches")
def create_batch(ctx: Ctx) -> Any:
    body = body_dict(ctx)
    data = body.get("data")
    if not isinstance(data, Mapping):
        raise bad_request('data is required (e.g. {"kind": "segment", "segmentUuid": ...})')
    launch = _launch(ctx, body)
    inputs, id_slug, title_slug = _batch_inputs(ctx, data)
    if not inputs:
        raise ApiError(400, "No records.", "noRecords", dataError={"reason": "noRecords"})
    launch = dataclasses.replace(launch, id_slug=id_slug, title_slug=title_slug)
    uuid = engine.create_batch(ctx.store, launch, data, inputs)
    return {"batch": _batch(ctx, uuid)}


def _batch(ctx: Ctx, uuid: str) -> dict[str, Any]:
    rows = ctx.store.rows(
        "SELECT * FROM batches WHERE uuid = ? AND workspaceUuid = ?", [uuid, ctx.workspace_uuid]
    )
    if not rows:
        raise not_found("batch", uuid)
    return engine.batch_view(rows[0])


@router.route("GET", "/orchestration/batches/list")
def list_batches(ctx: Ctx) -> Any:
    where = Where(ctx).among("statuses", "status").among("workflowUuids", "workflowUuid")
    limit, offset = page(ctx)
    rows = ctx.store.rows(
        f"SELECT * FROM batches WHERE {where.sql} ORDER BY createdAt DESC LIMIT {limit} OFFSET {offset}",
        where.params,
    )
    return {"batches": [engine.batch_view(r) for r in rows]}


@router.route("GET", "/orchestration/batches/{uuid}")
def get_batch(ctx: Ctx) -> Any:
    return {"batch": _batch(ctx, ctx.params["uuid"])}


@router.route("POST", "/orchestration/batches/{uuid}/cancel")
def cancel_batch(ctx: Ctx) -> Any:
    batch = _batch(ctx, ctx.params["uuid"])
    engine.cancel_batch(ctx.store, batch["uuid"])


@router.route("POST", "/orchestration/batches/{uuid}/download")
def download_batch(ctx: Ctx) -> Any:
    batch = _batch(ctx, ctx.params["uuid"])
    rows = ctx.store.rows(
        "SELECT * FROM runs WHERE batchUuid = ? AND status IN ('success', 'error') ORDER BY recordId",
        [batch["uuid"]],
    )
    outputs = _outputs(rows, ctx.arg("outputNodeSlug"))
    flat = [{**{k: v for k, v in o.items() if k != "data"}, **(o["data"] or {})} for o in outputs]
    return {"url": csv_blob(ctx, f"batch-{batch['uuid']}-{new_uuid()}.csv", flat)}


# -- records ---------------------------------------------------------------------------------
@router.route("POST", "/orchestration/records/list")
def list_records(ctx: Ctx) -> Any:
    where = Where(ctx).equal("workflowUuid", required=True).equal("batchUuid").among("statuses", "status")
    limit, offset = page(ctx)
    rows = ctx.store.rows(
        f"SELECT * FROM q_records WHERE {where.sql} ORDER BY createdAt DESC LIMIT {limit} OFFSET {offset}",
        where.params,
    )
    count = ctx.store.scalar(f"SELECT count(*) FROM q_records WHERE {where.sql}", where.params)
    return {"records": [jsonable(r) for r in rows], "count": int(count or 0)}


@router.route("POST", "/orchestration/records/count")
def count_records(ctx: Ctx) -> Any:
    workflow = str(ctx.required("workflowUuid"))
    count = ctx.store.scalar(
        "SELECT count(*) FROM q_records WHERE workspaceUuid = ? AND workflowUuid = ?",
        [ctx.workspace_uuid, workflow],
    )
    return {"count": int(count or 0)}


# -- spans -----------------------------------------------------------------------------------
SPAN_FILTERS = ("workflowUuid", "batchUuid", "traceUuid", "runUuid", "recordId", "recordTitle", "nodeSlug",
                "nodeKind", "executionStatus")  # fmt: skip


def _span_filter(ctx: Ctx) -> tuple[str, list[Any]]:
    where = Where(ctx).equal(*SPAN_FILTERS)
    return where.sql, where.params


@router.route("POST", "/orchestration/spans/list")
def list_spans(ctx: Ctx) -> Any:
    where, params = _span_filter(ctx)
    limit, offset = page(ctx)
    rows = ctx.store.rows(
        f"SELECT * FROM spans WHERE {where} ORDER BY executionStartedAt DESC, runUuid, executionIndex "
        f"LIMIT {limit} OFFSET {offset}", params,
    )  # fmt: skip
    count = ctx.store.scalar(f"SELECT count(*) FROM spans WHERE {where}", params)
    return {"spans": [jsonable(r) for r in rows], "count": int(count or 0)}


@router.route("POST", "/orchestration/spans/count")
def count_spans(ctx: Ctx) -> Any:
    where, params = _span_filter(ctx)
    return {"count": int(ctx.store.scalar(f"SELECT count(*) FROM spans WHERE {where}", params) or 0)}


# -- actions -----------------------------------------------------------------------------------
def _action_nodes(action: Any) -> list[Mapping[str, Any]]:
    if not isinstance(action, Mapping) or action.get("kind") not in ("connector", "native"):
        raise not_emulated("actions other than connector and native ones")
    start, end = new_uuid(), new_uuid()
    node = {"uuid": new_uuid(), "slug": "action", "config": {}, "childrenUuids": [end],
            "fallbackOnFailure": False, "position": {"x": 0, "y": 0}, **action}  # fmt: skip
    return [
        {"uuid": start, "slug": "start", "kind": "native", "actionSlug": "start", "config": {},
         "childrenUuids": [node["uuid"]], "fallbackOnFailure": False, "position": {"x": 0, "y": 0}},
        node,
        {"uuid": end, "slug": "end", "kind": "native", "actionSlug": "end", "config": {}, "childrenUuids": [],
         "fallbackOnFailure": False, "position": {"x": 0, "y": 0}},
    ]  # fmt: skip


def _check_connector_action(ctx: Ctx, action: Any) -> None:
    """A connector action names an integration, an action it lists and (if
    given) a connector of the workspace for it, as the platform checks."""
    if not isinstance(action, Mapping) or action.get("kind") != "connector":
        return
    integration = ctx.store.get("integration", str(action.get("integrationSlug")))
    if integration is None:
        raise ApiError(404, "Integration not found.", "integrationNotFound")
    if action.get("connectorUuid") is not None:
        connector = ctx.store.get("connector", str(action["connectorUuid"]), ctx.workspace_uuid)
        if (
            connector is None
            or connector.get("deletedAt")
            or connector.get("integrationSlug") != integration["slug"]
        ):
            raise ApiError(404, "Connector not found.", "connectorNotFound")
    if action.get("actionSlug") not in (integration.get("actions") or {}):
        raise ApiError(404, "Action not found.", "actionNotFound")


@router.route("POST", "/orchestration/actions/execute")
def execute_action(ctx: Ctx) -> Any:
    body = body_dict(ctx)
    _check_connector_action(ctx, body.get("action"))
    launch = _launch(ctx, {"nodes": _action_nodes(body.get("action"))})
    (uuid,) = engine.create_runs(ctx.store, launch, [body.get("data") or {}])
    return {"run": _run(ctx, uuid)}


@router.route("POST", "/orchestration/actions/execute-batch")
def execute_action_batch(ctx: Ctx) -> Any:
    body = body_dict(ctx)
    records = body.get("records")
    if not isinstance(records, list) or not records:
        raise ApiError(400, "No records.", "noRecords")
    _check_connector_action(ctx, body.get("action"))
    launch = _launch(ctx, {"nodes": _action_nodes(body.get("action"))})
    inputs = [r.get("data", r) if isinstance(r, Mapping) else r for r in records]
    uuid = engine.create_batch(ctx.store, launch, {"kind": "records"}, inputs)
    return {"batch": _batch(ctx, uuid)}


# -- SQL -----------------------------------------------------------------------------------------
@router.route("POST", "/orchestration/query")
def execute_query(ctx: Ctx) -> Any:
    query = ctx.required("query")
    if not isinstance(query, str):
        raise bad_request("query must be a string")
    return sqlquery.execute(
        ctx.store, query, dialect="clickhouse", resolver=sqlquery.orchestration_resolver(ctx.workspace_uuid)
    )
