"""The expression domain: evaluate a template expression against variables."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import click

from cargo_cli.api.resources import expression
from cargo_cli.cli.paging import paginated
from cargo_cli.cli.params import JSON_OBJECT, LIMIT, OFFSET, choice, csv_of
from cargo_cli.cli.row_helpers import defaults
from cargo_cli.cli.rows import Arg, Cmd, Invocation, Opt, build_domain
from cargo_cli.errors import CargoError


def _evaluate(inv: Invocation) -> Any:
    """An expression that fails to evaluate is answered 200 ``{errorMessage}``:
    that is a failure of the command (exit 1), in the error contract's shape."""
    result = inv.call()
    if isinstance(result, Mapping) and result.get("errorMessage") and "data" not in result:
        raise CargoError(str(result["errorMessage"]))
    return result


def _get_recipe(inv: Invocation) -> Any:
    """A given --version reads that version, else the last one."""
    if "version" in inv.payload:
        return inv.call(expression.Recipe.get)
    return inv.call(expression.Recipe.get_last_version)


RECIPE_CATEGORIES = ("other", "classification", "cleaning", "marketing", "sales", "event", "copywriting")

COMMANDS: list[Cmd] = [
    Cmd(
        "eval evaluate", expression.Expression.evaluate,
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
        examples=(
            "cargo-ai expression eval evaluate --expression <expression>",
            "cargo-ai expression eval evaluate --expression <expression> --variables <variables>",
            "cargo-ai expression eval evaluate --expression '{\"kind\":\"templateExpression\",\"expression\":\"{{nodes.start.name}}\",\"instructTo\":\"none\",\"fromRecipe\":false}' --variables '{\"nodes\":{\"start\":{\"name\":\"Acme\"}}}'",
        ),
    ),
    # recipes: the area is named in the vendor docs without verbs; these read-only verbs are cargo-ai's.
    paginated(Cmd(
        "recipe list", expression.Recipe.list, "List expression recipes → {recipes}.",
        opts=(
            Opt("--tab", choice("all", "user", "workspace", "favorites"), help="Which recipes (the API's default: all)."),
            Opt("--ui-types", csv_of("js", "ai"), help="Only these kinds (comma-separated: js,ai)."),
            Opt("--categories", csv_of(*RECIPE_CATEGORIES), help="Only these categories (comma-separated)."),
            Opt("--name", help="Only recipes whose name matches."),
            Opt("--limit", LIMIT, help="Page size."),
            Opt("--offset", OFFSET, help="Recipes to skip."),
        ),
        examples=("cargo-ai expression recipe list --tab workspace --ui-types js --all",),
    ), "recipes"),
    Cmd(
        "recipe get", expression.Recipe.get_last_version, "Get a recipe (its last version, or --version) → {recipe}.",
        args=(Arg("uuid-or-short-id", field="uuidOrShortId"),),
        opts=(Opt("--version", click.IntRange(min=1), help="That version instead of the last one."),),
        handler=_get_recipe,
        examples=("cargo-ai expression recipe get <uuid-or-short-id> --version 2",),
    ),
]  # fmt: skip

group = build_domain(
    "expression",
    COMMANDS,
    areas={"eval": "Evaluate an expression.", "recipe": "Expression recipes (read-only)."},
)
