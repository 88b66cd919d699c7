"""Check the help examples on the rows against the pinned spec.

Every command's examples are on its row (``Cmd(examples=...)`` in
cli/commands/*.py, or ``examples=`` of a plain click command). This script
derives one or two examples per documented command from spec/commands.json
(the documented path and positionals, the required flags, then the flags the
vendor's examples use most, with their documented example values) and checks
that each row's examples start with them; hand-written examples may follow.
Where the spec's example would mislead, the row replaces it: ``REPLACED``
below says why and records the spec's lines it replaces, so that a change of
the spec is caught there too.

Exits 1 and prints, for each row that drifts, the examples the spec gives
(paste them on the row). ``--check`` (``make docs-check``) and the bare call
(``make docs``) do the same: the rows are the source, nothing is written.
``--spec FILE`` checks against another commands.json."""

from __future__ import annotations

import json
import re
import shlex
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "spec" / "commands.json"
MAX_OPTIONAL = 2  # optional flags in the second example
TRUNCATED = 120
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)

# Rows whose examples replace the spec's: why, and the spec's lines replaced.
REPLACED: dict[str, tuple[str, tuple[str, ...]]] = {
    "storage model list": (
        "--dataset-uuid does not exist (docs/filters-and-pagination.md)",
        ("cargo-ai storage model list --dataset-uuid <dataset-uuid>",),
    ),
    "hosting deployment create": (
        "--app-uuid and --worker-uuid are exclusive",
        (
            "cargo-ai hosting deployment create --source ./my-app",
            "cargo-ai hosting deployment create --source ./my-app --app-uuid <app-uuid> --worker-uuid <worker-uuid>",
        ),
    ),
    "hosting deployment get-promoted": (
        "--app-uuid and --worker-uuid are exclusive",
        ("cargo-ai hosting deployment get-promoted --app-uuid <app-uuid> --worker-uuid <worker-uuid>",),
    ),
    "storage record create": (
        "documented by name only",
        ("cargo-ai storage record create",),
    ),
    "connection integration complete-oauth": (
        "documented by name only",
        ("cargo-ai connection integration complete-oauth",),
    ),
    "ai document create": ("documented by name only", ("cargo-ai ai document create",)),
    "ai document get": ("documented by name only", ("cargo-ai ai document get",)),
    "ai document list": ("documented by name only", ("cargo-ai ai document list",)),
    "ai document reset": ("documented by name only", ("cargo-ai ai document reset",)),
    "billing subscription update-payment-method": (
        "documented by name only",
        ("cargo-ai billing subscription update-payment-method",),
    ),
    "workspaceManagement file upload": (
        "--file and --file-path are two spellings of one flag",
        (
            "cargo-ai workspaceManagement file upload --file ./leads-sample.csv --file-path ./my-companies.csv",
        ),
    ),
    "ai memory list": (
        "--scope agent needs --agent-uuid",
        (
            "cargo-ai ai memory list --scope agent",
            "cargo-ai ai memory list --scope agent --agent-uuid <agent-uuid>",
        ),
    ),
    "ai memory remove": (
        "--scope agent needs --agent-uuid",
        (
            "cargo-ai ai memory remove --mem0-id <mem0-id> --scope agent",
            "cargo-ai ai memory remove --mem0-id <mem0-id> --scope agent --agent-uuid <agent-uuid>",
        ),
    ),
    "storage relationship set": (
        "one relationship needs all five flags",
        (
            "cargo-ai storage relationship set --from-model-uuid <from-model-uuid> --to-model-uuid <to-model-uuid>",
        ),
    ),
    "orchestration play create": (
        "a play needs its name and model, and `created` is no change kind",
        (
            "cargo-ai orchestration play create --change-kinds created --description "
            "'Saved from ad-hoc enrichment chain'",
        ),
    ),
    "login": (
        "email-code login has no wire spec",
        ("cargo-ai login --email you@company.com --token <your-api-token>",),
    ),
}


def _placeholder(name: str) -> str:
    return f"<{name.strip('<>?').lstrip('-')}>"


def _concrete(value: str, kind: str) -> bool:
    """A documented value that can be copied as is (not a placeholder, not
    an elided or truncated JSON document, not a made-up id such as
    ``agent-abc`` for a flag that takes uuids; ``null`` clears one)."""
    if (
        "uuid" in kind
        and value not in ("null", "none")
        and not all(UUID.fullmatch(v) for v in value.split(","))
    ):
        return False
    if not value or value[0] in "<$" or "..." in value or "…" in value:
        return False
    if len(value) >= TRUNCATED:  # the spec cuts long values at 120 characters
        return False
    if value[0] in "[{":  # a JSON document; "<uuid>" inside a string is for the reader to fill in
        try:
            json.loads(value)
        except ValueError:
            return False
        return True
    return "<" not in value


