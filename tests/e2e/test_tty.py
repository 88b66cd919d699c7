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
from typing import Any

import pytest

from tests.e2e.conftest import CLI
from tests.e2e.server import ScriptedServer, json_answer

pytestmark = pytest.mark.e2e

ANSI = re.compile(r"\x1b\[[0-9;]*m")
LONG = "a-description-much-longer-than-the-forty-column-terminal-it-is-printed-on"
DATASETS = {
    "datasets": [{"uuid": "d1", "slug": "crm", "description": LONG, "count": 3, "ok": True, "x": None}]
}
EXPECTED = json.dumps(DATASETS, indent=2) + "\n"
DATASET_LIST = ["storage", "dataset", "list"]


@pytest.fixture
def env(server: ScriptedServer, cli_env: dict[str, str]) -> dict[str, str]:
    """The harness's environment, colour allowed, on a narrow xterm."""
    server.route("GET", "/v1/storage/datasets/list", json_answer(DATASETS))
    server.route("GET", "/v1/storage/datasets/", json_answer({"errorMessage": "Not found"}, status=404))
    plain = {k: v for k, v in cli_env.items() if k != "NO_COLOR"}
    return {**plain, "TERM": "xterm-256color", "COLUMNS": "40"}


def run_in_pty(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    """stdout (and stdin) on a pseudo-terminal; stderr on a pipe."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([str(CLI), *args], stdin=slave, stdout=slave, stderr=subprocess.PIPE, env=env)
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
    code, out = run_in_pty(DATASET_LIST, env)
    assert code == 0, out
    assert "\x1b[" in out
    assert ANSI.sub("", out) == EXPECTED  # same text: indented, never wrapped at 40 columns
    assert f'"{LONG}"' in ANSI.sub("", out).splitlines()[5]


@pytest.mark.parametrize("how", ["NO_COLOR", "--no-color"])
def test_no_color_gives_plain_json_on_a_terminal(env, how):
    args = DATASET_LIST
    if how == "NO_COLOR":
        env = {**env, "NO_COLOR": "1"}
    else:
        args = ["--no-color", *args]
    code, out = run_in_pty(args, env)
    assert code == 0, out
    assert "\x1b" not in out
    assert out == EXPECTED


def test_a_pipe_gets_plain_json_byte_for_byte(env: dict[str, str], run_cli: Any) -> None:
    result = run_cli(*DATASET_LIST, env=env)
    assert result.code == 0, result.out
    assert result.out == EXPECTED
    assert result.err == ""


def test_errors_stay_plain_json_on_a_terminal(env):
    code, out = run_in_pty(["storage", "dataset", "get", "22222222-2222-4222-8222-222222222222"], env)
    assert code == 1
    assert "\x1b" not in out
    assert json.loads(out)["status"] == 404
