"""workspaceManagement user / role / token / folder / file list-columns /
report / session commands (file upload: test_workspace_management_upload.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from cargo_cli.cli.commands import workspace_management
from cargo_cli.errors import describe_status
from tests.helpers import CASE_FIELDS, UUID1, UUID2, assert_request, check_case

WM = "/workspaceManagement"
FOLDER = {"uuid": UUID1, "parentUuid": None, "kind": "agent", "name": "Q1 Campaigns", "emojiSlug": "rocket"}
TOKEN_VALUE = "crg_live_0123456789abcdef"

# (argv, method, path, query, body, response)
CASES = [
    pytest.param(["user", "list"], "GET", f"{WM}/users/list", "", None,
                 {"users": [{"uuid": UUID1, "email": "a@b.co"}]}, id="user-list"),
    pytest.param(["user", "create", "--user-email", "new@acme.com", "--role-slug", "member"],
                 "POST", f"{WM}/users", "", {"userEmail": "new@acme.com", "roleSlug": "member"}, {},
                 id="user-create"),
    pytest.param(["user", "update", "--user-uuid", UUID1.upper(), "--role-slug", "admin"],
                 "PUT", f"{WM}/users/{UUID1}", "", {"roleSlug": "admin"}, {}, id="user-update"),
    pytest.param(["user", "remove", "--user-uuid", UUID1], "DELETE", f"{WM}/users", "", {"userUuid": UUID1}, {},
                 id="user-remove-delete-with-json-body"),
    pytest.param(["user", "get-current"], "GET", f"{WM}/users/current", "", None,
                 {"user": {"uuid": UUID1, "email": "me@acme.com"}}, id="user-get-current"),
    pytest.param(["role", "list"], "GET", f"{WM}/roles/list", "", None,
                 {"roles": [{"slug": "admin", "name": "Admin"}]}, id="role-list"),
    pytest.param(["token", "list"], "GET", f"{WM}/tokens/list", "", None,
                 {"tokens": [{"uuid": UUID1, "name": "ci"}]}, id="token-list"),
    pytest.param(["token", "create", "--name", "worker: my-worker"], "POST", f"{WM}/tokens", "",
                 {"name": "worker: my-worker", "permissions": None},
                 {"token": {"uuid": UUID1, "name": "worker: my-worker", "token": TOKEN_VALUE}}, id="token-create"),
    pytest.param(["token", "remove", UUID1], "DELETE", f"{WM}/tokens/{UUID1}", "", None, {}, id="token-remove"),
    pytest.param(["folder", "list"], "GET", f"{WM}/folders/list", "", None, {"folders": [FOLDER]},
                 id="folder-list"),
    pytest.param(["folder", "get", UUID1], "GET", f"{WM}/folders/{UUID1}", "", None, {"folder": FOLDER},
                 id="folder-get"),
    pytest.param(["folder", "create", "--name", "Q1 Campaigns", "--emoji-slug", "rocket", "--kind", "agent"],
                 "POST", f"{WM}/folders", "", {"name": "Q1 Campaigns", "emojiSlug": "rocket", "kind": "agent"},
                 {"folder": FOLDER}, id="folder-create"),
    pytest.param(["folder", "create", "--name", "Tools", "--kind", "mcpServer"], "POST", f"{WM}/folders", "",
                 {"name": "Tools", "kind": "mcpServer"}, {"folder": FOLDER}, id="folder-create-minimal"),
    pytest.param(["folder", "update", "--uuid", UUID1, "--name", "Q1 2025 Campaigns", "--emoji-slug", "fire",
                  "--parent-uuid", UUID2],
                 "PUT", f"{WM}/folders/{UUID1}", "",
                 {"name": "Q1 2025 Campaigns", "emojiSlug": "fire", "parentUuid": UUID2}, {"folder": FOLDER},
                 id="folder-update"),
    pytest.param(["folder", "update", "--uuid", UUID1, "--parent-uuid", "null"], "PUT", f"{WM}/folders/{UUID1}",
                 "", {"parentUuid": None}, {"folder": FOLDER}, id="folder-update-parent-null"),
    pytest.param(["folder", "update", "--uuid", UUID1, "--parent-uuid", "None"], "PUT", f"{WM}/folders/{UUID1}",
                 "", {"parentUuid": None}, {"folder": FOLDER}, id="folder-update-parent-none"),
    pytest.param(["folder", "remove", UUID1], "DELETE", f"{WM}/folders/{UUID1}", "", None, {},
                 id="folder-remove"),
    pytest.param(["file", "list-columns", "--s3-filename", "abc123-my companies.csv"], "GET",
                 f"{WM}/files/listColumns", "s3Filename=abc123-my+companies.csv", None,
                 {"columns": [{"type": "string", "name": "domain"}]}, id="file-list-columns"),
    pytest.param(["report", "create", "--title", "Upload fails", "--description", "Ran X, got Y"],
                 "POST", f"{WM}/reports", "", {"title": "Upload fails", "description": "Ran X, got Y"},
                 {"report": {"uuid": UUID1}}, id="report-create"),
    pytest.param(["session", "upsert", "--session-id", "s-1", "--title", "Enrich leads", "--summary", "In progress."],
                 "POST", f"{WM}/sessions", "", {"sessionId": "s-1", "title": "Enrich leads", "summary": "In progress."},
                 {"session": {"sessionId": "s-1"}}, id="session-upsert"),
    pytest.param(["session", "upsert", "--session-id", "s-1", "--title", "T", "--summary", "S",
                  "--finished-at", "2025-03-04T10:20:30+02:00"],
                 "POST", f"{WM}/sessions", "",
                 {"sessionId": "s-1", "title": "T", "summary": "S", "finishedAt": "2025-03-04T08:20:30.000Z"},
                 {"session": {"sessionId": "s-1"}}, id="session-upsert-finished-at"),
    pytest.param(["session", "upsert", "--session-id", "s-1", "--title", "T", "--summary", "S",
                  "--finished-at", "2025-03-04"],
                 "POST", f"{WM}/sessions", "",
                 {"sessionId": "s-1", "title": "T", "summary": "S", "finishedAt": "2025-03-04T00:00:00.000Z"},
                 {"session": {"sessionId": "s-1"}}, id="session-upsert-finished-at-date-only"),
    pytest.param(["session", "upsert", "--session-id", "s-1", "--title", "T", "--summary", "S", "--finished"],
                 "POST", f"{WM}/sessions", "",
                 {"sessionId": "s-1", "title": "T", "summary": "S", "finishedAt": "2025-06-07T08:09:10.123Z"},
                 {"session": {"sessionId": "s-1"}}, id="session-upsert-finished-now"),
]  # fmt: skip


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch: pytest.MonkeyPatch) -> None:
    moment = datetime(2025, 6, 7, 8, 9, 10, 123456, tzinfo=UTC)
    monkeypatch.setattr(workspace_management, "utcnow", lambda: moment)


@pytest.mark.parametrize(CASE_FIELDS, CASES)
def test_request_and_output(cli, api, argv, method, path, query, body, response):
    check_case(cli, api, "workspaceManagement", (argv, method, path, query, body, response))


@pytest.mark.parametrize(
    "argv",
    [["user", "create", "--user-email", "a@b.co", "--role-slug", "x"],
     ["user", "update", "--user-uuid", UUID1, "--role-slug", "x"],
     ["user", "remove", "--user-uuid", UUID1], ["token", "remove", UUID1], ["folder", "remove", UUID1]],
)  # fmt: skip
def test_empty_answer_prints_empty_object(cli, api, argv):
    route = api.route().respond(204)
    result = cli("workspaceManagement", *argv)
    assert result.code == 0
    assert route.called
    assert result.json == {}


@pytest.mark.parametrize(
    ("argv", "status", "reason", "message"),
    [
        (["folder", "get", UUID1], 404, "folderNotFound", "Folder not found."),
        (["folder", "remove", UUID1], 404, "folderNotFound", "Folder not found."),
        (["folder", "create", "--name", "A"], 409, "duplicateName", "A folder with this name already exists here."),
        (["folder", "update", "--uuid", UUID1, "--name", "A"], 409, "duplicateName",
         "A folder with this name already exists here."),
        (["user", "update", "--user-uuid", UUID1, "--role-slug", "x"], 404, "userNotFound", "User not found"),
        (["file", "list-columns", "--s3-filename", "f.csv"], 400, "noColumnsFound", "No columns found in the file."),
    ],
)  # fmt: skip
def test_reason_table(cli, api, argv, status, reason, message):
    api.route().respond(status, json={"reason": reason})
    result = cli("workspaceManagement", *argv)
    assert result.code == 1
    assert result.json == {"errorMessage": message, "reason": reason, "status": status}


ADMIN_COMMANDS = [
    ["user", "list"],
    ["user", "create", "--user-email", "a@b.co", "--role-slug", "member"],
    ["user", "update", "--user-uuid", UUID1, "--role-slug", "member"],
    ["user", "remove", "--user-uuid", UUID1],
    ["role", "list"],
    ["token", "list"],
    ["token", "create", "--name", "ci"],
    ["token", "remove", UUID1],
]
NON_ADMIN_COMMANDS = [
    ["user", "get-current"],
    ["report", "create", "--title", "t", "--description", "d"],
    ["session", "upsert", "--session-id", "s", "--title", "t", "--summary", "s"],
    ["folder", "list"],
    ["file", "list-columns", "--s3-filename", "f.csv"],
]


@pytest.mark.parametrize("argv", ADMIN_COMMANDS)
@pytest.mark.parametrize(
    ("status", "body", "base"), [(401, {}, "Not authorized"), (403, {}, describe_status(403))]
)
def test_admin_commands_explain_401_403(cli, api, argv, status, body, base):
    api.route().respond(status, json=body)
    result = cli("workspaceManagement", *argv)
    assert result.code == 1
    assert result.json["errorMessage"].startswith(base + ": ")
    assert "admin token" in result.json["errorMessage"]
    assert result.json["status"] == status


@pytest.mark.parametrize("argv", NON_ADMIN_COMMANDS)
def test_non_admin_commands_do_not_mention_admin(cli, api, argv):
    api.route().respond(403, json={"errorMessage": "Forbidden"})
    result = cli("workspaceManagement", *argv)
    assert result.code == 1
    assert result.json == {"errorMessage": "Forbidden", "status": 403}


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["token", "create"], "--name"),
        (["token", "create", "--name", "x", "--from-user"], "No such option '--from-user'"),
        (["token", "remove"], "token-uuid"),
        (["token", "remove", "abc"], "not a valid UUID"),
        (["user", "create", "--user-email", "a@b.co"], "--role-slug"),
        (["user", "create", "--role-slug", "member"], "--user-email"),
        (["user", "create", "--user-email", "nobody", "--role-slug", "member"], "not an email address"),
        (["user", "create", "--user-email", "a@b@c", "--role-slug", "member"], "not an email address"),
        (["user", "update", "--role-slug", "x"], "--user-uuid"),
        (["user", "update", "--user-uuid", UUID1], "Nothing to update"),
        (["user", "update", "--user-uuid", "nope", "--role-slug", "x"], "not a valid UUID"),
        (["user", "remove"], "--user-uuid"),
        (["user", "remove", "--user-uuid", "null"], "not a valid UUID"),
        (["folder", "get"], "folder-uuid"),
        (["folder", "get", "x"], "not a valid UUID"),
        (["folder", "remove", "x"], "not a valid UUID"),
        (["folder", "create", "--kind", "agent"], "--name"),
        (["folder", "create", "--name", "A", "--kind", "mailbox"], "--kind"),
        (["folder", "update", "--name", "A"], "--uuid"),
        (["folder", "update", "--uuid", UUID1], "Nothing to update"),
        (["folder", "update", "--uuid", UUID1, "--parent-uuid", "root"], "not a valid UUID"),
        (["folder", "update", "--uuid", "null", "--name", "A"], "not a valid UUID"),
        (["file", "list-columns"], "--s3-filename"),
        (["report", "create", "--title", "t"], "--description"),
        (["report", "create", "--description", "d"], "--title"),
        (["session", "upsert", "--title", "t", "--summary", "s"], "--session-id"),
        (["session", "upsert", "--session-id", "s", "--summary", "s"], "--title"),
        (["session", "upsert", "--session-id", "s", "--title", "t"], "--summary"),
        (["session", "upsert", "--session-id", "s", "--title", "t", "--summary", "s", "--finished",
          "--finished-at", "2025-01-01"], "not both"),
        (["session", "upsert", "--session-id", "s", "--title", "t", "--summary", "s", "--finished-at", "yesterday"],
         "is not a date"),
        (["envVar", "list"], "`cargo-ai workspaceManagement envVar list` is not available"),
        (["envVar", "create", "--key", "K"], "`cargo-ai workspaceManagement envVar create` is not available"),
        (["user", "delete"], "No such command"),
    ],
)  # fmt: skip
def test_usage_errors_send_nothing(cli, api, argv, needle):
    route = api.route()
    result = cli("workspaceManagement", *argv)
    assert result.code == 2, result.out
    assert needle in result.json["errorMessage"]
    assert not route.called


def test_token_value_is_printed_once_and_never_stored(cli, api, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(workspace_management.output, "stderr_is_tty", lambda: True)
    api.post(f"{WM}/tokens").respond(json={"token": {"uuid": UUID1, "token": TOKEN_VALUE}})
    result = cli("workspaceManagement", "token", "create", "--name", "ci")
    assert result.code == 0
    assert result.json["token"]["token"] == TOKEN_VALUE
    assert "shown only once" in result.err
    assert TOKEN_VALUE not in result.err
    stored = [p for p in tmp_path.rglob("*") if p.is_file() and TOKEN_VALUE.encode() in p.read_bytes()]
    assert stored == []


def test_token_notice_only_on_a_terminal(cli, api):
    api.post(f"{WM}/tokens").respond(json={"token": {"uuid": UUID1, "token": TOKEN_VALUE}})
    result = cli("workspaceManagement", "token", "create", "--name", "ci")
    assert result.code == 0
    assert result.err == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-01-31T18:00:00Z", "2025-01-31T18:00:00.000Z"),
        ("2025-01-31T18:00:00.987654", "2025-01-31T18:00:00.987Z"),
        ("2025-01-31T18:00:00-05:00", "2025-01-31T23:00:00.000Z"),
    ],
)
def test_finished_at_is_sent_as_utc_iso(cli, api, text, expected):
    route = api.post(f"{WM}/sessions").respond(json={"session": {}})
    result = cli("workspaceManagement", "session", "upsert", "--session-id", "s", "--title", "t", "--summary", "s",
                 "--finished-at", text)  # fmt: skip
    assert result.code == 0
    assert_request(route, "POST", f"{WM}/sessions", body={"sessionId": "s", "title": "t", "summary": "s",
                                                           "finishedAt": expected})  # fmt: skip
