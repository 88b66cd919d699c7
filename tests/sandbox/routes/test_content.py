"""content: libraries CRUD, multipart uploads stored and read back byte for
byte, replace in place, filters, refusals."""

from __future__ import annotations

from cargo_cli.sandbox import seed_knowledge_hosting
from tests.sandbox.conftest import Api
from tests.sandbox.routes.conftest import call, error, ok

DATA = b"%PDF-1.4\n" + bytes(range(256)) * 8


def upload(api: Api, name: str, data: bytes, **fields: str) -> dict[str, object]:
    answer = ok(api, "POST", "/content/files/upload", files={"file": (name, data)}, data=fields)
    (file,) = answer["files"]
    return file  # type: ignore[no-any-return]


def test_upload_is_stored_and_read_back_byte_for_byte(api: Api) -> None:
    file = upload(api, "kb.pdf", DATA)
    assert (file["name"], file["size"], file["contentType"], file["kind"]) == (
        "kb.pdf", len(DATA), "application/pdf", "native",
    )  # fmt: skip
    assert ok(api, "GET", f"/content/files/{file['uuid']}/raw") == DATA
    got = ok(api, "GET", f"/content/files/{file['uuid']}")["file"]
    assert api.client.get(str(got["url"]).removeprefix("http://testserver")).content == DATA
    library = ok(api, "GET", f"/content/libraries/{file['libraryUuid']}")["library"]
    assert (library["name"], library["kind"]) == ("Uploads", "native")
    again = upload(api, "notes.txt", b"hello\n")
    assert again["libraryUuid"] == file["libraryUuid"]  # one default library, reused


def test_upload_with_uuid_replaces_content_in_place_and_folder_is_kept(api: Api) -> None:
    folder = ok(api, "POST", "/workspaceManagement/folders", {"name": "KB"})["folder"]["uuid"]
    file = upload(api, "v1.txt", b"one", folderUuid=folder)
    assert file["folderUuid"] == folder
    replaced = upload(api, "v2.txt", b"two!", uuid=str(file["uuid"]))
    assert (replaced["uuid"], replaced["name"], replaced["size"]) == (file["uuid"], "v2.txt", 4)
    assert ok(api, "GET", f"/content/files/{file['uuid']}/raw") == b"two!"
    listed = ok(api, "GET", "/content/files/list", params={"folderUuid": folder})["files"]
    assert [f["uuid"] for f in listed] == [file["uuid"]]


def test_file_update_remove_and_errors(api: Api) -> None:
    file = upload(api, "a.txt", b"a")
    renamed = ok(api, "PUT", f"/content/files/{file['uuid']}", {"name": "b.txt", "folderUuid": None})["file"]
    assert renamed["name"] == "b.txt"
    assert ok(api, "DELETE", f"/content/files/{file['uuid']}") == {}
    assert error(api, "GET", f"/content/files/{file['uuid']}") == (404, "fileNotFound")
    assert error(api, "GET", f"/content/files/{file['uuid']}/raw") == (404, "fileNotFound")
    assert error(api, "POST", "/content/files/upload", files={"other": ("x", b"1")}) == (400, "noFile")


def test_libraries_crud_filters_and_refusals(api: Api) -> None:
    seeded = ok(api, "GET", f"/content/libraries/{seed_knowledge_hosting.LIBRARY}")["library"]
    assert seeded["name"] == "Playbooks"
    created = ok(api, "POST", "/content/libraries/create", {"name": "Docs", "config": {}})["library"]
    assert (created["kind"], created["extractorSlug"], created["config"]) == ("native", "native", {})
    updated = ok(api, "PATCH", f"/content/libraries/{created['uuid']}", {"name": "Docs 2"})["library"]
    assert updated["name"] == "Docs 2"
    natives = ok(api, "GET", "/content/libraries/list", params={"kind": "native"})["libraries"]
    assert {seed_knowledge_hosting.LIBRARY, created["uuid"]} <= {lib["uuid"] for lib in natives}
    assert ok(api, "GET", "/content/libraries/list", params={"kind": "connector"})["libraries"] == []
    assert error(api, "POST", "/content/libraries/create", {"config": {}}) == (400, "invalidPayload")
    missing = "00000000-0000-4000-8000-000000000000"
    assert call(api, "POST", "/content/libraries/create", {"name": "X", "connectorUuid": missing})[0] == 404
    file = upload(api, "c.txt", b"c")
    assert error(api, "DELETE", f"/content/libraries/{file['libraryUuid']}") == (400, "libraryHasFiles")
    assert ok(api, "DELETE", f"/content/libraries/{created['uuid']}") == {}
    assert error(api, "GET", f"/content/libraries/{created['uuid']}") == (404, "libraryNotFound")
