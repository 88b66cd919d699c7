"""Names cargo-ai answers without running anything: one mechanism for both
kinds of refusal (docs/refusals.md).

- **Unavailable** (``UNAVAILABLE`` below): commands Cargo documents but that
  this CLI cannot run faithfully, because no wire specification exists for
  them (``mailboxManagement``, ``workspaceManagement envVar``, ``project`` /
  ``cdk``) or because they are interactive extras (``ask``, ``start``,
  ``init``, ``book-demo``, ...). They all answer with the same error: exit 2,
  nothing sent, ``errorMessage`` naming the command, why it is unavailable and
  what to use instead, plus ``"reason": "commandUnavailable"`` and
  ``"command"``.
- **Removed or renamed** names (``workspace``, ``ai file``, ``draft-release``,
  ...): declared next to their domain (``removed=`` of ``build_domain``, the
  root's ``REMOVED``) as "No such command '<name>': <pointer>" messages.

The root group and every domain/area group call ``refuse()`` before they
resolve a subcommand, so nothing is parsed (or sent) after a refused name.
``--help`` (or ``-h``) after an unavailable name is help, not a failed
command: the explanation on stdout, exit 0.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import click

from cargo_cli.errors import UsageError

REASON = "commandUnavailable"
MAX_NAMED_WORDS = 2  # sub-command words named after the refused prefix
HELP_WIDTH = 80
HELP_FLAGS = frozenset({"--help", "-h"})


@dataclass(frozen=True)
class Unavailable:
    why: str
    instead: str
    # Documented sub-command words: the ones the user typed are named in the
    # message (values, which could be secrets, never are).
    words: frozenset[str] = frozenset()

    def command(self, prefix: Sequence[str], rest: Sequence[str]) -> str:
        named = list(prefix)
        for word in rest[:MAX_NAMED_WORDS]:
            if word not in self.words:
                break
            named.append(word)
        return "cargo-ai " + " ".join(named)

    def error(self, prefix: Sequence[str], rest: Sequence[str]) -> UsageError:
        command = self.command(prefix, rest)
        return UsageError(
            f"`{command}` is not available in this cargo-ai: {self.why}. {self.instead}",
            extra={"reason": REASON, "command": command},
        )

    def help(self, prefix: Sequence[str], rest: Sequence[str]) -> str:
        """What ``--help`` after the refused name prints (on stdout, exit 0)."""
        from cargo_cli.cli.help import fill

        command = self.command(prefix, rest)
        paragraphs = (
            f"Not available in this cargo-ai: {self.why}.",
            self.instead,
            f"Without --help, `{command}` is refused: exit 2, nothing sent "
            f'(reason "{REASON}"). See `cargo-ai docs refusals`.',
        )
        return f"Usage: {command} ...\n\n" + "\n\n".join(fill(p, HELP_WIDTH, "  ") for p in paragraphs) + "\n"


def _no_wire_spec(what: str) -> str:
    return f"Cargo publishes no wire specification for {what}, so this CLI cannot call it faithfully"


_CDK = Unavailable(
    "the CDK (GTM resources as TypeScript code, deployed from a local state file) is a toolchain of the "
    "vendor's npm CLI with no published wire specification",
    "Create and update resources with the domain commands (e.g. `cargo-ai orchestration workflow list`) "
    "or any API call with `cargo-ai api` (see `cargo-ai api --list`).",
    frozenset(
        "add check cookbook list search view deploy destroy import info init plan pull refresh rollback "
        "state bind create remove types".split()
    ),
)
_START = Unavailable(
    "the interactive onboarding (sign-in, then a coding agent, scaffold or demo) needs a terminal UI "
    "and a browser",
    "Log in with `cargo-ai login --token <token>` or `cargo-ai login --oauth`, then run `cargo-ai doctor`.",
)
_DOMAIN_NAMED_ONLY = "Cargo documents the domain by name only (no commands, flags or outputs)"

UNAVAILABLE: dict[tuple[str, ...], Unavailable] = {
    ("mailboxManagement",): Unavailable(
        _no_wire_spec("the mailbox API (mailboxes, warm-up, messages, threads, suppressions)"),
        "Manage mailboxes in the Cargo app.",
        frozenset(
            "event mailbox message pricing suppression thread list create get get-send-allowance "
            "get-warmup-stats refresh-status remove start-warmup stop-warmup update update-warmup".split()
        ),
    ),
    ("workspaceManagement", "envVar"): Unavailable(
        _no_wire_spec("the workspace env var API"),
        "Manage workspace env vars in the Cargo app; those of hosted apps and workers are reachable with "
        "`cargo-ai api hosting.envVars.list` (see `cargo-ai api --list hosting.envVars`).",
        frozenset({"create", "list", "remove", "update"}),
    ),
    ("project",): _CDK,
    ("cdk",): _CDK,
    ("ask",): Unavailable(
        "the terminal chat drives a local coding agent in an interactive terminal UI",
        "Chat with a Cargo agent with `cargo-ai ai chat create` and "
        "`cargo-ai ai message create --wait-until-finished`.",
    ),
    ("start",): _START,
    ("onboard",): _START,
    ("init",): Unavailable(
        "Cargo documents its name only, not what it does",
        "Scaffold hosted code with `cargo-ai hosting app init <dir>` or `cargo-ai hosting worker init <dir>`.",
    ),
    ("book-demo",): Unavailable(
        "it only opens a calendar in the browser",
        "Book a demo on the Cargo website (https://www.getcargo.io).",
    ),
    ("revenue-organization",): Unavailable(
        _DOMAIN_NAMED_ONLY,
        "Call its API with `cargo-ai api` (see `cargo-ai api --list revenueOrganization`), "
        "e.g. `cargo-ai api revenueOrganization.territory.all`.",
    ),
    ("user-management",): Unavailable(
        _DOMAIN_NAMED_ONLY,
        "Use `cargo-ai whoami`, or call its API with `cargo-ai api` "
        "(e.g. `cargo-ai api userManagement.user.getCurrent`).",
    ),
}


def command_path(ctx: click.Context) -> tuple[str, ...]:
    """The command words of ``ctx`` below the root (``("workspaceManagement",)``)."""
    names: list[str] = []
    while ctx.parent is not None:
        names.append(ctx.info_name or "")
        ctx = ctx.parent
    return tuple(reversed(names))


def refuse(ctx: click.Context, args: Sequence[str], removed: Mapping[str, str] | None = None) -> None:
    """Raise the refusal for the subcommand ``args[0]`` of the group of ``ctx``,
    if it is refused; else return."""
    if not args:
        return
    name = args[0]
    prefix = (*command_path(ctx), name)
    unavailable = UNAVAILABLE.get(prefix)
    if unavailable is not None:
        rest = args[1:]
        if HELP_FLAGS.intersection(rest[: rest.index("--")] if "--" in rest else rest):
            from cargo_cli import output

            output.emit_text(unavailable.help(prefix, rest))  # help is not a failed command
            raise click.exceptions.Exit(0)
        raise unavailable.error(prefix, rest)
    if removed and name in removed:
        raise click.UsageError(removed[name], ctx)


def refuse_chat_option(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """``cargo-ai --chat`` is ``cargo-ai ask``."""
    if value and not ctx.resilient_parsing:
        raise UNAVAILABLE[("ask",)].error(("--chat",), ())
