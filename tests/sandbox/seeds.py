"""A request helper for the seeds-tier domain tests: (status, JSON or bytes)."""

from __future__ import annotations

from typing import Any

from tests.sandbox.conftest import Api


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
