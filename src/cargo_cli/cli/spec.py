"""Commands are declared once, as data, and built into click commands here.

A domain module lists ``Cmd`` objects::

    Cmd("run get", "orchestration.run.get", "Get a run",
        args=(Arg("run-uuid"),))
    Cmd("run list", "orchestration.run.list", "List runs of a workflow",
        opts=(Opt("--workflow-uuid", UUID, required=True), Opt("--limit", INT),
              Opt("--statuses", CSV)))

and calls ``build_domain(...)``. Every option fills the payload field named
by its flag in camelCase (``--workflow-uuid`` → ``workflowUuid``) unless
``field=`` says otherwise (dotted for nesting: ``icon.color``); ``local=True``
options are not sent and reach a custom ``handler`` through
``Invocation.options``. Unset options are omitted; ``NULL`` values are sent
as JSON null.

The default action calls the endpoint with the payload and prints the
result. ``prepare`` validates/transforms the payload client-side (raise
``UsageError``) before anything is sent; ``handler`` replaces the call (waiting
and downloads still apply to what it returns); ``wait`` adds ``--wait-until-finished``/``--polling-interval``/
``--timeout``; ``download=True`` adds ``--output <file>`` which also fetches
the signed ``url`` (or each of ``urls``) the API answers with (``-``: to stdout,
instead of the JSON answer; see cargo_cli.files); a handler
that returns an iterator has its items streamed as one JSON array; ``admin=True`` explains 401/403
as "needs an admin token"; ``text=True`` prints a plain-text answer verbatim.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from cargo_cli import files, output
from cargo_cli.cli.help import HelpCommand, describe_argument
from cargo_cli.cli.numbers import POLLING_MS, SECONDS
from cargo_cli.cli.params import NULL
from cargo_cli.cli.refusals import refuse
from cargo_cli.cli.runtime import Runtime, get_runtime
from cargo_cli.cli.suggest import SuggestingGroup
from cargo_cli.cli.wait import WaitSpec, check_exit_status, exit_status_of, wait_for
from cargo_cli.errors import ApiError, AuthorizationError, CargoError


def camel(flag: str) -> str:
    parts = flag.lstrip("-").split("-")
    return parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:])


def py_name(flag: str) -> str:
    return flag.lstrip("-").replace("-", "_")


@dataclass(frozen=True)
class Opt:
    flag: str
    type: Any = click.STRING
    required: bool = False
    help: str = ""
    field: str | None = None
    local: bool = False
    is_flag: bool = False
    default: Any = None
    hidden: bool = False
    aliases: tuple[str, ...] = ()
    metavar: str | None = None

    @property
    def name(self) -> str:
        return py_name(self.flag)

    @property
    def payload_field(self) -> str:
        return self.field or camel(self.flag)

    def to_click(self) -> click.Option:
        kwargs: dict[str, Any] = {
            "required": self.required,
            "help": self.help,
            "hidden": self.hidden,
            "show_default": self.default is not None and not self.is_flag,
        }
        if self.is_flag:
            kwargs["is_flag"] = True
            kwargs["default"] = None
            kwargs["flag_value"] = True
        else:
            kwargs["type"] = self.type
            if self.default is not None:  # an explicit default=None defeats required= in click >= 8.3
                kwargs["default"] = self.default
            if self.metavar:
                kwargs["metavar"] = self.metavar
        return click.Option([self.flag, *self.aliases, self.name], **kwargs)


@dataclass(frozen=True)
class Arg:
    metavar: str  # as documented: "run-uuid", "sql", "keywords"
    field: str = "uuid"
    type: Any = click.STRING
    nargs: int = 1
    required: bool = True
    local: bool = False
    help: str = ""  # default: derived from the metavar (cli/help.py)

    @property
    def name(self) -> str:
        return py_name(self.metavar)

    @property
    def help_row(self) -> tuple[str, str]:
        return f"<{self.metavar}{'...' if self.nargs == -1 else ''}>", self.help or describe_argument(
            self.metavar
        )

    def to_click(self) -> click.Argument:
        return click.Argument(
            [self.name],
            type=self.type,
            nargs=self.nargs,
            required=self.required,
            metavar=f"<{self.metavar}{'...' if self.nargs == -1 else ''}>",
        )


@dataclass
class Invocation:
    """What a handler gets: the payload to send, the local options, the runtime."""

    cmd: Cmd
    payload: dict[str, Any]
    options: dict[str, Any]
    runtime: Runtime

    @property
    def client(self) -> Any:
        return self.runtime.client

    def call(self, endpoint_id: str | None = None, payload: Mapping[str, Any] | None = None) -> Any:
        endpoint = endpoint_id or self.cmd.endpoint
        if endpoint is None:
            raise ValueError(f"{self.cmd.name} has no endpoint")
        return self.client.call(endpoint, self.payload if payload is None else payload)


Handler = Callable[[Invocation], Any]


@dataclass(frozen=True)
class Cmd:
    name: str  # "area verb"
    endpoint: str | None
    help: str
    args: tuple[Arg, ...] = ()
    opts: tuple[Opt, ...] = ()
    handler: Handler | None = None
    prepare: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    wait: WaitSpec | None = None
    download: bool = False
    admin: bool = False
    text: bool = False  # a plain-text answer is printed verbatim, not as a JSON string
    epilog: str = ""

    @property
    def area(self) -> str:
        return self.name.split(" ")[0]

    @property
    def verb(self) -> str:
        return self.name.split(" ")[-1]


WAIT_OPTS = (
    Opt("--wait-until-finished", is_flag=True, local=True,
        help="Poll until the status is terminal (success, error, cancelled, ...), then print it."),
    Opt("--polling-interval", POLLING_MS, local=True, metavar="MS",
        help="Polling interval in milliseconds while waiting."),
    Opt("--timeout", SECONDS, local=True, metavar="SECONDS",
        help="Give up waiting after this many seconds (the work keeps running)."),
    Opt("--exit-status", is_flag=True, local=True,
        help="With --wait-until-finished: exit 1 when the final status is not success "
             "(the result is printed as usual)."),
)  # fmt: skip
OUTPUT_OPT = Opt(
    "--output", click.Path(dir_okay=False, writable=True, allow_dash=True), local=True, metavar="FILE",
    help="Also fetch the signed URL and stream it to FILE (atomic write; '-' writes the bytes to stdout).",
)  # fmt: skip
DEBUG_OPT = Opt("--debug", is_flag=True, local=True, hidden=True,
                help="Log requests and responses on stderr.")  # fmt: skip


def _set_path(target: dict[str, Any], dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    for part in parts[:-1]:
        target = target.setdefault(part, {})
    target[parts[-1]] = value


def _all_opts(cmd: Cmd) -> tuple[Opt, ...]:
    opts = cmd.opts
    if cmd.wait is not None:
        opts = opts + WAIT_OPTS
    if cmd.download:
        opts = (*opts, OUTPUT_OPT)
    return (*opts, DEBUG_OPT)


def build_payload(cmd: Cmd, values: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    payload: dict[str, Any] = {}
    local: dict[str, Any] = {}
    for arg in cmd.args:
        value = values.get(arg.name)
        if arg.nargs == -1:
            value = list(value or ())
        if arg.local:
            local[arg.name] = value
        elif value is not None:
            _set_path(payload, arg.field, value)
    for opt in _all_opts(cmd):
        value = values.get(opt.name)
        if opt.local:
            local[opt.name] = value
        elif value is not None:
            _set_path(payload, opt.payload_field, None if value is NULL else value)
    return payload, local


def _admin_hint(exc: ApiError) -> ApiError:
    if isinstance(exc, AuthorizationError) or exc.status == 403:
        exc.message = f"{exc.message}: this command needs an admin token (a workspace admin's API token)"
    return exc


def execute(cmd: Cmd, inv: Invocation) -> Any:
    """The default action, shared by every declared command."""
    if cmd.download and inv.options.get("output"):
        files.check_target(inv.options["output"], "--output")  # before anything is sent
    try:
        result = cmd.handler(inv) if cmd.handler is not None else inv.call()
        if cmd.wait is not None:  # it was created: every later failure names it
            output.remember(f"{cmd.wait.label}Uuid", cmd.wait.uuid_of(result))
        if cmd.wait is not None and inv.options.get("wait_until_finished"):
            result = run_wait(cmd.wait, result, inv)
        if cmd.download and inv.options.get("output"):
            download_result(result, inv.options["output"], inv.runtime)
    except ApiError as exc:
        if cmd.admin:
            raise _admin_hint(exc) from None
        raise
    return result


def run_wait(spec: WaitSpec, created: Any, inv: Invocation) -> Any:
    uuid = spec.uuid_of(created)
    if not uuid:
        raise CargoError(f"The API answer has no {spec.label} uuid to wait for", extra={"result": created})
    rt = inv.runtime
    return wait_for(
        spec,
        uuid,
        call=lambda endpoint, payload: rt.client.call(endpoint, payload),
        sleep=rt.sleep,
        clock=rt.clock,
        interval_ms=inv.options.get("polling_interval"),
        timeout_s=inv.options.get("timeout"),
    )


def part_path(destination: str, index: int) -> str:
    """FILE for the first URL, FILE-2, FILE-3... (same suffix) for the next."""
    if index == 0:
        return destination
    path = Path(destination)
    return str(path.with_name(f"{path.stem}-{index + 1}{path.suffix}"))


def download_result(result: Any, destination: str, rt: Runtime) -> list[dict[str, Any]]:
    """Stream the signed ``url`` (or every URL of ``urls``) of an API answer
    to ``destination`` (then ``destination-2``, ...), atomically."""
    urls: Any = None
    if isinstance(result, Mapping):
        urls = result.get("urls", result.get("url"))
    if isinstance(urls, str):
        urls = [urls]
    if not isinstance(urls, list) or not urls or not all(isinstance(u, str) and u for u in urls):
        raise CargoError("The API answer has no url to download", extra={"result": result})
    if destination == files.STDOUT:  # every part, in order, as one stream
        with files.open_target(destination) as sink, transfer_progress("stdout") as on_progress:
            return [rt.client.stream_into(url, sink, on_progress=on_progress) for url in urls]
    written = []
    for index, url in enumerate(urls):
        target = part_path(destination, index)
        with transfer_progress(target) as on_progress:
            written.append(rt.client.download_to(url, target, on_progress=on_progress))
    return written


@contextmanager
def transfer_progress(label: str) -> Iterator[Callable[[int, int | None], None] | None]:
    """A progress callback for a transfer: a rich bar on stderr when it is a
    terminal (stopped afterwards, whatever happens), else ``None``."""
    if not output.stderr_is_tty():
        yield None
        return
    bar = ProgressBar(label)
    try:
        yield bar.update
    finally:
        bar.stop()


class ProgressBar:
    """A transient rich transfer bar on stderr (bytes, speed)."""

    def __init__(self, destination: str) -> None:
        from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn

        self._progress = Progress(
            "[progress.description]{task.description}", BarColumn(), DownloadColumn(),
            TransferSpeedColumn(), console=output.console(), transient=True,
        )  # fmt: skip
        self._task = self._progress.add_task(destination, total=None)
        self._progress.start()

    def update(self, done: int, total: int | None) -> None:
        self._progress.update(self._task, completed=done, total=total)

    def stop(self) -> None:
        self._progress.stop()


def build_command(cmd: Cmd) -> click.Command:
    def callback(**values: Any) -> None:
        ctx = click.get_current_context()
        rt = get_runtime(ctx)
        payload, local = build_payload(cmd, values)
        if local.get("debug"):
            rt.settings.debug = True
        check_exit_status(local)
        if cmd.prepare is not None:
            payload = cmd.prepare(payload)
        result = execute(cmd, Invocation(cmd, payload, local, rt))
        if local.get("output") == files.STDOUT:
            return  # stdout carried the downloaded bytes
        if isinstance(result, Iterator):
            output.emit_array(result)
        elif cmd.text and isinstance(result, str):
            output.emit_text(result)
        else:
            output.emit({} if result is None else result)
        code = exit_status_of(cmd.wait, local, result)
        if code is not None:
            ctx.exit(code)  # after printing the result (--exit-status)

    params: list[click.Parameter] = [a.to_click() for a in cmd.args]
    params += [o.to_click() for o in _all_opts(cmd)]
    return HelpCommand(
        cmd.verb,
        arguments=[arg.help_row for arg in cmd.args],
        callback=callback,
        params=params,
        help=cmd.help,
        short_help=cmd.help.split("\n")[0],
        epilog=cmd.epilog or None,
        no_args_is_help=False,
    )


class HintingGroup(SuggestingGroup):
    """A group that answers removed/renamed and unavailable names with a
    refusal (cli/refusals.py), and unknown ones with a suggestion."""

    def __init__(self, *args: Any, removed: Mapping[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.removed = dict(removed or {})

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        if args and args[0] not in self.commands:
            refuse(ctx, args, self.removed)
        return super().resolve_command(ctx, args)


def build_domain(
    name: str,
    help: str,
    cmds: Sequence[Cmd],
    *,
    areas: Mapping[str, str] | None = None,
    removed: Mapping[str, str] | None = None,
) -> click.Group:
    """A domain group with one subgroup per area. ``removed`` maps a name
    that no longer exists (an area, or ``"area verb"``) to the error message
    it should produce."""
    gone: dict[str, dict[str, str]] = {}
    for key, message in (removed or {}).items():
        area, _, verb = key.rpartition(" ")
        gone.setdefault(area, {})[verb] = message
    domain = HintingGroup(name, help=help, removed=gone.get(""))
    area_groups: dict[str, click.Group] = {}
    for cmd in cmds:
        group = area_groups.get(cmd.area)
        if group is None:
            area_help = (areas or {}).get(cmd.area, f"{cmd.area} commands")
            group = HintingGroup(cmd.area, help=area_help, removed=gone.get(cmd.area))
            area_groups[cmd.area] = group
            domain.add_command(group)
        group.add_command(build_command(cmd))
    return domain
