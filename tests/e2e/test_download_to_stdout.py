"""Issue 15, point 6: ``--output`` naming the stdout stream (``-``,
/dev/stdout, /dev/fd/1, or the very file stdout is open on) leaves only the
file's bytes on stdout and puts the JSON answer on stderr. The installed CLI
against a real local server, stdout a pipe (or a file)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.e2e.conftest import CLI
from tests.e2e.server import ScriptedServer, json_answer
from tests.e2e.test_hardening_process import DOWNLOAD, PAYLOAD, serve_download


def download(cli_env: dict[str, str], target: str, **kwargs: object) -> subprocess.CompletedProcess[bytes]:
    kwargs.setdefault("stdout", subprocess.PIPE)
    return subprocess.run(
        [str(CLI), *DOWNLOAD, "--output", target],
        env=cli_env, stderr=subprocess.PIPE, timeout=30, check=False, **kwargs,  # type: ignore[call-overload]
    )  # fmt: skip


@pytest.mark.parametrize("target", ["-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"])
def test_stdout_holds_only_the_file_and_the_answer_goes_to_stderr(
    server: ScriptedServer, cli_env: dict[str, str], target: str
) -> None:
    serve_download(server)
    proc = download(cli_env, target)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == PAYLOAD  # the bytes, and nothing after them
    assert json.loads(proc.stderr) == {"url": server.origin + "/signed/0?X-Amz-Signature=s"}
    assert proc.stderr.decode().startswith('{\n  "url": ')  # the usual 2-space JSON


def test_every_part_in_order_then_the_answer_on_stderr(
    server: ScriptedServer, cli_env: dict[str, str]
) -> None:
    serve_download(server, urls=2)
    proc = subprocess.run(
        [str(CLI), "segmentation", "segment", "download", "--filter", '{"conjonction":"and","groups":[]}',
         "--model-uuid", DOWNLOAD[-1], "--output", "/dev/stdout"],
        env=cli_env, capture_output=True, timeout=30, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == PAYLOAD + PAYLOAD
    assert len(json.loads(proc.stderr)["urls"]) == 2


def test_the_file_stdout_is_open_on_counts_as_stdout(
    server: ScriptedServer, cli_env: dict[str, str], tmp_path: Path
) -> None:
    serve_download(server)
    target = tmp_path / "out.bin"
    with target.open("wb") as handle:  # cargo-ai ... --output out.bin > out.bin
        proc = download(cli_env, str(target), stdout=handle)
    assert proc.returncode == 0, proc.stderr
    assert target.read_bytes() == PAYLOAD  # not the bytes followed by the JSON, nor a replaced file
    assert json.loads(proc.stderr)["url"].endswith("/signed/0?X-Amz-Signature=s")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.bin"]


def test_another_file_is_no_stdout(server: ScriptedServer, cli_env: dict[str, str], tmp_path: Path) -> None:
    serve_download(server)
    proc = download(cli_env, str(tmp_path / "x.bin"))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["url"].endswith("/signed/0?X-Amz-Signature=s")  # the answer, as always
    assert proc.stderr == b""
    assert (tmp_path / "x.bin").read_bytes() == PAYLOAD


def test_a_failed_download_to_dev_stdout_leaves_only_the_error_on_stdout(
    server: ScriptedServer, cli_env: dict[str, str]
) -> None:
    server.route("POST", "/v1/orchestration/runs/download", json_answer({"url": server.origin + "/gone"}))
    server.route("GET", "/gone", json_answer({"errorMessage": "Request has expired"}, status=403))
    proc = download(cli_env, "/dev/stdout")
    assert proc.returncode == 1
    assert json.loads(proc.stdout) == {"errorMessage": "Request has expired", "status": 403}
    assert proc.stderr == b""
