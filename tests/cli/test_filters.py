"""cli/filters.py: the client-side filter and sort checks."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from cargo_cli.cli.filters import (
    COLUMN_OPERATORS,
    check_filter_and_sort,
    operators_for,
    validate_filter,
    validate_sort,
)
from cargo_cli.errors import UsageError


def one(*conditions: dict[str, Any], conjonction: str = "and") -> dict[str, Any]:
    """A filter with one group holding ``conditions``."""
    return {"conjonction": "and", "groups": [{"conjonction": conjonction, "conditions": list(conditions)}]}


def col(kind: str, operator: str, **fields: Any) -> dict[str, Any]:
    return {"kind": kind, "columnSlug": "c", "operator": operator, **fields}


PROP = {
    "kind": "objectProperty",
    "columnSlug": "meta",
    "propertyName": "plan",
    "operator": "is",
    "value": "pro",
}
FREQ = {"operator": "moreThan", "value": 2}
PERIOD = {"operator": "lessThan", "value": 30, "unit": "day"}

GOOD = [
    pytest.param({"conjonction": "and", "groups": []}, id="match-all"),
    pytest.param(one(col("string", "is", values=["FR", "DE"])), id="string-is-list"),
    pytest.param(one(col("string", "contains", values="acme", relatedModelUuid="m")), id="string-contains-related"),
    pytest.param(one(col("string", "isNotEmpty")), id="string-is-not-empty"),
    pytest.param(one(col("number", "greaterThan", value=50), col("number", "lowerThan", value=2.5),
                     conjonction="or"), id="number-compare-or"),
    pytest.param(one(col("number", "between", firstValue=1, lastValue=10)), id="number-between"),
    pytest.param(one(col("date", "greaterThan", value="2024-01-01T00:00:00Z")), id="date-after"),
    pytest.param(one(col("date", "between", firstValue="2024-01-01", lastValue="2024-12-31")), id="date-between"),
    pytest.param(one(col("boolean", "isTrue"), col("boolean", "isNull")), id="boolean"),
    pytest.param(one(col("object", "matchConditions", conjonction="or", propertyConditions=[PROP])),
                 id="object-match-conditions"),
    pytest.param(one(col("array", "isNotNull"), col("any", "isNull"), col("vector", "isNotNull")),
                 id="array-any-vector"),
    pytest.param(one({**PROP, "operator": "between", "otherValue": "z"}), id="object-property-between"),
    pytest.param(one({"kind": "sql", "name": "recent", "clause": "created_at > now() - interval '7 day'"}),
                 id="sql"),
    pytest.param(one({"kind": "segment", "segmentUuid": "s", "operator": "notIn"}), id="segment"),
    pytest.param(one({"kind": "occurrence", "relatedModelUuid": "m", "frequency": FREQ, "period": PERIOD,
                      "conjonction": "and", "conditions": [col("string", "is", values="won")]}), id="occurrence"),
    pytest.param(one({"kind": "enrollment", "workflowUuid": "w", "activityKind": "workflowEntered",
                      "frequency": {"operator": "not"}, "period": PERIOD}), id="enrollment"),
    pytest.param({"conjonction": "or", "groups": [
        {"conjonction": "and", "conditions": []},
        {"conjonction": "or", "conditions": [col("string", "isNull")]},
    ], "extra": "forwarded"}, id="several-groups-unknown-key-kept"),
]  # fmt: skip


@pytest.mark.parametrize("value", GOOD)
def test_good_filters_pass_unchanged(value):
    before = copy.deepcopy(value)
    assert validate_filter(value) is value
    assert value == before


BAD = [
    pytest.param({"conjunction": "and", "groups": []}, "", 'spelled "conjonction"', id="conjunction-top"),
    pytest.param({"conjonction": "and", "groups": [{"conjunction": "and", "conditions": []}]}, "groups[0]",
                 'not "conjunction"', id="conjunction-group"),
    pytest.param(one(col("object", "matchConditions", conjunction="and", propertyConditions=[])),
                 "groups[0].conditions[0]", "silently matches nothing", id="conjunction-match-conditions"),
    pytest.param([], "", "a filter must be a JSON object, got an array", id="not-an-object"),
    pytest.param({"conjonction": "and", "conditions": []}, "", "wrap the conditions in a group",
                 id="conditions-without-group"),
    pytest.param({"conjonction": "xor", "groups": []}, "conjonction", '"xor" is not one of: and, or',
                 id="bad-conjonction"),
    pytest.param({"groups": []}, "", 'missing "conjonction"', id="missing-conjonction"),
    pytest.param({"conjonction": "and"}, "", 'missing "groups"', id="missing-groups"),
    pytest.param({"conjonction": "and", "groups": {}}, "groups", "must be an array", id="groups-not-array"),
    pytest.param({"conjonction": "and", "groups": [{"conjonction": "and"}]}, "groups[0]", 'missing "conditions"',
                 id="missing-conditions"),
    pytest.param(one({"columnSlug": "c", "operator": "is", "values": "x"}), "groups[0].conditions[0]",
                 'missing "kind"', id="missing-kind"),
    pytest.param(one(col("text", "is", values="x")), "groups[0].conditions[0].kind", '"text" is not one of',
                 id="unknown-kind"),
    pytest.param(one(col("string", "greaterThan", value=3)), "groups[0].conditions[0].operator",
                 '"greaterThan" is not an operator of a string column (it is a number/date/objectProperty '
                 "operator); string operators: is, isNot", id="number-operator-on-string"),
    pytest.param(one(col("number", "contains", values="1")), "groups[0].conditions[0].operator",
                 "number operators: is, isNot, greaterThan, lowerThan, between, isNull, isNotNull",
                 id="string-operator-on-number"),
    pytest.param(one(col("boolean", "is", value=True)), "groups[0].conditions[0].operator",
                 "boolean operators: isTrue, isFalse, isNull, isNotNull", id="boolean-is"),
    pytest.param(one(col("date", "isEmpty")), "groups[0].conditions[0].operator", "a date column",
                 id="date-is-empty"),
    pytest.param(one(col("object", "is", value="x")), "groups[0].conditions[0].operator",
                 "object operators: isNull, isNotNull, matchConditions", id="object-is"),
    pytest.param(one(col("string", "equals", values="x")), "groups[0].conditions[0].operator",
                 '"equals" is not an operator of a string column; string', id="unknown-operator"),
    pytest.param(one({"kind": "string", "columnSlug": "c"}), "groups[0].conditions[0]", 'missing "operator"',
                 id="missing-operator"),
    pytest.param(one(col("string", "is", value="FR")), "groups[0].conditions[0]",
                 'missing "values" (a string or an array of strings)', id="string-value-not-values"),
    pytest.param(one(col("string", "is", values=[1])), "groups[0].conditions[0].values",
                 "must be a string or an array of strings", id="string-values-numbers"),
    pytest.param(one(col("number", "is", value="10")), "groups[0].conditions[0].value",
                 'must be a number, got the string "10"', id="number-value-string"),
    pytest.param(one(col("number", "is", value=True)), "groups[0].conditions[0].value",
                 "must be a number, got a boolean", id="number-value-bool"),
    pytest.param(one(col("number", "between", firstValue=1)), "groups[0].conditions[0]", 'missing "lastValue"',
                 id="between-missing-last"),
    pytest.param(one({"kind": "string", "operator": "isNull"}), "groups[0].conditions[0]",
                 'missing "columnSlug"', id="missing-column-slug"),
    pytest.param(one(col("object", "matchConditions", conjonction="and",
                         propertyConditions=[col("string", "is", values="x")])),
                 "groups[0].conditions[0].propertyConditions[0].kind", "is not one of: objectProperty",
                 id="match-conditions-needs-object-property"),
    pytest.param(one({**PROP, "propertyName": ""}), "groups[0].conditions[0].propertyName",
                 "must be a non-empty string", id="object-property-empty-name"),
    pytest.param(one({"kind": "sql", "name": "n"}), "groups[0].conditions[0]", 'missing "clause"', id="sql-clause"),
    pytest.param(one({"kind": "segment", "segmentUuid": "s", "operator": "is"}),
                 "groups[0].conditions[0].operator", "segment operators: in, notIn", id="segment-operator"),
    pytest.param(one({"kind": "occurrence", "relatedModelUuid": "m", "frequency": FREQ, "period": PERIOD,
                      "conjonction": "and", "conditions": [{"kind": "sql", "name": "n", "clause": "c"}]}),
                 "groups[0].conditions[0].conditions[0].kind", '"sql" is not one of', id="occurrence-no-sql"),
    pytest.param(one({"kind": "enrollment", "workflowUuid": "w", "activityKind": "workflowEntered",
                      "frequency": {"operator": "moreThan"}, "period": PERIOD}),
                 "groups[0].conditions[0].frequency", 'missing "value"', id="enrollment-frequency-value"),
    pytest.param(one({"kind": "enrollment", "workflowUuid": "w", "activityKind": "workflowEntered",
                      "frequency": {"operator": "not"}}), "groups[0].conditions[0]", 'missing "period"',
                 id="enrollment-missing-period"),
    pytest.param(one("is FR"), "groups[0].conditions[0]", "a condition must be a JSON object, got the string",
                 id="condition-not-object"),
]  # fmt: skip


@pytest.mark.parametrize(("value", "where", "fragment"), BAD)
def test_bad_filters_are_usage_errors(value, where, fragment):
    with pytest.raises(UsageError) as caught:
        validate_filter(value)
    message = caught.value.message
    assert caught.value.exit_code == 2
    prefix = f"Invalid --filter at {where}: " if where else "Invalid --filter: "
    assert message.startswith(prefix), message
    assert fragment in message


def test_every_column_kind_has_null_operators():
    for kind in COLUMN_OPERATORS:
        assert {"isNull", "isNotNull"} <= set(operators_for(kind)), kind
    assert operators_for("sql") == ()


@pytest.mark.parametrize(
    "value",
    [[], [{"columnSlug": "created_at", "kind": "desc"}], [{"columnSlug": "a", "kind": "asc"},
                                                           {"columnSlug": "b", "kind": "desc"}]],
)  # fmt: skip
def test_good_sorts(value):
    assert validate_sort(value) is value


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ({"columnSlug": "a", "kind": "asc"}, "a sort is a JSON array like"),
        ("created_at", "a sort is a JSON array like"),
        ([{"columnSlug": "a", "order": "asc"}], 'at [0]: missing "kind" (one of: asc, desc)'),
        ([{"column": "a", "kind": "asc"}], 'at [0]: missing "columnSlug"'),
        ([{"columnSlug": "a", "kind": "DESC"}], 'at [0].kind: "DESC" is not one of: asc, desc'),
        ([{"columnSlug": "", "kind": "asc"}], "at [0].columnSlug: must be a non-empty string"),
        (["a"], "at [0]: must be a JSON object"),
    ],
)
def test_bad_sorts(value, fragment):
    with pytest.raises(UsageError) as caught:
        validate_sort(value)
    assert caught.value.message.startswith("Invalid --sort")
    assert fragment in caught.value.message


def test_check_filter_and_sort_is_a_pure_prepare_step():
    payload = {
        "modelUuid": "m",
        "filter": one(col("string", "isNull")),
        "sort": [{"columnSlug": "a", "kind": "asc"}],
    }
    before = copy.deepcopy(payload)
    assert check_filter_and_sort(payload) == before
    assert check_filter_and_sort({"name": "only a name"}) == {"name": "only a name"}
    with pytest.raises(UsageError):
        check_filter_and_sort({"sort": {}})
    with pytest.raises(UsageError):
        check_filter_and_sort({"filter": {"conjunction": "and", "groups": []}})
