"""Fixtures of the API-layer tests."""

from __future__ import annotations

import pytest

from cargo_cli.api.client import CargoClient
from cargo_cli.settings import Settings
from tests.helpers import TOKEN, WORKSPACE


@pytest.fixture
def client(clock):
    """A client on the fake clock with a fixed jitter (backoff = the upper bound)."""
    made = CargoClient(
        Settings.from_env(),
        token=TOKEN,
        workspace_uuid=WORKSPACE,
        sleep=clock.sleep,
        clock=clock,
        jitter=lambda: 1.0,
    )
    yield made
    made.close()
