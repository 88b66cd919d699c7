"""The only module that writes to stdout (and, for diagnostics, stderr).

stdout carries exactly one JSON document per invocation: the result, or an
``{"errorMessage": ...}`` object (``--jq`` and ``--ndjson`` print lines
instead, as described below). Progress, spinners and debug lines go to
stderr, and only when stderr is a terminal (debug lines always, when asked).

On a terminal, a result is coloured (rich, imported only then) unless
``NO_COLOR`` is set or ``--no-color`` given; anywhere else it is plain JSON.

The stream rules (docs/output-and-signals.md):

- stdout is written as UTF-8 bytes whatever the locale (JSON is UTF-8);
- a stdout that cannot be written (closed, full, reader gone) raises
  ``OutputClosedError`` once; nothing more is attempted on it, and the
  interpreter's final flush is pointed at /dev/null so no traceback follows;
- a streamed array (``emit_array``) is spooled (memory, then a temporary file
  past ``SPOOL_MEMORY``) and copied out only when complete, so a failure on a
  later page leaves only the error object on stdout;
- ``--ndjson`` (``emit_ndjson``) is the other way: one record per line,
  written as it arrives (constant memory); a failure on a later page leaves
  the printed records, and the error object follows on one line with
  ``recordsPrinted``;
- ``--jq`` (``set_filter``) filters every result (never an error object):
  each of its results on its own line, a string raw, anything else as
  one-line JSON (as gh does); a whole ``--all`` array is one input;
- once something was created (``remember``), every later error object names it;
- when stdout is not a terminal but stderr is, an error is also summed up in
  one line on stderr, so a person sees it (agents and CI see nothing extra).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import IO, Any, TextIO

from cargo_cli.errors import OutputClosedError

INDENT = 2
MIN_SECRET = 6  # shorter values are not secrets; scrubbing them would garble text

SPOOL_MEMORY = 1 << 20  # a streamed array stays in memory up to 1 MiB, then goes to a temp file
COPY_CHUNK = 64 * 1024

_secrets: set[str] = set()
_color: bool | None = None  # None: colour when stdout is a terminal and NO_COLOR is not set
_created: dict[str, Any] = {}  # what this invocation created: named by every later error
_stdout_failed: OutputClosedError | None = None
_filter: Callable[[Any], list[Any]] | None = None  # --jq (cli/jq.py): every result goes through it
_one_line_errors = False  # --ndjson has started: the error object is one more line


def begin() -> None:
    """A new invocation (several run in one process in the tests)."""
    global _stdout_failed, _filter, _one_line_errors
    _created.clear()
    _stdout_failed = None
    _filter = None
    _one_line_errors = False


def set_filter(run: Callable[[Any], list[Any]] | None) -> None:
    """``--jq``: every result printed from now on is ``run(result)``, each
    value on its own line (error objects are never filtered)."""
    global _filter
    _filter = run


def filtering() -> bool:
    return _filter is not None


def remember(field: str, value: Any) -> None:
    """Something was created (``runUuid``, ``batchUuid``, ...): every error
    object printed from now on carries ``field``."""
    if value:
        _created[field] = value


def created() -> dict[str, Any]:
    return dict(_created)


def register_secret(value: str | None) -> None:
    """A value (the API token) that must never appear in an error or on
    stderr, in any of the forms an exception or a log may quote it: as is,
    stripped, escaped (``repr``, JSON, bytes ``repr``)."""
    if not value:
        return
    forms = {value, value.strip()}
    for form in list(forms):
        forms.add(repr(form)[1:-1])
        forms.add(json.dumps(form)[1:-1])
        forms.add(json.dumps(form, ensure_ascii=False)[1:-1])
        forms.add(repr(form.encode("utf-8", "surrogateescape"))[2:-1])
    for form in list(forms):
        forms.add(json.dumps(form, ensure_ascii=False)[1:-1])  # as printed inside the error JSON
    _secrets.update(form for form in forms if len(form) >= MIN_SECRET)


def scrub(text: str) -> str:
    for secret in sorted(_secrets, key=len, reverse=True):  # longest first: no half-scrubbed form
        text = text.replace(secret, "***")
    return text


def _stdout() -> TextIO | None:
    return sys.stdout


def _give_up_on_stdout(exc: OSError | ValueError) -> OutputClosedError:
    """stdout failed: remember it, and point fd 1 at /dev/null so the
    interpreter's last flush of what is still buffered cannot fail again."""
    global _stdout_failed
    _stdout_failed = OutputClosedError(exc)
    try:
        fd = sys.stdout.fileno()
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fd)
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass
    return _stdout_failed


