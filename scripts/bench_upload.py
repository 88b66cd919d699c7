"""Upload memory benchmark: ``CargoClient.upload`` streams the file from disk.

Creates a 100 MB temporary file, uploads it through ``CargoClient.upload``
(``workspaceManagement.file.upload``) to a local HTTP server on 127.0.0.1 that
reads and discards the body, and prints the peak RSS growth over the baseline
taken just before the upload. Exits 1 when the growth is not well under the
file size (>= 50 MB), 0 otherwise.

The server answers one request and stops; the whole run is bounded by
``DEADLINE_S`` (the server thread is a daemon and the socket has a timeout).
"""

from __future__ import annotations

import json
import os
import resource
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

FILE_MB = 100
LIMIT_MB = 50
CHUNK = 1024 * 1024
DEADLINE_S = 120.0


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports KiB, macOS bytes.
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


class DiscardingHandler(BaseHTTPRequestHandler):
    received = 0
    timeout = DEADLINE_S

    def do_POST(self) -> None:
        remaining = int(self.headers.get("content-length") or 0)
        while remaining > 0:
            chunk = self.rfile.read(min(CHUNK, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            type(self).received += len(chunk)
        body = json.dumps({"files": [{"s3Filename": "bench.bin", "name": "bench.bin"}]}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def make_file(directory: str) -> str:
    path = os.path.join(directory, "bench.bin")
    block = os.urandom(CHUNK)
    with open(path, "wb") as handle:
        for _ in range(FILE_MB):
            handle.write(block)
    return path


def main() -> int:
    from cargo_cli.api.client import CargoClient
    from cargo_cli.settings import Settings

    server = HTTPServer(("127.0.0.1", 0), DiscardingHandler)
    server.timeout = DEADLINE_S
    thread = threading.Thread(target=server.handle_request, daemon=True)  # one request, then the thread ends
    thread.start()
    port = server.server_address[1]
    with tempfile.TemporaryDirectory() as directory:
        path = make_file(directory)
        settings = Settings(api_url=f"http://127.0.0.1:{port}", timeout=DEADLINE_S, max_retries=0)
        with CargoClient(settings, token="bench", workspace_uuid=None) as client:
            baseline = peak_rss_mb()
            started = time.monotonic()
            answer = client.upload("workspaceManagement.file.upload", path)
            elapsed = time.monotonic() - started
        peak = peak_rss_mb()
    thread.join(timeout=5)
    server.server_close()
    growth = peak - baseline
    print(
        f"uploaded {FILE_MB} MB ({DiscardingHandler.received} bytes on the wire) in {elapsed:.2f}s; answer={answer}"
    )
    print(f"peak RSS: baseline {baseline:.1f} MB, after upload {peak:.1f} MB, growth {growth:.1f} MB")
    if DiscardingHandler.received < FILE_MB * CHUNK:  # the body is the file plus the multipart framing
        print(f"FAIL: the server received {DiscardingHandler.received} bytes, less than the file")
        return 1
    if growth >= LIMIT_MB:
        print(
            f"FAIL: peak RSS grew by {growth:.1f} MB (limit {LIMIT_MB} MB): the file is being held in memory"
        )
        return 1
    print(f"OK: growth {growth:.1f} MB is well under the {FILE_MB} MB file size (streamed from disk)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
