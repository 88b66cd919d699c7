"""How an API error answer comes out: one parametrised contract test per
mechanism, instead of the same check repeated for every row.

The rows come from the domains' request tables (``CASES`` in
tests/cli/commands/test_<domain>.py, found through the domain registry) and
are grouped by the code path their error takes: a plain row (the framework
calls the endpoint), a row with a handler, a waiting row, a download row, a
plain-text row and an admin row; within each, one row per HTTP method. Each
selected row is checked for both ways the message is found: the body's
``errorMessage``, and the endpoint's reason table."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

import pytest

from cargo_cli.api.endpoints import ENDPOINTS
from cargo_cli.cli.registry import DOMAINS
from cargo_cli.cli.rows import Cmd
from cargo_cli.errors import describe_status


def _mechanism(cmd: Cmd) -> str:
    if cmd.admin:
        return "admin"
    if cmd.handler is not None:
        return "handler"
    if cmd.wait is not None:
        return "wait"
    if cmd.download:
        return "download"
    if cmd.text:
        return "text"
    return "plain"


def _rows() -> Iterator[tuple[str, str, Cmd, tuple[Any, ...]]]:
    for domain in DOMAINS:
        base = domain.module.rsplit(".", 1)[-1]
        try:
            tests = importlib.import_module(f"tests.cli.commands.test_{base}")
        except ModuleNotFoundError:
            continue
        commands = {cmd.name: cmd for cmd in importlib.import_module(domain.module).COMMANDS}
        for case in getattr(tests, "CASES", []):
            values = case.values if hasattr(case, "values") else case
            argv = values[0]
            cmd = commands.get(f"{argv[0]} {argv[1]}")
            if cmd is not None and cmd.endpoint is not None:
                yield domain.name, _mechanism(cmd), cmd, tuple(values[:3])


def _selected() -> list[Any]:
    """One row per (mechanism, HTTP method)."""
    chosen: dict[tuple[str, str], Any] = {}
    for domain, mechanism, cmd, (argv, method, path) in _rows():
        key = (mechanism, method)
        if key not in chosen:
            chosen[key] = pytest.param(
                domain, cmd, argv, method, path, id=f"{mechanism}-{method}-{domain} {cmd.name}"
            )
    return list(chosen.values())


ROWS = _selected()


def test_every_mechanism_is_covered():
    assert {p.id.split("-")[0] for p in ROWS} >= {"plain", "handler", "wait", "download", "admin"}
    assert {p.id.split("-")[1] for p in ROWS} >= {"GET", "POST", "PUT", "DELETE"}


@pytest.mark.parametrize(("domain", "cmd", "argv", "method", "path"), ROWS)
def test_the_bodys_error_message_and_status(cli, api, domain, cmd, argv, method, path):
    route = api.route(method=method, path=path).respond(
        422, json={"errorMessage": "Nope", "reason": "whatever"}
    )
    result = cli(domain, *argv)
    assert result.code == 1
    assert result.json == {"errorMessage": "Nope", "reason": "whatever", "status": 422}
    assert route.call_count == 1  # a 4xx is not retried


@pytest.mark.parametrize(("domain", "cmd", "argv", "method", "path"), ROWS)
def test_the_endpoints_reason_table(cli, api, domain, cmd, argv, method, path):
    reasons = {k: v for k, v in ENDPOINTS[cmd.endpoint_id].reasons.items() if isinstance(v, str)}
    reason, message = next(iter(reasons.items()), ("unknownReason", describe_status(400)))
    api.route(method=method, path=path).respond(400, json={"reason": reason})
    result = cli(domain, *argv)
    assert (result.code, result.json) == (1, {"errorMessage": message, "reason": reason, "status": 400})


@pytest.mark.parametrize(("domain", "cmd", "argv", "method", "path"), ROWS)
def test_server_errors_after_retries(cli, api, domain, cmd, argv, method, path):
    route = api.route(method=method, path=path).respond(500)
    result = cli(domain, *argv)
    assert (result.code, result.json) == (1, {"errorMessage": "Server error", "status": 500})
    assert route.call_count == 1  # 500 is not a retry status


@pytest.mark.parametrize(
    ("domain", "cmd", "argv", "method", "path"), [p for p in ROWS if p.id.startswith("admin")]
)
def test_admin_rows_explain_a_403(cli, api, domain, cmd, argv, method, path):
    api.route(method=method, path=path).respond(403, json={"errorMessage": "Forbidden"})
    result = cli(domain, *argv)
    assert result.code == 1
    assert result.json == {
        "errorMessage": "Forbidden: this command needs an admin token (a workspace admin's API token)",
        "status": 403,
    }
