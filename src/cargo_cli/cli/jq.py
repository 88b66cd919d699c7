"""``--jq EXPR``: real jq (libjq, through the ``jq`` package), loaded only
when the flag is given, so ``--help`` and every other command never import it.

A bad expression is a usage error (exit 2) raised while the flags are read,
before anything is sent; a runtime error of the filter (``.a.b`` on a
number) is exit 1. How the results are printed (each on its own line, a
string raw, anything else as JSON) is output.py's business; see
docs/agents.md.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cargo_cli.errors import CargoError, UsageError

Filter = Callable[[Any], list[Any]]


def _one_line(message: str) -> str:
    """libjq's messages span lines (the expression, a caret, a count):
    the first line says it all."""
    first = message.strip().splitlines()[0] if message.strip() else "invalid expression"
    return " ".join(first.split()).removeprefix("jq: error: ").rstrip(":")


def compile_filter(expression: str) -> Filter:
    """The compiled filter as a function of one input value (all its results);
    ``UsageError`` when ``expression`` is not valid jq."""
    import jq

    try:
        program = jq.compile(expression)
    except ValueError as exc:
        raise UsageError(f"Invalid --jq expression {expression!r}: {_one_line(str(exc))}") from None

    def run(value: Any) -> list[Any]:
        try:
            return list(program.input_value(value).all())
        except ValueError as exc:
            raise CargoError(f"--jq {expression!r} failed: {_one_line(str(exc))}") from None

    return run
