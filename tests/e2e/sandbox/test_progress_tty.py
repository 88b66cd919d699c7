"""Progress that moves, in a real pseudo-terminal (stderr on the pty, stdout
on a pipe) against a real sandbox: a batch wait draws rich's progress bar
(executed runs of the total, failed runs, elapsed time); a run wait's elapsed
time advances every second, between polls too; stdout is the same JSON; and
with stderr not a terminal, stderr stays empty."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from cargo_cli.sandbox import seed
from tests.e2e.pty_stderr import run_with_tty_stderr as run
from tests.e2e.sandbox.conftest import CARGO_AI, Cli, start

BATCH = ["orchestration", "batch", "create", "--workflow-uuid", seed.PLAY_WORKFLOW,
         "--data", json.dumps({"kind": "segment", "segmentUuid": seed.SEGMENT_FR}),
         "--wait-until-finished", "--polling-interval", "300"]  # fmt: skip


@pytest.fixture(scope="module")
def paced(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cli]:
    """A sandbox slow enough that a batch takes a few seconds."""
    yield from start(tmp_path_factory.mktemp("paced"), ["--speed", "2"])


def run_with_tty_stderr(cli: Cli, argv: list[str]) -> tuple[int, str, str]:
    return run(CARGO_AI, argv, cli.sbx.env(cli.home))


def test_a_batch_wait_draws_a_progress_bar(paced: Cli) -> None:
    code, out, err = run_with_tty_stderr(paced, BATCH)
    assert code == 0, out + err
    batch = json.loads(out)["batch"]  # stdout: the JSON, nothing else
    assert batch["status"] == "success"
    total, failed = batch["runsCount"], batch["failedRunsCount"]
    screen = err
    assert f"batch {batch['uuid']}" in screen
    assert "━" in screen  # rich's bar
    counts = {int(done) for done in re.findall(rf"(\d+)/{total} runs", screen)}
    assert counts and max(counts) <= total  # executed of the total, as the polls said
    assert re.search(r"runs · \d+ failed · 0:00:0\d", screen)  # failed runs, elapsed time
    assert failed >= 0


def test_a_run_wait_counts_seconds_between_polls(paced: Cli) -> None:
    """Polling every 5 s: the elapsed time still shows 1s, 2s, 3s..."""
    argv = ["orchestration", "run", "create", "--workflow-uuid", seed.PLAY_WORKFLOW,
            "--data", json.dumps({"domain": "acme.com"}), "--wait-until-finished",
            "--polling-interval", "4000"]  # fmt: skip
    code, out, err = run_with_tty_stderr(paced, argv)
    assert code == 0, out + err
    run = json.loads(out)["run"]
    screen = err
    seconds = {int(s) for s in re.findall(rf"Waiting for run {run['uuid']}: \w+ \((\d+)s\)", screen)}
    assert {1, 2, 3} <= seconds, screen[-500:]


def test_no_terminal_no_progress(paced: Cli, tmp_path: Path) -> None:
    done = paced(*BATCH)
    assert done.code == 0
    assert done.stderr == ""
    assert json.loads(done.stdout)["batch"]["status"] == "success"
