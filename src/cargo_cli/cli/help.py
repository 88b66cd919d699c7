"""Help that teaches: an ``Arguments`` section describing every positional,
an ``Examples`` section on every leaf command, epilogs that never break a
token (a JSON example stays copyable), and the root help's environment
variables. Stays light: only click is imported; the example table
(cli/examples_data.py, generated from the spec) is read when a help page is
rendered, never for a normal invocation.

Examples come from the spec (scripts/gen_examples.py) and, for commands the
spec does not document or where a fuller example teaches more, from
``EXTRA_EXAMPLES`` below. See docs/usability.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import click

# Hand-written examples: commands the spec does not document, and ones whose
# documented example leaves out what a reader most needs. Shown after the
# spec's examples.
EXTRA_EXAMPLES: dict[str, tuple[str, ...]] = {
    "orchestration play get": ("cargo-ai orchestration play get <play-uuid>",),
    "orchestration play remove": ("cargo-ai orchestration play remove <play-uuid>",),
    "orchestration tool remove": ("cargo-ai orchestration tool remove <tool-uuid>",),
    "orchestration run create": (
        'cargo-ai orchestration run create --workflow-uuid <workflow-uuid> --data \'{"domain":"acme.com"}\' '
        "--wait-until-finished --exit-status",
    ),
    "orchestration batch create": (
        "cargo-ai orchestration batch create --workflow-uuid <workflow-uuid> "
        '--data \'{"kind":"segment","segmentUuid":"<segment-uuid>"}\' --wait-until-finished --exit-status',
    ),
    "segmentation segment create": (
        "cargo-ai segmentation segment create --model-uuid <model-uuid> --name 'French accounts' --filter "
        '\'{"conjonction":"and","groups":[{"conjonction":"and","conditions":'
        '[{"kind":"string","columnSlug":"country","operator":"is","values":["FR"]}]}]}\'',
    ),
    "expression eval evaluate": (
        "cargo-ai expression eval evaluate --expression "
        '\'{"kind":"templateExpression","expression":"{{nodes.start.name}}","instructTo":"none","fromRecipe":false}\' '
        '--variables \'{"nodes":{"start":{"name":"Acme"}}}\'',
    ),
    "orchestration run list": ("cargo-ai orchestration run list --workflow-uuid <workflow-uuid> --all",),
    "segmentation segment fetch": (
        "cargo-ai segmentation segment fetch --model-uuid <model-uuid> --filter "
        '\'{"conjonction":"and","groups":[{"conjonction":"and","conditions":'
        '[{"kind":"string","columnSlug":"country","operator":"is","values":["FR"]}]}]}\' --all',
    ),
    "storage query execute": ("cargo-ai storage query execute @query.sql",),
    "expression recipe list": ("cargo-ai expression recipe list --tab workspace --ui-types js --all",),
    "expression recipe get": ("cargo-ai expression recipe get <uuid-or-short-id> --version 2",),
    "system-of-record log list": ("cargo-ai system-of-record log list --statuses error --limit 50",),
    "system-of-record log get-metrics": (
        "cargo-ai system-of-record log get-metrics --from 2025-01-01 --to 2025-01-31",
    ),
    "logout": ("cargo-ai logout",),
    "completion": (
        "cargo-ai completion bash > ~/.local/share/bash-completion/completions/cargo-ai",
        'cargo-ai completion zsh > "${fpath[1]}/_cargo-ai"',
        "cargo-ai completion fish > ~/.config/fish/completions/cargo-ai.fish",
    ),
    "docs": ("cargo-ai docs", "cargo-ai docs exit-codes"),
    "commands": (
        "cargo-ai commands",
        "cargo-ai commands orchestration run",
        "cargo-ai commands --jq '.commands[]|select(.kind==\"local\")|.path'",
    ),
    "api": (
        "cargo-ai api orchestration.run.get -f uuid=<run-uuid>",
        "cargo-ai api orchestration.run.list -f workflowUuid=<workflow-uuid> -F limit=10 -f statuses[]=error",
        "cargo-ai api storage.record.remove --data @record.json",
        "cargo-ai api GET /v1/orchestration/runs/<run-uuid>",
        'cargo-ai api POST /v1/orchestration/runs/list --data \'{"workflowUuid": "<workflow-uuid>", "limit": 10}\'',
        "cargo-ai api --list orchestration.run",
    ),
}

# Where the spec's example would mislead: documented by name only (no flags),
# a flag that does not exist (`model list --dataset-uuid`, see
# docs/filters-and-pagination.md), exclusive flags together (`--app-uuid` and
# `--worker-uuid`), two spellings of one flag together (`--file`,
# `--file-path`), a flag that another needs left out (`--scope agent` needs
# `--agent-uuid`, one relationship needs all five flags, a play needs its
# name and model and `created` is no change kind), email-code login (no
# wire spec).
REPLACED_EXAMPLES: dict[str, tuple[str, ...]] = {
    "storage model list": ("cargo-ai storage model list",),
    "hosting deployment create": (
        "cargo-ai hosting deployment create --source ./my-app --app-uuid <app-uuid>",
        "cargo-ai hosting deployment create --source ./worker --worker-uuid <worker-uuid> --wait-until-finished --exit-status",
    ),
    "storage record create": (
        'cargo-ai storage record create --model-uuid <model-uuid> --data \'{"id":"acc-1","name":"Acme"}\'',
    ),
    "connection integration complete-oauth": (
        'cargo-ai connection integration complete-oauth --slug hubspot --params \'{"code":"<code>","state":"<state>"}\'',
    ),
    "ai document create": (
        "cargo-ai ai document create --kind text --title 'Playbook' --content @playbook.md",
    ),
    "ai document get": ("cargo-ai ai document get <document-uuid>",),
    "ai document list": ("cargo-ai ai document list --uuid <document-uuid> --all",),
    "ai document reset": (
        "cargo-ai ai document reset --uuid <document-uuid> --created-at 2025-01-31T09:00:00Z",
    ),
    "hosting deployment get-promoted": (
        "cargo-ai hosting deployment get-promoted --app-uuid <app-uuid>",
        "cargo-ai hosting deployment get-promoted --worker-uuid <worker-uuid>",
    ),
    "workspaceManagement file upload": (
        "cargo-ai workspaceManagement file upload --file ./leads-sample.csv",
        "cargo-ai workspaceManagement file upload --file-path ./my-companies.csv",
    ),
    "ai memory list": (
        "cargo-ai ai memory list --scope workspace",
        "cargo-ai ai memory list --scope agent --agent-uuid <agent-uuid>",
    ),
    "ai memory remove": (
        "cargo-ai ai memory remove --mem0-id <mem0-id> --scope agent --agent-uuid <agent-uuid>",
    ),
    "storage relationship set": (
        "cargo-ai storage relationship set --from-model-uuid <from-model-uuid> --from-column-slug company_id "
        "--to-model-uuid <to-model-uuid> --to-column-slug id --relation manyToOne",
        "cargo-ai storage relationship set --relationships @relationships.json",
    ),
    "orchestration play create": (
        "cargo-ai orchestration play create --name 'New accounts' --model-uuid <model-uuid> "
        "--change-kinds added,updated --run-creation-rule once",
    ),
    "billing subscription update-payment-method": (
        "cargo-ai billing subscription update-payment-method --payment-method-id <pm-id>",
    ),
    "login": (
        "cargo-ai login --token <your-api-token>",
        'echo "$CARGO_TOKEN" | cargo-ai login --token -',
        "cargo-ai login --oauth",
    ),
}

# Every environment variable cargo-ai reads (root help, like `gh help environment`).
ENVIRONMENT: tuple[tuple[str, str], ...] = (
    ("CARGO_API_TOKEN", "API token; wins over the stored login (set it in CI)."),
    ("CARGO_API_URL", "API origin (default https://api.getcargo.io)."),
    ("CARGO_WORKSPACE_UUID", "Workspace to act in; overrides the stored login's workspace."),
    (
        "CARGO_TIMEOUT",
        "Deadline of each API call in seconds, retries included (default 360; also --request-timeout).",
    ),
    ("CARGO_MAX_RETRIES", "Retries of a failed request (default 2; 0 disables)."),
    ("CARGO_NO_KEYRING", "1: never use the OS keyring, only ~/.config/cargo-ai/credentials.json."),
    ("CARGO_DEBUG", "1: log every request and response on stderr (also --debug)."),
    ("NO_COLOR", "Set (to anything): no colour in terminal output (also --no-color)."),
    ("XDG_CONFIG_HOME", "Where cargo-ai/credentials.json lives (default ~/.config)."),
)

ROOT_EPILOG = (
    'Every command prints JSON on stdout; failures print {"errorMessage": ...} and exit '
    "non-zero (`cargo-ai docs exit-codes`). The documentation ships with cargo-ai: "
    "`cargo-ai docs` lists it. For agents and scripts: --jq, --dry-run, --all --ndjson and "
    "`cargo-ai commands` (`cargo-ai docs agents`)."
)


def command_key(ctx: click.Context) -> str:
    """``"orchestration run get"``: the command's path below the root."""
    names = []
    while ctx.parent is not None:
        names.append(ctx.info_name or "")
        ctx = ctx.parent
    return " ".join(reversed(names))


