"""A transport that sends nothing (``--dry-run``): it hands every request the
client built to a callback, which raises to end the run. The request it sees
is the very ``httpx.Request`` the client would have sent; no socket is opened."""

from __future__ import annotations

from collections.abc import Callable
from typing import NoReturn

import httpx


class CapturingTransport(httpx.BaseTransport):
    def __init__(self, on_request: Callable[[httpx.Request], NoReturn]) -> None:
        self.on_request = on_request

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.on_request(request)
