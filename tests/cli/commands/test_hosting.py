"""hosting app / worker / deployment commands (remote): the exact requests."""

from __future__ import annotations

import pytest

from tests.helpers import UUID1, UUID2, check_usage_error, table_tests

FOLDER = "44444444-4444-4444-8444-444444444444"
APP = {"app": {"uuid": UUID1, "slug": "my-app", "url": "https://my-app-1111.app.getcargo.run"}}
WORKER = {"worker": {"uuid": UUID2, "slug": "my-worker"}}
DEPLOYMENT = {"deployment": {"uuid": UUID2, "appUuid": UUID1, "status": "pending"}}

CASES = [
    pytest.param(["app", "list"], "POST", "/hosting/apps/list", "", {}, {"apps": []}, id="app-list"),
    pytest.param(["app", "list", "--folder-uuid", FOLDER], "POST", "/hosting/apps/list", "", {"folderUuid": FOLDER},
                 {"apps": []}, id="app-list-folder"),
    pytest.param(["app", "get", UUID1], "GET", f"/hosting/apps/{UUID1}", "", None, APP, id="app-get"),
    pytest.param(["app", "create", "--name", "My App", "--slug", "my-app", "--folder-uuid", FOLDER], "POST",
                 "/hosting/apps", "", {"name": "My App", "slug": "my-app", "folderUuid": FOLDER}, APP,
                 id="app-create"),
    pytest.param(["app", "update", "--uuid", UUID1, "--folder-uuid", "null"], "PUT", f"/hosting/apps/{UUID1}", "",
                 {"folderUuid": None}, APP, id="app-update-to-root"),
    pytest.param(["app", "update", "--uuid", UUID1, "--name", "Renamed"], "PUT", f"/hosting/apps/{UUID1}", "",
                 {"name": "Renamed"}, APP, id="app-update"),
    pytest.param(["app", "remove", UUID1], "DELETE", f"/hosting/apps/{UUID1}", "", {}, {}, id="app-remove"),
    pytest.param(["worker", "list"], "POST", "/hosting/workers/list", "", {}, {"workers": []}, id="worker-list"),
    pytest.param(["worker", "get", UUID2], "GET", f"/hosting/workers/{UUID2}", "", None, WORKER, id="worker-get"),
    pytest.param(["worker", "create", "--name", "My API", "--slug", "my-api"], "POST", "/hosting/workers", "",
                 {"name": "My API", "slug": "my-api"}, WORKER, id="worker-create"),
    pytest.param(["worker", "update", "--uuid", UUID2, "--name", "Renamed Worker", "--folder-uuid", FOLDER], "PUT",
                 f"/hosting/workers/{UUID2}", "", {"name": "Renamed Worker", "folderUuid": FOLDER}, WORKER,
                 id="worker-update"),
    pytest.param(["worker", "remove", UUID2], "DELETE", f"/hosting/workers/{UUID2}", "", {}, {}, id="worker-remove"),
    pytest.param(["deployment", "list", "--app-uuid", UUID1], "POST", "/hosting/deployments/list", "",
                 {"appUuid": UUID1}, {"deployments": []}, id="deployment-list-app"),
    pytest.param(["deployment", "list", "--worker-uuid", UUID2], "POST", "/hosting/deployments/list", "",
                 {"workerUuid": UUID2}, {"deployments": []}, id="deployment-list-worker"),
    pytest.param(["deployment", "get", UUID2], "GET", f"/hosting/deployments/{UUID2}", "", None, DEPLOYMENT,
                 id="deployment-get"),
    pytest.param(["deployment", "get-promoted", "--app-uuid", UUID1], "GET", "/hosting/deployments/promoted",
                 f"appUuid={UUID1}", None, DEPLOYMENT, id="deployment-get-promoted"),
    pytest.param(["deployment", "get-promoted", "--worker-uuid", UUID2], "GET", "/hosting/deployments/promoted",
                 f"workerUuid={UUID2}", None, DEPLOYMENT, id="deployment-get-promoted-worker"),
    pytest.param(["deployment", "promote", "--uuid", UUID2], "POST", "/hosting/deployments/promote", "",
                 {"uuid": UUID2}, DEPLOYMENT, id="deployment-promote"),
]  # fmt: skip

test_request_and_output = table_tests("hosting", CASES)


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["app", "create", "--name", "x"], "Missing option '--slug'"),
        (["app", "update", "--uuid", UUID1], "Nothing to update"),
        (["app", "get", "nope"], "not a valid UUID"),
        (["worker", "update", "--uuid", UUID2], "Nothing to update"),
        (["deployment", "list"], "Pass exactly one of --app-uuid or --worker-uuid"),
        (["deployment", "list", "--app-uuid", UUID1, "--worker-uuid", UUID2], "mutually exclusive"),
        (["deployment", "get-promoted"], "Pass exactly one of --app-uuid or --worker-uuid"),
        (["deployment", "get-promoted", "--app-uuid", UUID1, "--worker-uuid", UUID2], "mutually exclusive"),
        (["deployment", "promote"], "Missing option '--uuid'"),
        (["deployment", "get"], "Missing argument"),
        (["worker", "env", UUID2], "No such command 'env'"),
    ],
)
def test_usage_errors_send_nothing(cli, api, argv, fragment):
    check_usage_error(cli, api, ["hosting", *argv], fragment)
