"""The seeds-tier domain modules (content, context, expression, hosting,
system-of-record, observability): one shared seeded sandbox, and request
helpers answering (status, JSON or bytes)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.sandbox.conftest import Api, make_api


def call(api: Api, method: str, path: str, body: Any = None, **kwargs: Any) -> tuple[int, Any]:
    response = api.client.request(method, "/v1" + path, headers=api.headers, json=body, **kwargs)
    kind = response.headers.get("content-type", "")
    return response.status_code, response.json() if kind.startswith("application/json") else response.content


def ok(api: Api, method: str, path: str, body: Any = None, **kwargs: Any) -> Any:
    status, answer = call(api, method, path, body, **kwargs)
    assert status == 200, answer
    return answer


def error(api: Api, method: str, path: str, body: Any = None, **kwargs: Any) -> tuple[int, str | None]:
    """(status, reason) of an answer that must be an error."""
    status, answer = call(api, method, path, body, **kwargs)
    assert status >= 400 and isinstance(answer, dict) and answer["errorMessage"], answer
    return status, answer.get("reason")


@pytest.fixture(scope="session")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """One seeded sandbox for every module here (each test creates what it
    asserts on; the fake clock only moves forward)."""
    yield from make_api(tmp_path_factory.mktemp("seeds"))
