"""The hosting domain: apps (static front ends), workers (edge
``fetch(request, env)`` handlers) and the deployments that build and
promote them; plus two local-only commands, ``init`` (scaffold a project
from a template shipped in the package) and ``app env`` (.env.local lines).

Choices where the spec is silent (source walk limits, binary files,
symlinks, templates, the .env.local format) are in docs/seeds-domains.md.
"""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from fnmatch import fnmatch
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path, PurePosixPath
from typing import Any

import click

from cargo_cli.api.resources import hosting
from cargo_cli.cli.paging import paginated
from cargo_cli.cli.params import CSV, NULLABLE_UUID, UUID
from cargo_cli.cli.shapes import something_to_update, uuid_arg
from cargo_cli.cli.spec import Arg, Cmd, Invocation, Opt, build_domain
from cargo_cli.cli.wait import WaitSpec, field_of
from cargo_cli.errors import CargoError, UsageError
from cargo_cli.settings import normalize_origin

# -- deployment create: the source walk ------------------------------------------
DEFAULT_IGNORES = ("node_modules", "dist", "build", ".git", ".next")
JUNK_FILES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})  # OS litter, never sent
MAX_FILES = 5000
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_TOTAL_BYTES = 25 * 1024 * 1024
WORKER_ENTRYPOINTS = ("src/index.ts", "src/index.js", "index.ts", "index.js")
SHOWN = 5  # offending paths named in a refusal


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MiB"


def _listing(paths: Sequence[str]) -> str:
    more = f" (and {len(paths) - SHOWN} more)" if len(paths) > SHOWN else ""
    return ", ".join(paths[:SHOWN]) + more


def is_ignored(rel: PurePosixPath, patterns: Sequence[str]) -> bool:
    """A name pattern (``node_modules``, ``*.log``) matches any path component;
    a pattern with a slash (``src/generated``) matches the relative path or
    anything under it."""
    text = rel.as_posix()
    for pattern in patterns:
        if "/" in pattern:
            anchored = pattern.strip("/")
            if fnmatch(text, anchored) or text.startswith(anchored + "/"):
                return True
        elif any(fnmatch(part, pattern) for part in rel.parts):
            return True
    return False


class _Walk:
    """What a walk of --source found: the files to send and every reason not to."""

    def __init__(self) -> None:
        self.files: list[dict[str, str]] = []
        self.total = 0
        self.binary: list[str] = []
        self.links: list[str] = []
        self.special: list[str] = []
        self.too_large: list[str] = []
        self.unreadable: list[str] = []


def _walk_paths(root: Path, ignores: Sequence[str], walk: _Walk) -> Iterator[tuple[PurePosixPath, Path]]:
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        base = Path(dirpath)
        rel_dir = PurePosixPath(*base.relative_to(root).parts)
        kept = []
        for name in sorted(dirnames):
            rel = rel_dir / name
            if is_ignored(rel, ignores):
                continue
            if (base / name).is_symlink():
                walk.links.append(rel.as_posix() + "/")
                continue
            kept.append(name)
        dirnames[:] = kept
        for name in sorted(filenames):
            rel = rel_dir / name
            if name in JUNK_FILES or is_ignored(rel, ignores):
                continue
            yield rel, base / name


def collect_source(root: Path, ignores: Sequence[str]) -> list[dict[str, str]]:
    """Every text file under ``root`` not ignored, as ``{path, content}``
    (POSIX paths relative to ``root``, sorted). Refuses (exit 2, nothing
    sent) binary files, symlinks, special files and trees over the limits."""
    walk = _Walk()
    for rel, path in _walk_paths(root, ignores, walk):
        name = rel.as_posix()
        if path.is_symlink():
            walk.links.append(name)
            continue
        if not path.is_file():
            walk.special.append(name)
            continue
        try:
            name.encode("utf-8")
        except UnicodeEncodeError:  # an undecodable file name: it cannot travel in JSON
            walk.unreadable.append(name.encode("utf-8", "replace").decode())
            continue
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            walk.too_large.append(f"{name} ({_mib(size)})")
            continue
        walk.total += size
        if len(walk.files) >= MAX_FILES or walk.total > MAX_TOTAL_BYTES:
            raise UsageError(
                f"{root} is too large to deploy (over {MAX_FILES} files or {_mib(MAX_TOTAL_BYTES)}): point "
                "--source at the package root and --ignore generated or vendored directories"
            )
        try:
            data = path.read_bytes()
        except OSError:
            walk.unreadable.append(name)
            continue
        try:
            if b"\0" in data:
                raise UnicodeDecodeError("utf-8", data, 0, 1, "NUL byte")
            content = data.decode("utf-8")
        except UnicodeDecodeError:
            walk.binary.append(name)
            continue
        walk.files.append({"path": name, "content": content})
    _refuse_problems(walk)
    return walk.files


