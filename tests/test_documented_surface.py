"""Every command Cargo's docs show (core tier) exists with exactly the
documented names, flags and positionals; every rejected one fails like an
unknown command. The table is a snapshot of shared/spec/commands.json
(core + rejected tiers) in tests/data/documented_commands.json."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest

from cargo_cli.cli.root import cli as root

DOCUMENTED = json.loads((Path(__file__).parent / "data" / "documented_commands.json").read_text())

# Documented in the core tier but without any wire spec; refused with an
# explanation (docs/workspace-management.md).
NO_WIRE_SPEC = {("workspaceManagement", "envVar")}

# Documented at some sites but fictional (issue 4): must be unknown options.
FICTIONAL_FLAGS = {("storage", "model", "list"): ["--dataset-uuid"]}


def _core() -> list[dict]:
    return [c for c in DOCUMENTED if c["tier"] == "core" and tuple(c["path"][:2]) not in NO_WIRE_SPEC]


def _resolve(path: list[str]) -> click.Command | None:
    command: click.Command | None = root
    ctx = click.Context(root, info_name="cargo-ai")
    for name in path:
        if not isinstance(command, click.Group):
            return None
        command = command.get_command(ctx, name)
        if command is None:
            return None
        ctx = click.Context(command, info_name=name, parent=ctx)
    return command


@pytest.mark.parametrize("doc", _core(), ids=lambda d: " ".join(d["path"]))
def test_documented_command_exists_with_its_flags_and_positionals(doc):
    command = _resolve(doc["path"])
    assert command is not None, f"missing command: {' '.join(doc['path'])}"
    options = {opt for p in command.params if isinstance(p, click.Option) for opt in p.opts}
    fictional = FICTIONAL_FLAGS.get(tuple(doc["path"]), [])
    missing = [flag for flag in doc["flags"] if flag not in options and flag not in fictional]
    assert not missing, f"{' '.join(doc['path'])} lacks {missing}"
    assert not [flag for flag in fictional if flag in options]
    if doc["status"] != "documented-name-only":  # name-only: positionals are not documented
        arguments = [p for p in command.params if isinstance(p, click.Argument)]
        assert len(arguments) == len(doc["positional"]), [a.name for a in arguments]


@pytest.mark.parametrize(("path", "flags"), FICTIONAL_FLAGS.items())
def test_fictional_flags_are_unknown_options(cli, api, path, flags):
    route = api.route()
    result = cli(*path, *[part for flag in flags for part in (flag, "22222222-2222-4222-8222-222222222222")])
    assert result.code == 2
    assert "No such option" in result.json["errorMessage"]
    assert not route.called


@pytest.mark.parametrize(
    "doc", [c for c in DOCUMENTED if c["tier"] == "rejected"], ids=lambda d: " ".join(d["path"])
)
def test_rejected_command_fails_like_an_unknown_command(cli, api, doc):
    route = api.route()
    argv = list(doc["path"])
    if doc["positional"]:
        argv.append("22222222-2222-4222-8222-222222222222")
    result = cli(*argv)
    assert result.code == 2, result.out
    assert "errorMessage" in result.json
    assert not route.called


def test_no_wire_spec_commands_are_refused(cli, api):
    route = api.route()
    result = cli("workspaceManagement", "envVar", "list")
    assert result.code == 2
    assert not route.called
