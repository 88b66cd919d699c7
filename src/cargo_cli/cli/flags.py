"""The flags the framework gives, defined once:

- ``--debug``: the one debug switch, shown at the root (``cargo-ai --debug
  ...``) and accepted, hidden, after every leaf command;
- ``--request-timeout`` (root; ``--timeout`` before the command is its old
  name): the HTTP deadline of each request, ``Settings.timeout``;
- the waiting flags of a row with ``wait=``: ``--wait-until-finished``,
  ``--polling-interval`` and the vendor's ``--timeout``, which there is the
  *wait limit* (``WaitFlags.wait_limit``), never the HTTP deadline;
- the ``--output FILE`` of a row with ``download=True``;
- ``--jq EXPR`` and ``--dry-run``, like ``--debug``: at the root and,
  hidden, after every leaf (cli/jq.py, cli/dryrun.py; docs/agents.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import click

from cargo_cli.cli.numbers import SECONDS
from cargo_cli.cli.runtime import get_runtime

DEBUG_HELP = "Log each request and response on stderr (or CARGO_DEBUG=1)."
REQUEST_TIMEOUT_HELP = "HTTP deadline of each request, in seconds (or CARGO_TIMEOUT; default 360)."


def _set_debug(ctx: click.Context, _param: click.Parameter, value: bool | None) -> None:
    if value:
        get_runtime(ctx).settings.debug = True


def _set_request_timeout(ctx: click.Context, _param: click.Parameter, value: float | None) -> None:
    if value is not None:
        get_runtime(ctx).settings.timeout = value


JQ_HELP = "Filter the JSON result with a jq expression; each result on its own line, strings raw."
DRY_RUN_HELP = "Print the request the command would send first, as JSON, and send nothing."


def _set_jq(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value is None or ctx.resilient_parsing:
        return
    from cargo_cli import output
    from cargo_cli.cli.jq import compile_filter  # the jq library loads only here

    output.set_filter(compile_filter(value))  # a bad expression: exit 2, nothing sent


def _set_dry_run(ctx: click.Context, _param: click.Parameter, value: bool | None) -> None:
    if ctx.resilient_parsing:
        return
    rt = get_runtime(ctx)
    if value:
        rt.dry_run = True
    if rt.dry_run and not isinstance(ctx.command, click.Group):  # the leaf: it must call the API
        from cargo_cli.cli.dryrun import refuse_local

        refuse_local(ctx)


def jq_param(*, hidden: bool = True) -> click.Option:
    return click.Option(
        ["--jq"],
        metavar="EXPR",
        default=None,
        expose_value=False,
        hidden=hidden,
        help=JQ_HELP,
        callback=_set_jq,
    )


def dry_run_param(*, hidden: bool = True) -> click.Option:
    return click.Option(
        ["--dry-run"], is_flag=True, default=None, expose_value=False, hidden=hidden, help=DRY_RUN_HELP,
        callback=_set_dry_run,
    )  # fmt: skip


def leaf_params() -> list[click.Option]:
    """What every leaf command accepts after its name: ``--debug``, ``--jq``, ``--dry-run``."""
    return [debug_param(), jq_param(), dry_run_param()]


def add_leaf_params(command: click.Command) -> None:
    """Give a command written with click directly (``login``, ``api``...) the
    leaf flags it lacks (once; the command objects live as long as the process)."""
    if isinstance(command, click.Group):
        return
    have = {name for param in command.params for name in getattr(param, "opts", ())}
    command.params += [param for param in leaf_params() if param.opts[0] not in have]


_DEBUG: dict[str, Any] = {"is_flag": True, "default": None, "expose_value": False, "callback": _set_debug}


def debug_param(*, hidden: bool = True) -> click.Option:
    return click.Option(["--debug"], hidden=hidden, help=DEBUG_HELP, **_DEBUG)


# the decorator form, for commands written with click directly (login, doctor, api...)
debug_option = click.option("--debug", hidden=True, help=DEBUG_HELP, **_DEBUG)


def request_timeout_params() -> list[click.Option]:
    common: dict[str, Any] = {
        "type": SECONDS,
        "default": None,
        "metavar": "SECONDS",
        "expose_value": False,
        "callback": _set_request_timeout,
    }
    return [
        click.Option(["--request-timeout"], help=REQUEST_TIMEOUT_HELP, **common),
        click.Option(["--timeout", "request_timeout_alias"], hidden=True, **common),
    ]


@dataclass(frozen=True)
class WaitFlags:
    """What a waiting row's flags say."""

    wait_until_finished: bool = False
    polling_interval: int | None = None  # ms
    wait_limit: float | None = None  # seconds (the vendor's --timeout on waiting commands)
    exit_status: bool = False  # --exit-status: exit 1 when the status waited for is not a success
