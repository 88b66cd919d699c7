"""The installed CLI over a real socket for the seeds domains: scaffold a
worker from the packaged templates and deploy it, print .env.local text, and
a multipart content upload."""

from __future__ import annotations

from email.parser import BytesParser
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

from tests.e2e.conftest import WORKSPACE
from tests.e2e.server import ScriptedServer, json_answer

APP = "22222222-2222-4222-8222-222222222222"
WORKER = "33333333-3333-4333-8333-333333333333"


def test_init_then_deploy_a_worker(server: ScriptedServer, run_cli: Any, tmp_path: Path) -> None:
    target = tmp_path / "my-worker"
    scaffolded = run_cli("hosting", "worker", "init", str(target), "--name", "My Worker")
    assert scaffolded.code == 0, scaffolded.out
    assert not server.requests  # init is local only
    (target / "node_modules" / "x").mkdir(parents=True)
    (target / "node_modules" / "x" / "index.js").write_text("ignored")
    server.route(
        "POST", "/v1/hosting/deployments", json_answer({"deployment": {"uuid": "d1", "status": "pending"}})
    )
    deployed = run_cli("hosting", "deployment", "create", "--worker-uuid", WORKER, "--source", str(target))
    assert deployed.code == 0, deployed.out
    assert deployed.json == {"deployment": {"uuid": "d1", "status": "pending"}}
    body = server.requests[-1].json()
    assert (body["kind"], body["workerUuid"]) == ("worker", WORKER)
    paths = [item["path"] for item in body["files"]]
    assert set(scaffolded.json["files"]) == set(paths)
    sent = {item["path"]: item["content"] for item in body["files"]}
    assert sent["src/index.js"] == (target / "src" / "index.js").read_text()
    again = run_cli("hosting", "worker", "init", str(target))
    assert again.code == 2
    assert "init never overwrites" in again.json["errorMessage"]


def test_app_env_redirected_into_a_file(server: ScriptedServer, run_cli: Any) -> None:
    server.route("GET", f"/v1/hosting/apps/{APP}", json_answer({"app": {"uuid": APP, "name": "Territories"}}))
    server.route("GET", "/v1/hosting/env-vars", json_answer({"envVars": [{"key": "VITE_A", "value": "1"}]}))
    result = run_cli("hosting", "app", "env", APP)
    assert result.code == 0, result.out
    assert result.out.splitlines()[1:] == [
        f"VITE_CARGO_API_URL={server.origin}",
        f"VITE_CARGO_WORKSPACE_UUID={WORKSPACE}",
        f"VITE_CARGO_APP_UUID={APP}",
        "VITE_A=1",
    ]
    assert server.requests[-1].query == f"appUuid={APP}"


def test_content_upload_is_multipart_over_the_wire(
    server: ScriptedServer, run_cli: Any, tmp_path: Path
) -> None:
    data = b"%PDF-1.4\n" + bytes(range(256)) * 64
    source = tmp_path / "kb.pdf"
    source.write_bytes(data)
    answer = {"files": [{"uuid": APP, "name": "kb.pdf"}]}
    server.route("POST", "/v1/content/files/upload", json_answer(answer))
    result = run_cli("content", "file", "upload", "--file-path", str(source), "--folder-uuid", WORKER)
    assert result.code == 0, result.out
    assert result.json == {"uuid": APP, "name": "kb.pdf"}
    request = server.requests[-1]
    head = f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode()
    message = BytesParser(policy=default_policy).parsebytes(head + request.body)
    parts = [(p.get_param("name", header="content-disposition"), p.get_payload(decode=True))
             for p in message.iter_parts()]  # fmt: skip
    assert parts == [("file", data), ("folderUuid", WORKER.encode())]
