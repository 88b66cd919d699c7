"""End-to-end benchmarks against the sandbox: the installed ``cargo-ai`` as a
subprocess, its wall time and peak RSS (from ``wait4``), at two sizes.

- ``segmentation segment fetch --all`` of an N-record model (1,000 records a page);
- ``orchestration query execute`` aggregating N runs (ClickHouse SQL).

Exits 1 when an answer is incomplete or the CLI's peak RSS grows by more than
``--flat-mb`` from the small size to the big one (it streams: it must stay flat).

    .venv/bin/python scripts/bench_sandbox.py [--sizes 10000,100000] [--flat-mb 15]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from cargo_cli.sandbox import seed
from cargo_cli.sandbox.launcher import sandbox

CARGO_AI = Path(sys.executable).with_name("cargo-ai")
EVERYTHING = json.dumps({"conjonction": "and", "groups": []})
QUERY = (
    "SELECT toStartOfMonth(created_at) AS month, count() AS runs, countIf(status = 'error') AS failed "
    "FROM runs GROUP BY month ORDER BY month"
)


def measure(argv: list[str], env: dict[str, str], out: Path) -> tuple[int, float, float]:
    """(exit code, seconds, peak RSS in MB) of one CLI run, stdout to ``out``."""
    started = time.monotonic()
    with out.open("wb") as handle:
        process = subprocess.Popen([str(CARGO_AI), *argv], stdout=handle, stderr=subprocess.DEVNULL, env=env)
        _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    peak = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    return process.returncode, time.monotonic() - started, peak


def run_size(size: int, tmp: Path) -> dict[str, Any]:
    args = ["--quiet", "--seed-records", str(size), "--seed-runs", str(size)]
    started = time.monotonic()
    with sandbox(args) as sbx:
        seeded = time.monotonic() - started
        env = sbx.env(tmp, CARGO_API_TOKEN=sbx.token)
        fetch_out = tmp / f"fetch-{size}.json"
        model = seed.sid(f"model:big_companies:{size}")
        code, fetch_s, fetch_rss = measure(
            ["segmentation", "segment", "fetch", "--model-uuid", model, "--filter", EVERYTHING, "--all",
             "--fetching-limit", "1000"], env, fetch_out,
        )  # fmt: skip
        records = _count_records(fetch_out) if code == 0 else -1
        query_out = tmp / f"query-{size}.json"
        qcode, query_s, query_rss = measure(["orchestration", "query", "execute", QUERY], env, query_out)
        counted = sum(r["runs"] for r in json.loads(query_out.read_text())["rows"]) if qcode == 0 else -1
    return {
        "size": size, "sandboxStartSeconds": round(seeded, 2),
        "segmentFetchAll": {"records": records, "seconds": round(fetch_s, 2), "cliPeakRssMB": round(fetch_rss, 1),
                            "outputMB": round(fetch_out.stat().st_size / 2**20, 1), "ok": code == 0 and records == size},
        "orchestrationQuery": {"runsCounted": counted, "seconds": round(query_s, 2),
                               "cliPeakRssMB": round(query_rss, 1), "ok": qcode == 0 and counted == size},
    }  # fmt: skip


def _count_records(path: Path) -> int:
    """Count the top-level records of the streamed JSON array without loading it."""
    count = 0
    with path.open("rb") as handle:
        for line in handle:
            if line.startswith(b'    "id": '):
                count += 1
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--flat-mb", type=float, default=15.0)
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="cargo-bench-") as tmp:
        results = [run_size(size, Path(tmp)) for size in sizes]
    growth = {
        "segmentFetchAll": round(results[-1]["segmentFetchAll"]["cliPeakRssMB"] - results[0]["segmentFetchAll"]["cliPeakRssMB"], 1),
        "orchestrationQuery": round(results[-1]["orchestrationQuery"]["cliPeakRssMB"] - results[0]["orchestrationQuery"]["cliPeakRssMB"], 1),
    }  # fmt: skip
    ok = all(r[k]["ok"] for r in results for k in ("segmentFetchAll", "orchestrationQuery"))
    ok = ok and all(value <= args.flat_mb for value in growth.values())
    report = {"benchmark": "sandbox", "results": results, "cliPeakRssGrowthMB": growth, "flatLimitMB": args.flat_mb,
              "ok": ok}  # fmt: skip
    sys.stdout.write(json.dumps(report, indent=2) + "\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
