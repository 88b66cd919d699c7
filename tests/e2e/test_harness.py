"""The harness itself: the installed CLI reaches the scripted server."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import TOKEN, WORKSPACE
from tests.e2e.server import ScriptedServer, json_answer


def test_installed_cli_calls_the_real_server(server: ScriptedServer, run_cli: Any) -> None:
    server.route("GET", "/v1/storage/datasets", json_answer({"datasets": [{"uuid": "d1"}]}))
    result = run_cli("storage", "dataset", "list")
    assert result.code == 0, result.out
    assert result.json == {"datasets": [{"uuid": "d1"}]}
    request = server.requests[-1]
    assert request.method == "GET"
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["selected-workspace-uuid"] == WORKSPACE
