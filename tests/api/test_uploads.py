"""The chunked upload engine (api/uploads.py): the exact requests, part
boundaries, ETags, retries per part, concurrency and the abort paths.

Sizes are lowered through the module constants (the e2e test uses the real
ones); respx answers the API and the presigned storage URLs."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from cargo_cli.api import uploads
from cargo_cli.api.client import CargoClient
from cargo_cli.api.endpoints import endpoint_for
from cargo_cli.api.errors import CallInterrupted
from cargo_cli.settings import Settings
from tests.helpers import API, TOKEN, WORKSPACE, body_of

BASE = "/workspaceManagement/files/multipart"
S3 = "https://bucket.s3.test/uploads/abc123-big.csv"
IDS = {"s3Filename": "abc123-big.csv", "uploadId": "up-42"}
PART = 1000
UPLOAD_ARGV = ("workspaceManagement", "file", "upload", "--file")
# The real values, read before the autouse fixture below lowers them.
REAL = (uploads.THRESHOLD, uploads.PART_SIZE, uploads.MAX_IN_FLIGHT, uploads.PART_ATTEMPTS)


def etag_of(data: bytes) -> str:
    return '"' + hashlib.md5(data).hexdigest() + '"'


@pytest.fixture(autouse=True)
def small_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(uploads, "THRESHOLD", 2 * PART)
    monkeypatch.setattr(uploads, "PART_SIZE", PART)
    monkeypatch.setattr(uploads, "READ_CHUNK", 256)
    monkeypatch.setattr(uploads, "MAX_IN_FLIGHT", 1)  # a deterministic order; concurrency has its own test


@pytest.fixture
def big(tmp_path: Path) -> tuple[Path, bytes]:
    data = os.urandom(3 * PART + 500)  # parts of 1000, 1000, 1000, 500 bytes
    path = tmp_path / "big.csv"
    path.write_bytes(data)
    return path, data


class Storage:
    """The API's multipart calls and the presigned storage URLs, in respx."""

    def __init__(self, api: respx.MockRouter) -> None:
        self.api = api
        self.parts: dict[int, bytes] = {}
        self.put_failures: dict[int, list[int]] = {}  # part -> statuses to answer first
        self.signs: list[int] = []
        self.create = api.post(f"{BASE}/create").respond(json=IDS)
        self.sign = api.post(f"{BASE}/sign").mock(side_effect=self._sign)
        self.put = api.route(
            method="PUT", scheme="https", host="bucket.s3.test", path="/uploads/abc123-big.csv"
        ).mock(side_effect=self._put)
        self.complete = api.post(f"{BASE}/complete").respond(json={})
        self.abort = api.post(f"{BASE}/abort").respond(json={})

    def _sign(self, request: httpx.Request) -> httpx.Response:
        number = json.loads(request.content)["partNumber"]
        self.signs.append(number)
        return httpx.Response(200, json={"url": f"{S3}?partNumber={number}&X-Amz-Signature=sig{number}"})

    def on_put(self, number: int, data: bytes) -> None:
        """A hook for tests (runs in the part's thread)."""

    def _put(self, request: httpx.Request) -> httpx.Response:
        number = int(request.url.params["partNumber"])
        data = request.read()
        self.on_put(number, data)
        failures = self.put_failures.get(number)
        if failures:
            return httpx.Response(failures.pop(0), text="<Error><Code>SlowDown</Code></Error>")
        self.parts[number] = data
        return httpx.Response(200, headers={"etag": etag_of(data)})

    def sequence(self) -> list[str]:
        out = []
        for call in self.api.calls:
            request = call.request
            if request.method == "PUT":
                out.append(f"PUT {request.url.params['partNumber']}")
            else:
                step = request.url.path.rsplit("/", 1)[-1]
                number = body_of(request).get("partNumber")
                out.append(f"{step} {number}" if number else step)
        return out


@pytest.fixture
def storage(api: respx.MockRouter) -> Storage:
    return Storage(api)