def examples_for(key: str) -> tuple[str, ...]:
    if key in REPLACED_EXAMPLES:
        return REPLACED_EXAMPLES[key]
    from cargo_cli.cli.examples_data import EXAMPLES

    return EXAMPLES.get(key, ()) + EXTRA_EXAMPLES.get(key, ())


def _humanize(name: str) -> str:
    words = name.split("-")
    return " ".join("MCP" if w == "mcp" else w for w in words)


ARGUMENT_HELP = {
    "sql": "The SQL: inline, @file.sql to read a file, or - to read stdin.",
    "keywords": "Words to look for (none: everything, ranked).",
    "slug": "The slug.",
}


def describe_argument(metavar: str) -> str:
    """A sentence for a positional: ``run-uuid`` → ``The run's uuid.``"""
    if metavar in ARGUMENT_HELP:
        return ARGUMENT_HELP[metavar]
    if metavar.endswith("-uuid"):
        return f"The {_humanize(metavar[: -len('-uuid')])}'s uuid."
    return f"The {_humanize(metavar)}."


def write_verbatim(formatter: click.HelpFormatter, lines: Sequence[str]) -> None:
    """Lines as they are: never re-wrapped, so a command stays copyable."""
    for line in lines:
        formatter.write(" " * formatter.current_indent + line + "\n")


