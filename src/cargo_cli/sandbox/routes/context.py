"""context: the workspace's context repository as a versioned file tree.

Like git: file contents are content-addressed blobs, a commit records a
message, its parent and the whole tree (path -> blob sha), and the
repository points at its head commit. ``runtime write`` and ``runtime edit``
each push one commit (``commitMessage`` recorded); ``runtime execute`` runs a
few read-only programs over the head tree, emulated in Python by
sandbox/shell.py: no process is ever started. ``graph get`` links the md/mdx files through their markdown
and ``[[wiki]]`` links.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
import shlex
from typing import Any

from starlette.responses import Response

from cargo_cli.sandbox.http import ApiError, Ctx, Router, as_int
from cargo_cli.sandbox.shell import Shell, directories_of
from cargo_cli.sandbox.store import Store

router = Router()
REPOSITORY = "contextRepository"
COMMIT = "contextCommit"
MAX_READ_BYTES = 1024 * 1024
MAX_ENTRIES = 1000
WRITERS = ("rm", "mv", "cp", "touch", "mkdir", "rmdir", "tee", "chmod", "ln", "sed", "truncate")


def invalid(message: str) -> ApiError:
    return ApiError(400, message, "invalidBody")


# -- the repository (also used by the seed) ----------------------------------------------
def blob_sha(content: str) -> str:
    return hashlib.sha1(f"blob {len(content.encode())}\0{content}".encode()).hexdigest()


def _blob_key(sha: str) -> str:
    return f"context-{sha}"


def repository(store: Store, workspace_uuid: str) -> dict[str, Any]:
    """The workspace's repository, created empty on first use."""
    found = store.get(REPOSITORY, workspace_uuid)
    if found is not None:
        return found
    now = store.now_iso()
    return store.put(REPOSITORY, {
        "uuid": workspace_uuid, "workspaceUuid": workspace_uuid, "name": "context", "defaultBranch": "main",
        "headSha": None, "commitsCount": 0, "createdAt": now, "updatedAt": now,
    })  # fmt: skip


def head_tree(store: Store, repo: dict[str, Any]) -> dict[str, str]:
    if not repo["headSha"]:
        return {}
    commit = store.get(COMMIT, repo["headSha"])
    return dict(commit["tree"]) if commit else {}


def read_text(store: Store, sha: str) -> str:
    return store.blob_path(_blob_key(sha)).read_text(encoding="utf-8")


def commit(
    store: Store, workspace_uuid: str, user_uuid: str | None, changes: dict[str, str], message: str
) -> dict[str, Any]:
    """One commit writing ``changes`` (path -> content) over the head tree."""
    repo = repository(store, workspace_uuid)
    tree = head_tree(store, repo)
    changed = []
    for path, content in sorted(changes.items()):
        sha = blob_sha(content)
        store.write_blob(_blob_key(sha), content.encode())
        changed.append({"path": path, "kind": "modified" if path in tree else "added"})
        tree[path] = sha
    now = store.now_iso()
    parent = repo["headSha"]
    payload = json.dumps([parent, message, tree, user_uuid, now], sort_keys=True)
    sha = hashlib.sha1(payload.encode()).hexdigest()
    body = {
        "uuid": sha, "sha": sha, "shortSha": sha[:7], "workspaceUuid": workspace_uuid, "parentSha": parent,
        "message": message, "userUuid": user_uuid, "branch": repo["defaultBranch"], "changes": changed,
        "createdAt": now,
    }  # fmt: skip
    store.put(COMMIT, {**body, "tree": tree})
    store.put(
        REPOSITORY, {**repo, "headSha": sha, "commitsCount": repo["commitsCount"] + 1, "updatedAt": now}
    )
    return body


def history(store: Store, repo: dict[str, Any]) -> list[dict[str, Any]]:
    commits = []
    sha = repo["headSha"]
    while sha:
        found = store.get(COMMIT, sha)
        if found is None:
            break
        commits.append(found)
        sha = found["parentSha"]
    return commits


