"""The source tree of ``hosting deployment create``: every text file under
--source, as ``{path, content}``, minus the ignore list; and the refusals
(exit 2, nothing sent) of a tree that cannot be deployed: binary files,
symlinks, special files, files or trees over the limits, a built dist/
instead of the package root, an app without package.json, a worker without
an entrypoint.

Choices where the spec is silent are in docs/seeds-domains.md.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from fnmatch import fnmatch
from pathlib import Path, PurePosixPath

from cargo_cli.errors import UsageError

DEFAULT_IGNORES = ("node_modules", "dist", "build", ".git", ".next")
JUNK_FILES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})  # OS litter, never sent
MAX_FILES = 5000
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_TOTAL_BYTES = 25 * 1024 * 1024
WORKER_ENTRYPOINTS = ("src/index.ts", "src/index.js", "index.ts", "index.js")
SHOWN = 5  # offending paths named in a refusal


def mib(size: int) -> str:
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
            walk.too_large.append(f"{name} ({mib(size)})")
            continue
        walk.total += size
        if len(walk.files) >= MAX_FILES or walk.total > MAX_TOTAL_BYTES:
            raise UsageError(
                f"{root} is too large to deploy (over {MAX_FILES} files or {mib(MAX_TOTAL_BYTES)}): point "
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
            f"Files over {mib(MAX_FILE_BYTES)} are not deployed: {_listing(walk.too_large)}. "
            "Add them to --ignore"
        )


def check_deployable(root: Path, kind: str, files: list[dict[str, str]], ignores: Sequence[str]) -> None:
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
