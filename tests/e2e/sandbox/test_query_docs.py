"""Every ``orchestration query execute`` query that Cargo's docs and our help
show, run verbatim with the installed CLI against a sandbox with known runs,
batches and spans. Each expected answer is computed here from the REST list
answers (``run list``, ``batch list``, ``spans/list``, ``record list``), never
from SQL.

Where the queries come from (Cargo's skill docs, getcargohq/cargo-skills):
- cargo-orchestration/references/examples/queries.md: the basic flow, the six
  example queries and the CTE;
- cargo-orchestration SKILL.md (orchestration query): three one-liners;
- cargo-analytics SKILL.md: the quick reference and the four ad-hoc analytics
  queries (the same as four of queries.md);
- cargo-diagnostics (run-trace, batch error sweep, retry of failed records)
  and cargo-gtm cost discipline (executions per status);
- README.md and ``make demo`` (sandbox/demo.py): runs by status.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cargo_cli.sandbox import seed
from cargo_cli.sandbox.entities import snake
from tests.e2e.sandbox.conftest import FAST, Cli, start

pytestmark = pytest.mark.e2e
POLL = ("--wait-until-finished", "--polling-interval", "100")

# The queries, verbatim (placeholders <...> are filled by the tests).
BASIC = "SELECT count() FROM runs WHERE status = 'error'"
ERROR_RATE = "SELECT countIf(status='error') / count() AS error_rate FROM runs WHERE created_at > now() - INTERVAL 1 DAY"
ERRORS_PER_WORKFLOW = (
    "SELECT workflow_uuid, count() AS errors FROM runs WHERE status='error' AND created_at > now() - INTERVAL 7 DAY "
    "GROUP BY workflow_uuid ORDER BY errors DESC"
)
BATCH_STATUSES = "SELECT status, count() FROM batches GROUP BY status"
SLOWEST_NODES = """SELECT node_slug, node_kind, dateDiff('second', execution_started_at, execution_finished_at) AS duration_s
   FROM spans
   WHERE execution_finished_at > now() - INTERVAL 1 HOUR
   ORDER BY duration_s DESC
   LIMIT 20"""
NODE_FAILURES = """SELECT node_slug, count() AS failures
   FROM spans
   WHERE execution_status='error' AND execution_started_at > now() - INTERVAL 1 DAY
   GROUP BY node_slug
   ORDER BY failures DESC"""
CREDITS_BY_WORKFLOW = """SELECT workflow_uuid, sum(credits_used_count) AS credits
   FROM batches
   WHERE created_at >= toStartOfMonth(now())
   GROUP BY workflow_uuid
   ORDER BY credits DESC"""
CTE = """WITH recent AS (SELECT * FROM runs WHERE created_at > now() - INTERVAL 1 DAY)
   SELECT status, count() FROM recent GROUP BY status"""
RUNS_BY_STATUS = "SELECT status, count() FROM runs GROUP BY status"
LATEST_SPANS = "SELECT * FROM spans ORDER BY execution_started_at DESC LIMIT 10"
RECENT_RUNS = """SELECT uuid, status, created_at, credits_used_count
   FROM runs
   WHERE workflow_uuid = '<workflow-uuid>'
   ORDER BY created_at DESC
   LIMIT 20"""
BATCH_SIZE = "SELECT status, count() FROM runs WHERE batch_uuid = '<batch-uuid>' GROUP BY status"
WORKFLOW_ERROR_RATE = """SELECT countIf(status='error') / count() AS error_rate, count() AS total
   FROM runs
   WHERE workflow_uuid = '<workflow-uuid>' AND created_at > now() - INTERVAL 7 DAY"""
FAILED_RECORDS = """SELECT record_id FROM runs
   WHERE batch_uuid = '<batch-uuid>' AND status = 'error'"""
EXECUTIONS_PER_STATUS = """SELECT execution_status, count() AS executions, count() / 100 AS credits
   FROM spans WHERE execution_started_at >= '<YYYY-MM-DD>' GROUP BY execution_status"""

DOCUMENTED = [BASIC, ERROR_RATE, ERRORS_PER_WORKFLOW, BATCH_STATUSES, SLOWEST_NODES, NODE_FAILURES,
              CREDITS_BY_WORKFLOW, CTE, RUNS_BY_STATUS, LATEST_SPANS, RECENT_RUNS, BATCH_SIZE,
              WORKFLOW_ERROR_RATE, FAILED_RECORDS, EXECUTIONS_PER_STATUS]  # fmt: skip
WORKFLOWS = (seed.TOOL_WORKFLOW, seed.PLAY_WORKFLOW)


class Known:
    """The REST view of the sandbox's runs, batches and spans."""

    def __init__(self, cli: Cli, batches: list[dict[str, Any]]) -> None:
        self.cli = cli
        self.batches = batches
        self.runs = [
            r
            for w in WORKFLOWS
            for r in cli.ok("orchestration", "run", "list", "--workflow-uuid", w, "--all")
        ]
        listed = cli.ok("api", "orchestration.span.list", "--data", json.dumps({"limit": 1000}))
        assert listed["count"] == len(listed["spans"])
        self.spans: list[dict[str, Any]] = listed["spans"]

    def query(self, sql: str) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = self.cli.ok("orchestration", "query", "execute", sql)["rows"]
        return rows


