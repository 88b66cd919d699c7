"""Segment filters (``{"conjonction", "groups"}``) compiled to a DuckDB
``WHERE`` clause over a model's record table, with parameters.

Every operator of every column kind in spec/api-types.md is evaluated;
``occurrence``, ``enrollment`` and conditions on a related model
(``relatedModelUuid``) are not emulated (501). Text matching
(``contains``, ``startsWith``, ...) is case-insensitive; ``is`` is exact.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from cargo_cli.sandbox.http import ApiError, bad_request
from cargo_cli.sandbox.store import quote

Sql = tuple[str, list[Any]]
SegmentResolver = Callable[[str], Mapping[str, Any]]  # segment uuid -> its filter


def not_emulated(what: str) -> ApiError:
    return ApiError(501, f"Not emulated by the sandbox: {what}", "notEmulated")


class FilterCompiler:
    def __init__(self, columns: Mapping[str, str], segment_filter: SegmentResolver, id_slug: str) -> None:
        self.columns = columns  # slug -> column type
        self.segment_filter = segment_filter
        self.id_slug = id_slug
        self.depth = 0

    def compile(self, filter_: Any) -> Sql:
        if filter_ is None:
            return "TRUE", []
        if not isinstance(filter_, Mapping):
            raise bad_request("filter must be an object", "invalidFilter")
        groups = filter_.get("groups") or []
        if not isinstance(groups, list):
            raise bad_request("filter.groups must be an array", "invalidFilter")
        parts = [self._group(g) for g in groups]
        return self._join(parts, self._conjonction(filter_))

    @staticmethod
    def _conjonction(node: Mapping[str, Any]) -> str:
        value = node.get("conjonction", "and")
        if value not in ("and", "or"):
            raise bad_request(f"conjonction must be and or or, not {value!r}", "invalidFilter")
        return str(value).upper()

    @staticmethod
    def _join(parts: list[Sql], conjonction: str) -> Sql:
        if not parts:
            return "TRUE", []
        sql = f" {conjonction} ".join(f"({p[0]})" for p in parts)
        return sql, [value for p in parts for value in p[1]]

    def _group(self, group: Any) -> Sql:
        if not isinstance(group, Mapping) or not isinstance(group.get("conditions", []), list):
            raise bad_request("each filter group needs a conditions array", "invalidFilter")
        parts = [self.condition(c) for c in group.get("conditions", [])]
        return self._join(parts, self._conjonction(group))

    def _column(self, condition: Mapping[str, Any]) -> str:
        if condition.get("relatedModelUuid"):
            raise not_emulated("filter conditions on a related model (relatedModelUuid)")
        slug = condition.get("columnSlug")
        if not isinstance(slug, str) or slug not in self.columns:
            raise bad_request(f"Column not found: {slug}", "columnNotFound")
        return quote(slug)

    def condition(self, c: Any) -> Sql:
        if not isinstance(c, Mapping):
            raise bad_request("a filter condition must be an object", "invalidFilter")
        kind, op = c.get("kind"), c.get("operator")
        if kind == "segment":
            return self._segment(c)
        if kind == "sql":
            return self._sql(c)
        if kind in ("occurrence", "enrollment"):
            raise not_emulated(f"{kind} filter conditions")
        col = self._column(c)
        if op == "isNull":
            return f"{col} IS NULL", []
        if op == "isNotNull":
            return f"{col} IS NOT NULL", []
        if kind == "string":
            return self._text(col, str(op), c)
        if kind in ("number", "date"):
            return self._compare(col, str(op), c, "DOUBLE" if kind == "number" else "TIMESTAMP")
        if kind == "boolean" and op in ("isTrue", "isFalse"):
            return f"{col} IS {'TRUE' if op == 'isTrue' else 'FALSE'}", []
        if kind == "objectProperty":
            return self._property(f"json_extract_string({col}, ?)", [_path(c)], str(op), c)
        if kind in ("object", "array") and op == "matchConditions":
            return self._match(col, str(kind), c)
        raise bad_request(f"Operator {op!r} is not valid for a {kind} condition", "invalidFilter")

    # -- kinds ------------------------------------------------------------------
    def _text(self, col: str, op: str, c: Mapping[str, Any], params: list[Any] | None = None) -> Sql:
        pre = list(params or [])
        if op == "isEmpty":
            return f"({col} IS NULL OR {col} = '')", pre + pre
        if op == "isNotEmpty":
            return f"({col} IS NOT NULL AND {col} <> '')", pre + pre
        values = c.get("values", c.get("value"))
        items = [str(v) for v in (values if isinstance(values, list) else [values]) if v is not None]
        if not items:
            raise bad_request(f"{op} needs values", "invalidFilter")
        if op in ("is", "isNot"):
            marks = ", ".join("?" for _ in items)
            if op == "is":
                return f"{col} IN ({marks})", pre + items
            return f"({col} IS NULL OR {col} NOT IN ({marks}))", pre + pre + items
        patterns = {"contains": "%{}%", "doesNotContain": "%{}%", "startsWith": "{}%", "endsWith": "%{}"}
        if op not in patterns:
            raise bad_request(f"Operator {op!r} is not valid for a string condition", "invalidFilter")
        escaped = [
            patterns[op].format(v.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_"))
            for v in items
        ]
        ors = " OR ".join(f"{col} ILIKE ? ESCAPE '\\'" for _ in items)
        params_out = [p for v in escaped for p in (*pre, v)]
        if op == "doesNotContain":
            return f"NOT coalesce({ors}, FALSE)", params_out
        return ors, params_out

    def _compare(
        self, col: str, op: str, c: Mapping[str, Any], sql_type: str, pre: list[Any] | None = None
    ) -> Sql:
        base = list(pre or [])
        target = f"TRY_CAST({col} AS {sql_type})" if pre is not None else col
        cast = (
            "CAST(CAST(? AS TIMESTAMPTZ) AS TIMESTAMP)"
            if sql_type == "TIMESTAMP"
            else f"CAST(? AS {sql_type})"
        )
        ops = {"is": "=", "isNot": "<>", "greaterThan": ">", "lowerThan": "<"}
        if op in ops:
            value = c.get("value")
            if value is None:
                raise bad_request(f"{op} needs a value", "invalidFilter")
            sql = f"{target} {ops[op]} {cast}"
            if op == "isNot":
                sql = f"({target} IS NULL OR {sql})"
                return sql, base + base + [value]
            return sql, [*base, value]
        if op == "between":
            first = c.get("firstValue", c.get("value"))
            last = c.get("lastValue", c.get("otherValue"))
            if first is None or last is None:
                raise bad_request("between needs firstValue and lastValue", "invalidFilter")
            return f"{target} BETWEEN {cast} AND {cast}", [*base, first, last]
        raise bad_request(f"Operator {op!r} is not valid here", "invalidFilter")

    def _property(self, expr: str, params: list[Any], op: str, c: Mapping[str, Any]) -> Sql:
        if op == "isNull":
            return f"{expr} IS NULL", params
        if op == "isNotNull":
            return f"{expr} IS NOT NULL", params
        if op in ("greaterThan", "lowerThan", "between"):
            value = c.get("value")
            numeric = _is_number(value) and (op != "between" or _is_number(c.get("otherValue")))
            return self._compare(expr, op, c, "DOUBLE" if numeric else "VARCHAR", params)
        return self._text(
            expr, op, {"values": c.get("value")} if op not in ("isEmpty", "isNotEmpty") else c, params
        )

    def _match(self, col: str, kind: str, c: Mapping[str, Any]) -> Sql:
        conditions = c.get("propertyConditions") or []
        if not isinstance(conditions, list):
            raise bad_request("propertyConditions must be an array", "invalidFilter")
        joiner = self._conjonction(c)
        element = "e" if kind == "array" else col
        parts = []
        for pc in conditions:
            if not isinstance(pc, Mapping):
                raise bad_request("a property condition must be an object", "invalidFilter")
            parts.append(
                self._property(f"json_extract_string({element}, ?)", [_path(pc)], str(pc.get("operator")), pc)
            )
        inner, params = self._join(parts, joiner)
        if kind == "object":
            return inner, params
        # An array matches when one of its elements matches every/any property condition.
        return f"EXISTS (SELECT 1 FROM (SELECT unnest(CAST({col} AS JSON[])) AS e) WHERE {inner})", params

    def _segment(self, c: Mapping[str, Any]) -> Sql:
        if self.depth > 5:
            raise bad_request("segment conditions nest too deep", "invalidFilter")
        other = self.segment_filter(str(c.get("segmentUuid")))
        self.depth += 1
        try:
            inner, params = self.compile(other)
        finally:
            self.depth -= 1
        op = c.get("operator", "in")
        if op not in ("in", "notIn"):
            raise bad_request(f"Operator {op!r} is not valid for a segment condition", "invalidFilter")
        return (f"{'NOT ' if op == 'notIn' else ''}coalesce({inner}, FALSE)", params)

    def _sql(self, c: Mapping[str, Any]) -> Sql:
        import sqlglot
        from sqlglot import expressions as exp

        clause = c.get("clause")
        if not isinstance(clause, str) or not clause.strip():
            raise bad_request("a sql condition needs a clause", "invalidFilter")
        try:
            tree = sqlglot.parse_one(clause, read="duckdb")
        except sqlglot.errors.ParseError as exc:
            raise bad_request(f"Invalid SQL clause: {exc}", "invalidFilter") from None
        if any(True for _ in tree.find_all(exp.Select, exp.Table, exp.Command)):
            raise bad_request(
                "A sql condition is one boolean expression over the model's columns", "invalidFilter"
            )
        for column in tree.find_all(exp.Column):
            if column.name not in self.columns:
                raise bad_request(f"Column not found: {column.name}", "columnNotFound")
        return tree.sql(dialect="duckdb"), []


def _path(c: Mapping[str, Any]) -> str:
    name = c.get("propertyName")
    if not isinstance(name, str) or not name:
        raise bad_request("an objectProperty condition needs a propertyName", "invalidFilter")
    return "$." + ".".join(f'"{part}"' for part in name.split("."))


def _is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    try:
        float(str(value))
    except ValueError:
        return False
    return True


def order_by(sort: Any, columns: Mapping[str, str], id_slug: str) -> str:
    """``[{"columnSlug", "kind": "asc"|"desc"}]`` → ORDER BY (ties by id)."""
    terms = []
    for item in sort or []:
        if not isinstance(item, Mapping):
            raise bad_request("sort items must be objects", "invalidSort")
        slug, kind = item.get("columnSlug"), item.get("kind", "asc")
        if slug not in columns:
            raise bad_request(f"Column not found: {slug}", "columnNotFound")
        if kind not in ("asc", "desc"):
            raise bad_request("sort kind must be asc or desc", "invalidSort")
        terms.append(f"{quote(str(slug))} {str(kind).upper()} NULLS LAST")
    terms.append(f"{quote(id_slug)} ASC")
    return ", ".join(terms)
