"""Walking the click tree in tests: every leaf command with its context."""

from __future__ import annotations

from collections.abc import Iterator

import click

from cargo_cli.cli.root import cli as root


def leaves(
    command: click.Command = root, ctx: click.Context | None = None
) -> Iterator[tuple[str, click.Command, click.Context]]:
    """``("orchestration run get", command, ctx)`` for every leaf below ``command``."""
    ctx = ctx or command.context_class(command, info_name="cargo-ai")
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            assert sub is not None, name
            yield from leaves(sub, sub.context_class(sub, info_name=name, parent=ctx))
    else:
        yield ctx.command_path.removeprefix("cargo-ai "), command, ctx


def examples_of(path: str) -> tuple[str, ...]:
    """The examples on the row of leaf ``path`` (``Cmd(examples=...)``), as its help shows them."""
    for key, command, _ in leaves():
        if key == path:
            return tuple(getattr(command, "examples", ()))
    raise KeyError(path)
