"""The declarative framework (cli/rows.py, cli/params.py), end to end through
``cargo_cli.main``: a throwaway ``toy`` domain declared here is mounted on the
root for each test."""

from __future__ import annotations

import os
import re
from typing import Any

import httpx
import pytest

from cargo_cli.api.resources import ai, connection
from cargo_cli.cli import root
from cargo_cli.cli.params import (
    CSV,
    CSV_UUID,
    INT,
    JSON,
    JSON_ARRAY,
    NULLABLE_STRING,
    NULLABLE_UUID,
    UUID,
    choice,
    csv_of,
)
from cargo_cli.cli.registry import Entry
from cargo_cli.cli.rows import Arg, Cmd, Invocation, Opt, Options, build_domain
from cargo_cli.cli.wait import WaitSpec
from cargo_cli.errors import UsageError
from tests.helpers import TOKEN, UUID1, UUID2, assert_request

SIGNED = "https://exports.example.com/agent.json?X-Amz-Signature=abc"


def require_name(payload: dict[str, Any]) -> dict[str, Any]:
    if not payload["name"].strip():
        raise UsageError("--name must not be blank")
    return payload


def pages(inv: Invocation) -> Any:
    """A handler: reads a local option, calls twice, streams the items."""
    for page in range(inv.options["pages"]):
        yield from inv.call(payload={"limit": 2, "offset": 2 * page})["chats"]


COMMANDS = (
    Cmd(
        "agent create", ai.Agent.create, "Create an agent (toy).",
        opts=(
            Opt("--name", required=True), Opt("--description", NULLABLE_STRING),
            Opt("--color", choice("red", "blue"), field="icon.color"), Opt("--emoji", field="icon.emoji"),
            Opt("--triggers", JSON_ARRAY), Opt("--template", JSON), Opt("--folder-uuid", NULLABLE_UUID),
            Opt("--tags", CSV), Opt("--owner-uuids", CSV_UUID), Opt("--dry-run", is_flag=True, local=True),
        ),
        prepare=require_name,
        wait=WaitSpec("agent", ai.Agent.get, lambda made: made.get("uuid"), lambda got: got.get("status")),
    ),
    Cmd("agent get", ai.Agent.get, "Get an agent (toy).", args=(Arg("agent-uuid", type=UUID),)),
    Cmd("agent export", ai.Agent.get, "Export (toy).", args=(Arg("agent-uuid", type=UUID),), download=True),
    Cmd("agent remove", ai.Agent.remove, "Remove (toy).", args=(Arg("agent-uuid", type=UUID),), admin=True),
    Cmd("agent readme", connection.Integration.get_documentation, "Plain text (toy).",
        args=(Arg("slug", field="slug"),), text=True),
    Cmd(
        "chat search", ai.Chat.list, "Search chats (toy).",
        args=(Arg("keywords", field="name", nargs=-1),),
        opts=(Opt("--limit", INT), Opt("--message-statuses", csv_of("pending", "success"))),
    ),
    Cmd("memory list", ai.Memory.list, "Memories (toy: --scope without its own choices).",
        opts=(Opt("--scope"), Opt("--agent-uuid", UUID))),
    Cmd(
        "chat pages", ai.Chat.list, "All pages (toy).",
        opts=(Opt("--pages", INT, local=True, default=2),), handler=pages,
    ),
)  # fmt: skip

group = build_domain(
    "toy",
    COMMANDS,
    areas={"agent": "Agents (toy)."},
    removed={"bot": "No such command 'bot': it is now 'agent'."},
    help="A throwaway domain for framework tests.",
)


@pytest.fixture(autouse=True)
def toy(monkeypatch):
    monkeypatch.setitem(
        root.COMMANDS, "toy", Entry("toy", __name__, "group", "A throwaway domain for framework tests.")
    )


@pytest.fixture
def create(api):
    return api.post("/ai/agents").respond(json={"uuid": UUID1, "name": "Bot"})


