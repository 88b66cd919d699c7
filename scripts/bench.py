"""Start-up benchmark (`make bench`): three ratios from paired runs.

Each comparison runs its two commands as subprocesses in pairs, ``--runs``
times (default 21), alternating which goes first, after one untimed warm-up
of each; it prints the median wall time of each side and the median of the
per-pair ratios, against its target:

- ``cargo-ai whoami`` / the vendor's Node stack doing whoami, target <= 0.40.
  There is no vendor binary here (and no npm package can be installed
  offline), so the Node side is a stand-in, scripts/bench/vendor_whoami.js:
  ``node`` itself, a two-command dispatcher in place of commander, reading
  the stored login, two ``fetch()`` GETs (undici, as the vendor's TS client)
  and the 2-space JSON answer. The vendor's real CLI also loads commander and
  its bundled API client, so the stand-in is a lower bound of its time: the
  ratio shown is, if anything, less favourable to cargo-ai than the real one.
- ``cargo-ai --help`` / a bare two-command click program
  (scripts/bench/click_floor.py, ``--help``), target <= 1.20.
- ``cargo-ai orchestration --help`` / the same program, target <= 1.25.

``whoami`` (both sides) talks to one stub HTTP server on 127.0.0.1 that
answers the current-user and current-workspace endpoints (``CARGO_API_URL`` /
``CARGO_API_TOKEN`` point at it; no keyring, no network).

An installed CLI runs from compiled bytecode, so the runs get a bytecode cache
(``PYTHONPYCACHEPREFIX`` in a temporary directory, filled by the warm-up runs)
even where ``PYTHONDONTWRITEBYTECODE`` is set; the source tree gets no
``__pycache__``. Pairs are interleaved so that a noisy machine (other jobs on
the same cores) slows both sides of a pair alike; the median of the ratios is
what the targets are checked against.

Exits 1 when a target is missed or a command fails.

    .venv/bin/python scripts/bench.py [--runs 21]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

RUN_TIMEOUT_S = 30.0
HERE = Path(__file__).resolve().parent
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


@dataclass
class Comparison:
    name: str
    ours: list[str]
    theirs: list[str]
    target: float  # the largest acceptable median ratio ours/theirs


def venv_bin(name: str) -> str:
    return str(Path(sys.executable).parent / name)


def run_once(argv: list[str], env: dict[str, str]) -> float:
    """Wall time in ms; raises if the run fails (a benchmark of an error is no benchmark)."""
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, timeout=RUN_TIMEOUT_S, check=False)
    elapsed = (time.perf_counter() - started) * 1000
    if done.returncode != 0:
        raise SystemExit(
            f"{' '.join(argv)} exited {done.returncode}: {done.stdout.decode()[:500]}{done.stderr.decode()[:500]}"
        )
    return elapsed


def paired(comparison: Comparison, env: dict[str, str], runs: int) -> tuple[list[float], list[float]]:
    """``runs`` interleaved pairs (the order alternates), after one warm-up each."""
    run_once(comparison.ours, env)
    run_once(comparison.theirs, env)
    ours: list[float] = []
    theirs: list[float] = []
    for index in range(runs):
        if index % 2:
            theirs.append(run_once(comparison.theirs, env))
            ours.append(run_once(comparison.ours, env))
        else:
            ours.append(run_once(comparison.ours, env))
            theirs.append(run_once(comparison.theirs, env))
    return ours, theirs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args(argv)
    node = shutil.which("node")
    if node is None:
        raise SystemExit("make bench needs node (the vendor stand-in of the whoami ratio)")

    server = ThreadingHTTPServer(("127.0.0.1", 0), StubHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    pycache = tempfile.TemporaryDirectory(prefix="cargo-ai-bench-")
    home = tempfile.TemporaryDirectory(prefix="cargo-ai-bench-home-")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("CARGO_") and k not in {"PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX"}
    }
    env.update(
        PYTHONPYCACHEPREFIX=pycache.name,
        HOME=home.name,
        XDG_CONFIG_HOME=os.path.join(home.name, "config"),
        CARGO_API_URL=f"http://127.0.0.1:{server.server_address[1]}",
        CARGO_API_TOKEN="bench-token",
        CARGO_WORKSPACE_UUID=WORKSPACE,
        CARGO_NO_KEYRING="1",
    )
    cargo = venv_bin("cargo-ai")
    floor = [sys.executable, str(HERE / "bench" / "click_floor.py"), "--help"]
    comparisons = [
        Comparison("whoami / vendor Node stand-in", [cargo, "whoami"], [node, str(HERE / "bench" / "vendor_whoami.js"), "whoami"], 0.40),
        Comparison("--help / bare click", [cargo, "--help"], floor, 1.20),
        Comparison("orchestration --help / bare click", [cargo, "orchestration", "--help"], floor, 1.25),
    ]  # fmt: skip
    results = []
    try:
        for comparison in comparisons:
            ours, theirs = paired(comparison, env, args.runs)
            ratios = [a / b for a, b in zip(ours, theirs, strict=True)]
            results.append(
                (comparison, statistics.median(ours), statistics.median(theirs), statistics.median(ratios))
            )
    finally:
        server.shutdown()
        server.server_close()
        pycache.cleanup()
        home.cleanup()

    missed = 0
    print(f"{args.runs} interleaved pairs per ratio; medians (ms); ratio = median of the per-pair ratios")
    print(f"{'comparison':<36}{'ours':>9}{'theirs':>9}{'ratio':>8}{'target':>9}  met")
    for comparison, ours_ms, theirs_ms, ratio in results:
        met = ratio <= comparison.target
        missed += not met
        print(
            f"{comparison.name:<36}{ours_ms:>9.1f}{theirs_ms:>9.1f}{ratio:>8.2f}{'<= ' + format(comparison.target, '.2f'):>9}"
            f"  {'yes' if met else 'NO'}"
        )
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