@pytest.fixture(scope="module")
def known(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Known]:
    """A sandbox of its own: two batches over the French software segment
    (the play and the tool), a run that succeeds and two that fail."""
    for cli in start(tmp_path_factory.mktemp("query-docs"), FAST):
        batches = []
        for workflow in WORKFLOWS:
            data = json.dumps({"kind": "segment", "segmentUuid": seed.SEGMENT_FR})
            created = cli.ok(
                "orchestration", "batch", "create", "--workflow-uuid", workflow, "--data", data, *POLL
            )
            batches.append(created["batch"])
        for data in ({"domain": "acme.com"}, {"name": "No domain"}, {"name": "Still none"}):
            cli.ok("orchestration", "run", "create", "--workflow-uuid", seed.TOOL_WORKFLOW,
                   "--data", json.dumps(data), *POLL)  # fmt: skip
        yield Known(cli, batches)


def _parse(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def test_the_list_covers_every_documented_query() -> None:
    """Fifteen distinct documented queries, each used by a test below."""
    assert len(set(DOCUMENTED)) == 15
    source = Path(__file__).read_text()
    names = [name for name, value in globals().items() if isinstance(value, str) and value in DOCUMENTED]
    assert all(source.count(name) >= 3 for name in names), "each query is declared, listed and run"


def test_basic_count_of_errors(known: Known) -> None:
    errors = sum(r["status"] == "error" for r in known.runs)
    assert errors >= 2
    assert known.query(BASIC) == [{"count()": errors}]


def test_runs_by_status_as_in_readme_and_demo(known: Known) -> None:
    expected = Counter(r["status"] for r in known.runs)
    rows = known.query(RUNS_BY_STATUS + " ORDER BY status")
    assert rows == [{"status": s, "count()": n} for s, n in sorted(expected.items())]
    assert {r["status"]: r["count()"] for r in known.query(RUNS_BY_STATUS)} == dict(expected)


def test_error_rate_of_the_last_day(known: Known) -> None:
    (row,) = known.query(ERROR_RATE)
    assert row["error_rate"] == pytest.approx(
        sum(r["status"] == "error" for r in known.runs) / len(known.runs)
    )
    assert 0 < row["error_rate"] < 1


def test_errors_per_workflow_of_the_week(known: Known) -> None:
    expected = Counter(r["workflowUuid"] for r in known.runs if r["status"] == "error")
    rows = known.query(ERRORS_PER_WORKFLOW)
    assert {r["workflow_uuid"]: r["errors"] for r in rows} == dict(expected)
    assert [r["errors"] for r in rows] == sorted(expected.values(), reverse=True)


def test_batch_status_breakdown(known: Known) -> None:
    listed = known.cli.ok("orchestration", "batch", "list", "--workflow-uuids", ",".join(WORKFLOWS), "--all")
    expected = Counter(b["status"] for b in listed)
    assert expected == {"success": 2}
    assert {r["status"]: r["count()"] for r in known.query(BATCH_STATUSES)} == dict(expected)


def test_slowest_node_executions_of_the_last_hour(known: Known) -> None:
    durations = sorted(
        (int((_parse(s["executionFinishedAt"]) - _parse(s["executionStartedAt"])).total_seconds()), s["nodeSlug"],
         s["nodeKind"]) for s in known.spans
    )  # fmt: skip
    rows = known.query(SLOWEST_NODES)
    assert len(rows) == min(20, len(known.spans))
    assert [r["duration_s"] for r in rows] == [d for d, _, _ in reversed(durations)][: len(rows)]
    assert all(r["duration_s"] >= 0 for r in rows)
    assert {(r["node_slug"], r["node_kind"]) for r in rows} <= {(slug, kind) for _, slug, kind in durations}


def test_failures_per_node_of_the_last_day(known: Known) -> None:
    expected = Counter(s["nodeSlug"] for s in known.spans if s["executionStatus"] == "error")
    assert expected, "the runs without a domain fail at a node"
    rows = known.query(NODE_FAILURES)
    assert {r["node_slug"]: r["failures"] for r in rows} == dict(expected)


def test_credit_spend_by_workflow_this_month(known: Known) -> None:
    listed = known.cli.ok("orchestration", "batch", "list", "--workflow-uuids", ",".join(WORKFLOWS), "--all")
    expected: Counter[str] = Counter()
    for batch in listed:
        expected[batch["workflowUuid"]] += batch["creditsUsedCount"]
    rows = known.query(CREDITS_BY_WORKFLOW)
    assert {r["workflow_uuid"]: r["credits"] for r in rows} == dict(expected)
    assert [r["credits"] for r in rows] == sorted(expected.values(), reverse=True)
    assert sum(expected.values()) > 0


def test_common_table_expression(known: Known) -> None:
    expected = Counter(r["status"] for r in known.runs)
    assert {r["status"]: r["count()"] for r in known.query(CTE)} == dict(expected)


def test_latest_spans_carry_every_span_field(known: Known) -> None:
    rows = known.query(LATEST_SPANS)
    assert len(rows) == 10
    newest = sorted((s["executionStartedAt"] for s in known.spans), reverse=True)[:10]
    assert [r["execution_started_at"] for r in rows] == newest
    by_key = {(s["runUuid"], s["executionIndex"]): s for s in known.spans}
    for row in rows:
        span = by_key[(row["run_uuid"], row["execution_index"])]
        assert {snake(k): v for k, v in span.items() if snake(k) in row} == {
            snake(k): row[snake(k)] for k in span if snake(k) in row
        }
    assert {"node_slug", "node_action_slug", "parent_run_uuid", "execution_credits_used_count"} <= set(
        rows[0]
    )


def test_recent_runs_of_a_workflow(known: Known) -> None:
    runs = sorted((r for r in known.runs if r["workflowUuid"] == seed.TOOL_WORKFLOW),
                  key=lambda r: r["createdAt"], reverse=True)[:20]  # fmt: skip
    rows = known.query(RECENT_RUNS.replace("<workflow-uuid>", seed.TOOL_WORKFLOW))
    assert [r["created_at"] for r in rows] == [r["createdAt"] for r in runs]
    assert {(r["uuid"], r["status"], r["credits_used_count"]) for r in rows} == {
        (r["uuid"], r["status"], r["creditsUsedCount"]) for r in runs
    }


def test_size_of_a_batch(known: Known) -> None:
    batch = known.batches[1]
    runs = known.cli.ok("orchestration", "run", "list", "--workflow-uuid", batch["workflowUuid"],
                        "--batch-uuid", batch["uuid"], "--all")  # fmt: skip
    assert len(runs) == batch["runsCount"]
    rows = known.query(BATCH_SIZE.replace("<batch-uuid>", batch["uuid"]))
    assert {r["status"]: r["count()"] for r in rows} == dict(Counter(r["status"] for r in runs))


def test_error_rate_of_a_workflow(known: Known) -> None:
    runs = [r for r in known.runs if r["workflowUuid"] == seed.TOOL_WORKFLOW]
    (row,) = known.query(WORKFLOW_ERROR_RATE.replace("<workflow-uuid>", seed.TOOL_WORKFLOW))
    assert row["total"] == len(runs)
    assert row["error_rate"] == pytest.approx(sum(r["status"] == "error" for r in runs) / len(runs))


def test_failed_records_of_a_batch(known: Known) -> None:
    batch = known.batches[0]
    failed = known.cli.ok("orchestration", "run", "list", "--workflow-uuid", batch["workflowUuid"],
                          "--batch-uuid", batch["uuid"], "--statuses", "error", "--all")  # fmt: skip
    rows = known.query(FAILED_RECORDS.replace("<batch-uuid>", batch["uuid"]))
    assert sorted(r["record_id"] for r in rows) == sorted(r["recordId"] for r in failed)


def test_executions_per_status(known: Known) -> None:
    day = min(s["executionStartedAt"] for s in known.spans)[:10]
    expected = Counter(s["executionStatus"] for s in known.spans if s["executionStartedAt"][:10] >= day)
    rows = known.query(EXECUTIONS_PER_STATUS.replace("<YYYY-MM-DD>", day))
    assert {r["execution_status"]: r["executions"] for r in rows} == dict(expected)
    assert {r["execution_status"]: r["credits"] for r in rows} == {k: v / 100 for k, v in expected.items()}


def test_records_table_is_the_latest_run_of_each_record(known: Known) -> None:
    listed = known.cli.ok("api", "orchestration.record.list", "--data",
                          json.dumps({"workflowUuid": seed.PLAY_WORKFLOW, "limit": 1000}))["records"]  # fmt: skip
    rows = known.query(
        f"SELECT id, title, run_uuid, status FROM records WHERE workflow_uuid = '{seed.PLAY_WORKFLOW}'"
    )
    assert sorted((r["id"], r["title"], r["run_uuid"], r["status"]) for r in rows) == sorted(
        (r["id"], r["title"], r["runUuid"], r["status"]) for r in listed
    )


def test_clickhouse_functions(known: Known) -> None:
    """quantile, uniq, toDate, round, dateDiff, ILIKE and INTERVAL n HOUR, as ClickHouse computes them."""
    runs = [r for r in known.runs if "a" in r["recordTitle"].lower()]
    credits = [r["creditsUsedCount"] for r in runs]
    sql = (
        "SELECT toDate(created_at) AS day, uniq(record_id) AS records, round(avg(credits_used_count), 2) AS avg_credits, "
        "quantile(0.5)(credits_used_count) AS p50, max(dateDiff('millisecond', created_at, finished_at)) AS longest_ms "
        "FROM runs WHERE record_title ILIKE '%A%' AND created_at > now() - INTERVAL 2 HOUR GROUP BY day"
    )
    (row,) = known.query(sql)
    assert row["day"] == runs[0]["createdAt"][:10]
    assert row["records"] == len({r["recordId"] for r in runs})
    assert row["avg_credits"] == round(sum(credits) / len(credits), 2)
    assert row["p50"] == statistics.median(credits)
    longest = max((_parse(r["finishedAt"]) - _parse(r["createdAt"])) for r in runs)
    assert row["longest_ms"] == int(longest.total_seconds() * 1000)
    assert known.query("SELECT count() AS n FROM runs WHERE created_at > now() + INTERVAL 1 HOUR") == [
        {"n": 0}
    ]


def test_unknown_table_reads_like_clickhouse(known: Known) -> None:
    done = known.cli("orchestration", "query", "execute", "SELECT * FROM unknown")
    assert done.code != 0
    assert done.out["errorMessage"].startswith("Code: 60. Table orchestration.unknown doesn't exist")
    assert (done.out["reason"], done.out["status"]) == ("tableNotFound", 400)


def test_unknown_column_names_it_and_the_columns(known: Known) -> None:
    done = known.cli("orchestration", "query", "execute", "SELECT createdAt FROM runs")
    assert done.code != 0
    message = done.out["errorMessage"]
    assert (
        message.startswith("Code: 47.")
        and "`createdAt`" in message
        and "Maybe you meant: `created_at`" in message
    )
    assert "workflow_uuid, user_uuid" in message and "credits_used_count" in message
    assert (done.out["reason"], done.out["status"]) == ("queryFailed", 400)


def test_timeout_reads_like_clickhouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A sandbox whose query deadline is 0.2 s (CARGO_SANDBOX_QUERY_TIMEOUT), a query that takes longer."""
    monkeypatch.setenv("CARGO_SANDBOX_QUERY_TIMEOUT", "0.2")
    for cli in start(tmp_path, FAST):
        heavy = ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000000) "
                 "SELECT count() FROM n")  # fmt: skip
        done = cli("orchestration", "query", "execute", heavy)
        assert done.code != 0
        assert done.out["errorMessage"].startswith("Code: 159. Timeout exceeded: elapsed ")
        assert done.out["errorMessage"].endswith("maximum: 0.2. (TIMEOUT_EXCEEDED)")
