"""orchestration: the exact request, the printed output and the errors of every command."""

from __future__ import annotations

import json

import pytest

from cargo_cli.api.endpoints import ENDPOINTS
from cargo_cli.cli.commands.orchestration import COMMANDS
from cargo_cli.errors import describe_status
from tests.helpers import UUID1, UUID2, assert_request

W = UUID1  # a workflow
B = UUID2  # a batch / run / play / tool
R = "44444444-4444-4444-8444-444444444444"  # a release
ACTION = '{"kind":"connector","integrationSlug":"clearbit","actionSlug":"enrichCompany"}'
NODES = '[{"uuid":"n1","slug":"start","kind":"native","actionSlug":"start","config":{}}]'
NODE = '{"uuid":"n2","slug":"enrich_company","kind":"connector","config":{"domain":"{{nodes.start.domain}}"}}'
CONTEXT = '{"nodes":{"start":{"domain":"acme.com"}}}'
FILTER = '{"conjonction":"and","groups":[]}'
SCHEDULE = '{"type":"cron","cron":"0 9 * * 1"}'
TRIGGERS = '[{"name":"Weekly","type":"cron","cron":"0 9 * * 1","data":{}}]'
SQL = "SELECT status, count() FROM runs GROUP BY status"


def j(text: str):
    return json.loads(text)


