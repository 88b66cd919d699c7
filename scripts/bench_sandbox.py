"""End-to-end benchmarks against the sandbox: the installed ``cargo-ai`` as a
subprocess, its wall time, records per second and peak RSS (from ``wait4``),
and the sandbox's own peak RSS (``VmHWM``), at 10k, 100k and 1M records.

- ``segmentation segment fetch --all`` of an N-record model (1,000 records a page);
- ``orchestration query execute`` aggregating N runs (ClickHouse SQL).

Exits 1 when an answer is incomplete or the CLI's peak RSS grows by more than
``--flat-mb`` from the small size to the big one (it streams: it must stay flat).
The fetch's target (issue 16) is at most 2 s for 100k records: the report says
whether it was met (``fetchTargetMet``); the machine's load is in the report.

    .venv/bin/python scripts/bench_sandbox.py [--sizes 10000,100000,1000000] [--flat-mb 15]
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
FETCH_TARGET_S = {100_000: 2.0}
QUERY = (
    "SELECT toStartOfMonth(created_at) AS month, count() AS runs, countIf(status = 'error') AS failed "
    "FROM runs GROUP BY month ORDER BY month"
)


def measure(argv: list[str], env: dict[str, str], out: Path | None) -> tuple[int, float, float, int]:
    """(exit code, seconds, peak RSS in MB, records printed) of one CLI run,
    stdout to ``out`` (or counted on the fly and dropped: a 1M-record array
    is 380 MB)."""
    started = time.monotonic()
    records = 0
    if out is not None:
        with out.open("wb") as handle:
            process = subprocess.Popen(
                [str(CARGO_AI), *argv], stdout=handle, stderr=subprocess.DEVNULL, env=env
            )
            _pid, status, usage = os.wait4(process.pid, 0)
    else:
        process = subprocess.Popen(
            [str(CARGO_AI), *argv], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env
        )
        assert process.stdout is not None
        tail = b""
        while chunk := process.stdout.read(1 << 20):
            records += (tail + chunk).count(RECORD_START) - tail.count(RECORD_START)
            tail = chunk[-len(RECORD_START) :]
        _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    peak = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    return process.returncode, time.monotonic() - started, peak, records


RECORD_START = b'\n    "id": '  # the first key of each record of the printed array


def sandbox_peak_mb(pid: int) -> float | None:
    """The sandbox process's peak RSS so far (Linux ``VmHWM``), in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def run_size(size: int, tmp: Path) -> dict[str, Any]:
    """One sandbox with N records for the fetch, one with N runs for the query
    (every request first moves unfinished runs, which reads the runs table)."""
    started = time.monotonic()
    with sandbox(["--quiet", "--seed-records", str(size)]) as sbx:
        seeded = time.monotonic() - started
        env = sbx.env(tmp, CARGO_API_TOKEN=sbx.token)
        model = seed.sid(f"model:big_companies:{size}")
        code, fetch_s, fetch_rss, records = measure(
            ["segmentation", "segment", "fetch", "--model-uuid", model, "--filter", EVERYTHING, "--all",
             "--fetching-limit", "1000"], env, None,
        )  # fmt: skip
        fetch_sandbox_rss = sandbox_peak_mb(sbx.process.pid)
    with sandbox(["--quiet", "--seed-runs", str(size)]) as sbx:
        env = sbx.env(tmp, CARGO_API_TOKEN=sbx.token)
        query_out = tmp / f"query-{size}.json"
        qcode, query_s, query_rss, _ = measure(["orchestration", "query", "execute", QUERY], env, query_out)
        counted = sum(r["runs"] for r in json.loads(query_out.read_text())["rows"]) if qcode == 0 else -1
        query_sandbox_rss = sandbox_peak_mb(sbx.process.pid)
    target = FETCH_TARGET_S.get(size)
    return {
        "size": size, "sandboxStartSeconds": round(seeded, 2),
        "segmentFetchAll": {"records": records, "seconds": round(fetch_s, 2),
                            "recordsPerSecond": round(records / fetch_s) if fetch_s else None,
                            "cliPeakRssMB": round(fetch_rss, 1), "sandboxPeakRssMB": fetch_sandbox_rss,
                            "ok": code == 0 and records == size,
                            **({"targetSeconds": target, "fetchTargetMet": fetch_s <= target} if target else {})},
        "orchestrationQuery": {"runsCounted": counted, "seconds": round(query_s, 2),
                               "runsPerSecond": round(counted / query_s) if query_s else None,
                               "cliPeakRssMB": round(query_rss, 1), "sandboxPeakRssMB": query_sandbox_rss,
                               "ok": qcode == 0 and counted == size},
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
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
    report = {"benchmark": "sandbox", "loadAverage": [round(x, 2) for x in os.getloadavg()], "results": results, "cliPeakRssGrowthMB": growth, "flatLimitMB": args.flat_mb,
              "ok": ok}  # fmt: skip
    sys.stdout.write(json.dumps(report, indent=2) + "\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
