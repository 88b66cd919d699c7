"""Terminal-only behaviour of the INSTALLED cargo-ai, in a real pseudo-terminal
against a real local HTTP server: JSON is coloured on a tty (never wrapped),
plain with NO_COLOR or --no-color, and byte for byte unchanged on a pipe."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

CLI = str(Path(sys.executable).parent / "cargo-ai")
ANSI = re.compile(r"\x1b\[[0-9;]*m")
LONG = "a-description-much-longer-than-the-forty-column-terminal-it-is-printed-on"
DATASETS = {
    "datasets": [{"uuid": "d1", "slug": "crm", "description": LONG, "count": 3, "ok": True, "x": None}]
}
EXPECTED = json.dumps(DATASETS, indent=2) + "\n"


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = json.dumps(DATASETS).encode() if self.path == "/v1/storage/datasets/list" else b"{}"
        self.send_response(200 if self.path == "/v1/storage/datasets/list" else 404)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def env(server: str, tmp_path: Path) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith("CARGO_") and k != "NO_COLOR"}
    return {
        **keep, "CARGO_API_URL": server, "CARGO_API_TOKEN": "tty-test-token", "CARGO_NO_KEYRING": "1",
        "CARGO_WORKSPACE_UUID": "11111111-1111-4111-8111-111111111111", "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "config"), "TERM": "xterm-256color", "COLUMNS": "40",
    }  # fmt: skip


def run_in_pty(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    """stdout (and stdin) on a pseudo-terminal; stderr on a pipe."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([CLI, *args], stdin=slave, stdout=slave, stderr=subprocess.PIPE, env=env)
    os.close(slave)
    chunks = []
    try:
        while True:
            ready, _, _ = select.select([master], [], [], 30)
            if not ready:
                raise TimeoutError("no output from cargo-ai within 30 s")
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        code = proc.wait(timeout=30)
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()
        assert proc.stderr is not None
        proc.stderr.close()
    return code, b"".join(chunks).decode().replace("\r\n", "\n")


def test_a_terminal_gets_colour_and_the_same_json(env):
    code, out = run_in_pty(["storage", "dataset", "list"], env)
    assert code == 0, out
    assert "\x1b[" in out
    assert ANSI.sub("", out) == EXPECTED  # same text: indented, never wrapped at 40 columns
    assert f'"{LONG}"' in ANSI.sub("", out).splitlines()[5]


@pytest.mark.parametrize("how", ["NO_COLOR", "--no-color"])
def test_no_color_gives_plain_json_on_a_terminal(env, how):
    args = ["storage", "dataset", "list"]
    if how == "NO_COLOR":
        env = {**env, "NO_COLOR": "1"}
    else:
        args = ["--no-color", *args]
    code, out = run_in_pty(args, env)
    assert code == 0, out
    assert "\x1b" not in out
    assert out == EXPECTED


def test_a_pipe_gets_plain_json_byte_for_byte(env):
    done = subprocess.run(
        [CLI, "storage", "dataset", "list"], env=env, capture_output=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stdout
    assert done.stdout == EXPECTED.encode()
    assert done.stderr == b""


def test_errors_stay_plain_json_on_a_terminal(env):
    code, out = run_in_pty(["storage", "dataset", "get", "22222222-2222-4222-8222-222222222222"], env)
    assert code == 1
    assert "\x1b" not in out
    assert json.loads(out)["status"] == 404
