"""A >50 MiB `workspaceManagement file upload` by the installed CLI against a
real local server that emulates the multipart calls and the presigned
storage: the real threshold and part size, the bytes reassembled, and the
abort on SIGTERM / Ctrl-C mid-upload."""

from __future__ import annotations

import hashlib
import json
import os
import pty
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from cargo_cli.api import uploads
from tests.e2e.conftest import CLI, TOKEN, WORKSPACE
from tests.e2e.server import Recorded, ScriptedServer, Wire, json_answer

MIB = 1024 * 1024
BASE = "/v1/workspaceManagement/files/multipart"
IDS = {"s3Filename": "e2e-abc-big.bin", "uploadId": "upload-e2e-1"}


class FakeStorage:
    """create/sign/complete/abort on the API, and the presigned PUT target
    (``/s3/...``) on the same server. ``stall_from`` holds every PUT of that
    part number and later until ``release`` is set."""

    def __init__(self, server: ScriptedServer, stall_from: int | None = None) -> None:
        self.server = server
        self.stall_from = stall_from
        self.release = threading.Event()
        self.parts: dict[int, bytes] = {}
        self.assembled: bytes | None = None
        self.lock = threading.Lock()
        server.route("POST", f"{BASE}/create", json_answer(IDS))
        server.route("POST", f"{BASE}/sign", self._sign)
        server.route("PUT", "/s3/", self._put)
        server.route("POST", f"{BASE}/complete", self._complete)
        server.route("POST", f"{BASE}/abort", json_answer({}))

    def _sign(self, request: Recorded, wire: Wire) -> None:
        body = request.json()
        url = f"{self.server.origin}/s3/{body['s3Filename']}?uploadId={body['uploadId']}"
        url += f"&partNumber={body['partNumber']}&X-Amz-Signature=presigned-secret"
        wire.send(200, json.dumps({"url": url}).encode(), {"content-type": "application/json"})

    def _put(self, request: Recorded, wire: Wire) -> None:
        number = int(dict(p.split("=", 1) for p in request.query.split("&"))["partNumber"])
        data, request.body = request.body, b""  # the recorded request keeps its headers only
        if self.stall_from is not None and number >= self.stall_from:
            self.release.wait(30)
        with self.lock:
            self.parts[number] = data
        try:
            wire.send(200, headers={"etag": '"' + hashlib.md5(data).hexdigest() + '"'})
        except OSError:  # a stalled part whose client has gone
            pass

    def _complete(self, request: Recorded, wire: Wire) -> None:
        body = request.json()
        chunks = []
        for part in body["parts"]:
            data = self.parts[part["partNumber"]]
            if part["etag"] != '"' + hashlib.md5(data).hexdigest() + '"':
                wire.send(400, b'{"errorMessage": "ETag mismatch"}', {"content-type": "application/json"})
                return
            chunks.append(data)
        self.assembled = b"".join(chunks)
        wire.send(200, b"{}", {"content-type": "application/json"})

    def calls(self, path: str) -> list[Recorded]:
        return [r for r in self.server.requests if r.path == path]


def make_file(path: Path, size: int) -> str:
    """Random content (so a misplaced part shows), written a MiB at a time."""
    digest = hashlib.sha256()
    with path.open("wb") as handle:
        remaining = size
        while remaining:
            block = os.urandom(min(MIB, remaining))
            handle.write(block)
            digest.update(block)
            remaining -= len(block)
    return digest.hexdigest()


def run_with_terminal_stderr(argv: list[str], env: dict[str, str]) -> tuple[int, str, bytes]:
    """Run with stdout on a pipe and stderr on a pseudo-terminal (what a user
    at a terminal has); returns the exit code, stdout and what the terminal got."""
    master, slave = pty.openpty()
    received = bytearray()

    def drain() -> None:
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # the terminal closed
                return
            if not data:
                return
            received.extend(data)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        proc = subprocess.run(argv, env=env, stdout=subprocess.PIPE, stderr=slave, timeout=120, check=False)
    finally:
        os.close(slave)
        reader.join(timeout=5)
        os.close(master)
    return proc.returncode, proc.stdout.decode(errors="replace"), bytes(received)


