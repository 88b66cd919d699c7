"""--dry-run opens no socket: the installed CLI pointed at a listening socket
that counts connections (none accepted), and at a scripted server that
counts requests (none received), for a write, a wait, --all and an upload."""

from __future__ import annotations

import socket

import pytest

from tests.e2e.conftest import TOKEN

UUID = "22222222-2222-4222-8222-222222222222"


@pytest.fixture
def listener():
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    sock.setblocking(False)
    yield sock
    sock.close()


def connections(sock: socket.socket) -> int:
    count = 0
    while True:
        try:
            conn, _ = sock.accept()
        except BlockingIOError:
            return count
        conn.close()
        count += 1


def test_no_connection_is_opened(run_cli, listener, tmp_path):
    origin = f"http://127.0.0.1:{listener.getsockname()[1]}"
    upload = tmp_path / "leads.csv"
    upload.write_text("id\n1\n")
    cases = [
        ["--dry-run", "orchestration", "run", "create", "--workflow-uuid", UUID, "--data", "{}",
         "--wait-until-finished"],
        ["orchestration", "run", "list", "--workflow-uuid", UUID, "--all", "--dry-run"],
        ["--dry-run", "workspaceManagement", "file", "upload", "--file", str(upload)],
        ["--dry-run", "doctor"],
    ]  # fmt: skip
    for argv in cases:
        done = run_cli(*argv, env={"CARGO_API_URL": origin})
        assert done.code == 0, done.out + done.err
        assert done.json["dryRun"] is True
        assert TOKEN not in done.out
    assert connections(listener) == 0


def test_a_counting_server_receives_nothing(run_cli, server):
    done = run_cli("--dry-run", "orchestration", "run", "cancel", "--workflow-uuid", UUID, "--uuids", UUID)
    assert done.code == 0, done.out
    assert done.json["request"]["url"] == f"{server.origin}/v1/orchestration/runs/cancel"
    assert done.json["request"]["body"] == {"workflowUuid": UUID, "uuids": [UUID]}
    assert server.requests == []
    usage = run_cli("--dry-run", "orchestration", "run", "get", "not-a-uuid")
    assert usage.code == 2 and "errorMessage" in usage.json
    assert server.requests == []


def test_no_login_needed(run_cli, server, tmp_path):
    done = run_cli("--dry-run", "orchestration", "run", "get", UUID, env={"CARGO_API_TOKEN": None})
    assert done.code == 0, done.out
    assert done.json["request"]["headers"]["authorization"] == "Bearer ***"
    assert server.requests == []
