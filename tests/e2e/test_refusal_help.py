"""Issue 15, point 6: ``--help`` on a refused domain or area is help (exit 0,
the explanation on stdout), the installed CLI as a subprocess; without
--help the refusal stays the JSON error (exit 2). Nothing is sent either way."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.e2e.server import ScriptedServer


@pytest.mark.parametrize(
    "argv",
    [["project", "--help"], ["mailboxManagement", "--help"], ["mailboxManagement", "mailbox", "--help"]],
)
def test_help_on_a_refused_name_exits_0_with_the_explanation(
    server: ScriptedServer, run_cli: Any, argv: list[str]
) -> None:
    result = run_cli(*argv)
    assert (result.code, result.err) == (0, "")
    named = "cargo-ai " + " ".join(argv[:-1])
    assert result.out.startswith(f"Usage: {named} ...\n\n  Not available in this cargo-ai: ")
    assert "See `cargo-ai docs refusals`." in result.out
    refused = run_cli(*argv[:-1])
    assert refused.code == 2
    assert json.loads(refused.out)["command"] == named
    assert server.requests == []
