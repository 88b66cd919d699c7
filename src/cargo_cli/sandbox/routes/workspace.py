"""userManagement and workspaceManagement: the current user and workspace,
users, roles, tokens, folders and file uploads (plus /initWorkspace)."""

from __future__ import annotations

import csv
import io
import secrets
from typing import Any

from cargo_cli.sandbox.http import ApiError, Ctx, Router, not_found
from cargo_cli.sandbox.route_helpers import body_dict, create, entity, listed, reads, remove, update
from cargo_cli.sandbox.store import new_uuid

router = Router()
reads(router, "/workspaceManagement/users", "user", "users", get=False)
reads(router, "/workspaceManagement/roles", "role", "roles", get=False)
reads(router, "/workspaceManagement/tokens", "token", "tokens", get=False)
reads(router, "/workspaceManagement/folders", "folder", "folders")


def current_user(ctx: Ctx) -> dict[str, Any]:
    user = ctx.store.get("user", ctx.user_uuid)
    if user is None:
        raise not_found("user", ctx.user_uuid)
    return user


@router.route("GET", "/userManagement/users/current")
def get_current_user(ctx: Ctx) -> Any:
    user = current_user(ctx)
    return {
        "user": {k: user[k] for k in ("uuid", "email", "firstName", "lastName", "createdAt", "updatedAt")}
    }


@router.route("GET", "/workspaceManagement/users/current")
def get_workspace_user(ctx: Ctx) -> Any:
    return {"user": current_user(ctx)}


@router.route("GET", "/workspaceManagement/workspaces/current")
def get_workspace(ctx: Ctx) -> Any:
    return {"workspace": entity(ctx, "workspace", ctx.workspace_uuid)}


@router.route("GET", "/workspaceManagement/workspaces/list")
def list_workspaces(ctx: Ctx) -> Any:
    return {"workspaces": [entity(ctx, "workspace", ctx.workspace_uuid)]}


# -- tokens ---------------------------------------------------------------------
@router.route("POST", "/workspaceManagement/tokens")
def create_token(ctx: Ctx) -> Any:
    body = body_dict(ctx, "name")
    secret = "sbx_" + secrets.token_urlsafe(24)
    token = create(ctx, "token", {
        "token": secret[:8] + "…", "name": body["name"], "description": body.get("description"),
        "permissions": body.get("permissions"),
    })  # fmt: skip
    ctx.store.add_secret(secret, ctx.user_uuid, ctx.workspace_uuid, token["uuid"])
    return {"token": {**token, "token": secret}}


@router.route("DELETE", "/workspaceManagement/tokens/{uuid}")
def remove_token(ctx: Ctx) -> Any:
    token = entity(ctx, "token")
    ctx.store.remove_secret(token["uuid"])
    remove(ctx, "token", token)


# -- folders ----------------------------------------------------------------------
@router.route("POST", "/workspaceManagement/folders")
def create_folder(ctx: Ctx) -> Any:
    body = body_dict(ctx, "name")
    return {"folder": create(ctx, "folder", {
        "name": body["name"], "kind": body.get("kind", "workflow"), "emojiSlug": body.get("emojiSlug", "file_folder"),
        "parentUuid": body.get("parentUuid"), "isReadOnly": False,
    })}  # fmt: skip


@router.route("PUT", "/workspaceManagement/folders/{uuid}")
def update_folder(ctx: Ctx) -> Any:
    return {"folder": update(ctx, "folder", entity(ctx, "folder"), ("name", "emojiSlug", "parentUuid"))}


@router.route("DELETE", "/workspaceManagement/folders/{uuid}")
def remove_folder(ctx: Ctx) -> Any:
    remove(ctx, "folder", entity(ctx, "folder"))


# -- files ---------------------------------------------------------------------------
@router.route("POST", "/workspaceManagement/files/upload")
def upload_file(ctx: Ctx) -> Any:
    if "file" not in ctx.form:
        raise ApiError(400, "Send the file as multipart/form-data in a part named file", "missingFile")
    name, content_type, data = ctx.form["file"]
    uuid = new_uuid()
    key = f"files-{uuid}-{name}"
    ctx.store.write_blob(key, data)
    file = create(ctx, "file", {
        "uuid": uuid, "libraryUuid": None, "name": name, "isTemporary": False, "folderUuid": None,
        "s3Filename": key, "openAiFileId": "", "contentType": content_type or "application/octet-stream",
        "size": len(data), "isIndexedInOpenAiVectorStore": False, "externalId": None, "kind": "native",
    })  # fmt: skip
    # Sandbox extra: a signed URL that serves the stored bytes back.
    return {**file, "url": ctx.signer(key)}


def read_csv_blob(ctx: Ctx, s3_filename: str) -> list[dict[str, str]]:
    files = [f for f in listed(ctx, "file") if f.get("s3Filename") == s3_filename]
    path = ctx.store.blob_path(s3_filename)
    if not files or not path.is_file():
        raise not_found("file", s3_filename)
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    return list(csv.DictReader(io.StringIO(text)))


@router.route("GET", "/workspaceManagement/files/listColumns")
def list_file_columns(ctx: Ctx) -> Any:
    s3_filename = str(ctx.required("s3Filename"))
    files = [f for f in listed(ctx, "file") if f.get("s3Filename") == s3_filename]
    path = ctx.store.blob_path(s3_filename)
    if not files or not path.is_file():
        raise not_found("file", s3_filename)
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
        header = next(csv.reader(handle), [])
    return {"columns": header}


@router.route("GET", "/initWorkspace")
def init_workspace(ctx: Ctx) -> Any:
    kinds = {
        "agents": "agent", "users": "user", "tokens": "token", "roles": "role", "folders": "folder",
        "datasets": "dataset", "models": "model", "connectors": "connector", "segments": "segment",
        "workflows": "workflow", "plays": "play", "tools": "tool", "files": "file",
    }  # fmt: skip
    answer: dict[str, Any] = {key: listed(ctx, kind) for key, kind in kinds.items()}
    empty = ("mcpServers", "members", "capacities", "territories", "relationships", "presetTemplates",
             "systemOfRecords", "apps", "workers", "alerts")  # fmt: skip
    answer.update({key: [] for key in empty})
    answer["user"] = current_user(ctx)
    answer["workspace"] = entity(ctx, "workspace", ctx.workspace_uuid)
    answer["subscription"] = {"plan": "sandbox", "creditsBalance": 1_000_000}
    return answer
