"""The sandbox process itself: the ready line, --rate-limit and --data-dir."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from cargo_cli.sandbox import seed
from cargo_cli.sandbox.launcher import sandbox
from tests.e2e.sandbox.conftest import start

pytestmark = pytest.mark.e2e


def test_console_script_prints_one_ready_line(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("cargo-ai-sandbox")
    with subprocess.Popen(
        [str(script), "--port", "0", "--no-seed"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:  # the with-block closes the pipes
        assert process.stdout is not None and process.stderr is not None
        try:
            ready = json.loads(process.stdout.readline())
            assert sorted(ready) == ["token", "url", "workspaceUuid"]
            headers = {"authorization": f"Bearer {ready['token']}"}
            assert httpx.get(ready["url"] + "/v1/storage/models/list", headers=headers).json() == {
                "models": []
            }
        finally:
            process.terminate()
            process.wait(10)
        assert process.stdout.read() == ""  # nothing else on stdout
        assert "GET /v1/storage/models/list 200" in process.stderr.read()


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--port", "70000"], 2, "expected a port from 0 to 65535"),
        (["--data-dir", "{file}"], 1, "Cannot open the sandbox state in"),
    ],
)
def test_bad_startup_is_one_clear_message_not_a_traceback(
    tmp_path: Path, args: list[str], code: int, message: str
) -> None:
    (tmp_path / "file").write_text("")
    script = Path(sys.executable).with_name("cargo-ai-sandbox")
    argv = [str(script), *(arg.format(file=tmp_path / "file") for arg in args)]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    assert done.returncode == code
    assert message in done.stdout + done.stderr
    assert "Traceback" not in done.stderr


def test_rate_limit_answers_429_and_the_cli_retries(tmp_path: Path) -> None:
    for cli in start(tmp_path, ["--rate-limit", "1/s", "--speed", "100"]):
        # whoami makes two calls back to back: the second gets a 429 + Retry-After, then succeeds.
        assert cli.ok("whoami")["user"]["email"] == "demo@example.com"
        refused = cli("whoami", CARGO_MAX_RETRIES="0")
        log = cli.log.read_text()
        assert "429" in log
        assert refused.code != 0 and refused.out["errorMessage"] == "Too many requests"


def test_data_dir_keeps_state_and_token_across_restarts(tmp_path: Path) -> None:
    args = ["--data-dir", str(tmp_path / "state"), "--speed", "100"]
    with sandbox(args) as first:
        headers = {"authorization": f"Bearer {first.token}"}
        body = {"workflowUuid": seed.TOOL_WORKFLOW, "data": {"domain": "keep.io"}}
        run = httpx.post(first.url + "/v1/orchestration/runs", json=body, headers=headers).json()["run"]
    with sandbox(args) as second:
        assert second.token == first.token
        got = httpx.get(f"{second.url}/v1/orchestration/runs/{run['uuid']}", headers=headers).json()
        assert got["run"]["recordTitle"] == "keep.io"
        assert (tmp_path / "state" / "sandbox.duckdb").is_file()
