"""content file / library commands, including the multipart file upload."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.commands.test_workspace_management_upload import parts_of
from tests.helpers import (
    TOKEN,
    UUID1,
    UUID2,
    WORKSPACE,
    check_api_error,
    check_usage_error,
    request_of,
    table_tests,
)

FOLDER = "44444444-4444-4444-8444-444444444444"
FILE = {"uuid": UUID1, "s3Filename": "abc-notes.pdf", "contentType": "application/pdf", "name": "notes.pdf"}

# (argv, method, path, query, body, response)
CASES = [
    pytest.param(["file", "list"], "GET", "/content/files/list", "", None, {"files": [FILE]}, id="file-list"),
    pytest.param(["file", "list", "--library-uuid", UUID2, "--kind", "native"], "GET", "/content/files/list",
                 f"libraryUuid={UUID2}&kind=native", None, {"files": []}, id="file-list-filters"),
    pytest.param(["file", "get", UUID1], "GET", f"/content/files/{UUID1}", "", None, {"file": FILE}, id="file-get"),
    pytest.param(["file", "update", "--uuid", UUID1, "--name", "Q1 Research Notes", "--folder-uuid", FOLDER],
                 "PUT", f"/content/files/{UUID1}", "", {"name": "Q1 Research Notes", "folderUuid": FOLDER},
                 {"file": FILE}, id="file-update"),
    pytest.param(["file", "update", "--uuid", UUID1, "--folder-uuid", "null"], "PUT", f"/content/files/{UUID1}",
                 "", {"folderUuid": None}, {"file": FILE}, id="file-update-to-root"),
    pytest.param(["file", "remove", UUID1], "DELETE", f"/content/files/{UUID1}", "", None, {}, id="file-remove"),
    pytest.param(["library", "list", "--connector-uuid", UUID2, "--kind", "connector"], "GET",
                 "/content/libraries/list", f"connectorUuid={UUID2}&kind=connector", None, {"libraries": []},
                 id="library-list"),
    pytest.param(["library", "get", UUID1], "GET", f"/content/libraries/{UUID1}", "", None,
                 {"library": {"uuid": UUID1}}, id="library-get"),
    pytest.param(["library", "create", "--name", "Help Center"], "POST", "/content/libraries/create", "",
                 {"name": "Help Center", "config": {}}, {"library": {"uuid": UUID1}}, id="library-create-native"),
    pytest.param(["library", "create", "--name", "Help Center", "--config", '{"space":"HC"}', "--connector-uuid",
                  UUID2, "--extractor-slug", "pages", "--folder-uuid", FOLDER], "POST", "/content/libraries/create",
                 "", {"name": "Help Center", "config": {"space": "HC"}, "connectorUuid": UUID2,
                      "extractorSlug": "pages", "folderUuid": FOLDER},
                 {"library": {"uuid": UUID1}}, id="library-create-connector"),
    pytest.param(["library", "update", "--uuid", UUID1, "--name", "Updated Name"], "PATCH",
                 f"/content/libraries/{UUID1}", "", {"name": "Updated Name"}, {"library": {"uuid": UUID1}},
                 id="library-update"),
    pytest.param(["library", "remove", UUID1], "DELETE", f"/content/libraries/{UUID1}", "", None, {},
                 id="library-remove"),
]  # fmt: skip

test_request_and_output = table_tests("content", CASES)


@pytest.mark.parametrize(
    ("argv", "method", "path", "reason", "message"),
    [
        (["file", "remove", UUID1], "DELETE", f"/content/files/{UUID1}", "fileNotFound", "File not found"),
        (["library", "remove", UUID1], "DELETE", f"/content/libraries/{UUID1}", "libraryHasFiles",
         "Library has files"),
        (["library", "create", "--name", "x", "--connector-uuid", UUID2], "POST", "/content/libraries/create",
         "connectorNotFound", "Connector not found"),
    ],
)  # fmt: skip
def test_reason_table(cli, api, argv, method, path, reason, message):
    expected = {"errorMessage": message, "reason": reason}
    check_api_error(cli, api, ["content", *argv], method, path, 404, {"reason": reason}, expected)


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["file", "get"], "Missing argument"),
        (["file", "get", "nope"], "not a valid UUID"),
        (
            ["file", "update", "--uuid", UUID1],
            "Nothing to update: pass at least one of --name, --folder-uuid",
        ),
        (["file", "upload"], "Missing option '--file-path'"),
        (["file", "upload", "--file-path", "/no/such/file.pdf"], "does not exist"),
        (["file", "list", "--kind", "other"], "--kind"),
        (["library", "create"], "Missing option '--name'"),
        (["library", "create", "--name", "x", "--config", "[]"], "expected a JSON object"),
        (["library", "update", "--uuid", UUID1], "Nothing to update"),
        (["library", "list", "--kind", "x"], "--kind"),
    ],
)
def test_usage_errors_send_nothing(cli, api, argv, fragment):
    check_usage_error(cli, api, ["content", *argv], fragment)


# -- file upload -------------------------------------------------------------------
UPLOAD = "/content/files/upload"
PDF = b"%PDF-1.4\n\x00\x01binary\xff\n"


@pytest.fixture
def pdf(tmp_path: Path) -> Path:
    path = tmp_path / "knowledge-base.pdf"
    path.write_bytes(PDF)
    return path


def test_upload_sends_file_then_folder_and_uuid_form_fields(cli, api, pdf):
    route = api.post(UPLOAD).respond(json={"files": [FILE]})
    result = cli(
        "content", "file", "upload", "--file-path", str(pdf), "--folder-uuid", FOLDER, "--uuid", UUID1
    )
    assert result.code == 0, result.out
    assert result.json == FILE
    request = request_of(route)
    assert route.call_count == 1
    assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert parts_of(request) == [
        ("file", "knowledge-base.pdf", PDF),
        ("folderUuid", None, FOLDER.encode()),
        ("uuid", None, UUID1.encode()),
    ]
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["selected-workspace-uuid"] == WORKSPACE


def test_upload_without_folder_sends_only_the_file(cli, api, pdf):
    route = api.post(UPLOAD).respond(json=FILE)
    result = cli("content", "file", "upload", "--file-path", str(pdf))
    assert result.code == 0, result.out
    assert result.json == FILE
    assert parts_of(request_of(route)) == [("file", "knowledge-base.pdf", PDF)]


def test_upload_error_is_not_resent(cli, api, pdf):
    route = api.post(UPLOAD).respond(502, json={})
    result = cli("content", "file", "upload", "--file-path", str(pdf))
    assert result.code == 1
    assert result.json == {"errorMessage": "Server error", "status": 502}
    assert route.call_count == 1


def test_ai_file_pointer_names_an_existing_command(cli, api):
    result = cli("ai", "file", "list")
    assert result.code == 2
    assert "cargo-ai content file list" in result.json["errorMessage"]
    listed = cli("content", "file", "list", "--help")
    assert listed.code == 0
