"""The spec's entity shapes, for the sandbox's answers and query tables.

The table (``generated/entities.json``) is generated from spec/api-types.md by
scripts/gen_entities.py and drift-checked by ``make docs-check``; this module
only reads it. Keys are ``"<namespace>.<Type>"`` (``"orchestration.Span"``);
only object-shaped types are listed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any


@dataclass(frozen=True)
class Field:
    name: str
    ts: str  # the TypeScript type as the spec writes it
    nullable: bool
    optional: bool
    kind: str  # "string" | "number" | "boolean" | "date" | "json"
    doc: str = ""


@cache
def _table() -> dict[str, tuple[Field, ...]]:
    raw = json.loads(files("cargo_cli.sandbox.generated").joinpath("entities.json").read_text())
    return {key: tuple(Field(**field) for field in fields) for key, fields in raw.items()}


def names() -> list[str]:
    return list(_table())


def fields_of(entity: str) -> tuple[Field, ...]:
    """The fields of ``entity`` in spec order (KeyError for an unknown one)."""
    return _table()[entity]


def complete(entity: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """Every field of ``entity`` in spec order (None where ``values`` lacks
    it), then the extra keys of ``values`` unchanged."""
    own = fields_of(entity)
    result = {f.name: values.get(f.name) for f in own}
    for key, value in values.items():
        if key not in result:
            result[key] = value
    return result


_CAMEL = re.compile(r"(?<=[a-z0-9])([A-Z])|(?<=[A-Z])([A-Z])(?=[a-z])")


def snake(name: str) -> str:
    """``workflowUuid`` → ``workflow_uuid``, ``contextS3Filename`` → ``context_s3_filename``."""
    return _CAMEL.sub(lambda m: "_" + (m.group(1) or m.group(2)), name).lower()


_CLICKHOUSE = {
    "string": "String",
    "number": "Float64",
    "boolean": "Bool",
    "date": "DateTime",
    "json": "String",
}


def clickhouse_type(field: Field) -> str:
    """The column type ClickHouse would give the field (JSON values as String)."""
    base = _CLICKHOUSE[field.kind]
    return f"Nullable({base})" if field.nullable or field.optional else base
