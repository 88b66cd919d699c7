"""The root ``cargo-ai`` group. Domains are loaded only when invoked, so
``cargo-ai --help`` imports neither httpx nor pydantic nor rich."""

from __future__ import annotations

from typing import Any

import click

from cargo_cli import __version__, output
from cargo_cli.cli import flags, registry
from cargo_cli.cli.help import ROOT_EPILOG, format_environment, write_paragraphs
from cargo_cli.cli.runtime import Runtime, get_runtime
from cargo_cli.cli.suggest import SuggestingGroup

# The top-level commands and domains, with their help: cli/registry.py.
COMMANDS = registry.COMMANDS

# Names that do not exist (any more), with a pointer to what does. Documented
# commands this CLI cannot run are refused in cli/refusals.py.
REMOVED: dict[str, str] = {
    "workspace": "No such command 'workspace': the domain is now 'workspaceManagement' "
    "(e.g. `cargo-ai workspaceManagement folder list`).",
}


class LazyRoot(SuggestingGroup):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        import importlib

        module = importlib.import_module(entry.module)
        command: click.Command = getattr(module, entry.attribute)
        flags.add_leaf_params(command)  # --debug, --jq, --dry-run after a top-level command too
        return command

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        from cargo_cli.cli.refusals import refuse  # not needed by --help

        refuse(ctx, args, REMOVED)
        return super().resolve_command(ctx, args)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, entry.help) for name, entry in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        format_environment(formatter)
        formatter.write_paragraph()
        write_paragraphs(formatter, ROOT_EPILOG)


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        output.emit_text(__version__)
        ctx.exit(0)


def _refuse_chat(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        from cargo_cli.cli.refusals import refuse_chat_option

        refuse_chat_option(ctx, param, value)


@click.group(
    cls=LazyRoot,
    context_settings={"help_option_names": ["--help", "-h"], "max_content_width": 100},
)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Print the version and exit.",
)
@click.option("--chat", is_flag=True, hidden=True, expose_value=False, callback=_refuse_chat)
@click.option("--no-color", is_flag=True, help="No colour in terminal output (or NO_COLOR).")
@click.pass_context
def cli(ctx: click.Context, no_color: bool) -> None:
    """cargo-ai: the Cargo GTM platform from the command line."""
    output.set_color(False if no_color else None)
    runtime = get_runtime(ctx)  # --debug / --request-timeout (cli/flags.py) have set it up
    ctx.call_on_close(runtime.close)


cli.params += [
    flags.debug_param(hidden=False),
    *flags.request_timeout_params(),
    flags.jq_param(hidden=False),
    flags.dry_run_param(hidden=False),
]


def run(args: list[str] | None, runtime: Runtime | None = None) -> Any:
    try:
        return cli.main(args=args, prog_name="cargo-ai", standalone_mode=False, obj=runtime)
    except BaseException as exc:
        if type(exc).__name__ != "Captured":
            raise
        from cargo_cli.cli import dryrun  # the end of a dry run: its first request, caught

        if not isinstance(exc, dryrun.Captured):
            raise
        output.emit(exc.document)
        return None
