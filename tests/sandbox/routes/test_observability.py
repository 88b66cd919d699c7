"""observability: alerts CRUD with validation, preview over real runs, one
evaluation event per create/update of an enabled alert."""

from __future__ import annotations

from cargo_cli.sandbox import seed
from tests.sandbox.conftest import Api
from tests.sandbox.routes.conftest import error, ok

SCOPE = {"kind": "runs", "workflowUuid": seed.TOOL_WORKFLOW, "statuses": ["error"]}
THRESHOLD = {"metric": "errorRate", "operator": "gte", "value": 40}


def test_preview_and_alerts_measure_real_runs(api: Api) -> None:
    body = {"scope": SCOPE, "threshold": THRESHOLD, "windowMinutes": 60}
    assert ok(api, "POST", "/observability/alerts/preview", body) == {
        "outcome": "empty",
        "total": 0,
        "failed": 0,
    }
    for data in ({"domain": "acme.io"}, {"name": "no domain"}):
        ok(api, "POST", "/orchestration/runs", {"workflowUuid": seed.TOOL_WORKFLOW, "data": data})
    api.clock.now += 10
    preview = ok(api, "POST", "/observability/alerts/preview", body)
    assert preview == {"outcome": "computed", "value": 50, "total": 2, "failed": 1, "isBreached": True}
    other = {**body, "scope": {"kind": "sql"}}
    assert ok(api, "POST", "/observability/alerts/preview", other)["outcome"] == "notComputed"

    alert = ok(api, "POST", "/observability/alerts",
               {"name": "Errors", "cron": "*/30 * * * *", "scope": SCOPE, "threshold": THRESHOLD})["alert"]  # fmt: skip
    assert alert["isEnabled"] and alert["lastEvent"]["status"] == "breached"
    updated = ok(api, "PUT", f"/observability/alerts/{alert['uuid']}",
                 {"threshold": {**THRESHOLD, "value": 90}})["alert"]  # fmt: skip
    assert updated["threshold"]["value"] == 90 and updated["lastEvent"]["status"] == "ok"
    events = ok(api, "POST", "/observability/events/list", {"alertUuid": alert["uuid"]})
    assert events["count"] == 2 and [e["status"] for e in events["events"]] == ["ok", "breached"]
    only = ok(
        api, "POST", "/observability/events/list", {"alertUuid": alert["uuid"], "statuses": ["breached"]}
    )
    assert only["count"] == 1
    disabled = ok(api, "POST", "/observability/alerts", {"name": "Off", "cron": "0 9 * * MON", "scope": SCOPE,
                                                         "threshold": THRESHOLD, "isEnabled": False})["alert"]  # fmt: skip
    assert (disabled["isEnabled"], disabled["lastEvent"]) == (False, None)
    assert {a["uuid"] for a in ok(api, "GET", "/observability/alerts/list")["alerts"]} >= {
        alert["uuid"], disabled["uuid"],
    }  # fmt: skip
    assert ok(api, "DELETE", f"/observability/alerts/{alert['uuid']}") == {}
    assert error(api, "GET", f"/observability/alerts/{alert['uuid']}") == (404, "alertNotFound")


def test_alert_validation(api: Api) -> None:
    base = {"name": "A", "cron": "*/5 * * * *", "scope": SCOPE, "threshold": THRESHOLD}
    assert error(api, "POST", "/observability/alerts", {**base, "cron": "every minute"}) == (
        400,
        "invalidCron",
    )
    assert error(api, "POST", "/observability/alerts", {**base, "threshold": {"metric": "x"}}) == (
        400, "mismatchedThreshold",
    )  # fmt: skip
    assert error(api, "POST", "/observability/alerts", {**base, "scope": "runs"}) == (
        400,
        "invalidPayload",
    )
    missing = "00000000-0000-4000-8000-000000000000"
    assert error(api, "POST", "/observability/alerts", {**base, "folderUuid": missing}) == (
        404,
        "folderNotFound",
    )
    assert error(api, "PUT", f"/observability/alerts/{missing}", {"name": "B"}) == (404, "alertNotFound")
