"""observability alert / event commands."""

from __future__ import annotations

import json

import pytest

from tests.helpers import UUID1, UUID2, check_api_error, check_usage_error, table_tests

SCOPE = {"kind": "runs", "workflowUuid": UUID2, "statuses": ["error"]}
THRESHOLD = {"metric": "errorRate", "operator": "gte", "value": 10}
ACTIONS = [{"kind": "agent", "agentUuid": UUID2, "config": {"message": "{{alert.name}} breached"}}]
FOLDER = "44444444-4444-4444-8444-444444444444"
ALERT = {"alert": {"uuid": UUID1, "name": "CRM sync error rate"}}
S, T, A = json.dumps(SCOPE), json.dumps(THRESHOLD), json.dumps(ACTIONS)

CASES = [
    pytest.param(["alert", "list"], "GET", "/observability/alerts/list", "", None, {"alerts": []}, id="alert-list"),
    pytest.param(["alert", "get", UUID1], "GET", f"/observability/alerts/{UUID1}", "", None, ALERT, id="alert-get"),
    pytest.param(["alert", "create", "--name", "CRM sync error rate", "--cron", "*/30 * * * *", "--scope", S,
                  "--threshold", T], "POST", "/observability/alerts", "",
                 {"name": "CRM sync error rate", "cron": "*/30 * * * *", "scope": SCOPE, "threshold": THRESHOLD},
                 ALERT, id="alert-create"),
    pytest.param(["alert", "create", "--name", "n", "--cron", "0 * * * *", "--scope", S, "--threshold", T,
                  "--actions", A, "--description", "Page on failures", "--disabled", "--folder", FOLDER], "POST",
                 "/observability/alerts", "",
                 {"name": "n", "cron": "0 * * * *", "scope": SCOPE, "threshold": THRESHOLD, "actions": ACTIONS,
                  "description": "Page on failures", "isEnabled": False, "folderUuid": FOLDER},
                 ALERT, id="alert-create-all"),
    pytest.param(["alert", "update", "--uuid", UUID1, "--threshold", '{"metric":"errorRate","operator":"gte",'
                  '"value":20}', "--enabled", "false", "--description", "none", "--folder", "none"], "PUT",
                 f"/observability/alerts/{UUID1}", "",
                 {"threshold": {"metric": "errorRate", "operator": "gte", "value": 20}, "isEnabled": False,
                  "description": None, "folderUuid": None}, ALERT, id="alert-update"),
    pytest.param(["alert", "update", "--uuid", UUID1, "--enabled", "true", "--name", "x", "--cron", "5 * * * *",
                  "--scope", S, "--actions", "[]", "--folder", FOLDER], "PUT", f"/observability/alerts/{UUID1}", "",
                 {"isEnabled": True, "name": "x", "cron": "5 * * * *", "scope": SCOPE, "actions": [],
                  "folderUuid": FOLDER}, ALERT, id="alert-update-enable"),
    pytest.param(["alert", "remove", UUID1], "DELETE", f"/observability/alerts/{UUID1}", "", None, {},
                 id="alert-remove"),
    pytest.param(["alert", "preview", "--scope", S, "--threshold", T], "POST", "/observability/alerts/preview", "",
                 {"scope": SCOPE, "threshold": THRESHOLD, "windowMinutes": 60},
                 {"outcome": "computed", "value": 12.5, "isBreached": True}, id="alert-preview-default-window"),
    pytest.param(["alert", "preview", "--scope", S, "--threshold", T, "--window-minutes", "1440"], "POST",
                 "/observability/alerts/preview", "", {"scope": SCOPE, "threshold": THRESHOLD, "windowMinutes": 1440},
                 {"outcome": "empty"}, id="alert-preview"),
    pytest.param(["event", "list", UUID1], "POST", "/observability/events/list", "", {"alertUuid": UUID1},
                 {"count": 1, "events": [{"uuid": UUID2}]}, id="event-list"),
]  # fmt: skip

test_request_and_output = table_tests("observability", CASES)


@pytest.mark.parametrize(
    ("argv", "method", "path", "reason", "message"),
    [
        (["alert", "get", UUID1], "GET", f"/observability/alerts/{UUID1}", "alertNotFound", "Alert not found."),
        (["alert", "create", "--name", "n", "--cron", "bad", "--scope", S, "--threshold", T], "POST",
         "/observability/alerts", "invalidCron", "Invalid cron expression."),
        (["alert", "update", "--uuid", UUID1, "--scope", S], "PUT", f"/observability/alerts/{UUID1}",
         "mismatchedThreshold", "The threshold metric does not match the scope's data source."),
    ],
)  # fmt: skip
def test_reason_table(cli, api, argv, method, path, reason, message):
    expected = {"errorMessage": message, "reason": reason}
    check_api_error(cli, api, ["observability", *argv], method, path, 400, {"reason": reason}, expected)


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["alert", "create", "--name", "n", "--cron", "x", "--scope", S], "Missing option '--threshold'"),
        (["alert", "create", "--name", "n", "--cron", "x", "--scope", "[]", "--threshold", T], "expected a JSON object"),
        (["alert", "create", "--name", "n", "--cron", "x", "--scope", S, "--threshold", T, "--actions", "{}"],
         "expected a JSON array"),
        (["alert", "create", "--name", "n", "--cron", "x", "--scope", S, "--threshold", T, "--folder", "f"],
         "not a valid UUID"),
        (["alert", "update", "--uuid", UUID1], "Nothing to update"),
        (["alert", "update", "--uuid", UUID1, "--enabled", "yes"], "'yes' is not one of 'true', 'false'"),
        (["alert", "preview", "--scope", S], "Missing option '--threshold'"),
        (["alert", "preview", "--scope", S, "--threshold", T, "--window-minutes", "0"], "--window-minutes"),
        (["event", "list"], "Missing argument"),
        (["event", "list", "nope"], "not a valid UUID"),
    ],
)  # fmt: skip
def test_usage_errors_send_nothing(cli, api, argv, fragment):
    check_usage_error(cli, api, ["observability", *argv], fragment)