# -- payload building ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "body"),
    [
        pytest.param(["--name", "Bot"], {"name": "Bot"}, id="unset-options-omitted"),
        pytest.param(
            [
                "--name", "Bot", "--description", "Helps", "--color", "red", "--emoji", "🤖",
                "--triggers", '[{"kind": "manual"}]', "--template", '{"a": 1}', "--folder-uuid", UUID2.upper(),
                "--tags", "a, b,,c", "--owner-uuids", f"{UUID1},{UUID2}", "--dry-run",
            ],
            {
                "name": "Bot", "description": "Helps", "icon": {"color": "red", "emoji": "🤖"},
                "triggers": [{"kind": "manual"}], "template": {"a": 1}, "folderUuid": UUID2,
                "tags": ["a", "b", "c"], "ownerUuids": [UUID1, UUID2],
            },
            id="every-flag",
        ),
        pytest.param(
            ["--name", "Bot", "--folder-uuid", "null", "--description", "None", "--template", "null"],
            {"name": "Bot", "folderUuid": None, "description": None, "template": None},
            id="null-is-sent-as-json-null",
        ),
        pytest.param(["--name", "Bot", "--tags", ""], {"name": "Bot", "tags": []}, id="empty-csv"),
    ],
)  # fmt: skip
def test_payload(cli, create, argv, body):
    result = cli("toy", "agent", "create", *argv)
    assert result.code == 0, result.out
    assert_request(create, "POST", "/ai/agents", body=body)
    assert result.json == {"uuid": UUID1, "name": "Bot"}


def test_positional_and_query(cli, api):
    route = api.get("/ai/chats/list").respond(json={"chats": []})
    result = cli(
        "toy", "chat", "search", "acme", "corp", "--limit", "5", "--message-statuses", "pending,success"
    )
    assert result.code == 0, result.out
    assert_request(
        route,
        "GET",
        "/ai/chats/list",
        query="name%5B%5D=acme&name%5B%5D=corp&limit=5&messageStatuses%5B%5D=pending&messageStatuses%5B%5D=success",
        body=None,
    )


def test_path_parameter(cli, api):
    route = api.get(f"/ai/agents/{UUID1}").respond(json={"uuid": UUID1, "name": "Zoë"})
    result = cli("toy", "agent", "get", UUID1.upper())
    assert_request(route, "GET", f"/ai/agents/{UUID1}", query="", body=None)
    assert result.out == '{\n  "uuid": "' + UUID1 + '",\n  "name": "Zoë"\n}\n'


def test_handler_streams_an_iterator(cli, api):
    route = api.get("/ai/chats/list").mock(
        side_effect=[
            httpx.Response(200, json={"chats": [{"n": 1}, {"n": 2}]}),
            httpx.Response(200, json={"chats": [{"n": 3}]}),
        ]
    )
    result = cli("toy", "chat", "pages")
    assert (result.code, result.json) == (0, [{"n": 1}, {"n": 2}, {"n": 3}])
    assert [call.request.url.query.decode() for call in route.calls] == [
        "limit=2&offset=0",
        "limit=2&offset=2",
    ]


def test_text_answer_printed_verbatim(cli, api):
    api.get("/connection/integrations/readme/documentation").respond(text="# Agent\n\nplain text")
    result = cli("toy", "agent", "readme", "readme")
    assert (result.code, result.out) == (0, "# Agent\n\nplain text\n")


def test_empty_answer_prints_empty_object(cli, api):
    api.delete(f"/ai/agents/{UUID1}").respond(204)
    result = cli("toy", "agent", "remove", UUID1)
    assert (result.code, result.json) == (0, {})


