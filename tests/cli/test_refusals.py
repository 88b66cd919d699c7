"""Every documented command this CLI cannot run answers with the same refusal:
exit 2, nothing sent, an errorMessage naming the command, why, and what to use
instead (cli/refusals.py, docs/refusals.md)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from cargo_cli.cli.refusals import REASON, UNAVAILABLE

SPEC = json.loads((Path(__file__).resolve().parents[2] / "spec" / "commands.json").read_text())["commands"]

# Refused at the first name of the path (domain, area or top-level extra).
REFUSED_PREFIXES = sorted(UNAVAILABLE)

# The refusal format, identical for every refused command.
MESSAGE = re.compile(
    r"^`(?P<command>cargo-ai [^`]+)` is not available in this cargo-ai: (?P<why>[^`].+?)\. (?P<instead>\S.+)$"
)


def _refused_prefix(path: list[str]) -> tuple[str, ...] | None:
    for length in (1, 2):
        if tuple(path[:length]) in UNAVAILABLE:
            return tuple(path[:length])
    return None


def _documented_refused() -> list[dict]:
    """Every documented command that lives under a refused name: the whole
    mailboxManagement domain, envVar, project, cdk, and the top-level extras
    and name-only domains."""
    return [c for c in SPEC if c["path"] and _refused_prefix(c["path"]) is not None]


def _argv(doc: dict) -> list[str]:
    """The documented command line: positionals and every flag with a value
    (values are secrets-like on purpose: they must never be echoed)."""
    argv = list(doc["path"])
    argv += ["22222222-2222-4222-8222-222222222222" if "uuid" in p else "my-dir" for p in doc["positional"]]
    for flag in doc["flags"]:
        argv.append(flag["name"])
        if flag["takes_value"] is True:
            argv.append("sk-very-secret-value")
    return argv


def test_the_spec_has_the_refused_commands_the_issue_names():
    paths = {" ".join(c["path"]) for c in _documented_refused()}
    for expected in ("mailboxManagement mailbox list", "workspaceManagement envVar create", "project deploy",
                     "cdk plan", "ask", "start", "init", "book-demo", "revenue-organization",
                     "user-management"):  # fmt: skip
        assert expected in paths
    # Every later-tier command without any wire spec is refused, except doctor and mcp
    # (built: docs/mcp.md) and the bare palette (a usage error, docs/design.md).
    no_spec = [c for c in SPEC if c["tier"] == "later" and c["endpoint"] == "unknown" and c["path"]]
    assert {" ".join(c["path"]) for c in no_spec} - paths == {"doctor", "mcp"}


def test_mcp_is_no_longer_refused():
    assert ("mcp",) not in UNAVAILABLE


@pytest.mark.parametrize("doc", _documented_refused(), ids=lambda d: " ".join(d["path"]))
def test_every_documented_refused_command_gets_the_one_refusal(cli, api, doc):
    route = api.route()
    result = cli(*_argv(doc))
    assert result.code == 2, result.out
    assert not route.called
    body = result.json
    assert list(body) == ["errorMessage", "reason", "command"]
    assert body["reason"] == REASON
    match = MESSAGE.match(body["errorMessage"])
    assert match, body["errorMessage"]
    # The command is named as documented (its command words, no values).
    assert match["command"] == body["command"] == "cargo-ai " + " ".join(doc["path"])
    assert "secret" not in result.out
    assert (
        "cargo-ai " in match["instead"]
        or "Cargo app" in match["instead"]
        or "getcargo.io" in match["instead"]
    )


@pytest.mark.parametrize("prefix", REFUSED_PREFIXES, ids=" ".join)
def test_each_refused_name_is_refused_alone_and_with_anything_after_it(cli, api, prefix):
    route = api.route()
    for argv in ([*prefix], [*prefix, "nonsense", "--flag"], [*prefix, "--", "--help"]):
        result = cli(*argv)
        assert result.code == 2, (argv, result.out)
        assert result.json["command"] == "cargo-ai " + " ".join(prefix)
        assert result.json["reason"] == REASON
    assert not route.called


@pytest.mark.parametrize("prefix", REFUSED_PREFIXES, ids=" ".join)
def test_help_on_a_refused_name_is_help_not_a_failure(cli, api, prefix):
    """Issue 15, point 6: exit 0 and the refusal's explanation on stdout."""
    route = api.route()
    unavailable = UNAVAILABLE[prefix]
    for flag in ("--help", "-h"):
        result = cli(*prefix, flag)
        assert result.code == 0, result.out
        assert result.out.startswith(
            f"Usage: cargo-ai {' '.join(prefix)} ...\n\n  Not available in this cargo-ai: "
        )
        text = " ".join(result.out.split())
        assert unavailable.why in text and " ".join(unavailable.instead.split()) in text
        assert f"Without --help, `cargo-ai {' '.join(prefix)}` is refused: exit 2, nothing sent" in text
        assert "errorMessage" not in result.out
        assert max(len(line) for line in result.out.splitlines()) <= 80
    assert not route.called


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["project", "--help"], "cargo-ai project"),
        (["mailboxManagement", "--help"], "cargo-ai mailboxManagement"),
        (["mailboxManagement", "mailbox", "--help"], "cargo-ai mailboxManagement mailbox"),
        (["mailboxManagement", "mailbox", "list", "--limit", "5", "--help"], "cargo-ai mailboxManagement mailbox list"),
        (["workspaceManagement", "envVar", "create", "--value", "sk-secret", "--help"],
         "cargo-ai workspaceManagement envVar create"),
    ],
)  # fmt: skip
def test_help_names_the_refused_command_as_typed(cli, api, argv, named):
    result = cli(*argv)
    assert result.code == 0, result.out
    assert result.out.startswith(f"Usage: {named} ...\n")
    assert f"`{named}` is refused" in " ".join(result.out.split())
    assert "secret" not in result.out


