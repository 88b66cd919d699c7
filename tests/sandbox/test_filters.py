"""Segment filters compiled to SQL: every operator of every column kind,
evaluated on a small DuckDB table."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import duckdb
import pytest

from cargo_cli.sandbox.filters import FilterCompiler, order_by
from cargo_cli.sandbox.http import ApiError

COLUMNS = {
    "id": "string", "s": "string", "n": "number", "d": "date", "b": "boolean",
    "o": "object", "a": "array", "x": "any", "v": "vector",
}  # fmt: skip
ROWS = [
    ("r1", "Acme Corp", 10, "2026-01-10 00:00:00", True, '{"city": "Paris", "zip": "75001", "size": 5}',
     '[{"city": "Paris", "size": 3}, {"city": "Lyon", "size": 40}]', '1', '[0.1]'),
    ("r2", "globex_50%", 250, "2026-03-01 12:00:00", False, '{"city": "Berlin", "zip": "10115", "size": 50}',
     '[{"city": "Berlin", "size": 12}]', None, None),
    ("r3", "", None, None, None, None, None, None, None),
    ("r4", None, 42.5, "2025-12-31 23:59:59", True, '{"city": "paris", "zip": "", "size": 500}', '[]', '"x"', None),
]  # fmt: skip
SEGMENTS = {"seg-big": {"conjonction": "and", "groups": [{"conjonction": "and", "conditions": [
    {"kind": "number", "columnSlug": "n", "operator": "greaterThan", "value": 40}]}]}}  # fmt: skip


@pytest.fixture(scope="module")
def db() -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE t (id VARCHAR, s VARCHAR, n DOUBLE, d TIMESTAMP, b BOOLEAN, o JSON, a JSON, x JSON, v JSON)"
    )
    con.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", ROWS)
    yield con
    con.close()


def ids(db: duckdb.DuckDBPyConnection, filter_: Mapping[str, Any]) -> list[str]:
    compiler = FilterCompiler(COLUMNS, lambda uuid: SEGMENTS[uuid], "id")
    where, params = compiler.compile(filter_)
    return [row[0] for row in db.execute(f"SELECT id FROM t WHERE {where} ORDER BY id", params).fetchall()]


def one(condition: dict[str, Any]) -> dict[str, Any]:
    return {"conjonction": "and", "groups": [{"conjonction": "and", "conditions": [condition]}]}


def s(op: str, values: Any = None) -> dict[str, Any]:
    return {
        "kind": "string",
        "columnSlug": "s",
        "operator": op,
        **({"values": values} if values is not None else {}),
    }


def n(op: str, **fields: Any) -> dict[str, Any]:
    return {"kind": "number", "columnSlug": "n", "operator": op, **fields}


def d(op: str, **fields: Any) -> dict[str, Any]:
    return {"kind": "date", "columnSlug": "d", "operator": op, **fields}


def prop(op: str, name: str = "city", **fields: Any) -> dict[str, Any]:
    return {"kind": "objectProperty", "columnSlug": "o", "propertyName": name, "operator": op, **fields}


CASES = [
    (s("is", ["Acme Corp", "nope"]), ["r1"]),
    (s("is", "Acme Corp"), ["r1"]),
    (s("isNot", ["Acme Corp"]), ["r2", "r3", "r4"]),
    (s("contains", ["CORP"]), ["r1"]),
    (s("contains", ["50%"]), ["r2"]),  # % and _ are literal
    (s("contains", ["_5"]), ["r2"]),
    (s("doesNotContain", ["corp"]), ["r2", "r3", "r4"]),
    (s("startsWith", ["acme", "glob"]), ["r1", "r2"]),
    (s("endsWith", ["%"]), ["r2"]),
    (s("isNull"), ["r4"]),
    (s("isNotNull"), ["r1", "r2", "r3"]),
    (s("isEmpty"), ["r3", "r4"]),
    (s("isNotEmpty"), ["r1", "r2"]),
    (n("is", value=10), ["r1"]),
    (n("isNot", value=10), ["r2", "r3", "r4"]),
    (n("greaterThan", value=42), ["r2", "r4"]),
    (n("lowerThan", value=42.5), ["r1"]),
    (n("between", firstValue=10, lastValue=42.5), ["r1", "r4"]),
    (n("isNull"), ["r3"]),
    (n("isNotNull"), ["r1", "r2", "r4"]),
    (d("is", value="2026-01-10T00:00:00Z"), ["r1"]),
    (d("isNot", value="2026-01-10"), ["r2", "r3", "r4"]),
    (d("greaterThan", value="2026-01-01"), ["r1", "r2"]),
    (d("lowerThan", value="2026-01-01T00:00:00.000Z"), ["r4"]),
    (d("between", firstValue="2026-01-01", lastValue="2026-02-01"), ["r1"]),
    (d("isNull"), ["r3"]),
    ({"kind": "boolean", "columnSlug": "b", "operator": "isTrue"}, ["r1", "r4"]),
    ({"kind": "boolean", "columnSlug": "b", "operator": "isFalse"}, ["r2"]),
    ({"kind": "boolean", "columnSlug": "b", "operator": "isNull"}, ["r3"]),
    ({"kind": "boolean", "columnSlug": "b", "operator": "isNotNull"}, ["r1", "r2", "r4"]),
    ({"kind": "any", "columnSlug": "x", "operator": "isNotNull"}, ["r1", "r4"]),
    ({"kind": "vector", "columnSlug": "v", "operator": "isNull"}, ["r2", "r3", "r4"]),
    ({"kind": "object", "columnSlug": "o", "operator": "isNull"}, ["r3"]),
    ({"kind": "object", "columnSlug": "o", "operator": "isNotNull"}, ["r1", "r2", "r4"]),
    ({"kind": "array", "columnSlug": "a", "operator": "isNull"}, ["r3"]),
    ({"kind": "array", "columnSlug": "a", "operator": "isNotNull"}, ["r1", "r2", "r4"]),
    (prop("is", value="Paris"), ["r1"]),
    (prop("isNot", value="Paris"), ["r2", "r3", "r4"]),
    (prop("contains", value="PAR"), ["r1", "r4"]),
    (prop("doesNotContain", value="par"), ["r2", "r3"]),
    (prop("startsWith", value="ber"), ["r2"]),
    (prop("endsWith", value="is"), ["r1", "r4"]),
    (prop("greaterThan", "size", value=49), ["r2", "r4"]),  # numeric when the value is a number
    (prop("lowerThan", "size", value="100"), ["r1", "r2"]),
    (prop("between", "size", value="5", otherValue="50"), ["r1", "r2"]),
    (prop("isNull", "zip"), ["r3"]),
    (prop("isNotNull", "zip"), ["r1", "r2", "r4"]),
    (prop("isEmpty", "zip"), ["r3", "r4"]),
    (prop("isNotEmpty", "zip"), ["r1", "r2"]),
    ({"kind": "object", "columnSlug": "o", "operator": "matchConditions", "conjonction": "and",
      "propertyConditions": [prop("is", value="Paris"), prop("startsWith", "zip", value="75")]}, ["r1"]),
    ({"kind": "object", "columnSlug": "o", "operator": "matchConditions", "conjonction": "or",
      "propertyConditions": [prop("is", value="Berlin"), prop("is", value="paris")]}, ["r2", "r4"]),
    ({"kind": "array", "columnSlug": "a", "operator": "matchConditions", "conjonction": "and",
      "propertyConditions": [prop("is", value="Lyon"), prop("greaterThan", "size", value=30)]}, ["r1"]),
    ({"kind": "array", "columnSlug": "a", "operator": "matchConditions", "conjonction": "and",
      "propertyConditions": [prop("is", value="Berlin"), prop("greaterThan", "size", value=30)]}, []),
    ({"kind": "sql", "name": "big", "clause": "n * 2 > 100 AND s IS NOT NULL"}, ["r2"]),
    ({"kind": "segment", "segmentUuid": "seg-big", "operator": "in"}, ["r2", "r4"]),
    ({"kind": "segment", "segmentUuid": "seg-big", "operator": "notIn"}, ["r1", "r3"]),
]  # fmt: skip


@pytest.mark.parametrize(("condition", "expected"), CASES)
def test_every_operator(
    db: duckdb.DuckDBPyConnection, condition: dict[str, Any], expected: list[str]
) -> None:
    assert ids(db, one(condition)) == expected


def test_conjonctions_of_groups_and_conditions(db: duckdb.DuckDBPyConnection) -> None:
    big, paris = n("greaterThan", value=40), prop("contains", value="paris")
    both = {"conjonction": "and", "groups": [{"conjonction": "and", "conditions": [big, paris]}]}
    either = {"conjonction": "and", "groups": [{"conjonction": "or", "conditions": [big, paris]}]}
    groups_or = {
        "conjonction": "or",
        "groups": [{"conjonction": "and", "conditions": [c]} for c in (big, paris)],
    }
    assert ids(db, both) == ["r4"]
    assert ids(db, either) == ids(db, groups_or) == ["r1", "r2", "r4"]
    assert ids(db, {"conjonction": "and", "groups": []}) == ["r1", "r2", "r3", "r4"]


@pytest.mark.parametrize(
    ("filter_", "status", "reason"),
    [
        (
            {"conjunction": "and", "groups": [{"conditions": [s("is", ["x"])], "conjonction": "xor"}]},
            400,
            "invalidFilter",
        ),
        (
            one({"kind": "string", "columnSlug": "nope", "operator": "is", "values": ["x"]}),
            400,
            "columnNotFound",
        ),
        (one(n("contains", value=1)), 400, "invalidFilter"),
        (one(n("greaterThan")), 400, "invalidFilter"),
        (one({"kind": "sql", "name": "x", "clause": "id IN (SELECT 1)"}), 400, "invalidFilter"),
        (one({"kind": "sql", "name": "x", "clause": "secret > 1"}), 400, "columnNotFound"),
        (one({"kind": "occurrence", "relatedModelUuid": "m"}), 501, "notEmulated"),
        (one({**s("is", ["x"]), "relatedModelUuid": "m"}), 501, "notEmulated"),
    ],
)
def test_invalid_filters_are_refused(filter_: dict[str, Any], status: int, reason: str) -> None:
    with pytest.raises(ApiError) as caught:
        FilterCompiler(COLUMNS, lambda uuid: {}, "id").compile(filter_)
    assert (caught.value.status, caught.value.reason) == (status, reason)


def test_sort_orders_nulls_last_and_ties_by_id(db: duckdb.DuckDBPyConnection) -> None:
    order = order_by([{"columnSlug": "n", "kind": "desc"}], COLUMNS, "id")
    assert [r[0] for r in db.execute(f"SELECT id FROM t ORDER BY {order}").fetchall()] == [
        "r2",
        "r4",
        "r1",
        "r3",
    ]
    with pytest.raises(ApiError):
        order_by([{"columnSlug": "n", "kind": "sideways"}], COLUMNS, "id")