def _refuse_problems(walk: _Walk) -> None:
    if walk.binary:
        raise UsageError(
            f"Cannot deploy binary files (a deployment sends text sources only): {_listing(walk.binary)}. "
            "Add them to --ignore, or serve them from a URL"
        )
    if walk.links:
        raise UsageError(
            f"Symbolic links are not deployed: {_listing(walk.links)}. Replace them with the files, "
            "or add them to --ignore"
        )
    if walk.unreadable:
        raise UsageError(
            f"Cannot read (permissions, or a file name that is not UTF-8): {_listing(walk.unreadable)}. "
            "Fix them or add them to --ignore"
        )
    if walk.special:
        raise UsageError(f"Not regular files: {_listing(walk.special)}. Add them to --ignore")
    if walk.too_large:
        raise UsageError(
            f"Files over {_mib(MAX_FILE_BYTES)} are not deployed: {_listing(walk.too_large)}. "
            "Add them to --ignore"
        )


def _check_deployable(root: Path, kind: str, files: list[dict[str, str]], ignores: Sequence[str]) -> None:
    paths = {item["path"] for item in files}
    looks_built = root.name in {"dist", "build", "out"} or (
        "index.html" in paths and "package.json" not in paths
    )
    if not files and any((root / name).is_dir() for name in ("dist", "build")):
        looks_built = True
    hint = (
        " --source is the package root (where package.json lives), not a built dist/: Cargo builds it."
        if looks_built
        else ""
    )
    if not files:
        raise UsageError(
            f"Nothing to deploy in {root}: no files left after --ignore {','.join(ignores)}.{hint}"
        )
    if kind == "app" and "package.json" not in paths:
        raise UsageError(
            f"{root} has no package.json: an app deploys from its package root "
            f"(Cargo runs npm ci and the build there).{hint or ' A built dist/ cannot be deployed either.'}"
        )
    if kind == "worker" and not paths.intersection(WORKER_ENTRYPOINTS):
        raise UsageError(
            f"{root} has no worker entrypoint ({', '.join(WORKER_ENTRYPOINTS)}): point --source at the "
            f"worker's package root.{hint}"
        )


def _target(payload: dict[str, Any]) -> str | None:
    """Exactly one of --app-uuid / --worker-uuid: "app" / "worker"."""
    if "appUuid" in payload and "workerUuid" in payload:
        raise UsageError("--app-uuid and --worker-uuid are mutually exclusive: pass exactly one")
    if "appUuid" in payload:
        return "app"
    if "workerUuid" in payload:
        return "worker"
    return None


def exactly_one_target(payload: dict[str, Any]) -> dict[str, Any]:
    if _target(payload) is None:
        raise UsageError("Pass exactly one of --app-uuid or --worker-uuid")
    return payload


@dataclass(frozen=True)
class DeploymentCreateOptions:
    """``deployment create``'s local flags: the files are read, not sent as flags."""

    source: str
    ignore: list[str] | None


def _create_deployment(inv: Invocation) -> Any:
    kind = _target(inv.payload)
    opts = inv.options.typed(DeploymentCreateOptions)
    root = Path(opts.source)
    ignores = opts.ignore
    ignores = list(DEFAULT_IGNORES) if ignores is None else ignores
    files = collect_source(root, ignores)
    _check_deployable(root, str(kind), files, ignores)
    return inv.call(payload={"files": files, "kind": kind, **inv.payload})


DEPLOYMENT_WAIT = WaitSpec(
    label="deployment",
    get_endpoint=hosting.Deployment.get,
    uuid_of=field_of("deployment", "uuid"),
    status_of=field_of("deployment", "status"),
    default_interval_ms=3000,
)


# -- app env: .env.local lines ------------------------------------------------------
_BARE_VALUE = re.compile(r"^[A-Za-z0-9_./:@+,-]*$")


