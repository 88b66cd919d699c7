"""Shared fixtures: an isolated environment, a fake clock, the CLI runner and
a respx router on the API origin."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
import respx

from cargo_cli.cli.runtime import Runtime
from cargo_cli.main import main
from cargo_cli.settings import Settings

API = "https://api.getcargo.io/v1"
TOKEN = "test-token-secret"
WORKSPACE = "11111111-1111-4111-8111-111111111111"
UUID1 = "22222222-2222-4222-8222-222222222222"
UUID2 = "33333333-3333-4333-8333-333333333333"


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    for name in list(__import__("os").environ):
        if name.startswith("CARGO_"):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("CARGO_NO_KEYRING", "1")
    monkeypatch.setenv("CARGO_API_TOKEN", TOKEN)
    monkeypatch.setenv("CARGO_WORKSPACE_UUID", WORKSPACE)


@dataclass
class FakeClock:
    now: float = 1000.0
    sleeps: list[float] = field(default_factory=list)

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


# Which call failed: added to every API error object (tests/api/test_client_hardening.py
# checks them); the per-command tables compare the rest.
LOCATION_FIELDS = ("method", "path", "requestId")


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def full_json(self) -> Any:
        return json.loads(self.out)

    @property
    def json(self) -> Any:
        """The printed JSON; an error object without its LOCATION_FIELDS."""
        data = self.full_json
        if isinstance(data, dict) and "errorMessage" in data:
            return {k: v for k, v in data.items() if k not in LOCATION_FIELDS}
        return data


@pytest.fixture
def cli(clock: FakeClock, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Any:
    """Run the CLI in-process: ``cli("orchestration", "run", "get", uuid)``.
    The runtime sleeps on the fake clock (no real sleeping); the client's
    retry backoff uses it too."""

    def run(*args: str, stdin: str | None = None) -> Result:
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        runtime = Runtime(settings=Settings.from_env(), sleep=clock.sleep, clock=clock)
        capsys.readouterr()
        code = main(list(args), runtime=runtime)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=API, assert_all_called=False, assert_all_mocked=True) as router:
        yield router


def request_of(route: respx.Route, index: int = -1) -> httpx.Request:
    assert route.called, "route was not called"
    return route.calls[index].request


def query_of(request: httpx.Request) -> list[tuple[str, str]]:
    return parse_qsl(request.url.query.decode(), keep_blank_values=True)


def body_of(request: httpx.Request) -> Any:
    return json.loads(request.content) if request.content else None


def assert_request(
    route: respx.Route,
    method: str,
    path: str,
    *,
    query: str | None = None,
    body: Any = ...,
    index: int = -1,
) -> httpx.Request:
    """The exact request: method, path under /v1, raw query string, JSON body
    (``...`` = not checked, ``None`` = no body)."""
    request = request_of(route, index)
    assert request.method == method
    assert request.url.path == "/v1" + path
    if query is not None:
        assert request.url.query.decode() == query
    if body is not ...:
        assert body_of(request) == body
        if body is not None:
            assert request.headers["content-type"] == "application/json"
    return request


CASE_FIELDS = ("argv", "method", "path", "query", "body", "response")


def check_case(cli: Any, api: respx.MockRouter, domain: str, case: tuple[Any, ...]) -> None:
    """One row of a domain's request table: the exact request and the output."""
    argv, method, path, query, body, response = case
    route = api.route(method=method, path=path).respond(json=response)
    result = cli(domain, *argv)
    assert result.code == 0, result.out
    assert_request(route, method, path, query=query, body=body)
    assert route.call_count == 1
    assert result.json == response


def table_tests(domain: str, cases: list[Any]) -> Any:
    """The test every row of a CASES table gets: the exact request and the
    printed answer. (How an error answer is printed is one mechanism, tested
    once per kind of row in tests/cli/test_error_contract.py.)"""

    @pytest.mark.parametrize(CASE_FIELDS, cases)
    def request_and_output(cli, api, argv, method, path, query, body, response):
        check_case(cli, api, domain, (argv, method, path, query, body, response))

    return request_and_output


def check_api_error(cli, api, argv, method, path, status, answer, expected):
    api.route(method=method, path=path).respond(status, json=answer)
    result = cli(*argv)
    assert result.code == 1
    assert result.json == {**expected, "status": status}


def check_usage_error(cli, api, argv, fragment):
    route = api.route()
    result = cli(*argv)
    assert result.code == 2, result.out
    assert fragment in result.json["errorMessage"]
    assert not route.called
