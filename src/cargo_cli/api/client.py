"""The typed client: one shared ``httpx.Client`` and the wire conventions of
the vendor's TypeScript client (see docs/design.md).

Commands never touch httpx: they call ``client.call("domain.area.method",
payload)`` (what the typed methods of ``api/resources`` do:
``Api(client).orchestration.run.get(uuid=...)``), and the download/upload
primitives below.
"""

from __future__ import annotations

import datetime
import email.utils
import json
import os
import random
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from cargo_cli import __version__
from cargo_cli.api import querystring
from cargo_cli.api.endpoint import Endpoint, Param
from cargo_cli.api.endpoints import ENDPOINTS
from cargo_cli.api.errors import (
    ApiError,
    ClientError,
    InvalidRequest,
    InvalidResponse,
    NetworkError,
    RequestTimeout,
    Unauthorized,
    error_class_for_status,
)
from cargo_cli.api.tokens import clean_token
from cargo_cli.settings import CONNECT_TIMEOUT, Settings

if "httpx" not in sys.modules:
    # httpx's package init imports its own command-line tool (rich, pygments,
    # click: ~50 ms) unless that import fails; cargo-ai never uses it.
    sys.modules["httpx._main"] = None  # type: ignore[assignment]
    import httpx

    del sys.modules["httpx._main"]
else:
    import httpx

RETRY_STATUSES = frozenset({429, 502, 503, 504})
BACKOFF_BASE = 0.5
BACKOFF_MAX = 8.0
CHUNK = 64 * 1024
MAX_URL_LENGTH = 65536
WATCHDOG_GRACE = 0.25  # s: the per-read checks normally end a call first
LOW_SPEED_LIMIT = 1024  # bytes/s: a download slower than this for CARGO_TIMEOUT seconds fails (curl -Y/-y)
# Response headers that carry the server's id for one request, first found wins.
REQUEST_ID_HEADERS = (
    "x-request-id",
    "request-id",
    "x-amzn-requestid",
    "x-amz-request-id",
    "x-correlation-id",
)


_URI_SAFE = "-_.!~*'()"
_NO_BODY = object()

# What a 2xx answer may be (from the spec's responseType/transport, see
# scripts/gen_endpoints.py): JSON; JSON or nothing ("void"); anything ("text":
# plain-text documentation and blobs).
JSON, VOID, TEXT = "json", "void", "text"
# httpx's own message quotes the offending header value (the token): never shown.
HEADER_REFUSED = "Network error: the request could not be sent (an invalid header)"


def response_kind(endpoint: Endpoint) -> str:
    return endpoint.response  # json, void or text: decided in the generated table


def encode_segment(value: str) -> str:
    """A path parameter as exactly one path segment: ``/ ? # %`` and the dot
    segments ``.`` / ``..`` can never change the path."""
    encoded = quote(value, safe=_URI_SAFE)
    return encoded.replace(".", "%2E") if encoded in {".", ".."} else encoded


class _DeadlineAlarm(BaseException):
    """Raised by the SIGALRM watchdog inside a blocked read (see ``_watchdog``)."""


