"""OAuth 2.0 Device Authorization Grant (RFC 8628) against the Cargo API's
authorization server, discovered through RFC 8414 metadata at
``<origin>/.well-known/oauth-authorization-server``.

Waiting for the approval is bounded twice: by the code's ``expires_in``
(clamped to an hour) and by ``CARGO_TIMEOUT`` (the client's whole-call
budget, which the whole wait counts as one call of). No sleep and no poll
reaches past the earlier of the two, whatever ``interval`` the server asks
for (docs/hardening.md, "OAuth login")."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import httpx
from pydantic import BaseModel, ConfigDict

from cargo_cli.api.errors import ApiError, InvalidResponse, RequestTimeout, Unauthorized
from cargo_cli.api.responses import decode_body

if TYPE_CHECKING:
    from cargo_cli.api.client import CargoClient

CLIENT_ID = "cargo-ai-cli"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
SLOW_DOWN_STEP = 5.0
DEFAULT_INTERVAL = 5.0  # RFC 8628 section 3.2: when the server sends none
MIN_INTERVAL = 1.0
MAX_INTERVAL = 60.0  # a server asking for more is treated as asking for 60 s
DEFAULT_EXPIRES_IN = 900.0
MAX_EXPIRES_IN = 3600.0  # a login code is good for minutes, never hours
POLL_GRACE = 1.0  # s: the request timeout of a poll sent at the bound


def _clamp(value: float, default: float, low: float, high: float) -> float:
    """A server-sent number of seconds, made sane: ``default`` when it is
    missing, not finite or not positive; else bounded by ``low``/``high``."""
    if not math.isfinite(value) or value <= 0:
        return default
    return min(max(value, low), high)


class ServerMetadata(BaseModel):
    model_config = ConfigDict(extra="allow")
    issuer: str | None = None
    device_authorization_endpoint: str
    token_endpoint: str


class DeviceAuthorization(BaseModel):
    model_config = ConfigDict(extra="allow")
    device_code: str
    user_code: str
    verification_uri: str
    verification_uri_complete: str | None = None
    expires_in: float = 900
    interval: float = 5


class DeviceFlow:
    def __init__(
        self,
        client: CargoClient,
        *,
        sleep: Callable[[float], None],
        clock: Callable[[], float],
        client_id: str = CLIENT_ID,
    ) -> None:
        self.client = client
        self.sleep = sleep
        self.clock = clock
        self.client_id = client_id

    def _post_form(self, url: str, form: dict[str, str], timeout: float | None = None) -> tuple[int, Any]:
        try:
            response = self.client.plain_request("POST", url, form=form, timeout=timeout)
        except httpx.TimeoutException:
            raise RequestTimeout("OAuth request timed out") from None
        except httpx.TransportError as exc:
            raise self.client.network_error(exc, connecting=isinstance(exc, httpx.ConnectError)) from None
        return response.status_code, decode_body(response.content)

    def metadata(self) -> ServerMetadata:
        url = self.client.options.api_url + "/.well-known/oauth-authorization-server"
        try:
            response = self.client.plain_request("GET", url)
        except httpx.TimeoutException:
            raise RequestTimeout("OAuth request timed out") from None
        except httpx.TransportError as exc:
            raise self.client.network_error(exc, connecting=isinstance(exc, httpx.ConnectError)) from None
        body = decode_body(response.content)
        if response.status_code >= 400 or not isinstance(body, dict):
            raise ApiError(
                "OAuth login is not available: no authorization server metadata at " + url,
                status=response.status_code,
            )
        try:
            return ServerMetadata.model_validate(body)
        except ValueError:
            raise InvalidResponse(
                "OAuth login is not available: the authorization server does not support "
                "the device authorization grant"
            ) from None

    def start(self, meta: ServerMetadata) -> DeviceAuthorization:
        status, body = self._post_form(meta.device_authorization_endpoint, {"client_id": self.client_id})
        if status >= 400 or not isinstance(body, dict):
            raise _oauth_error(status, body, "Device authorization failed")
        try:
            return DeviceAuthorization.model_validate(body)
        except ValueError:
            raise InvalidResponse(
                "Device authorization failed: the answer has no device_code, user_code and verification_uri",
                status=status,
            ) from None

    def poll(self, meta: ServerMetadata, auth: DeviceAuthorization) -> str:
        """Poll the token endpoint every ``interval`` (clamped to 1..60 s,
        default 5) until approved, denied, or the earlier of ``expires_in``
        and ``CARGO_TIMEOUT`` has passed (each sleep and each poll get only
        what is left)."""
        interval = _clamp(auth.interval, DEFAULT_INTERVAL, MIN_INTERVAL, MAX_INTERVAL)
        started = self.clock()
        expires_at = started + _clamp(auth.expires_in, DEFAULT_EXPIRES_IN, 1.0, MAX_EXPIRES_IN)
        budget = self.client.options.timeout
        deadline = min(expires_at, started + budget)
        form = {
            "grant_type": DEVICE_GRANT,
            "device_code": auth.device_code,
            "client_id": self.client_id,
        }
        while True:
            left = deadline - self.clock()
            if left <= 0:
                if deadline < expires_at:
                    raise RequestTimeout(
                        f"Login timed out: the code was not approved within {budget:g}s (CARGO_TIMEOUT); "
                        "run `cargo-ai login --oauth` again"
                    )
                raise Unauthorized(
                    "The login code expired before it was approved; run `cargo-ai login --oauth` again",
                    reason="expired_token",
                )
            self.sleep(min(interval, left))
            # One last poll at the bound still counts (the user may just have
            # approved); it gets what is left, at least POLL_GRACE.
            left = max(deadline - self.clock(), POLL_GRACE)
            status, body = self._post_form(meta.token_endpoint, form, timeout=left)
            if status < 400 and isinstance(body, dict) and body.get("access_token"):
                return str(body["access_token"])
            error = body.get("error") if isinstance(body, dict) else None
            if error == "authorization_pending":
                pass
            elif error == "slow_down":
                interval = min(interval + SLOW_DOWN_STEP, MAX_INTERVAL)
            elif error == "expired_token":
                raise Unauthorized(
                    "The login code expired before it was approved; run `cargo-ai login --oauth` again",
                    status=status,
                    reason="expired_token",
                )
            elif error == "access_denied":
                raise Unauthorized("Login was denied in the browser", status=status, reason="access_denied")
            else:
                raise _oauth_error(status, body, "OAuth login failed")


def _oauth_error(status: int, body: Any, default: str) -> ApiError:
    if isinstance(body, dict):
        text = body.get("error_description") or body.get("errorMessage") or body.get("error")
        if text:
            return ApiError(f"{default}: {text}", status=status, reason=body.get("error"))
    return ApiError(default, status=status)
