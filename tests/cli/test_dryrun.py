"""--dry-run: the exact first request, printed, never sent (the respx router
sees no call: the capturing transport replaces the network); Authorization
redacted; multipart parts by name and size; "then" for what would follow;
local checks still run; no login needed; local commands refuse it."""

from __future__ import annotations

import json

import httpx
import pytest

from cargo_cli.cli import dryrun
from tests.helpers import API, TOKEN, UUID1, WORKSPACE

CREATE = ["orchestration", "run", "create", "--workflow-uuid", UUID1, "--data", '{"domain":"acme.com"}']


def no_calls(api) -> None:
    assert not api.calls, [str(call.request.url) for call in api.calls]


@pytest.mark.parametrize("where", ["before", "after"])
def test_the_first_request_is_printed_and_not_sent(cli, api, where):
    api.route().respond(json={})
    argv = ["--dry-run", *CREATE] if where == "before" else [*CREATE, "--dry-run"]
    result = cli(*argv)
    assert result.code == 0, result.out
    no_calls(api)
    document = result.json
    assert document["dryRun"] is True
    request = document["request"]
    assert (request["method"], request["url"]) == ("POST", f"{API}/orchestration/runs")
    assert request["query"] == {}
    assert request["body"] == {"workflowUuid": UUID1, "data": {"domain": "acme.com"}}
    headers = request["headers"]
    assert headers["authorization"] == "Bearer ***"
    assert headers["selected-workspace-uuid"] == WORKSPACE
    assert headers["content-type"] == "application/json"
    assert TOKEN not in result.out
    assert "then" not in document  # nothing follows a plain create


def test_the_query_of_a_get(cli, api):
    result = cli("--dry-run", "orchestration", "release", "list", "--workflow-uuid", UUID1)
    no_calls(api)
    request = result.json["request"]
    assert request["method"] == "GET" and request["body"] is None
    assert request["query"] == {"workflowUuid": UUID1}
    assert request["url"] == f"{API}/orchestration/releases/list"


def test_then_lists_the_polls_of_a_wait(cli, api):
    result = cli(
        "--dry-run", *CREATE, "--wait-until-finished", "--polling-interval", "500", "--timeout", "60"
    )
    no_calls(api)
    (step,) = result.json["then"]
    assert step.startswith("poll GET /v1/orchestration/runs/{uuid} every 500 ms until the run status")
    assert "at most 60s" in step


def test_then_lists_the_next_pages_of_all(cli, api):
    result = cli("orchestration", "run", "list", "--workflow-uuid", UUID1, "--all", "--dry-run")
    no_calls(api)
    assert result.json["request"]["body"] == {"workflowUuid": UUID1, "limit": 100, "offset": 0}
    assert any("next pages" in step for step in result.json["then"])


def test_then_lists_the_download(cli, api, tmp_path):
    target = tmp_path / "out.csv"
    result = cli("orchestration", "run", "download-outputs", "--workflow-uuid", UUID1, "--output", str(target),
                 "--dry-run")  # fmt: skip
    assert result.code == 0, result.out
    no_calls(api)
    assert any(str(target) in step for step in result.json["then"])
    assert not target.exists()


def test_an_upload_is_described_by_its_parts(cli, api, tmp_path):
    source = tmp_path / "leads.csv"
    source.write_bytes(b"id,name\n" + b"1,Acme\n" * 100)
    result = cli("--dry-run", "workspaceManagement", "file", "upload", "--file", str(source))
    assert result.code == 0, result.out
    no_calls(api)
    body = result.json["request"]["body"]
    (part,) = [p for p in body["multipart"] if p["name"] == "file"]
    assert part["filename"] == "leads.csv" and part["size"] == source.stat().st_size
    assert "Acme" not in result.out


