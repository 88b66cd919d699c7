"""The client core: one shared ``httpx.Client`` and the wire conventions of
the vendor's TypeScript client (docs/design.md).

Building a request is separate from sending it, as in httpx
(``build_request`` / ``send``): ``prepare(endpoint, payload)`` turns a call's
payload into a ``PreparedCall`` (the very ``httpx.Request`` that will be
sent, with what the answer is read by), and ``send(call)`` is the one
request loop: the whole-call deadline, the retry policy (api/retries.py),
the debug log, the answer read strictly (api/responses.py). Every request
of the process (API calls, uploads, downloads, probes, OAuth) goes through
the one ``httpx.Client`` this class builds, with the ``transport`` it was
given.

Commands never touch this class: they run the typed methods of
``api/resources`` (api/resource.py), which call ``prepare`` and ``send``.
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections.abc import Callable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any, NamedTuple
from urllib.parse import quote, urlsplit

from cargo_cli.api import querystring, retries
from cargo_cli.api.endpoint import NO_REASONS, Endpoint, Param
from cargo_cli.api.errors import (
    ApiError,
    InvalidRequest,
    InvalidResponse,
    NetworkError,
    RequestTimeout,
    error_class_for_status,
)
from cargo_cli.api.options import ClientOptions, HasClientOptions
from cargo_cli.api.responses import (
    VOID,
    decode_body,
    describe_error,
    error_from_response,
    parse_success,
    redact_headers,
    request_id_of,
)
from cargo_cli.api.tls import ssl_context
from cargo_cli.api.tokens import clean_token
from cargo_cli.api.watchdog import GRACE, DeadlineAlarm, watchdog

if "httpx" not in sys.modules:
    # httpx's package init imports its own command-line tool (rich, pygments,
    # click: ~50 ms) unless that import fails; cargo-ai never uses it.
    sys.modules["httpx._main"] = None  # type: ignore[assignment]
    import httpx

    del sys.modules["httpx._main"]
else:
    import httpx

MAX_URL_LENGTH = 65536
# httpx's own message quotes the offending header value (the token): never shown.
HEADER_REFUSED = "Network error: the request could not be sent (an invalid header)"
NO_BODY: Any = object()  # ``json_body`` default: the request has no JSON body
_URI_SAFE = "-_.!~*'()"


def encode_segment(value: str) -> str:
    """A path parameter as exactly one path segment: ``/ ? # %`` and the dot
    segments ``.`` / ``..`` can never change the path."""
    encoded = quote(value, safe=_URI_SAFE)
    return encoded.replace(".", "%2E") if encoded in {".", ".."} else encoded


def _pick(payload: Mapping[str, Any], fields: tuple[Param, ...], forward: bool) -> dict[str, Any]:
    """Build the query/body mapping of an endpoint from the payload."""
    if forward:
        renames = {p.name: p.wire for p in fields}
        return {renames.get(name, name): value for name, value in payload.items()}
    return {p.wire: payload[p.name] for p in fields if p.name in payload}


@dataclass(frozen=True)
class PreparedCall:
    """One API call ready to send: the ``httpx.Request`` itself (what
    ``--dry-run`` shows is what would be sent), and how its answer is read."""

    request: httpx.Request
    url: str  # as built (the debug log shows it)
    where: str  # the path, for error messages
    reasons: Mapping[str, Any] = field(default_factory=lambda: NO_REASONS)
    idempotent: bool = True  # may be re-sent after the server answered
    kind: str = VOID  # json, void or text: what a 2xx may carry


class RawResponse(NamedTuple):
    """One answer as it came (``Resource.with_raw_response``)."""

    status: int
    body: Any
    headers: dict[str, str]
    elapsed: float  # seconds


class CargoClient:
    """One shared connection pool, auth/workspace headers, the whole-call
    deadline, retries and the debug log."""

    def __init__(
        self,
        options: ClientOptions | HasClientOptions,
        *,
        token: str | None,
        workspace_uuid: str | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        jitter: Callable[[], float] = random.random,
        debug_log: Callable[[str], None] | None = None,
    ) -> None:
        self.options = options if isinstance(options, ClientOptions) else options.client_options()
        self._debug_log = debug_log  # where debug lines go when options.debug is on (the CLI's stderr)
        # Every token source cleans its token and names itself on failure;
        # this is the backstop, so no header value can ever be illegal.
        self.token = clean_token(token, "The API token") if token else token
        self.workspace_uuid = (
            clean_token(workspace_uuid, "The workspace uuid") if workspace_uuid else workspace_uuid
        )
        self.sleep = sleep
        self.clock = clock
        self._wall_clock = wall_clock
        self._jitter = jitter
        self._base = httpx.URL(self.options.base_url + "/")
        timeout = httpx.Timeout(self.options.timeout, connect=self.connect_timeout(self.options.timeout))
        self._http = httpx.Client(
            timeout=timeout,
            transport=transport,
            follow_redirects=False,
            verify=ssl_context(),
            headers={"user-agent": self.options.user_agent},
        )

    # -- lifecycle -----------------------------------------------------
    @property
    def http(self) -> httpx.Client:
        """The one ``httpx.Client`` (downloads and uploads send through it too)."""
        return self._http

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> CargoClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- small shared pieces ---------------------------------------------
    def connect_timeout(self, remaining: float) -> float:
        return min(self.options.connect_timeout, remaining)

    def debug(self, message: str) -> None:
        if self.options.debug and self._debug_log is not None:
            self._debug_log(message)

    def backoff(self, attempt: int) -> float:
        """The jittered backoff before retry ``attempt`` (api/retries.py)."""
        return retries.backoff(attempt, self._jitter())

    def timed_out(self) -> RequestTimeout:
        return RequestTimeout(f"Request timed out after {self.options.timeout:g}s")

    def network_error(self, exc: Exception, *, connecting: bool) -> NetworkError:
        """A network failure naming the host and what to check."""
        host = self._base.host + (f":{self._base.port}" if self._base.port else "")
        if connecting and isinstance(exc, httpx.ConnectTimeout):
            what = f"could not connect to {host} within {self.connect_timeout(self.options.timeout):g}s"
            cls: type[NetworkError] = RequestTimeout
        elif connecting:
            what = f"could not connect to {host} ({describe_error(exc)})"
            cls = NetworkError
        else:
            what = f"the connection to {host} failed ({describe_error(exc)})"
            cls = NetworkError
        return cls(
            f"Network error: {what}. Check CARGO_API_URL ({self.options.api_url}), "
            "your network connection and proxy settings (HTTPS_PROXY)"
        )

    # -- building a request ------------------------------------------------
    def headers(self, *, with_workspace: bool = True) -> dict[str, str]:
        headers: dict[str, str] = {}
        if self.token:
            headers["authorization"] = f"Bearer {self.token}"
        if with_workspace and self.workspace_uuid:
            headers["selected-workspace-uuid"] = self.workspace_uuid
        headers["x-cargo-origin"] = "cli"
        headers["x-cargo-origin-version"] = self.options.version
        return headers

    def url(self, path: str, params: Mapping[str, Any] | None = None) -> str:
        url = self.options.base_url + "/" + path.lstrip("/")
        query = querystring.serialize(params)
        url = f"{url}?{query}" if query else url
        if len(url) > MAX_URL_LENGTH:  # what httpx refuses; servers refuse far less
            raise InvalidRequest(
                f"The request URL would be {len(url)} characters long (at most {MAX_URL_LENGTH}): "
                "an argument is too long"
            )
        return url

    def check_under_base(self, url: httpx.URL) -> None:
        """The one guard every API request passes: it goes to the configured
        origin, under ``/v1/`` (after dot segments were resolved)."""
        base = self._base
        same_origin = (url.scheme, url.host, url.port) == (base.scheme, base.host, base.port)
        if not same_origin or not url.path.startswith(base.path):
            raise InvalidRequest(f"Refusing to send a request outside {base}: {url.path}")

    def build_request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = NO_BODY,
        files: Mapping[str, Any] | None = None,
        with_workspace: bool = True,
        reasons: Mapping[str, Any] | None = None,
        idempotent: bool | None = None,
        kind: str = VOID,
    ) -> PreparedCall:
        """One API request under ``/v1`` with the Cargo headers, not sent yet
        (``InvalidRequest``: it could not be built; nothing was sent)."""
        headers = self.headers(with_workspace=with_workspace)
        content: bytes | None = None
        if json_body is not NO_BODY:
            headers["content-type"] = "application/json"
            content = json.dumps(json_body, ensure_ascii=False, separators=(",", ":")).encode()
        url = self.url(path, params)
        where = urlsplit(url).path
        request = self._http.build_request(method, url, headers=headers, content=content, files=files)
        try:
            self.check_under_base(request.url)
        except ApiError as exc:
            raise exc.locate(method, where) from None
        return PreparedCall(
            request,
            url,
            where,
            reasons=reasons or NO_REASONS,
            idempotent=method != "POST" if idempotent is None else idempotent,
            kind=kind,
        )

    def prepare(self, endpoint: Endpoint, payload: Mapping[str, Any] | None = None) -> PreparedCall:
        """The request of one of the vendor client's calls with the payload
        its TS method takes: path parameters, query and body placement from
        the ``Endpoint`` record."""
        data = dict(payload or {})
        path = endpoint.path
        for param in endpoint.located("path"):
            value = data.pop(param.name, None)
            if value is None or value == "":
                raise InvalidRequest(f"Missing value for {param.name}", field=param.name)
            path = path.replace("{" + param.wire + "}", encode_segment(str(value)))
        params = _pick(data, endpoint.located("query"), endpoint.query_forwards) if endpoint.query else None
        json_body: Any = NO_BODY
        if endpoint.method != "GET":
            if endpoint.body:
                json_body = _pick(data, endpoint.located("body"), endpoint.body_forwards)
            elif endpoint.optional_payload:
                json_body = {}
        return self.build_request(
            endpoint.method,
            path,
            params=params,
            json_body=json_body,
            with_workspace=endpoint.workspace,
            reasons=endpoint.reasons,
            idempotent=endpoint.safe_to_retry,
            kind=endpoint.response,
        )

    # -- sending ------------------------------------------------------------
    def call(self, endpoint_id: str, payload: Mapping[str, Any] | None = None) -> Any:
        """Send one call by id with an unchecked payload (the typed methods
        of ``api/resources`` check it first)."""
        from cargo_cli.api.endpoints import endpoint_for

        return self.send(self.prepare(endpoint_for(endpoint_id), payload))

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        """A raw request under ``/v1`` (``build_request``'s arguments), sent
        through the same loop as every call."""
        return self.send(self.build_request(method, path, **kwargs))

    def send(self, call: PreparedCall) -> Any:
        """The request loop: one call within ``CARGO_TIMEOUT``, answering the
        JSON of a 2xx (as ``call.kind`` allows), else a typed error that says
        which call failed."""
        method = call.request.method
        response: httpx.Response | None = None
        try:
            response, raw = self._exchange(call)
            status = response.status_code
            if 300 <= status < 400:
                location = response.headers.get("location") or "(no Location)"
                raise InvalidResponse(
                    f"Unexpected redirect: HTTP {status} to {location}; API calls do not follow "
                    "redirects (check CARGO_API_URL)",
                    status=status,
                )
            if status >= 400:
                raise error_from_response(status, decode_body(raw or b""), call.reasons)
            if raw is None:
                raise InvalidResponse(
                    f"Invalid JSON in the response to {method} {call.where} (HTTP {status}, "
                    f"{response.num_bytes_downloaded} bytes): the content encoding is corrupt",
                    status=status,
                )
            return parse_success(raw, call.kind, status, method, call.where)
        except ApiError as exc:
            found = response.headers if response is not None else {}
            raise exc.locate(method, call.where, request_id_of(found)) from None

    def send_once(self, call: PreparedCall) -> RawResponse:
        """One attempt, for diagnostics (``doctor``): the answer whatever its
        status. No retries; no answer raises like ``send``."""
        request, url = call.request, call.url
        started = self.clock()
        self.debug(f"→ {request.method} {url} headers={redact_headers(request.headers)}")
        try:
            response = self._http.send(request)
        except httpx.TimeoutException:
            raise self.timed_out() from None
        except httpx.LocalProtocolError:
            raise NetworkError(HEADER_REFUSED) from None
        except httpx.TransportError as exc:
            raise self.network_error(exc, connecting=isinstance(exc, httpx.ConnectError)) from None
        elapsed = self.clock() - started
        self.debug(f"← {response.status_code} {request.method} {url} {elapsed * 1000:.0f}ms")
        return RawResponse(
            response.status_code, decode_body(response.content), dict(response.headers), elapsed
        )

    def plain_request(
        self, method: str, url: str, *, form: Mapping[str, str] | None = None, timeout: float | None = None
    ) -> httpx.Response:
        """One request to an absolute URL outside the ``/v1`` API (the OAuth
        authorization server): no Cargo headers, no retries, JSON accepted;
        within ``timeout`` seconds when given (else the client's budget)."""
        limit: Any = (
            httpx.Timeout(timeout, connect=self.connect_timeout(timeout))
            if timeout is not None
            else httpx.USE_CLIENT_DEFAULT
        )
        return self._http.request(
            method, url, data=form, headers={"accept": "application/json"}, timeout=limit
        )

    # -- the loop itself ---------------------------------------------------------
    def _pause(self, seconds: float, deadline: float) -> bool:
        """Sleep before a retry if the call's budget allows it (with room
        left for the retry itself); ``False``: no time left, do not retry."""
        if self.clock() + seconds >= deadline:
            return False
        self.sleep(seconds)
        return True

    def _exchange(self, call: PreparedCall) -> tuple[httpx.Response, bytes | None]:
        """Send with retries; the whole call (connect, every retry and its
        sleep, reading the body) stays within ``options.timeout``. Returns
        the last response and its body (``None``: undecodable encoding)."""
        request, method, url = call.request, call.request.method, call.url
        max_retries = self.options.max_retries
        deadline = self.clock() + self.options.timeout
        attempt = 0
        while True:
            started = self.clock()
            remaining = deadline - started
            if remaining <= 0:
                raise self.timed_out()
            # Each attempt gets only what is left of the budget.
            request.extensions["timeout"] = httpx.Timeout(
                remaining, connect=self.connect_timeout(remaining)
            ).as_dict()
            self.debug(f"→ {method} {url} headers={redact_headers(request.headers)}")
            try:
                # Real seconds only: a test's fake clock has no alarm.
                with watchdog(remaining + GRACE) if self.clock is time.monotonic else nullcontext():
                    response = self._http.send(request, stream=True)
                    try:
                        raw = self._read_within_deadline(response, deadline)
                    finally:
                        response.close()
            except DeadlineAlarm:
                self.debug(f"✗ {method} {url} still not answered at the deadline")
                raise self.timed_out() from None
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                # The request never reached the server: safe to re-send anything.
                self.debug(f"✗ {method} {url} connection failed: {exc!r}")
                if attempt < max_retries and self._pause(self.backoff(attempt), deadline):
                    attempt += 1
                    continue
                raise self.network_error(exc, connecting=True) from None
            except httpx.TimeoutException:
                self.debug(f"✗ {method} {url} timed out")
                raise self.timed_out() from None
            except httpx.LocalProtocolError:
                # Never echo the exception: it quotes the offending header value.
                raise NetworkError(HEADER_REFUSED) from None
            except httpx.TransportError as exc:
                self.debug(f"✗ {method} {url} transport error: {exc!r}")
                if call.idempotent and attempt < max_retries and self._pause(self.backoff(attempt), deadline):
                    attempt += 1
                    continue
                raise self.network_error(exc, connecting=False) from None
            elapsed_ms = (self.clock() - started) * 1000
            self.debug(
                f"← {response.status_code} {method} {url} {elapsed_ms:.0f}ms headers={dict(response.headers)}"
            )
            status = response.status_code
            if (
                call.idempotent
                and attempt < max_retries
                and retries.should_retry(
                    status, response.headers, decode_body(raw or b"") if status >= 400 else None
                )
            ):
                wait = retries.parse_retry_after(response.headers.get("retry-after"), self._wall_clock())
                if wait is not None and self.clock() + wait >= deadline:
                    label = "Rate limited" if status == 429 else "Service unavailable"
                    raise error_class_for_status(status)(
                        f"{label}: retry after {wait:.0f} s (more than the {self.options.timeout:g}s "
                        "left for this call; see CARGO_TIMEOUT)",
                        status=status,
                        body=decode_body(raw or b""),
                    )
                if self._pause(retries.retry_timeout(attempt, wait, self._jitter()), deadline):
                    attempt += 1
                    continue
            return response, raw

    def _read_within_deadline(self, response: httpx.Response, deadline: float) -> bytes | None:
        """The body, checking the budget after every read (not every 64 KiB:
        a server that drips a byte a second must not outlive the deadline).
        ``None`` when the content encoding (gzip, ...) is corrupt."""
        chunks: list[bytes] = []
        try:
            for chunk in response.iter_bytes():
                chunks.append(chunk)
                if self.clock() > deadline:
                    raise httpx.ReadTimeout("whole-request budget exceeded")
        except httpx.DecodingError:
            return None
        return b"".join(chunks)