def test_wait_until_finished_polls_on_the_fake_clock(cli, api, clock, create):
    get = api.get(f"/ai/agents/{UUID1}").mock(
        side_effect=[
            httpx.Response(200, json={"uuid": UUID1, "status": "running"}),
            httpx.Response(200, json={"uuid": UUID1, "status": "success"}),
        ]
    )
    result = cli(
        "toy", "agent", "create", "--name", "Bot", "--wait-until-finished", "--polling-interval", "500"
    )
    assert (result.code, result.json) == (0, {"uuid": UUID1, "status": "success"})
    assert get.call_count == 2
    assert clock.sleeps and all(s == 0.5 for s in clock.sleeps)


def test_api_error_uses_the_endpoints_reason_table(cli, api):
    api.post("/ai/agents").respond(404, json={"reason": "folderNotFound"})
    result = cli("toy", "agent", "create", "--name", "Bot", "--folder-uuid", UUID2)
    assert (result.code, result.json) == (
        1,
        {"errorMessage": "Folder not found", "reason": "folderNotFound", "status": 404},
    )


# -- JSON flags ------------------------------------------------------------------------


def test_json_from_file_and_stdin(cli, create, tmp_path):
    source = tmp_path / "triggers.json"
    source.write_text('[\n  {"kind": "schedule"}\n]\n')
    assert cli("toy", "agent", "create", "--name", "A", "--triggers", f"@{source}").code == 0
    assert_request(create, "POST", "/ai/agents", body={"name": "A", "triggers": [{"kind": "schedule"}]})
    assert (
        cli("toy", "agent", "create", "--name", "B", "--template", "-", stdin='{"from": "stdin"}').code == 0
    )
    assert_request(create, "POST", "/ai/agents", body={"name": "B", "template": {"from": "stdin"}})


def write(tmp_path, text):
    path = tmp_path / "bad.json"
    path.write_text(text)
    return f"@{path}"


@pytest.mark.parametrize(
    ("flag", "value", "stdin", "message"),
    [
        pytest.param("--triggers", "[{kind: 1}]", None, "Invalid JSON in --triggers: ", id="inline"),
        pytest.param("--template", "-", '{\n  "a": 1,\n}', "Invalid JSON in --template: ", id="stdin"),
        pytest.param("--template", "FILE", None, "Invalid JSON in --template: ", id="file"),
        pytest.param(
            "--triggers", '{"kind": "manual"}', None,
            "Invalid value for '--triggers': expected a JSON array, got dict",
            id="wrong-shape",
        ),
        pytest.param(
            "--triggers", "@/nonexistent/t.json", None,
            "Invalid value for '--triggers': cannot read /nonexistent/t.json: No such file or directory",
            id="missing-file",
        ),
        pytest.param("--triggers", "", None, "Invalid JSON in --triggers: ", id="empty"),
    ],
)  # fmt: skip
def test_malformed_json_is_a_usage_error(cli, api, tmp_path, flag, value, stdin, message):
    """Our words, then the json module's (whose wording changes between Python
    versions, so only its position part is checked)."""
    if value == "FILE":
        value = write(tmp_path, '{\n  "a": 1\n  "b": 2\n}')
    result = cli("toy", "agent", "create", "--name", "Bot", flag, value, stdin=stdin)
    assert result.code == 2
    [error] = result.json.values()
    assert error.startswith(message) and error.endswith(" (see `cargo-ai toy agent create --help`)")
    if message.endswith(": "):
        assert re.search(r"line \d+ column \d+ \(char \d+\) \(see", error), error
    else:
        assert error == f"{message} (see `cargo-ai toy agent create --help`)"
    assert not api.calls