def test_a_file_over_50_mib_goes_in_8_mib_parts(server, cli_env, tmp_path):
    assert uploads.THRESHOLD == 50 * MIB and uploads.PART_SIZE == 8 * MIB  # the real values
    storage = FakeStorage(server)
    size = uploads.THRESHOLD + 12_345  # 6 parts of 8 MiB and a 7th of 2 MiB + 12345 bytes
    path = tmp_path / "big.bin"
    digest = make_file(path, size)
    code, out, tty = run_with_terminal_stderr(
        [str(CLI), "workspaceManagement", "file", "upload", "--file", str(path)], cli_env
    )
    assert code == 0, out + tty.decode(errors="replace")
    assert json.loads(out) == {
        "s3Filename": IDS["s3Filename"], "contentType": "application/octet-stream", "name": "big.bin",
    }  # fmt: skip
    # One progress bar, redrawn in place on one line (rich's transient bar
    # moves up one line to clear itself at the end): every frame holds the
    # label once, and the last one shows the whole file sent.
    drawn, newline, _cleared = tty.partition(b"\r\n")
    assert newline and b"\n" not in drawn
    frames = [frame for frame in drawn.split(b"\r\x1b[2K") if frame.strip()]
    assert frames and all(frame.count(b"big.bin ") == 1 for frame in frames)
    assert b"52.4/52.4 MB" in frames[-1]
    assert storage.assembled is not None and len(storage.assembled) == size
    assert hashlib.sha256(storage.assembled).hexdigest() == digest
    paths = [r.path for r in server.requests]
    assert paths[0] == f"{BASE}/create" and paths[-1] == f"{BASE}/complete"
    assert sorted(r.json()["partNumber"] for r in storage.calls(f"{BASE}/sign")) == list(range(1, 8))
    puts = [r for r in server.requests if r.method == "PUT"]
    assert sorted(int(r.headers["content-length"]) for r in puts) == [2 * MIB + 12_345] + [8 * MIB] * 6
    for put in puts:
        assert "authorization" not in put.headers and "selected-workspace-uuid" not in put.headers
        assert TOKEN not in json.dumps(put.headers)
    for call in storage.calls(f"{BASE}/create") + storage.calls(f"{BASE}/complete"):
        assert call.headers["authorization"] == f"Bearer {TOKEN}"
        assert call.headers["selected-workspace-uuid"] == WORKSPACE
    assert not storage.calls(f"{BASE}/abort")


@pytest.mark.parametrize(
    ("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)], ids=["TERM", "INT"]
)
def test_a_signal_mid_upload_aborts_it(server, cli_env, tmp_path, signum, code):
    storage = FakeStorage(server, stall_from=2)
    path = tmp_path / "big.csv"
    make_file(path, uploads.THRESHOLD)  # exactly the threshold: chunked
    # A shell running us in the background ignores SIGINT; the CLI gets the default back.
    proc = subprocess.Popen(
        [str(CLI), "workspaceManagement", "file", "upload", "--file", str(path)],
        env=cli_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        deadline = time.monotonic() + 60
        while not storage.parts and time.monotonic() < deadline:  # part 1 is in: mid-upload
            time.sleep(0.05)
        assert storage.parts, "no part reached the server"
        proc.send_signal(signum)
        raw_out, raw_err = proc.communicate(timeout=30)
    finally:
        storage.release.set()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    out, err = raw_out.decode(), raw_err.decode()
    assert proc.returncode == code, out + err
    error: dict[str, Any] = json.loads(out)
    assert error["errorMessage"] == (
        f"Interrupted: the multipart upload {IDS['uploadId']} of big.csv ({IDS['s3Filename']}) was aborted"
    )
    assert error["uploadId"] == IDS["uploadId"] and error["aborted"] is True
    if signum == signal.SIGTERM:
        assert error["signal"] == "SIGTERM"
    (abort,) = storage.calls(f"{BASE}/abort")
    assert abort.json() == IDS
    assert abort.headers["authorization"] == f"Bearer {TOKEN}"
    assert not storage.calls(f"{BASE}/complete")
    assert "Traceback" not in err
