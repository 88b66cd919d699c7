"""What the unit tests share besides fixtures: the test constants, the fake
clock, the CLI's result, and the request/answer checks of the command tables
(tests/conftest.py holds the fixtures and imports these)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
import respx

API = "https://api.getcargo.io/v1"
TOKEN = "test-token-secret"
WORKSPACE = "11111111-1111-4111-8111-111111111111"
UUID1 = "22222222-2222-4222-8222-222222222222"
UUID2 = "33333333-3333-4333-8333-333333333333"


@dataclass
class FakeClock:
    now: float = 1000.0
    sleeps: list[float] = field(default_factory=list)

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def __call__(self) -> float:
        return self.now


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
