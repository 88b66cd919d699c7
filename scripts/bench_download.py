"""Memory benchmark for downloads (`--output FILE` on run/batch/record download).

Serves a 200 MB body from a local http.server on 127.0.0.1 (one request, then
it stops; everything is bounded by timeouts), streams it to a temporary file
through ``CargoClient.download_to`` and reports the peak RSS over the baseline
measured just before the download. Exits 1 when the file is incomplete or the
peak exceeds the limit (50 MB over baseline).

    .venv/bin/python scripts/bench_download.py [--size-mb 200] [--limit-mb 50]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cargo_cli.api.client import CargoClient
from cargo_cli.cli.transfer import download_to
from cargo_cli.settings import Settings

BLOCK = bytes(range(256)) * 4096  # 1 MiB, reused for every write
SERVER_WAIT_S = 30.0  # the server gives up if no request arrives
DOWNLOAD_TIMEOUT_S = 120.0


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KiB on Linux


def make_handler(size: int) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("content-type", "application/octet-stream")
            self.send_header("content-length", str(size))
            self.end_headers()
            left = size
            while left > 0:
                chunk = BLOCK if left >= len(BLOCK) else BLOCK[:left]
                self.wfile.write(chunk)
                left -= len(chunk)

        def log_message(self, format: str, *args: object) -> None:  # quiet
            pass

    return Handler


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=int, default=200)
    parser.add_argument("--limit-mb", type=float, default=50.0)
    args = parser.parse_args(argv)
    size = args.size_mb * 1024 * 1024

    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(size))
    server.timeout = SERVER_WAIT_S
    thread = threading.Thread(target=server.handle_request, daemon=True)  # exactly one request
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/signed/export.bin?X-Amz-Signature=bench"

    settings = Settings(timeout=DOWNLOAD_TIMEOUT_S, use_keyring=False)
    with CargoClient(settings, token="bench-token") as client, tempfile.TemporaryDirectory() as tmp:
        target = os.path.join(tmp, "export.bin")
        baseline = peak_rss_mb()
        started = time.monotonic()
        result = download_to(client, url, target)
        elapsed = time.monotonic() - started
        peak = peak_rss_mb()
        on_disk = os.path.getsize(target)
    thread.join(timeout=5)
    server.server_close()

    over = peak - baseline
    report = {
        "bytes": result["bytes"],
        "bytesOnDisk": on_disk,
        "seconds": round(elapsed, 2),
        "baselineRssMB": round(baseline, 1),
        "peakRssMB": round(peak, 1),
        "overBaselineMB": round(over, 1),
        "limitMB": args.limit_mb,
        "ok": on_disk == size and result["bytes"] == size and over < args.limit_mb,
    }
    sys.stdout.write(json.dumps(report, indent=2) + "\n")
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
