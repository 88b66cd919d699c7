"""Read-only SQL: ClickHouse translated to DuckDB, scoped to the workspace."""

from __future__ import annotations

import pytest

from cargo_cli.sandbox import sqlquery
from cargo_cli.sandbox.http import ApiError
from tests.sandbox.conftest import Api


def resolver(db: str, name: str) -> str | None:
    return "SELECT 1 AS x" if (db, name) == ("", "runs") else None


@pytest.mark.parametrize(
    ("sql", "fragment"),
    [
        ("SELECT countIf(status = 'error') FROM runs", "COUNT_IF"),
        ("SELECT toStartOfMonth(createdAt) FROM runs", "DATE_TRUNC('MONTH'"),
        ("SELECT dateDiff('second', createdAt, finishedAt) FROM runs", "DATE_DIFF('SECOND'"),
        ("SELECT 1 FROM runs WHERE createdAt > now() - INTERVAL 30 DAY AND recordTitle ILIKE '%a%'", "ILIKE"),
        ("WITH r AS (SELECT * FROM runs) SELECT count() FROM r", "WITH r AS"),
    ],
)
def test_clickhouse_is_translated(sql: str, fragment: str) -> None:
    assert fragment in sqlquery.translate(sql, "clickhouse", resolver)


@pytest.mark.parametrize(
    ("sql", "reason"),
    [
        ("DELETE FROM runs", "readOnly"),
        ("INSERT INTO runs SELECT 1", "readOnly"),
        ("SELECT * FROM secrets", "tableNotFound"),
        ("SELECT * FROM main.runs", "tableNotFound"),
        ("SELECT * FROM read_csv('/etc/passwd')", "invalidQuery"),
        ("SELECT 1; SELECT 2", "invalidQuery"),
        ("SELEC nonsense", "readOnly"),
        ("SELECT (", "invalidQuery"),
    ],
)
def test_refused(sql: str, reason: str) -> None:
    with pytest.raises(ApiError) as caught:
        sqlquery.translate(sql, "clickhouse", resolver)
    assert caught.value.reason == reason


def test_results_are_capped_and_named_like_clickhouse(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sqlquery, "MAX_ROWS", 5)
    rows = api.post("/storage/query", {"query": "SELECT id, upper(country) FROM crm.companies"})
    assert len(rows["rows"]) == 5 and rows["truncated"] is True  # type: ignore[arg-type]
    assert list(rows["rows"][0]) == ["id", "UPPER(country)"]  # type: ignore[index]
    named = api.post("/orchestration/query", {"query": "SELECT count() FROM runs WHERE uuid = 'none'"})
    assert named["rows"] == [{"count()": 0}]


def test_query_sees_only_its_workspace(api: Api) -> None:
    api.sandbox.store.db.execute(
        "INSERT INTO runs (uuid, workspaceUuid, status) VALUES ('x', 'other-ws', 'success')"
    )
    query = "SELECT count() AS n FROM runs WHERE uuid = 'x'"
    assert api.post("/orchestration/query", {"query": query})["rows"] == [{"n": 0}]
    assert api.sandbox.store.scalar("SELECT count(*) FROM runs WHERE uuid = 'x'") == 1


def test_file_access_is_off(api: Api) -> None:
    response = api.client.post("/v1/storage/query", headers=api.headers,
                               json={"query": "SELECT * FROM crm.companies WHERE id = getenv('HOME')"})  # fmt: skip
    assert response.status_code == 400
