""" "Did you mean ...?" for unknown command names at every level (root,
domain, area), tolerant of case and kebab/camel/snake spellings:
``workspace-management`` → ``workspaceManagement``, ``orchestraton`` →
``orchestration``. Independent of the click version (click < 8.4 suggests
nothing for commands)."""

from __future__ import annotations

from collections.abc import Iterable

import click

from cargo_cli.cli.help import HelpContext


def _key(name: str) -> str:
    return name.replace("-", "").replace("_", "").lower()


def suggestions(name: str, candidates: Iterable[str]) -> list[str]:
    """The names ``name`` was probably meant to be, best first: same name
    up to case and separators, else close spellings of that normal form."""
    names = list(dict.fromkeys(candidates))
    by_key: dict[str, list[str]] = {}
    for candidate in names:
        by_key.setdefault(_key(candidate), []).append(candidate)
    key = _key(name)
    if key in by_key:
        return by_key[key]
    from difflib import get_close_matches  # only on an error: keeps startup lean

    close = get_close_matches(key, list(by_key), n=3, cutoff=0.6)
    return [candidate for match in close for candidate in by_key[match]]


def no_such_command(name: str, candidates: Iterable[str]) -> str:
    """The usage message for an unknown command ``name``."""
    message = f"No such command {name!r}."
    found = suggestions(name, candidates)
    if len(found) == 1:
        return f"{message} Did you mean {found[0]!r}?"
    if found:
        return f"{message} (Did you mean one of: {', '.join(found)}?)"
    return message


class SuggestingGroup(click.Group):
    """A group whose unknown subcommands get a "did you mean" (exit 2)."""

    context_class = HelpContext  # help wrapped without breaking tokens

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        if name and not name.startswith("-") and not ctx.resilient_parsing:
            if self.get_command(ctx, name) is None:
                raise click.UsageError(no_such_command(name, self.list_commands(ctx)), ctx)
        return super().resolve_command(ctx, args)
