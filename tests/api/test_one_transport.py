"""Every request of the API layer goes through the client's one
``httpx.Client``, built with the ``transport`` the client was given (what
``--dry-run`` captures): calls, raw requests, uploads, the chunked upload's
steps and parts, downloads, probes and the OAuth requests. And building a
request is separate from sending it: ``prepare`` gives the very request that
``send`` sends."""

from __future__ import annotations

import io
import json

import httpx

from cargo_cli.api import downloads, uploads
from cargo_cli.api.client import CargoClient
from cargo_cli.api.endpoints import endpoint_for
from cargo_cli.api.oauth import DeviceFlow
from cargo_cli.api.options import ClientOptions
from cargo_cli.api.resources import raw_request, user_management, workspace_management

ORIGIN = "https://api.example.test"


def answer(request: httpx.Request) -> httpx.Response:
    path = request.url.path
    if request.url.host == "bucket.example.test":
        return httpx.Response(200, headers={"etag": '"e"'}, stream=httpx.ByteStream(b"file-bytes"))
    if path.endswith("/multipart/create"):
        return httpx.Response(200, json={"s3Filename": "s3.csv", "uploadId": "up-1"})
    if path.endswith("/multipart/sign"):
        return httpx.Response(200, json={"url": "https://bucket.example.test/part?sig=x"})
    if path.endswith("/.well-known/oauth-authorization-server"):
        return httpx.Response(
            200, json={"device_authorization_endpoint": f"{ORIGIN}/d", "token_endpoint": f"{ORIGIN}/t"}
        )
    return httpx.Response(200, json={"path": path})


def test_every_request_goes_through_the_given_transport(tmp_path, monkeypatch):
    seen: list[str] = []

    def capture(request: httpx.Request) -> httpx.Response:
        seen.append(f"{request.method} {request.url.host}{request.url.path}")
        return answer(request)

    options = ClientOptions(api_url=ORIGIN, max_retries=0)
    client = CargoClient(options, token="tok", transport=httpx.MockTransport(capture))
    small = tmp_path / "small.csv"
    small.write_text("a\n1\n")
    monkeypatch.setattr(uploads, "THRESHOLD", 8)  # the chunked way for a 9-byte file
    monkeypatch.setattr(uploads, "PART_SIZE", 8)
    monkeypatch.setattr(uploads, "MAX_IN_FLIGHT", 1)  # the parts in order
    big = tmp_path / "big.csv"
    big.write_text("a\n1\n2\n3\n4")
    with client:
        assert user_management.User(client).get_current() == {"path": "/v1/userManagement/users/current"}
        raw = workspace_management.User(client).with_options(raw=True).get_current()
        assert raw.status == 200
        assert raw_request(client, "GET", "/orchestration/runs/list") == {
            "path": "/v1/orchestration/runs/list"
        }
        uploads.upload(client, endpoint_for("content.file.upload"), small)
        uploads.upload(client, endpoint_for("workspaceManagement.file.upload"), big)
        sink = io.BytesIO()
        assert downloads.stream_into(client, "https://bucket.example.test/export.csv?sig=y", sink) == {
            "bytes": 10
        }
        DeviceFlow(client, sleep=lambda _s: None, clock=lambda: 0.0).metadata()
    host = "api.example.test"
    assert seen == [
        f"GET {host}/v1/userManagement/users/current",
        f"GET {host}/v1/workspaceManagement/users/current",
        f"GET {host}/v1/orchestration/runs/list",
        f"POST {host}/v1/content/files/upload",
        f"POST {host}/v1/workspaceManagement/files/multipart/create",
        f"POST {host}/v1/workspaceManagement/files/multipart/sign",
        "PUT bucket.example.test/part",
        f"POST {host}/v1/workspaceManagement/files/multipart/sign",
        "PUT bucket.example.test/part",
        f"POST {host}/v1/workspaceManagement/files/multipart/complete",
        "GET bucket.example.test/export.csv",
        f"GET {host}/.well-known/oauth-authorization-server",
    ]


def test_the_prepared_request_is_the_one_sent():
    sent: list[httpx.Request] = []

    def capture(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={"ok": True})

    client = CargoClient(
        ClientOptions(api_url=ORIGIN),
        token="tok",
        workspace_uuid="ws",
        transport=httpx.MockTransport(capture),
    )
    call = client.prepare(endpoint_for("orchestration.run.list"), {"workflowUuid": "w-1", "limit": 5})
    assert (call.request.method, str(call.request.url)) == ("POST", f"{ORIGIN}/v1/orchestration/runs/list")
    assert json.loads(call.request.content) == {"workflowUuid": "w-1", "limit": 5}
    assert call.request.headers["authorization"] == "Bearer tok"
    assert call.request.headers["selected-workspace-uuid"] == "ws"
    assert sent == []  # built, not sent
    assert client.send(call) == {"ok": True}
    assert sent == [call.request]
    client.close()
