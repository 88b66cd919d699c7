"""The context domain: the workspace's GTM context repository (a versioned
tree of markdown files) and its knowledge graph.

``runtime write`` / ``edit`` push a commit (``--commit-message``);
``runtime execute`` runs a shell command in the sandbox and pushes nothing.
Choices where the spec is silent are in docs/seeds-domains.md.
"""

from __future__ import annotations

from typing import Any

import click

from cargo_cli.api.resources import context
from cargo_cli.cli.params import JSON_ARRAY, TEXT_SOURCE
from cargo_cli.cli.rows import Cmd, Opt, build_domain
from cargo_cli.errors import UsageError

PATH_HELP = "Path inside the context repository (e.g. persona/vp-sales.md)."
COMMIT_MESSAGE = Opt("--commit-message", help="The commit message (default: the API's).")


def _line_range(payload: dict[str, Any]) -> dict[str, Any]:
    start, end = payload.get("startLine"), payload.get("endLine")
    if start is not None and end is not None and end < start:
        raise UsageError(f"--end-line {end} is before --start-line {start}")
    return payload


def _string_args(payload: dict[str, Any]) -> dict[str, Any]:
    args = payload.get("args")
    if isinstance(args, list) and not all(isinstance(item, str) for item in args):
        raise UsageError('--args must be a JSON array of strings, e.g. ["-1", "persona"]')
    return payload


COMMANDS: list[Cmd] = [
    Cmd("graph get", context.Graph.get, "The knowledge graph over the repository's md/mdx files.",
        examples=("cargo-ai context graph get",)),
    Cmd(
        "runtime browse", context.Runtime.browse, "List the entries of a directory (default: the root).",
        opts=(Opt("--path", help="Directory to list (default: the repository root)."),),
        examples=("cargo-ai context runtime browse --path persona",),
    ),
    Cmd(
        "runtime read", context.Runtime.read, "Read a file, optionally a 1-indexed inclusive line range.",
        opts=(
            Opt("--path", required=True, help=PATH_HELP),
            Opt("--start-line", click.IntRange(min=1), help="First line to return (1-indexed)."),
            Opt("--end-line", click.IntRange(min=1), help="Last line to return (inclusive)."),
        ),
        prepare=_line_range,
        examples=(
            "cargo-ai context runtime read --path persona/vp-sales-mid-market.md",
            "cargo-ai context runtime read --path persona/vp-sales-mid-market.md --end-line 40 --start-line 1",
        ),
    ),
    Cmd(
        "runtime write", context.Runtime.write, "Create or overwrite a file and push a commit → {commit}.",
        opts=(
            Opt("--path", required=True, help=PATH_HELP),
            Opt("--content", TEXT_SOURCE, required=True, help="The whole new content (inline, @file or - for stdin)."),
            COMMIT_MESSAGE,
        ),
        examples=(
            "cargo-ai context runtime write --content <content> --path persona/vp-sales-mid-market.md",
            "cargo-ai context runtime write --content <content> --path persona/vp-sales-mid-market.md --commit-message 'Add VP of Sales mid-market persona'",
        ),
    ),
    Cmd(
        "runtime edit", context.Runtime.edit,
        "Replace an exact, unique substring of a file and push a commit → {commit}.",
        opts=(
            Opt("--path", required=True, help=PATH_HELP),
            Opt("--old-string", TEXT_SOURCE, required=True, help="The exact text to replace (must occur once)."),
            Opt("--new-string", TEXT_SOURCE, required=True, help="The replacement text."),
            Opt("--replace-all", is_flag=True, help="Replace every occurrence instead of exactly one."),
            COMMIT_MESSAGE,
        ),
        examples=(
            "cargo-ai context runtime edit --new-string 'We help RevOps run AI-native GTM motions.' --old-string 'We help RevOps automate workflows.' --path global/positioning.md",
            "cargo-ai context runtime edit --new-string 'We help RevOps run AI-native GTM motions.' --old-string 'We help RevOps automate workflows.' --path global/positioning.md --commit-message 'Refresh positioning one-liner'",
        ),
    ),
    Cmd(
        "runtime execute", context.Runtime.execute,
        "Run a shell command in the runtime sandbox (nothing is pushed) → {exitCode, stdout, stderr}.",
        opts=(
            Opt("--command", required=True, help="The program to run (e.g. ls, grep)."),
            Opt("--args", JSON_ARRAY, help='Its arguments (JSON array of strings), e.g. ["-r","-l","persona","."].'),
        ),
        prepare=_string_args,
        examples=(
            "cargo-ai context runtime execute --command ls",
            "cargo-ai context runtime execute --command ls --args '[\"-1\",\".files\"]'",
        ),
    ),
]  # fmt: skip

group = build_domain(
    "context",
    COMMANDS,
    areas={
        "graph": "The knowledge graph over the context files.",
        "runtime": "Files of the context repository (write/edit push a commit).",
    },
)