# -- usage errors: exit 2, nothing sent -----------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["agent", "create"], "Missing option '--name'."),
        (["agent", "create", "--name", "  "], "--name must not be blank"),  # prepare()
        (["agent", "create", "--name", "B", "--nope"], "No such option '--nope'."),
        (["agent", "create", "--name", "B", "--color", "green"], "Invalid value for '--color': 'green' is not one of 'red', 'blue'."),
        (["agent", "create", "--name", "B", "--folder-uuid", "x"], "Invalid value for '--folder-uuid': 'x' is not a valid UUID"),
        (["agent", "create", "--name", "B", "--owner-uuids", f"{UUID1},nope"], "Invalid value for '--owner-uuids': 'nope' is not a valid UUID"),
        (["agent", "get", "nope"], "Invalid value for '<agent-uuid>': 'nope' is not a valid UUID"),
        (["agent", "get"], "Missing argument '<agent-uuid>'."),
        (["chat", "search", "--message-statuses", "done"], "Invalid value for '--message-statuses': 'done' is not one of pending, success"),
        (["chat", "search", "--limit", "many"], "Invalid value for '--limit': 'many' is not a valid integer."),
        (["agent", "nope"], "No such command 'nope'."),
        (["bot", "list"], "No such command 'bot': it is now 'agent'."),
    ],
)  # fmt: skip
def test_usage_errors(cli, api, argv, message):
    result = cli("toy", *argv)
    assert result.code == 2, result.out
    assert result.json["errorMessage"].startswith(message)
    assert not api.calls


# -- admin ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [
        (401, {}, "Not authorized: this command needs an admin token (a workspace admin's API token)"),
        (403, {"errorMessage": "Forbidden"}, "Forbidden: this command needs an admin token (a workspace admin's API token)"),
        (404, {"reason": "agentNotFound"}, "Agent not found"),
    ],
)  # fmt: skip
def test_admin_commands_explain_401_and_403(cli, api, status, body, message):
    api.delete(f"/ai/agents/{UUID1}").respond(status, json=body)
    result = cli("toy", "agent", "remove", UUID1)
    assert result.code == 1
    assert result.json["errorMessage"] == message
    assert result.json["status"] == status


# -- download=True --output -----------------------------------------------------------------


@pytest.fixture
def export(api):
    answer = {"uuid": UUID1, "url": SIGNED}
    return api.get(f"/ai/agents/{UUID1}").respond(json=answer), answer


def test_download_writes_the_file_atomically(cli, api, export, tmp_path):
    _route, answer = export
    content = b'{"big": "export"}' * 10000
    signed = api.get(SIGNED).respond(content=content)
    target = tmp_path / "out" / "agent.json"
    result = cli("toy", "agent", "export", UUID1, "--output", str(target))
    assert (result.code, result.json) == (0, answer)  # the API JSON, unchanged
    assert target.read_bytes() == content
    assert os.listdir(target.parent) == ["agent.json"]  # no temp file left
    headers = signed.calls[0].request.headers
    assert "authorization" not in headers and "selected-workspace-uuid" not in headers
    assert TOKEN not in result.out + result.err


def test_download_failure_leaves_no_file(cli, api, export, tmp_path):
    api.get(SIGNED).respond(403, text="<Error>AccessDenied</Error>")
    target = tmp_path / "agent.json"
    target.write_text("previous")
    result = cli("toy", "agent", "export", UUID1, "--output", str(target))
    assert result.code == 1
    assert result.json == {
        "errorMessage": "Download failed: HTTP 403 from the signed URL (it may have expired: run the command again)",
        "status": 403,
    }
    assert target.read_text() == "previous"  # untouched: the write is atomic
    assert os.listdir(tmp_path) == ["agent.json"]


def test_download_without_output_only_prints(cli, api, export):
    signed = api.get(SIGNED)
    result = cli("toy", "agent", "export", UUID1)
    assert result.code == 0
    assert not signed.called


def test_download_answer_without_url(cli, api, tmp_path):
    api.get(f"/ai/agents/{UUID1}").respond(json={"uuid": UUID1})
    result = cli("toy", "agent", "export", UUID1, "--output", str(tmp_path / "x"))
    assert result.code == 1
    assert result.json == {"errorMessage": "The API answer has no url to download", "result": {"uuid": UUID1}}


def test_help_lists_the_declared_flags(cli):
    result = cli("toy", "agent", "create", "--help")
    assert result.code == 0
    for flag in (
        "--name",
        "--color",
        "--triggers",
        "--folder-uuid",
        "--wait-until-finished",
        "--polling-interval",
    ):
        assert flag in result.out
    assert "--debug" not in result.out  # hidden


