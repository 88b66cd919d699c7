"""``cargo-ai commands [DOMAIN [AREA]]``: the command tree as one JSON document
for agents, generated from the click tree, the registry (cli/registry.py), the
declared rows (``spec.Cmd``: endpoint, wait, download, paging), the refusals
(cli/refusals.py), the help examples (on the rows), the environment table and
docs/exit-codes.md. Nothing in it is written by hand; the only facts declared
here are the API calls of the few commands written with click directly (or
whose handler picks its calls: ``handwritten_calls``), and tests fail when a
leaf is missing from them (tests/cli/test_command_map.py). See docs/agents.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import click

from cargo_cli import __version__, output
from cargo_cli.cli.flags import add_leaf_params
from cargo_cli.cli.help import HelpCommand

SCHEMA_VERSION = 1

ANY_CALL = "*"  # `cargo-ai api`: any call by name, or a raw request under /v1


def handwritten_calls() -> dict[str, tuple[Any, ...]]:
    """The API calls (typed resource methods) of the leaves that declare no
    endpoint: written with click directly, or a handler that picks its calls.
    Leaves that send nothing are cli/dryrun.py's ``LOCAL``; a test fails on a
    leaf in neither."""
    from cargo_cli.api.resources import ai, connection, hosting, orchestration
    from cargo_cli.api.resources import user_management as users
    from cargo_cli.api.resources import workspace_management as workspaces

    profile = (users.User.get_current, workspaces.Workspace.get_current)
    catalog = (  # assembled client-side from its sources (cli/catalog.py)
        connection.Connector.list,
        connection.Integration.list,
        connection.Integration.get,
        connection.NativeIntegration.get,
        orchestration.Tool.all,
        ai.Agent.all,
    )
    return {
        "login": profile,
        "whoami": profile,
        "doctor": profile,
        "api": (ANY_CALL,),
        "hosting app env": (hosting.App.get, hosting.EnvVars.list),
        # --nodes / --file draw locally; a run, a release or a workflow's release is fetched
        "orchestration node diagram": (
            orchestration.Run.get,
            orchestration.Release.get,
            orchestration.DraftRelease.get,
            orchestration.Release.get_deployed,
        ),
        "orchestration action list": catalog,
        "connection action search": catalog,
    }


_ENV_IN_HELP = re.compile(r"\bor ([A-Z][A-Z0-9_]{2,})\b")


def _json_default(value: Any) -> Any:
    """A default as JSON: plain values as they are, anything else as text."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if type(value).__name__ == "Sentinel":  # click >= 8.3: no default
        return None
    if isinstance(value, (list, tuple)):
        return [_json_default(item) for item in value]
    return str(value)


def _type_name(param: click.Parameter) -> str:
    if isinstance(param, click.Option) and param.is_flag:
        return "flag"
    name = getattr(param.type, "name", None) or type(param.type).__name__
    return str(name).lower()


def describe_flag(option: click.Option) -> dict[str, Any]:
    # the first long name as declared (aliases after it), then the short ones
    longest = [
        *(o for o in option.opts if o.startswith("--")),
        *(o for o in option.opts if not o.startswith("--")),
    ]
    flag: dict[str, Any] = {
        "name": longest[0],
        "type": _type_name(option),
        "required": bool(option.required),
        "default": None if callable(option.default) or option.is_flag else _json_default(option.default),
        "repeatable": bool(option.multiple),
    }
    if longest[1:] or option.secondary_opts:
        flag["aliases"] = [*longest[1:], *option.secondary_opts]
    if isinstance(option.type, click.Choice):
        flag["choices"] = [str(choice) for choice in option.type.choices]
    envvar = option.envvar
    if not envvar:
        found = _ENV_IN_HELP.search(option.help or "")
        envvar = found.group(1) if found else None
    if envvar:
        flag["envvar"] = envvar if isinstance(envvar, str) else list(envvar)
    if option.metavar:
        flag["metavar"] = option.metavar
    flag["help"] = option.help or ""
    return flag


def _positionals(command: click.Command) -> list[dict[str, Any]]:
    helps = dict(command.arguments) if isinstance(command, HelpCommand) else {}
    found = []
    for param in command.params:
        if not isinstance(param, click.Argument):
            continue
        metavar = param.metavar or f"<{param.name}>"
        found.append(
            {
                "name": metavar.strip("<>").removesuffix("..."),
                "required": bool(param.required),
                "repeatable": param.nargs == -1,
                "help": helps.get(metavar, ""),
            }
        )
    return found


def _call(endpoint: Any) -> dict[str, Any]:
    if endpoint == ANY_CALL:
        return {"id": "*", "method": "*", "path": "/v1/* (any call by name, or a raw request under /v1)"}
    from cargo_cli.api.endpoints import ENDPOINTS

    endpoint_id = _endpoint_id(endpoint)
    endpoint = ENDPOINTS[endpoint_id]
    return {"id": endpoint_id, "method": endpoint.method, "path": "/v1" + endpoint.path}


def _behaviour(path: str, command: click.Command) -> dict[str, Any]:
    """What the leaf does: its API calls (or local), whether it waits, pages, downloads."""
    from cargo_cli.cli.dryrun import LOCAL

    row = getattr(command, "cargo_row", None)
    names = {name for param in command.params for name in getattr(param, "opts", ())}
    described: dict[str, Any] = {}
    if path in LOCAL:
        described["kind"] = "local"
    else:
        endpoint = row.endpoint if row is not None else None
        calls = (endpoint,) if endpoint is not None else handwritten_calls().get(path)
        if calls is None:
            raise LookupError(f"`{path}` has no API call and is not local: declare it in handwritten_calls()")
        described["kind"] = "api"
        described["calls"] = [_call(call) for call in calls]
    wait = getattr(row, "wait", None)
    described["waits"] = (
        {"label": wait.label, "polls": _call(wait.get_endpoint)} if wait is not None else False
    )
    described["pages"] = "--all" in names
    described["downloads"] = bool(getattr(row, "download", False))
    return described