def _write(data: bytes) -> None:
    """Write and flush bytes on stdout; any failure is ``OutputClosedError``."""
    if _stdout_failed is not None:
        raise _stdout_failed
    out = _stdout()
    try:
        if out is None:  # started with fd 1 closed (``>&-``)
            raise OSError(9, "stdout is closed")
        buffer: IO[bytes] | None = getattr(out, "buffer", None)
        if buffer is None:
            out.write(data.decode("utf-8"))
            out.flush()
        else:
            out.flush()
            buffer.write(data)
            buffer.flush()
    except (OSError, ValueError) as exc:  # ValueError: I/O on a closed file
        raise _give_up_on_stdout(exc) from None


def _encode(text: str) -> bytes:
    # backslashreplace: a lone surrogate (from undecodable input) cannot fail the write
    return text.encode("utf-8", "backslashreplace")


def dumps(value: Any) -> str:
    return json.dumps(value, indent=INDENT, ensure_ascii=False)


def dumps_line(value: Any) -> str:
    """One-line JSON (``--jq`` results, ``--ndjson`` records)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def set_color(enabled: bool | None) -> None:
    """``False``: never colour (``--no-color``); ``None``: decide per stream."""
    global _color
    _color = enabled


def use_color(stream: TextIO | None) -> bool:
    if _color is False or os.environ.get("NO_COLOR"):
        return False
    return _is_tty(stream)


def _highlighted(text: str) -> str:
    """The same characters, with ANSI colours (no wrapping, no markup)."""
    import io

    from rich.console import Console
    from rich.highlighter import JSONHighlighter
    from rich.text import Text

    buffer = io.StringIO()
    console = Console(
        file=buffer, force_terminal=True, soft_wrap=True, highlight=False, markup=False, emoji=False
    )
    console.print(JSONHighlighter()(Text(text)), end="")
    return buffer.getvalue()


def emit(value: Any) -> None:
    """Print a result as JSON (2-space indent) on stdout; coloured on a
    terminal. With ``--jq``: the filter's results instead."""
    if _filter is not None:
        _write(_lines(_filter(value)))
        return
    text = dumps(value)
    _write(_encode((_highlighted(text) if use_color(_stdout()) else text) + "\n"))


def emit_to_stderr(value: Any) -> None:
    """The JSON answer on stderr (2-space indent, never coloured), when
    stdout carries a downloaded file (``--output -``, /dev/stdout)."""
    _stderr_line(dumps(value))


def _lines(results: Iterable[Any]) -> bytes:
    """Values one per line: a string raw, anything else as one-line JSON; a
    registered secret is scrubbed (a filter can read ``$ENV``)."""
    color = use_color(_stdout())
    out = []
    for value in results:
        if isinstance(value, str):
            out.append(scrub(value))
        else:
            text = scrub(dumps_line(value))
            out.append(_highlighted(text) if color else text)
    return _encode("".join(line + "\n" for line in out))


def emit_text(text: str) -> None:
    """Print plain text verbatim (version string, plain-text documentation);
    with ``--jq``, the text is the filter's input (a JSON string)."""
    if _filter is not None:
        emit(text)
        return
    _write(_encode(text if text.endswith("\n") else text + "\n"))


def emit_error(payload: dict[str, Any]) -> None:
    """The error object, with any registered secret scrubbed (whatever echoed
    it: an exception about a header value, an error body, a bug), naming what
    was created. Nothing is written when stdout already failed."""
    payload = {**payload, **{k: v for k, v in _created.items() if k not in payload}}
    message = str(payload.get("errorMessage", ""))
    if stderr_is_tty() and not _is_tty(_stdout()):
        # the JSON goes to a file or a pipe: tell the person at the terminal too
        _stderr_line(scrub("Error: " + " ".join(message.split())))
    if _stdout_failed is None:
        _write(_encode(scrub(dumps_line(payload) if _one_line_errors else dumps(payload)) + "\n"))


