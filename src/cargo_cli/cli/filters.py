"""Client-side checks of the Cargo filter and sort shapes (pure functions).

A filter is ``{"conjonction": "and"|"or", "groups": [{"conjonction": ...,
"conditions": [...]}]}`` -- the API spells it *conjonction*, and a filter
spelled ``conjunction`` is accepted by the server and silently matches
nothing, so it is refused here. Every condition names its column ``kind``
(``string``, ``number``, ``date``, ``boolean``, ``object``, ``array``, ...);
the operator must be one of that kind's operators and the fields the
operator needs must be present with the right JSON type. A sort is
``[{"columnSlug": ..., "kind": "asc"|"desc"}]``.

``check_filter_and_sort`` is the ``prepare=`` step of the commands taking
``--filter`` / ``--sort``: it raises ``UsageError`` (exit 2, nothing sent).
See docs/filters-and-pagination.md.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from cargo_cli.errors import UsageError

CONJONCTIONS = ("and", "or")
SORT_KINDS = ("asc", "desc")

Check = Callable[[Any], bool]


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and value != ""


def _is_string(value: Any) -> bool:
    return isinstance(value, str)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_strings(value: Any) -> bool:
    return isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))


TEXT = (_is_text, "a non-empty string")
STRING = (_is_string, "a string")
NUMBER = (_is_number, "a number")
STRINGS = (_is_strings, "a string or an array of strings")
ANY = (lambda _value: True, "an object")


def _ops(names: tuple[str, ...], **fields: tuple[Check, str]) -> dict[str, dict[str, tuple[Check, str]]]:
    return {name: dict(fields) for name in names}


# kind -> operator -> the fields that operator needs (besides kind/operator).
# Column kinds also need "columnSlug" and accept "relatedModelUuid".
_NULL_OPS = _ops(("isNull", "isNotNull"))
_EMPTY_OPS = _ops(("isEmpty", "isNotEmpty"))

_COMPARE = ("is", "isNot", "greaterThan", "lowerThan")
_TEXT_MATCH = ("is", "isNot", "contains", "doesNotContain", "startsWith", "endsWith")
_MATCH_CONDITIONS = _ops(("matchConditions",))

COLUMN_OPERATORS: dict[str, dict[str, dict[str, tuple[Check, str]]]] = {
    "string": {**_ops(_TEXT_MATCH, values=STRINGS), **_NULL_OPS, **_EMPTY_OPS},
    "number": {
        **_ops(_COMPARE, value=NUMBER),
        **_ops(("between",), firstValue=NUMBER, lastValue=NUMBER),
        **_NULL_OPS,
    },
    "date": {
        **_ops(_COMPARE, value=TEXT),
        **_ops(("between",), firstValue=TEXT, lastValue=TEXT),
        **_NULL_OPS,
    },
    "boolean": {**_ops(("isTrue", "isFalse")), **_NULL_OPS},
    "object": {**_NULL_OPS, **_MATCH_CONDITIONS},
    "array": {**_NULL_OPS, **_MATCH_CONDITIONS},
    "objectProperty": {
        **_ops((*_TEXT_MATCH, "greaterThan", "lowerThan"), value=STRING),
        **_ops(("between",), value=STRING, otherValue=STRING),
        **_NULL_OPS,
        **_EMPTY_OPS,
    },
    "any": dict(_NULL_OPS),
    "vector": dict(_NULL_OPS),
}
OTHER_KINDS = ("sql", "segment", "occurrence", "enrollment")
KINDS = (*COLUMN_OPERATORS, *OTHER_KINDS)
# Conditions allowed inside an "occurrence" condition.
OCCURRENCE_KINDS = ("string", "number", "object", "array", "any", "vector", "date", "boolean")
FREQUENCY_OPERATORS = ("not", "moreThan", "lessThan", "exactly")
PERIOD_OPERATORS = ("lessThan", "moreThan", "exactly")
ENROLLMENT_ACTIVITIES = ("workflowEntered", "workflowNodeExecuted", "workflowLeft")


def operators_for(kind: str) -> tuple[str, ...]:
    """The operators a condition of this column kind accepts."""
    if kind == "segment":
        return ("in", "notIn")
    return tuple(COLUMN_OPERATORS.get(kind, {}))


class _Checker:
    def __init__(self, flag: str) -> None:
        self.flag = flag

    def fail(self, path: str, problem: str) -> UsageError:
        where = f" at {path}" if path else ""
        return UsageError(f"Invalid {self.flag}{where}: {problem}")

    def obj(self, value: Any, path: str, what: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(path, f"{what} must be a JSON object, got {_describe(value)}")
        if "conjunction" in value:
            raise self.fail(
                path,
                'the key is spelled "conjonction" (the Cargo API spelling), not "conjunction"; '
                'a filter using "conjunction" silently matches nothing',
            )
        return value

    def field(self, value: Mapping[str, Any], name: str, path: str, check: tuple[Check, str]) -> Any:
        if name not in value:
            raise self.fail(path, f'missing "{name}" ({check[1]})')
        if not check[0](value[name]):
            raise self.fail(_join(path, name), f"must be {check[1]}, got {_describe(value[name])}")
        return value[name]

    def choice(self, value: Mapping[str, Any], name: str, path: str, allowed: tuple[str, ...]) -> str:
        if name not in value:
            raise self.fail(path, f'missing "{name}" (one of: {", ".join(allowed)})')
        if value[name] not in allowed:
            raise self.fail(
                _join(path, name), f"{json.dumps(value[name])} is not one of: {', '.join(allowed)}"
            )
        return str(value[name])

    def array(self, value: Mapping[str, Any], name: str, path: str) -> list[Any]:
        if name not in value:
            raise self.fail(path, f'missing "{name}" (an array)')
        items = value[name]
        if not isinstance(items, list):
            raise self.fail(_join(path, name), f"must be an array, got {_describe(items)}")
        return items

    # -- the filter ------------------------------------------------------
    def filter(self, value: Any) -> None:
        top = self.obj(value, "", "a filter")
        if "conditions" in top and "groups" not in top:
            raise self.fail(
                "", 'a filter is {"conjonction": ..., "groups": [{"conjonction": ..., "conditions": [...]}]}; '
                'wrap the conditions in a group'
            )  # fmt: skip
        self.choice(top, "conjonction", "", CONJONCTIONS)
        for i, group in enumerate(self.array(top, "groups", "")):
            path = f"groups[{i}]"
            group = self.obj(group, path, "a group")
            self.choice(group, "conjonction", path, CONJONCTIONS)
            self.conditions(group, "conditions", path, KINDS)

    def conditions(self, parent: Mapping[str, Any], name: str, path: str, kinds: tuple[str, ...]) -> None:
        for i, condition in enumerate(self.array(parent, name, path)):
            self.condition(condition, f"{_join(path, name)}[{i}]", kinds)

    def condition(self, value: Any, path: str, kinds: tuple[str, ...]) -> None:
        condition = self.obj(value, path, "a condition")
        if "kind" not in condition:
            raise self.fail(path, f'missing "kind" (the column kind, one of: {", ".join(kinds)})')
        kind = condition["kind"]
        if kind not in kinds:
            raise self.fail(_join(path, "kind"), f"{json.dumps(kind)} is not one of: {', '.join(kinds)}")
        if kind in COLUMN_OPERATORS:
            self.column_condition(condition, kind, path)
        elif kind == "sql":
            self.field(condition, "name", path, TEXT)
            self.field(condition, "clause", path, TEXT)
        elif kind == "segment":
            self.field(condition, "segmentUuid", path, TEXT)
            self.operator(condition, kind, path)
        else:  # occurrence / enrollment
            self.activity(condition, kind, path)

    def operator(self, condition: Mapping[str, Any], kind: str, path: str) -> str:
        allowed = operators_for(kind)
        if "operator" not in condition:
            raise self.fail(path, f'missing "operator" ({kind} operators: {", ".join(allowed)})')
        operator = condition["operator"]
        if operator not in allowed:
            owners = [k for k in COLUMN_OPERATORS if operator in COLUMN_OPERATORS[k]]
            hint = f" (it is a {'/'.join(owners)} operator)" if owners else ""
            raise self.fail(
                _join(path, "operator"),
                f"{json.dumps(operator)} is not an operator of a {kind} column{hint}; "
                f"{kind} operators: {', '.join(allowed)}",
            )
        return str(operator)

    def column_condition(self, condition: Mapping[str, Any], kind: str, path: str) -> None:
        operator = self.operator(condition, kind, path)
        self.field(condition, "columnSlug", path, TEXT)
        if "relatedModelUuid" in condition:
            self.field(condition, "relatedModelUuid", path, TEXT)
        if kind == "objectProperty":
            self.field(condition, "propertyName", path, TEXT)
        for name, check in COLUMN_OPERATORS[kind][operator].items():
            self.field(condition, name, path, check)
        if operator == "matchConditions":
            self.choice(condition, "conjonction", path, CONJONCTIONS)
            self.conditions(condition, "propertyConditions", path, ("objectProperty",))

    def activity(self, condition: Mapping[str, Any], kind: str, path: str) -> None:
        if kind == "occurrence":
            self.field(condition, "relatedModelUuid", path, TEXT)
            self.choice(condition, "conjonction", path, CONJONCTIONS)
            self.conditions(condition, "conditions", path, OCCURRENCE_KINDS)
        else:
            self.field(condition, "workflowUuid", path, TEXT)
            self.choice(condition, "activityKind", path, ENROLLMENT_ACTIVITIES)
        where = _join(path, "frequency")
        frequency = self.obj(self.field(condition, "frequency", path, ANY), where, "frequency")
        if self.choice(frequency, "operator", where, FREQUENCY_OPERATORS) != "not":
            self.field(frequency, "value", where, NUMBER)
        where = _join(path, "period")
        period = self.obj(self.field(condition, "period", path, ANY), where, "period")
        self.choice(period, "operator", where, PERIOD_OPERATORS)
        self.field(period, "value", where, NUMBER)
        self.choice(period, "unit", where, ("day",))

    # -- the sort --------------------------------------------------------
    def sort(self, value: Any) -> None:
        if not isinstance(value, list):
            raise self.fail(
                "", f'a sort is a JSON array like [{{"columnSlug": "created_at", "kind": "desc"}}], '
                f"got {_describe(value)}"
            )  # fmt: skip
        for i, item in enumerate(value):
            path = f"[{i}]"
            if not isinstance(item, Mapping):
                raise self.fail(path, f"must be a JSON object, got {_describe(item)}")
            self.field(item, "columnSlug", path, TEXT)
            self.choice(item, "kind", path, SORT_KINDS)


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return f"the string {json.dumps(value)}"
    if isinstance(value, int | float):
        return f"the number {value}"
    return type(value).__name__


def validate_filter(value: Any, flag: str = "--filter") -> Any:
    """Return ``value`` unchanged, or raise ``UsageError`` saying what is wrong."""
    _Checker(flag).filter(value)
    return value


def validate_sort(value: Any, flag: str = "--sort") -> Any:
    """Return ``value`` unchanged, or raise ``UsageError`` saying what is wrong."""
    _Checker(flag).sort(value)
    return value


def check_filter_and_sort(payload: dict[str, Any]) -> dict[str, Any]:
    """``prepare=`` step: validate the payload's ``filter`` and ``sort``."""
    if "filter" in payload:
        validate_filter(payload["filter"])
    if "sort" in payload:
        validate_sort(payload["sort"])
    return payload
