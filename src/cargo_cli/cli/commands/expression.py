"""The expression domain: evaluate a template expression against variables."""

from __future__ import annotations

from cargo_cli.cli.params import JSON_OBJECT
from cargo_cli.cli.shapes import defaults
from cargo_cli.cli.spec import Cmd, Opt, build_domain

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
        epilog="An expression that fails to evaluate is answered with 200 and an errorMessage field: "
        "that is data (exit 0), printed as the API answered it.",
    ),
]  # fmt: skip

group = build_domain(
    "expression",
    "Evaluate template expressions.",
    COMMANDS,
    areas={"eval": "Evaluate an expression."},
)
