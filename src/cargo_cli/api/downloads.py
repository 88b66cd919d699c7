"""Downloads of the signed URLs the API answers with (S3 and the like):
streamed through the client's one ``httpx.Client``, without any Cargo
header, following redirects, in constant memory, under curl's low-speed
rule instead of a total deadline (docs/hardening.md, "Downloads")."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Protocol

import httpx

from cargo_cli.api.errors import ApiError, ClientError, InvalidResponse, NetworkError, RequestTimeout
from cargo_cli.api.responses import decode_body, describe_error, error_from_response

if TYPE_CHECKING:
    from cargo_cli.api.client import CargoClient

LOW_SPEED_LIMIT = 1024  # bytes/s: a download slower than this for CARGO_TIMEOUT seconds fails (curl -Y/-y)
Progress = Callable[[int, int | None], None]


class Sink(Protocol):
    def write(self, data: bytes, /) -> Any: ...


@contextmanager
def stream_url(client: CargoClient, url: str) -> Iterator[httpx.Response]:
    """GET an absolute (signed) URL without Cargo headers, streamed. Each
    read may wait up to ``CARGO_TIMEOUT``; the body's pace is checked by
    ``iter_download`` (a download has no total deadline)."""
    timeout = client.options.timeout
    shown = url.split("?", 1)[0][:200]  # the query holds the signature
    client.debug(f"→ GET {shown}?… (signed URL)")
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        parsed = None
    if parsed is None or parsed.scheme not in ("http", "https") or not parsed.host:
        raise ApiError(f"The API answered an invalid download URL: {shown!r}")
    try:
        with client.http.stream("GET", parsed, headers={}, follow_redirects=True) as response:
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
        raise RequestTimeout(f"Download timed out after {timeout:g}s") from None
    except httpx.TooManyRedirects:
        raise NetworkError(f"Download failed: too many redirects from {parsed.host}") from None
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:  # a redirect to one
        raise InvalidResponse(f"Download failed: invalid signed URL ({describe_error(exc)})") from None
    except httpx.TransportError as exc:
        raise NetworkError(f"Network error during the download: {describe_error(exc)}") from None


def iter_download(client: CargoClient, response: httpx.Response) -> Iterator[bytes]:
    """The raw body, as it arrives, under curl's low-speed rule: slower
    than ``LOW_SPEED_LIMIT`` bytes/s for ``CARGO_TIMEOUT`` seconds is an
    error (a stalled read is the read timeout of ``stream_url``)."""
    window = client.options.timeout
    window_start = client.clock()
    window_bytes = 0
    for chunk in response.iter_raw():
        yield chunk
        window_bytes += len(chunk)
        now = client.clock()
        if now - window_start >= window:
            if window_bytes < LOW_SPEED_LIMIT * (now - window_start):
                raise RequestTimeout(
                    f"Download too slow: less than {LOW_SPEED_LIMIT // 1024} KiB/s for "
                    f"{window:g}s (see CARGO_TIMEOUT)"
                )
            window_start, window_bytes = now, 0


def stream_into(
    client: CargoClient, url: str, sink: Sink, *, on_progress: Progress | None = None
) -> dict[str, Any]:
    """Stream the body of ``url`` into ``sink`` (``write(bytes)``).
    Returns ``{"bytes"}``."""
    written = 0
    with stream_url(client, url) as response:
        total_header = response.headers.get("content-length")
        total = int(total_header) if total_header and total_header.isdigit() else None
        for chunk in iter_download(client, response):
            sink.write(chunk)
            written += len(chunk)
            if on_progress:
                on_progress(written, total)
    return {"bytes": written}
