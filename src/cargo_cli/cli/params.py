"""click parameter types shared by every command.

- ``JSON`` / ``JSON_OBJECT`` / ``JSON_ARRAY``: inline JSON, ``@path/to/file.json``
  or ``-`` (stdin). Malformed JSON is a usage error naming the flag and the
  parse position; ``null`` is sent as JSON null.
- ``TEXT_SOURCE`` / ``SQL``: text inline, from ``@file`` or ``-``.
- ``ISO_DATE`` (sent as typed) / ``ISO_DATETIME`` (normalized to UTC ``Z``).
- ``CSV`` / ``CSV_UUID``: comma-separated lists sent as arrays.
- ``UUID`` / ``NULLABLE_UUID``: validated uuids; the nullable one also takes
  ``null`` / ``none`` and sends JSON ``null`` (clears the value).
- ``BOOL_STRING``: ``true`` / ``false`` sent as a JSON boolean.
- ``FLOAT`` / ``SECONDS`` / ``POLLING_MS`` (from ``cli.numbers``): finite numbers in range (``nan``,
  ``inf``, ``-1``, ``0`` seconds are usage errors).
"""

from __future__ import annotations

import json
import re
import sys
from datetime import UTC, datetime
from typing import Any

import click

from cargo_cli.cli.numbers import FiniteFloat

UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


class _Null:
    """Marker for an explicit JSON ``null`` (``--folder-uuid null``)."""

    _instance: _Null | None = None

    def __new__(cls) -> _Null:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NULL"


NULL = _Null()
NULL_WORDS = frozenset({"null", "none"})


def read_text_source(value: str) -> str:
    """``-`` reads stdin, ``@path`` reads a file, anything else is itself."""
    try:
        if value == "-":
            return sys.stdin.read()
        if value.startswith("@") and len(value) > 1:
            path = value[1:]
            try:
                with open(path, encoding="utf-8") as handle:
                    return handle.read()
            except OSError as exc:
                raise click.BadParameter(f"cannot read {path[:200]}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:  # binary garbage, or another encoding
        source = "stdin" if value == "-" else value[1:201]
        raise click.BadParameter(
            f"{source} is not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start})"
        ) from None
    return value


def parse_json_text(text: str, flag: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise click.UsageError(
            f"Invalid JSON in {flag}: {exc.msg} at line {exc.lineno} column {exc.colno} (char {exc.pos})"
        ) from None
    except RecursionError:
        raise click.UsageError(f"Invalid JSON in {flag}: nested too deeply") from None


class JsonType(click.ParamType):
    """JSON inline, from ``@file`` or from stdin (``-``). A literal ``null`` is
    sent as JSON null; ``shape`` (dict/list) checks the top-level type."""

    def __init__(self, shape: type | None = None, label: str = "value") -> None:
        self.shape = shape
        self.label = label
        self.name = "json" if shape is None else f"json {label}"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if value is NULL or not isinstance(value, str):
            return value
        flag = param.opts[0] if param is not None and param.opts else "value"
        data = parse_json_text(read_text_source(value), flag)
        if data is None:
            return NULL
        if self.shape is not None and not isinstance(data, self.shape):
            self.fail(f"expected a JSON {self.label}, got {type(data).__name__}", param, ctx)
        return data


class TextType(click.ParamType):
    """Text inline, from ``@file`` or from stdin (``-``); ``what`` names a
    text that must not be empty (``"the SQL query"``)."""

    def __init__(self, name: str = "text|@file|-", what: str | None = None) -> None:
        self.name = name
        self.what = what

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        text = read_text_source(str(value))
        if self.what:  # a query: surrounding blank lines (e.g. from a file) are not sent
            text = text.strip()
            if not text:
                self.fail(f"{self.what} is empty", param, ctx)
        return text


def parse_iso(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def js_iso(moment: datetime) -> str:
    """What JavaScript's ``Date.toISOString()`` gives: UTC, milliseconds, ``Z``."""
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class IsoDateType(click.ParamType):
    """``YYYY-MM-DD`` or an ISO 8601 date-time: sent as typed, or with
    ``normalize`` as a UTC ``...T..:..:...sssZ`` string (no offset = UTC)."""

    def __init__(self, normalize: bool = False) -> None:
        self.normalize = normalize
        self.name = "iso-date" if normalize else "date"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        text = str(value).strip()
        parsed = parse_iso(text)
        if parsed is None:
            self.fail(f"{value!r} is not a date (YYYY-MM-DD or an ISO 8601 date-time)", param, ctx)
        return js_iso(parsed) if self.normalize else text


class CsvType(click.ParamType):
    name = "csv"

    def __init__(self, uuid: bool = False, choices: tuple[str, ...] | None = None) -> None:
        self.uuid = uuid
        self.choices = choices

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, list):
            return value
        items = [item.strip() for item in str(value).split(",") if item.strip()]
        for item in items:
            if self.uuid and not UUID_RE.match(item):
                self.fail(f"{item!r} is not a valid UUID", param, ctx)
            if self.choices and item not in self.choices:
                self.fail(f"{item!r} is not one of {', '.join(self.choices)}", param, ctx)
        return items

    def shell_complete(self, ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
        """Complete the last comma-separated item from the choices."""
        from click.shell_completion import CompletionItem

        done, comma, last = incomplete.rpartition(",")
        return [CompletionItem(done + comma + c) for c in self.choices or () if c.startswith(last)]


class UuidType(click.ParamType):
    name = "uuid"

    def __init__(self, nullable: bool = False) -> None:
        self.nullable = nullable

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if value is NULL:
            return value
        text = str(value).strip()
        if self.nullable and text.lower() in NULL_WORDS:
            return NULL
        if not UUID_RE.match(text):
            self.fail(f"{text!r} is not a valid UUID", param, ctx)
        return text.lower()


class BoolStringType(click.ParamType):
    name = "true|false"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in {"true", "1", "yes"}:
            return True
        if text in {"false", "0", "no"}:
            return False
        self.fail(f"{value!r} is not true or false", param, ctx)


class NullableString(click.ParamType):
    """A string where ``null`` / ``none`` means JSON null."""

    name = "text|null"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if value is NULL:
            return value
        return NULL if str(value).strip().lower() in NULL_WORDS else str(value)


JSON = JsonType()
JSON_OBJECT = JsonType(dict, "object")
JSON_ARRAY = JsonType(list, "array")
TEXT_SOURCE = TextType()
SQL = TextType("sql", what="the SQL query")
ISO_DATE = IsoDateType()
ISO_DATETIME = IsoDateType(normalize=True)
LIMIT = click.IntRange(min=1)
OFFSET = click.IntRange(min=0)
CSV = CsvType()
CSV_UUID = CsvType(uuid=True)
UUID = UuidType()
NULLABLE_UUID = UuidType(nullable=True)
BOOL_STRING = BoolStringType()
NULLABLE_STRING = NullableString()
INT = click.INT
FLOAT = FiniteFloat()
STRING = click.STRING


def choice(*values: str) -> click.Choice:
    return click.Choice(values)


def csv_of(*values: str) -> CsvType:
    return CsvType(choices=values)