def test_constants_are_the_vendor_clients():
    spec = json.loads((Path(__file__).parents[2] / "spec" / "api.json").read_text())
    (entry,) = [e for e in spec if e["id"] == "workspaceManagement.file.upload"]
    multipart = entry["multipart"]
    assert REAL == (
        multipart["thresholdBytes"], multipart["partSizeBytes"], multipart["maxConcurrency"],
        multipart["partMaxAttempts"],
    ) == (50 * 1024 * 1024, 8 * 1024 * 1024, 4, 3)  # fmt: skip


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        (1, [(1, 0, 1)]),
        (PART, [(1, 0, PART)]),
        (PART + 1, [(1, 0, PART), (2, PART, 1)]),
        (3 * PART, [(1, 0, PART), (2, PART, PART), (3, 2 * PART, PART)]),
    ],
)
def test_plan_parts_boundaries(size, expected):
    assert [(p.number, p.offset, p.size) for p in uploads.plan_parts(size, PART)] == expected


def test_threshold_is_inclusive_and_only_for_the_workspace_upload():
    threshold = uploads.THRESHOLD
    assert not uploads.wants_multipart(uploads.ENDPOINT, threshold - 1)
    assert uploads.wants_multipart(uploads.ENDPOINT, threshold)
    assert not uploads.wants_multipart("content.file.upload", threshold * 10)


def test_exact_request_sequence_parts_and_etags(cli, api, storage, big):
    path, data = big
    result = cli(*UPLOAD_ARGV, str(path))
    assert result.code == 0, result.out
    assert result.json == {"s3Filename": "abc123-big.csv", "contentType": "text/csv", "name": "big.csv"}
    assert storage.sequence() == [
        "create", "sign 1", "PUT 1", "sign 2", "PUT 2", "sign 3", "PUT 3", "sign 4", "PUT 4", "complete",
    ]  # fmt: skip
    assert body_of(storage.create.calls[0].request) == {"contentType": "text/csv", "filename": "big.csv"}
    assert [body_of(c.request) for c in storage.sign.calls] == [
        {**IDS, "partNumber": n} for n in (1, 2, 3, 4)
    ]
    assert [len(storage.parts[n]) for n in (1, 2, 3, 4)] == [PART, PART, PART, 500]
    assert b"".join(storage.parts[n] for n in (1, 2, 3, 4)) == data
    assert body_of(storage.complete.calls[0].request) == {
        **IDS,
        "parts": [{"partNumber": n, "etag": etag_of(data[(n - 1) * PART : n * PART])} for n in (1, 2, 3, 4)],
    }
    assert not storage.abort.called


def test_presigned_put_carries_none_of_our_headers(cli, api, storage, big):
    path, _data = big
    assert cli(*UPLOAD_ARGV, str(path)).code == 0
    for call in storage.put.calls:
        headers = call.request.headers
        assert "authorization" not in headers
        assert "selected-workspace-uuid" not in headers
        assert not any(name.startswith("x-cargo") for name in headers)
        assert "content-type" not in headers
        assert "transfer-encoding" not in headers  # storage wants a length, not chunks
        assert headers["content-length"] == str(len(call.request.content))
    for route in (storage.create, storage.sign, storage.complete):
        headers = route.calls[0].request.headers
        assert headers["authorization"] == f"Bearer {TOKEN}"
        assert headers["selected-workspace-uuid"] == WORKSPACE
        assert headers["content-type"] == "application/json"


def test_below_the_threshold_it_is_one_multipart_post(cli, api, storage, tmp_path):
    path = tmp_path / "small.csv"
    path.write_bytes(b"x" * (uploads.THRESHOLD - 1))
    route = api.post("/workspaceManagement/files/upload").respond(json={"uuid": "u", "s3Filename": "s"})
    result = cli(*UPLOAD_ARGV, str(path))
    assert result.code == 0, result.out
    assert route.call_count == 1
    assert not storage.create.called and not storage.put.called


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ({}, {}),
        ({"files": [{"uuid": "f1", "s3Filename": "abc123-big.csv"}]}, {"uuid": "f1"}),
        ({"uuid": "f2", "s3Filename": "abc123-big.csv", "name": "big.csv"}, {"uuid": "f2"}),
        ({"location": "https://bucket/x"}, {}),
    ],
    ids=["empty", "files-array", "flat-file", "not-a-file"],
)
def test_result_is_the_file_entity(cli, api, storage, big, answer, expected):
    storage.complete.respond(json=answer)
    result = cli(*UPLOAD_ARGV, str(big[0]))
    assert result.code == 0, result.out
    assert result.json == {
        "s3Filename": "abc123-big.csv", "contentType": "text/csv", "name": "big.csv", **expected,
    }  # fmt: skip


