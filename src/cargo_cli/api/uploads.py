"""File uploads. ``upload`` sends one file as multipart/form-data, streamed
from disk; a call whose ``Endpoint`` record says ``chunked`` (the vendor
client's ``workspaceManagement.file.upload``) sends a file of 50 MiB and
more straight to storage in parts (spec/api.md, "Multipart uploads"):

1. ``POST /workspaceManagement/files/multipart/create {contentType, filename}``
   → ``{s3Filename, uploadId}``;
2. for each 8 MiB part (1-based ``partNumber``), up to 4 at a time and with 3
   attempts each: ``POST …/multipart/sign {s3Filename, uploadId, partNumber}``
   → ``{url}``, then ``PUT <url>`` with the raw slice and none of our headers
   (no authorization, no workspace); the answer's ``ETag`` is kept;
3. ``POST …/multipart/complete {s3Filename, uploadId, parts: [{partNumber, etag}]}``.

On a permanent failure, Ctrl-C, SIGTERM or any other exception after step 1,
``POST …/multipart/abort {s3Filename, uploadId}`` is sent (best effort) and
the error names the upload and says whether it was aborted.

Parts are streamed from disk in ``READ_CHUNK`` slices with a known
Content-Length, so memory is bounded by the parts in flight, not the file.
This module is the API layer: it never imports the CLI (``cargo_cli.cli``,
``output``, ``errors``); it raises ``cargo_cli.api.errors``. Every request
goes through the client's one ``httpx.Client``; the API steps through its
request loop (``build_request`` / ``send``), the parts' retries follow the
one retry policy (api/retries.py).
"""

from __future__ import annotations

import mimetypes
import os
import queue
import signal
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from cargo_cli.api import retries
from cargo_cli.api.endpoint import Endpoint
from cargo_cli.api.endpoints import endpoint_for
from cargo_cli.api.errors import (
    ApiError,
    CallInterrupted,
    InvalidRequest,
    NetworkError,
    RequestTimeout,
    ServerError,
    UploadFailed,
)
from cargo_cli.api.responses import decode_body, describe_error, error_from_response

if TYPE_CHECKING:
    from cargo_cli.api.client import CargoClient

ENDPOINT = "workspaceManagement.file.upload"  # the one upload the vendor chunks
BASE_PATH = "/workspaceManagement/files/multipart"
THRESHOLD = 50 * 1024 * 1024  # files of this size and more go the chunked way (where the record says chunked)
PART_SIZE = 8 * 1024 * 1024
MAX_IN_FLIGHT = 4
PART_ATTEMPTS = 3
MAX_PARTS = 10_000  # the storage's limit (S3): refused before anything is sent
READ_CHUNK = 1024 * 1024
ABORT_TIMEOUT = 10.0  # the abort is best effort: never hang an exit on it
STOP_GRACE = 1.0  # how long in-flight parts get to stop before the abort

Progress = Callable[[int, int | None], None]


def chunked(endpoint: Endpoint, size: int) -> bool:
    """Whether an upload of ``size`` bytes goes the chunked way: the call's
    record says whether the vendor chunks it (``Endpoint.chunked``), and
    from ``THRESHOLD`` bytes on."""
    return endpoint.chunked and size >= THRESHOLD


def wants_multipart(endpoint_id: str, size: int) -> bool:
    """``chunked`` by call id."""
    return chunked(endpoint_for(endpoint_id), size)


def upload(
    client: CargoClient,
    endpoint: Endpoint,
    file_path: str | os.PathLike[str],
    *,
    fields: Mapping[str, str] | None = None,
    on_progress: Progress | None = None,
    unwrap: bool = True,
) -> Any:
    """multipart/form-data POST of one file in the ``file`` part, streamed
    from disk (``on_progress(sent, total)`` as it is read), then ``fields``
    as plain form fields; in parts when ``chunked``. ``unwrap``: read both
    response shapes (flat file, or ``{"files": [f]}``) as the file; else the
    answer as it came (``cargo-ai api``)."""
    source = Path(file_path)
    if not source.is_file():
        raise InvalidRequest(f"File not found: {source}")
    if chunked(endpoint, source.stat().st_size):
        return MultipartUpload(client, source, on_progress).run()
    with source.open("rb") as handle:
        part: Any = CountingReader(handle, on_progress) if on_progress else handle
        call = client.build_request(
            endpoint.method,
            endpoint.path,
            files={"file": (source.name, part), **{k: (None, v) for k, v in (fields or {}).items()}},
            with_workspace=endpoint.workspace,
            reasons=endpoint.reasons,
            idempotent=False,
            kind=endpoint.response,
        )
        result = client.send(call)
    if unwrap and isinstance(result, Mapping) and isinstance(result.get("files"), list) and result["files"]:
        return result["files"][0]
    return result


