"""Commands are declared once, as data, and built into click commands here.

A domain module lists ``Cmd`` objects, each naming the typed resource method
(``api/resources``) of the call it makes::

    Cmd("run get", orchestration.Run.get, "Get a run",
        args=(Arg("run-uuid"),))
    Cmd("run list", orchestration.Run.list, "List runs of a workflow",
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
the signed ``url`` (or each of ``urls``) the API answers with (``-``,
/dev/stdout...: to stdout, and the JSON answer to stderr; see cargo_cli.files); a handler
that returns an iterator has its items streamed as one JSON array; ``admin=True`` explains 401/403
as "needs an admin token"; ``text=True`` prints a plain-text answer verbatim.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

import click

from cargo_cli import files, output
from cargo_cli.api.resources import endpoint_id_of
from cargo_cli.cli.flags import WaitFlags, leaf_params
from cargo_cli.cli.help import HelpCommand, describe_argument
from cargo_cli.cli.numbers import POLLING_MS, SECONDS
from cargo_cli.cli.params import NULL
from cargo_cli.cli.refusals import refuse
from cargo_cli.cli.runtime import Runtime, get_runtime
from cargo_cli.cli.suggest import SuggestingGroup
from cargo_cli.cli.wait import ResourceMethod, WaitSpec, check_exit_status, exit_status_of, wait_for
from cargo_cli.errors import ApiError, AuthorizationError, CargoError, UsageError

if TYPE_CHECKING:
    from cargo_cli.api.resources import Check


def camel(flag: str) -> str:
    parts = flag.lstrip("-").split("-")
    return parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:])


def py_name(flag: str) -> str:
    return flag.lstrip("-").replace("-", "_")


class Opt:
    """One flag of a row: ``Opt(flag, type, field=..., local=..., **click)``.

    ``field`` is the payload field it fills (default: the flag in camelCase;
    dotted for nesting), ``local=True`` keeps it out of the payload (a
    handler reads it), ``name`` the Python name (default: from the flag).
    Every other keyword is click's own (``required``, ``help``, ``is_flag``,
    ``default``, ``hidden``, ``metavar``, ``multiple``, ``envvar``...), passed
    to ``click.Option`` as given; two defaults differ: an ``is_flag`` is
    ``None`` unless given (so unset flags are not sent) and ``default=None``
    is not passed (it defeats ``required=`` in click >= 8.3).
    """

    __slots__ = ("aliases", "click", "field", "flag", "local", "name", "type")

    def __init__(
        self,
        flag: str,
        type: Any = click.STRING,
        *,
        field: str | None = None,
        local: bool = False,
        aliases: tuple[str, ...] = (),
        name: str | None = None,
        **click_kwargs: Any,
    ) -> None:
        self.flag = flag
        self.type = type
        self.field = field
        self.local = local
        self.aliases = aliases
        self.name = name or py_name(flag)
        self.click: dict[str, Any] = click_kwargs

    def __repr__(self) -> str:
        return f"Opt({self.flag!r})"

    @property
    def required(self) -> bool:
        return bool(self.click.get("required"))

    @property
    def is_flag(self) -> bool:
        return bool(self.click.get("is_flag"))

    @property
    def payload_field(self) -> str:
        return self.field or camel(self.flag)

    def to_click(self) -> click.Option:
        kwargs = dict(self.click)
        if kwargs.get("default", 0) is None:
            del kwargs["default"]
        if self.is_flag:
            kwargs.setdefault("default", None)
            kwargs.setdefault("flag_value", True)
        else:
            kwargs["type"] = self.type
            kwargs.setdefault("show_default", "default" in kwargs)
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


T = TypeVar("T")


class Options(Mapping[str, Any]):
    """A row's local options (``local=True``) by Python name. Reading a name
    the row does not declare is a bug, raised at once (not a silent None)."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        self._values = dict(values)

    def __getitem__(self, name: str) -> Any:
        if name not in self._values:
            raise KeyError(f"no local option {name!r} on this command (declared: {sorted(self._values)})")
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def get(self, name: str, default: Any = None) -> Any:
        value = self[name]
        return default if value is None else value

    def typed(self, cls: type[T]) -> T:
        """The options as the row's options dataclass (``Cmd(options=...)``):
        attribute reads, checked by mypy."""
        return cls(**self._values)


