"""The expression domain: evaluate a template expression against variables."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cargo_cli.cli.params import JSON_OBJECT
from cargo_cli.cli.shapes import defaults
from cargo_cli.cli.spec import Cmd, Invocation, Opt, build_domain
from cargo_cli.errors import CargoError


def _evaluate(inv: Invocation) -> Any:
    """An expression that fails to evaluate is answered 200 ``{errorMessage}``:
    that is a failure of the command (exit 1), in the error contract's shape."""
    result = inv.call()
    if isinstance(result, Mapping) and result.get("errorMessage") and "data" not in result:
        raise CargoError(str(result["errorMessage"]))
    return result


COMMANDS: list[Cmd] = [
    Cmd(
        "eval evaluate", "expression.expression.evaluate",
        "Evaluate a template expression against variables (free) → {data} or {errorMessage}.",
        opts=(
            Opt("--expression", JSON_OBJECT, required=True,
                help='The expression (JSON object), e.g. {"kind":"templateExpression",'
                     '"expression":"{{nodes.start.name}}","instructTo":"none","fromRecipe":false}.'),
            Opt("--variables", JSON_OBJECT, help='The variables it reads (JSON object; default {}), e.g. {"nodes":{...}}.'),
        ),
        prepare=defaults(variables={}),
        handler=_evaluate,
        epilog="An expression that fails to evaluate prints {\"errorMessage\": ...} and exits 1.",
    ),
]  # fmt: skip

group = build_domain(
    "expression",
    "Evaluate template expressions.",
    COMMANDS,
    areas={"eval": "Evaluate an expression."},
)
