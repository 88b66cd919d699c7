"""The root ``cargo-ai`` group. Domains are loaded only when invoked, so
``cargo-ai --help`` imports neither httpx nor pydantic nor rich."""

from __future__ import annotations

from typing import Any

import click

from cargo_cli import __version__, output
from cargo_cli.cli.help import ROOT_EPILOG, format_environment, write_paragraphs
from cargo_cli.cli.numbers import SECONDS
from cargo_cli.cli.runtime import Runtime
from cargo_cli.cli.suggest import SuggestingGroup

# name -> (module, attribute, one-line help). Order is the help order.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "login": ("cargo_cli.cli.commands.auth", "login", "Log in with an API token or OAuth; store the credentials."),
    "logout": ("cargo_cli.cli.commands.auth", "logout", "Forget the stored login."),
    "whoami": ("cargo_cli.cli.commands.auth", "whoami", "Print the current user, workspace and API origin."),
    "version": ("cargo_cli.cli.commands.auth", "version", "Print the CLI version as JSON."),
    "orchestration": ("cargo_cli.cli.commands.orchestration", "group", "Actions, runs, batches, records, releases, plays, tools, nodes, queries."),
    "storage": ("cargo_cli.cli.commands.storage", "group", "Datasets, models, columns, relationships, records, SQL."),
    "segmentation": ("cargo_cli.cli.commands.segmentation", "group", "Segments, changes and record fetches."),
    "connection": ("cargo_cli.cli.commands.connection", "group", "Integrations, connectors and the action catalog."),
    "ai": ("cargo_cli.cli.commands.ai", "group", "Agents, releases, chats, messages, MCP servers, memories, documents."),
    "billing": ("cargo_cli.cli.commands.billing", "group", "Usage metrics and the subscription."),
    "workspaceManagement": ("cargo_cli.cli.commands.workspace_management", "group", "Users, roles, tokens, folders, files, reports, sessions."),
    "content": ("cargo_cli.cli.commands.content", "group", "Knowledge libraries and files."),
    "context": ("cargo_cli.cli.commands.context", "group", "The GTM context repository and its knowledge graph."),
    "expression": ("cargo_cli.cli.commands.expression", "group", "Evaluate template expressions."),
    "hosting": ("cargo_cli.cli.commands.hosting", "group", "Apps, workers and their deployments."),
    "system-of-record": ("cargo_cli.cli.commands.system_of_record", "group", "Systems of record and SQL against them."),
    "observability": ("cargo_cli.cli.commands.observability", "group", "Scheduled threshold alerts and their events."),
    "doctor": ("cargo_cli.cli.commands.doctor", "doctor", "Diagnose the setup: version, credentials, keyring, API, workspace, clock."),
    "api": ("cargo_cli.cli.commands.api_call", "api", "Call any Cargo API call by name, or send a raw request under /v1."),
    "completion": ("cargo_cli.cli.completion", "completion", "Print the shell completion script (bash, zsh, fish)."),
    "docs": ("cargo_cli.cli.docs", "docs", "Print the documentation shipped with cargo-ai."),
}  # fmt: skip

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

        module = importlib.import_module(entry[0])
        command: click.Command = getattr(module, entry[1])
        return command

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        from cargo_cli.cli.refusals import refuse  # not needed by --help

        refuse(ctx, args, REMOVED)
        return super().resolve_command(ctx, args)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, entry[2]) for name, entry in COMMANDS.items()]
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
@click.option(
    "--debug", is_flag=True, default=None, help="Log each request and response on stderr (or CARGO_DEBUG=1)."
)
@click.option(
    "--timeout",
    type=SECONDS,
    default=None,
    metavar="SECONDS",
    help="Per-request time budget (or CARGO_TIMEOUT; default 360).",
)
@click.option("--no-color", is_flag=True, help="No colour in terminal output (or NO_COLOR).")
@click.pass_context
def cli(ctx: click.Context, debug: bool | None, timeout: float | None, no_color: bool) -> None:
    """cargo-ai: the Cargo GTM platform from the command line."""
    output.set_color(False if no_color else None)
    runtime = ctx.obj if isinstance(ctx.obj, Runtime) else Runtime()
    if debug:
        runtime.settings.debug = True
    if timeout is not None:
        runtime.settings.timeout = timeout
    ctx.obj = runtime
    ctx.call_on_close(runtime.close)


def run(args: list[str] | None, runtime: Runtime | None = None) -> Any:
    return cli.main(args=args, prog_name="cargo-ai", standalone_mode=False, obj=runtime)
