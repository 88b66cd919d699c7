"""``cargo-ai completion bash|zsh|fish``: print the shell completion script.

The script calls cargo-ai back with ``_CARGO_AI_COMPLETE`` set (click's
completion protocol), so completion follows the click tree: domains, areas,
verbs, flags and enum values. Installing it: docs/usability.md."""

from __future__ import annotations

import click

from cargo_cli import output
from cargo_cli.cli.help import HelpCommand

SHELLS = ("bash", "zsh", "fish")
PROG = "cargo-ai"
COMPLETE_VAR = "_CARGO_AI_COMPLETE"


@click.command(
    "completion",
    cls=HelpCommand,
    arguments=[("<shell>", "bash, zsh or fish.")],
    examples=(
        "cargo-ai completion bash > ~/.local/share/bash-completion/completions/cargo-ai",
        'cargo-ai completion zsh > "${fpath[1]}/_cargo-ai"',
        "cargo-ai completion fish > ~/.config/fish/completions/cargo-ai.fish",
    ),
    epilog='Load it in the current shell with `eval "$(cargo-ai completion bash)"` '
    "(zsh: `source <(cargo-ai completion zsh)`), or install it once: see the examples.",
)
@click.argument("shell", type=click.Choice(SHELLS), metavar="<shell>")
def completion(shell: str) -> None:
    """Print the shell completion script (completes domains, areas, verbs,
    flags and enum values)."""
    from click.shell_completion import get_completion_class

    root = click.get_current_context().find_root().command
    complete_class = get_completion_class(shell)
    if complete_class is None:  # pragma: no cover - click ships all three
        raise click.UsageError(f"Unsupported shell {shell!r}")
    output.emit_text(complete_class(root, {}, PROG, COMPLETE_VAR).source())
