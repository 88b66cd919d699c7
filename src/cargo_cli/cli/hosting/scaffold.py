"""``hosting app init`` / ``hosting worker init``: scaffold a local project
from a template shipped in the package (``cargo_cli/templates/hosting``),
local only, nothing is sent. A template may extend another; ``__NAME__`` and
``__PACKAGE__`` in its files are filled in; init never overwrites files.
The templates are described in docs/seeds-domains.md."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path, PurePosixPath
from typing import Any

from cargo_cli.errors import UsageError

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


def template_list(kind: str) -> list[dict[str, Any]]:
    listed: list[dict[str, Any]] = [
        {"slug": slug, "description": text, "available": True} for slug, text in TEMPLATES[kind].items()
    ]
    listed += [
        {"slug": slug, "description": reason, "available": False}
        for slug, reason in UNAVAILABLE[kind].items()
    ]
    return listed


def check_template(kind: str, slug: str) -> None:
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


def scaffold(kind: str, directory: str, template: str | None, name: str | None) -> dict[str, Any]:
    """Write template ``template`` (default blank) into the new or empty
    ``directory``; the answer names the files and the next steps."""
    target = Path(directory)
    slug = template or "blank"
    check_template(kind, slug)
    _check_empty_target(target)
    name = name or target.resolve().name
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