class _Spool:
    """Bytes kept in memory up to ``SPOOL_MEMORY``, then in an unlinked
    temporary file (``tempfile`` is imported only then: small outputs pay
    nothing for it)."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self._size = 0
        self._file: IO[bytes] | None = None

    def write(self, data: bytes) -> int:
        if self._file is not None:
            return self._file.write(data)
        self._parts.append(data)
        self._size += len(data)
        if self._size > SPOOL_MEMORY:
            import tempfile

            self._file = tempfile.TemporaryFile()
            self._file.write(b"".join(self._parts))
            self._parts.clear()
        return len(data)

    def copy_out(self) -> None:
        if self._file is None:
            _write(b"".join(self._parts))
            return
        self._file.seek(0)
        while chunk := self._file.read(COPY_CHUNK):
            _write(chunk)

    def close(self) -> None:
        self._parts.clear()
        if self._file is not None:
            self._file.close()


@contextmanager
def spool() -> Iterator[_Spool]:
    """A scratch area (``write(bytes)``) whose content is copied to stdout
    when the block ends without an error, and dropped otherwise."""
    scratch = _Spool()
    try:
        yield scratch
        scratch.copy_out()
    finally:
        scratch.close()


def emit_array(items: Iterable[Any]) -> int:
    """Print a JSON array of ``items`` (memory bounded by one item plus
    ``SPOOL_MEMORY``), formatted exactly like ``json.dumps(list(items),
    indent=2)``. Returns the item count. Nothing reaches stdout unless every
    item was produced: an error on a later page leaves only the error object.
    """
    if _filter is not None:  # the filter sees the whole array (``--all --jq length``: the total)
        collected = list(items)
        emit(collected)
        return len(collected)
    count = 0
    with spool() as scratch:
        for item in items:
            body = " " * INDENT + _indented(item, " " * INDENT)
            scratch.write(_encode(("[\n" if count == 0 else ",\n") + body))
            count += 1
        scratch.write(b"[]\n" if count == 0 else b"\n]\n")
    return count


def emit_ndjson(items: Iterable[Any]) -> int:
    """``--ndjson``: each item on its own line (one-line JSON; with ``--jq``
    the filter's results of that item), written as it arrives: memory holds
    one item. When producing an item fails, the lines already written stay,
    and the error object (one line too) carries ``recordsPrinted``."""
    global _one_line_errors
    _one_line_errors = True
    count = 0
    _created["recordsPrinted"] = 0
    for item in items:
        _write(_lines(_filter(item)) if _filter is not None else _encode(dumps_line(item) + "\n"))
        count += 1
        _created["recordsPrinted"] = count
    del _created["recordsPrinted"]
    return count


_quote = json.encoder.encode_basestring  # C-accelerated; non-ASCII kept (ensure_ascii=False)
_SCALARS = {True: "true", False: "false", None: "null"}


def _indented(value: Any, pad: str) -> str:
    """``json.dumps(value, indent=INDENT, ensure_ascii=False)`` with every
    line after the first indented by ``pad``, byte for byte, several times
    faster (json's indenting encoder is pure Python; ``--all`` prints every
    record through here). Anything unusual goes to json itself."""
    kind = type(value)
    if kind is str:
        return str(_quote(value))
    if kind is int:
        return int.__repr__(value)
    if value is None or kind is bool:
        return _SCALARS[value]
    if kind is float and value - value == 0:  # finite
        return float.__repr__(value)
    if kind is dict or kind is list:
        if not value:
            return "{}" if kind is dict else "[]"
        inner = pad + " " * INDENT
        parts = []
        try:
            for key, item in value.items() if kind is dict else enumerate(value):
                item_kind = type(item)  # scalars inline: this loop is the hot path
                if item_kind is str:
                    text = _quote(item)
                elif item_kind is int:
                    text = int.__repr__(item)
                elif item is None or item_kind is bool:
                    text = _SCALARS[item]
                else:
                    text = _indented(item, inner)
                parts.append(inner + _quote(key) + ": " + text if kind is dict else inner + text)  # type: ignore[arg-type]
        except TypeError:  # a key that is not a string
            return _json_indented(value, pad)
        if kind is dict:
            return "{\n" + ",\n".join(parts) + "\n" + pad + "}"
        return "[\n" + ",\n".join(parts) + "\n" + pad + "]"
    return _json_indented(value, pad)


def _json_indented(value: Any, pad: str) -> str:
    return json.dumps(value, indent=INDENT, ensure_ascii=False).replace("\n", "\n" + pad)


def _is_tty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def stderr_is_tty() -> bool:
    return _is_tty(sys.stderr)


def _stderr_line(line: str) -> None:
    """One line on stderr; a closed or full stderr is not worth failing for."""
    try:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):
        pass


def info(message: str) -> None:
    """A human-facing line on stderr (e.g. the OAuth verification URL)."""
    _stderr_line(message)


def warn(message: str) -> None:
    _stderr_line("cargo-ai: warning: " + scrub(message))


def debug(message: str) -> None:
    _stderr_line("[cargo-ai debug] " + scrub(message))


def console() -> Any:
    """A rich Console on stderr for spinners/progress bars (lazy import)."""
    from rich.console import Console

    return Console(stderr=True)
