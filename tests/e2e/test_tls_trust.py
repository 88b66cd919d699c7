"""The shared SSL context loads its CA bundle on the first TLS handshake
only (api/tls.py ``ssl_context``), and still verifies: a real local TLS
server with a self-signed certificate is refused, and trusted once
``SSL_CERT_FILE`` names its certificate."""

from __future__ import annotations

import socket
import ssl
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

CHECK = """
import sys
import httpx
from cargo_cli.api.tls import ssl_context
context = ssl_context()
before = context.cert_store_stats()["x509_ca"]
try:
    print(httpx.Client(verify=context).get(sys.argv[1]).text)
except httpx.ConnectError as exc:
    print("refused:", "CERTIFICATE_VERIFY_FAILED" in str(exc))
print(before, context.cert_store_stats()["x509_ca"] > 0)
"""


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def serve() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            try:
                with context.wrap_socket(conn, server_side=True) as tls:
                    tls.recv(4096)
                    tls.sendall(b"HTTP/1.1 200 OK\r\ncontent-length: 7\r\nconnection: close\r\n\r\ntrusted")
            except (OSError, ssl.SSLError):
                conn.close()

    threading.Thread(target=serve, daemon=True).start()
    yield f"https://localhost:{port}/", cert
    listener.close()


def run(url: str, env: dict[str, str]) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", CHECK, url], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split("\n")[:2]


def test_the_ca_bundle_loads_on_the_first_handshake_and_verifies(tls_server, monkeypatch) -> None:
    import os

    url, cert = tls_server
    env = {k: v for k, v in os.environ.items() if k not in ("SSL_CERT_FILE", "SSL_CERT_DIR")}
    assert run(url, env) == ["refused: True", "0 True"]  # nothing loaded before, verified at the handshake
    assert run(url, {**env, "SSL_CERT_FILE": str(cert)}) == ["trusted", "0 True"]
