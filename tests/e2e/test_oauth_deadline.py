"""``login --oauth`` against a fake OAuth server whose device endpoint asks
for ``interval: 99999``: the wait for the approval ends at the code's
``expires_in`` or at ``CARGO_TIMEOUT``, whichever comes first, and never
sleeps past it (the installed CLI as a subprocess, real time)."""

from __future__ import annotations

import json
import time
from typing import Any

from tests.e2e.server import Recorded, ScriptedServer, Wire, json_answer


def oauth_server(server: ScriptedServer, *, expires_in: int) -> list[float]:
    """Discovery, a device code with a huge interval, and a token endpoint
    that is always pending; returns the times the token endpoint was polled."""
    polls: list[float] = []
    origin = server.origin
    server.route(
        "GET",
        "/.well-known/oauth-authorization-server",
        json_answer(
            {
                "issuer": origin,
                "device_authorization_endpoint": f"{origin}/oauth/device",
                "token_endpoint": f"{origin}/oauth/token",
            }
        ),
    )
    device = {
        "device_code": "dev-1",
        "user_code": "ABCD-EFGH",
        "verification_uri": f"{origin}/device",
        "expires_in": expires_in,
        "interval": 99999,
    }
    server.route("POST", "/oauth/device", json_answer(device))

    def token(_request: Recorded, wire: Wire) -> None:
        polls.append(time.monotonic())
        wire.send(
            400, json.dumps({"error": "authorization_pending"}).encode(), {"content-type": "application/json"}
        )

    server.route("POST", "/oauth/token", token)
    return polls


def test_the_code_expiry_bounds_the_wait(server: ScriptedServer, run_cli: Any) -> None:
    polls = oauth_server(server, expires_in=3)
    started = time.monotonic()
    result = run_cli("login", "--oauth", timeout=30)
    elapsed = time.monotonic() - started
    assert (result.code, result.json) == (
        1,
        {
            "errorMessage": "The login code expired before it was approved; run `cargo-ai login --oauth` again",
            "reason": "expired_token",
        },
    )
    assert 3.0 <= elapsed < 3.0 + 5.0  # not 60 s (the clamped interval), let alone 99999 s
    assert len(polls) == 1  # one poll, at the code's expiry
    assert "ABCD-EFGH" in result.err
    assert not [r for r in server.requests if r.path.startswith("/v1/")]  # nothing was logged in


def test_cargo_timeout_bounds_the_wait(server: ScriptedServer, run_cli: Any) -> None:
    polls = oauth_server(server, expires_in=900)
    started = time.monotonic()
    result = run_cli("login", "--oauth", env={"CARGO_TIMEOUT": "2"}, timeout=30)
    elapsed = time.monotonic() - started
    assert (result.code, result.json) == (
        1,
        {
            "errorMessage": "Login timed out: the code was not approved within 2s (CARGO_TIMEOUT); "
            "run `cargo-ai login --oauth` again"
        },
    )
    assert 2.0 <= elapsed < 2.0 + 5.0
    assert len(polls) == 1