def dotenv_line(key: str, value: Any) -> str:
    """``KEY=value``, double-quoted (with \\ \" \\n \\r escapes) unless plain."""
    text = "" if value is None else value if isinstance(value, str) else str(value).lower()
    if _BARE_VALUE.match(text):
        return f"{key}={text}"
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'{key}="{escaped}"'


@dataclass(frozen=True)
class AppEnvOptions:
    api_url: str | None


def _app_env(inv: Invocation) -> str:
    uuid = inv.payload["uuid"]
    found = inv.call(hosting.App.get, {"uuid": uuid})
    app = found.get("app") if isinstance(found, Mapping) else None
    if not isinstance(app, Mapping):
        raise CargoError("The API answer has no app", extra={"result": found})
    listed = inv.call(hosting.EnvVars.list, {"appUuid": uuid})
    env_vars = listed.get("envVars") if isinstance(listed, Mapping) else None
    api_url = normalize_origin(inv.options.typed(AppEnvOptions).api_url or inv.runtime.settings.api_url)
    workspace = app.get("workspaceUuid") or inv.client.workspace_uuid or ""
    lines = [
        f"# .env.local for the Cargo app {' '.join(str(app.get('name') or uuid).split())} (cargo-ai hosting app env)",
        dotenv_line("VITE_CARGO_API_URL", api_url),
        dotenv_line("VITE_CARGO_WORKSPACE_UUID", workspace),
        dotenv_line("VITE_CARGO_APP_UUID", uuid),
    ]
    if app.get("oauthClientId"):
        lines.append(dotenv_line("VITE_CARGO_OAUTH_CLIENT_ID", app["oauthClientId"]))
    for item in env_vars if isinstance(env_vars, list) else []:
        if not isinstance(item, Mapping) or not isinstance(item.get("key"), str):
            continue
        if item.get("isSecret") or item.get("value") is None:
            lines.append(f"# {item['key']}: secret, not printed")
        else:
            lines.append(dotenv_line(item["key"], item["value"]))
    return "\n".join(lines) + "\n"


# -- init: scaffold a local project from a template shipped in the package --------
TEMPLATES: dict[str, dict[str, str]] = {
    "app": {
        "blank": "Minimal Vite app (plain TypeScript, no framework): a page that reads the platform env.",
        "territories-overview": "Read-only grid of the workspace's territories from the Cargo REST API (Vite, "
        "plain TypeScript).",
    },
    "worker": {
        "blank": "A plain fetch(request, env) handler with a hand-written OpenAPI spec at /openapi.json and a "
        "local dev server (node dev.js).",
    },
}
UNAVAILABLE: dict[str, dict[str, str]] = {
    "app": {},
    "worker": {
        "custom-integration": "The vendor's template implements the Cargo Custom Integration protocol of "
        "@cargo-ai/worker-sdk, which is neither published on npm nor documented; cargo-ai cannot scaffold it "
        "honestly. Start from `--template blank`.",
    },
}
# A template may extend another: its files are laid over the base's.
EXTENDS: dict[tuple[str, str], str] = {("app", "territories-overview"): "blank"}
RENAMED = {"gitignore": ".gitignore"}  # dotfiles are stored without the dot in the package
_SLUG = re.compile(r"[^a-z0-9]+")


def _template_list(kind: str) -> list[dict[str, Any]]:
    listed: list[dict[str, Any]] = [
        {"slug": slug, "description": text, "available": True} for slug, text in TEMPLATES[kind].items()
    ]
    listed += [
        {"slug": slug, "description": reason, "available": False}
        for slug, reason in UNAVAILABLE[kind].items()
    ]
    return listed


def _check_template(kind: str, slug: str) -> None:
    if slug in UNAVAILABLE[kind]:
        raise UsageError(f"Template {slug!r} is not available: {UNAVAILABLE[kind][slug]}")
    if slug not in TEMPLATES[kind]:
        raise UsageError(f"Unknown {kind} template {slug!r}: choose one of {', '.join(TEMPLATES[kind])}")


def template_files(kind: str, slug: str) -> dict[PurePosixPath, Traversable]:
    """The files of a template (relative path -> packaged file), its base's first."""
    base = EXTENDS.get((kind, slug))
    files = template_files(kind, base) if base else {}
    root = resources.files("cargo_cli").joinpath("templates", "hosting", kind, slug)
    files.update(_template_files(root, PurePosixPath()))
    return files


