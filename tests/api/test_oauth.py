"""``login --oauth``: RFC 8628 device flow, RFC 8414 discovery, on the fake clock."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

import httpx
import pytest

from cargo_cli.api.oauth import CLIENT_ID, DEVICE_GRANT
from tests.helpers import WORKSPACE

ORIGIN = "https://api.getcargo.io"
DISCOVERY = f"{ORIGIN}/.well-known/oauth-authorization-server"
DEVICE = "https://auth.getcargo.io/oauth/device"
TOKEN_URL = "https://auth.getcargo.io/oauth/token"
METADATA = {"issuer": ORIGIN, "device_authorization_endpoint": DEVICE, "token_endpoint": TOKEN_URL}
NEW_TOKEN = "oauth-access-token-secret"
USER = {"user": {"uuid": "u-1", "email": "a@b.c"}}
WS = {"workspace": {"uuid": WORKSPACE, "name": "Acme"}}


def device_answer(**extra):
    return {
        "device_code": "dev-123",
        "user_code": "WDJB-MJHT",
        "verification_uri": "https://app.getcargo.io/device",
        "expires_in": 900,
        "interval": 5,
        **extra,
    }


def pending(error="authorization_pending"):
    return httpx.Response(400, json={"error": error})


GRANTED = httpx.Response(200, json={"access_token": NEW_TOKEN, "token_type": "Bearer"})


@pytest.fixture
def flow(api, monkeypatch):
    """Discovery, device authorization and the profile endpoints; the test
    sets the token endpoint's answers."""
    monkeypatch.delenv("CARGO_API_TOKEN")
    monkeypatch.delenv("CARGO_WORKSPACE_UUID")

    class Flow:
        discovery = api.get(DISCOVERY).respond(json=METADATA)
        device = api.post(DEVICE).respond(json=device_answer())
        token = api.post(TOKEN_URL)
        user = api.get("/userManagement/users/current").respond(json=USER)
        workspace = api.get("/workspaceManagement/workspaces/current").respond(json=WS)

    return Flow


def form(route, index=-1):
    return {k: v[0] for k, v in parse_qs(route.calls[index].request.content.decode()).items()}


def stored(tmp_path):
    return json.loads((tmp_path / "config" / "cargo-ai" / "credentials.json").read_text())


@pytest.mark.parametrize(
    ("answers", "sleeps"),
    [
        pytest.param([GRANTED], [5], id="approved-at-once"),
        pytest.param([pending(), pending(), GRANTED], [5, 5, 5], id="authorization_pending"),
        pytest.param([pending("slow_down"), pending(), GRANTED], [5, 10, 10], id="slow_down-adds-5s"),
        pytest.param(
            [pending("slow_down"), pending("slow_down"), GRANTED], [5, 10, 15], id="slow_down-twice"
        ),
    ],
)
def test_device_flow_logs_in(cli, flow, clock, tmp_path, answers, sleeps):
    flow.token.mock(side_effect=answers)
    result = cli("login", "--oauth")
    assert result.code == 0, result.out
    assert result.json == {
        "user": USER["user"],
        "workspace": WS["workspace"],
        "baseUrl": ORIGIN,
        "storedIn": str(tmp_path / "config" / "cargo-ai" / "credentials.json"),
    }
    assert "https://app.getcargo.io/device" in result.err and "WDJB-MJHT" in result.err
    assert NEW_TOKEN not in result.out + result.err
    assert clock.sleeps == sleeps
    assert flow.discovery.call_count == 1
    assert form(flow.device) == {"client_id": CLIENT_ID}
    assert form(flow.token) == {"grant_type": DEVICE_GRANT, "device_code": "dev-123", "client_id": CLIENT_ID}
    assert flow.token.call_count == len(answers)
    # the new token is verified before it is stored
    assert flow.user.calls[0].request.headers["authorization"] == f"Bearer {NEW_TOKEN}"
    assert stored(tmp_path) == {"accessToken": NEW_TOKEN, "workspaceUuid": WORKSPACE}


def test_server_interval_and_complete_uri_are_used(cli, flow, clock):
    complete = "https://app.getcargo.io/device?user_code=WDJB-MJHT"
    flow.device.respond(json=device_answer(interval=2, verification_uri_complete=complete))
    flow.token.mock(side_effect=[pending(), GRANTED])
    result = cli("login", "--oauth")
    assert result.code == 0, result.out
    assert clock.sleeps == [2, 2]
    assert complete in result.err and "WDJB-MJHT" in result.err


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        pytest.param(
            [pending(), pending("expired_token")],
            "The login code expired before it was approved; run `cargo-ai login --oauth` again",
            id="expired_token",
        ),
        pytest.param([pending("access_denied")], "Login was denied in the browser", id="access_denied"),
        pytest.param(
            [httpx.Response(400, json={"error": "invalid_grant", "error_description": "Bad code"})],
            "OAuth login failed: Bad code",
            id="other-error",
        ),
    ],
)
def test_device_flow_failures(cli, flow, tmp_path, answers, message):
    flow.token.mock(side_effect=answers)
    result = cli("login", "--oauth")
    assert result.code == 1
    assert result.json["errorMessage"] == message
    assert not flow.user.called
    assert not (tmp_path / "config" / "cargo-ai" / "credentials.json").exists()


