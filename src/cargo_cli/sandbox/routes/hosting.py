"""hosting: apps, workers, their deployments and env vars.

A deployment's outcome is decided when it is created, from its files (an
app needs a ``package.json`` with a ``build`` script, a worker an entry
point); time only reveals it: ``pending`` for 1 s, ``building`` for 2 s, then
``success`` or ``error`` (``--speed`` divides both). The sources are kept
as a .tar.gz served through a signed URL, next to a build log. ``promote``
makes a successful deployment the live one of its app or worker.
"""

from __future__ import annotations

import io
import json
import tarfile
from typing import Any

from cargo_cli.sandbox.http import ApiError, Ctx, Router, as_list, bad_request
from cargo_cli.sandbox.route_helpers import body_dict, create, entity, listed, page, remove, update

router = Router()
DEPLOYMENT = "deployment"
ENV_VAR = "hostingEnvVar"
PENDING_S = 1.0
BUILDING_S = 2.0
TERMINAL = ("success", "error", "cancelled")
WORKER_ENTRYPOINTS = ("src/index.ts", "src/index.js", "index.ts", "index.js")
SLOTS = {"app": "hostingApp", "worker": "hostingWorker"}


# -- apps and workers ---------------------------------------------------------------------
def _slot_view(kind: str, doc: dict[str, Any]) -> dict[str, Any]:
    promoted = doc.get("promotedDeploymentUuid")
    return {**doc, "url": f"https://{doc['slug']}.{kind}s.sandbox.localhost" if promoted else None}


def _slot(ctx: Ctx, kind: str, uuid: str | None = None) -> dict[str, Any]:
    return entity(ctx, SLOTS[kind], uuid, label=kind)


def _register_slot(kind: str) -> None:
    plural = f"{kind}s"

    @router.route("POST", f"/hosting/{plural}/list")
    def list_slots(ctx: Ctx) -> Any:
        folder = ctx.arg("folderUuid")
        docs = [d for d in listed(ctx, SLOTS[kind]) if folder in (None, d.get("folderUuid"))]
        return {plural: [_slot_view(kind, d) for d in docs]}

    @router.route("GET", f"/hosting/{plural}/{{uuid}}")
    def get_slot(ctx: Ctx) -> Any:
        return {kind: _slot_view(kind, _slot(ctx, kind))}

    @router.route("POST", f"/hosting/{plural}")
    def create_slot(ctx: Ctx) -> Any:
        body = body_dict(ctx)
        name, slug = body.get("name"), body.get("slug")
        if not isinstance(name, str) or not name or not isinstance(slug, str) or not slug:
            raise bad_request("name and slug are required")
        if any(d["slug"] == slug for d in listed(ctx, SLOTS[kind])):
            article = "An" if kind == "app" else "A"
            raise ApiError(
                409, f"{article} {kind} with the slug {slug!r} already exists", "slugAlreadyExists"
            )
        fields: dict[str, Any] = {
            "name": name, "slug": slug, "description": body.get("description"),
            "folderUuid": body.get("folderUuid"), "promotedDeploymentUuid": None,
        }  # fmt: skip
        if kind == "worker":
            fields["triggers"] = body.get("triggers") or []
        return {kind: _slot_view(kind, create(ctx, SLOTS[kind], fields))}

    @router.route("PUT", f"/hosting/{plural}/{{uuid}}")
    def update_slot(ctx: Ctx) -> Any:
        allowed = ("name", "description", "folderUuid") + (("triggers",) if kind == "worker" else ())
        return {kind: _slot_view(kind, update(ctx, SLOTS[kind], _slot(ctx, kind), allowed))}

    @router.route("DELETE", f"/hosting/{plural}/{{uuid}}")
    def remove_slot(ctx: Ctx) -> Any:
        doc = _slot(ctx, kind)
        for other in (DEPLOYMENT, ENV_VAR):
            for item in listed(ctx, other):
                if item.get(f"{kind}Uuid") == doc["uuid"]:
                    remove(ctx, other, item)
        remove(ctx, SLOTS[kind], doc)


_register_slot("app")
_register_slot("worker")


def _target(ctx: Ctx) -> tuple[str, dict[str, Any]]:
    """Exactly one of appUuid / workerUuid, and its app or worker."""
    app, worker = ctx.arg("appUuid"), ctx.arg("workerUuid")
    if bool(app) == bool(worker):
        raise bad_request("Pass exactly one of appUuid or workerUuid")
    kind = "app" if app else "worker"
    return kind, _slot(ctx, kind, str(app or worker))