def _value(flag: dict[str, Any]) -> str:
    concrete = [value for value in flag["example_values"] if _concrete(value, flag["kind"])]
    for value in sorted(concrete, key=lambda value: "<" in value):  # one with nothing to fill in first
        return shlex.quote(value)
    kind = flag["kind"]
    if kind.startswith("enum:"):
        return kind[len("enum:") :].split("|")[0]
    generic = {"<uuid>", "<id>", "<date>", "<json>", "<name>", "<slug>", "<path>", "<new>"}
    for value in flag["example_values"]:
        if value.startswith("<") and value.endswith(">") and value not in generic and " " not in value:
            return value
    return _placeholder(flag["name"])


def _line(command: dict[str, Any], flags: list[dict[str, Any]]) -> str:
    words = ["cargo-ai", *command["path"]]
    words += [_placeholder(p) for p in command["positional"]]
    for flag in flags:
        words.append(flag["name"])
        if flag["takes_value"]:
            words.append(_value(flag))
    return " ".join(words)


def examples(command: dict[str, Any]) -> list[str]:
    flags = command["flags"]
    required = [f for f in flags if f["required"]]
    popular = sorted(
        (f for f in flags if not f["required"] and f["seen_in_examples"] > 0),
        key=lambda f: -f["seen_in_examples"],
    )[:MAX_OPTIONAL]
    if command["path"][-1] == "update" and not popular:  # `update --uuid X` alone changes nothing
        popular = [f for f in flags if not f["required"]][:1]
    if not popular:
        return [_line(command, required)]
    if not required or command["path"][-1] == "update":
        # the bare command may not even be valid (run create needs a graph),
        # and an update without a field is refused
        return [_line(command, required + popular)]
    return [_line(command, required), _line(command, required + popular)]


def spec_examples(spec: Path) -> dict[str, tuple[str, ...]]:
    """``"domain area verb"`` -> the examples the spec gives (first entry wins)."""
    table: dict[str, tuple[str, ...]] = {}
    for command in json.loads(spec.read_text())["commands"]:
        if command["tier"] == "rejected" or not command["path"]:
            continue
        table.setdefault(" ".join(command["path"]), tuple(examples(command)))
    return table


def row_examples() -> Iterator[tuple[str, tuple[str, ...]]]:
    """``("orchestration run get", examples)`` for every leaf of the click tree."""
    from cargo_cli.cli.root import cli

    def walk(cmd: click.Command, ctx: click.Context) -> Iterator[tuple[str, tuple[str, ...]]]:
        if isinstance(cmd, click.Group):
            for name in cmd.list_commands(ctx):
                sub = cmd.get_command(ctx, name)
                if sub is not None:
                    yield from walk(sub, click.Context(sub, info_name=name, parent=ctx))
            return
        yield ctx.command_path.removeprefix("cargo-ai "), tuple(getattr(cmd, "examples", ()))

    yield from walk(cli, click.Context(cli, info_name="cargo-ai"))


def problems(spec: Path) -> list[str]:
    documented = spec_examples(spec)
    rows = dict(row_examples())
    found = []
    for key in sorted(set(REPLACED) - set(rows)):
        found.append(f"{key}: in REPLACED, but no such command")
    for key, shown in sorted(rows.items()):
        if not shown:
            found.append(f"{key}: no examples on the row")
        if len(set(shown)) != len(shown):
            found.append(f"{key}: an example is repeated")
        given = documented.get(key, ())
        if key in REPLACED:
            if REPLACED[key][1] != given:
                found.append(
                    f"{key}: the spec's examples changed; review the row, then record them in REPLACED:\n"
                    + "".join(f"    {json.dumps(line, ensure_ascii=False)},\n" for line in given)
                )
        elif shown[: len(given)] != given:
            found.append(
                f"{key}: the row's examples do not start with the spec's; put these first:\n"
                + "".join(f"    {json.dumps(line, ensure_ascii=False)},\n" for line in given)
            )
    return found


def main(argv: list[str]) -> int:
    spec = Path(argv[argv.index("--spec") + 1]) if "--spec" in argv else SPEC
    found = problems(spec)
    for problem in found:
        print(problem, file=sys.stderr)
    if found:
        print(f"{len(found)} command(s) drift from {spec.name}: fix the rows' examples=", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
