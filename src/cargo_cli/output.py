"""The only module that writes to stdout (and, for diagnostics, stderr).

stdout carries exactly one JSON document per invocation: the result, or an
``{"errorMessage": ...}`` object. Progress, spinners and debug lines go to
stderr, and only when stderr is a terminal (debug lines always, when asked).

On a terminal, a result is coloured (rich, imported only then) unless
``NO_COLOR`` is set or ``--no-color`` given; anywhere else it is plain JSON.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable
from typing import Any, TextIO

INDENT = 2
MIN_SECRET = 6  # shorter values are not secrets; scrubbing them would garble text

_secrets: set[str] = set()
_color: bool | None = None  # None: colour when stdout is a terminal and NO_COLOR is not set


def register_secret(value: str | None) -> None:
    """A value (the API token) that must never appear in an error or on stderr."""
    if value and len(value) >= MIN_SECRET:
        _secrets.add(value)


def scrub(text: str) -> str:
    for secret in _secrets:
        text = text.replace(secret, "***")
    return text


def _stdout() -> TextIO:
    return sys.stdout


def dumps(value: Any) -> str:
    return json.dumps(value, indent=INDENT, ensure_ascii=False)


def set_color(enabled: bool | None) -> None:
    """``False``: never colour (``--no-color``); ``None``: decide per stream."""
    global _color
    _color = enabled


def use_color(stream: TextIO) -> bool:
    if _color is False or os.environ.get("NO_COLOR"):
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _write_highlighted(out: TextIO, text: str) -> None:
    """The same characters, with ANSI colours (no wrapping, no markup)."""
    from rich.console import Console
    from rich.highlighter import JSONHighlighter
    from rich.text import Text

    console = Console(
        file=out, force_terminal=True, soft_wrap=True, highlight=False, markup=False, emoji=False
    )
    console.print(JSONHighlighter()(Text(text)), end="")


def emit(value: Any) -> None:
    """Print a result as JSON (2-space indent) on stdout; coloured on a terminal."""
    out = _stdout()
    if use_color(out):
        _write_highlighted(out, dumps(value))
    else:
        out.write(dumps(value))
    out.write("\n")
    out.flush()


def emit_text(text: str) -> None:
    """Print plain text verbatim (version string, plain-text documentation)."""
    out = _stdout()
    out.write(text)
    if not text.endswith("\n"):
        out.write("\n")
    out.flush()


def emit_error(payload: dict[str, Any]) -> None:
    """The error object, with any registered secret scrubbed (whatever echoed
    it: an exception about a header value, an error body, a bug)."""
    out = _stdout()
    out.write(scrub(dumps(payload)))
    out.write("\n")
    out.flush()


def emit_array(items: Iterable[Any]) -> int:
    """Stream a JSON array item by item (constant memory), formatted exactly
    like ``json.dumps(list(items), indent=2)``. Returns the item count.

    Nothing is written before the first item is ready, so an error raised while
    producing the first page still leaves stdout clean for the error object; if
    a later item fails, the array stays open and the line is ended so the
    error object follows on its own line.
    """
    out = _stdout()
    count = 0
    try:
        for item in items:
            text = json.dumps(item, indent=INDENT, ensure_ascii=False)
            body = "\n".join(" " * INDENT + line for line in text.split("\n"))
            out.write("[\n" if count == 0 else ",\n")
            out.write(body)
            count += 1
    except BaseException:
        if count:
            out.write("\n")
            out.flush()
        raise
    out.write("[]\n" if count == 0 else "\n]\n")
    out.flush()
    return count


def stderr_is_tty() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def info(message: str) -> None:
    """A human-facing line on stderr (e.g. the OAuth verification URL)."""
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def debug(message: str) -> None:
    sys.stderr.write("[cargo-ai debug] " + scrub(message) + "\n")
    sys.stderr.flush()


def console() -> Any:
    """A rich Console on stderr for spinners/progress bars (lazy import)."""
    from rich.console import Console

    return Console(stderr=True)
