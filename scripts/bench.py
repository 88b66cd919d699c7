"""Startup benchmark (`make bench`).

Runs the venv's ``cargo-ai`` as a subprocess, ``--runs`` times (default 20)
for each of ``--version``, ``--help`` and ``whoami``, next to
``python -c pass`` (the interpreter's own floor), and prints the median wall
time in milliseconds with the targets. ``whoami`` talks to a stub HTTP server
on 127.0.0.1 that answers the current-user and current-workspace endpoints
(``CARGO_API_URL`` / ``CARGO_API_TOKEN`` point at it; no keyring, no network).

An installed CLI runs from compiled bytecode, so the runs get a bytecode cache
(``PYTHONPYCACHEPREFIX`` in a temporary directory, filled by one untimed
warm-up run per command) even where ``PYTHONDONTWRITEBYTECODE`` is set; the
source tree gets no ``__pycache__``.

Exits 1 when a target is missed or a command fails.

    .venv/bin/python scripts/bench.py [--runs 20]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

TARGETS_MS = {"cargo-ai --help": 100.0, "cargo-ai whoami": 250.0}
RUN_TIMEOUT_S = 30.0
WORKSPACE = "11111111-1111-4111-8111-111111111111"
ANSWERS = {
    "/v1/userManagement/users/current": {"user": {"uuid": "bench-user", "email": "bench@example.com"}},
    "/v1/workspaceManagement/workspaces/current": {"workspace": {"uuid": WORKSPACE, "name": "Bench"}},
}


class StubHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: both whoami requests on one connection
    disable_nagle_algorithm = True  # else headers and body wait on delayed ACKs (~40 ms a request)

    def do_GET(self) -> None:
        answer = ANSWERS.get(self.path.split("?", 1)[0])
        body = json.dumps(answer if answer is not None else {"errorMessage": "Not found"}).encode()
        self.send_response(200 if answer is not None else 404)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass


def venv_bin(name: str) -> str:
    return str(Path(sys.executable).parent / name)


def time_runs(argv: list[str], env: dict[str, str], runs: int) -> list[float]:
    """Wall times in ms; raises if a run fails (a benchmark of an error is no benchmark)."""
    times = []
    for _ in range(runs + 1):  # the first run is the untimed warm-up
        started = time.perf_counter()
        done = subprocess.run(argv, env=env, capture_output=True, timeout=RUN_TIMEOUT_S, check=False)
        times.append((time.perf_counter() - started) * 1000)
        if done.returncode != 0:
            raise SystemExit(
                f"{' '.join(argv)} exited {done.returncode}: {done.stdout.decode()[:500]}{done.stderr.decode()[:500]}"
            )
    return times[1:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args(argv)

    server = ThreadingHTTPServer(("127.0.0.1", 0), StubHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    pycache = tempfile.TemporaryDirectory(prefix="cargo-ai-bench-")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("CARGO_") and k not in {"PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX"}
    }
    env.update(
        PYTHONPYCACHEPREFIX=pycache.name,
        CARGO_API_URL=f"http://127.0.0.1:{server.server_address[1]}",
        CARGO_API_TOKEN="bench-token",
        CARGO_WORKSPACE_UUID=WORKSPACE,
        CARGO_NO_KEYRING="1",
    )
    cargo = venv_bin("cargo-ai")
    cases = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "cargo-ai --version": [cargo, "--version"],
        "cargo-ai --help": [cargo, "--help"],
        "cargo-ai whoami": [cargo, "whoami"],
    }
    try:
        medians = {name: statistics.median(time_runs(cmd, env, args.runs)) for name, cmd in cases.items()}
    finally:
        server.shutdown()
        server.server_close()
        pycache.cleanup()

    missed = 0
    print(f"median of {args.runs} runs (ms)")
    print(f"{'command':<22}{'median':>9}{'target':>9}  met")
    for name, median in medians.items():
        target = TARGETS_MS.get(name)
        if target is None:
            verdict, shown = "", "-"
        else:
            verdict, shown = ("yes" if median < target else "NO"), f"< {target:.0f}"
            missed += median >= target
        print(f"{name:<22}{median:>9.1f}{shown:>9}  {verdict}")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
