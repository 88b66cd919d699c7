"""Progress displays (cli/progress.py, the multi-file bar of cli/transfer.py):
the elapsed time is computed when drawn (so it advances between polls), a
batch shows executed of total and failed, nothing at all without a terminal
stderr, and rich is not even imported then."""

from __future__ import annotations

import io
import re
import subprocess
import sys

import pytest

from cargo_cli import output
from cargo_cli.cli import progress, transfer
from cargo_cli.cli.wait import WaitSpec, field_of, wait_for


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_wait_text_is_computed_when_drawn():
    clock = Clock()
    text = progress._WaitText("run", "r-1", clock)
    assert text.plain() == "Waiting for run r-1: pending (0s)"
    clock.now += 1.2
    assert text.plain() == "Waiting for run r-1: pending (1s)"  # no poll in between
    text.status = "running"
    clock.now += 1
    assert text.plain() == "Waiting for run r-1: running (2s)"


def test_batch_counts():
    answer = {"batch": {"runsCount": 10, "executedRunsCount": 4, "failedRunsCount": 1}}
    assert progress.batch_counts(answer) == (10, 4, 1)
    assert progress.batch_counts({"batch": {"runsCount": "x", "failedRunsCount": -1}}) == (None, 0, 0)
    assert progress.batch_counts(["nope"]) == (None, 0, 0)


@pytest.fixture
def tty_console(monkeypatch):
    """A terminal-like rich console on a buffer, for the displays."""
    from rich.console import Console

    buffer = io.StringIO()
    monkeypatch.setattr(output, "console", lambda: Console(file=buffer, force_terminal=True, width=120))
    return buffer


def test_the_batch_bar_shows_executed_of_total_and_failed(tty_console):
    bar = progress.BatchBar("batch", "b-1")
    bar.update("running", {"batch": {"runsCount": 10, "executedRunsCount": 4, "failedRunsCount": 1}})
    bar._progress.refresh()
    bar.stop()
    screen = tty_console.getvalue()
    assert "batch b-1 running" in screen and "4/10" in screen and "1 failed" in screen
    assert "0:00:0" in screen


def test_wait_for_feeds_each_poll_to_the_display(monkeypatch):
    seen: list[tuple] = []

    class Display:
        def __init__(self, label, uuid):
            seen.append(("start", label, uuid))

        def update(self, status, answer=None):
            seen.append(("update", status, answer["batch"]["executedRunsCount"]))

        def stop(self):
            seen.append(("stop",))

    monkeypatch.setattr(progress, "BatchBar", Display)
    answers = iter(
        {"batch": {"uuid": "b", "status": s, "executedRunsCount": n}}
        for s, n in (("running", 1), ("success", 2))
    )
    spec = WaitSpec("batch", lambda: None, field_of("batch", "uuid"), field_of("batch", "status"))
    clock = Clock()
    wait_for(
        spec, "b", call=lambda _e, _p: next(answers), sleep=lambda s: None, clock=clock, show_spinner=True
    )
    assert seen == [("start", "batch", "b"), ("update", "running", 1), ("update", "success", 2), ("stop",)]


def test_no_display_without_a_terminal(monkeypatch):
    monkeypatch.setattr(output, "stderr_is_tty", lambda: False)
    assert progress.wait_display("run", "r") is None
    assert progress.wait_display("batch", "b") is None


def test_a_multi_file_download_counts_files(tty_console):
    bar = transfer.ProgressBar("out.csv", files=3)
    bar.next_file("out.csv")
    bar.update(10, 100)
    bar.file_done()
    bar.next_file("out-2.csv")
    bar._progress.refresh()
    bar.stop()
    screen = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", tty_console.getvalue())
    assert "Downloading" in screen and "1/3 files" in screen and "out-2.csv" in screen


def test_multi_file_download_uses_the_one_bar_on_a_terminal(monkeypatch, tmp_path):
    made: list[int | None] = []

    class Bar:
        def __init__(self, destination, files=None):
            made.append(files)
            self.files: list[str] = []

        def next_file(self, destination):
            self.files.append(destination)

        def update(self, done, total):
            pass

        def file_done(self):
            pass

        def stop(self):
            pass

    def download_to(client, url, target, on_progress=None):
        return {"path": target, "bytes": 1}

    class Rt:
        client = object()

    monkeypatch.setattr(transfer, "download_to", download_to)
    monkeypatch.setattr(output, "stderr_is_tty", lambda: True)
    monkeypatch.setattr(transfer, "ProgressBar", Bar)
    target = str(tmp_path / "o.csv")
    written = transfer.download_result({"urls": ["https://a/1", "https://a/2"]}, target, Rt())  # type: ignore[arg-type]
    assert made == [2] and [w["path"] for w in written] == [target, str(tmp_path / "o-2.csv")]


def test_rich_is_not_imported_without_a_terminal():
    code = (
        "import sys\n"
        "from cargo_cli.cli import progress\n"
        "from cargo_cli import output\n"
        "assert progress.wait_display('run', 'r') is None\n"
        "print('rich' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "False"