@contextmanager
def _watchdog(seconds: float) -> Iterator[None]:
    """Interrupt whatever blocks past ``seconds`` (a status line and headers
    dripped a byte at a time reset httpx's per-read timeout forever) with
    ``_DeadlineAlarm``. A real-time timer on the main thread where the
    platform has one; elsewhere the per-read timeouts are the bound."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def fire(_signum: int, _frame: Any) -> None:
        raise _DeadlineAlarm

    previous = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.001))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {k: ("Bearer ***" if k.lower() == "authorization" else v) for k, v in headers.items()}


def _parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait (not capped: the caller compares it with its budget)."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            parsed = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):  # not an HTTP-date either: use the backoff
            return None
        if parsed.tzinfo is None:  # "-0000": an HTTP-date is always GMT
            parsed = parsed.replace(tzinfo=datetime.UTC)
        seconds = parsed.timestamp() - now
    if seconds != seconds:  # NaN
        return None
    return max(0.0, seconds)


def _pick(payload: Mapping[str, Any], fields: tuple[Param, ...], forward: bool) -> dict[str, Any]:
    """Build the query/body mapping of an endpoint from the payload."""
    if forward:
        renames = {p.name: p.wire for p in fields}
        return {renames.get(name, name): value for name, value in payload.items()}
    return {p.wire: payload[p.name] for p in fields if p.name in payload}


def endpoint_for(endpoint_id: str) -> Endpoint:
    try:
        return ENDPOINTS[endpoint_id]
    except KeyError:
        raise ValueError(f"unknown endpoint {endpoint_id!r}") from None


def decode_body(raw: bytes, content_type: str | None = None) -> Any:
    """Lenient: JSON when it parses, else text; an empty body is ``None``
    (error bodies, plain-text endpoints)."""
    if not raw:
        return None
    text = raw.decode("utf-8", errors="replace")
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return text


def parse_success(raw: bytes, kind: str, status: int, method: str, path: str) -> Any:
    """Strict: the body of a 2xx answer as its endpoint ``kind`` allows;
    anything else is an ``InvalidResponse`` (never reported as done)."""
    if kind == TEXT:
        return decode_body(raw)
    where = f"the response to {method} {path} (HTTP {status}, {len(raw)} bytes)"
    if not raw.strip():
        if kind == VOID or status == 204:
            return None
        raise InvalidResponse(f"Empty response: expected JSON in {where}", status=status)
    try:
        return json.loads(raw)
    except RecursionError:
        raise InvalidResponse(f"Invalid JSON in {where}: nested too deeply", status=status) from None
    except ValueError:
        raise InvalidResponse(f"Invalid JSON in {where}", status=status) from None


def _reason_message(entry: Any, body: Any) -> str | None:
    """A reason-table entry is a message, or (``batch.create``'s ``dataError``)
    a second table keyed by a field of the error body (``source``, e.g.
    ``data.dataError.reason``, where ``data`` is the body)."""
    if isinstance(entry, str):
        return entry
    if isinstance(entry, Mapping) and isinstance(entry.get("messages"), Mapping):
        value: Any = body
        for part in str(entry.get("source", "")).split(".")[1:]:
            value = value.get(part) if isinstance(value, Mapping) else None
        found = entry["messages"].get(value) if isinstance(value, str) else None
        return found if isinstance(found, str) else None
    return None


def error_from_response(status: int, body: Any, reasons: Mapping[str, str] | None) -> ApiError:
    """Turn an error answer into the typed error, with the vendor's message rules."""
    cls = error_class_for_status(status)
    message: str | None = None
    reason: str | None = None
    if isinstance(body, Mapping):
        raw_message = body.get("errorMessage")
        if isinstance(raw_message, str) and raw_message:
            message = raw_message
        raw_reason = body.get("reason")
        if isinstance(raw_reason, str) and raw_reason:
            reason = raw_reason
    if message is None and reason and issubclass(cls, ClientError) and cls is not Unauthorized and reasons:
        message = _reason_message(reasons.get(reason), body)
    return cls(message, status=status, reason=reason, body=body)


_SSL_CONTEXT: Any = None


def ssl_context() -> Any:
    """One SSL context per process: building one costs ~50 ms (it loads the
    CA bundle), and every client in the process can share it."""
    global _SSL_CONTEXT
    if _SSL_CONTEXT is None:
        _SSL_CONTEXT = httpx.create_ssl_context()
    return _SSL_CONTEXT


class CargoClient:
    """One shared connection pool, auth/workspace headers, timeouts, retries
    and the debug log."""

    def __init__(
        self,
        settings: Settings,
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
        self.settings = settings
        self._debug_log = debug_log  # where debug lines go when settings.debug is on (the CLI's stderr)
        # Every token source cleans its token and names itself on failure;
        # this is the backstop, so no header value can ever be illegal.
        self.token = clean_token(token, "The API token") if token else token
        self.workspace_uuid = (
            clean_token(workspace_uuid, "The workspace uuid") if workspace_uuid else workspace_uuid
        )
        self._sleep = sleep
        self._clock = clock
        self._wall_clock = wall_clock
        self._jitter = jitter
        self._base = httpx.URL(settings.base_url + "/")
        timeout = httpx.Timeout(settings.timeout, connect=min(CONNECT_TIMEOUT, settings.timeout))
        self._http = httpx.Client(
            timeout=timeout,
            transport=transport,
            follow_redirects=False,
            verify=ssl_context(),
            headers={"user-agent": f"cargo-ai/{__version__} (python; httpx)"},
        )

    # -- lifecycle -----------------------------------------------------
    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> CargoClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- headers ---------------------------------------------------------
    def headers(self, *, with_workspace: bool = True) -> dict[str, str]:
        headers: dict[str, str] = {}
        if self.token:
            headers["authorization"] = f"Bearer {self.token}"
        if with_workspace and self.workspace_uuid:
            headers["selected-workspace-uuid"] = self.workspace_uuid
        headers["x-cargo-origin"] = "cli"
        headers["x-cargo-origin-version"] = __version__
        return headers

    def url(self, path: str, params: Mapping[str, Any] | None = None) -> str:
        url = self.settings.base_url + "/" + path.lstrip("/")
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

    def plain_request(
        self, method: str, url: str, *, form: Mapping[str, str] | None = None
    ) -> httpx.Response:
        """One request to an absolute URL outside the ``/v1`` API (the OAuth
        authorization server): no Cargo headers, no retries, JSON accepted."""
        return self._http.request(method, url, data=form, headers={"accept": "application/json"})

    # -- the generic endpoint call --------------------------------------
    def call(self, endpoint_id: str, payload: Mapping[str, Any] | None = None) -> Any:
        """Call one of the vendor client's methods by id, e.g.
        ``"orchestration.run.get"``, with the payload the TS method takes
        (what the typed methods of ``api/resources`` do)."""
        endpoint = endpoint_for(endpoint_id)
        data = dict(payload or {})
        path = endpoint.path
        for param in endpoint.located("path"):
            value = data.pop(param.name, None)
            if value is None or value == "":
                raise InvalidRequest(f"Missing value for {param.name}", field=param.name)
            path = path.replace("{" + param.wire + "}", encode_segment(str(value)))
        params = _pick(data, endpoint.located("query"), endpoint.query_forwards) if endpoint.query else None
        json_body: Any = _NO_BODY
        if endpoint.method != "GET":
            if endpoint.body:
                json_body = _pick(data, endpoint.located("body"), endpoint.body_forwards)
            elif endpoint.optional_payload:
                json_body = {}
        return self.request(
            endpoint.method,
            path,
            params=params,
            json_body=json_body,
            with_workspace=endpoint.workspace,
            reasons=endpoint.reasons,
            idempotent=endpoint.safe_to_retry,
            kind=response_kind(endpoint),
        )

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = _NO_BODY,
        files: Mapping[str, Any] | None = None,
        with_workspace: bool = True,
        reasons: Mapping[str, str] | None = None,
        idempotent: bool | None = None,
        kind: str = VOID,
    ) -> Any:
        """One API call within ``CARGO_TIMEOUT``: the answer's JSON (as
        ``kind`` allows; ``call`` passes the endpoint's, a raw request may get
        JSON or nothing), else a typed error that says which call failed."""
        headers = self.headers(with_workspace=with_workspace)
        content: bytes | None = None
        if json_body is not _NO_BODY:
            headers["content-type"] = "application/json"
            content = json.dumps(json_body, ensure_ascii=False, separators=(",", ":")).encode()
        if idempotent is None:
            idempotent = method != "POST"
        url = self.url(path, params)
        where = urlsplit(url).path
        response: httpx.Response | None = None
        try:
            response, raw = self._exchange(
                method, url, headers=headers, content=content, files=files, idempotent=idempotent
            )
            status = response.status_code
            if 300 <= status < 400:
                location = response.headers.get("location") or "(no Location)"
                raise InvalidResponse(
                    f"Unexpected redirect: HTTP {status} to {location}; API calls do not follow "
                    "redirects (check CARGO_API_URL)",
                    status=status,
                )
            if status >= 400:
                raise error_from_response(status, decode_body(raw or b""), reasons)
            if raw is None:
                raise InvalidResponse(
                    f"Invalid JSON in the response to {method} {where} (HTTP {status}, "
                    f"{response.num_bytes_downloaded} bytes): the content encoding is corrupt",
                    status=status,
                )
            return parse_success(raw, kind, status, method, where)
        except ApiError as exc:
            found = response.headers if response is not None else {}
            request_id = next((found[name] for name in REQUEST_ID_HEADERS if name in found), None)
            raise exc.locate(method, where, request_id) from None

    def probe(
        self, method: str, path: str, *, with_workspace: bool = True
    ) -> tuple[int, Any, dict[str, str], float]:
        """One attempt at a payload-less request, for diagnostics (``doctor``):
        ``(status, body, response headers, elapsed seconds)``, whatever the
        status. No retries; no answer raises like ``call``."""
        url = self.url(path)
        headers = self.headers(with_workspace=with_workspace)
        started = self._clock()
        self._debug(f"→ {method} {url} headers={_redact_headers(headers)}")
        request = self._http.build_request(method, url, headers=headers)
        self.check_under_base(request.url)
        try:
            response = self._http.send(request)
        except httpx.TimeoutException:
            raise self._timed_out() from None
        except httpx.LocalProtocolError:
            raise NetworkError(HEADER_REFUSED) from None
        except httpx.TransportError as exc:
            raise self.network_error(exc, connecting=isinstance(exc, httpx.ConnectError)) from None
        elapsed = self._clock() - started
        self._debug(f"← {response.status_code} {method} {url} {elapsed * 1000:.0f}ms")
        body = decode_body(response.content, response.headers.get("content-type"))
        return response.status_code, body, dict(response.headers), elapsed

    # -- transport with retries, deadline and debug log ------------------
    def _backoff(self, attempt: int) -> float:
        delay: float = min(BACKOFF_MAX, BACKOFF_BASE * (2.0**attempt))
        return delay / 2 + float(self._jitter()) * delay / 2

    def _debug(self, message: str) -> None:
        if self.settings.debug and self._debug_log is not None:
            self._debug_log(message)

    def _pause(self, seconds: float, deadline: float) -> bool:
        """Sleep before a retry if the call's budget allows it (with room
        left for the retry itself); ``False``: no time left, do not retry."""
        if self._clock() + seconds >= deadline:
            return False
        self._sleep(seconds)
        return True

    def _timed_out(self) -> RequestTimeout:
        return RequestTimeout(f"Request timed out after {self.settings.timeout:g}s")

    def _exchange(
        self,
        method: str,
        url: str,
        *,
        headers: dict[str, str],
        content: bytes | None,
        files: Mapping[str, Any] | None,
        idempotent: bool,
    ) -> tuple[httpx.Response, bytes | None]:
        """Send with retries; the whole call (connect, every retry and its
        sleep, reading the body) stays within ``settings.timeout``. Returns
        the last response and its body (``None``: undecodable encoding)."""
        deadline = self._clock() + self.settings.timeout
        attempt = 0
        while True:
            started = self._clock()
            remaining = deadline - started
            if remaining <= 0:
                raise self._timed_out()
            timeout = httpx.Timeout(remaining, connect=min(CONNECT_TIMEOUT, remaining))
            self._debug(f"→ {method} {url} headers={_redact_headers(headers)}")
            try:
                request = self._http.build_request(
                    method, url, headers=headers, content=content, files=files, timeout=timeout
                )
                self.check_under_base(request.url)
                # Real seconds only: a test's fake clock has no alarm.
                with (
                    _watchdog(remaining + WATCHDOG_GRACE) if self._clock is time.monotonic else nullcontext()
                ):
                    response = self._http.send(request, stream=True)
                    try:
                        raw = self._read_within_deadline(response, deadline)
                    finally:
                        response.close()
            except _DeadlineAlarm:
                self._debug(f"✗ {method} {url} still not answered at the deadline")
                raise self._timed_out() from None
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                # The request never reached the server: safe to re-send anything.
                self._debug(f"✗ {method} {url} connection failed: {exc!r}")
                if attempt < self.settings.max_retries and self._pause(self._backoff(attempt), deadline):
                    attempt += 1
                    continue
                raise self.network_error(exc, connecting=True) from None
            except httpx.TimeoutException:
                self._debug(f"✗ {method} {url} timed out")
                raise self._timed_out() from None
            except httpx.LocalProtocolError:
                # Never echo the exception: it quotes the offending header value.
                raise NetworkError(HEADER_REFUSED) from None
            except httpx.TransportError as exc:
                self._debug(f"✗ {method} {url} transport error: {exc!r}")
                if (
                    idempotent
                    and attempt < self.settings.max_retries
                    and self._pause(self._backoff(attempt), deadline)
                ):
                    attempt += 1
                    continue
                raise self.network_error(exc, connecting=False) from None
            elapsed_ms = (self._clock() - started) * 1000
            self._debug(
                f"← {response.status_code} {method} {url} {elapsed_ms:.0f}ms headers={dict(response.headers)}"
            )
            status = response.status_code
            if status in RETRY_STATUSES and idempotent and attempt < self.settings.max_retries:
                wait = _parse_retry_after(response.headers.get("retry-after"), self._wall_clock())
                if wait is not None and self._clock() + wait >= deadline:
                    label = "Rate limited" if status == 429 else "Service unavailable"
                    raise error_class_for_status(status)(
                        f"{label}: retry after {wait:.0f} s (more than the {self.settings.timeout:g}s "
                        "left for this call; see CARGO_TIMEOUT)",
                        status=status,
                        body=decode_body(raw or b""),
                    )
                if self._pause(wait if wait is not None else self._backoff(attempt), deadline):
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
                if self._clock() > deadline:
                    raise httpx.ReadTimeout("whole-request budget exceeded")
        except httpx.DecodingError:
            return None
        return b"".join(chunks)

    def network_error(self, exc: Exception, *, connecting: bool) -> NetworkError:
        """A network failure naming the host and what to check."""
        host = self._base.host + (f":{self._base.port}" if self._base.port else "")
        if connecting and isinstance(exc, httpx.ConnectTimeout):
            what = f"could not connect to {host} within {min(CONNECT_TIMEOUT, self.settings.timeout):g}s"
            cls: type[NetworkError] = RequestTimeout
        elif connecting:
            what = f"could not connect to {host} ({_describe(exc)})"
            cls = NetworkError
        else:
            what = f"the connection to {host} failed ({_describe(exc)})"
            cls = NetworkError
        return cls(
            f"Network error: {what}. Check CARGO_API_URL ({self.settings.api_url}), "
            "your network connection and proxy settings (HTTPS_PROXY)"
        )

    # -- downloads and uploads ------------------------------------------
    @contextmanager
    def stream_url(self, url: str) -> Iterator[httpx.Response]:
        """GET an absolute (signed) URL without Cargo headers, streamed. Each
        read may wait up to ``settings.timeout``; the body's pace is checked by
        ``iter_download`` (a download has no total deadline)."""
        shown = url.split("?", 1)[0][:200]  # the query holds the signature
        self._debug(f"→ GET {shown}?… (signed URL)")
        try:
            parsed = httpx.URL(url)
        except httpx.InvalidURL:
            parsed = None
        if parsed is None or parsed.scheme not in ("http", "https") or not parsed.host:
            raise ApiError(f"The API answered an invalid download URL: {shown!r}")
        try:
            with self._http.stream("GET", parsed, headers={}, follow_redirects=True) as response:
                if response.status_code >= 400:
                    response.read()
                    error = error_from_response(response.status_code, decode_body(response.content), None)
                    if error.message == ClientError.default_message:
                        error.message = (
                            f"Download failed: HTTP {response.status_code} from the signed URL "
                            "(it may have expired: run the command again)"
                        )
                    raise error
                yield response
        except httpx.TimeoutException:
            raise RequestTimeout(f"Download timed out after {self.settings.timeout:g}s") from None
        except httpx.TooManyRedirects:
            raise NetworkError(f"Download failed: too many redirects from {parsed.host}") from None
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:  # a redirect to one
            raise InvalidResponse(f"Download failed: invalid signed URL ({_describe(exc)})") from None
        except httpx.TransportError as exc:
            raise NetworkError(f"Network error during the download: {_describe(exc)}") from None

    def iter_download(self, response: httpx.Response) -> Iterator[bytes]:
        """The raw body, as it arrives, under curl's low-speed rule: slower
        than ``LOW_SPEED_LIMIT`` bytes/s for ``settings.timeout`` seconds is
        an error (a stalled read is the read timeout of ``stream_url``)."""
        window = self.settings.timeout
        window_start = self._clock()
        window_bytes = 0
        for chunk in response.iter_raw():
            yield chunk
            window_bytes += len(chunk)
            now = self._clock()
            if now - window_start >= window:
                if window_bytes < LOW_SPEED_LIMIT * (now - window_start):
                    raise RequestTimeout(
                        f"Download too slow: less than {LOW_SPEED_LIMIT // 1024} KiB/s for "
                        f"{window:g}s (see CARGO_TIMEOUT)"
                    )
                window_start, window_bytes = now, 0

    def download_to(
        self,
        url: str,
        destination: str | os.PathLike[str],
        *,
        on_progress: Callable[[int, int | None], None] | None = None,
    ) -> dict[str, Any]:
        """Stream ``url`` to ``destination`` in constant memory, atomically
        (temp file + rename; a device or FIFO is written in place, ``-`` is
        stdout: see cargo_cli.files). Returns ``{"path", "bytes"}``."""
        from cargo_cli import files

        target = os.fspath(destination)
        with files.open_target(target) as sink:
            return {"path": target, **self.stream_into(url, sink, on_progress=on_progress)}

    def stream_into(
        self,
        url: str,
        sink: Any,
        *,
        on_progress: Callable[[int, int | None], None] | None = None,
    ) -> dict[str, Any]:
        """Stream the body of ``url`` into ``sink`` (``write(bytes)``).
        Returns ``{"bytes"}``."""
        written = 0
        with self.stream_url(url) as response:
            total_header = response.headers.get("content-length")
            total = int(total_header) if total_header and total_header.isdigit() else None
            for chunk in self.iter_download(response):
                sink.write(chunk)
                written += len(chunk)
                if on_progress:
                    on_progress(written, total)
        return {"bytes": written}

    def upload(
        self,
        endpoint_id: str,
        file_path: str | os.PathLike[str],
        *,
        fields: Mapping[str, str] | None = None,
        on_progress: Callable[[int, int | None], None] | None = None,
    ) -> Any:
        """multipart/form-data POST of one file in the ``file`` part, streamed
        from disk (``on_progress(sent, total)`` as it is read), then ``fields``
        as plain form fields. Reads both response shapes (flat file, or
        ``{"files": [f]}``)."""
        endpoint = endpoint_for(endpoint_id)
        source = Path(file_path)
        from cargo_cli.api import uploads  # large workspace files go in parts, straight to storage

        if source.is_file() and uploads.wants_multipart(endpoint_id, source.stat().st_size):
            return uploads.MultipartUpload(self, source, on_progress).run()
        if not source.is_file():
            raise InvalidRequest(f"File not found: {source}")
        with source.open("rb") as handle:
            part: Any = _CountingReader(handle, on_progress) if on_progress else handle
            result = self.request(
                endpoint.method,
                endpoint.path,
                files={"file": (source.name, part), **{k: (None, v) for k, v in (fields or {}).items()}},
                reasons=endpoint.reasons,
                idempotent=False,
                kind=response_kind(endpoint),
            )
        if isinstance(result, Mapping) and isinstance(result.get("files"), list) and result["files"]:
            return result["files"][0]
        return result


class _CountingReader:
    """A binary file that reports how much of it was read. httpx sizes the
    multipart body from ``fileno()`` and re-reads from ``seek(0)`` on a
    re-send, so both are passed through."""

    def __init__(self, handle: Any, on_progress: Callable[[int, int | None], None]) -> None:
        self._handle = handle
        self._on_progress = on_progress
        self._total: int | None = os.fstat(handle.fileno()).st_size
        self._done = 0

    def fileno(self) -> int:
        return int(self._handle.fileno())

    def seek(self, offset: int, whence: int = 0) -> int:
        position = int(self._handle.seek(offset, whence))
        self._done = position
        return position

    def tell(self) -> int:
        return int(self._handle.tell())

    def read(self, size: int = -1) -> bytes:
        chunk: bytes = self._handle.read(size)
        self._done += len(chunk)
        self._on_progress(self._done, self._total)
        return chunk


def _describe(exc: Exception) -> str:
    text = str(exc).strip()
    return text or type(exc).__name__
