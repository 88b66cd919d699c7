"""Read-only SQL for ``orchestration query execute`` (ClickHouse dialect,
translated to DuckDB with sqlglot) and ``storage query execute``.

The query must be one SELECT (CTEs and UNIONs allowed). It may read only its
own workspace's tables: every table reference is replaced by a subquery
filtered on the workspace, and anything else (other tables, table
functions, files) is refused. The caps are the documented ones: 10,000
result rows and 30 seconds (the answer says so when rows were cut;
``CARGO_SANDBOX_QUERY_TIMEOUT`` in the sandbox's environment sets another
deadline, in seconds).

The orchestration tables are the snake_case views of
:mod:`cargo_cli.sandbox.query_tables`. In the ClickHouse dialect ``now()`` and
``today()`` read the sandbox's clock, ClickHouse functions without a DuckDB
namesake are rewritten (``toDate``, ``uniq``, ``quantile``, ...), and errors
read like ClickHouse's (``Code: 60`` unknown table, ``Code: 47`` unknown
column, ``Code: 159`` timeout).
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

import sqlglot
from sqlglot import expressions as exp

from cargo_cli.sandbox import query_tables
from cargo_cli.sandbox.entities import snake
from cargo_cli.sandbox.http import ApiError, bad_request, jsonable
from cargo_cli.sandbox.store import Store

MAX_ROWS = 10_000
TIMEOUT_S = 30.0
TIMEOUT_ENV = "CARGO_SANDBOX_QUERY_TIMEOUT"
ORCHESTRATION_DB = "orchestration"
ORCHESTRATION_TABLES = {table: query_tables.view(table) for table in query_tables.tables()}

# (db, name) of a table reference -> the SQL of what it reads, or None when unknown.
TableResolver = Callable[[str, str], str | None]


def orchestration_resolver(workspace_uuid: str) -> TableResolver:
    quoted = workspace_uuid.replace("'", "''")

    def resolve(db: str, name: str) -> str | None:
        view = ORCHESTRATION_TABLES.get(name.lower())
        if view is None or db not in ("", ORCHESTRATION_DB, "default"):
            return None
        return f"SELECT * FROM {view} WHERE workspace_uuid = '{quoted}'"

    return resolve


def translate(sql: str, dialect: str, resolver: TableResolver, *, now: dt.datetime | None = None) -> str:
    """The DuckDB SQL of a query; ``now`` is what ``now()`` reads (ClickHouse)."""
    return _translate(sql, dialect, resolver, now)[0]


def _translate(
    sql: str, dialect: str, resolver: TableResolver, now: dt.datetime | None
) -> tuple[str, list[str]]:
    """(DuckDB SQL, the names of the tables it reads)."""
    try:
        statements = [s for s in sqlglot.parse(sql, read=dialect) if s is not None]
    except (sqlglot.errors.ParseError, sqlglot.errors.TokenError) as exc:
        raise bad_request(f"Invalid SQL: {str(exc).splitlines()[0]}", "invalidQuery") from None
    if len(statements) != 1:
        raise bad_request("Send exactly one SQL statement", "invalidQuery")
    tree = statements[0]
    if not isinstance(tree, exp.Query):
        raise ApiError(400, "Queries are read-only: only SELECT is allowed", "readOnly")
    for node in tree.walk():
        if isinstance(
            node, (exp.Insert, exp.Update, exp.Delete, exp.Create, exp.Drop, exp.Command, exp.Alter)
        ):
            raise ApiError(400, "Queries are read-only: only SELECT is allowed", "readOnly")
    _name_columns_like_clickhouse(tree, dialect)
    if dialect == "clickhouse":
        tree = _clickhouse_functions(tree, now or dt.datetime.now(dt.UTC).replace(tzinfo=None))
    ctes = {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}
    read: list[str] = []
    for table in list(tree.find_all(exp.Table)):
        if not isinstance(table.this, exp.Identifier):
            raise bad_request("Table functions are not allowed", "invalidQuery")
        name, db = table.name, table.db or ""
        if not db and name.lower() in ctes:
            continue
        source = resolver(db, name)
        if source is None:
            if dialect == "clickhouse":
                shown = f"{db or ORCHESTRATION_DB}.{name}"
                message = f"Code: 60. Table {shown} doesn't exist. (UNKNOWN_TABLE)"
            else:
                message = f"Unknown table: {f'{db}.{name}' if db else name}"
            raise ApiError(400, message, "tableNotFound")
        read.append(name.lower())
        alias = table.alias or name
        replacement = exp.Subquery(
            this=sqlglot.parse_one(source, read="duckdb"),
            alias=exp.TableAlias(this=exp.to_identifier(alias)),
        )
        table.replace(replacement)
    return tree.sql(dialect="duckdb"), read


_CASTS = {"todate": "DATE", "todatetime": "TIMESTAMP", "todatetime64": "TIMESTAMP", "tostring": "VARCHAR",
          "tofloat64": "DOUBLE", "toint64": "BIGINT", "touint64": "UBIGINT", "toint32": "INTEGER"}  # fmt: skip


def _clickhouse_functions(tree: Any, now: dt.datetime) -> Any:
    """ClickHouse functions that DuckDB names otherwise or lacks; ``now()``
    and ``today()`` read the sandbox's clock."""

    def rewrite(node: exp.Expression) -> exp.Expression:
        if isinstance(node, (exp.Anonymous, exp.AnonymousAggFunc)):
            name = str(node.this).lower()
            if name in ("now", "now64") and not node.expressions[1:]:
                return exp.cast(exp.Literal.string(now.isoformat(sep=" ")), "TIMESTAMP")
            if name == "today" and not node.expressions:
                return exp.cast(exp.Literal.string(now.date().isoformat()), "DATE")
            if name == "yesterday" and not node.expressions:
                return exp.cast(exp.Literal.string((now.date() - dt.timedelta(days=1)).isoformat()), "DATE")
            if name in _CASTS and len(node.expressions) == 1:
                return exp.cast(node.expressions[0], _CASTS[name])
            if name in ("uniqexact", "uniqcombined", "uniqhll12") and len(node.expressions) == 1:
                return exp.Count(this=exp.Distinct(expressions=[node.expressions[0]]))
        if isinstance(node, (exp.CurrentTimestamp, exp.CurrentDatetime)):
            return exp.cast(exp.Literal.string(now.isoformat(sep=" ")), "TIMESTAMP")
        if isinstance(node, exp.ApproxDistinct):  # uniq(x): exact here (ClickHouse is exact on small sets)
            return exp.Count(this=exp.Distinct(expressions=[node.this]))
        if isinstance(node, exp.Quantile):  # ClickHouse interpolates
            return exp.Anonymous(this="QUANTILE_CONT", expressions=[node.this, node.args["quantile"]])
        return node

    return tree.transform(rewrite)