# (argv under `orchestration`, method, path under /v1, raw query, JSON body or None)
CASES = [
    # action
    pytest.param(
        ["action", "execute", "--action", ACTION, "--data", '{"domain":"acme.com"}'],
        "POST", "/orchestration/actions/execute", "", {"action": j(ACTION), "data": {"domain": "acme.com"}},
        id="action-execute",
    ),
    pytest.param(
        ["action", "execute-batch", "--action", ACTION, "--records", '[{"domain":"acme.com"},{"domain":"globex.com"}]',
         "--data", '{"limit":25}', "--webhook-secret", "my-secret", "--webhook-url", "https://hooks.example.com/done"],
        "POST", "/orchestration/actions/execute-batch", "",
        {"action": j(ACTION), "records": [{"domain": "acme.com"}, {"domain": "globex.com"}], "data": {"limit": 25},
         "webhookSecret": "my-secret", "webhookUrl": "https://hooks.example.com/done"},
        id="action-execute-batch",
    ),
    pytest.param(
        ["action", "get-output-schema", "--action", ACTION, "--data", '{"objectType":"contacts"}'],
        "POST", "/orchestration/actions/get-output-schema", "",
        {"action": j(ACTION), "data": {"objectType": "contacts"}}, id="action-get-output-schema",
    ),
    # run
    pytest.param(
        ["run", "create", "--data", '{"domain":"acme.com"}', "--nodes", NODES, "--release-uuid", R,
         "--workflow-uuid", W],
        "POST", "/orchestration/runs", "",
        {"data": {"domain": "acme.com"}, "nodes": j(NODES), "releaseUuid": R, "workflowUuid": W}, id="run-create",
    ),
    pytest.param(
        ["run", "list", "--workflow-uuid", W, "--batch-uuid", B, "--limit", "20", "--record-id", "rec-1",
         "--statuses", "running,pending"],
        "POST", "/orchestration/runs/list", "",
        {"workflowUuid": W, "batchUuid": B, "limit": 20, "recordId": "rec-1", "statuses": ["running", "pending"]},
        id="run-list",
    ),
    pytest.param(
        ["run", "count", "--workflow-uuid", W, "--batch-uuid", B, "--created-after", "2025-01-15",
         "--created-before", "2025-01-16T00:00:00Z", "--is-finished", "--record-id", "rec-1", "--record-title",
         "Acme", "--release-uuid", R, "--statuses", "error,success"],
        "POST", "/orchestration/runs/count", "",
        {"workflowUuid": W, "batchUuid": B, "createdAfter": "2025-01-15", "createdBefore": "2025-01-16T00:00:00Z",
         "isFinished": True, "recordId": "rec-1", "recordTitle": "Acme", "releaseUuid": R,
         "statuses": ["error", "success"]},
        id="run-count",
    ),
    pytest.param(
        ["run", "download", "--workflow-uuid", W, "--batch-uuid", B, "--created-after", "2025-01-01",
         "--created-before", "2025-01-31", "--is-finished", "--limit", "500", "--statuses", "success,error"],
        "POST", "/orchestration/runs/download", "",
        {"workflowUuid": W, "batchUuid": B, "createdAfter": "2025-01-01", "createdBefore": "2025-01-31",
         "isFinished": True, "limit": 500, "statuses": ["success", "error"]},
        id="run-download",
    ),
    pytest.param(
        ["run", "download-outputs", "--workflow-uuid", W, "--batch-uuid", B, "--format", "json", "--is-finished",
         "--limit", "100", "--output-node-slug", "end", "--statuses", "success"],
        "POST", "/orchestration/runs/download-outputs", "",
        {"workflowUuid": W, "batchUuid": B, "format": "json", "isFinished": True, "limit": 100,
         "outputNodeSlug": "end", "statuses": ["success"]},
        id="run-download-outputs",
    ),
    pytest.param(["run", "get", B], "GET", f"/orchestration/runs/{B}", "", None, id="run-get"),
    pytest.param(
        ["run", "get-metrics", "--workflow-uuid", W, "--batch-uuid", B, "--created-after", "2025-01-01",
         "--created-before", "2025-01-31", "--release-uuid", R],
        "POST", "/orchestration/runs/metrics", "",
        {"workflowUuid": W, "batchUuid": B, "createdAfter": "2025-01-01", "createdBefore": "2025-01-31",
         "releaseUuid": R},
        id="run-get-metrics",
    ),
    pytest.param(
        ["run", "cancel", "--uuids", f"{B},{R.upper()}", "--workflow-uuid", W],
        "POST", "/orchestration/runs/cancel", "", {"uuids": [B, R.upper()], "workflowUuid": W}, id="run-cancel",
    ),
    # batch
    pytest.param(
        ["batch", "create", "--data", '{"kind":"filter","modelUuid":"m","limit":15}', "--nodes", NODES,
         "--release-uuid", R, "--workflow-uuid", W],
        "POST", "/orchestration/batches", "",
        {"data": {"kind": "filter", "modelUuid": "m", "limit": 15}, "nodes": j(NODES), "releaseUuid": R,
         "workflowUuid": W},
        id="batch-create",
    ),
    pytest.param(
        ["batch", "list", "--statuses", "running,error", "--workflow-uuids", f"{W},{R}"],
        "GET", "/orchestration/batches/list",
        f"statuses%5B%5D=running&statuses%5B%5D=error&workflowUuids%5B%5D={W}&workflowUuids%5B%5D={R}", None,
        id="batch-list",
    ),
    pytest.param(["batch", "get", B], "GET", f"/orchestration/batches/{B}", "", None, id="batch-get"),
    pytest.param(["batch", "cancel", B], "POST", f"/orchestration/batches/{B}/cancel", "", None, id="batch-cancel"),
    pytest.param(
        ["batch", "download", "--output-node-slug", "end", "--uuid", B],
        "POST", f"/orchestration/batches/{B}/download", "", {"outputNodeSlug": "end"}, id="batch-download",
    ),
    # record
    pytest.param(
        ["record", "list", "--workflow-uuid", W, "--batch-uuid", B, "--limit", "50", "--statuses", "error"],
        "POST", "/orchestration/records/list", "",
        {"workflowUuid": W, "batchUuid": B, "limit": 50, "statuses": ["error"]}, id="record-list",
    ),
    pytest.param(
        ["record", "count", "--workflow-uuid", W], "POST", "/orchestration/records/count", "",
        {"workflowUuid": W}, id="record-count",
    ),
    pytest.param(
        ["record", "download", "--workflow-uuid", W], "POST", "/orchestration/records/download", "",
        {"workflowUuid": W}, id="record-download",
    ),
    pytest.param(
        ["record", "download-outputs", "--workflow-uuid", W, "--limit", "1000", "--offset", "2000",
         "--output-node-slug", "end"],
        "POST", "/orchestration/records/download-outputs", "",
        {"workflowUuid": W, "limit": 1000, "offset": 2000, "outputNodeSlug": "end"}, id="record-download-outputs",
    ),
    pytest.param(
        ["record", "get-metrics", "--workflow-uuid", W], "POST", "/orchestration/records/metrics", "",
        {"workflowUuid": W}, id="record-get-metrics",
    ),
    pytest.param(
        ["record", "cancel", "--ids", "record-id-1,record-id-2", "--workflow-uuid", W],
        "POST", "/orchestration/records/cancel", "",
        {"ids": ["record-id-1", "record-id-2"], "workflowUuid": W}, id="record-cancel",
    ),
    # release
    pytest.param(
        ["release", "list", "--workflow-uuid", W], "GET", "/orchestration/releases/list", f"workflowUuid={W}",
        None, id="release-list",
    ),
    pytest.param(["release", "list"], "GET", "/orchestration/releases/list", "", None, id="release-list-all"),
    pytest.param(["release", "get", R], "GET", f"/orchestration/releases/{R}", "", None, id="release-get"),
    pytest.param(
        ["release", "get-deployed", "--workflow-uuid", W], "GET", "/orchestration/releases/deployed",
        f"workflowUuid={W}", None, id="release-get-deployed",
    ),
    pytest.param(
        ["release", "get-draft", "--workflow-uuid", W], "GET", "/orchestration/releases/draft",
        f"workflowUuid={W}", None, id="release-get-draft",
    ),
    pytest.param(
        ["release", "update-draft", "--workflow-uuid", W, "--nodes", NODES],
        "POST", "/orchestration/releases/draft/update", "", {"workflowUuid": W, "nodes": j(NODES)},
        id="release-update-draft",
    ),
    pytest.param(
        ["release", "deploy-draft", "--workflow-uuid", W, "--description", "Fix branch condition",
         "--form-fields", "null", "--nodes", NODES, "--version", "1.2.0"],
        "POST", "/orchestration/releases/draft/deploy", "",
        {"workflowUuid": W, "description": "Fix branch condition", "formFields": None, "nodes": j(NODES),
         "version": "1.2.0"},
        id="release-deploy-draft",
    ),
    pytest.param(
        ["release", "deploy-draft", "--workflow-uuid", W, "--form-fields", '[{"slug":"domain","name":"Domain","kind":"string"}]'],
        "POST", "/orchestration/releases/draft/deploy", "",
        {"workflowUuid": W, "formFields": [{"slug": "domain", "name": "Domain", "kind": "string"}]},
        id="release-deploy-draft-form-fields",
    ),
    # play
    pytest.param(
        ["play", "create", "--change-kinds", "added,updated", "--description", "Saved chain", "--model-uuid", W,
         "--name", "Enrich new companies", "--run-creation-rule", "once"],
        "POST", "/orchestration/plays", "",
        {"changeKinds": ["added", "updated"], "description": "Saved chain", "modelUuid": W,
         "name": "Enrich new companies", "runCreationRule": "once"},
        id="play-create",
    ),
    pytest.param(["play", "list"], "GET", "/orchestration/plays/list", "", None, id="play-list"),
    pytest.param(["play", "get", B], "GET", f"/orchestration/plays/{B}", "", None, id="play-get"),
    pytest.param(
        ["play", "update", B, "--filter", FILTER, "--limit", "500", "--schedule", SCHEDULE],
        "PUT", f"/orchestration/plays/{B}", "", {"filter": j(FILTER), "limit": 500, "schedule": j(SCHEDULE)},
        id="play-update",
    ),
    pytest.param(["play", "remove", B], "DELETE", f"/orchestration/plays/{B}", "", None, id="play-remove"),
    # tool
    pytest.param(
        ["tool", "create", "--description", "Weekly pull", "--name", "Weekly RevOps-lead pull"],
        "POST", "/orchestration/tools", "",
        {"description": "Weekly pull", "name": "Weekly RevOps-lead pull",
         "icon": {"kind": "emoji", "emojiSlug": "wrench"}},
        id="tool-create",
    ),
    pytest.param(["tool", "list"], "GET", "/orchestration/tools/list", "", None, id="tool-list"),
    pytest.param(["tool", "get", B], "GET", f"/orchestration/tools/{B}", "", None, id="tool-get"),
    pytest.param(
        ["tool", "update", "--triggers", TRIGGERS, "--uuid", B],
        "PUT", f"/orchestration/tools/{B}", "", {"triggers": j(TRIGGERS)}, id="tool-update",
    ),
    pytest.param(["tool", "remove", B], "DELETE", f"/orchestration/tools/{B}", "", None, id="tool-remove"),
    # workflow, template
    pytest.param(["workflow", "list"], "GET", "/orchestration/workflows/list", "", None, id="workflow-list"),
    pytest.param(["template", "list"], "POST", "/orchestration/templates/list", "", {}, id="template-list"),
    pytest.param(
        ["template", "get", "enrich-company"], "GET", "/orchestration/templates/enrich-company", "", None,
        id="template-get",
    ),
    # node
    pytest.param(
        ["node", "compute", "--node", NODE, "--context", CONTEXT], "POST", "/orchestration/nodes/compute", "",
        {"node": j(NODE), "context": j(CONTEXT)}, id="node-compute",
    ),
    pytest.param(
        ["node", "execute", "--computed-config", '{"domain":"acme.com"}', "--context", CONTEXT, "--node", NODE,
         "--release-uuid", R, "--workflow-uuid", W],
        "POST", "/orchestration/nodes/execute", "",
        {"computedConfig": {"domain": "acme.com"}, "context": j(CONTEXT), "node": j(NODE), "releaseUuid": R,
         "workflowUuid": W},
        id="node-execute",
    ),
    pytest.param(
        ["node", "validate", "--nodes", NODES], "POST", "/orchestration/nodes/validate", "",
        {"nodes": j(NODES)}, id="node-validate",
    ),
    # query
    pytest.param(["query", "execute", SQL], "POST", "/orchestration/query", "", {"query": SQL}, id="query-execute"),
]  # fmt: skip

