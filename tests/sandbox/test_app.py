"""The HTTP contract: auth, workspace selection, errors, 501, rate limit,
signed URLs, query strings, uploads."""

from __future__ import annotations

from pathlib import Path

from cargo_cli.sandbox import seed
from cargo_cli.sandbox.http import parse_query
from tests.sandbox.conftest import Api, make_api


def test_missing_or_unknown_token_is_401(api: Api) -> None:
    for headers in ({}, {"authorization": "Bearer nope"}, {"authorization": "Basic abc"}):
        response = api.client.get("/v1/storage/models/list", headers=headers)
        assert response.status_code == 401
        assert response.json() == {
            "errorMessage": "Not authorized: missing or invalid API token",
            "reason": "unauthorized",
        }


def test_unknown_route_is_501_after_auth(api: Api) -> None:
    response = api.client.post("/v1/domainManagement/domains", headers=api.headers, json={})
    assert response.status_code == 501
    assert response.json() == {"errorMessage": "Not emulated by the sandbox: POST /domainManagement/domains"}
    assert api.client.post("/v1/domainManagement/domains").status_code == 401
    assert api.client.get("/nothing", headers=api.headers).status_code == 404


def test_selected_workspace_header(api: Api) -> None:
    ok = {**api.headers, "selected-workspace-uuid": seed.WORKSPACE}
    assert api.client.get("/v1/workspaceManagement/workspaces/current", headers=ok).status_code == 200
    other = {**api.headers, "selected-workspace-uuid": "11111111-1111-4111-8111-111111111111"}
    refused = api.client.get("/v1/storage/models/list", headers=other)
    assert refused.status_code == 403 and refused.json()["reason"] == "workspaceNotAccessible"
    # The current-user endpoint ignores the header (wire-conventions.md).
    assert api.client.get("/v1/userManagement/users/current", headers=other).status_code == 200


def test_not_found_and_bad_payload_bodies(api: Api) -> None:
    missing = api.client.get("/v1/orchestration/tools/nope", headers=api.headers)
    assert missing.status_code == 404 and missing.json() == {
        "errorMessage": "Tool not found.",  # the platform's text (api.json)
        "reason": "toolNotFound",
    }
    bad = api.client.post("/v1/orchestration/runs", headers=api.headers, content=b"{not json")
    assert bad.status_code == 400 and bad.json()["reason"] == "invalidPayload"


def test_rate_limit_answers_429_with_retry_after(tmp_path: Path) -> None:
    for api in make_api(tmp_path, rate_limit=2):
        codes = [api.client.get("/v1/storage/models/list", headers=api.headers) for _ in range(3)]
        assert [r.status_code for r in codes] == [200, 200, 429]
        assert codes[2].headers["retry-after"] == "1"
        assert codes[2].json() == {"errorMessage": "Too many requests", "reason": "rateLimited"}


def test_signed_urls_refuse_tampering_and_expiry(api: Api) -> None:
    url = api.post("/storage/query/download", {"query": "SELECT id FROM crm.companies LIMIT 2"})["urls"][0]  # type: ignore[index]
    path = str(url).removeprefix("http://testserver")
    assert api.client.get(path).text.splitlines() == ["id", "cmp_0000", "cmp_0001"]
    assert api.client.get(path.replace("signature=", "signature=f")).status_code == 403
    assert api.client.get(path.split("?")[0]).status_code == 403


def test_axios_query_strings_are_parsed() -> None:
    assert parse_query("statuses%5B%5D=error&statuses%5B%5D=success&limit=10&c=true&f%5Btags%5D%5B0%5D=x") == {
        "statuses": ["error", "success"], "limit": "10", "c": True, "f": {"tags": {"0": "x"}},
    }  # fmt: skip


def test_upload_list_columns_and_unknown_file(api: Api) -> None:
    response = api.client.post("/v1/workspaceManagement/files/upload", headers=api.headers,
                               files={"file": ("a.csv", b"x,y\n1,2\n", "text/csv")})  # fmt: skip
    file = response.json()
    assert (file["name"], file["size"], file["contentType"]) == ("a.csv", 8, "text/csv")
    assert api.get("/workspaceManagement/files/listColumns", params={"s3Filename": file["s3Filename"]}) == {
        "columns": ["x", "y"]
    }
    assert (
        api.client.get(
            "/v1/workspaceManagement/files/listColumns?s3Filename=nope", headers=api.headers
        ).status_code
        == 404
    )
    no_file = api.client.post(
        "/v1/workspaceManagement/files/upload", headers=api.headers, files={"other": ("a", b"1")}
    )
    assert no_file.status_code == 400


def test_seeded_reads(api: Api) -> None:
    assert [m["slug"] for m in api.get("/storage/models/list")["models"]] == ["companies", "contacts"]  # type: ignore[index]
    assert api.get(f"/storage/datasets/{seed.DATASET}")["dataset"]["slug"] == "crm"  # type: ignore[index]
    assert len(api.get("/storage/columns/list", params={"modelUuid": seed.CONTACTS})["columns"]) == 7  # type: ignore[arg-type]
    assert api.get(f"/orchestration/releases/{seed.TOOL_RELEASE}")["release"]["status"] == "deployed"  # type: ignore[index]
    assert (
        api.get("/orchestration/releases/deployed", params={"workflowUuid": seed.PLAY_WORKFLOW})["release"][
            "uuid"
        ]
        == seed.PLAY_RELEASE
    )  # type: ignore[index]
    assert [p["uuid"] for p in api.get("/orchestration/plays/list")["plays"]] == [seed.PLAY]  # type: ignore[index]
    assert len(api.get("/orchestration/workflows/list")["workflows"]) == 2  # type: ignore[arg-type]
    assert api.get("/ai/agents/list")["agents"][0]["deployedRelease"]["languageModelSlug"] == "gpt-4o"  # type: ignore[index]
    assert [f["name"] for f in api.get("/workspaceManagement/folders/list")["folders"]] == ["Demo"]  # type: ignore[index]
    assert {i["slug"] for i in api.get("/connection/integrations/list")["integrations"]} == {
        "clearbit",
        "hunter",
    }  # type: ignore[index]
    assert (
        len(api.get("/connection/connectors/list", params={"integrationSlug": "hunter"})["connectors"]) == 1
    )  # type: ignore[arg-type]
    assert api.get("/initWorkspace")["workspace"]["uuid"] == seed.WORKSPACE  # type: ignore[index]
    segment = api.get(f"/segmentation/segments/{seed.SEGMENT_FR}")["segment"]
    fetched = api.post(
        "/segmentation/segments/fetch", {"modelUuid": seed.COMPANIES, "filter": seed.DEMO_FILTER}
    )
    assert segment["recordsCount"] == fetched["count"] == len(fetched["records"]) > 0  # type: ignore[index, arg-type]


def test_fetch_limit_and_offset_window_the_membership(api: Api) -> None:
    body = {"modelUuid": seed.COMPANIES, "filter": {"conjonction": "and", "groups": []}, "limit": 25,
            "sort": [{"columnSlug": "id", "kind": "desc"}], "fetchingLimit": 10, "fetchingOffset": 20}  # fmt: skip
    page = api.post("/segmentation/segments/fetch", body)
    assert page["count"] == 25
    assert [r["id"] for r in page["records"]] == [f"cmp_{i:04d}" for i in range(279, 274, -1)]  # type: ignore[union-attr]
