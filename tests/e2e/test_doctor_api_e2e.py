"""``doctor`` and ``api`` as installed, against the real local server: the
server's own Date header, real latency, a server that never answers (the
time box), a closed port, and raw and named requests over a real socket."""

from __future__ import annotations

import email.utils
import json
import socket
import time
from typing import Any

import pytest

from tests.e2e.conftest import TOKEN, WORKSPACE
from tests.e2e.server import Recorded, ScriptedServer, Wire, json_answer

USER = {"user": {"uuid": "u-1", "email": "e2e@example.com"}}
WORKSPACE_ANSWER = {"workspace": {"uuid": WORKSPACE, "name": "E2E"}}
USER_PATH = "/v1/userManagement/users/current"
WORKSPACE_PATH = "/v1/workspaceManagement/workspaces/current"


def skewed_answer(body: Any, offset: float) -> Any:
    """A JSON answer whose only Date header is the server clock + ``offset``."""
    data = json.dumps(body).encode()

    def route(_request: Recorded, wire: Wire) -> None:
        date = email.utils.formatdate(time.time() + offset, usegmt=True)
        head = f"HTTP/1.1 200 OK\r\ndate: {date}\r\ncontent-type: application/json\r\ncontent-length: {len(data)}\r\n\r\n"
        wire.write(head.encode() + data)

    return route


def silent_answer(seconds: float) -> Any:
    def route(_request: Recorded, wire: Wire) -> None:
        time.sleep(seconds)
        wire.drop()

    return route


def healthy(server: ScriptedServer) -> None:
    server.route("GET", USER_PATH, json_answer(USER))
    server.route("GET", WORKSPACE_PATH, json_answer(WORKSPACE_ANSWER))


def test_doctor_against_a_real_server(server: ScriptedServer, run_cli: Any) -> None:
    healthy(server)
    result = run_cli("doctor")
    assert result.code == 0, result.out
    report = result.json
    assert report["api"]["reachable"] is True and report["api"]["latencyMs"] >= 0
    assert abs(report["clock"]["skewSeconds"]) < 3  # http.server's own Date header
    assert report["workspace"] == {"uuid": WORKSPACE, "selectedBy": "env", "name": "E2E"}
    assert [r.path for r in server.requests] == [USER_PATH, WORKSPACE_PATH]
    assert TOKEN not in result.out + result.err


def test_doctor_reports_a_skewed_server_clock(server: ScriptedServer, run_cli: Any) -> None:
    server.route("GET", USER_PATH, skewed_answer(USER, 3600.0))
    server.route("GET", WORKSPACE_PATH, json_answer(WORKSPACE_ANSWER))
    result = run_cli("doctor")
    assert result.code == 7, result.out
    assert result.json["errorMessage"].startswith("clock: the local clock is 3")
    assert result.json["clock"]["skewSeconds"] == pytest.approx(-3600, abs=3)


def test_doctor_does_not_hang_on_a_silent_server(server: ScriptedServer, run_cli: Any) -> None:
    server.route("GET", USER_PATH, silent_answer(8.0))
    started = time.monotonic()
    result = run_cli("doctor", env={"CARGO_TIMEOUT": "1"})
    assert time.monotonic() - started < 6
    assert result.code == 4, result.out
    assert result.json["errorMessage"].endswith("Request timed out after 1s")
    assert len(server.requests) == 1  # no retries


def test_doctor_on_a_closed_port(run_cli: Any) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = run_cli("doctor", env={"CARGO_API_URL": f"http://127.0.0.1:{port}"})
    assert result.code == 4
    assert "is unreachable: Network error" in result.json["errorMessage"]


def test_api_raw_and_named_over_a_real_socket(server: ScriptedServer, run_cli: Any) -> None:
    server.route("POST", "/v1/orchestration/runs/list", json_answer({"runs": [], "count": 0}))
    server.route("GET", "/v1/orchestration/runs/", json_answer({"run": {"uuid": "abc"}}))
    result = run_cli("api", "POST", "/v1/orchestration/runs/list", "-F", "limit=3")
    assert result.code == 0, result.out
    assert result.json == {"runs": [], "count": 0}
    request = server.requests[-1]
    assert (request.method, request.json()) == ("POST", {"limit": 3})
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["selected-workspace-uuid"] == WORKSPACE
    result = run_cli("api", "orchestration.run.get", "-f", "uuid=abc")
    assert result.code == 0, result.out
    assert (server.requests[-1].method, server.requests[-1].path) == ("GET", "/v1/orchestration/runs/abc")
    result = run_cli("api", "GET", "/v1/../etc")
    assert result.code == 2
    assert len(server.requests) == 2