RESPONSE = {"result": {"uuid": UUID1, "name": "é ✓", "empty": None}}
CLIENT_SIDE = {"action list", "node diagram"}  # owned by cli/action_search.py and cli/diagram/


def _cmd(argv: list[str]):
    return next(c for c in COMMANDS if c.name == " ".join(argv[:2]))


def test_every_command_has_a_case():
    covered = {" ".join(case.values[0][:2]) for case in CASES}
    assert covered == {c.name for c in COMMANDS} - CLIENT_SIDE


@pytest.mark.parametrize(("argv", "method", "path", "query", "body"), CASES)
def test_request_and_output(cli, api, argv, method, path, query, body):
    route = api.route(method=method, path=path).respond(json=RESPONSE)
    result = cli("orchestration", *argv)
    assert result.code == 0, result.out
    assert_request(route, method, path, query=query, body=body)
    assert route.call_count == 1
    assert result.json == RESPONSE  # as the server sent it, nulls included
    assert result.out.startswith('{\n  "result": {\n    "uuid"')
    assert "é ✓" in result.out


def test_empty_answer_prints_empty_object(cli, api):
    api.post(f"/orchestration/batches/{B}/cancel").respond(204)
    result = cli("orchestration", "batch", "cancel", B)
    assert result.code == 0
    assert result.json == {}


