"""In-process sandboxes (Starlette's TestClient) on a fake clock."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

with warnings.catch_warnings():  # starlette suggests httpx2; httpx is what the project uses
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from cargo_cli.sandbox import seed
from cargo_cli.sandbox.app import Sandbox, create_app
from cargo_cli.sandbox.routes import build_router
from cargo_cli.sandbox.store import Store


@dataclass
class Clock:
    now: float = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Api:
    client: TestClient
    sandbox: Sandbox
    clock: Clock
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self.token}"}

    def get(self, path: str, **kwargs: object) -> dict[str, object]:
        response = self.client.get("/v1" + path, headers=self.headers, **kwargs)  # type: ignore[arg-type]
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    def post(self, path: str, body: object = None) -> dict[str, object]:
        response = self.client.post("/v1" + path, headers=self.headers, json=body)
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]


def make_api(tmp: Path, *, rate_limit: float | None = None) -> Iterator[Api]:
    clock = Clock()
    store = Store(tmp, persistent=False, clock=clock)
    with store.transaction():
        token = seed.base(store, seed=True)
    store.lock_down()
    sandbox = Sandbox(store=store, router=build_router(), secret=b"s" * 32, speed=1.0, rate_limit=rate_limit,
                      base_url="http://testserver", quiet=True)  # fmt: skip
    with TestClient(create_app(sandbox)) as client:
        yield Api(client, sandbox, clock, token)
    store.close()


@pytest.fixture(scope="session")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """One seeded sandbox for the unit tests (each test creates its own
    entities; the fake clock only moves forward)."""
    yield from make_api(tmp_path_factory.mktemp("api"))
