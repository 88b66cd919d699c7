"""``cargo-ai docs [TOPIC]``: the documentation that ships with cargo-ai.

The wheel carries docs/ as ``cargo_cli/docs`` (pyproject force-include), so a
pip or pipx user has the same pages as the repository; in a source checkout
(editable install) they are read from the repository's docs/."""

from __future__ import annotations

from pathlib import Path

import click

from cargo_cli import output
from cargo_cli.cli.help import HelpCommand
from cargo_cli.cli.suggest import no_such_command


def docs_dir() -> Path:
    package = Path(__file__).resolve().parent.parent
    shipped = package / "docs"
    return shipped if shipped.is_dir() else package.parent.parent / "docs"


def topics() -> dict[str, Path]:
    return {path.stem: path for path in sorted(docs_dir().glob("*.md"))}


def _title(path: Path) -> str:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return path.stem


@click.command(
    "docs",
    cls=HelpCommand,
    arguments=[("<topic>", "A page (e.g. exit-codes); none: list the pages.")],
    examples=("cargo-ai docs", "cargo-ai docs exit-codes"),
)
@click.argument("topic", required=False, metavar="<topic>")
def docs(topic: str | None) -> None:
    """Print a documentation page (Markdown, verbatim), or list the pages as JSON."""
    pages = topics()
    if topic is None:
        output.emit({"topics": [{"topic": name, "title": _title(path)} for name, path in pages.items()]})
        return
    path = pages.get(topic.removesuffix(".md"))
    if path is None:
        raise click.UsageError(no_such_command(topic, pages).replace("command", "topic", 1))
    output.emit_text(path.read_text(encoding="utf-8"))
