"""A multi-file download (`urls`) on a terminal: one display counts the files
written of the total, with the elapsed time, above the byte bar; every file
is written; on a pipe, stderr stays empty."""

from __future__ import annotations

import json
import re

from tests.e2e.conftest import CLI
from tests.e2e.pty_stderr import run_with_tty_stderr
from tests.e2e.server import ScriptedServer, drip_answer, json_answer

FILTER = json.dumps({"conjonction": "and", "groups": []})
UUID = "22222222-2222-4222-8222-222222222222"


def download(server: ScriptedServer, target: str) -> list[str]:
    urls = [f"{server.origin}/files/part-{n}.csv" for n in range(3)]
    server.route("POST", "/v1/segmentation/segments/download", json_answer({"urls": urls}))
    server.route("GET", "/files/", drip_answer(b"id\n1\n", every=0.15, headers={"content-type": "text/csv"}))
    return [
        "segmentation",
        "segment",
        "download",
        "--model-uuid",
        UUID,
        "--filter",
        FILTER,
        "--output",
        target,
    ]


def test_the_files_are_counted_on_a_terminal(server, cli_env, tmp_path):
    target = tmp_path / "out.csv"
    code, out, err = run_with_tty_stderr(CLI, download(server, str(target)), cli_env)
    assert code == 0, out + err
    assert len(json.loads(out)["urls"]) == 3  # stdout: the API's answer, as without a terminal
    for path in (target, tmp_path / "out-2.csv", tmp_path / "out-3.csv"):
        assert path.read_bytes() == b"id\n1\n"
    counted = {int(n) for n in re.findall(r"Downloading .*? (\d)/3 files · 0:00:0\d", err)}
    assert {0, 1, 2} <= counted, err[-800:]


def test_nothing_on_a_pipe(server, run_cli, tmp_path):
    done = run_cli(*download(server, str(tmp_path / "out.csv")))
    assert done.code == 0, done.out
    assert done.err == ""