def _template_files(node: Traversable, prefix: PurePosixPath) -> Iterator[tuple[PurePosixPath, Traversable]]:
    for child in sorted(node.iterdir(), key=lambda item: item.name):
        if child.name == "__pycache__":
            continue
        if child.is_dir():
            yield from _template_files(child, prefix / child.name)
        else:
            yield prefix / RENAMED.get(child.name, child.name), child


def _check_empty_target(target: Path) -> None:
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target} exists and is not a directory")
    if target.is_dir() and any(target.iterdir()):
        raise UsageError(f"{target} is not empty: init never overwrites files; pick a new or empty directory")


@dataclass(frozen=True)
class InitOptions:
    """``app init`` / ``worker init``: local only, nothing is sent."""

    dir: str | None
    list_templates: bool | None
    template: str | None
    name: str | None


def scaffold(kind: str, inv: Invocation) -> Any:
    opts = inv.options.typed(InitOptions)
    if opts.list_templates:
        return _template_list(kind)
    if not opts.dir:  # optional only so that --list-templates needs no directory
        raise UsageError(
            f"Missing argument '<dir>': the directory to scaffold (`cargo-ai hosting {kind} init <dir>`)"
        )
    target = Path(opts.dir)
    slug = opts.template or "blank"
    _check_template(kind, slug)
    _check_empty_target(target)
    name = opts.name or target.resolve().name
    package = _SLUG.sub("-", name.lower()).strip("-") or f"cargo-{kind}"
    written = []
    for rel, source in sorted(template_files(kind, slug).items()):
        text = source.read_text(encoding="utf-8").replace("__NAME__", name).replace("__PACKAGE__", package)
        destination = target.joinpath(*rel.parts)
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_text(text, encoding="utf-8")
        written.append(rel.as_posix())
    folder = shlex.quote(str(target))
    steps = [
        f"cd {folder} && npm install && npm run dev",
        f"cargo-ai hosting {kind} create --name {shlex.quote(name)} --slug {package}",
        f"cargo-ai hosting deployment create --{kind}-uuid <{kind}-uuid> --source {folder}",
    ]
    return {"directory": str(target.resolve()), "kind": kind, "template": slug, "name": name,
            "files": written, "nextSteps": steps}  # fmt: skip


def _init_command(kind: str) -> Cmd:
    article = "an app" if kind == "app" else "a worker"
    return Cmd(
        f"{kind} init", None,
        f"Scaffold {article} project from a template shipped with cargo-ai (local only, nothing is sent).\n\n"
        "Templates build with public npm packages only (see docs/seeds-domains.md). <dir> must be new or "
        "empty: init never overwrites files.",
        args=(Arg("dir", local=True, required=False, type=click.Path(file_okay=True, dir_okay=True),
                  help="The new or empty project directory (not needed with --list-templates)."),),
        opts=(
            Opt("--list-templates", is_flag=True, local=True, help="Print the templates as JSON and exit."),
            Opt("--template", local=True, metavar="SLUG", help="The template (default: blank)."),
            Opt("--name", local=True, help="Display name (default: the directory's name)."),
        ),
        handler=lambda inv: scaffold(kind, inv),
        options=InitOptions,
    )  # fmt: skip


# -- the commands --------------------------------------------------------------------
APP_UUID = Opt("--app-uuid", UUID, help="The app (exclusive with --worker-uuid).")
WORKER_UUID = Opt("--worker-uuid", UUID, help="The worker (exclusive with --app-uuid).")