def test_content_type_falls_back_to_octet_stream(cli, api, storage, tmp_path):
    path = tmp_path / "dump.cargo-unknown"
    path.write_bytes(b"z" * (2 * PART))
    result = cli(*UPLOAD_ARGV, str(path))
    assert result.code == 0, result.out
    assert body_of(storage.create.calls[0].request)["contentType"] == "application/octet-stream"
    assert result.json["contentType"] == "application/octet-stream"


def test_a_part_is_retried_with_a_fresh_signature(cli, api, storage, big, clock):
    path, data = big
    storage.put_failures[2] = [503, 403]  # a transient error, then an expired signature
    result = cli(*UPLOAD_ARGV, str(path))
    assert result.code == 0, result.out
    assert storage.sequence() == [
        "create", "sign 1", "PUT 1", "sign 2", "PUT 2", "sign 2", "PUT 2", "sign 2", "PUT 2",
        "sign 3", "PUT 3", "sign 4", "PUT 4", "complete",
    ]  # fmt: skip
    assert len(clock.sleeps) == 2  # a backoff before each new attempt, on the runtime's clock
    assert b"".join(storage.parts[n] for n in (1, 2, 3, 4)) == data
    assert not storage.abort.called


def test_three_failed_attempts_abort_the_upload(cli, api, storage, big):
    storage.put_failures[2] = [503, 503, 503]
    result = cli(*UPLOAD_ARGV, str(big[0]))
    assert result.code == 1
    assert result.json == {
        "errorMessage": "Upload of big.csv failed at part 2: the storage answered HTTP 503 SlowDown; "
        "the multipart upload up-42 of big.csv (abc123-big.csv) was aborted",
        "uploadId": "up-42",
        "s3Filename": "abc123-big.csv",
        "aborted": True,
        "status": 503,
    }
    assert storage.signs == [1, 2, 2, 2]
    assert not storage.complete.called
    assert storage.abort.call_count == 1
    assert body_of(storage.abort.calls[0].request) == IDS
    assert storage.abort.calls[0].request.headers["authorization"] == f"Bearer {TOKEN}"


def test_a_refused_signature_is_permanent_at_once(cli, api, storage, big):
    storage.sign.mock(side_effect=None).respond(400, json={"errorMessage": "Upload expired"})
    result = cli(*UPLOAD_ARGV, str(big[0]))
    assert result.code == 1
    assert result.json["errorMessage"].startswith("Upload of big.csv failed at part 1: Upload expired;")
    assert result.json["status"] == 400 and result.json["aborted"] is True
    assert storage.sign.call_count == 1
    assert not storage.put.called and not storage.complete.called
    assert storage.abort.call_count == 1


