"""The typed client: one shared ``httpx.Client`` and the wire conventions of
the vendor's TypeScript client (see docs/design.md).

Commands never touch httpx: they call ``client.call("domain.area.method",
payload)`` (what the typed methods of ``api/resources.py`` do:
``Api(client).orchestration.run.get(uuid=...)``), and the download/upload
primitives below.
"""

from __future__ import annotations

import datetime
import email.utils
import json
import os
import random
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from cargo_cli import __version__
from cargo_cli.api import querystring
from cargo_cli.api.endpoint import Endpoint, Param
from cargo_cli.api.endpoints import ENDPOINTS
from cargo_cli.api.errors import (
    ApiError,
    ClientError,
    InvalidRequest,
    NetworkError,
    RequestTimeout,
    Unauthorized,
    error_class_for_status,
)
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
MAX_RETRY_AFTER = 60.0
BACKOFF_BASE = 0.5
BACKOFF_MAX = 8.0
CHUNK = 64 * 1024
MAX_URL_LENGTH = 65536

_URI_SAFE = "-_.!~*'()"
_NO_BODY = object()


def _redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {k: ("Bearer ***" if k.lower() == "authorization" else v) for k, v in headers.items()}


def _parse_retry_after(value: str | None, now: float) -> float | None:
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
    return max(0.0, min(seconds, MAX_RETRY_AFTER))


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


def decode_body(raw: bytes, content_type: str | None) -> Any:
    """JSON when it parses, else text; an empty body is ``None``."""
    if not raw:
        return None
    text = raw.decode("utf-8", errors="replace")
    try:
        return json.loads(text)
    except ValueError:
        return text


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
        self.token = token
        self._debug_log = debug_log  # where debug lines go when settings.debug is on
        self.workspace_uuid = workspace_uuid
        self._sleep = sleep
        self._clock = clock
        self._wall_clock = wall_clock
        self._jitter = jitter
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

    def plain_request(
        self, method: str, url: str, *, form: Mapping[str, str] | None = None
    ) -> httpx.Response:
        """One request to an absolute URL outside the ``/v1`` API (the OAuth
        authorization server): no Cargo headers, no retries, JSON accepted."""
        return self._http.request(method, url, data=form, headers={"accept": "application/json"})

    # -- the generic endpoint call --------------------------------------
    def call(self, endpoint_id: str, payload: Mapping[str, Any] | None = None) -> Any:
        """Call one of the vendor client's methods by id, e.g.
        ``"orchestration.run.get"``, with the payload the TS method takes."""
        endpoint = endpoint_for(endpoint_id)
        data = dict(payload or {})
        path = endpoint.path
        for param in endpoint.located("path"):
            value = data.pop(param.name, None)
            if value is None or value == "":
                raise InvalidRequest(f"Missing value for {param.name}", field=param.name)
            text = str(value)
            path = path.replace("{" + param.wire + "}", quote(text, safe=_URI_SAFE) if param.encode else text)
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
    ) -> Any:
        headers = self.headers(with_workspace=with_workspace)
        content: bytes | None = None
        if json_body is not _NO_BODY:
            headers["content-type"] = "application/json"
            content = json.dumps(json_body, ensure_ascii=False, separators=(",", ":")).encode()
        if idempotent is None:
            idempotent = method != "POST"
        url = self.url(path, params)
        status, body = self._exchange(
            method, url, headers=headers, content=content, files=files, idempotent=idempotent
        )
        if status >= 400:
            raise error_from_response(status, body, reasons)
        return body

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
        try:
            response = self._http.request(method, url, headers=headers)
        except httpx.TimeoutException:
            raise RequestTimeout(f"Request timed out after {self.settings.timeout:g}s") from None
        except httpx.TransportError as exc:
            raise NetworkError(f"Network error: {_describe(exc)}") from None
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

    def _exchange(
        self,
        method: str,
        url: str,
        *,
        headers: dict[str, str],
        content: bytes | None,
        files: Mapping[str, Any] | None,
        idempotent: bool,
    ) -> tuple[int, Any]:
        attempt = 0
        while True:
            started = self._clock()
            self._debug(f"→ {method} {url} headers={_redact_headers(headers)}")
            try:
                request = self._http.build_request(method, url, headers=headers, content=content, files=files)
                response = self._http.send(request, stream=True)
                try:
                    raw = self._read_within_deadline(response, started)
                finally:
                    response.close()
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                # The request never reached the server: safe to re-send anything.
                self._debug(f"✗ {method} {url} connection failed: {exc!r}")
                if attempt < self.settings.max_retries:
                    self._sleep(self._backoff(attempt))
                    attempt += 1
                    continue
                if isinstance(exc, httpx.ConnectTimeout):
                    raise RequestTimeout(
                        f"Network error: could not connect within {CONNECT_TIMEOUT:g}s"
                    ) from None
                raise NetworkError(f"Network error: {_describe(exc)}") from None
            except httpx.TimeoutException:
                self._debug(f"✗ {method} {url} timed out")
                raise RequestTimeout(f"Request timed out after {self.settings.timeout:g}s") from None
            except httpx.TransportError as exc:
                self._debug(f"✗ {method} {url} transport error: {exc!r}")
                if idempotent and attempt < self.settings.max_retries:
                    self._sleep(self._backoff(attempt))
                    attempt += 1
                    continue
                raise NetworkError(f"Network error: {_describe(exc)}") from None
            elapsed_ms = (self._clock() - started) * 1000
            self._debug(
                f"← {response.status_code} {method} {url} {elapsed_ms:.0f}ms headers={dict(response.headers)}"
            )
            if response.status_code in RETRY_STATUSES and idempotent and attempt < self.settings.max_retries:
                wait = _parse_retry_after(response.headers.get("retry-after"), self._wall_clock())
                self._sleep(wait if wait is not None else self._backoff(attempt))
                attempt += 1
                continue
            return response.status_code, decode_body(raw, response.headers.get("content-type"))

    def _read_within_deadline(self, response: httpx.Response, started: float) -> bytes:
        chunks: list[bytes] = []
        for chunk in response.iter_bytes(CHUNK):
            chunks.append(chunk)
            if self._clock() - started > self.settings.timeout:
                raise httpx.ReadTimeout("whole-request budget exceeded")
        return b"".join(chunks)

    # -- downloads and uploads ------------------------------------------
    @contextmanager
    def stream_url(self, url: str) -> Iterator[httpx.Response]:
        """GET an absolute (signed) URL without Cargo headers, streamed."""
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
                    raise error_from_response(
                        response.status_code,
                        decode_body(response.content, response.headers.get("content-type")),
                        None,
                    )
                yield response
        except httpx.TimeoutException:
            raise RequestTimeout(f"Download timed out after {self.settings.timeout:g}s") from None
        except httpx.TooManyRedirects:
            raise NetworkError(f"Download failed: too many redirects from {parsed.host}") from None
        except httpx.TransportError as exc:
            raise NetworkError(f"Network error: {_describe(exc)}") from None

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
            for chunk in response.iter_raw(CHUNK):
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
