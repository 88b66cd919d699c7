"""workspaceManagement file upload: multipart/form-data, streamed from disk."""

from __future__ import annotations

from email.parser import BytesParser
from email.policy import default as default_policy
from pathlib import Path

import httpx
import pytest

from cargo_cli.api.uploads import CountingReader
from cargo_cli.cli import transfer
from cargo_cli.cli.commands import workspace_management
from tests.helpers import TOKEN, UUID1, WORKSPACE, request_of

UPLOAD = "/workspaceManagement/files/upload"
CONTENT = b"domain,name\nacme.com,Acme\n\xc3\xa9t\xc3\xa9.fr,\xc3\x89t\xc3\xa9\n"
FILE = {"uuid": UUID1, "s3Filename": "abc123-leads.csv", "contentType": "text/csv", "name": "leads.csv"}


def parts_of(request: httpx.Request) -> list[tuple[str | None, str | None, bytes]]:
    """(field name, filename, content) of each multipart part."""
    head = f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode()
    message = BytesParser(policy=default_policy).parsebytes(head + request.content)
    assert message.is_multipart()
    return [
        (
            part.get_param("name", header="content-disposition"),
            part.get_filename(),
            part.get_payload(decode=True),
        )
        for part in message.iter_parts()
    ]


@pytest.fixture
def csv_file(tmp_path: Path) -> Path:
    path = tmp_path / "leads.csv"
    path.write_bytes(CONTENT)
    return path


@pytest.mark.parametrize("flag", ["--file", "--file-path"])
@pytest.mark.parametrize("answer", [FILE, {"files": [FILE]}], ids=["flat", "files-array"])
def test_upload_sends_one_multipart_file_part(cli, api, csv_file, flag, answer):
    route = api.post(UPLOAD).respond(json=answer)
    result = cli("workspaceManagement", "file", "upload", flag, str(csv_file))
    assert result.code == 0, result.out
    assert result.json == FILE
    request = request_of(route)
    assert route.call_count == 1
    assert request.url.path == "/v1" + UPLOAD
    assert request.url.query == b""
    content_type = request.headers["content-type"]
    assert content_type.startswith("multipart/form-data; boundary=")
    assert "application/json" not in content_type
    assert parts_of(request) == [("file", "leads.csv", CONTENT)]
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["selected-workspace-uuid"] == WORKSPACE
    assert request.headers["content-length"] == str(len(request.content))


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (400, {"reason": "noFile"}, {"errorMessage": "No file provided", "reason": "noFile", "status": 400}),
        (413, {"errorMessage": "File too large"}, {"errorMessage": "File too large", "status": 413}),
        (500, {}, {"errorMessage": "Server error", "status": 500}),
    ],
)
def test_upload_api_error(cli, api, csv_file, status, body, expected):
    route = api.post(UPLOAD).respond(status, json=body)
    result = cli("workspaceManagement", "file", "upload", "--file", str(csv_file))
    assert result.code == 1
    assert result.json == expected
    assert route.call_count == 1  # an upload creates work: never re-sent after an answer


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["--file", "missing.csv"], "does not exist"),
        (["--file-path", "missing.csv"], "does not exist"),
        ([], "--file"),
        (["--file", "."], "is a directory"),
    ],
)
def test_upload_usage_errors_send_nothing(cli, api, tmp_path, monkeypatch, argv, needle):
    monkeypatch.chdir(tmp_path)
    route = api.route()
    result = cli("workspaceManagement", "file", "upload", *argv)
    assert result.code == 2, result.out
    assert needle in result.json["errorMessage"]
    assert not route.called


def test_upload_with_progress_on_a_terminal_sends_the_same_bytes(cli, api, csv_file, monkeypatch):
    seen: list[tuple[int, int | None]] = []

    class RecordingBar:
        def __init__(self, label: str) -> None:
            self.label = label

        def update(self, done: int, total: int | None) -> None:
            seen.append((done, total))

        def stop(self) -> None:
            seen.append((-1, None))

    monkeypatch.setattr(workspace_management.output, "stderr_is_tty", lambda: True)
    monkeypatch.setattr(transfer, "ProgressBar", RecordingBar)
    route = api.post(UPLOAD).respond(json={"files": [FILE]})
    result = cli("workspaceManagement", "file", "upload", "--file", str(csv_file))
    assert result.code == 0, result.out
    assert result.json == FILE
    assert parts_of(request_of(route)) == [("file", "leads.csv", CONTENT)]
    assert seen[-2:] == [(len(CONTENT), len(CONTENT)), (-1, None)]


def test_counting_reader_reports_progress_and_restarts_on_seek(tmp_path):
    path = tmp_path / "data.bin"
    path.write_bytes(b"x" * 150_000)
    seen: list[tuple[int, int | None]] = []
    with path.open("rb") as handle:
        reader = CountingReader(handle, lambda done, total: seen.append((done, total)))
        assert reader.fileno() == handle.fileno()
        while reader.read(65_536):
            pass
        assert seen[-1] == (150_000, 150_000)
        assert reader.seek(0) == 0 and reader.tell() == 0
        assert len(reader.read(10)) == 10
        assert seen[-1] == (10, 150_000)
