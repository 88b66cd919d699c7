"""Start a sandbox in a child process and wait for its ready line (used by
the demo, the end-to-end tests and the benchmarks)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

READY_TIMEOUT_S = 120.0


@dataclass(frozen=True)
class Running:
    url: str
    token: str
    workspace_uuid: str
    process: subprocess.Popen[bytes]

    def env(self, home: Path, **extra: str) -> dict[str, str]:
        """An environment for ``cargo-ai`` pointed at this sandbox, with its
        config under ``home`` (never the user's real credentials)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("CARGO_")}
        env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), CARGO_NO_KEYRING="1",
                   CARGO_API_URL=self.url)  # fmt: skip
        env.update(extra)
        return env


@contextmanager
def sandbox(args: Sequence[str] = (), *, log: IO[Any] | None = None) -> Iterator[Running]:
    """``with sandbox(["--speed", "50"]) as sbx:`` — stopped on exit."""
    process = subprocess.Popen(
        [sys.executable, "-m", "cargo_cli.sandbox", *args],
        stdout=subprocess.PIPE, stderr=log if log is not None else subprocess.DEVNULL,
    )  # fmt: skip
    try:
        line = _read_line(process)
        try:
            ready = json.loads(line)
        except ValueError:
            raise RuntimeError(f"The sandbox did not start: {line!r}") from None
        if "url" not in ready:
            raise RuntimeError(f"The sandbox did not start: {ready}")
        yield Running(ready["url"], ready["token"], ready["workspaceUuid"], process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout:
            process.stdout.close()


def _read_line(process: subprocess.Popen[bytes]) -> str:
    assert process.stdout is not None
    result: list[bytes] = []
    reader = threading.Thread(target=lambda: result.append(process.stdout.readline()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    reader.join(READY_TIMEOUT_S)
    if not result:
        raise RuntimeError(f"The sandbox printed no ready line within {READY_TIMEOUT_S:g}s")
    return result[0].decode().strip()
