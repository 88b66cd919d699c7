"""Read-only SQL for ``orchestration query execute`` (ClickHouse dialect,
translated to DuckDB with sqlglot) and ``storage query execute``.

The query must be one SELECT (CTEs and UNIONs allowed). It may read only its
own workspace's tables: every table reference is replaced by a subquery
filtered on the workspace, and anything else (other tables, table
functions, files) is refused. The caps are the documented ones: 10,000
result rows and 30 seconds (the answer says so when rows were cut).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any

import sqlglot
from sqlglot import expressions as exp

from cargo_cli.sandbox.http import ApiError, bad_request, jsonable
from cargo_cli.sandbox.store import Store

MAX_ROWS = 10_000
TIMEOUT_S = 30.0
ORCHESTRATION_TABLES = {"runs": "q_runs", "batches": "q_batches", "spans": "q_spans", "records": "q_records"}

# (db, name) of a table reference -> the SQL of what it reads, or None when unknown.
TableResolver = Callable[[str, str], str | None]


def orchestration_resolver(workspace_uuid: str) -> TableResolver:
    quoted = workspace_uuid.replace("'", "''")

    def resolve(db: str, name: str) -> str | None:
        view = ORCHESTRATION_TABLES.get(name.lower())
        if view is None or db not in ("", "orchestration", "default"):
            return None
        return f"SELECT * FROM {view} WHERE workspaceUuid = '{quoted}'"

    return resolve


def translate(sql: str, dialect: str, resolver: TableResolver) -> str:
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
    ctes = {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}
    for table in list(tree.find_all(exp.Table)):
        if not isinstance(table.this, exp.Identifier):
            raise bad_request("Table functions are not allowed", "invalidQuery")
        name, db = table.name, table.db or ""
        if not db and name.lower() in ctes:
            continue
        source = resolver(db, name)
        if source is None:
            shown = f"{db}.{name}" if db else name
            raise ApiError(400, f"Unknown table: {shown}", "tableNotFound")
        alias = table.alias or name
        replacement = exp.Subquery(
            this=sqlglot.parse_one(source, read="duckdb"),
            alias=exp.TableAlias(this=exp.to_identifier(alias)),
        )
        table.replace(replacement)
    return tree.sql(dialect="duckdb")


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


def execute(store: Store, sql: str, *, dialect: str, resolver: TableResolver) -> dict[str, Any]:
    translated = translate(sql, dialect, resolver)
    timer = threading.Timer(TIMEOUT_S, store.db.interrupt)
    timer.start()
    try:
        cursor = store.db.execute(translated)
        names = [d[0] for d in cursor.description or []]
        fetched = cursor.fetchmany(MAX_ROWS + 1)
    except Exception as exc:  # duckdb.Error and interruptions
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if "INTERRUPT" in message.upper():
            raise ApiError(400, f"Query exceeded the {TIMEOUT_S:g}s limit", "queryTimeout") from None
        raise bad_request(f"Query failed: {message}", "queryFailed") from None
    finally:
        timer.cancel()
    rows = [_row(names, row) for row in fetched[:MAX_ROWS]]
    result: dict[str, Any] = {"rows": rows}
    if len(fetched) > MAX_ROWS:
        result["truncated"] = True
    return result


def _row(names: list[str], row: tuple[Any, ...]) -> Mapping[str, Any]:
    return {name: jsonable(value) for name, value in zip(names, row, strict=True)}