@dataclass
class Invocation:
    """What a handler gets: the payload to send, the row's local options,
    the framework's flags (typed), the runtime."""

    cmd: Cmd
    payload: dict[str, Any]
    options: Options
    runtime: Runtime
    waiting: WaitFlags = field(default_factory=WaitFlags)
    output_file: str | None = None  # --output of a download row

    @property
    def client(self) -> Any:
        return self.runtime.client

    def call(self, endpoint: ResourceMethod | None = None, payload: Mapping[str, Any] | None = None) -> Any:
        """Run ``endpoint`` (a resource method; default: the row's) with
        ``payload`` (default: the one the flags built), checked as the
        documented command requires (``payload_check``)."""
        from cargo_cli.api.errors import InvalidPayload
        from cargo_cli.api.resources import call_method

        method = endpoint or self.cmd.endpoint
        if method is None:
            raise ValueError(f"{self.cmd.name} has no endpoint")
        data = self.payload if payload is None else payload
        try:
            return call_method(method, lambda: self.client, data, check=payload_check(self.cmd))
        except InvalidPayload as exc:  # a value outside the call's choices: name the flag
            flag = self.cmd.flag_for(exc.field)
            raise UsageError(
                exc.message.replace(f" {exc.field}", f" '{flag}'", 1) if flag else exc.message
            ) from None


Handler = Callable[[Invocation], Any]


@dataclass(frozen=True)
class Cmd:
    name: str  # "area verb"
    endpoint: ResourceMethod | None  # the resource method, e.g. orchestration.Run.get
    help: str
    args: tuple[Arg, ...] = ()
    opts: tuple[Opt, ...] = ()
    handler: Handler | None = None
    prepare: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    wait: WaitSpec | None = None
    download: bool = False
    admin: bool = False
    text: bool = False  # a plain-text answer is printed verbatim, not as a JSON string
    options: type | None = None  # a dataclass of the row's local options, for inv.options.typed()
    epilog: str = ""
    examples: tuple[str, ...] = ()  # command lines shown under "Examples:" in its help

    def flag_for(self, field: str | None) -> str | None:
        """The flag (or ``<positional>``) that fills payload ``field``."""
        for opt in self.opts:
            if not opt.local and opt.payload_field.split(".")[0] == field:
                return opt.flag
        for arg in self.args:
            if not arg.local and arg.field.split(".")[0] == field:
                return f"<{arg.metavar}>"
        return None

    @property
    def endpoint_id(self) -> str | None:
        return None if self.endpoint is None else endpoint_id_of(self.endpoint)

    @property
    def area(self) -> str:
        return self.name.split(" ")[0]

    @property
    def verb(self) -> str:
        return self.name.split(" ")[-1]


# The flags a row gets from ``wait=`` and ``download=True`` (cli/flags.py
# says what they mean); every row also takes the one hidden ``--debug``.
WAIT_OPTS = (
    Opt("--wait-until-finished", is_flag=True, local=True,
        help="Poll until the status is terminal (success, error, cancelled, ...), then print it."),
    Opt("--polling-interval", POLLING_MS, local=True, metavar="MS",
        help="Polling interval in milliseconds while waiting."),
    Opt("--timeout", SECONDS, local=True, metavar="SECONDS", name="wait_limit",
        help="Give up waiting after this many seconds (the work keeps running)."),
    Opt("--exit-status", is_flag=True, local=True,
        help="With --wait-until-finished: exit 1 when the final status is not success "
             "(the result is printed as usual)."),
)  # fmt: skip
OUTPUT_OPT = Opt(
    "--output", click.Path(dir_okay=False, writable=True, allow_dash=True), local=True, metavar="FILE",
    help="Also fetch the signed URL and stream it to FILE (atomic write; '-' or /dev/stdout: the bytes go to stdout, the JSON answer to stderr).",
)  # fmt: skip
FRAMEWORK_OPTS = frozenset(o.name for o in (*WAIT_OPTS, OUTPUT_OPT))


def payload_check(cmd: Cmd) -> Check:
    """What the one payload check (in the resource method) looks at for a
    documented command: the call's choices only. Fields the API requires but
    the documented command leaves optional are not asked for (the documented
    command is the contract; the server decides), kinds are the flags' own
    business, and a flag with its own choices (the documented ones) is not
    second-guessed. See docs/design.md."""
    from cargo_cli.api.resources import Check

    own_choices = frozenset(
        o.payload_field for o in cmd.opts if isinstance(o.type, click.Choice) and not o.local
    )
    return Check(require=False, kinds=False, skip=own_choices)