def test_server_error_and_unauthorized(cli, api):
    api.get(f"/orchestration/runs/{B}").respond(500)
    result = cli("orchestration", "run", "get", B)
    assert (result.code, result.json) == (1, {"errorMessage": "Server error", "status": 500})
    api.get("/orchestration/tools/list").respond(401, json={})
    result = cli("orchestration", "tool", "list")
    assert (result.code, result.json) == (1, {"errorMessage": "Not authorized", "status": 401})


@pytest.mark.parametrize(
    ("argv", "status", "reason", "message"),
    [
        (["run", "create", "--workflow-uuid", W, "--data", "{}"], 400, "playNotCompatible",
         "Play workflows are not compatible with run creation."),
        (["run", "create", "--workflow-uuid", W, "--release-uuid", R, "--nodes", NODES], 400,
         "invalidReleaseOrCustomNodes", "Invalid release or custom nodes."),
        (["action", "execute", "--action", ACTION], 402, "notEnoughCredits", "Not enough credits."),
        (["action", "execute-batch", "--action", ACTION, "--records", "[]"], 400, "invalidDataKind",
         "Invalid data kind."),
        (["batch", "create", "--workflow-uuid", W, "--data", "{}"], 400, "invalidDataKind",
         "Invalid data kind for workflow type."),
        (["batch", "create", "--workflow-uuid", W, "--data", "{}"], 404, "workflowNotFound", "Workflow not found."),
        (["action", "get-output-schema", "--action", ACTION], 404, "actionHasNoOutput",
         "Action has no output schema."),
        (["batch", "download", "--uuid", B, "--output-node-slug", "end"], 409, "batchNotFinished",
         "Batch not finished."),
        (["release", "deploy-draft", "--workflow-uuid", W], 400, "toolReleaseRequiresFormFields", None),
        (["run", "download-outputs", "--workflow-uuid", W], 400, "tooManyRuns", None),
        (["template", "get", "nope"], 404, "templateNotFound", "Template not found."),
        (["record", "cancel", "--ids", "a", "--workflow-uuid", W], 400, "tooManyRecordsSelected",
         "Selecting more than 2000 records is not supported."),
    ],
)  # fmt: skip
def test_reason_messages(cli, api, argv, status, reason, message):
    api.route().respond(status, json={"reason": reason})
    result = cli("orchestration", *argv)
    assert result.code == 1
    expected = message or ENDPOINTS[_cmd(argv).endpoint_id].reasons[reason]
    assert result.json == {"errorMessage": expected, "reason": reason, "status": status}