def test_chat_option_is_ask(cli, api):
    route = api.route()
    result = cli("--chat")
    assert result.code == 2
    assert result.json["command"] == "cargo-ai --chat"
    assert result.json["errorMessage"].split(": ", 1)[1] == cli("ask").json["errorMessage"].split(": ", 1)[1]
    assert not route.called


def test_same_reason_same_words_for_project_and_cdk(cli):
    project = cli("project", "deploy").json["errorMessage"]
    cdk = cli("cdk", "deploy").json["errorMessage"]
    assert project.replace("project", "cdk") == cdk


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["workspace", "folder", "list"],
            "No such command 'workspace': the domain is now 'workspaceManagement'",
        ),
        (["orchestration", "draft-release", "get"], "No such command 'draft-release'"),
        (["billing", "subscription", "add-payment-method"], "No such command 'add-payment-method'"),
    ],
)
def test_removed_names_go_through_the_same_mechanism(cli, api, argv, message):
    route = api.route()
    result = cli(*argv)
    assert result.code == 2
    assert result.json["errorMessage"].startswith(message)
    assert not route.called


def test_existing_commands_next_to_refused_names_still_run(cli, api):
    route = api.get("/workspaceManagement/folders/list").respond(json={"folders": []})
    result = cli("workspaceManagement", "folder", "list")
    assert result.code == 0, result.out
    assert route.called


def _pointers() -> list[str]:
    """Every `cargo-ai ...` command a refusal points to."""
    found = set()
    for unavailable in UNAVAILABLE.values():
        found.update(re.findall(r"`(cargo-ai [^`]+)`", unavailable.instead))
    return sorted(found)


@pytest.mark.parametrize("pointer", _pointers())
def test_refusals_point_to_commands_that_exist(pointer):
    import click

    from cargo_cli.cli.commands.api_call import endpoint_view
    from cargo_cli.cli.root import cli as root

    words = pointer.split()[1:]
    if words[0] == "api" and len(words) > 1:  # `cargo-ai api <name>` / `cargo-ai api --list <filter>`
        assert words[1] == "--list" or endpoint_view(words[1]) is not None, pointer
        return
    command: click.Command | None = root
    ctx = click.Context(root, info_name="cargo-ai")
    for word in words:
        if word.startswith(("-", "<")):
            assert isinstance(command, click.Command)
            if word.startswith("--"):
                assert word in {o for p in command.params for o in getattr(p, "opts", [])}, pointer
            continue
        assert isinstance(command, click.Group), pointer
        command = command.get_command(ctx, word)
        assert command is not None, pointer
        ctx = click.Context(command, info_name=word, parent=ctx)
