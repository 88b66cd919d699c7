"""The query tables are derived from the spec's entity shapes."""

from __future__ import annotations

import pytest

from cargo_cli.sandbox import query_tables, sqlquery
from cargo_cli.sandbox.entities import clickhouse_type, fields_of, snake
from cargo_cli.sandbox.http import ApiError
from tests.sandbox.conftest import Api

ENTITIES = {"runs": "orchestration.Run", "batches": "orchestration.Batch", "spans": "orchestration.Span",
            "records": "orchestration.Record"}  # fmt: skip
DUCKDB = {"String": "VARCHAR", "Float64": "DOUBLE", "Bool": "BOOLEAN", "DateTime": "TIMESTAMP"}


@pytest.mark.parametrize("table", sorted(ENTITIES))
def test_one_snake_case_column_per_entity_field(table: str) -> None:
    fields = fields_of(ENTITIES[table])
    columns = query_tables.tables()[table]
    assert [c.name for c in columns[: len(fields)]] == [snake(f.name) for f in fields]
    assert [c.type for c in columns[: len(fields)]] == [clickhouse_type(f) for f in fields]
    assert all(c.meaning for c in columns)
    extras = [c.name for c in columns[len(fields) :]]
    assert extras == (["credits_used_count"] if table == "runs" else [])


@pytest.mark.parametrize("table", sorted(ENTITIES))
def test_views_are_typed_as_documented(api: Api, table: str) -> None:
    described = api.sandbox.store.rows(f"DESCRIBE {query_tables.view(table)}")
    documented = query_tables.tables()[table]
    assert [(d["column_name"], d["column_type"]) for d in described] == [
        (c.name, DUCKDB[c.type.removeprefix("Nullable(").removesuffix(")")]) for c in documented
    ]


def test_documented_columns_of_the_issue_exist() -> None:
    every = {c for table in ENTITIES for c in query_tables.columns(table)}
    assert {"workflow_uuid", "record_id", "created_at", "finished_at", "credits_used_count", "execution_status",
            "execution_started_at", "node_slug", "node_action_slug", "parent_run_uuid"} <= every  # fmt: skip


def test_a_base_column_added_later_fills_its_query_column() -> None:
    sql = query_tables.views_sql({"spans": {"nodeToolUuid"}, "runs": set(), "batches": set()})
    assert 'CAST("nodeToolUuid" AS VARCHAR) AS "node_tool_uuid"' in sql
    assert 'CAST(NULL AS VARCHAR) AS "node_agent_uuid"' in sql


def test_meanings_come_from_the_spec_or_the_name() -> None:
    spans = {c.name: c.meaning for c in query_tables.tables()["spans"]}
    assert spans["execution_started_at"] == "Always set in `orchestration.spans` (non-nullable column)."
    assert spans["node_kind"] == "Node kind: `native`, `connector`, `tool`, `agent`"
    assert spans["workflow_uuid"] == "The workflow's uuid"
    runs = {c.name: c.meaning for c in query_tables.tables()["runs"]}
    assert runs["created_at"] == "When the run was created"


def test_now_reads_the_sandbox_clock(api: Api) -> None:
    (row,) = api.post("/orchestration/query", {"query": "SELECT now() AS t, today() AS d"})["rows"]  # type: ignore[misc]
    assert row["t"] == api.sandbox.store.now_iso() and row["d"] == api.sandbox.store.now_iso()[:10]


@pytest.mark.parametrize(
    ("sql", "fragment"),
    [
        ("SELECT uniq(record_id) FROM runs", "COUNT(DISTINCT record_id)"),
        ("SELECT uniqExact(record_id) FROM runs", "COUNT(DISTINCT record_id)"),
        ("SELECT quantile(0.9)(credits_used_count) FROM runs", "QUANTILE_CONT(credits_used_count, 0.9)"),
        ("SELECT toDate(created_at) FROM runs", "CAST(created_at AS DATE)"),
        ("SELECT toString(status) FROM runs", "CAST(status AS TEXT)"),
    ],
)
def test_clickhouse_functions_are_rewritten(sql: str, fragment: str) -> None:
    assert fragment in sqlquery.translate(sql, "clickhouse", sqlquery.orchestration_resolver("w"))


def test_timeout_reads_like_clickhouse(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(sqlquery.TIMEOUT_ENV, "0.05")
    heavy = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000000) SELECT count() FROM n"
    with pytest.raises(ApiError) as caught:
        sqlquery.execute(api.sandbox.store, heavy, dialect="clickhouse",
                         resolver=sqlquery.orchestration_resolver("w"))  # fmt: skip
    assert caught.value.message.startswith("Code: 159. Timeout exceeded: elapsed ")
    assert caught.value.reason == "queryTimeout"


def test_storage_errors_keep_their_own_wording(api: Api) -> None:
    response = api.client.post(
        "/v1/storage/query", headers=api.headers, json={"query": "SELECT * FROM nope.x"}
    )
    assert response.json() == {"errorMessage": "Unknown table: nope.x", "reason": "tableNotFound"}


def test_tables_may_name_their_database(api: Api) -> None:
    plain = api.post("/orchestration/query", {"query": "SELECT count() AS n FROM runs"})
    qualified = api.post("/orchestration/query", {"query": "SELECT count() AS n FROM orchestration.runs"})
    assert plain == qualified
    response = api.client.post("/v1/orchestration/query", headers=api.headers,
                               json={"query": "SELECT * FROM orchestration.nope"})  # fmt: skip
    assert response.status_code == 400
    assert response.json() == {"errorMessage": "Code: 60. Table orchestration.nope doesn't exist. (UNKNOWN_TABLE)",
                               "reason": "tableNotFound"}  # fmt: skip