def test_server_error_message_wins_over_reason_table(cli, api):
    api.post("/orchestration/runs").respond(
        400, json={"reason": "invalidData", "errorMessage": "domain is required"}
    )
    result = cli("orchestration", "run", "create", "--workflow-uuid", W)
    assert result.json == {"errorMessage": "domain is required", "reason": "invalidData", "status": 400}


@pytest.mark.parametrize(
    ("sub_reason", "message"),
    [
        ("noRecords", "No records."),
        ("segmentLinkedToPlay", "This segment belongs to a play and cannot be enrolled directly. Trigger the "
         'play with {"kind":"filter","modelUuid":"<uuid>"} instead.'),
        ("somethingNew", describe_status(400)),
        (None, describe_status(400)),
    ],
)  # fmt: skip
def test_batch_create_data_error_second_table(cli, api, sub_reason, message):
    body: dict = {"reason": "dataError"}
    if sub_reason:
        body["dataError"] = {"reason": sub_reason}
    api.post("/orchestration/batches").respond(400, json=body)
    result = cli("orchestration", "batch", "create", "--workflow-uuid", W, "--data", '{"kind":"segment"}')
    assert result.code == 1
    assert result.json == {"errorMessage": message, "reason": "dataError", "status": 400}


MISSING_NODE_EXECUTE = ["--computed-config", "{}", "--context", "{}", "--node", "{}", "--release-uuid", R,
                        "--workflow-uuid", W]  # fmt: skip


