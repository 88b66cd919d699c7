"""The tables of ``orchestration query execute``: ``runs``, ``batches``,
``spans`` and ``records``, with ClickHouse's snake_case columns.

The columns are derived from the spec's entity shapes (``orchestration.Run``,
``.Batch``, ``.Span``, ``.Record`` in :mod:`cargo_cli.sandbox.entities`): one
column per field, named ``snake(field)`` and typed as ClickHouse would type it
(``clickhouse_type``). A column that the documented queries read but the
entity shape lacks (``runs.credits_used_count``) is an ``extra`` of its
table, with the reason.

Each table is a DuckDB view ``ch_<table>`` over the sandbox's own tables. A
field's value is the base table's column of the same (camelCase) name when the
base table has one, else the expression in ``DERIVED``, else NULL: a column
added to a base table later fills its query column without an edit here.
docs/sandbox.md documents the tables from :func:`tables` (scripts/gen_sandbox_tables.py).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from cargo_cli.sandbox.entities import Field, clickhouse_type, fields_of, snake

__all__ = [
    "SOURCES",
    "Column",
    "Source",
    "columns",
    "create_views",
    "meaning",
    "snake",
    "tables",
    "view",
    "views_sql",
]

# ClickHouse type (without Nullable) -> the DuckDB type of the view column.
DUCKDB_TYPES = {"String": "VARCHAR", "Float64": "DOUBLE", "Bool": "BOOLEAN", "DateTime": "TIMESTAMP"}


@dataclass(frozen=True)
class Source:
    entity: str
    base: str  # the store table the view reads
    qualify: str = ""  # a QUALIFY clause over the base table (records: the latest run)
    derived: Mapping[str, str] | None = None  # field -> SQL over the base table's columns
    extra: tuple[Field, ...] = ()


def _field(name: str, kind: str, doc: str, *, nullable: bool = False) -> Field:
    return Field(name=name, ts=kind, nullable=nullable, optional=False, kind=kind, doc=doc)


RUN_DERIVED = {
    "temporalWorkflowId": "'run-' || uuid",
    "contextS3Filename": "'runs/' || uuid || '/context.json'",
    "computedConfigsS3Filename": "'runs/' || uuid || '/computed-configs.json'",
    "executions": "CASE WHEN status IN ('success', 'error') "
    "THEN CAST(json_extract(plan, '$.executions') AS VARCHAR) ELSE '[]' END",
}
SOURCES: dict[str, Source] = {
    "runs": Source(
        "orchestration.Run", "runs",
        derived=RUN_DERIVED,
        extra=(_field("creditsUsedCount", "number", "Credits the run used (not in the spec's Run shape; "
                      "the run answers carry it and the documented queries read it)."),),
    ),
    "batches": Source("orchestration.Batch", "batches", derived={"temporalWorkflowId": "'batch-' || uuid"}),
    "spans": Source(
        "orchestration.Span", "spans",
        derived={
            "runContextS3Filename": "'runs/' || runUuid || '/context.json'",
            "runComputedConfigsS3Filename": "'runs/' || runUuid || '/computed-configs.json'",
            "nodeWaitUntilFinished": "FALSE",
        },
    ),
    "records": Source(
        "orchestration.Record", "runs",
        qualify="QUALIFY row_number() OVER (PARTITION BY workflowUuid, recordId ORDER BY createdAt DESC, uuid) = 1",
        derived={**RUN_DERIVED, "id": "recordId", "title": "recordTitle", "runUuid": "uuid"},
    ),
}  # fmt: skip


@dataclass(frozen=True)
class Column:
    name: str  # snake_case, as the documented queries name it
    type: str  # ClickHouse type
    meaning: str
    field: Field


@cache
def tables() -> dict[str, tuple[Column, ...]]:
    """Every query table and its columns, in spec order (extras last)."""
    result = {}
    for table, source in SOURCES.items():
        fields = (*fields_of(source.entity), *source.extra)
        label = source.entity.split(".")[1].lower()
        result[table] = tuple(Column(snake(f.name), clickhouse_type(f), meaning(label, f), f) for f in fields)
    return result


def columns(table: str) -> list[str]:
    return [c.name for c in tables()[table]]


def view(table: str) -> str:
    return f"ch_{table}"


def views_sql(base_columns: Mapping[str, set[str]]) -> str:
    """``CREATE OR REPLACE VIEW`` statements, given the columns each base table has."""
    statements = []
    for table, source in SOURCES.items():
        have = base_columns.get(source.base, set())
        derived = source.derived or {}
        selected = []
        for column in tables()[table]:
            name = column.field.name
            expr = f'"{name}"' if name in have else derived.get(name, "NULL")
            base_type = column.type.removeprefix("Nullable(").removesuffix(")")
            selected.append(f'CAST({expr} AS {DUCKDB_TYPES[base_type]}) AS "{column.name}"')
        statements.append(
            f"CREATE OR REPLACE VIEW {view(table)} AS SELECT {', '.join(selected)} "
            f"FROM {source.base} {source.qualify}".rstrip()
        )
    return ";\n".join(statements) + ";"


def create_views(db: Any) -> None:
    """(Re)create the views over the store's tables as they are now."""
    bases = {source.base for source in SOURCES.values()}
    found: dict[str, set[str]] = {base: set() for base in bases}
    for table, column in db.execute(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_name IN "
        f"({', '.join('?' for _ in bases)})",
        sorted(bases),
    ).fetchall():
        found[table].add(column)
    db.execute(views_sql(found))


# -- meanings: the spec's doc comment, else a short note from the field's name ------------
_WORDS = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")
_PAST = {"created": "was created", "updated": "was last updated", "finished": "finished",
         "deleted": "was deleted", "started": "started"}  # fmt: skip
_LITERALS = re.compile(r'^"[^"]*"(\s*\|\s*"[^"]*")*$')


def meaning(entity: str, f: Field) -> str:
    if f.doc:
        return f.doc
    words = [w.lower() for w in _WORDS.findall(f.name)]
    subject = " ".join(words[:-1])
    text: str
    if f.name == "uuid":
        text = f"The {entity}'s id"
    elif words[-1] == "uuid":
        text = f"The {subject}'s uuid"
    elif words[-1] == "at" and len(words) >= 2 and words[-2] in _PAST:
        whom = " ".join(words[:-2]) or entity
        text = f"When the {whom} {_PAST[words[-2]]}"
    elif words[-1] == "count":
        text = f"Number of {subject}"
    elif words[0] == "is":
        text = f"Whether it is {' '.join(words[1:])}"
    elif words[-2:] == ["s3", "filename"]:
        text = f"Storage file name of the {' '.join(words[:-2])}"
    else:
        text = " ".join(words).capitalize()
    if f.kind == "json":
        text += f" (JSON text of {f.ts})"
    elif _LITERALS.match(f.ts):
        text += ": " + ", ".join(f"`{v.strip().strip(chr(34))}`" for v in f.ts.split("|"))
    elif f.ts[:1].isupper() and f.kind == "string":
        text += f" ({f.ts})"
    return text[0].upper() + text[1:]
