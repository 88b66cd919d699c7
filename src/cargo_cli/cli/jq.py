"""``--jq EXPR``: real jq (libjq, through the ``jq`` package), loaded only
when the flag is given, so ``--help`` and every other command never import it.

A bad expression is a usage error (exit 2) raised while the flags are read,
before anything is sent; a runtime error of the filter (``.a.b`` on a
number) is exit 1. How the results are printed (each on its own line, a
string raw, anything else as JSON) is output.py's business; see
docs/agents.md.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from cargo_cli.errors import CargoError, UsageError

Filter = Callable[[Any], list[Any]]

# jq's module directives come first in a program. ``import "x" as $x`` reads
# x.json beside the working directory (or ~/.jq): a filter could print a file
# such as the stored credentials. A --jq filter reads the answer, nothing else.
_DIRECTIVE = re.compile(r"\A(?:\s|#[^\n]*(?:\n|\Z))*(?:module|import|include)\b")


SECRET_ENV = ("CARGO_API_TOKEN",)


@contextmanager
def _no_secret_env() -> Iterator[None]:
    """libjq reads the process environment (``$ENV``, ``env``), and ``stderr``
    / ``debug`` print what they are given: the token is out of it while a
    filter is compiled or run."""
    saved = {name: os.environ.pop(name) for name in SECRET_ENV if name in os.environ}
    try:
        yield
    finally:
        os.environ.update(saved)


def _one_line(message: str) -> str:
    """libjq's messages span lines (the expression, a caret, a count):
    the first line says it all."""
    first = message.strip().splitlines()[0] if message.strip() else "invalid expression"
    return " ".join(first.split()).removeprefix("jq: error: ").rstrip(":")


def compile_filter(expression: str) -> Filter:
    """The compiled filter as a function of one input value (all its results);
    ``UsageError`` when ``expression`` is not valid jq."""
    if _DIRECTIVE.match(expression):
        raise UsageError(
            f"Invalid --jq expression {expression!r}: module directives (import, include) are not "
            "available; the filter reads the command's answer only"
        )
    import jq

    try:
        with _no_secret_env():
            program = jq.compile(expression)
    except ValueError as exc:
        raise UsageError(f"Invalid --jq expression {expression!r}: {_one_line(str(exc))}") from None

    def run(value: Any) -> list[Any]:
        try:
            with _no_secret_env():
                return list(program.input_value(value).all())
        except ValueError as exc:
            raise CargoError(f"--jq {expression!r} failed: {_one_line(str(exc))}") from None

    return run
