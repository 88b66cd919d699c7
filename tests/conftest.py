"""Shared fixtures: an isolated environment, a fake clock, the CLI runner and
a respx router on the API origin (the helpers they use are in tests/helpers.py)."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from typing import Any

import pytest
import respx

from cargo_cli.cli.runtime import Runtime
from cargo_cli.main import main
from cargo_cli.settings import Settings
from tests.helpers import API, TOKEN, WORKSPACE, FakeClock, Result


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


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


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
