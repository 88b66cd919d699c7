"""'Did you mean' at every level (root, domain, area), including case and
kebab/camel/snake variants; still the JSON error contract, exit 2."""

from __future__ import annotations

import pytest

from cargo_cli.cli.suggest import no_such_command, suggestions


@pytest.mark.parametrize(
    ("argv", "wrong", "meant", "where"),
    [
        (["orchestraton", "run", "list"], "orchestraton", "orchestration", "cargo-ai"),
        (["workspace-management", "user", "list"], "workspace-management", "workspaceManagement", "cargo-ai"),
        (["WorkspaceManagement", "user", "list"], "WorkspaceManagement", "workspaceManagement", "cargo-ai"),
        (["workspace_management", "user", "list"], "workspace_management", "workspaceManagement", "cargo-ai"),
        (["whoam"], "whoam", "whoami", "cargo-ai"),
        (["orchestration", "rn", "list"], "rn", "run", "cargo-ai orchestration"),
        (["storage", "data-set", "list"], "data-set", "dataset", "cargo-ai storage"),
        (["orchestration", "release", "getDraft"], "getDraft", "get-draft", "cargo-ai orchestration release"),
        (["orchestration", "run", "lst"], "lst", "list", "cargo-ai orchestration run"),
    ],
)
def test_unknown_command_suggests(cli, api, argv, wrong, meant, where):
    route = api.route()
    result = cli(*argv)
    assert result.code == 2
    assert result.json == {
        "errorMessage": f"No such command {wrong!r}. Did you mean {meant!r}? (see `{where} --help`)"
    }
    assert not route.called


def test_nothing_close_suggests_nothing(cli):
    result = cli("zzzzqqq")
    assert result.code == 2
    assert result.json == {"errorMessage": "No such command 'zzzzqqq'. (see `cargo-ai --help`)"}


def test_removed_names_keep_their_pointer(cli):
    result = cli("workspace", "folder", "list")
    assert result.code == 2
    assert "the domain is now 'workspaceManagement'" in result.json["errorMessage"]


def test_several_close_names():
    assert suggestions("get", ["get", "set"]) == ["get"]
    assert no_such_command("lst", ["list", "last", "create"]) == (
        "No such command 'lst'. (Did you mean one of: list, last?)"
    )
    assert suggestions("MAILBOX_MANAGEMENT", ["mailboxManagement", "storage"]) == ["mailboxManagement"]