def test_a_large_upload_says_the_parts_follow(cli, api, tmp_path, monkeypatch):
    from cargo_cli.api import uploads

    monkeypatch.setattr(uploads, "THRESHOLD", 10)
    source = tmp_path / "big.csv"
    source.write_bytes(b"x" * 100)
    result = cli("--dry-run", "workspaceManagement", "file", "upload", "--file", str(source))
    assert result.code == 0, result.out
    no_calls(api)
    assert result.json["request"]["url"].endswith("/workspaceManagement/files/multipart/create")
    assert any("/multipart/complete" in step for step in result.json["then"])


@pytest.mark.parametrize(
    "argv",
    [
        ["orchestration", "run", "list"],  # missing --workflow-uuid
        ["orchestration", "run", "create", "--workflow-uuid", UUID1, "--data", "{nope"],  # bad JSON
        ["orchestration", "run", "list", "--workflow-uuid", UUID1, "--jq", ".["],  # bad filter
        ["orchestration", "run", "get", "not-a-uuid"],
    ],
)
def test_local_checks_still_run(cli, api, argv):
    result = cli("--dry-run", *argv)
    assert result.code == 2, result.out
    assert "errorMessage" in result.json
    no_calls(api)


def test_no_login_needed(cli, api, monkeypatch):
    monkeypatch.delenv("CARGO_API_TOKEN")
    monkeypatch.delenv("CARGO_WORKSPACE_UUID")
    result = cli("--dry-run", "orchestration", "run", "get", UUID1)
    assert result.code == 0, result.out
    no_calls(api)
    assert result.json["request"]["headers"]["authorization"] == "Bearer ***"
    assert dryrun.PLACEHOLDER_TOKEN not in result.out
    assert cli("orchestration", "run", "get", UUID1).code == 1  # without --dry-run: not logged in


@pytest.mark.parametrize(
    "argv",
    [
        ["whoami"],
        ["doctor"],
        ["api", "GET", "/v1/orchestration/runs/x"],
        ["login", "--token", "cgo_abcdefghij"],
    ],
)
def test_commands_written_with_click_directly(cli, api, argv):
    result = cli(*argv, "--dry-run")
    assert result.code == 0, result.out
    no_calls(api)
    assert result.json["dryRun"] is True
    assert "cgo_abcdefghij" not in result.out


@pytest.mark.parametrize(
    "argv", [["logout"], ["version"], ["docs"], ["commands"], ["hosting", "app", "init", "x"]]
)
def test_local_commands_refuse_it(cli, tmp_path, argv, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for args in (["--dry-run", *argv], [*argv, "--dry-run"]):
        result = cli(*args)
        assert result.code == 2, result.out
        assert "sends no request" in result.json["errorMessage"]
    assert not (tmp_path / "x").exists()


def test_jq_applies_to_the_dry_run_object(cli, api):
    result = cli("--dry-run", "--jq", ".request.method", *CREATE)
    assert result.out == "POST\n"
    no_calls(api)


def test_describe_reads_a_built_request_without_sending_it():
    request = httpx.Request(
        "PUT",
        "https://x.example/v1/a?b=1&b=2&c=3",
        headers={"Authorization": "Bearer s"},
        content=b"\x00\x01",
    )
    document = dryrun.describe(request, ["next"])
    assert document["request"]["query"] == {"b": ["1", "2"], "c": "3"}
    assert document["request"]["headers"]["authorization"] == "Bearer ***"
    assert document["request"]["body"] == {"bytes": 2}
    assert document["then"] == ["next"]
    assert json.dumps(document)


def test_every_leaf_takes_jq_and_dry_run_after_its_name():
    from tests.cli.tree import leaves

    for path, command, _ctx in leaves():
        names = {opt for param in command.params for opt in getattr(param, "opts", ())}
        assert {"--jq", "--dry-run", "--debug"} <= names, path


def test_adding_the_leaf_flags_is_idempotent():
    import click

    from cargo_cli.cli.flags import add_leaf_params

    command = click.Command("x", params=[click.Option(["--debug"], is_flag=True)])
    add_leaf_params(command)
    add_leaf_params(command)
    assert sorted(p.opts[0] for p in command.params) == ["--debug", "--dry-run", "--jq"]
