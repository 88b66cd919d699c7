"""A scriptable real HTTP server for end-to-end tests.

``ScriptedServer`` listens on 127.0.0.1 on a free port in a background thread.
Each request is recorded (method, path, query, headers, body) and answered by
the first route whose method and path prefix match. A route is a function
``(request: Recorded, wire: Wire) -> None`` that writes the answer itself, so a
test can send anything a hostile server would: a redirect, HTML, truncated
JSON, a body dripped one byte a second, a dropped connection::

    server.route("GET", "/v1/orchestration/runs/", json_answer({"run": {...}}))
    server.route("POST", "/v1/orchestration/runs", status_answer(307, headers={"location": "/x"}))
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit


@dataclass
class Recorded:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class Wire:
    """What a route writes with: a status line and headers, then raw bytes."""

    def __init__(self, handler: BaseHTTPRequestHandler) -> None:
        self._handler = handler

    def head(self, status: int, headers: dict[str, str] | None = None, *, length: int | None = None) -> None:
        self._handler.send_response(status)
        for key, value in (headers or {}).items():
            self._handler.send_header(key, value)
        if length is not None:
            self._handler.send_header("content-length", str(length))
        self._handler.end_headers()

    def write(self, data: bytes) -> None:
        self._handler.wfile.write(data)
        self._handler.wfile.flush()

    def send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.head(status, headers, length=len(body))
        self.write(body)

    def drop(self) -> None:
        """Close the connection without answering."""
        self._handler.close_connection = True
        try:
            self._handler.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


Route = Callable[[Recorded, Wire], None]


def json_answer(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Route:
    data = json.dumps(body).encode()

    def route(_request: Recorded, wire: Wire) -> None:
        wire.send(status, data, {"content-type": "application/json", **(headers or {})})

    return route


def raw_answer(status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> Route:
    def route(_request: Recorded, wire: Wire) -> None:
        wire.send(status, body, headers)

    return route


def drip_answer(
    body: bytes, *, every: float = 1.0, status: int = 200, headers: dict[str, str] | None = None
) -> Route:
    """Announce the whole length, then send one byte per ``every`` seconds."""

    def route(_request: Recorded, wire: Wire) -> None:
        wire.head(status, {"content-type": "application/json", **(headers or {})}, length=len(body))
        for index in range(len(body)):
            try:
                wire.write(body[index : index + 1])
            except OSError:
                return
            time.sleep(every)

    return route


@dataclass
class ScriptedServer:
    routes: list[tuple[str, str, Route]] = field(default_factory=list)
    requests: list[Recorded] = field(default_factory=list)

    def __post_init__(self) -> None:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args: Any) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                recorded = Recorded(
                    self.command,
                    parts.path,
                    parts.query,
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                )
                server.requests.append(recorded)
                for method, prefix, route in server.routes:
                    if method in (self.command, "*") and parts.path.startswith(prefix):
                        route(recorded, Wire(self))
                        return
                Wire(self).send(
                    404,
                    json.dumps({"errorMessage": f"no route for {self.command} {parts.path}"}).encode(),
                    {"content-type": "application/json"},
                )

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle  # noqa: N815 (http.server names)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    @property
    def origin(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def route(self, method: str, path_prefix: str, route: Route) -> None:
        self.routes.append((method, path_prefix, route))

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