def test_a_network_error_on_a_part_is_retried(cli, api, storage, big):
    path, data = big
    calls = {"n": 0}
    original = storage._put

    def flaky(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        if calls["n"] == 1:
            raise httpx.ReadError("connection reset")
        return original(request)

    storage.put.mock(side_effect=flaky)
    result = cli(*UPLOAD_ARGV, str(path))
    assert result.code == 0, result.out
    assert storage.signs == [1, 1, 2, 3, 4]
    assert b"".join(storage.parts[n] for n in (1, 2, 3, 4)) == data


def test_missing_etag_is_a_permanent_failure(cli, api, storage, big):
    storage.put.mock(side_effect=None).respond(200)
    result = cli(*UPLOAD_ARGV, str(big[0]))
    assert result.code == 1
    assert result.json["errorMessage"].startswith(
        "Upload of big.csv failed at part 1: the storage answered without an ETag;"
    )
    assert result.json["errorMessage"].endswith("was aborted")
    assert storage.put.call_count == 1
    assert storage.abort.call_count == 1


def test_a_failed_complete_is_aborted(cli, api, storage, big):
    storage.complete.respond(400, json={"errorMessage": "Part list invalid"})
    result = cli(*UPLOAD_ARGV, str(big[0]))
    assert result.code == 1
    assert result.json["errorMessage"] == (
        "Upload of big.csv failed: Part list invalid; the multipart upload up-42 of big.csv (abc123-big.csv) "
        "was aborted"
    )
    assert storage.complete.call_count == 1  # never re-sent
    assert storage.abort.call_count == 1


def test_a_failed_abort_is_reported(cli, api, storage, big):
    storage.put_failures[1] = [500, 500, 500]
    storage.abort.respond(500, json={"errorMessage": "Storage down"})
    result = cli(*UPLOAD_ARGV, str(big[0]))
    assert result.code == 1
    assert result.json["aborted"] is False
    assert result.json["errorMessage"].endswith("could not be aborted (HTTP 500: Storage down)")


def test_a_failed_create_sends_nothing_else(cli, api, storage, big):
    storage.create.respond(403, json={"errorMessage": "Forbidden"})
    result = cli(*UPLOAD_ARGV, str(big[0]))
    assert result.code == 1
    assert result.json == {"errorMessage": "Forbidden", "status": 403}
    assert [c.request.url.path.rsplit("/", 1)[-1] for c in api.calls] == ["create"]


def test_a_create_answer_without_ids_is_an_error(cli, api, storage, big):
    storage.create.respond(json={"s3Filename": "x"})
    result = cli(*UPLOAD_ARGV, str(big[0]))
    assert result.code == 1
    assert "without s3Filename and uploadId" in result.json["errorMessage"]
    assert not storage.sign.called and not storage.abort.called


def test_too_many_parts_is_refused_before_sending(cli, api, storage, big, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_PARTS", 3)
    result = cli(*UPLOAD_ARGV, str(big[0]))
    assert result.code == 2
    assert "4 parts" in result.json["errorMessage"]
    assert not api.calls


def test_a_file_that_shrinks_mid_upload_is_aborted(cli, api, storage, big):
    path, _data = big
    storage.on_put = lambda number, data: os.truncate(path, 2 * PART + 10) if number == 1 else None
    result = cli(*UPLOAD_ARGV, str(path))
    assert result.code == 1
    assert "big.csv changed (shrank) during the upload" in result.json["errorMessage"]
    assert storage.abort.call_count == 1 and not storage.complete.called


def test_ctrl_c_aborts_the_upload(cli, api, storage, big):
    def interrupt(number: int, _data: bytes) -> None:
        if number == 2:
            os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C: KeyboardInterrupt in the main thread
            time.sleep(0.2)  # the part is still in flight when the main thread stops the upload

    storage.on_put = interrupt
    result = cli(*UPLOAD_ARGV, str(big[0]))
    assert result.code == 130
    error = result.json
    assert error.pop("signal", "SIGINT") == "SIGINT"  # named once main.py handles signals itself
    assert error == {
        "errorMessage": "Interrupted: the multipart upload up-42 of big.csv (abc123-big.csv) was aborted",
        "uploadId": "up-42",
        "s3Filename": "abc123-big.csv",
        "aborted": True,
    }
    assert storage.abort.call_count == 1
    assert not storage.complete.called
    assert 4 not in storage.signs  # the remaining parts were not sent


def test_sigterm_aborts_the_upload_with_the_fallback_handler(cli, api, storage, big, monkeypatch):
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    storage.on_put = lambda number, _data: os.kill(os.getpid(), signal.SIGTERM) if number == 2 else None
    result = cli(*UPLOAD_ARGV, str(big[0]))
    assert result.code == 143
    assert result.json == {
        "errorMessage": "Interrupted: the multipart upload up-42 of big.csv (abc123-big.csv) was aborted",
        "uploadId": "up-42",
        "s3Filename": "abc123-big.csv",
        "aborted": True,
        "signal": "SIGTERM",
    }
    assert storage.abort.call_count == 1
    assert not storage.complete.called
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # restored


class _ProcessSignal(KeyboardInterrupt):
    """What a process-wide handler raises for SIGTERM (handled like Ctrl-C)."""


class _ProcessExit(BaseException):
    """Anything else a handler might raise."""


@pytest.mark.parametrize(
    ("raised", "expected"), [(_ProcessSignal, CallInterrupted), (_ProcessExit, _ProcessExit)]
)
def test_an_existing_sigterm_handler_is_kept_and_its_exception_aborts(api, storage, big, raised, expected):
    def process_handler(_signum: int, _frame: Any) -> None:
        raise raised()

    previous = signal.signal(signal.SIGTERM, process_handler)
    try:
        storage.on_put = lambda number, _data: os.kill(os.getpid(), signal.SIGTERM) if number == 2 else None
        settings = Settings(api_url=API.removesuffix("/v1"), max_retries=0)
        with CargoClient(settings, token=TOKEN, workspace_uuid=WORKSPACE) as client:
            with pytest.raises(expected) as caught:
                uploads.upload(client, endpoint_for(uploads.ENDPOINT), big[0])
        assert signal.getsignal(signal.SIGTERM) is process_handler
    finally:
        signal.signal(signal.SIGTERM, previous)
    if expected is CallInterrupted:
        assert type(caught.value) is CallInterrupted  # main.py gives it the signal's exit code
        assert caught.value.signal is None  # the process's own handler caught it, not ours
        assert caught.value.extra == {"uploadId": "up-42", "s3Filename": "abc123-big.csv", "aborted": True}
    assert storage.abort.call_count == 1
    assert not storage.complete.called


def test_sigterm_before_the_upload_exists_exits_143(cli, api, storage, big):
    def create(_request: httpx.Request) -> httpx.Response:
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(0.5)  # pragma: no cover - the signal lands first
        return httpx.Response(200, json=IDS)

    storage.create.mock(side_effect=create)
    result = cli(*UPLOAD_ARGV, str(big[0]))
    assert result.code == 143
    assert result.json == {"errorMessage": "Interrupted", "signal": "SIGTERM"}
    assert not storage.sign.called and not storage.abort.called


def test_up_to_four_parts_in_flight(cli, api, storage, tmp_path, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_IN_FLIGHT", 4)
    data = os.urandom(10 * PART + 1)
    path = tmp_path / "wide.bin"
    path.write_bytes(data)
    lock = threading.Lock()
    state = {"now": 0, "peak": 0}

    def slow(_number: int, _data: bytes) -> None:
        with lock:
            state["now"] += 1
            state["peak"] = max(state["peak"], state["now"])
        time.sleep(0.05)
        with lock:
            state["now"] -= 1

    storage.on_put = slow
    result = cli(*UPLOAD_ARGV, str(path))
    assert result.code == 0, result.out
    assert state["peak"] == 4
    assert sorted(storage.signs) == list(range(1, 12))
    complete = body_of(storage.complete.calls[0].request)
    assert [p["partNumber"] for p in complete["parts"]] == list(range(1, 12))
    assert all(p["etag"] == etag_of(storage.parts[p["partNumber"]]) for p in complete["parts"])
    assert b"".join(storage.parts[n] for n in range(1, 12)) == data


def test_progress_counts_every_byte_once(api, storage, big):
    path, data = big
    storage.put_failures[3] = [500]
    seen: list[tuple[int, int | None]] = []
    settings = Settings(api_url=API.removesuffix("/v1"), max_retries=0)
    with CargoClient(settings, token=TOKEN, workspace_uuid=WORKSPACE, sleep=lambda _s: None) as client:
        uploads.upload(
            client,
            endpoint_for(uploads.ENDPOINT),
            path,
            on_progress=lambda done, total: seen.append((done, total)),
        )
    assert seen[-1] == (len(data), len(data))
    assert all(total == len(data) for _done, total in seen)
    assert max(done for done, _total in seen) == len(data)  # the retried part is not counted twice
    assert len(seen) > len(data) // uploads.READ_CHUNK  # one call per chunk read from disk


def test_debug_log_shows_the_parts_but_no_signature_or_token(cli, api, storage, big):
    storage.put_failures[2] = [500]
    result = cli("--debug", *UPLOAD_ARGV, str(big[0]))
    assert result.code == 0, result.out
    assert (
        "→ PUT https://bucket.s3.test/uploads/abc123-big.csv?… (part 2, 1000 bytes, presigned)" in result.err
    )
    assert "part 2: attempt 1 failed (the storage answered HTTP 500 SlowDown), retrying" in result.err
    assert "X-Amz-Signature" not in result.err and "sig2" not in result.err
    assert TOKEN not in result.err