def test_code_expires_on_the_clock(cli, flow, clock):
    flow.device.respond(json=device_answer(expires_in=12, interval=5))
    flow.token.mock(return_value=pending())
    result = cli("login", "--oauth")
    assert result.code == 1
    assert result.json["reason"] == "expired_token"
    assert clock.sleeps == [5, 5, 2]  # the last wait ends at expires_in; then it gives up
    assert flow.token.call_count == 3


@pytest.mark.parametrize(
    ("interval", "slept"),
    [(99999, 60.0), (0, 5.0), (-3, 5.0), (0.2, 1.0), (7, 7.0)],
    ids=["huge-is-60", "zero-is-default", "negative-is-default", "tiny-is-1", "sane-is-kept"],
)
def test_server_interval_is_clamped(cli, flow, clock, interval, slept):
    flow.device.respond(json=device_answer(interval=interval))
    flow.token.mock(side_effect=[pending(), GRANTED])
    assert cli("login", "--oauth").code == 0
    assert clock.sleeps == [slept, slept]


def test_slow_down_never_goes_past_60_s(cli, flow, clock):
    flow.device.respond(json=device_answer(interval=58))
    flow.token.mock(side_effect=[pending("slow_down"), pending("slow_down"), GRANTED])
    assert cli("login", "--oauth").code == 0
    assert clock.sleeps == [58.0, 60.0, 60.0]


def test_huge_expires_in_is_bounded(cli, flow, clock, monkeypatch):
    monkeypatch.setenv("CARGO_TIMEOUT", "86400")  # so that the code's lifetime is the nearer bound
    flow.device.respond(json=device_answer(interval=60, expires_in=10**9))
    flow.token.mock(return_value=pending())
    result = cli("login", "--oauth")
    assert result.json["reason"] == "expired_token"
    assert sum(clock.sleeps) == 3600.0  # an hour at most, whatever the server says


@pytest.mark.parametrize("interval", [5, 99999])
def test_cargo_timeout_bounds_the_wait(cli, flow, clock, monkeypatch, interval):
    """The whole wait for the approval counts as one call: CARGO_TIMEOUT
    (default 360 s) ends it before a longer expires_in, and no sleep
    reaches past it."""
    monkeypatch.setenv("CARGO_TIMEOUT", "12")
    flow.device.respond(json=device_answer(expires_in=900, interval=interval))
    flow.token.mock(return_value=pending())
    result = cli("login", "--oauth")
    assert result.code == 1
    assert result.json == {
        "errorMessage": "Login timed out: the code was not approved within 12s (CARGO_TIMEOUT); "
        "run `cargo-ai login --oauth` again"
    }
    assert sum(clock.sleeps) == 12.0 and max(clock.sleeps) <= 12.0
    assert clock.sleeps == ([5.0, 5.0, 2.0] if interval == 5 else [12.0])
    assert not flow.user.called


def test_no_discovery_document(cli, flow):
    flow.discovery.respond(404)
    result = cli("login", "--oauth")
    assert result.code == 1
    assert (
        result.json["errorMessage"]
        == f"OAuth login is not available: no authorization server metadata at {DISCOVERY}"
    )
    assert not flow.device.called


@pytest.mark.parametrize(
    ("metadata", "device"),
    [({"issuer": ORIGIN}, device_answer()), (METADATA, {"device_code": "d"})],
    ids=["no-device-grant", "incomplete-device-answer"],
)
def test_malformed_oauth_answers_are_api_errors(cli, flow, metadata, device):
    flow.discovery.respond(json=metadata)
    flow.device.respond(json=device)
    result = cli("login", "--oauth")
    assert result.code == 1
    assert result.json["errorMessage"].startswith(
        ("OAuth login is not available", "Device authorization failed")
    )


def test_oauth_and_token_are_exclusive(cli, api):
    for argv in (("login",), ("login", "--oauth", "--token", "t")):
        result = cli(*argv)
        assert (result.code, result.json) == (
            2,
            {"errorMessage": "Pass exactly one of --token <token> or --oauth."},
        )
    assert not api.calls
