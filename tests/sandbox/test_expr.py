"""The safe expression evaluator: the JavaScript subset, template slots,
errors, and the limits that keep a hostile expression cheap."""

from __future__ import annotations

import time

import pytest

from cargo_cli.sandbox.expr import ExprError, evaluate_js, evaluate_template

VARS = {
    "nodes": {"start": {"name": "Acme", "domain": " Acme.IO ", "employees": 120, "tags": ["saas", "b2b"],
                        "people": [{"first": "Ada", "score": 3}, {"first": "Bob", "score": 5}], "empty": None}},
    "n": 3,
}  # fmt: skip


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("nodes.start.name", "Acme"),
        ("nodes.start.domain.trim().toLowerCase()", "acme.io"),
        ("nodes.start.employees > 100 ? 'mid' : 'small'", "mid"),
        ("nodes.start.people.map(p => p.first).join(', ')", "Ada, Bob"),
        ("nodes.start.people.filter(p => p.score > 4).length", 1),
        ("nodes.start.people.reduce((sum, p) => sum + p.score, 0)", 8),
        ("nodes.start.people.find(p => p.first === 'Bob').score", 5),
        ("nodes.start.tags.includes('b2b') && !nodes.start.tags.includes('b2c')", True),
        ("nodes.start.tags[0].toUpperCase()", "SAAS"),
        ("nodes.start['name'].length", 4),
        ("nodes.start.missing?.deep ?? 'default'", "default"),
        ("nodes.start.empty || 'fallback'", "fallback"),
        ("`${nodes.start.name} has ${nodes.start.employees} people`", "Acme has 120 people"),
        ("(1 + 2) * n - 4 / 2 % 3", 7),
        ("7 / 2", 3.5),
        ("'a' + 1 + 2", "a12"),
        ("1 + 2 + 'a'", "3a"),
        ("1 == '1' && 1 !== '1' && null == undefined && null !== undefined", True),
        ("typeof nodes.start.tags + ' ' + typeof n + ' ' + typeof nodes.nope", "object number undefined"),
        ("Math.max(1, n, 2) + Math.round(2.5) + Math.floor(-1.5)", 4),
        ("Object.keys({b: 1, a: 2})", ["b", "a"]),
        ("JSON.stringify({a: [1, 'x']})", '{"a":[1,"x"]}'),
        ("JSON.parse('[1,2]').length", 2),
        ("parseInt('42px') + parseFloat('1.5e1')", 57),
        ("'a,b,c'.split(',').slice(1)", ["b", "c"]),
        ("'Hello'.replace('l', 'L') + 'Hello'.replaceAll('l', 'L')", "HeLloHeLLo"),
        ("(12.345).toFixed(1)", "12.3"),
        ("[1, [2], {k: n}]", [1, [2], {"k": 3}]),
        ("nodes.start.missing", None),
        ("1 / 0", None),
    ],
)
def test_javascript_subset(source: str, expected: object) -> None:
    assert evaluate_js(source, VARS) == expected


def test_templates_keep_a_single_slot_raw_and_interpolate_text() -> None:
    assert evaluate_template("{{ nodes.start.people }}", VARS) == VARS["nodes"]["start"]["people"]  # type: ignore[index]
    assert evaluate_template("{{nodes.start.employees}}", VARS) == 120
    assert (
        evaluate_template("Hi {{nodes.start.name}} ({{ n * 2 }}) {{nodes.start.empty}}!", VARS)
        == "Hi Acme (6) !"
    )
    assert evaluate_template("tags: {{nodes.start.tags}}", VARS) == 'tags: ["saas","b2b"]'
    assert evaluate_template("no slots", VARS) == "no slots"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("nope", "nope is not defined"),
        ("nodes.absent.name", "Cannot read properties of undefined (reading 'name')"),
        ("nodes.start.name.nope()", "nope is not a function"),
        ("1 +", "Unexpected the end of the expression"),
        ("n = 4", "Unexpected character '='"),
        ("__import__('os')", "__import__ is not defined"),
        ("constructor.constructor('return process')()", "constructor is not defined"),
        ("'x'.constructor", None),
        ("[].reduce((a, b) => a)", "Reduce of empty array with no initial value"),
        ("JSON.parse('{')", "JSON.parse"),
    ],
)
def test_errors_and_no_escape_hatches(source: str, message: str | None) -> None:
    if message is None:  # not an error: an unknown property is undefined, never a Python attribute
        assert evaluate_js(source, VARS) is None
        return
    with pytest.raises(ExprError, match=message.replace("(", r"\(").replace(")", r"\)")):
        evaluate_js(source, VARS)


def test_hostile_expressions_stop_quickly() -> None:
    started = time.monotonic()
    with pytest.raises(ExprError, match="nested too deeply"):
        evaluate_js("(f => f(f))(f => f(f))", {})
    ten = "[1,2,3,4,5,6,7,8,9,10]"
    with pytest.raises(ExprError, match="steps"):
        evaluate_js(f"{ten}.map(a => {ten}.map(b => {ten}.map(c => {ten}.map(d => {ten}.map(e => e)))))", {})
    with pytest.raises(ExprError, match="larger than"):
        evaluate_js("(".join(["(a => [a, a, a, a])"] * 9) + "(1" + ")" * 9, {})
    with pytest.raises(ExprError, match="longer than"):
        evaluate_js("1+" * 20_000 + "1", {})
    assert time.monotonic() - started < 5
