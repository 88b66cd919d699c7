"""The HTTP client over a real socket: the installed CLI against the scripted
local server (tests/e2e/server.py). One test per mechanism the unit suite
can only mock: a JSON call, a retried 503, the request deadline, a streamed
multipart upload and a streamed download of a signed URL."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from tests.e2e.conftest import TOKEN, WORKSPACE
from tests.e2e.server import Recorded, ScriptedServer, Wire, json_answer, raw_answer

RUN = "22222222-2222-4222-8222-222222222222"
WORKFLOW = "33333333-3333-4333-8333-333333333333"


def test_json_call(server: ScriptedServer, run_cli: Any) -> None:
    answer = {"run": {"uuid": RUN, "status": "success", "note": "é ✓"}}
    server.route("GET", f"/v1/orchestration/runs/{RUN}", json_answer(answer))
    result = run_cli("orchestration", "run", "get", RUN)
    assert (result.code, result.json) == (0, answer)
    assert result.out.startswith('{\n  "run": {')  # 2-space indent, as sent
    [request] = server.requests
    assert (request.method, request.path) == ("GET", f"/v1/orchestration/runs/{RUN}")
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["selected-workspace-uuid"] == WORKSPACE
    assert request.headers["x-cargo-origin"] == "cli"


def test_503_is_retried(server: ScriptedServer, run_cli: Any) -> None:
    attempts: list[Recorded] = []

    def flaky(request: Recorded, wire: Wire) -> None:
        attempts.append(request)
        if len(attempts) < 3:
            body = json.dumps({"errorMessage": "Service unavailable"}).encode()
            wire.send(503, body, {"content-type": "application/json", "retry-after": "0"})
        else:
            json_answer({"run": {"uuid": RUN, "status": "running"}})(request, wire)

    server.route("GET", "/v1/orchestration/runs/", flaky)
    result = run_cli("orchestration", "run", "get", RUN)
    assert (result.code, result.json) == (0, {"run": {"uuid": RUN, "status": "running"}})
    assert len(attempts) == 3


def test_the_request_deadline_is_kept(server: ScriptedServer, run_cli: Any) -> None:
    # a server that accepts the request and then says nothing for 10 s
    def stalled(_request: Recorded, wire: Wire) -> None:
        time.sleep(10)
        wire.drop()

    server.route("GET", "/v1/orchestration/runs/", stalled)
    started = time.monotonic()
    result = run_cli("orchestration", "run", "get", RUN, env={"CARGO_TIMEOUT": "1", "CARGO_MAX_RETRIES": "0"})
    elapsed = time.monotonic() - started
    assert result.code == 1
    assert result.json["errorMessage"].startswith("Request timed out")
    assert elapsed < 8, f"took {elapsed:.1f}s with a 1 s deadline"


def test_upload_streams_one_multipart_file(server: ScriptedServer, run_cli: Any, tmp_path: Path) -> None:
    content = b"email,name\n" + b"a@b.c,Ada\n" * 5000
    source = tmp_path / "people.csv"
    source.write_bytes(content)
    answer = {"file": {"s3Filename": "s3-people.csv", "name": "people.csv"}}
    server.route("POST", "/v1/workspaceManagement/files/upload", json_answer(answer))
    result = run_cli("workspaceManagement", "file", "upload", "--file", str(source))
    assert result.code == 0, result.out
    [request] = server.requests
    assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert b'name="file"; filename="people.csv"' in request.body
    assert content in request.body
    assert request.headers["authorization"] == f"Bearer {TOKEN}"


def test_download_streams_the_signed_url_to_a_file(
    server: ScriptedServer, run_cli: Any, tmp_path: Path
) -> None:
    data = bytes(range(256)) * 4096  # 1 MiB, binary
    answer = {"url": f"{server.origin}/signed/runs.csv.gz?X-Amz-Signature=abc"}
    server.route("POST", "/v1/orchestration/runs/download", json_answer(answer))
    server.route("GET", "/signed/", raw_answer(200, data, {"content-type": "application/gzip"}))
    target = tmp_path / "out" / "runs.csv.gz"
    result = run_cli("orchestration", "run", "download", "--workflow-uuid", WORKFLOW, "--output", str(target))
    assert (result.code, result.json) == (0, answer)
    assert target.read_bytes() == data
    signed = server.requests[-1]
    assert signed.path == "/signed/runs.csv.gz"
    assert "authorization" not in signed.headers  # the token never goes to the storage host
    assert not list(target.parent.glob("*.part"))