# -- request payload models ------------------------------------------------------------


def test_a_value_outside_the_calls_choices_is_a_usage_error_naming_the_flag(cli, api):
    """The call's request model (api/payloads.py) is checked before sending."""
    result = cli("toy", "memory", "list", "--scope", "team")
    assert (result.code, result.json) == (
        2,
        {"errorMessage": "Invalid value for '--scope': 'team' is not one of user, agent"},
    )
    assert not api.calls
    route = api.get("/ai/memories/list").respond(json={"memories": []})
    assert cli("toy", "memory", "list", "--scope", "agent", "--agent-uuid", UUID1).code == 0
    assert route.called


def test_typed_resource_methods_check_the_payload_before_sending(api):
    from cargo_cli.api.errors import InvalidRequest
    from cargo_cli.api.resources import Api
    from cargo_cli.cli.runtime import Runtime

    client = Runtime().make_client("t", None)
    typed = Api(client)
    with pytest.raises(InvalidRequest, match="Missing value for to") as missing:
        typed.billing.usage.get_metrics(from_="2024-01-01", to=None)  # type: ignore[arg-type]
    assert missing.value.field == "to"
    with pytest.raises(InvalidRequest, match="'weekly' is not one of") as wrong:
        typed.billing.usage.get_metrics(from_="2024-01-01", to="2024-02-01", unit="weekly")  # type: ignore[arg-type]
    assert wrong.value.field == "unit"
    with pytest.raises(InvalidRequest, match="Invalid value for name"):
        typed.ai.agent.create(name=3, icon={})  # type: ignore[arg-type]
    assert not api.calls


def test_the_wait_limit_is_not_the_http_deadline(cli, api, create):
    """--timeout after a waiting command limits the wait; the HTTP deadline
    of each request stays --request-timeout / CARGO_TIMEOUT (360 s here)."""
    poll = api.get(f"/ai/agents/{UUID1}").respond(json={"uuid": UUID1, "status": "success"})
    result = cli("toy", "agent", "create", "--name", "Bot", "--wait-until-finished", "--timeout", "5")
    assert result.code == 0, result.out
    # each request's read timeout is what is left of its 360 s call budget, not 5 s
    assert create.calls[0].request.extensions["timeout"]["read"] > 300
    assert poll.calls[0].request.extensions["timeout"]["read"] > 300


def test_undeclared_local_option_is_a_bug_not_none():
    from cargo_cli.cli.rows import Options

    options = Options({"file": None, "all": True})
    assert options.get("file") is None and options["all"] is True
    with pytest.raises(KeyError, match="no local option 'fille'"):
        options.get("fille")


def test_opt_passes_clicks_own_keywords_through():
    opt = Opt("--tag", multiple=True, envvar="TOY_TAG", show_envvar=True, help="Tags.")
    option = opt.to_click()
    assert (option.multiple, option.envvar, option.show_envvar, option.help) == (
        True,
        "TOY_TAG",
        True,
        "Tags.",
    )
    assert Opt("--x", required=True, default=None).to_click().required  # default=None is not passed


def test_a_rows_options_dataclass_must_match_its_local_options():
    import dataclasses

    from cargo_cli.cli.rows import build_command

    @dataclasses.dataclass
    class Wrong:
        fille: str | None

    row = Cmd("x y", ai.Agent.get, "Toy.", opts=(Opt("--file", local=True),), options=Wrong)
    with pytest.raises(TypeError, match=r"fields \['fille'\] != local options \['file'\]"):
        build_command(row)

    @dataclasses.dataclass
    class Right:
        file: str | None

    assert Options({"file": "a.json"}).typed(Right).file == "a.json"
    build_command(Cmd("x y", ai.Agent.get, "Toy.", opts=(Opt("--file", local=True),), options=Right))