def _name_columns_like_clickhouse(tree: exp.Query, dialect: str) -> None:
    """Unaliased result columns are named by their source text, as the
    source database names them (``count()``, not DuckDB's ``count_star()``)."""
    select = tree if isinstance(tree, exp.Select) else next(tree.find_all(exp.Select), None)
    if select is None:
        return
    named: list[Any] = []
    for projection in select.expressions:
        if isinstance(projection, (exp.Alias, exp.Column, exp.Star)):
            named.append(projection)
        else:
            named.append(exp.alias_(projection, projection.sql(dialect=dialect), quoted=True))
    select.set("expressions", named)


def timeout_s() -> float:
    try:
        return float(os.environ.get(TIMEOUT_ENV) or TIMEOUT_S)
    except ValueError:
        return TIMEOUT_S


def execute(store: Store, sql: str, *, dialect: str, resolver: TableResolver) -> dict[str, Any]:
    translated, read = _translate(sql, dialect, resolver, store.now())
    limit = timeout_s()
    started = time.monotonic()
    timer = threading.Timer(limit, store.db.interrupt)
    timer.start()
    try:
        cursor = store.db.execute(translated)
        names = [d[0] for d in cursor.description or []]
        fetched = cursor.fetchmany(MAX_ROWS + 1)
    except Exception as exc:  # duckdb.Error and interruptions
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        clickhouse = dialect == "clickhouse"
        if "INTERRUPT" in message.upper():
            elapsed = time.monotonic() - started
            text = (
                f"Code: 159. Timeout exceeded: elapsed {elapsed:.3f} seconds, maximum: {limit:g}. (TIMEOUT_EXCEEDED)"
                if clickhouse
                else f"Query exceeded the {limit:g}s limit"
            )
            raise ApiError(400, text, "queryTimeout") from None
        missing = _MISSING_COLUMN.search(message) if clickhouse else None
        if missing:
            raise bad_request(_unknown_column(missing.group(1), read), "queryFailed") from None
        raise bad_request(f"Query failed: {message}", "queryFailed") from None
    finally:
        timer.cancel()
    rows = [_row(names, row) for row in fetched[:MAX_ROWS]]
    result: dict[str, Any] = {"rows": rows}
    if len(fetched) > MAX_ROWS:
        result["truncated"] = True
    return result


_MISSING_COLUMN = re.compile(r'Referenced column "([^"]+)" not found')


def _unknown_column(name: str, read: list[str]) -> str:
    """ClickHouse's message for an unknown identifier, with the columns of the
    tables the query reads as the hint."""
    tables = [t for t in dict.fromkeys(read) if t in query_tables.tables()]
    known = [c for t in tables for c in query_tables.columns(t)]
    guesses = [snake(name)] if snake(name) in known and snake(name) != name else []
    guesses += [g for g in difflib.get_close_matches(name, known, n=3) if g not in guesses]
    text = f"Code: 47. Unknown expression identifier `{name}`"
    if tables:
        text += " in " + ", ".join(f"{ORCHESTRATION_DB}.{t}" for t in tables)
    if guesses:
        text += ". Maybe you meant: " + ", ".join(f"`{g}`" for g in guesses[:3])
    for table in tables:
        text += f". Columns of {ORCHESTRATION_DB}.{table}: " + ", ".join(query_tables.columns(table))
    return text + ". (UNKNOWN_IDENTIFIER)"


def _row(names: list[str], row: tuple[Any, ...]) -> Mapping[str, Any]:
    return {name: jsonable(value) for name, value in zip(names, row, strict=True)}
