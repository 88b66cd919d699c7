"""The billing domain (declared commands are added by its issue)."""

from __future__ import annotations

from cargo_cli.cli.spec import Cmd, build_domain

COMMANDS: list[Cmd] = []

group = build_domain("billing", "billing commands.", COMMANDS)