def _without(args: list[str], flag: str) -> list[str]:
    index = args.index(flag)
    return args[:index] + args[index + 2 :]


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        *[
            pytest.param(["node", "execute", *_without(MISSING_NODE_EXECUTE, flag)], f"Missing option '{flag}'",
                         id=f"node-execute-needs{flag}")
            for flag in ("--computed-config", "--context", "--node", "--release-uuid", "--workflow-uuid")
        ],
        (["draft-release", "get", "--workflow-uuid", W], "No such command 'draft-release'"),
        (["draft-release", "update", "--workflow-uuid", W, "--nodes", "[]"], "No such command 'draft-release'"),
        (["draft-release", "deploy", "--workflow-uuid", W], "No such command 'draft-release'"),
        (["release", "nope"], "No such command 'nope'"),
        (["run", "get", "not-a-uuid"], "'not-a-uuid' is not a valid UUID"),
        (["run", "cancel", "--uuids", f"{B},run-1", "--workflow-uuid", W], "'run-1' is not a valid UUID"),
        (["batch", "list", "--workflow-uuids", "w1"], "'w1' is not a valid UUID"),
        (["run", "list", "--workflow-uuid", "w1"], "'w1' is not a valid UUID"),
        (["action", "execute", "--action", '{"kind":'], "Invalid JSON in --action"),
        (["action", "execute", "--data", "{}"], "Missing option '--action'"),
        (["action", "execute-batch", "--action", ACTION, "--records", '{"domain":"a"}'], "expected a JSON array"),
        (["node", "compute", "--node", "[]"], "expected a JSON object"),
        (["release", "deploy-draft", "--nodes", "[]"], "Missing option '--workflow-uuid'"),
        (["release", "deploy-draft", "--workflow-uuid", W, "--form-fields", "{}"], "expected a JSON array"),
        (["run", "download-outputs", "--workflow-uuid", W, "--format", "xml"], "'xml' is not one of"),
        (["play", "create", "--run-creation-rule", "sometimes"], "'sometimes' is not one of"),
        (["run", "count", "--workflow-uuid", W, "--created-after", "last week"], "is not a date"),
        (["run", "list", "--workflow-uuid", W, "--limit", "0"], "0 is not in the range x>=1"),
        (["record", "download-outputs", "--workflow-uuid", W, "--offset", "-1"], "-1 is not in the range x>=0"),
        (["query", "execute", "  "], "the SQL query is empty"),
        (["query", "execute"], "Missing argument '<sql>'"),
        (["tool", "update", "--triggers", "[]"], "Missing option '--uuid'"),
        (["batch", "download", "--uuid", B], "Missing option '--output-node-slug'"),
        (["record", "cancel", "--workflow-uuid", W], "Missing option '--ids'"),
        (["action", "execute", "--action", ACTION, "--record", "{}"], "No such option '--record'"),
        (["action", "execute-batch", "--action", ACTION, "--records", "[]", "--model-uuid", W],
         "No such option '--model-uuid'"),
        (["batch", "create", "--file", "/nonexistent/nodes.json"], "does not exist"),
    ],
)  # fmt: skip
def test_usage_errors_send_nothing(cli, api, argv, needle):
    route = api.route()
    result = cli("orchestration", *argv)
    assert result.code == 2, result.out
    assert needle in result.json["errorMessage"]
    assert not route.called


def test_global_version_is_not_shadowed_on_deploy_draft(cli, api):
    """The vendor's global --version swallowed `deploy-draft --version`; here it
    is the release's version and the deploy happens."""
    route = api.post("/orchestration/releases/draft/deploy").respond(json={"release": {"version": "2.0"}})
    result = cli("orchestration", "release", "deploy-draft", "--workflow-uuid", W, "--version", "2.0")
    assert result.code == 0
    assert_request(
        route, "POST", "/orchestration/releases/draft/deploy", body={"workflowUuid": W, "version": "2.0"}
    )
    assert result.json == {"release": {"version": "2.0"}}