# -- deployments ------------------------------------------------------------------------------
def _outcome(kind: str, files: dict[str, str]) -> tuple[str, str | None, list[str]]:
    """(final status, error message, build log lines) of a build."""
    log = [f"Received {len(files)} files"]
    if kind == "worker":
        entry = next((p for p in WORKER_ENTRYPOINTS if p in files), None)
        if entry is None:
            return "error", f"No worker entrypoint ({', '.join(WORKER_ENTRYPOINTS)})", log
        return "success", None, [*log, f"Bundling {entry}", "Worker bundled"]
    if "package.json" not in files:
        return "error", "No package.json at the root of the sources", log
    try:
        package = json.loads(files["package.json"])
    except ValueError as exc:
        return "error", f"package.json is not valid JSON: {exc}", log
    scripts = package.get("scripts") if isinstance(package, dict) else None
    if not isinstance(scripts, dict) or not scripts.get("build"):
        return "error", 'package.json has no "build" script', [*log, "npm ci"]
    return "success", None, [*log, "npm ci", f"npm run build ({scripts['build']})", "Build succeeded"]


def _archive(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for path, content in files.items():
            data = content.encode()
            info = tarfile.TarInfo(path)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def deployment_view(ctx: Ctx, doc: dict[str, Any]) -> dict[str, Any]:
    """The deployment as of now (hidden ``_`` fields hold its schedule)."""
    now = ctx.store.clock()
    status = doc["status"]
    if status not in TERMINAL:
        status = (
            "pending" if now < doc["_buildingAt"] else "building" if now < doc["_doneAt"] else doc["_final"]
        )
    view = {k: v for k, v in doc.items() if not k.startswith("_")}
    view["status"] = status
    view["errorMessage"] = (
        doc["_error"] if status == "error" and doc["status"] not in TERMINAL else doc.get("errorMessage")
    )
    slot = ctx.store.get(SLOTS[doc["kind"]], doc[f"{doc['kind']}Uuid"]) or {}
    view["isPromoted"] = slot.get("promotedDeploymentUuid") == doc["uuid"]
    return view


def _deployment(ctx: Ctx, uuid: str | None = None) -> dict[str, Any]:
    return entity(ctx, DEPLOYMENT, uuid, label="deployment")


@router.route("POST", "/hosting/deployments")
def create_deployment(ctx: Ctx) -> Any:
    body = body_dict(ctx)
    kind, slot = _target(ctx)
    if body.get("kind", kind) != kind:
        raise bad_request(f"kind {body.get('kind')!r} does not match the {kind}Uuid given")
    items = body.get("files")
    if not isinstance(items, list) or not items:
        raise bad_request("files must be a non-empty array of {path, content}")
    files: dict[str, str] = {}
    for item in items:
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("path"), str)
            or not isinstance(item.get("content"), str)
        ):
            raise bad_request("each file must be {path: string, content: string}")
        files[item["path"]] = item["content"]
    final, error, log = _outcome(kind, files)
    now = ctx.store.clock()
    building = now + PENDING_S / ctx.speed
    doc = create(ctx, DEPLOYMENT, {
        "kind": kind, f"{kind}Uuid": slot["uuid"], "status": "pending", "errorMessage": None,
        "filesCount": len(files), "size": sum(len(c.encode()) for c in files.values()),
        "promotedAt": None, "_buildingAt": building, "_doneAt": building + BUILDING_S / ctx.speed,
        "_final": final, "_error": error,
    })  # fmt: skip
    ctx.store.write_blob(f"deployment-{doc['uuid']}-source.tar.gz", _archive(files))
    lines = [*log, f"Error: {error}" if error else "Deployment ready (promote it to make it live)"]
    ctx.store.write_blob(f"deployment-{doc['uuid']}-build.log", ("\n".join(lines) + "\n").encode())
    return {"deployment": deployment_view(ctx, doc)}


@router.route("POST", "/hosting/deployments/list")
def list_deployments(ctx: Ctx) -> Any:
    kind, slot = _target(ctx)
    statuses = as_list(ctx.arg("statuses"))
    found = [
        view for view in (deployment_view(ctx, d) for d in reversed(listed(ctx, DEPLOYMENT)))
        if view.get(f"{kind}Uuid") == slot["uuid"] and (not statuses or view["status"] in statuses)
    ]  # fmt: skip
    limit, offset = page(ctx)
    return {"count": len(found), "deployments": found[offset : offset + limit]}


