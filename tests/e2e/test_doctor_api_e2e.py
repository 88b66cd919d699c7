"""``doctor`` and ``api`` as installed, against a real local HTTP server:
the server's real Date header, real latency, a server that never answers
(the time box), and a raw request over a real socket."""

from __future__ import annotations

import email.utils
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

CLI = str(Path(sys.executable).with_name("cargo-ai"))
TOKEN = "e2e-token-secret-value"
WORKSPACE = "11111111-1111-4111-8111-111111111111"
ANSWERS: dict[str, Any] = {
    "/v1/userManagement/users/current": {"user": {"uuid": "u-1", "email": "e2e@example.com"}},
    "/v1/workspaceManagement/workspaces/current": {"workspace": {"uuid": WORKSPACE, "name": "E2E"}},
}


class Server(ThreadingHTTPServer):
    daemon_threads = True
    clock_offset = 0.0
    hang_seconds = 0.0
    requests: list[tuple[str, str, dict[str, str], bytes]]


class Handler(BaseHTTPRequestHandler):
    server: Server
    protocol_version = "HTTP/1.1"

    def date_time_string(self, timestamp: float | None = None) -> str:
        return email.utils.formatdate(time.time() + self.server.clock_offset, usegmt=True)

    def _answer(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server.requests.append((self.command, self.path, dict(self.headers), body))
        if self.server.hang_seconds:
            time.sleep(self.server.hang_seconds)
        path = self.path.split("?", 1)[0]
        answer = ANSWERS.get(path, {"echo": {"method": self.command, "path": self.path}})
        data = json.dumps(answer).encode()
        try:
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (the time-box test)
            pass

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[Server]:
    httpd = Server(("127.0.0.1", 0), Handler)
    httpd.requests = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd
    finally:
        httpd.shutdown()
        httpd.server_close()


def run(server: Server, *args: str, **env: str) -> tuple[int, dict[str, Any], float]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("CARGO_")}
    environ.update(
        CARGO_API_URL=f"http://127.0.0.1:{server.server_address[1]}",
        CARGO_API_TOKEN=TOKEN,
        CARGO_WORKSPACE_UUID=WORKSPACE,
        CARGO_NO_KEYRING="1",
        **env,
    )
    started = time.monotonic()
    done = subprocess.run([CLI, *args], capture_output=True, text=True, env=environ, timeout=60)
    elapsed = time.monotonic() - started
    assert TOKEN not in done.stdout and TOKEN not in done.stderr
    return done.returncode, json.loads(done.stdout), elapsed


def test_doctor_against_a_real_server(server):
    code, report, _elapsed = run(server, "doctor")
    assert code == 0, report
    assert report["api"]["reachable"] is True and report["api"]["latencyMs"] >= 0
    assert abs(report["clock"]["skewSeconds"]) < 3
    assert report["workspace"]["name"] == "E2E"
    assert [r[1] for r in server.requests] == [
        "/v1/userManagement/users/current", "/v1/workspaceManagement/workspaces/current",
    ]  # fmt: skip


def test_doctor_reports_a_skewed_server_clock(server):
    server.clock_offset = 3600.0
    code, report, _elapsed = run(server, "doctor")
    assert code == 7
    assert report["errorMessage"].startswith("clock: the local clock is")
    assert report["clock"]["skewSeconds"] == pytest.approx(-3600, abs=3)


def test_doctor_does_not_hang_on_a_silent_server(server):
    server.hang_seconds = 8.0
    code, report, elapsed = run(server, "doctor", CARGO_TIMEOUT="1")
    assert code == 4
    assert report["errorMessage"].endswith("Request timed out after 1s")
    assert elapsed < 6


def test_doctor_on_a_closed_port():
    port_holder = Server(("127.0.0.1", 0), Handler)
    port = port_holder.server_address[1]
    port_holder.server_close()
    environ = {k: v for k, v in os.environ.items() if not k.startswith("CARGO_")}
    environ.update(CARGO_API_URL=f"http://127.0.0.1:{port}", CARGO_NO_KEYRING="1", CARGO_API_TOKEN=TOKEN)
    done = subprocess.run([CLI, "doctor"], capture_output=True, text=True, env=environ, timeout=60)
    assert done.returncode == 4
    assert "unreachable" in json.loads(done.stdout)["errorMessage"]


def test_api_raw_and_named_over_a_real_socket(server):
    code, answer, _elapsed = run(server, "api", "POST", "/v1/orchestration/runs/list", "-F", "limit=3")
    assert code == 0, answer
    assert answer == {"echo": {"method": "POST", "path": "/v1/orchestration/runs/list"}}
    method, _path, headers, body = server.requests[-1]
    assert (method, json.loads(body)) == ("POST", {"limit": 3})
    assert headers["authorization"] == f"Bearer {TOKEN}"
    code, answer, _elapsed = run(server, "api", "orchestration.run.get", "-f", "uuid=abc")
    assert code == 0
    assert answer["echo"] == {"method": "GET", "path": "/v1/orchestration/runs/abc"}
    code, answer, _elapsed = run(server, "api", "GET", "/v1/../etc")
    assert code == 2
    assert len(server.requests) == 2