# -- paths ---------------------------------------------------------------------------------
def clean_path(raw: Any, *, directory: bool = False) -> str:
    """A repository-relative POSIX path ('' is the root), or 400."""
    if raw is None or (directory and raw in ("", "/", ".")):
        return ""
    if not isinstance(raw, str) or not raw.strip():
        raise invalid("path must be a non-empty string")
    parts = [p for p in raw.strip().split("/") if p not in ("", ".")]
    if any(p == ".." for p in parts):
        raise ApiError(400, f"Path escapes the repository: {raw}", "deniedPath")
    if parts and parts[0] == ".git":
        raise ApiError(400, f"Path is not writable or readable: {raw}", "deniedPath")
    if not parts and not directory:
        raise invalid("path must name a file")
    return "/".join(parts)


def _context(ctx: Ctx) -> tuple[dict[str, Any], dict[str, str]]:
    repo = repository(ctx.store, ctx.workspace_uuid)
    return repo, head_tree(ctx.store, repo)


def _file(tree: dict[str, str], path: str) -> str:
    if path not in tree:
        raise ApiError(404, f"File not found in the context runtime: {path}", "fileNotFound")
    return tree[path]


# -- routes ------------------------------------------------------------------------------------
@router.route("GET", "/context/repository")
def get_repository(ctx: Ctx) -> Any:
    return {"repository": repository(ctx.store, ctx.workspace_uuid)}


@router.route("GET", "/context/runtime")
def browse(ctx: Ctx) -> Any:
    _, tree = _context(ctx)
    path = clean_path(ctx.arg("path"), directory=True)
    depth = as_int(ctx.arg("depth"), "depth", 1) or 1
    if depth < 1:
        raise ApiError(400, "depth must be at least 1", "invalidQuery")
    directories = directories_of(tree)
    if path not in directories:
        if path in tree:
            raise ApiError(400, f"Not a directory: {path} (use runtime read)", "invalidQuery")
        raise ApiError(404, f"Path not found in the context runtime: {path}", "pathNotFound")
    prefix = f"{path}/" if path else ""
    entries: list[dict[str, Any]] = []
    for directory in sorted(directories):
        if directory.startswith(prefix) and directory != path and directory[len(prefix) :].count("/") < depth:
            entries.append({"name": posixpath.basename(directory), "path": directory, "type": "directory"})
    for file, sha in sorted(tree.items()):
        if file.startswith(prefix) and file[len(prefix) :].count("/") < depth:
            size = ctx.store.blob_path(_blob_key(sha)).stat().st_size
            entries.append({"name": posixpath.basename(file), "path": file, "type": "file", "size": size})
    entries.sort(key=lambda e: (e["path"].count("/"), e["type"] != "directory", e["path"]))
    return {"path": path or "/", "entries": entries[:MAX_ENTRIES], "truncated": len(entries) > MAX_ENTRIES}


@router.route("POST", "/context/runtime/content")
def read(ctx: Ctx) -> Any:
    _, tree = _context(ctx)
    path = clean_path(ctx.arg("path"))
    sha = _file(tree, path)
    if ctx.store.blob_path(_blob_key(sha)).stat().st_size > MAX_READ_BYTES:
        raise ApiError(400, "File is too large to read from the context runtime.", "tooLarge")
    lines = read_text(ctx.store, sha).splitlines()
    total = len(lines)
    start = as_int(ctx.arg("startLine"), "startLine", 1) or 1
    end = as_int(ctx.arg("endLine"), "endLine", total) or total
    if start < 1 or end < start - 1:
        raise invalid("startLine must be at least 1 and endLine not before it")
    if total and start > total:
        raise invalid(f"startLine {start} is past the end of the file ({total} lines)")
    end = min(end, total)
    return {"path": path, "content": "\n".join(lines[start - 1 : end]), "startLine": start, "endLine": end,
            "totalLines": total}  # fmt: skip


@router.route("GET", "/context/runtime/raw")
def read_bytes(ctx: Ctx) -> Any:
    _, tree = _context(ctx)
    path = clean_path(ctx.arg("path"))
    sha = _file(tree, path)
    return Response(ctx.store.blob_path(_blob_key(sha)).read_bytes(), media_type="text/plain; charset=utf-8")


def _message(ctx: Ctx, default: str) -> str:
    message = ctx.arg("commitMessage")
    if message is not None and not isinstance(message, str):
        raise invalid("commitMessage must be a string")
    return message.strip() if message and message.strip() else default