@router.route("GET", "/hosting/deployments/promoted")
def get_promoted(ctx: Ctx) -> Any:
    kind, slot = _target(ctx)
    uuid = slot.get("promotedDeploymentUuid")
    if not uuid:
        raise ApiError(404, f"No deployment of this {kind} is promoted yet", "promotedDeploymentNotFound")
    return {"deployment": deployment_view(ctx, _deployment(ctx, uuid))}


@router.route("GET", "/hosting/deployments/{uuid}")
def get_deployment(ctx: Ctx) -> Any:
    return {"deployment": deployment_view(ctx, _deployment(ctx))}


@router.route("GET", "/hosting/deployments/{uuid}/build-log-url")
def build_log_url(ctx: Ctx) -> Any:
    return {"url": ctx.signer(f"deployment-{_deployment(ctx)['uuid']}-build.log")}


@router.route("GET", "/hosting/deployments/{uuid}/source-archive-url")
def source_archive_url(ctx: Ctx) -> Any:
    return {"url": ctx.signer(f"deployment-{_deployment(ctx)['uuid']}-source.tar.gz")}


@router.route("POST", "/hosting/deployments/promote")
def promote(ctx: Ctx) -> Any:
    doc = _deployment(ctx, str(ctx.required("uuid")))
    view = deployment_view(ctx, doc)
    if view["status"] != "success":
        raise ApiError(
            400, f"Only a successful deployment can be promoted (this one is {view['status']})",
            "deploymentNotReady",
        )  # fmt: skip
    kind = doc["kind"]
    slot = _slot(ctx, kind, doc[f"{kind}Uuid"])
    now = ctx.store.now_iso()
    ctx.store.put(SLOTS[kind], {**slot, "promotedDeploymentUuid": doc["uuid"], "updatedAt": now})
    doc = ctx.store.put(DEPLOYMENT, {**doc, "promotedAt": now, "updatedAt": now})
    return {"deployment": deployment_view(ctx, doc)}


@router.route("POST", "/hosting/deployments/cancel")
def cancel(ctx: Ctx) -> Any:
    doc = _deployment(ctx, str(ctx.required("uuid")))
    view = deployment_view(ctx, doc)
    if view["status"] in TERMINAL:
        raise ApiError(400, f"The deployment is already {view['status']}", "deploymentAlreadyFinished")
    doc = ctx.store.put(DEPLOYMENT, {**doc, "status": "cancelled", "updatedAt": ctx.store.now_iso()})
    return {"deployment": deployment_view(ctx, doc)}


# -- env vars -----------------------------------------------------------------------------------
def _env_view(doc: dict[str, Any]) -> dict[str, Any]:
    return {**doc, "value": None} if doc.get("isSecret") else doc


@router.route("GET", "/hosting/env-vars")
def list_env_vars(ctx: Ctx) -> Any:
    kind, slot = _target(ctx)
    return {"envVars": [_env_view(d) for d in listed(ctx, ENV_VAR) if d.get(f"{kind}Uuid") == slot["uuid"]]}


@router.route("POST", "/hosting/env-vars")
def create_env_var(ctx: Ctx) -> Any:
    body = body_dict(ctx)
    kind, slot = _target(ctx)
    key, value = body.get("key"), body.get("value")
    if not isinstance(key, str) or not key or not isinstance(value, str):
        raise bad_request("key and value must be strings")
    if any(d["key"] == key and d.get(f"{kind}Uuid") == slot["uuid"] for d in listed(ctx, ENV_VAR)):
        raise ApiError(409, f"{key} is already set for this {kind}", "envVarAlreadyExists")
    doc = create(ctx, ENV_VAR, {"kind": kind, f"{kind}Uuid": slot["uuid"], "key": key, "value": value,
                                "isSecret": bool(body.get("isSecret"))})  # fmt: skip
    return {"envVar": _env_view(doc)}


@router.route("PATCH", "/hosting/env-vars/{uuid}")
def update_env_var(ctx: Ctx) -> Any:
    doc = update(ctx, ENV_VAR, entity(ctx, ENV_VAR, label="env var"), ("value", "isSecret"))
    return {"envVar": _env_view(doc)}


@router.route("DELETE", "/hosting/env-vars/{uuid}")
def remove_env_var(ctx: Ctx) -> Any:
    remove(ctx, ENV_VAR, entity(ctx, ENV_VAR, label="env var"))
