"""The SIGALRM watchdog that bounds one API call in real time: a status line
and headers dripped a byte at a time reset httpx's per-read timeout forever,
so the per-read checks alone cannot end such a call."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

GRACE = 0.25  # s: the per-read checks normally end a call first


class DeadlineAlarm(BaseException):
    """Raised by the watchdog inside a blocked read."""


@contextmanager
def watchdog(seconds: float) -> Iterator[None]:
    """Interrupt whatever blocks past ``seconds`` with ``DeadlineAlarm``. A
    real-time timer on the main thread where the platform has one; elsewhere
    the per-read timeouts are the bound."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def fire(_signum: int, _frame: Any) -> None:
        raise DeadlineAlarm

    previous = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.001))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
