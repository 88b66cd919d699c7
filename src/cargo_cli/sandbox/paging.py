"""Pages of a model's records for ``segment fetch``: keyset reads, and the
records rendered to JSON by DuckDB.

The CLI (and the real API) pages with ``fetchingOffset``. An OFFSET read
sorts and skips every earlier record, so walking N records costs O(N²). Each
answered page therefore leaves a *cursor*: the sort key of its last record,
stored under (the query, the offset just after the page). The next page's
request, at that offset, reads the records strictly after the key
(``WHERE (key) > (last) ORDER BY key LIMIT n``), in one pass. A request at
an offset with no cursor (a jump, a first page, a cursor pushed out of the
cache) is an OFFSET read as before. A cursor is used only while the query's
membership count is unchanged; when records were added or removed between
pages, the next page is an OFFSET read again (as the platform would answer).

The sort is the filters' ``order_by`` (each sort term, nulls last, then the
id column) with ``rowid`` last, so that the order is total.
"""

from __future__ import annotations

import json
import weakref
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cargo_cli.sandbox.filters import order_by
from cargo_cli.sandbox.store import Store, quote

CURSORS_KEPT = 256
# DuckDB types a keyset compares exactly (JSON, lists and structs are read by OFFSET).
KEYSET_TYPES = ("VARCHAR", "DOUBLE", "FLOAT", "BOOLEAN", "TIMESTAMP", "DATE", "INTEGER", "BIGINT", "HUGEINT")
MAX_SAFE = 2**53


@dataclass(frozen=True)
class Page:
    records_json: str  # a JSON array of the page's records
    count: int  # the membership count (capped)
    keyset: bool  # read after a cursor (else by OFFSET)


@dataclass(frozen=True)
class _Cursor:
    values: tuple[Any, ...]
    count: int


_cursors: weakref.WeakKeyDictionary[Store, OrderedDict[Any, _Cursor]] = weakref.WeakKeyDictionary()


def _cache(store: Store) -> OrderedDict[Any, _Cursor]:
    cache = _cursors.get(store)
    if cache is None:
        cache = _cursors[store] = OrderedDict()
    return cache


def table_columns(store: Store, table: str) -> list[tuple[str, str]]:
    """(name, DuckDB type) of a table's columns, in table order."""
    description = store.db.execute(f"SELECT * FROM {table} LIMIT 0").description or []
    return [(str(d[0]), str(d[1])) for d in description]


def _json_value(name: str, kind: str) -> str:
    """The SQL of a column's JSON value, as the API writes it (times in ISO
    8601 with milliseconds and Z, whole numbers without a fraction)."""
    col = quote(name)
    if kind in ("TIMESTAMP", "TIMESTAMP_NS", "TIMESTAMP_MS", "TIMESTAMP_S"):
        return f"strftime({col}, '%Y-%m-%dT%H:%M:%S.%gZ')"
    if kind == "DATE":
        return f"strftime({col}, '%Y-%m-%d')"
    if kind in ("DOUBLE", "FLOAT"):
        whole = f"isfinite({col}) AND {col} = trunc({col}) AND abs({col}) < {MAX_SAFE}"
        return f"CASE WHEN {whole} THEN CAST(CAST({col} AS BIGINT) AS JSON) ELSE CAST({col} AS JSON) END"
    return col


def _record_json(columns: list[tuple[str, str]]) -> str:
    pairs = ", ".join(
        f"'{name.replace(chr(39), chr(39) * 2)}', {_json_value(name, kind)}" for name, kind in columns
    )
    return f"CAST(json_object({pairs}) AS VARCHAR)"


def _after(terms: list[tuple[str, bool]], values: tuple[Any, ...]) -> tuple[str, list[Any]]:
    """SQL true for the rows strictly after ``values`` in the order ``terms``
    (expression, descending), nulls last."""
    expr, desc = terms[0]
    value = values[0]
    if value is None:
        after, after_params, equal, equal_params = "FALSE", [], f"{expr} IS NULL", []
    else:
        after = f"({expr} {'<' if desc else '>'} ? OR {expr} IS NULL)"
        after_params, equal, equal_params = [value], f"{expr} = ?", [value]
    if len(terms) == 1:
        return after, after_params
    rest, rest_params = _after(terms[1:], values[1:])
    return f"({after} OR ({equal} AND {rest}))", [*after_params, *equal_params, *rest_params]


def fetch_page(
    store: Store,
    table: str,
    types: Mapping[str, str],
    id_slug: str,
    where: tuple[str, list[Any]],
    *,
    sort: Any,
    cap: int | None,
    offset: int,
    page: int,
) -> Page:
    """The window [offset, offset + page) of the records matching ``where``,
    sorted by ``sort`` and capped at ``cap``; and the membership count."""
    condition, params = where
    order = order_by(sort, types, id_slug)  # validates the sort
    slugs = [(str(s["columnSlug"]), s.get("kind", "asc") == "desc") for s in sort or []] + [(id_slug, False)]
    terms = [(quote(slug), desc) for slug, desc in slugs] + [("rowid", False)]
    raw_count = int(store.scalar(f"SELECT count(*) FROM {table} WHERE {condition}", params) or 0)
    count = raw_count if cap is None else min(raw_count, max(0, int(cap)))
    size = page if cap is None else max(0, min(int(cap) - offset, page))
    if size == 0:
        return Page("[]", count, False)
    columns = table_columns(store, table)
    kinds = dict(columns)
    keyset_ok = all(kinds.get(slug) in KEYSET_TYPES for slug, _ in slugs)
    query = (table, condition, json.dumps(params, default=str), order, cap)
    cache = _cache(store)
    cursor = cache.get((query, offset)) if keyset_ok else None
    # The window is chosen first, then only its rows are rendered.
    keys = ", ".join(e for e, _ in terms[:-1])
    window = f"SELECT *, rowid AS __sandbox_rowid FROM {table} WHERE ({condition})"
    if cursor is not None and cursor.count == raw_count:
        after, after_params = _after(terms, cursor.values)
        window += f" AND {after} ORDER BY {order}, rowid LIMIT {size}"
        window_params = [*params, *after_params]
    else:
        cursor = None
        window += f" ORDER BY {order}, rowid LIMIT {size} OFFSET {int(offset)}"
        window_params = list(params)
    sql = f"SELECT {_record_json(columns)}, {keys}, __sandbox_rowid FROM ({window}) ORDER BY {order}, __sandbox_rowid"
    rows = store.db.execute(sql, window_params).fetchall()
    if rows and keyset_ok:
        cache[(query, offset + len(rows))] = _Cursor(tuple(rows[-1][1:]), raw_count)
        while len(cache) > CURSORS_KEPT:
            cache.popitem(last=False)
    return Page("[" + ",".join(str(row[0]) for row in rows) + "]", count, cursor is not None)