def _endpoint_id(endpoint: Any) -> str:
    from cargo_cli.api.resources import endpoint_id_of

    return endpoint_id_of(endpoint)


def describe_leaf(path: str, command: click.Command) -> dict[str, Any]:
    summary = command.short_help or (command.help or "").strip().split("\n")[0]
    return {
        "path": path,
        "summary": summary,
        "positionals": _positionals(command),
        "flags": [
            describe_flag(param)
            for param in command.params
            if isinstance(param, click.Option) and not param.hidden
        ],
        **_behaviour(path, command),
        "examples": list(getattr(command, "examples", ())),
    }


def leaves(command: click.Command, ctx: click.Context, path: str = "") -> Iterator[tuple[str, click.Command]]:
    """``("orchestration run get", command)`` for every leaf below ``command``."""
    if not isinstance(command, click.Group):
        add_leaf_params(command)
        yield path, command
        return
    for name in command.list_commands(ctx):
        sub = command.get_command(ctx, name)
        if sub is not None:
            sub_ctx = click.Context(sub, info_name=name, parent=ctx)
            yield from leaves(sub, sub_ctx, f"{path} {name}".strip())


def _refused(prefix: tuple[str, ...]) -> list[dict[str, Any]]:
    from cargo_cli.cli.refusals import UNAVAILABLE

    found = []
    for words, unavailable in UNAVAILABLE.items():
        if words[: len(prefix)] != prefix and prefix[: len(words)] != words:
            continue
        error = unavailable.error(words, ())
        found.append({"path": " ".join(words), "kind": "refused", "reason": error.message})
    return found


def exit_codes() -> list[dict[str, Any]]:
    """The table of docs/exit-codes.md, row by row."""
    from cargo_cli.cli.docs import topics

    page = topics().get("exit-codes")
    rows = []
    for line in page.read_text(encoding="utf-8").splitlines() if page else ():
        cells = [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
        if len(cells) == 3 and cells[0].isdigit():
            rows.append({"code": int(cells[0]), "when": cells[1], "stdout": cells[2]})
    return rows


def global_flags(root: click.Command, ctx: click.Context) -> list[dict[str, Any]]:
    return [describe_flag(p) for p in root.get_params(ctx) if isinstance(p, click.Option) and not p.hidden]


def _narrow(
    root: click.Group, ctx: click.Context, words: tuple[str, ...]
) -> tuple[click.Command, click.Context]:
    """The group (or leaf) named by ``words``; an unknown word is a usage
    error with the usual did-you-mean."""
    from cargo_cli.cli.suggest import no_such_command

    command: click.Command = root
    for word in words:
        if not isinstance(command, click.Group):
            raise click.UsageError(f"`{ctx.command_path.removeprefix('cargo-ai ')}` has no sub-commands")
        found = command.get_command(ctx, word)
        if found is None:
            from cargo_cli.cli.refusals import UNAVAILABLE

            words_so_far = (*ctx.command_path.split()[1:], word)
            if words_so_far in UNAVAILABLE:
                raise UNAVAILABLE[words_so_far].error(words_so_far, ())
            raise click.UsageError(no_such_command(word, command.list_commands(ctx)))
        command, ctx = found, click.Context(found, info_name=word, parent=ctx)
    return command, ctx


def build(*words: str) -> dict[str, Any]:
    """The document: everything, or below ``words`` (a domain, an area)."""
    from cargo_cli.cli.help import ENVIRONMENT
    from cargo_cli.cli.root import cli

    root_ctx = click.Context(cli, info_name="cargo-ai")
    start, ctx = _narrow(cli, root_ctx, words)
    prefix = " ".join(words)
    document: dict[str, Any] = {
        "schemaVersion": SCHEMA_VERSION,
        "cli": {"name": "cargo-ai", "version": __version__},
        "usage": "cargo-ai [GLOBAL FLAGS] <domain> <area> <verb> [ARGS] [FLAGS]",
        "globalFlags": global_flags(cli, root_ctx),
        "environment": [{"name": name, "help": text} for name, text in ENVIRONMENT],
        "exitCodes": exit_codes(),
    }
    if words:
        document["scope"] = prefix
    document["commands"] = [describe_leaf(path, command) for path, command in leaves(start, ctx, prefix)]
    document["refused"] = _refused(tuple(words))
    return document


@click.command(
    "commands",
    cls=HelpCommand,
    examples=(
        "cargo-ai commands",
        "cargo-ai commands orchestration run",
        "cargo-ai commands --jq '.commands[]|select(.kind==\"local\")|.path'",
    ),
    arguments=[
        ("<domain>", "Only this domain (e.g. orchestration) or top-level command."),
        ("<area>", "Only this area of the domain (e.g. run)."),
    ],
)
@click.argument("domain", required=False, metavar="<domain>")
@click.argument("area", required=False, metavar="<area>")
def commands(domain: str | None, area: str | None) -> None:
    """Print every command, its flags, API call and examples as one JSON document (for agents)."""
    words = tuple(word for word in (domain, area) if word)
    output.emit(build(*words))