class CountingReader:
    """A binary file that reports how much of it was read. httpx sizes the
    multipart body from ``fileno()`` and re-reads from ``seek(0)`` on a
    re-send, so both are passed through."""

    def __init__(self, handle: Any, on_progress: Progress) -> None:
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


@dataclass(frozen=True)
class Part:
    number: int  # 1-based
    offset: int
    size: int


def plan_parts(size: int, part_size: int) -> list[Part]:
    """Consecutive slices of ``part_size`` bytes; the last one holds the rest."""
    return [
        Part(index + 1, offset, min(part_size, size - offset))
        for index, offset in enumerate(range(0, size, part_size))
    ]


class _Terminated(KeyboardInterrupt):
    """Raised by the fallback SIGTERM handler (see ``_sigterm_as_interrupt``)."""


class _CancelledError(Exception):
    """A part stops because the upload as a whole stopped."""


class _PartFailedError(Exception):
    def __init__(self, part: Part, cause: BaseException) -> None:
        super().__init__(str(cause))
        self.part = part
        self.cause = cause


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """Turn SIGTERM into an exception for the length of the upload, so the
    abort runs, unless the process already handles SIGTERM itself (then that
    handler's exception reaches the engine and aborts it the same way)."""
    if threading.current_thread() is not threading.main_thread() or (
        signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL
    ):
        yield
        return

    def handler(_signum: int, _frame: Any) -> None:
        raise _Terminated()

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _transient(exc: ApiError) -> bool:
    """Worth another attempt of the part: no answer, or what the one retry
    policy calls transient."""
    if isinstance(exc, NetworkError):
        return True
    return exc.status is not None and retries.should_retry(exc.status, None, exc.body)


def _file_of(answer: Any) -> Mapping[str, Any] | None:
    if isinstance(answer, Mapping):
        files = answer.get("files")
        if isinstance(files, list) and files and isinstance(files[0], Mapping):
            return files[0]
        if "s3Filename" in answer or "uuid" in answer:
            return answer
    return None