def _set_path(target: dict[str, Any], dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    for part in parts[:-1]:
        target = target.setdefault(part, {})
    target[parts[-1]] = value


def row_opts(cmd: Cmd) -> tuple[Opt, ...]:
    """The row's flags: its own, then the waiting flags (``wait=``) and
    ``--output`` (``download=True``)."""
    opts = cmd.opts
    if cmd.wait is not None:
        opts = opts + WAIT_OPTS
    if cmd.download:
        opts = (*opts, OUTPUT_OPT)
    return opts


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
    for opt in row_opts(cmd):
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
    if cmd.download and inv.output_file:
        files.check_target(inv.output_file, "--output")  # before anything is sent
    try:
        result = cmd.handler(inv) if cmd.handler is not None else inv.call()
        if cmd.wait is not None:  # it was created: every later failure names it
            output.remember(f"{cmd.wait.label}Uuid", cmd.wait.uuid_of(result))
        if cmd.wait is not None and inv.waiting.wait_until_finished:
            result = run_wait(cmd.wait, result, inv)
        if cmd.download and inv.output_file:
            from cargo_cli.cli.transfer import download_result

            download_result(result, inv.output_file, inv.runtime)
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
        call=inv.call,
        sleep=rt.sleep,
        clock=rt.clock,
        interval_ms=inv.waiting.polling_interval,
        timeout_s=inv.waiting.wait_limit,
    )


def wait_flags(local: Mapping[str, Any]) -> WaitFlags:
    """The waiting flags among the local values, typed."""
    return WaitFlags(
        wait_until_finished=bool(local.get("wait_until_finished")),
        polling_interval=local.get("polling_interval"),
        wait_limit=local.get("wait_limit"),
        exit_status=bool(local.get("exit_status")),
    )


def invocation(cmd: Cmd, payload: dict[str, Any], local: Mapping[str, Any], rt: Runtime) -> Invocation:
    """Split the local values: the framework's flags become typed fields."""
    waiting = wait_flags(local)
    own = {name: value for name, value in local.items() if name not in FRAMEWORK_OPTS}
    return Invocation(cmd, payload, Options(own), rt, waiting=waiting, output_file=local.get("output"))


def check_options_type(cmd: Cmd) -> None:
    """A row's options dataclass must name exactly its local options."""
    if cmd.options is None:
        return
    declared = {a.name for a in cmd.args if a.local} | {o.name for o in cmd.opts if o.local}
    fields = {f.name for f in dataclasses.fields(cmd.options)}
    if fields != declared:
        raise TypeError(
            f"{cmd.name}: {cmd.options.__name__} fields {sorted(fields)} != local options {sorted(declared)}"
        )


def build_command(cmd: Cmd) -> click.Command:
    check_options_type(cmd)

    def callback(**values: Any) -> None:
        ctx = click.get_current_context()
        rt = get_runtime(ctx)
        payload, local = build_payload(cmd, values)
        check_exit_status(wait_flags(local))
        if cmd.prepare is not None:
            payload = cmd.prepare(payload)
        inv = invocation(cmd, payload, local, rt)
        if inv.output_file is not None and files.is_stdout(inv.output_file) and output.filtering():
            raise UsageError("--jq filters JSON; with --output - stdout carries the downloaded bytes")
        if rt.dry_run:
            from cargo_cli.cli.dryrun import plan

            rt.dry_run_then.extend(plan(cmd, inv))
        result = execute(cmd, inv)
        if inv.output_file is not None and files.is_stdout(inv.output_file):
            output.emit_to_stderr({} if result is None else result)  # stdout carried the file
        elif isinstance(result, Iterator):
            (output.emit_ndjson if local.get("ndjson") else output.emit_array)(result)
        elif cmd.text and isinstance(result, str):
            output.emit_text(result)
        else:
            output.emit({} if result is None else result)
        code = exit_status_of(cmd.wait, inv.waiting, result)
        if code is not None:
            ctx.exit(code)  # after printing the result (--exit-status)

    params: list[click.Parameter] = [a.to_click() for a in cmd.args]
    params += [o.to_click() for o in row_opts(cmd)]
    declared = {o.flag for o in row_opts(cmd)}
    params += [param for param in leaf_params() if param.opts[0] not in declared]
    command = HelpCommand(
        cmd.verb,
        arguments=[arg.help_row for arg in cmd.args],
        examples=cmd.examples,
        callback=callback,
        params=params,
        help=cmd.help,
        short_help=cmd.help.split("\n")[0],
        epilog=cmd.epilog or None,
        no_args_is_help=False,
    )
    command.cargo_row = cmd  # type: ignore[attr-defined]  # read by `cargo-ai commands` (cli/command_map.py)
    return command


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
    cmds: Sequence[Cmd],
    *,
    areas: Mapping[str, str] | None = None,
    removed: Mapping[str, str] | None = None,
    help: str | None = None,
) -> click.Group:
    """A domain group with one subgroup per area (its help is the domain's
    line in cli/registry.py unless ``help`` is given). ``removed`` maps a name
    that no longer exists (an area, or ``"area verb"``) to the error message
    it should produce."""
    gone: dict[str, dict[str, str]] = {}
    for key, message in (removed or {}).items():
        area, _, verb = key.rpartition(" ")
        gone.setdefault(area, {})[verb] = message
    from cargo_cli.cli.registry import help_of

    domain = HintingGroup(name, help=help or help_of(name), removed=gone.get(""))
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
