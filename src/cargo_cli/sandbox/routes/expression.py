"""expression: ``expression eval evaluate`` over the sandbox's safe evaluator
(:mod:`cargo_cli.sandbox.expr`; no code is ever run). As the API does, an
expression that fails to evaluate is answered ``200 {"errorMessage"}``; a
malformed request is a 400."""

from __future__ import annotations

from typing import Any

from cargo_cli.sandbox.expr import ExprError, evaluate_js, evaluate_template
from cargo_cli.sandbox.filters import not_emulated
from cargo_cli.sandbox.http import Ctx, Router, bad_request
from cargo_cli.sandbox.route_helpers import body_dict

router = Router()
KINDS = ("templateExpression", "jsExpression")


@router.route("POST", "/expression/expressions/evaluate")
def evaluate(ctx: Ctx) -> Any:
    body = body_dict(ctx)
    expression = body.get("expression")
    variables = body.get("variables", {})
    if not isinstance(expression, dict) or not isinstance(expression.get("expression"), str):
        raise bad_request("expression must be an object with an expression string")
    if not isinstance(variables, dict):
        raise bad_request("variables must be an object")
    kind = expression.get("kind", "templateExpression")
    if kind not in KINDS:
        raise bad_request(f"expression.kind must be one of {', '.join(KINDS)}")
    if expression.get("instructTo", "none") != "none":
        raise not_emulated("expressions that instruct an AI (instructTo: ai)")
    if expression.get("fromRecipe"):
        raise not_emulated("expressions from a recipe (fromRecipe: true)")
    try:
        if kind == "jsExpression":
            return {"data": evaluate_js(expression["expression"], variables)}
        return {"data": evaluate_template(expression["expression"], variables)}
    except ExprError as exc:
        return {"errorMessage": str(exc)}
