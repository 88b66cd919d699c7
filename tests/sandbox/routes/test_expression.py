"""expression eval evaluate over HTTP: data, 200 errorMessage, refusals."""

from __future__ import annotations

from tests.sandbox.conftest import Api
from tests.sandbox.routes.conftest import error, ok

PATH = "/expression/expressions/evaluate"


def expression(text: str, kind: str = "templateExpression") -> dict[str, object]:
    return {"kind": kind, "expression": text, "instructTo": "none", "fromRecipe": False}


def test_template_and_js_expressions_evaluate(api: Api) -> None:
    variables = {"nodes": {"start": {"name": "Acme", "employees": 42}}}
    assert ok(
        api, "POST", PATH, {"expression": expression("Hi {{nodes.start.name}}!"), "variables": variables}
    ) == {"data": "Hi Acme!"}
    assert ok(api, "POST", PATH, {"expression": expression("{{nodes.start}}"), "variables": variables}) == {
        "data": {"name": "Acme", "employees": 42}
    }
    js = expression("nodes.start.employees * 2", "jsExpression")
    assert ok(api, "POST", PATH, {"expression": js, "variables": variables}) == {"data": 84}


def test_failures_are_200_error_message_and_bad_requests_are_400(api: Api) -> None:
    assert ok(api, "POST", PATH, {"expression": expression("{{nodes.x.y}}"), "variables": {}}) == {
        "errorMessage": "nodes is not defined"
    }
    assert error(api, "POST", PATH, {"expression": "text"}) == (400, "invalidPayload")
    assert error(api, "POST", PATH, {"expression": expression("x", "python")}) == (400, "invalidPayload")
    assert error(api, "POST", PATH, {"expression": expression("x"), "variables": []}) == (
        400,
        "invalidPayload",
    )
    ai = {**expression("Summarize"), "instructTo": "ai"}
    assert error(api, "POST", PATH, {"expression": ai, "variables": {}}) == (501, "notEmulated")
