"""Generate docs/reference.md (the command reference) from the click tree.

``--check`` exits 1 when the committed file differs (CI fails on drift).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from _generated import write_or_check

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "docs" / "reference.md"


def _walk(cmd: click.Command, ctx: click.Context, lines: list[str]) -> None:
    if isinstance(cmd, click.Group):
        for name in cmd.list_commands(ctx):
            sub = cmd.get_command(ctx, name)
            if sub is None or sub.hidden:
                continue
            sub_ctx = click.Context(sub, info_name=name, parent=ctx)
            _walk(sub, sub_ctx, lines)
        return
    pieces = [ctx.command_path]
    options: list[str] = []
    for param in cmd.params:
        if isinstance(param, click.Argument):
            pieces.append(param.make_metavar(ctx))
        elif isinstance(param, click.Option) and not param.hidden:
            record = param.get_help_record(ctx)
            if record:
                flag, text = record
                options.append(f"  - `{flag}`" + (f": {text}" if text else ""))
    lines.append(f"### `{' '.join(pieces)}`")
    lines.append("")
    help_text = (cmd.help or "").strip()
    if help_text:
        lines.append(help_text)
        lines.append("")
    if options:
        lines.append("Options:")
        lines.append("")
        lines.extend(options)
        lines.append("")


def render() -> str:
    from cargo_cli.cli.root import cli

    ctx = click.Context(cli, info_name="cargo-ai")
    lines = [
        "# Command reference",
        "",
        "Generated from the click tree by `make docs` (scripts/gen_reference.py); CI fails when it drifts.",
        "",
    ]
    _walk(cli, ctx, lines)
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str]) -> int:
    return write_or_check(TARGET, render(), argv, "run `make docs`")


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
