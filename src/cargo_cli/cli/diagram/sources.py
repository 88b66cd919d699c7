"""Where a diagram's nodes come from: exactly one of --nodes, --file,
--release-uuid, --workflow-uuid (deployed, or --draft) or --run-uuid."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import click

from cargo_cli.api.resources import orchestration
from cargo_cli.cli.params import parse_json_text, read_text_source
from cargo_cli.cli.rows import Invocation
from cargo_cli.errors import CargoError, UsageError

SOURCE_FLAGS = {
    "nodes": "--nodes",
    "file": "--file",
    "release_uuid": "--release-uuid",
    "workflow_uuid": "--workflow-uuid",
    "run_uuid": "--run-uuid",
}
SHAPE_HINT = "a JSON array of nodes, or an object with nodes (a release, run or template answer)"


def find_nodes(document: Any) -> list[Any] | None:
    if isinstance(document, list):
        return document
    if not isinstance(document, Mapping):
        return None
    candidates = [document.get("nodes")]
    for key in ("release", "draftRelease", "run", "template"):
        inner = document.get(key)
        if isinstance(inner, Mapping):
            candidates.append(inner.get("nodes"))
    return next((c for c in candidates if isinstance(c, list)), None)


def _local_nodes(document: Any, flag: str) -> list[Any]:
    nodes = find_nodes(document)
    if nodes is None:
        raise UsageError(f"{flag}: expected {SHAPE_HINT}")
    return nodes


def _read_file(path: str) -> Any:
    try:
        text = read_text_source("@" + path)
    except click.BadParameter as exc:
        raise UsageError(f"--file: {exc.message}") from None
    return parse_json_text(text, f"--file {path}")


def _release_nodes(answer: Any, what: str) -> list[Any]:
    from cargo_cli.api.models import ReleaseAnswer, read

    found = read(ReleaseAnswer, answer)
    if found is None or found.release.nodes is None:
        raise CargoError(f"The {what} has no node graph")
    return found.release.nodes


def _run_nodes(inv: Invocation, run_uuid: str) -> tuple[list[Any], set[str], set[str]]:
    """The run's own nodes (ad-hoc ``action execute`` runs), else its release's;
    plus the uuids of the nodes it executed and those that failed."""
    from cargo_cli.api.models import RunAnswer, read

    answer = read(RunAnswer, inv.call(orchestration.Run.get, {"uuid": run_uuid}))
    if answer is None:
        raise CargoError(f"Run {run_uuid} has no data")
    run = answer.run
    executed = {e.node_uuid for e in run.executions if e.node_uuid and e.status == "success"}
    failed = {e.node_uuid for e in run.executions if e.node_uuid and e.status == "error"}
    if run.nodes:
        return run.nodes, executed, failed
    release_uuid = run.release_uuid
    if not release_uuid:
        raise CargoError(f"Run {run_uuid} has no node graph (no nodes and no releaseUuid)")
    release = inv.call(orchestration.Release.get, {"uuid": release_uuid})
    return _release_nodes(release, f"release {release_uuid} of run {run_uuid}"), executed, failed


@dataclass(frozen=True)
class DiagramOptions:
    """``node diagram``'s flags (all local: nothing is sent as a payload)."""

    direction: str | None
    draft: bool | None
    file: str | None
    format: str | None
    highlight: list[str] | None
    nodes: Any
    paid: list[str] | None
    raw: bool | None
    release_uuid: str | None
    run_uuid: str | None
    title: str | None
    workflow_uuid: str | None


def load_nodes(inv: Invocation, opts: DiagramOptions) -> tuple[list[Any], set[str], set[str]]:
    given = [flag for name, flag in SOURCE_FLAGS.items() if getattr(opts, name) is not None]
    if len(given) != 1:
        found = f"got {', '.join(given)}" if given else "got none"
        raise UsageError(f"Give exactly one source: {', '.join(SOURCE_FLAGS.values())} ({found})")
    if opts.draft and opts.workflow_uuid is None:
        raise UsageError("--draft only applies with --workflow-uuid")
    if opts.nodes is not None:
        return _local_nodes(opts.nodes, "--nodes"), set(), set()
    if opts.file is not None:
        return _local_nodes(_read_file(opts.file), "--file"), set(), set()
    if opts.release_uuid is not None:
        answer = inv.call(orchestration.Release.get, {"uuid": opts.release_uuid})
        return _release_nodes(answer, f"release {opts.release_uuid}"), set(), set()
    if opts.workflow_uuid is not None:
        endpoint = orchestration.DraftRelease.get if opts.draft else orchestration.Release.get_deployed
        answer = inv.call(endpoint, {"workflowUuid": opts.workflow_uuid})
        what = "draft release" if opts.draft else "deployed release"
        return _release_nodes(answer, f"{what} of workflow {opts.workflow_uuid}"), set(), set()
    assert opts.run_uuid is not None
    return _run_nodes(inv, opts.run_uuid)