def fill(text: str, width: int, indent: str = "", subsequent: str | None = None) -> str:
    """Paragraphs wrapped at ``width`` without ever breaking a word, or a
    token at a hyphen (click's wrapping splits long JSON mid-token, so a
    copied example is invalid). A paragraph starting with click's ``\\b``
    line is kept verbatim."""
    import textwrap

    subsequent = indent if subsequent is None else subsequent
    out = []
    for paragraph in (p for p in text.split("\n\n") if p.strip()):
        if paragraph.startswith("\b\n"):
            out.append("\n".join(indent + line for line in paragraph[2:].splitlines()))
            continue
        out.append(
            textwrap.fill(
                " ".join(paragraph.split()),
                max(width, 20),
                break_long_words=False,
                break_on_hyphens=False,
                initial_indent=indent,
                subsequent_indent=subsequent,
            )
        )
        indent = subsequent
    return "\n\n".join(out)


def write_paragraphs(formatter: click.HelpFormatter, text: str) -> None:
    indent = " " * formatter.current_indent
    formatter.write(fill(text, formatter.width or 80, indent) + "\n")


class HelpFormatter(click.HelpFormatter):
    """click's formatter, wrapping without breaking tokens."""

    def write_text(self, text: str) -> None:
        write_paragraphs(self, text)

    def write_dl(self, rows: Any, col_max: int = 30, col_spacing: int = 2) -> None:
        rows = list(rows)
        first_col = min(max((len(first) for first, _ in rows), default=0), col_max) + col_spacing
        pad = " " * (first_col + self.current_indent)
        for first, second in rows:
            self.write(" " * self.current_indent + first)
            if not second:
                self.write("\n")
                continue
            if len(first) <= first_col - col_spacing:
                self.write(" " * (first_col - len(first)))
            else:
                self.write("\n" + pad)
            text = fill(second, max((self.width or 80) - first_col - self.current_indent, 10))
            self.write(("\n" + pad).join(line for line in text.splitlines() if line) + "\n")


class HelpContext(click.Context):
    formatter_class = HelpFormatter


def format_examples(formatter: click.HelpFormatter, examples: Sequence[str]) -> None:
    if examples:
        with formatter.section("Examples"):
            write_verbatim(formatter, examples)


def format_environment(formatter: click.HelpFormatter) -> None:
    with formatter.section("Environment"):
        formatter.write_dl(ENVIRONMENT)


class HelpCommand(click.Command):
    """A leaf command whose help shows its arguments and examples."""

    context_class = HelpContext

    def __init__(self, *args: Any, arguments: Sequence[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.arguments = tuple(arguments)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = list(self.arguments)
        if not rows:  # a plain click command: describe what it declares
            rows = [
                (p.make_metavar(ctx), describe_argument(p.name or ""))
                for p in self.get_params(ctx)
                if isinstance(p, click.Argument)
            ]
        if rows:
            with formatter.section("Arguments"):
                formatter.write_dl(rows)
        super().format_options(ctx, formatter)

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if self.epilog:
            formatter.write_paragraph()
            with formatter.indentation():
                write_paragraphs(formatter, self.epilog)
        format_examples(formatter, examples_for(command_key(ctx)))
