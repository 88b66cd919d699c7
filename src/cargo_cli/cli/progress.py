"""Live progress on a terminal stderr (rich, imported only there):

- a wait (``--wait-until-finished``): one line, ``Waiting for run <uuid>:
  running (12s)``, whose elapsed time is computed at every refresh (several
  a second), so it advances between polls too;
- a batch: a progress bar of the batch's runs, executed of the total, the
  failed ones and the elapsed time (from ``runsCount``,
  ``executedRunsCount``, ``failedRunsCount`` of each poll);
- a multi-file download: the files written of the total and the elapsed
  time, above the byte bar of the current file (cli/transfer.py).

When stderr is not a terminal nothing here is created: stdout and stderr are
byte for byte what they are without it (the callers check
``output.stderr_is_tty()``). Every display is transient: it leaves no line
behind when it stops.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from cargo_cli import output

REFRESH_PER_SECOND = 4  # the elapsed time advances every second, whatever the polling interval


def _seconds(elapsed: float) -> str:
    return f"{int(elapsed)}s"


class _WaitText:
    """A renderable whose text is computed when rich draws it."""

    def __init__(self, label: str, uuid: str, clock: Callable[[], float]) -> None:
        self.label = label
        self.uuid = uuid
        self.status: str | None = None
        self._clock = clock
        self._started = clock()

    def plain(self) -> str:
        elapsed = self._clock() - self._started
        return f"Waiting for {self.label} {self.uuid}: {self.status or 'pending'} ({_seconds(elapsed)})"

    def __rich__(self) -> Any:
        from rich.text import Text

        return Text(self.plain())


class WaitLine:
    """A spinner and a live line (rich ``Status``)."""

    def __init__(self, label: str, uuid: str, clock: Callable[[], float] = time.monotonic) -> None:
        from rich.status import Status

        self.text = _WaitText(label, uuid, clock)
        self._status = Status(self.text, console=output.console(), refresh_per_second=REFRESH_PER_SECOND)
        self._status.start()

    def update(self, status: str | None, answer: Any = None) -> None:
        self.text.status = status

    def stop(self) -> None:
        self._status.stop()


def batch_counts(answer: Any, label: str = "batch") -> tuple[int | None, int, int]:
    """``(runsCount, executedRunsCount, failedRunsCount)`` of a batch answer
    (``{"batch": {...}}``); the total is None when the answer has none."""
    entity = answer.get(label) if isinstance(answer, Mapping) else None
    if not isinstance(entity, Mapping):
        return None, 0, 0

    def count(key: str) -> int | None:
        value = entity.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None

    return count("runsCount"), count("executedRunsCount") or 0, count("failedRunsCount") or 0


class BatchBar:
    """A batch's runs: ``batch <uuid> running ━━━━━╸━━━ 40/100 runs · 3 failed · 0:00:12``."""

    def __init__(self, label: str, uuid: str) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        self.label = label
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn(f"{label} {uuid} {{task.fields[status]}}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("runs · {task.fields[failed]} failed ·"),
            TimeElapsedColumn(),
            console=output.console(),
            transient=True,
            refresh_per_second=REFRESH_PER_SECOND,
        )
        self._task = self._progress.add_task(label, total=None, status="pending", failed=0)
        self._progress.start()

    def update(self, status: str | None, answer: Any = None) -> None:
        total, executed, failed = batch_counts(answer, self.label)
        self._progress.update(
            self._task, total=total, completed=executed, status=status or "pending", failed=failed
        )

    def stop(self) -> None:
        self._progress.stop()


def wait_display(label: str, uuid: str) -> WaitLine | BatchBar | None:
    """The display of a wait on a terminal stderr, else None."""
    if not output.stderr_is_tty():
        return None
    return BatchBar(label, uuid) if label == "batch" else WaitLine(label, uuid)