@router.route("PUT", "/context/runtime/content")
def write(ctx: Ctx) -> Any:
    _, tree = _context(ctx)
    path = clean_path(ctx.arg("path"))
    content = ctx.arg("content")
    if not isinstance(content, str):
        raise invalid("content must be a string")
    if path in directories_of(tree):
        raise ApiError(400, f"{path} is a directory", "deniedPath")
    message = _message(ctx, f"{'Update' if path in tree else 'Create'} {path}")
    return {"commit": commit(ctx.store, ctx.workspace_uuid, ctx.user_uuid, {path: content}, message)}


@router.route("PATCH", "/context/runtime/content")
def edit(ctx: Ctx) -> Any:
    _, tree = _context(ctx)
    path = clean_path(ctx.arg("path"))
    old, new = ctx.arg("oldString"), ctx.arg("newString")
    if not isinstance(old, str) or not old or not isinstance(new, str):
        raise invalid("oldString (non-empty) and newString must be strings")
    text = read_text(ctx.store, _file(tree, path))
    count = text.count(old)
    if count == 0:
        raise ApiError(400, "String to replace was not found in the file.", "stringNotFound")
    if count > 1 and not ctx.arg("replaceAll"):
        raise ApiError(
            400, f"String to replace is not unique ({count} occurrences); pass replaceAll to replace every "
            "occurrence.", "stringNotUnique",
        )  # fmt: skip
    edited = text.replace(old, new)
    if edited == text:
        raise ApiError(400, "Edit would not change the file.", "noOp")
    message = _message(ctx, f"Edit {path}")
    return {"commit": commit(ctx.store, ctx.workspace_uuid, ctx.user_uuid, {path: edited}, message)}


@router.route("POST", "/context/runtime/execute")
def execute(ctx: Ctx) -> Any:
    repo, tree = _context(ctx)
    command, args = ctx.arg("command"), ctx.arg("args", [])
    if not isinstance(command, str) or not command.strip():
        raise invalid("command must be a non-empty string")
    if not isinstance(args, list) or not all(isinstance(a, str) for a in args):
        raise invalid("args must be an array of strings")
    try:
        words = shlex.split(command) if not args and " " in command.strip() else [command.strip()]
    except ValueError as exc:  # unbalanced quotes
        raise invalid(f"command: {exc}") from None
    program, argv = words[0], [*words[1:], *args]
    if program in WRITERS:
        raise ApiError(
            400, f"{program}: execute is read-only (nothing is pushed); use runtime write or edit", "readOnly"
        )
    shell = Shell(
        tree,
        read=lambda sha: read_text(ctx.store, sha),
        history=lambda: history(ctx.store, repo),
        resolve=_shell_path,
    )
    return shell.run(program, argv)


def _shell_path(raw: str) -> str | None:
    """A path typed in ``execute``; None: outside the repository (no such file)."""
    try:
        return clean_path(raw, directory=True)
    except ApiError:
        return None


# -- the knowledge graph -----------------------------------------------------------------------
MD_LINK = re.compile(r"\[[^\]]*\]\(([^)#\s]+)(?:#[^)]*)?\)")
WIKI_LINK = re.compile(r"\[\[([^\]|#]+)(?:[#|][^\]]*)?\]\]")
HEADING = re.compile(r"^#\s+(.+)$", re.M)


@router.route("GET", "/context/graph")
def graph(ctx: Ctx) -> Any:
    _, tree = _context(ctx)
    documents = {p: read_text(ctx.store, sha) for p, sha in tree.items() if p.endswith((".md", ".mdx"))}
    stems: dict[str, str] = {}
    for path in sorted(documents):
        stems.setdefault(posixpath.splitext(posixpath.basename(path))[0].lower(), path)
    nodes, edges = [], []
    for path, text in sorted(documents.items()):
        title = HEADING.search(text)
        nodes.append({"id": path, "path": path, "title": title[1].strip() if title else posixpath.basename(path),
                      "directory": posixpath.dirname(path)})  # fmt: skip
        targets = []
        for link in MD_LINK.findall(text):
            if "://" not in link and not link.startswith("mailto:"):
                targets.append(posixpath.normpath(posixpath.join(posixpath.dirname(path), link)).lstrip("/"))
        targets += [stems.get(name.strip().lower(), "") for name in WIKI_LINK.findall(text)]
        for target in dict.fromkeys(targets):
            if target in documents and target != path:
                edges.append({"source": path, "target": target, "kind": "link"})
    return {"graph": {"nodes": nodes, "edges": edges}}
