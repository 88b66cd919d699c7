"""expression eval evaluate."""

from __future__ import annotations

import json

import pytest

from tests.helpers import check_usage_error, table_tests

EXPRESSION = {"kind": "templateExpression", "expression": "{{nodes.start.name}}", "instructTo": "none",
              "fromRecipe": False}  # fmt: skip
VARIABLES = {"nodes": {"start": {"name": "Acme"}}}

CASES = [
    pytest.param(["eval", "evaluate", "--expression", json.dumps(EXPRESSION), "--variables", json.dumps(VARIABLES)],
                 "POST", "/expression/expressions/evaluate", "", {"expression": EXPRESSION, "variables": VARIABLES},
                 {"data": "Acme"}, id="evaluate"),
    pytest.param(["eval", "evaluate", "--expression", json.dumps(EXPRESSION)], "POST",
                 "/expression/expressions/evaluate", "", {"expression": EXPRESSION, "variables": {}},
                 {"data": None}, id="evaluate-default-variables"),
    pytest.param(["recipe", "list", "--tab", "workspace", "--ui-types", "js,ai", "--categories", "sales",
                  "--name", "domain", "--limit", "10", "--offset", "20"], "GET", "/expression/recipes/list",
                 "tab=workspace&uiTypes%5B%5D=js&uiTypes%5B%5D=ai&categories%5B%5D=sales&name=domain&limit=10"
                 "&offset=20", None, {"recipes": []}, id="recipe-list"),
    pytest.param(["recipe", "get", "rcp_abc"], "GET", "/expression/recipes/rcp_abc/last", "", None,
                 {"recipe": {"uuid": "r1"}}, id="recipe-get-last"),
    pytest.param(["recipe", "get", "rcp_abc", "--version", "3"], "GET", "/expression/recipes/rcp_abc/3", "", None,
                 {"recipe": {"uuid": "r1", "version": 3}}, id="recipe-get-version"),
]  # fmt: skip

test_request_and_output = table_tests("expression", CASES)


def test_evaluation_error_exits_1_with_the_error_contract(cli, api):
    route = api.post("/expression/expressions/evaluate").respond(
        json={"errorMessage": "nodes is not defined"}
    )
    result = cli("expression", "eval", "evaluate", "--expression", json.dumps(EXPRESSION))
    assert result.code == 1
    assert result.json == {"errorMessage": "nodes is not defined"}
    assert route.call_count == 1


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["eval", "evaluate"], "Missing option '--expression'"),
        (["eval", "evaluate", "--expression", "{bad"], "Invalid JSON in --expression"),
        (["eval", "evaluate", "--expression", "[]"], "expected a JSON object"),
        (["eval", "evaluate", "--expression", "{}", "--variables", "[]"], "expected a JSON object"),
        (["recipe", "list", "--ui-types", "py"], "'py' is not one of js, ai"),
        (["recipe", "get", "r", "--version", "0"], "--version"),
        (["recipe", "create"], "No such command"),
    ],
)
def test_usage_errors_send_nothing(cli, api, argv, fragment):
    check_usage_error(cli, api, ["expression", *argv], fragment)