def _slot_commands(kind: str) -> list[Cmd]:
    """list/get/create/update/remove: the same shape for apps and workers."""
    plural = f"{kind}s"
    metavar = f"{kind}-uuid"
    area: type[hosting.App | hosting.Worker] = hosting.App if kind == "app" else hosting.Worker
    return [
        Cmd(
            f"{kind} list", area.list, f"List {plural} → {{{plural}}}.",
            opts=(Opt("--folder-uuid", UUID, help=f"Only the {plural} in this folder."),),
        ),
        Cmd(f"{kind} get", area.get, f"Get {'an' if kind == 'app' else 'a'} {kind} (incl. its url).",
            args=(uuid_arg(metavar),)),
        Cmd(
            f"{kind} create", area.create,
            f"Create the {kind} slot; --slug becomes part of its host name → {{{kind}}}.",
            opts=(
                Opt("--name", required=True, help="Display name."),
                Opt("--slug", required=True, help="Slug, unique in the workspace (part of the live host)."),
                Opt("--folder-uuid", UUID, help="File it into this folder."),
            ),
        ),
        Cmd(
            f"{kind} update", area.update, f"Rename or move {'an' if kind == 'app' else 'a'} {kind}.",
            opts=(
                Opt("--uuid", UUID, required=True, help=f"The {kind}'s uuid."),
                Opt("--name", help="New name."),
                Opt("--folder-uuid", NULLABLE_UUID, help="New folder; null/none moves it to the top level."),
            ),
            prepare=something_to_update("--name", "--folder-uuid"),
        ),
        Cmd(f"{kind} remove", area.remove, f"Remove the {kind} and all its deployments.",
            args=(uuid_arg(metavar),)),
        _init_command(kind),
    ]  # fmt: skip


COMMANDS: list[Cmd] = [
    *_slot_commands("app"),
    Cmd(
        "app env", None,
        "Print the .env.local lines a local copy of the app needs (plain text, not JSON).\n\n"
        "VITE_CARGO_API_URL, VITE_CARGO_WORKSPACE_UUID, VITE_CARGO_APP_UUID, then the app's env vars "
        "(secret ones are named in a comment, never printed). Redirect it: "
        "cargo-ai hosting app env <app-uuid> > .env.local",
        args=(uuid_arg("app-uuid"),),
        opts=(Opt("--api-url", local=True, metavar="URL",
                  help="The API origin written to VITE_CARGO_API_URL (default: this CLI's, CARGO_API_URL)."),),
        handler=_app_env,
        options=AppEnvOptions,
        text=True,
    ),
    *_slot_commands("worker"),
    paginated(Cmd(
        "deployment list", hosting.Deployment.list, "List the deployments of an app or a worker.",
        opts=(APP_UUID, WORKER_UUID),
        prepare=exactly_one_target,
    ), "deployments"),
    Cmd("deployment get", hosting.Deployment.get, "Get a deployment (poll its status) → {deployment}.",
        args=(uuid_arg("deployment-uuid"),)),
    Cmd(
        "deployment get-promoted", hosting.Deployment.get_promoted,
        "The deployment that is live for an app or a worker → {deployment}.",
        opts=(APP_UUID, WORKER_UUID),
        prepare=exactly_one_target,
    ),
    Cmd(
        "deployment create", hosting.Deployment.create,
        "Upload a source directory and build it (not live until promoted) → {deployment}.\n\n"
        "Sends every text file under --source as {path, content}, minus the --ignore list (default "
        f"{','.join(DEFAULT_IGNORES)}; --ignore replaces it). Refuses, sending nothing: a built dist/ "
        "instead of the package root, binary files, symlinks, files over "
        f"{_mib(MAX_FILE_BYTES)}, more than {MAX_FILES} files or {_mib(MAX_TOTAL_BYTES)} in all.",
        opts=(
            Opt("--source", click.Path(exists=True, file_okay=False, dir_okay=True), required=True, local=True,
                metavar="DIR", help="The package root (where package.json lives), not dist/."),
            APP_UUID,
            WORKER_UUID,
            Opt("--ignore", CSV, local=True, metavar="a,b,c",
                help=f"Names or globs to skip (replaces the default {','.join(DEFAULT_IGNORES)})."),
        ),
        prepare=exactly_one_target,
        handler=_create_deployment,
        options=DeploymentCreateOptions,
        wait=DEPLOYMENT_WAIT,
        epilog="With --wait-until-finished, polls the deployment (`hosting deployment get`) every 3000 ms (--polling-interval) "
        "until success, error or cancelled, then prints it; an `error` status is data (exit 0) "
        "unless --exit-status is given (exit 1).",
    ),
    Cmd(
        "deployment promote", hosting.Deployment.promote, "Make a deployment live → {deployment}.",
        opts=(Opt("--uuid", UUID, required=True, help="The deployment's uuid."),),
    ),
]  # fmt: skip

group = build_domain(
    "hosting",
    COMMANDS,
    areas={
        "app": "Apps: static front ends on their own host.",
        "worker": "Workers: edge fetch(request, env) handlers.",
        "deployment": "Deployments: build, inspect, promote.",
    },
)
