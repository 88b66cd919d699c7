"""End-to-end fixtures: a real local HTTP server and the installed ``cargo-ai``
run as a subprocess (every test here carries the ``e2e`` marker)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.server import ScriptedServer

CLI = Path(sys.executable).parent / "cargo-ai"
TOKEN = "cgo_e2e_secret_token"
WORKSPACE = "11111111-1111-4111-8111-111111111111"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)


@dataclass
class Completed:
    code: int
    out: str
    err: str

    @property
    def json(self) -> Any:
        return json.loads(self.out)


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    srv = ScriptedServer()
    yield srv
    srv.close()


@pytest.fixture
def cli_env(tmp_path: Path, server: ScriptedServer) -> dict[str, str]:
    """An isolated environment pointing the CLI at ``server``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CARGO_")}
    env.update(
        HOME=str(tmp_path / "home"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        CARGO_NO_KEYRING="1",
        CARGO_API_URL=server.origin,
        CARGO_API_TOKEN=TOKEN,
        CARGO_WORKSPACE_UUID=WORKSPACE,
        NO_COLOR="1",
    )
    return env


@pytest.fixture
def run_cli(cli_env: dict[str, str]) -> Any:
    """``run_cli("orchestration", "run", "get", uuid, env={...}, input=b"...", timeout=30)``:
    the installed CLI as a subprocess; stdout/stderr captured as text."""

    def run(
        *args: str, env: dict[str, str] | None = None, input: bytes | None = None, timeout: float = 60
    ) -> Completed:
        merged = {**cli_env, **(env or {})}
        merged = {k: v for k, v in merged.items() if v is not None}
        proc = subprocess.run(
            [str(CLI), *args], env=merged, input=input, capture_output=True, timeout=timeout, check=False
        )
        return Completed(
            proc.returncode, proc.stdout.decode(errors="replace"), proc.stderr.decode(errors="replace")
        )

    return run
