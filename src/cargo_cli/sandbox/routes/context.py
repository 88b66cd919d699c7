"""context: the workspace's context repository as a versioned file tree.

Like git: file contents are content-addressed blobs, a commit records a
message, its parent and the whole tree (path -> blob sha), and the
repository points at its head commit. ``runtime write`` and ``runtime edit``
each push one commit (``commitMessage`` recorded); ``runtime execute`` runs a
few read-only programs (ls, cat, head, tail, wc, grep, find, pwd, echo,
``git log``, ``git show``) over the head tree, emulated in Python: no process
is ever started. ``graph get`` links the md/mdx files through their markdown
and ``[[wiki]]`` links.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import posixpath
import re
import shlex
from collections.abc import Callable
from typing import Any

from starlette.responses import Response

from cargo_cli.sandbox.http import ApiError, Ctx, Router, as_int
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


def _directories(tree: dict[str, str]) -> set[str]:
    found = {""}
    for path in tree:
        parts = path.split("/")[:-1]
        found.update("/".join(parts[: i + 1]) for i in range(len(parts)))
    return found


def _context(ctx: Ctx) -> tuple[dict[str, Any], dict[str, str]]:
    repo = repository(ctx.store, ctx.workspace_uuid)
    return repo, head_tree(ctx.store, repo)


def _file(ctx: Ctx, tree: dict[str, str], path: str) -> str:
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
    directories = _directories(tree)
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
    sha = _file(ctx, tree, path)
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
    sha = _file(ctx, tree, path)
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
    if path in _directories(tree):
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
    text = read_text(ctx.store, _file(ctx, tree, path))
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
    shell = Shell(ctx.store, repo, tree)
    run = shell.programs().get(program)
    if run is None:
        known = ", ".join(sorted(shell.programs()))
        return {
            "exitCode": 127,
            "stdout": "",
            "stderr": f"{program}: command not found (emulated: {known})\n",
        }
    try:
        code = run(argv)
    except _UsageError as exc:
        shell.err.append(f"{program}: {exc}\n")
        code = 2
    return {"exitCode": code, "stdout": "".join(shell.out), "stderr": "".join(shell.err)}


# -- execute: read-only programs over the tree ------------------------------------------------
class _UsageError(Exception):
    pass


def _options(argv: list[str], flags: str, valued: str = "") -> tuple[set[str], dict[str, str], list[str]]:
    """Short options (-rli, -n 5, -n5) before/among operands; -- ends them."""
    seen: set[str] = set()
    values: dict[str, str] = {}
    operands: list[str] = []
    items = iter(argv)
    for arg in items:
        if arg == "--":
            operands.extend(items)
            break
        if arg.startswith("-") and len(arg) > 1 and not (arg[1:].isdigit() and "n" in valued):
            letters = arg[1:]
            for index, letter in enumerate(letters):
                if letter in valued:
                    values[letter] = letters[index + 1 :] or next(items, "")
                    break
                if letter not in flags:
                    raise _UsageError(f"invalid option -- '{letter}'")
                seen.add(letter)
        elif arg.startswith("-") and arg[1:].isdigit() and "n" in valued:
            values["n"] = arg[1:]
        else:
            operands.append(arg)
    return seen, values, operands


class Shell:
    def __init__(self, store: Store, repo: dict[str, Any], tree: dict[str, str]) -> None:
        self.store, self.repo, self.tree = store, repo, tree
        self.dirs = _directories(tree)
        self.out: list[str] = []
        self.err: list[str] = []

    def programs(self) -> dict[str, Callable[[list[str]], int]]:
        return {"ls": self.ls, "cat": self.cat, "head": self.head, "tail": self.tail, "wc": self.wc,
                "grep": self.grep, "find": self.find, "pwd": self.pwd, "echo": self.echo, "git": self.git}  # fmt: skip

    def _path(self, raw: str) -> str | None:
        try:
            return clean_path(raw, directory=True)
        except ApiError:
            return None

    def _text(self, raw: str, program: str) -> str | None:
        path = self._path(raw)
        if path in self.dirs:
            self.err.append(f"{program}: {raw}: Is a directory\n")
            return None
        if path is None or path not in self.tree:
            self.err.append(f"{program}: {raw}: No such file or directory\n")
            return None
        return read_text(self.store, self.tree[path])

    def _files_under(self, path: str) -> list[str]:
        prefix = f"{path}/" if path else ""
        return sorted(f for f in self.tree if f.startswith(prefix) or f == path)

    def pwd(self, argv: list[str]) -> int:
        self.out.append("/\n")
        return 0

    def echo(self, argv: list[str]) -> int:
        self.out.append(" ".join(argv) + "\n")
        return 0

    def ls(self, argv: list[str]) -> int:
        seen, _, operands = _options(argv, "laR1")
        code = 0
        for raw in operands or ["."]:
            path = self._path(raw)
            if path in self.tree:
                self.out.append(f"{raw}\n")
                continue
            if path is None or path not in self.dirs:
                self.err.append(f"ls: cannot access '{raw}': No such file or directory\n")
                code = 2
                continue
            prefix = f"{path}/" if path else ""
            names = sorted({p[len(prefix) :].split("/")[0] for p in self.tree if p.startswith(prefix)})
            if len(operands) > 1:
                self.out.append(f"{raw}:\n")
            for name in names:
                full = prefix + name
                if "l" in seen:
                    size = 0 if full in self.dirs else len(read_text(self.store, self.tree[full]).encode())
                    kind = "d" if full in self.dirs else "-"
                    self.out.append(f"{kind}rw-r--r-- {size:>8} {name}{'/' if kind == 'd' else ''}\n")
                else:
                    self.out.append(f"{name}{'/' if full in self.dirs else ''}\n")
        return code

    def cat(self, argv: list[str]) -> int:
        _, _, operands = _options(argv, "")
        code = 0
        for raw in operands:
            text = self._text(raw, "cat")
            if text is None:
                code = 1
            else:
                self.out.append(text)
        return code

    def _slice(self, argv: list[str], program: str, pick: Callable[[list[str], int], list[str]]) -> int:
        _, values, operands = _options(argv, "", "n")
        try:
            count = int(values.get("n", "10"))
        except ValueError:
            raise _UsageError(f"invalid number of lines: '{values['n']}'") from None
        code = 0
        for raw in operands:
            text = self._text(raw, program)
            if text is None:
                code = 1
                continue
            lines = text.splitlines(keepends=True)
            self.out.append("".join(pick(lines, count)))
        return code

    def head(self, argv: list[str]) -> int:
        return self._slice(argv, "head", lambda lines, n: lines[:n])

    def tail(self, argv: list[str]) -> int:
        return self._slice(argv, "tail", lambda lines, n: lines[-n:] if n else [])

    def wc(self, argv: list[str]) -> int:
        seen, _, operands = _options(argv, "lwc")
        shown = [letter for letter in "lwc" if letter in seen] or ["l", "w", "c"]
        code = 0
        for raw in operands:
            text = self._text(raw, "wc")
            if text is None:
                code = 1
                continue
            counts = {"l": text.count("\n"), "w": len(text.split()), "c": len(text.encode())}
            self.out.append(" ".join(str(counts[letter]) for letter in shown) + f" {raw}\n")
        return code

    def grep(self, argv: list[str]) -> int:
        seen, values, operands = _options(argv, "rRlinvcFEwH", "e")
        pattern = values.get("e")
        if pattern is None:
            if not operands:
                raise _UsageError("usage: grep [-rlinvcFw] PATTERN [PATH...]")
            pattern, operands = operands[0], operands[1:]
        text = re.escape(pattern) if "F" in seen else pattern
        if "w" in seen:
            text = rf"\b(?:{text})\b"
        try:
            regex = re.compile(text, re.IGNORECASE if "i" in seen else 0)
        except re.error as exc:
            raise _UsageError(f"invalid regular expression: {exc}") from None
        recursive = bool(seen & {"r", "R"})
        targets: list[str] = []
        for raw in operands or (["."] if recursive else []):
            path = self._path(raw)
            if path is not None and path in self.dirs and recursive:
                targets.extend(self._files_under(path))
            elif path is not None and path in self.tree:
                targets.append(path)
            else:
                self.err.append(
                    f"grep: {raw}: {'Is a directory' if path in self.dirs else 'No such file or directory'}\n"
                )
        if not targets and not operands and not recursive:
            raise _UsageError("no file to search (the runtime has no stdin): pass a path, or -r")
        named = recursive or len(targets) > 1 or "H" in seen
        matched_any = False
        for path in targets:
            lines = read_text(self.store, self.tree[path]).splitlines()
            hits = [(n, line) for n, line in enumerate(lines, 1) if bool(regex.search(line)) != ("v" in seen)]
            matched_any = matched_any or bool(hits)
            if "l" in seen:
                self.out.extend(f"{path}\n" for _ in hits[:1])
            elif "c" in seen:
                self.out.append(f"{path}:{len(hits)}\n" if named else f"{len(hits)}\n")
            else:
                for number, line in hits:
                    where = (f"{path}:" if named else "") + (f"{number}:" if "n" in seen else "")
                    self.out.append(f"{where}{line}\n")
        if self.err:
            return 2
        return 0 if matched_any else 1

    def find(self, argv: list[str]) -> int:
        roots = []
        while argv and not argv[0].startswith("-"):
            roots.append(argv.pop(0))
        name, kind, folded = None, None, False
        while argv:
            option = argv.pop(0)
            if option in ("-name", "-iname", "-type") and argv:
                value = argv.pop(0)
                if option == "-type":
                    if value not in ("f", "d"):
                        raise _UsageError(f"unknown argument to -type: {value}")
                    kind = value
                else:
                    name = value.lower() if option == "-iname" else value
                    folded = option == "-iname"
            else:
                raise _UsageError(f"unknown predicate '{option}'")
        code = 0
        for raw in roots or ["."]:
            path = self._path(raw)
            if path is None or (path not in self.dirs and path not in self.tree):
                self.err.append(f"find: '{raw}': No such file or directory\n")
                code = 1
                continue
            prefix = f"{path}/" if path else ""
            found = [(d, "d") for d in sorted(self.dirs) if d.startswith(prefix) or d == path]
            found += [(f, "f") for f in sorted(self.tree) if f.startswith(prefix) or f == path]
            for item, item_kind in sorted(found):
                base = posixpath.basename(item) or "."
                if kind and kind != item_kind:
                    continue
                if name and not fnmatch.fnmatchcase(base.lower() if folded else base, name):
                    continue
                shown = raw.rstrip("/") if item == path else f"{raw.rstrip('/')}/{item[len(prefix) :]}"
                self.out.append(f"{shown}\n")
        return code

    def git(self, argv: list[str]) -> int:
        if not argv or argv[0] not in ("log", "show"):
            raise _UsageError("only 'git log' and 'git show' are emulated (read-only)")
        commits = history(self.store, self.repo)
        if argv[0] == "log":
            oneline = "--oneline" in argv
            _, values, operands = _options([a for a in argv[1:] if a != "--oneline"], "", "n")
            if "n" in values:
                commits = commits[: int(values["n"] or 0)]
            if operands:
                wanted = self._path(operands[-1]) or ""
                commits = [c for c in commits if any(ch["path"] == wanted for ch in c["changes"])]
            for item in commits:
                if oneline:
                    self.out.append(f"{item['shortSha']} {item['message']}\n")
                else:
                    self.out.append(
                        f"commit {item['sha']}\nDate:   {item['createdAt']}\n\n    {item['message']}\n\n"
                    )
            return 0
        if len(argv) != 2 or ":" not in argv[1]:
            raise _UsageError("usage: git show <sha>:<path>")
        ref, raw = argv[1].split(":", 1)
        target = (
            next((c for c in commits if c["sha"].startswith(ref) or ref == "HEAD"), None) if ref else None
        )
        path = self._path(raw)
        if target is None or path is None or path not in target["tree"]:
            self.err.append(f"fatal: path '{raw}' does not exist in '{ref}'\n")
            return 128
        self.out.append(read_text(self.store, target["tree"][path]))
        return 0


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
