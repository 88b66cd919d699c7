"""orchestration: JSON inputs (inline, @file, stdin), SQL sources, batch --file,
and downloads with --output."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.helpers import TOKEN, UUID1, UUID2, WORKSPACE, assert_request, body_of

W = UUID1
B = UUID2
ACTION = {"kind": "connector", "integrationSlug": "clearbit", "actionSlug": "enrichCompany"}
NODES = [{"uuid": "n1", "slug": "start", "kind": "native", "actionSlug": "start", "config": {}}]


# -- JSON flags ------------------------------------------------------------------
@pytest.mark.parametrize("source", ["file", "stdin"])
def test_json_flags_from_file_and_stdin(cli, api, tmp_path, source):
    action_file = tmp_path / "action.json"
    action_file.write_text(json.dumps(ACTION), encoding="utf-8")
    data = {"domain": "acme.com", "note": "é ✓"}
    route = api.post("/orchestration/actions/execute").respond(json={"run": {"uuid": B}})
    if source == "file":
        data_file = tmp_path / "data.json"
        data_file.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        result = cli(
            "orchestration", "action", "execute", "--action", f"@{action_file}", "--data", f"@{data_file}"
        )
    else:
        result = cli(
            "orchestration", "action", "execute", "--action", f"@{action_file}", "--data", "-",
            stdin=json.dumps(data, ensure_ascii=False),
        )  # fmt: skip
    assert result.code == 0, result.out
    assert_request(route, "POST", "/orchestration/actions/execute", body={"action": ACTION, "data": data})


@pytest.mark.parametrize(
    ("argv", "path", "field"),
    [
        (["release", "update-draft", "--workflow-uuid", W, "--nodes"], "/orchestration/releases/draft/update", "nodes"),
        (["node", "validate", "--nodes"], "/orchestration/nodes/validate", "nodes"),
        (["tool", "update", "--uuid", B, "--triggers"], f"/orchestration/tools/{B}", "triggers"),
    ],
)  # fmt: skip
def test_array_flags_from_stdin(cli, api, argv, path, field):
    route = api.route(path=path).respond(json={})
    result = cli("orchestration", *argv, "-", stdin=json.dumps(NODES))
    assert result.code == 0, result.out
    assert body_of(route.calls[0].request)[field] == NODES


def test_large_records_file_arrives_intact(cli, api, tmp_path):
    records = [{"domain": f"company-{i}.com", "rank": i, "name": f"Société {i}"} for i in range(100_000)]
    records_file = tmp_path / "records.json"
    records_file.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    route = api.post("/orchestration/actions/execute-batch").respond(json={"batch": {"uuid": B}})
    result = cli(
        "orchestration", "action", "execute-batch", "--action", json.dumps(ACTION), "--records", f"@{records_file}",
    )  # fmt: skip
    assert result.code == 0, result.out
    body = body_of(route.calls[0].request)
    assert len(body["records"]) == 100_000
    assert body == {"action": ACTION, "records": records}


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (
            '[{"domain": "a"},\n {"domain": }]',
            "Invalid JSON in --records: Expecting value at line 2 column 13",
        ),
        ('{"domain": "a"}', "expected a JSON array, got dict"),
    ],
)
def test_bad_records_file_sends_nothing(cli, api, tmp_path, content, needle):
    records_file = tmp_path / "records.json"
    records_file.write_text(content, encoding="utf-8")
    route = api.route()
    result = cli(
        "orchestration", "action", "execute-batch", "--action", json.dumps(ACTION), "--records", f"@{records_file}",
    )  # fmt: skip
    assert result.code == 2
    assert needle in result.json["errorMessage"]
    assert not route.called


def test_missing_json_file(cli, api):
    route = api.route()
    result = cli("orchestration", "node", "validate", "--nodes", "@/nonexistent/nodes.json")
    assert result.code == 2
    assert "cannot read /nonexistent/nodes.json" in result.json["errorMessage"]
    assert not route.called


def test_null_json_is_sent_as_null(cli, api):
    route = api.post("/orchestration/actions/execute").respond(json={})
    result = cli("orchestration", "action", "execute", "--action", json.dumps(ACTION), "--data", "null")
    assert result.code == 0
    assert_request(route, "POST", "/orchestration/actions/execute", body={"action": ACTION, "data": None})


# -- SQL -----------------------------------------------------------------------
@pytest.mark.parametrize("source", ["file", "stdin"])
def test_query_from_file_or_stdin(cli, api, tmp_path, source):
    sql = "SELECT status, count()\nFROM runs\nGROUP BY status\n"
    route = api.post("/orchestration/query").respond(json={"rows": [{"status": "success", "count()": 3}]})
    if source == "file":
        sql_file = tmp_path / "q.sql"
        sql_file.write_text(sql, encoding="utf-8")
        result = cli("orchestration", "query", "execute", f"@{sql_file}")
    else:
        result = cli("orchestration", "query", "execute", "-", stdin=sql)
    assert result.code == 0
    assert_request(
        route, "POST", "/orchestration/query", body={"query": sql.strip()}
    )  # surrounding blank lines are not sent
    assert result.json == {"rows": [{"status": "success", "count()": 3}]}


# -- batch create --file ------------------------------------------------------------
@pytest.mark.parametrize("shape", ["array", "object"])
def test_batch_create_file_sends_its_nodes(cli, api, tmp_path, shape):
    graph = tmp_path / "graph.json"
    graph.write_text(
        json.dumps(NODES if shape == "array" else {"nodes": NODES, "name": "x"}), encoding="utf-8"
    )
    route = api.post("/orchestration/batches").respond(json={"batch": {"uuid": B, "status": "pending"}})
    result = cli(
        "orchestration", "batch", "create", "--workflow-uuid", W, "--file", str(graph), "--data", "{}"
    )
    assert result.code == 0, result.out
    assert_request(
        route, "POST", "/orchestration/batches", body={"workflowUuid": W, "nodes": NODES, "data": {}}
    )


@pytest.mark.parametrize(
    ("content", "extra", "needle"),
    [
        ("export default tool({...})", [], "Evaluating CDK modules (.ts/.js) is not supported"),
        ('{"name": "no nodes"}', [], "expected a JSON array of nodes or an object with a 'nodes' array"),
        (json.dumps(NODES), ["--nodes", "[]"], "either --nodes or --file, not both"),
    ],
)
def test_batch_create_file_errors(cli, api, tmp_path, content, extra, needle):
    module = tmp_path / "enrich.ts"
    module.write_text(content, encoding="utf-8")
    route = api.route()
    result = cli("orchestration", "batch", "create", "--workflow-uuid", W, "--file", str(module), *extra)
    assert result.code == 2
    assert needle in result.json["errorMessage"]
    assert not route.called


# -- downloads ------------------------------------------------------------------
SIGNED = "https://cargo-exports.s3.amazonaws.com/ws/export.csv.gz?X-Amz-Signature=abc&X-Amz-Expires=300"

DOWNLOADS = [
    pytest.param(["run", "download", "--workflow-uuid", W], "/orchestration/runs/download", id="run-download"),
    pytest.param(
        ["run", "download-outputs", "--workflow-uuid", W, "--format", "json"], "/orchestration/runs/download-outputs",
        id="run-download-outputs",
    ),
    pytest.param(
        ["batch", "download", "--uuid", B, "--output-node-slug", "end"], f"/orchestration/batches/{B}/download",
        id="batch-download",
    ),
    pytest.param(["record", "download", "--workflow-uuid", W], "/orchestration/records/download", id="record-download"),
    pytest.param(
        ["record", "download-outputs", "--workflow-uuid", W, "--limit", "10"],
        "/orchestration/records/download-outputs", id="record-download-outputs",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("argv", "path"), DOWNLOADS)
def test_download_to_output_file(cli, api, tmp_path, argv, path):
    content = b"uuid,status\n" + b"".join(b"%d,success\n" % i for i in range(50_000))
    answer = {"url": SIGNED, "expiresAt": None}
    api.post(path).respond(json=answer)
    signed = api.get(SIGNED).respond(content=content, headers={"content-type": "application/gzip"})
    target = tmp_path / "out" / "export.csv.gz"
    result = cli("orchestration", *argv, "--output", str(target))
    assert result.code == 0, result.out
    assert result.json == answer  # the API JSON, unchanged
    assert target.read_bytes() == content
    assert list(target.parent.iterdir()) == [target]  # no temp file left behind
    request = signed.calls[0].request
    assert str(request.url) == SIGNED
    for header in ("authorization", "selected-workspace-uuid", "x-cargo-origin"):
        assert header not in request.headers
    assert TOKEN not in str(request.headers) and WORKSPACE not in str(request.headers)


@pytest.mark.parametrize(("argv", "path"), DOWNLOADS)
def test_download_without_output_only_prints(cli, api, argv, path):
    api.post(path).respond(json={"url": SIGNED})
    signed = api.get(SIGNED)
    result = cli("orchestration", *argv)
    assert result.code == 0
    assert result.json == {"url": SIGNED}
    assert not signed.called


def test_signed_url_failure_leaves_no_file(cli, api, tmp_path):
    api.post("/orchestration/runs/download").respond(json={"url": SIGNED})
    api.get(SIGNED).respond(403, content=b"<Error><Code>AccessDenied</Code></Error>")
    target = tmp_path / "export.csv.gz"
    result = cli("orchestration", "run", "download", "--workflow-uuid", W, "--output", str(target))
    assert result.code == 1
    assert result.json["status"] == 403
    assert list(tmp_path.iterdir()) == []


def test_signed_url_network_error(cli, api, tmp_path):
    api.post("/orchestration/records/download").respond(json={"url": SIGNED})
    api.get(SIGNED).mock(side_effect=httpx.ReadError("connection reset"))
    result = cli("orchestration", "record", "download", "--workflow-uuid", W, "--output", str(tmp_path / "x"))
    assert result.code == 1
    assert result.json["errorMessage"].startswith("Network error")
    assert list(tmp_path.iterdir()) == []


def test_answer_without_url(cli, api, tmp_path):
    api.post("/orchestration/runs/download-outputs").respond(json={"url": None})
    result = cli(
        "orchestration", "run", "download-outputs", "--workflow-uuid", W, "--output", str(tmp_path / "x")
    )
    assert result.code == 1
    assert result.json["errorMessage"] == "The API answer has no url to download"


def test_download_api_error_fetches_nothing(cli, api, tmp_path):
    api.post(f"/orchestration/batches/{B}/download").respond(409, json={"reason": "batchNotFinished"})
    signed = api.get(SIGNED)
    result = cli(
        "orchestration", "batch", "download", "--uuid", B, "--output-node-slug", "end", "--output", str(tmp_path / "x"),
    )  # fmt: skip
    assert result.code == 1
    assert result.json == {"errorMessage": "Batch not finished.", "reason": "batchNotFinished", "status": 409}
    assert not signed.called


def test_download_benchmark_script_stays_flat(tmp_path):
    """scripts/bench_download.py end to end on a small body (the 200 MB run is manual)."""
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parents[3] / "scripts" / "bench_download.py"
    done = subprocess.run(
        [sys.executable, str(script), "--size-mb", "16", "--limit-mb", "50"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["bytesOnDisk"] == 16 * 1024 * 1024
    assert report["ok"] is True
