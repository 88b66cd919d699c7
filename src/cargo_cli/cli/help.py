"""Help that teaches: an ``Arguments`` section describing every positional,
an ``Examples`` section on every leaf command, epilogs that never break a
token (a JSON example stays copyable), and the root help's environment
variables. Stays light: only click is imported.

A command's examples are on its row (``Cmd(examples=...)``, or
``examples=`` of a plain click command with ``cls=HelpCommand``): the spec's
examples first, then hand-written ones; scripts/gen_examples.py --check
compares them with the pinned spec. See docs/usability.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import click

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

    def __init__(
        self,
        *args: Any,
        arguments: Sequence[tuple[str, str]] = (),
        examples: Sequence[str] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.arguments = tuple(arguments)
        self.examples = tuple(examples)

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
        format_examples(formatter, self.examples)
