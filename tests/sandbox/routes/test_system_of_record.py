"""systemOfRecordIntegration: the seeded warehouse, read-only SQL through
query/fetch/download, documentation text, operation logs and metrics."""

from __future__ import annotations

from cargo_cli.sandbox import seed_knowledge_hosting
from tests.sandbox.conftest import Api
from tests.sandbox.routes.conftest import error, ok

SQL = "SELECT country, count(*) AS n FROM crm.companies GROUP BY country ORDER BY country"


def test_list_query_fetch_download(api: Api) -> None:
    systems = ok(api, "GET", "/systemOfRecordIntegration/systemOfRecords")["systemOfRecords"]
    assert [s["uuid"] for s in systems] == [seed_knowledge_hosting.SYSTEM_OF_RECORD]
    rows = ok(api, "POST", "/systemOfRecordIntegration/clients/query", {"query": SQL})["rows"]
    assert [r["country"] for r in rows] == ["DE", "ES", "FR", "GB", "US"] and sum(r["n"] for r in rows) == 300
    page = ok(api, "POST", "/systemOfRecordIntegration/clients/fetch",
              {"query": "SELECT id FROM crm.companies ORDER BY id", "limit": 2, "offset": 3})  # fmt: skip
    assert page == {"records": [{"id": "cmp_0003"}, {"id": "cmp_0004"}], "count": 300}
    (url,) = ok(api, "POST", "/systemOfRecordIntegration/clients/download", {"query": SQL})["urls"]
    lines = api.client.get(str(url).removeprefix("http://testserver")).text.splitlines()
    assert lines[0] == "country,n" and lines[1].startswith("DE,")


def test_read_only_and_unknown_tables(api: Api) -> None:
    assert error(api, "POST", "/systemOfRecordIntegration/clients/query", {"query": "DROP TABLE x"})[1] in (
        "readOnly", "invalidQuery",
    )  # fmt: skip
    assert error(api, "POST", "/systemOfRecordIntegration/clients/query", {"query": "SELECT * FROM secrets"}) == (
        400, "tableNotFound",
    )  # fmt: skip
    assert error(api, "POST", "/systemOfRecordIntegration/clients/query", {}) == (400, "invalidPayload")


def test_documentation_and_logs(api: Api) -> None:
    text = ok(api, "GET", "/systemOfRecordIntegration/clients/sandbox/documentation").decode()
    assert "`crm.companies` (id string" in text and "(./tables.md)" in text
    assert error(api, "GET", "/systemOfRecordIntegration/clients/nope/documentation") == (
        404,
        "clientNotFound",
    )
    ok(
        api,
        "POST",
        "/systemOfRecordIntegration/clients/query",
        {"query": "SELECT 1 AS one FROM crm.contacts LIMIT 1"},
    )
    logs = ok(api, "GET", "/systemOfRecordIntegration/logs/list", params={"query": "crm.contacts"})["logs"]
    assert [(log["operation"], log["rowsCount"]) for log in logs] == [("query", 1)]
    metrics = ok(api, "GET", "/systemOfRecordIntegration/logs/metrics",
                 params={"from": "2000-01-01", "to": "2100-01-01"})["metrics"]  # fmt: skip
    assert len(metrics) == 1 and metrics[0]["operationsCount"] >= 1
