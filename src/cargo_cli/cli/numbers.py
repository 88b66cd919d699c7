"""Numeric click types: finite, in range. Apart from params.py so that the root
group (``--timeout``) can use them without loading params' imports on ``--help``."""

from __future__ import annotations

import math
from typing import Any

import click

from cargo_cli.settings import MAX_SECONDS


class FiniteFloat(click.FloatRange):
    """A float range that also refuses ``nan`` and ``inf`` (``1e400``)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if isinstance(number, float) and not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number", param, ctx)
        return number


SECONDS = FiniteFloat(min=0, min_open=True, max=MAX_SECONDS)
POLLING_MS = click.IntRange(min=100, max=3_600_000)

__all__ = ["POLLING_MS", "SECONDS", "FiniteFloat"]
