"""Upload benchmarks: throughput and peak RSS, against a local HTTP server.

1. The single multipart/form-data POST (``CargoClient.upload``, in-process):
   a 100 MB file through ``content.file.upload`` (which is never chunked);
   peak RSS growth over the baseline taken just before. Fails at >= 50 MB.
2. The chunked upload (``workspaceManagement file upload`` >= 50 MiB): the
   installed ``cargo-ai`` uploads a 200 MB file as a subprocess to a local
   server that emulates ``files/multipart/create|sign|complete`` and the
   presigned PUTs (read and discarded). Reports throughput and the process's
   peak RSS, against the same CLI uploading a 1 KB file. Fails when the
   server did not get every byte in the right parts, or the growth is at
   least the parts in flight (4 x 8 MiB): memory must not follow the file.

Every server thread is a daemon and every socket has a timeout, so the run is
bounded (``DEADLINE_S``).

    .venv/bin/python scripts/bench_upload.py [--size-mb 200]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from cargo_cli.api import uploads
from cargo_cli.api.client import CargoClient
from cargo_cli.api.endpoints import endpoint_for
from cargo_cli.settings import Settings

MB = 1000 * 1000
CHUNK = 1024 * 1024
SINGLE_MB = 100
SINGLE_LIMIT_MB = 50
DEADLINE_S = 120.0
CLI = Path(sys.executable).parent / "cargo-ai"


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    peak = resource.getrusage(who).ru_maxrss
    # Linux reports KiB, macOS bytes.
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def make_file(directory: str, name: str, size: int) -> str:
    path = os.path.join(directory, name)
    block = os.urandom(CHUNK)
    with open(path, "wb") as handle:
        left = size
        while left > 0:
            left -= handle.write(block[: min(CHUNK, left)])
    return path


class Server(BaseHTTPRequestHandler):
    """Reads and discards every body. The single-POST and chunked endpoints,
    and ``/s3?partNumber=N`` for the presigned PUTs (ETag = the part number)."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms delayed-ACK stalls
    timeout = DEADLINE_S
    received = 0
    part_bytes: dict[int, int] = {}
    completed: list[dict[str, object]] = []
    lock = threading.Lock()

    def _drain(self) -> int:
        remaining = int(self.headers.get("content-length") or 0)
        total = 0
        while remaining > 0:
            chunk = self.rfile.read(min(CHUNK, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            total += len(chunk)
        with self.lock:
            type(self).received += total
        return total

    def _answer(self, body: object, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        if path.endswith("/multipart/create"):
            self._drain()
            self._answer({"s3Filename": "bench.bin", "uploadId": "bench-upload"})
        elif path.endswith("/multipart/sign"):
            number = json.loads(self.rfile.read(int(self.headers["content-length"])))["partNumber"]
            host, port = self.server.server_address[:2]
            self._answer({"url": f"http://{host}:{port}/s3?partNumber={number}"})
        elif path.endswith("/multipart/complete"):
            body = json.loads(self.rfile.read(int(self.headers["content-length"])))
            type(self).completed.append(body)
            self._answer({})
        else:  # a single-POST upload
            self._drain()
            self._answer({"files": [{"s3Filename": "bench.bin", "name": "bench.bin"}]})

    def do_PUT(self) -> None:
        number = int(parse_qs(urlsplit(self.path).query)["partNumber"][0])
        size = self._drain()
        with self.lock:
            type(self).part_bytes[number] = size
        self._answer({}, {"etag": f'"{number}"'})

    def log_message(self, format: str, *args: object) -> None:
        pass


def bench_single_post(directory: str) -> bool:
    server = HTTPServer(("127.0.0.1", 0), Server)
    server.timeout = DEADLINE_S
    thread = threading.Thread(target=server.handle_request, daemon=True)  # one request
    thread.start()
    port = server.server_address[1]
    path = make_file(directory, "single.bin", SINGLE_MB * MB)
    Server.received = 0
    settings = Settings(api_url=f"http://127.0.0.1:{port}", timeout=DEADLINE_S, max_retries=0)
    with CargoClient(settings, token="bench", workspace_uuid=None) as client:
        baseline = peak_rss_mb()
        started = time.monotonic()
        uploads.upload(client, endpoint_for("content.file.upload"), path)
        elapsed = time.monotonic() - started
    growth = peak_rss_mb() - baseline
    thread.join(timeout=5)
    server.server_close()
    print(
        f"single POST: {SINGLE_MB} MB in {elapsed:.2f}s ({SINGLE_MB / elapsed:.0f} MB/s); "
        f"peak RSS growth {growth:.1f} MB"
    )
    if Server.received < SINGLE_MB * MB:  # the body is the file plus the multipart framing
        print(f"FAIL: the server received {Server.received} bytes, less than the file")
        return False
    if growth >= SINGLE_LIMIT_MB:
        print(
            f"FAIL: peak RSS grew by {growth:.1f} MB (limit {SINGLE_LIMIT_MB} MB): the file is held in memory"
        )
        return False
    return True


def vm_hwm_mb(pid: int) -> float | None:
    """The peak RSS of ``pid``'s own memory (``VmHWM``; Linux). ``getrusage``
    would not do: a child's ru_maxrss starts at the RSS of the parent it was
    forked from."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


def run_cli(origin: str, path: str) -> tuple[float, int, str, float | None]:
    """The installed CLI uploads ``path``: (seconds, exit code, stdout, peak RSS
    in MB, read until it exits)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CARGO_")}
    env.update(CARGO_API_URL=origin, CARGO_API_TOKEN="bench", CARGO_NO_KEYRING="1")
    started = time.monotonic()
    proc = subprocess.Popen(
        [str(CLI), "workspaceManagement", "file", "upload", "--file", path],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    peak: float | None = None
    while proc.poll() is None and time.monotonic() - started < DEADLINE_S:
        peak = vm_hwm_mb(proc.pid) or peak
        time.sleep(0.01)
    if proc.poll() is None:
        proc.kill()
    out = proc.communicate()[0].decode(errors="replace")
    return time.monotonic() - started, proc.returncode, out, peak


def bench_chunked(directory: str, size_mb: int) -> bool:
    size = size_mb * MB
    if size < uploads.THRESHOLD:
        print(f"FAIL: {size_mb} MB is under the chunked threshold")
        return False
    server = ThreadingHTTPServer(("127.0.0.1", 0), Server)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = "http://{}:{}".format(*server.server_address[:2])
    try:
        _t, small_code, _out, baseline = run_cli(origin, make_file(directory, "small.bin", 1000))
        path = make_file(directory, "chunked.bin", size)
        Server.part_bytes.clear()
        elapsed, code, out, peak = run_cli(origin, path)
    finally:
        server.shutdown()
        server.server_close()
    parts = uploads.plan_parts(size, uploads.PART_SIZE)
    limit = uploads.MAX_IN_FLIGHT * uploads.PART_SIZE / (1024 * 1024)
    rss = (
        f"peak RSS {peak:.1f} MB vs {baseline:.1f} MB for a 1 KB upload (growth {peak - baseline:.1f} MB)"
        if peak is not None and baseline is not None
        else "peak RSS not measured (needs /proc)"
    )
    print(
        f"chunked: {size_mb} MB in {len(parts)} parts of {uploads.PART_SIZE // (1024 * 1024)} MiB "
        f"in {elapsed:.2f}s ({size_mb / elapsed:.0f} MB/s, the installed CLI end to end); {rss}"
    )
    if small_code != 0 or code != 0:
        print(f"FAIL: the CLI exited {small_code}/{code}: {out[:500]}")
        return False
    expected = {p.number: p.size for p in parts}
    if Server.part_bytes != expected or not Server.completed:
        print(
            f"FAIL: the server got parts {sorted(Server.part_bytes.items())[:5]}…, expected {len(parts)} parts"
        )
        return False
    if [p["partNumber"] for p in Server.completed[-1]["parts"]] != list(expected):  # type: ignore[attr-defined]
        print("FAIL: complete did not list every part in order")
        return False
    if peak is not None and baseline is not None and peak - baseline >= limit:
        print(f"FAIL: peak RSS grew by {peak - baseline:.1f} MB (limit {limit:.0f} MB, the parts in flight)")
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=int, default=200, help="size of the chunked upload")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as directory:
        ok = bench_single_post(directory)
        ok = bench_chunked(directory, args.size_mb) and ok
    print("OK: uploads stream from disk" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
