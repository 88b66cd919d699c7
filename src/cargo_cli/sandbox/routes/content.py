"""content: knowledge libraries and their files.

Uploads are stored as blobs and come back byte for byte from
``GET /content/files/{uuid}/raw`` (the API's readBytes) and from the signed
``url`` the sandbox adds to uploaded and fetched files. An upload with
``uuid`` replaces that file's content in place; an upload without a library
goes to the workspace's native library (created on first use).
"""

from __future__ import annotations

import mimetypes
from typing import Any

from starlette.responses import Response

from cargo_cli.sandbox.http import ApiError, Ctx, Router, bad_request
from cargo_cli.sandbox.route_helpers import body_dict, create, entity, listed, remove, update
from cargo_cli.sandbox.store import new_uuid

router = Router()
FILE = "contentFile"
LIBRARY = "library"
DEFAULT_LIBRARY = "Uploads"


def _with_url(ctx: Ctx, file: dict[str, Any]) -> dict[str, Any]:
    """Sandbox extra: a signed URL that serves the stored bytes."""
    return {**file, "url": ctx.signer(file["s3Filename"])}


def _matches(doc: dict[str, Any], ctx: Ctx, *names: str) -> bool:
    return all(ctx.arg(name) in (None, doc.get(name)) for name in names)


# -- libraries ------------------------------------------------------------------------
@router.route("GET", "/content/libraries/list")
def list_libraries(ctx: Ctx) -> Any:
    return {"libraries": [lib for lib in listed(ctx, LIBRARY) if _matches(lib, ctx, "connectorUuid", "kind")]}


@router.route("GET", "/content/libraries/{uuid}")
def get_library(ctx: Ctx) -> Any:
    return {"library": entity(ctx, LIBRARY)}


def new_library(ctx: Ctx, name: str, **fields: Any) -> dict[str, Any]:
    connector = fields.get("connectorUuid")
    if connector is not None:
        entity(ctx, "connector", str(connector))
    kind = {"kind": "connector", "connectorUuid": connector} if connector else {"kind": "native"}
    return create(ctx, LIBRARY, {
        "name": name, "extractorSlug": fields.get("extractorSlug") or "native", "config": fields.get("config") or {},
        "folderUuid": fields.get("folderUuid"), "lastSyncedAt": None, **kind,
    })  # fmt: skip


@router.route("POST", "/content/libraries/create")
def create_library(ctx: Ctx) -> Any:
    body = body_dict(ctx, "name")
    if "config" in body and not isinstance(body["config"], dict):
        raise bad_request("config must be an object")
    return {"library": new_library(ctx, body["name"], **{k: v for k, v in body.items() if k != "name"})}


@router.route("PATCH", "/content/libraries/{uuid}")
def update_library(ctx: Ctx) -> Any:
    return {"library": update(ctx, LIBRARY, entity(ctx, LIBRARY), ("name", "config", "folderUuid"))}


@router.route("DELETE", "/content/libraries/{uuid}")
def remove_library(ctx: Ctx) -> Any:
    library = entity(ctx, LIBRARY)
    if any(file["libraryUuid"] == library["uuid"] for file in listed(ctx, FILE)):
        raise ApiError(400, "Library has files", "libraryHasFiles")
    remove(ctx, LIBRARY, library)


# -- files ------------------------------------------------------------------------------
@router.route("GET", "/content/files/list")
def list_files(ctx: Ctx) -> Any:
    names = ("libraryUuid", "folderUuid", "connectorUuid", "kind")
    return {"files": [f for f in listed(ctx, FILE) if _matches(f, ctx, *names)]}


@router.route("GET", "/content/files/{uuid}")
def get_file(ctx: Ctx) -> Any:
    return {"file": _with_url(ctx, entity(ctx, FILE, label="file"))}


@router.route("PUT", "/content/files/{uuid}")
def update_file(ctx: Ctx) -> Any:
    return {"file": update(ctx, FILE, entity(ctx, FILE, label="file"), ("name", "folderUuid"))}


@router.route("DELETE", "/content/files/{uuid}")
def remove_file(ctx: Ctx) -> Any:
    remove(ctx, FILE, entity(ctx, FILE, label="file"))


@router.route("GET", "/content/files/{uuid}/raw")
def read_bytes(ctx: Ctx) -> Any:
    file = entity(ctx, FILE, label="file")
    path = ctx.store.blob_path(file["s3Filename"])
    if not path.is_file():
        raise ApiError(404, f"File not found: {file['uuid']}", "fileNotFound")
    return Response(path.read_bytes(), media_type=file["contentType"] or "application/octet-stream")


def default_library(ctx: Ctx) -> dict[str, Any]:
    for library in listed(ctx, LIBRARY):
        if library["kind"] == "native" and library["name"] == DEFAULT_LIBRARY:
            return library
    return new_library(ctx, DEFAULT_LIBRARY)


@router.route("POST", "/content/files/upload")
def upload_file(ctx: Ctx) -> Any:
    if "file" not in ctx.form:
        raise ApiError(400, "No file provided (a multipart/form-data part named file)", "noFile")
    name, content_type, data = ctx.form["file"]
    content_type = content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
    replaced = ctx.arg("uuid")
    folder = ctx.arg("folderUuid")
    if replaced:
        file = entity(ctx, FILE, str(replaced), label="file")
        key = f"content-{file['uuid']}-{new_uuid()[:8]}-{name}"
        ctx.store.write_blob(key, data)
        changes = {"name": name, "s3Filename": key, "contentType": content_type, "size": len(data)}
        if folder:
            changes["folderUuid"] = folder
        file = ctx.store.put(FILE, {**file, **changes, "updatedAt": ctx.store.now_iso()})
    else:
        uuid = new_uuid()
        key = f"content-{uuid}-{name}"
        ctx.store.write_blob(key, data)
        file = create(ctx, FILE, {
            "uuid": uuid, "libraryUuid": default_library(ctx)["uuid"], "name": name, "isTemporary": False,
            "folderUuid": folder or None, "s3Filename": key, "openAiFileId": "", "contentType": content_type,
            "size": len(data), "isIndexedInOpenAiVectorStore": False, "externalId": None, "kind": "native",
        })  # fmt: skip
    return {"files": [_with_url(ctx, file)]}
