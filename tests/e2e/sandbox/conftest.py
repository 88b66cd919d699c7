"""End-to-end fixtures: real sandboxes on ephemeral ports, and the installed
``cargo-ai`` run as a subprocess against them (with its own HOME)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from cargo_cli.sandbox.launcher import Running, sandbox

CARGO_AI = Path(sys.executable).with_name("cargo-ai")
FAST = ["--speed", "100"]


@dataclass
class Done:
    code: int
    out: Any  # the JSON on stdout (None when it is not JSON)
    stdout: str
    stderr: str


@dataclass
class Cli:
    sbx: Running
    home: Path
    log: Path

    def __call__(self, *argv: str, input: str | None = None, **env: str) -> Done:
        done = subprocess.run(
            [str(CARGO_AI), *argv], env=self.sbx.env(self.home, **env), input=input,
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        try:
            out = json.loads(done.stdout) if done.stdout.strip() else None
        except ValueError:
            out = None
        return Done(done.returncode, out, done.stdout, done.stderr)

    def ok(self, *argv: str, **env: str) -> Any:
        done = self(*argv, **env)
        assert done.code == 0, f"cargo-ai {' '.join(argv)} exited {done.code}: {done.stdout}{done.stderr}"
        return done.out


def start(tmp: Path, args: list[str]) -> Iterator[Cli]:
    home = tmp / "home"
    home.mkdir(parents=True, exist_ok=True)
    log = tmp / "sandbox.log"
    assert CARGO_AI.exists(), f"the installed CLI is missing: {CARGO_AI} (run make install)"
    with log.open("w") as handle, sandbox(args, log=handle) as sbx:
        cli = Cli(sbx, home, log)
        login = cli("login", "--token", "-", input=sbx.token + "\n")
        assert login.code == 0, login.stdout + login.stderr
        yield cli


@pytest.fixture(scope="session")
def cli(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cli]:
    """The shared sandbox (demo seed, 100x speed), logged in."""
    yield from start(tmp_path_factory.mktemp("sandbox"), FAST)


@pytest.fixture(scope="module")
def slow_cli(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cli]:
    """A sandbox at 1/2 speed, for things that must still be running."""
    yield from start(tmp_path_factory.mktemp("slow"), ["--speed", "0.5"])
