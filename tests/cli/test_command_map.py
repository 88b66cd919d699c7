"""`cargo-ai commands`: generated from the click tree, the rows and the
registry; every leaf appears (drift fails here), with its flags as click
declares them, its API call or local/refused, waits/pages/downloads and its
help examples; narrowing and did-you-mean; --jq on it."""

from __future__ import annotations

import click
import pytest

from cargo_cli import __version__
from cargo_cli.cli import command_map
from cargo_cli.cli.dryrun import LOCAL
from cargo_cli.cli.help import ENVIRONMENT
from cargo_cli.cli.refusals import UNAVAILABLE
from cargo_cli.errors import (
    EXIT_BROKEN_PIPE,
    EXIT_ERROR,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
)
from tests.cli.tree import leaves

LEAVES = {path: command for path, command, _ in leaves()}


@pytest.fixture(scope="module")
def document():
    return command_map.build()


def by_path(document) -> dict:
    return {command["path"]: command for command in document["commands"]}


def test_every_leaf_of_the_click_tree_appears_once(document):
    paths = [command["path"] for command in document["commands"]]
    assert sorted(paths) == sorted(LEAVES)
    assert len(paths) == len(set(paths))


def test_header(document):
    assert document["schemaVersion"] == command_map.SCHEMA_VERSION
    assert document["cli"] == {"name": "cargo-ai", "version": __version__}
    assert [env["name"] for env in document["environment"]] == [name for name, _ in ENVIRONMENT]
    codes = {row["code"] for row in document["exitCodes"]}
    assert {EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_BROKEN_PIPE} <= codes
    flags = {flag["name"]: flag for flag in document["globalFlags"]}
    assert {"--jq", "--dry-run", "--debug", "--request-timeout", "--no-color", "--help", "--version"} <= set(
        flags
    )
    assert flags["--request-timeout"]["envvar"] == "CARGO_TIMEOUT"
    assert flags["--debug"]["envvar"] == "CARGO_DEBUG"


def test_each_flag_is_what_click_declares(document):
    commands = by_path(document)
    for path, command in LEAVES.items():
        declared = {
            next((o for o in param.opts if o.startswith("--")), param.opts[0]): param
            for param in command.params
            if isinstance(param, click.Option) and not param.hidden
        }
        described = {flag["name"]: flag for flag in commands[path]["flags"]}
        assert set(described) == set(declared), path
        for name, flag in described.items():
            assert flag["required"] == bool(declared[name].required), (path, name)
            assert flag["repeatable"] == bool(declared[name].multiple), (path, name)


def test_a_declared_row(document):
    run_list = by_path(document)["orchestration run list"]
    assert run_list["summary"] == "List runs of a workflow."
    assert run_list["kind"] == "api"
    assert run_list["calls"] == [
        {"id": "orchestration.run.list", "method": "POST", "path": "/v1/orchestration/runs/list"}
    ]
    assert run_list["pages"] is True and run_list["waits"] is False and run_list["downloads"] is False
    flags = {flag["name"]: flag for flag in run_list["flags"]}
    assert flags["--workflow-uuid"] == {**flags["--workflow-uuid"], "type": "uuid", "required": True}
    assert {"--all", "--ndjson"} <= set(flags)
    assert run_list["examples"] == [
        "cargo-ai orchestration run list --workflow-uuid <play.workflowUuid>",
        "cargo-ai orchestration run list --workflow-uuid <play.workflowUuid> --limit 20 --statuses error",
        "cargo-ai orchestration run list --workflow-uuid <workflow-uuid> --all",
    ]


def test_choices_positionals_waits_downloads(document):
    commands = by_path(document)
    create = commands["orchestration run create"]
    assert create["waits"] == {
        "label": "run",
        "polls": {"id": "orchestration.run.get", "method": "GET", "path": "/v1/orchestration/runs/{uuid}"},
    }
    get = commands["orchestration run get"]
    assert get["positionals"] == [{"name": "run-uuid", "required": True, "repeatable": False,
                                   "help": "The run's uuid."}]  # fmt: skip
    download = commands["orchestration run download-outputs"]
    assert download["downloads"] is True
    fmt = {flag["name"]: flag for flag in download["flags"]}["--format"]
    assert fmt["choices"] and fmt["type"] == "choice"


def test_local_and_hand_written_commands(document):
    commands = by_path(document)
    for path in LOCAL:
        assert commands[path]["kind"] == "local", path
        assert "calls" not in commands[path]
    assert commands["mcp"]["kind"] == "local"  # a transport: the bridge, not an API call of the CLI's
    assert [flag["name"] for flag in commands["mcp"]["flags"]][:1] == ["--server"]
    assert commands["api"]["calls"][0]["id"] == "*"
    assert [call["id"] for call in commands["whoami"]["calls"]] == [
        "userManagement.user.getCurrent",
        "workspaceManagement.workspace.getCurrent",
    ]


def test_every_leaf_without_an_endpoint_is_classified():
    """A new hand-written command (or a handler row without an endpoint) must
    be declared local (cli/dryrun.py) or name its calls (command_map)."""
    calls = command_map.handwritten_calls()
    for path, command in LEAVES.items():
        row = getattr(command, "cargo_row", None)
        if row is None or row.endpoint is None:
            assert (path in LOCAL) != (path in calls), path
    assert set(calls) | LOCAL <= set(LEAVES)


def test_refused_commands_with_their_reason(document):
    refused = {entry["path"]: entry for entry in document["refused"]}
    assert set(refused) == {" ".join(words) for words in UNAVAILABLE}
    assert "no wire specification" in refused["mailboxManagement"]["reason"]


def test_narrowing(cli):
    domain = cli("commands", "orchestration")
    assert domain.code == 0
    assert domain.json["scope"] == "orchestration"
    paths = [c["path"] for c in domain.json["commands"]]
    assert paths == [p for p in LEAVES if p.startswith("orchestration ")]
    area = cli("commands", "orchestration", "run").json
    assert {c["path"] for c in area["commands"]} == {p for p in LEAVES if p.startswith("orchestration run ")}
    assert [c["path"] for c in cli("commands", "whoami").json["commands"]] == ["whoami"]
    assert [r["path"] for r in cli("commands", "workspaceManagement").json["refused"]] == [
        "workspaceManagement envVar"
    ]


@pytest.mark.parametrize(
    ("argv", "hint"),
    [
        (["orchestraton"], "Did you mean 'orchestration'?"),
        (["orchestration", "rn"], "Did you mean 'run'?"),
        (["mailboxManagement"], "not available in this cargo-ai"),
        (["whoami", "x"], "has no sub-commands"),
    ],
)
def test_unknown_names(cli, argv, hint):
    result = cli("commands", *argv)
    assert result.code == 2
    assert hint in result.json["errorMessage"]


def test_jq_on_the_map(cli):
    result = cli("commands", "--jq", ".commands | length")
    assert int(result.out) == len(LEAVES)
    assert cli("--jq", ".cli.version", "commands").out == __version__ + "\n"
