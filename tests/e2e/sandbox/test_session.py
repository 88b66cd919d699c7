"""The README's main job and the flows a user runs against the sandbox."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from cargo_cli.sandbox import seed
from tests.e2e.sandbox.conftest import CARGO_AI, Cli

pytestmark = pytest.mark.e2e
POLL = ["--wait-until-finished", "--polling-interval", "100"]


def test_demo_session_prints_the_eight_steps_and_exits_0() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cargo_cli.sandbox.demo", "--cargo-ai", str(CARGO_AI), "--speed", "100"],
        capture_output=True, text=True, timeout=300,
        env={k: v for k, v in os.environ.items() if not k.startswith("CARGO_")},
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    for number in range(1, 9):
        assert f"\n# {number}. " in done.stderr
    assert "the sandbox is stopped" in done.stderr
    # stdout is the commands' JSON only: nine documents (the results file after step 4).
    decoder, text, documents = json.JSONDecoder(), done.stdout.strip(), []
    while text:
        value, end = decoder.raw_decode(text)
        documents.append(value)
        text = text[end:].lstrip()
    assert len(documents) == 9
    assert documents[0]["user"]["email"] == "demo@example.com"
    assert documents[2]["run"]["status"] == "success"
    assert documents[4][0]["data"]["name"] == "Acme"  # the downloaded results
    batch = documents[7]["batch"]
    assert batch["status"] == "success" and batch["failedRunsCount"] > 0
    assert sum(row["count()"] for row in documents[8]["rows"]) == 1 + batch["runsCount"]


def test_whoami_reports_the_seeded_user_and_the_sandbox_url(cli: Cli) -> None:
    out = cli.ok("whoami")
    assert out["user"]["email"] == "demo@example.com"
    assert out["workspace"]["uuid"] == seed.WORKSPACE == cli.sbx.workspace_uuid
    assert out["baseUrl"] == cli.sbx.url


def test_run_waits_until_success_with_deterministic_enrichment(cli: Cli) -> None:
    runs = [
        cli.ok("orchestration", "run", "create", "--workflow-uuid", seed.TOOL_WORKFLOW,
               "--data", '{"domain": "initech.io"}', *POLL)
        for _ in range(2)
    ]  # fmt: skip
    first, second = (r["runContext"]["nodes"]["enrich"] for r in runs)
    assert runs[0]["run"]["status"] == "success"
    assert [e["status"] for e in runs[0]["run"]["executions"]] == ["success"] * 3
    assert runs[0]["run"]["uuid"] != runs[1]["run"]["uuid"]
    assert first == second and first["domain"] == "initech.io" and first["name"] == "Initech"
    got = cli.ok("orchestration", "run", "get", runs[0]["run"]["uuid"])
    assert got["run"]["creditsUsedCount"] == 2


def test_a_failing_run_is_data_exit_0(cli: Cli) -> None:
    out = cli.ok("orchestration", "run", "create", "--workflow-uuid", seed.TOOL_WORKFLOW,
                 "--data", '{"name": "no domain"}', *POLL)  # fmt: skip
    assert out["run"]["status"] == "error"
    assert "domain is required" in out["run"]["errorMessage"]


def test_adhoc_node_graph_runs_without_a_workflow(cli: Cli) -> None:
    nodes = seed.enrichment_nodes("adhoc")
    nodes[1]["config"] = {}  # no mapping: the connector reads the data flowing in
    out = cli.ok("orchestration", "run", "create", "--nodes", json.dumps(nodes), "--data",
                 '{"email": "jane@hooli.com"}', *POLL)  # fmt: skip
    assert out["run"]["status"] == "success"
    assert out["runContext"]["nodes"]["enrich"]["domain"] == "hooli.com"


def test_batch_over_a_segment_has_real_counts(cli: Cli) -> None:
    members = cli.ok("segmentation", "segment", "fetch", "--model-uuid", seed.COMPANIES,
                     "--filter", json.dumps(seed.DEMO_FILTER), "--all")  # fmt: skip
    failing = sum(1 for r in members if not r["domain"])
    out = cli.ok("orchestration", "batch", "create", "--workflow-uuid", seed.PLAY_WORKFLOW,
                 "--data", json.dumps({"kind": "segment", "segmentUuid": seed.SEGMENT_FR}), *POLL)  # fmt: skip
    batch = out["batch"]
    assert batch["status"] == "success"
    assert batch["runsCount"] == batch["executedRunsCount"] == len(members) > 0
    assert batch["failedRunsCount"] == failing > 0
    assert batch["creditsUsedCount"] == 2 * (len(members) - failing)
    runs = cli.ok("orchestration", "run", "list", "--workflow-uuid", seed.PLAY_WORKFLOW,
                  "--batch-uuid", batch["uuid"], "--statuses", "error")  # fmt: skip
    assert runs["count"] == failing
    assert {r["recordId"] for r in runs["runs"]} == {r["id"] for r in members if not r["domain"]}


def test_batch_download_to_file(cli: Cli, tmp_path: Path) -> None:
    batch = cli.ok("orchestration", "batch", "create", "--workflow-uuid", seed.PLAY_WORKFLOW, "--data",
                   json.dumps({"kind": "recordIds", "modelUuid": seed.COMPANIES, "ids": ["cmp_0000", "cmp_0001"]}),
                   *POLL)["batch"]  # fmt: skip
    target = tmp_path / "batch.csv"
    cli.ok("orchestration", "batch", "download", "--uuid", batch["uuid"], "--output-node-slug", "enrich",
           "--output", str(target))  # fmt: skip
    lines = target.read_text().splitlines()
    assert lines[0].startswith("runUuid,recordId,recordTitle,status,domain,name")
    assert [line.split(",")[1] for line in lines[1:]] == ["cmp_0000", "cmp_0001"]


def test_run_download_is_a_gzipped_csv(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "runs.csv.gz"
    cli.ok("orchestration", "run", "download", "--workflow-uuid", seed.TOOL_WORKFLOW, "--output", str(target))
    text = gzip.decompress(target.read_bytes()).decode()
    assert text.splitlines()[0].startswith("uuid,workspaceUuid,workflowUuid")
    assert len(text.splitlines()) > 1


def test_batch_cancel(slow_cli: Cli) -> None:
    data = {"kind": "filter", "modelUuid": seed.COMPANIES, "filter": {"conjonction": "and", "groups": []}}
    batch = slow_cli.ok("orchestration", "batch", "create", "--workflow-uuid", seed.PLAY_WORKFLOW,
                        "--data", json.dumps(data))["batch"]  # fmt: skip
    assert batch["status"] == "pending" and batch["runsCount"] == seed.COMPANY_COUNT
    slow_cli.ok("orchestration", "batch", "cancel", batch["uuid"])
    after = slow_cli.ok("orchestration", "batch", "get", batch["uuid"])["batch"]
    assert after["status"] == "cancelled" and after["finishedAt"]
    cancelled = slow_cli.ok("orchestration", "run", "count", "--workflow-uuid", seed.PLAY_WORKFLOW,
                            "--batch-uuid", batch["uuid"], "--statuses", "cancelled")  # fmt: skip
    assert cancelled["count"] > seed.COMPANY_COUNT // 2


def test_run_still_running_when_the_wait_times_out(slow_cli: Cli) -> None:
    done = slow_cli("orchestration", "run", "create", "--workflow-uuid", seed.TOOL_WORKFLOW, "--data",
                    '{"domain": "a.io"}', "--wait-until-finished", "--polling-interval", "100", "--timeout", "0.5")  # fmt: skip
    assert done.code != 0
    assert "Timed out" in done.out["errorMessage"] and done.out["uuid"]


def test_agent_message_waits_pending_generating_success(cli: Cli) -> None:
    chat = cli.ok("ai", "chat", "create", "--agent-uuid", seed.AGENT, "--name", "e2e")["chat"]
    parts = json.dumps([{"type": "text", "text": "Which accounts in France show intent?"}])
    created = cli.ok("ai", "message", "create", "--chat-uuid", chat["uuid"], "--parts", parts)
    assert created["userMessage"]["status"] == "success"
    assert created["assistantMessage"]["status"] == "pending"
    answers = [
        cli.ok("ai", "message", "create", "--chat-uuid", chat["uuid"], "--parts", parts, *POLL)["message"]
        for _ in range(2)
    ]
    assert [a["status"] for a in answers] == ["success", "success"]
    assert answers[0]["parts"] == answers[1]["parts"]
    assert "France" in answers[0]["parts"][0]["text"]
    listed = cli.ok("ai", "message", "list", "--chat-uuid", chat["uuid"])["messages"]
    assert [m["type"] for m in listed] == ["user", "assistant"] * 3


def test_segment_fetch_all_pages_through_every_record(cli: Cli) -> None:
    filter_ = {"conjonction": "or", "groups": [
        {"conjonction": "and", "conditions": [
            {"kind": "string", "columnSlug": "country", "operator": "is", "values": ["FR", "DE"]}]},
        {"conjonction": "and", "conditions": [
            {"kind": "number", "columnSlug": "employees", "operator": "greaterThan", "value": 4500}]},
    ]}  # fmt: skip
    sort = json.dumps([{"columnSlug": "employees", "kind": "desc"}])
    common = (
        "segmentation",
        "segment",
        "fetch",
        "--model-uuid",
        seed.COMPANIES,
        "--filter",
        json.dumps(filter_),
    )
    first = cli.ok(*common, "--fetching-limit", "1")
    every = cli.ok(*common, "--all", "--fetching-limit", "7", "--sort", sort)
    assert len(every) == first["count"] > 7 * 3
    assert len({r["id"] for r in every}) == len(every)
    assert all(r["country"] in ("FR", "DE") or r["employees"] > 4500 for r in every)
    employees = [r["employees"] for r in every]
    assert employees == sorted(employees, reverse=True)
    pages = [
        line
        for line in cli.log.read_text().splitlines()
        if "POST /v1/segmentation/segments/fetch 200" in line
    ]
    assert len(pages) >= len(every) // 7


def test_segment_download_to_file(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "segment.csv"
    cli.ok("segmentation", "segment", "download", "--model-uuid", seed.COMPANIES, "--filter",
           json.dumps(seed.DEMO_FILTER), "--output", str(target))  # fmt: skip
    rows = target.read_text().splitlines()
    count = cli.ok("segmentation", "segment", "get", seed.SEGMENT_FR)["segment"]["recordsCount"]
    assert rows[0].startswith("id,name,domain,country,industry") and len(rows) == count + 1


def test_file_upload_is_stored_byte_for_byte(cli: Cli, tmp_path: Path) -> None:
    payload = bytes(range(256)) * 1200 + b"\x00end"
    source = tmp_path / "blob.bin"
    source.write_bytes(payload)
    out = cli.ok("workspaceManagement", "file", "upload", "--file", str(source))
    assert out["name"] == "blob.bin" and out["size"] == len(payload) and out["s3Filename"]
    assert httpx.get(out["url"]).content == payload
    assert httpx.get(out["url"].replace("signature=", "signature=0")).status_code == 403


def test_uploaded_csv_feeds_a_batch(cli: Cli, tmp_path: Path) -> None:
    source = tmp_path / "leads.csv"
    source.write_text("domain,owner\nalpha.io,ann\nbeta.io,bob\n,carl\n")
    uploaded = cli.ok("workspaceManagement", "file", "upload", "--file", str(source))
    columns = cli.ok("workspaceManagement", "file", "list-columns", "--s3-filename", uploaded["s3Filename"])
    assert columns["columns"] == ["domain", "owner"]
    batch = cli.ok("orchestration", "batch", "create", "--workflow-uuid", seed.TOOL_WORKFLOW, "--data",
                   json.dumps({"kind": "file", "s3Filename": uploaded["s3Filename"]}), *POLL)["batch"]  # fmt: skip
    assert (batch["runsCount"], batch["failedRunsCount"], batch["creditsUsedCount"]) == (3, 1, 4)


def test_orchestration_query_speaks_clickhouse(cli: Cli) -> None:
    sql = (
        "SELECT toStartOfMonth(created_at) AS month, count() AS runs, countIf(status = 'error') AS failed, "
        "max(dateDiff('second', created_at, finished_at)) AS longest FROM runs "
        "WHERE created_at > now() - INTERVAL 30 DAY AND record_title ILIKE '%INITECH%' GROUP BY month"
    )
    rows = cli.ok("orchestration", "query", "execute", sql)["rows"]
    assert len(rows) == 1 and rows[0]["runs"] >= 2 and rows[0]["failed"] == 0
    assert rows[0]["month"].endswith("-01T00:00:00.000Z") and rows[0]["longest"] >= 0
    spans = cli.ok("orchestration", "query", "execute",
                   "SELECT node_slug, count() FROM spans GROUP BY node_slug ORDER BY node_slug")["rows"]  # fmt: skip
    assert [r["node_slug"] for r in spans] == ["end", "enrich", "start"]


@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM runs",
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM secrets",
        "SELECT 1; SELECT 2",
    ],
)
def test_orchestration_query_is_read_only(cli: Cli, sql: str) -> None:
    done = cli("orchestration", "query", "execute", sql)
    assert done.code != 0 and done.out["errorMessage"]
    assert next(iter(done.out)) == "errorMessage"


def test_storage_query_reads_the_models(cli: Cli) -> None:
    rows = cli.ok("storage", "query", "execute",
                  "SELECT country, count(*) AS n FROM crm.companies GROUP BY country ORDER BY country")["rows"]  # fmt: skip
    assert sum(r["n"] for r in rows) == seed.COMPANY_COUNT
    assert [r["country"] for r in rows] == sorted(seed.COUNTRIES)


def test_bad_token_is_401(cli: Cli) -> None:
    done = cli("orchestration", "tool", "list", CARGO_API_TOKEN="sbx_not-a-real-token")
    assert done.code != 0
    assert done.out["errorMessage"].startswith("Not authorized")
    login = cli("login", "--token", "-", input="sbx_wrong\n", XDG_CONFIG_HOME=str(cli.home / "other"))
    assert login.code != 0 and not (cli.home / "other" / "cargo-ai" / "credentials.json").exists()


def test_unknown_workspace_is_refused(cli: Cli) -> None:
    done = cli("storage", "model", "list", CARGO_WORKSPACE_UUID="11111111-1111-4111-8111-111111111111")
    assert done.code != 0 and "No access to workspace" in done.out["errorMessage"]


def test_not_emulated_call_is_a_501_error_object(cli: Cli) -> None:
    done = cli("orchestration", "template", "list")
    assert done.code != 0
    assert done.out["errorMessage"] == "Not emulated by the sandbox: POST /orchestration/templates/list"
    assert done.stdout.count("errorMessage") == 1 and "Traceback" not in done.stderr