class MultipartUpload:
    """One chunked upload of ``source`` through ``client`` (see the module doc).
    ``on_progress(sent, total)`` is called from the part threads, serialised."""

    def __init__(self, client: CargoClient, source: Path, on_progress: Progress | None = None) -> None:
        self.client = client
        self.source = source
        self.on_progress = on_progress
        self.size = source.stat().st_size
        self.content_type = mimetypes.guess_type(source.name)[0] or "application/octet-stream"
        self.s3_filename: str | None = None
        self.upload_id: str | None = None
        self._cancel = threading.Event()
        self._lock = threading.Lock()
        self._sent = 0
        self._part_sent: dict[int, int] = {}
        self._threads: list[threading.Thread] = []

    # -- the whole flow ------------------------------------------------------
    def run(self) -> Any:
        parts = plan_parts(self.size, PART_SIZE)
        if len(parts) > MAX_PARTS:
            raise InvalidRequest(
                f"{self.source.name} is too large for a chunked upload: {len(parts)} parts of "
                f"{PART_SIZE // (1024 * 1024)} MiB, the storage takes at most {MAX_PARTS}"
            )
        with _sigterm_as_interrupt():
            try:
                created = self._post(
                    "create", {"contentType": self.content_type, "filename": self.source.name}
                )
                self._read_created(created)
                etags = self._send_parts(parts)
                answer = self._post("complete", {**self._ids(), "parts": etags})
            except BaseException as exc:
                self._stop()
                raise self._failure(exc) from None
        file = _file_of(answer)
        result = {"s3Filename": self.s3_filename, "contentType": self.content_type, "name": self.source.name}
        return {**result, **file} if file is not None else result

    def _ids(self) -> dict[str, Any]:
        return {"s3Filename": self.s3_filename, "uploadId": self.upload_id}

    def _post(self, step: str, body: Mapping[str, Any]) -> Any:
        # Never re-sent once answered (create and complete change state; sign
        # is retried per part below, so the client must not retry it too).
        client = self.client
        return client.send(
            client.build_request("POST", f"{BASE_PATH}/{step}", json_body=body, idempotent=False)
        )

    def _read_created(self, created: Any) -> None:
        fields = created if isinstance(created, Mapping) else {}
        s3_filename, upload_id = fields.get("s3Filename"), fields.get("uploadId")
        if isinstance(s3_filename, str) and s3_filename:
            self.s3_filename = s3_filename
        if isinstance(upload_id, str) and upload_id:
            self.upload_id = upload_id
        if self.s3_filename is None or self.upload_id is None:
            raise ServerError("The server answered multipart/create without s3Filename and uploadId")

    # -- failures and the abort ------------------------------------------------
    def _failure(self, exc: BaseException) -> BaseException:
        """Abort the upload (if one was created) and pick what to raise."""
        if self.upload_id is None:  # nothing to abort: the error as it is
            return CallInterrupted(signal="SIGTERM") if isinstance(exc, _Terminated) else exc
        abort_problem = self._abort()
        what = f"multipart upload {self.upload_id} of {self.source.name} ({self.s3_filename})"
        state = "was aborted" if abort_problem is None else f"could not be aborted ({abort_problem})"
        extra: dict[str, Any] = {"uploadId": self.upload_id, "s3Filename": self.s3_filename}
        extra["aborted"] = abort_problem is None
        if isinstance(exc, KeyboardInterrupt):  # Ctrl-C, or a signal handled like it (main.py)
            signal_name = "SIGTERM" if isinstance(exc, _Terminated) else None
            return CallInterrupted(f"Interrupted: the {what} {state}", signal=signal_name, extra=extra)
        cause = exc.cause if isinstance(exc, _PartFailedError) else exc
        if not isinstance(cause, ApiError):  # a signal handler's own exception, a bug: as it is
            return cause
        where = f" at part {exc.part.number}" if isinstance(exc, _PartFailedError) else ""
        if isinstance(cause, ApiError):
            for key, value in (("reason", cause.reason), ("status", cause.status)):
                if value is not None:
                    extra[key] = value
        error = UploadFailed(
            f"Upload of {self.source.name} failed{where}: {cause.message}; the {what} {state}"
        )
        error.extra.update(extra)
        return error

    def _stop(self) -> None:
        """Stop the part threads (they check at every chunk) and give the
        in-flight requests a moment to end, so the abort comes after them."""
        self._cancel.set()
        for thread in self._threads:
            thread.join(timeout=STOP_GRACE / max(1, len(self._threads)))

    def _abort(self) -> str | None:
        """Best-effort abort, within ``ABORT_TIMEOUT``: None when it worked,
        else what went wrong."""
        client = self.client
        call = client.build_request("POST", f"{BASE_PATH}/abort", json_body=self._ids(), idempotent=False)
        request = call.request
        request.extensions["timeout"] = httpx.Timeout(ABORT_TIMEOUT).as_dict()
        client.debug(f"→ POST {call.url} (abort)")
        try:
            response = client.http.send(request)
        except httpx.HTTPError as exc:
            return f"network error: {type(exc).__name__}"
        client.debug(f"← {response.status_code} POST {call.url}")
        if response.status_code >= 400:
            body = decode_body(response.content)
            return f"HTTP {response.status_code}: {error_from_response(response.status_code, body, None).message}"
        return None

    # -- the parts -------------------------------------------------------------
    def _send_parts(self, parts: list[Part]) -> list[dict[str, Any]]:
        todo: queue.Queue[Part] = queue.Queue()
        for part in parts:
            todo.put(part)
        results: queue.Queue[tuple[int, str] | _PartFailedError] = queue.Queue()
        self._threads = [
            threading.Thread(target=self._worker, args=(todo, results), name=f"cargo-upload-{i}", daemon=True)
            for i in range(min(MAX_IN_FLIGHT, len(parts)))
        ]
        for thread in self._threads:
            thread.start()
        etags: dict[int, str] = {}
        while len(etags) < len(parts):
            try:
                item = results.get(timeout=0.5)  # a timeout keeps signals prompt everywhere
            except queue.Empty:
                continue
            if isinstance(item, _PartFailedError):
                raise item
            etags[item[0]] = item[1]
        return [{"partNumber": number, "etag": etags[number]} for number in sorted(etags)]

    def _worker(
        self, todo: queue.Queue[Part], results: queue.Queue[tuple[int, str] | _PartFailedError]
    ) -> None:
        while not self._cancel.is_set():
            try:
                part = todo.get_nowait()
            except queue.Empty:
                return
            try:
                results.put((part.number, self._send_part(part)))
            except BaseException as exc:  # reported to the main thread, which stops everything
                results.put(_PartFailedError(part, exc))
                return

    def _send_part(self, part: Part) -> str:
        attempt = 0
        while True:
            attempt += 1
            try:
                url = self._sign(part)
            except ApiError as exc:
                failure, retry = exc, _transient(exc)
            else:
                try:
                    return self._put(part, url)
                except ApiError as exc:
                    # 403: the signature expired (a slow part); a fresh one may work.
                    failure, retry = exc, _transient(exc) or exc.status == 403
            self._reset_progress(part)
            if not retry or attempt >= PART_ATTEMPTS or self._cancel.is_set():
                raise failure
            self.client.debug(f"part {part.number}: attempt {attempt} failed ({failure.message}), retrying")
            self.client.sleep(self.client.backoff(attempt - 1))

    def _sign(self, part: Part) -> str:
        answer = self._post("sign", {**self._ids(), "partNumber": part.number})
        url = answer.get("url") if isinstance(answer, Mapping) else None
        if not isinstance(url, str) or not url.startswith(("https://", "http://")):
            raise ServerError("the server answered multipart/sign without a url")
        return url

    def _put(self, part: Part, url: str) -> str:
        """PUT one part to its presigned URL, streamed, with none of our
        headers; returns the ETag."""
        shown = url.split("?", 1)[0] + "?…"
        self.client.debug(f"→ PUT {shown} (part {part.number}, {part.size} bytes, presigned)")
        http = self.client.http
        try:
            request = http.build_request(
                "PUT", url, content=self._read(part), headers={"content-length": str(part.size)}
            )
            response = http.send(request)
        except httpx.TimeoutException:
            raise RequestTimeout(
                f"the storage did not answer within {self.client.options.timeout:g}s"
            ) from None
        except httpx.TransportError as exc:
            raise NetworkError(f"Network error: {describe_error(exc)}") from None
        self.client.debug(f"← {response.status_code} PUT {shown} (part {part.number})")
        if response.status_code >= 400:
            body = decode_body(response.content)
            code = retries.storage_code(body)
            error = error_from_response(response.status_code, body, None)
            error.message = f"the storage answered HTTP {response.status_code}" + (f" {code}" if code else "")
            raise error
        etag: str | None = response.headers.get("etag")
        if not etag:
            raise ServerError("the storage answered without an ETag")
        return etag

    def _read(self, part: Part) -> Iterator[bytes]:
        """The part's bytes from disk, ``READ_CHUNK`` at a time (progress as
        they go out; stops at once when the upload is cancelled)."""
        with self.source.open("rb") as handle:
            handle.seek(part.offset)
            remaining = part.size
            while remaining:
                if self._cancel.is_set():
                    raise _CancelledError()
                chunk = handle.read(min(READ_CHUNK, remaining))
                if not chunk:
                    raise UploadFailed(f"{self.source.name} changed (shrank) during the upload")
                remaining -= len(chunk)
                self._advance(part, len(chunk))
                yield chunk

    # -- progress ----------------------------------------------------------------
    def _advance(self, part: Part, count: int) -> None:
        with self._lock:
            self._sent += count
            self._part_sent[part.number] = self._part_sent.get(part.number, 0) + count
            if self.on_progress:
                self.on_progress(self._sent, self.size)

    def _reset_progress(self, part: Part) -> None:
        with self._lock:
            self._sent -= self._part_sent.pop(part.number, 0)
            if self.on_progress:
                self.on_progress(self._sent, self.size)
