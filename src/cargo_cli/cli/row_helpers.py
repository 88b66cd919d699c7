"""Small building blocks that many command declarations share: positional
uuids, and ``prepare`` steps (client-side checks and payload fixes that run
before anything is sent; a ``UsageError`` means exit 2, no request)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from cargo_cli.cli.params import UUID
from cargo_cli.cli.rows import Arg, Cmd
from cargo_cli.cli.wait import ResourceMethod
from cargo_cli.errors import UsageError

Prepare = Callable[[dict[str, Any]], dict[str, Any]]

# Payload fields that identify what an update changes, not what it changes to.
IDENTITY_FIELDS = frozenset({"uuid", "userUuid"})


def uuid_arg(metavar: str) -> Arg:
    """A positional uuid (``<run-uuid>``) that fills the path's ``uuid``."""
    return Arg(metavar, type=UUID)


def by_uuid(
    name: str, endpoint: ResourceMethod, help: str, metavar: str, examples: tuple[str, ...] = ()
) -> Cmd:
    """A command whose one positional is the uuid in the path (get, remove...)."""
    return Cmd(name, endpoint, help, args=(uuid_arg(metavar),), examples=examples)


def chain(*steps: Prepare) -> Prepare:
    def run(payload: dict[str, Any]) -> dict[str, Any]:
        for step in steps:
            payload = step(payload)
        return payload

    return run


def defaults(**values: Any) -> Prepare:
    """Fill fields the endpoint requires but the command documents as optional
    (objects are merged: given keys win)."""

    def fill(payload: dict[str, Any]) -> dict[str, Any]:
        for name, value in values.items():
            if isinstance(value, dict) and isinstance(payload.get(name), dict):
                payload[name] = {**value, **payload[name]}
            else:
                payload.setdefault(name, copy.deepcopy(value))
        return payload

    return fill


def something_to_update(*flags: str, then: Prepare | None = None) -> Prepare:
    """Refuse an update that would change nothing; ``then`` checks further."""

    def check(payload: dict[str, Any]) -> dict[str, Any]:
        if set(payload) <= IDENTITY_FIELDS:
            raise UsageError(f"Nothing to update: pass at least one of {', '.join(flags)}")
        return then(payload) if then else payload

    return check


def expect_json(**shapes: tuple[type, str]) -> Prepare:
    """Check JSON flags' top-level type: ``column=(dict, "--column")``."""

    def check(payload: dict[str, Any]) -> dict[str, Any]:
        for name, (kind, flag) in shapes.items():
            if name in payload and not isinstance(payload[name], kind):
                label = "object" if kind is dict else "array"
                raise UsageError(f"{flag} must be a JSON {label}")
        return payload

    return check
