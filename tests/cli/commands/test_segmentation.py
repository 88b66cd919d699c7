"""segmentation segment / change / record commands."""

from __future__ import annotations

import json

import httpx
import pytest

from cargo_cli import output
from tests.helpers import (
    UUID1,
    UUID2,
    assert_request,
    body_of,
    check_api_error,
    check_usage_error,
    table_tests,
)

FILTER = {
    "conjonction": "and",
    "groups": [{"conjonction": "and", "conditions": [
        {"kind": "string", "columnSlug": "country", "operator": "is", "values": ["FR"]},
        {"kind": "number", "columnSlug": "employee_count", "operator": "between", "firstValue": 50,
         "lastValue": 500},
    ]}],
}  # fmt: skip
MATCH_ALL = {"conjonction": "and", "groups": []}
SORT = [{"columnSlug": "created_at", "kind": "desc"}]
F, S = json.dumps(FILTER), json.dumps(SORT)
FETCH = "/segmentation/segments/fetch"

# (argv, method, path, query, body, response)
CASES = [
    pytest.param(["segment", "list"], "GET", "/segmentation/segments/list", "", None,
                 {"segments": [{"uuid": UUID1, "name": "FR accounts"}]}, id="segment-list"),
    pytest.param(["segment", "get", UUID1], "GET", f"/segmentation/segments/{UUID1}", "", None,
                 {"segment": {"uuid": UUID1, "recordsCount": 42, "lastChange": None}}, id="segment-get"),
    pytest.param(
        ["segment", "create", "--filter", F, "--model-uuid", UUID2, "--name", "Mid-market accounts",
         "--column-slugs", "name,domain,employee_count", "--tracking-column-slugs", "employee_count,funding_stage"],
        "POST", "/segmentation/segments", "",
        {"filter": FILTER, "modelUuid": UUID2, "name": "Mid-market accounts",
         "columnSlugs": ["name", "domain", "employee_count"],
         "trackingColumnSlugs": ["employee_count", "funding_stage"]},
        {"segment": {"uuid": UUID1}}, id="segment-create",
    ),
    pytest.param(["segment", "update", "--uuid", UUID1, "--filter", F, "--name", "Updated Name"], "PUT",
                 f"/segmentation/segments/{UUID1}", "", {"filter": FILTER, "name": "Updated Name"},
                 {"segment": {"uuid": UUID1}}, id="segment-update"),
    pytest.param(["segment", "remove", UUID1], "DELETE", f"/segmentation/segments/{UUID1}", "", {}, {},
                 id="segment-remove"),
    pytest.param(
        ["segment", "fetch", "--filter", F, "--model-uuid", UUID2, "--enrich", "--fetching-limit", "50",
         "--fetching-offset", "100", "--limit", "1000", "--sort", S, "--sync"],
        "POST", FETCH, "",
        {"filter": FILTER, "modelUuid": UUID2, "enrich": True, "fetchingLimit": 50, "fetchingOffset": 100,
         "limit": 1000, "sort": SORT, "sync": True},
        {"records": [{"_id": "1", "country": "FR"}], "count": 1, "columns": [], "isRefreshing": False},
        id="segment-fetch",
    ),
    pytest.param(
        ["segment", "download", "--filter", F, "--model-uuid", UUID2, "--limit", "5000", "--sort", S],
        "POST", "/segmentation/segments/download", "",
        {"filter": FILTER, "modelUuid": UUID2, "limit": 5000, "sort": SORT},
        {"urls": ["https://files.example.com/seg.csv"]}, id="segment-download",
    ),
    pytest.param(["change", "list", "--segment-uuid", UUID1], "GET", "/segmentation/changes/list",
                 f"segmentUuid={UUID1}", None, {"changes": [{"uuid": UUID2}]}, id="change-list"),
    pytest.param(["change", "fetch", "--kinds", "added,removed", "--uuid", UUID2, "--limit", "50", "--offset", "10"],
                 "POST", f"/segmentation/changes/{UUID2}/fetch", "",
                 {"kinds": ["added", "removed"], "limit": 50, "offset": 10},
                 {"records": [], "count": 0, "columns": []}, id="change-fetch"),
    pytest.param(["record", "fetch", "--ids", "acc-1,acc-2", "--model-uuid", UUID2], "POST",
                 "/segmentation/records/fetch", "", {"ids": ["acc-1", "acc-2"], "modelUuid": UUID2},
                 {"records": [{"id": "acc-1", "owner": None}]}, id="record-fetch"),
]  # fmt: skip


test_request_and_output = table_tests("segmentation", CASES)


@pytest.mark.parametrize(
    ("argv", "method", "path", "reason", "message"),
    [
        (["segment", "remove", UUID1], "DELETE", f"/segmentation/segments/{UUID1}", "segmentLinkedToWorkflow",
         "Segment is linked to a workflow."),
        (["segment", "remove", UUID1], "DELETE", f"/segmentation/segments/{UUID1}", "segmentAlreadyRemoved",
         "Segment is already removed"),
        (["segment", "update", "--uuid", UUID1, "--name", "x"], "PUT", f"/segmentation/segments/{UUID1}",
         "segmentNotFound", "Segment not found."),
        (["segment", "create", "--filter", F, "--model-uuid", UUID2, "--name", "n"], "POST",
         "/segmentation/segments", "invalidFilter", "Invalid filter."),
        (["segment", "fetch", "--filter", F, "--model-uuid", UUID2], "POST", FETCH, "invalidFilter",
         "Invalid filter."),
        (["segment", "download", "--filter", F, "--model-uuid", UUID2], "POST", "/segmentation/segments/download",
         "failedToDownloadRecordsFromClient", "Failed to download records."),
        (["change", "fetch", "--kinds", "added", "--uuid", UUID2], "POST", f"/segmentation/changes/{UUID2}/fetch",
         "changeNotFound", "Change not found."),
    ],
)  # fmt: skip
def test_reason_table(cli, api, argv, method, path, reason, message):
    expected = {"errorMessage": message, "reason": reason}
    check_api_error(cli, api, ["segmentation", *argv], method, path, 400, {"reason": reason}, expected)


def test_server_message_wins_over_reason(cli, api):
    message = "This segment belongs to a play and cannot be removed directly."
    api.delete(f"/segmentation/segments/{UUID1}").respond(
        400, json={"reason": "segmentLinkedToPlay", "errorMessage": message}
    )
    result = cli("segmentation", "segment", "remove", UUID1)
    assert result.code == 1
    assert result.json == {"errorMessage": message, "reason": "segmentLinkedToPlay", "status": 400}


def test_record_fetch_keeps_nulls(cli, api):
    api.post("/segmentation/records/fetch").respond(json={"records": [{"id": "a", "email": None}]})
    result = cli("segmentation", "record", "fetch", "--ids", "a", "--model-uuid", UUID2)
    assert result.json == {"records": [{"id": "a", "email": None}]}


def test_filter_from_file_and_sort_from_stdin(cli, api, tmp_path):
    path = tmp_path / "filter.json"
    path.write_text(F)
    route = api.post(FETCH).respond(json={"records": []})
    result = cli("segmentation", "segment", "fetch", "--filter", f"@{path}", "--model-uuid", UUID2,
                 "--sort", "-", stdin=S)  # fmt: skip
    assert result.code == 0
    assert_request(route, "POST", FETCH, body={"filter": FILTER, "modelUuid": UUID2, "sort": SORT})


def test_match_all_filter_is_sent(cli, api):
    route = api.post(FETCH).respond(json={"records": []})
    result = cli("segmentation", "segment", "fetch", "--filter", json.dumps(MATCH_ALL), "--model-uuid", UUID2)
    assert result.code == 0
    assert_request(route, "POST", FETCH, body={"filter": MATCH_ALL, "modelUuid": UUID2})


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["segment", "fetch", "--filter", '{"conjunction":"and","groups":[]}', "--model-uuid", UUID2],
         'spelled "conjonction"'),
        (["segment", "fetch", "--filter", json.dumps({"conjonction": "and", "groups": [
            {"conjunction": "or", "conditions": []}]}), "--model-uuid", UUID2], "at groups[0]"),
        (["segment", "create", "--filter", json.dumps({"conjonction": "and", "groups": [{"conjonction": "and",
            "conditions": [{"kind": "string", "columnSlug": "name", "operator": "greaterThan", "value": 3}]}]}),
          "--model-uuid", UUID2, "--name", "n"], '"greaterThan" is not an operator of a string column'),
        (["segment", "download", "--filter", F, "--model-uuid", UUID2, "--sort", '{"columnSlug":"a","kind":"asc"}'],
         "Invalid --sort: a sort is a JSON array"),
        (["segment", "fetch", "--filter", F, "--model-uuid", UUID2, "--sort", '[{"columnSlug":"a","kind":"up"}]'],
         'Invalid --sort at [0].kind: "up" is not one of: asc, desc'),
        (["segment", "update", "--uuid", UUID1, "--filter", "[]"], "Invalid --filter: a filter must be a JSON object"),
        (["segment", "update", "--uuid", UUID1], "Nothing to update: pass at least one of --filter, --name"),
        (["segment", "fetch", "--filter", "{oops", "--model-uuid", UUID2], "Invalid JSON in --filter"),
        (["segment", "fetch", "--model-uuid", UUID2], "Missing option '--filter'"),
        (["segment", "fetch", "--filter", F, "--segment-uuid", UUID1], "No such option '--segment-uuid'"),
        (["segment", "fetch", "--filter", F, "--model-uuid", UUID2, "--fetching-limit", "0"], "--fetching-limit"),
        (["segment", "fetch", "--filter", F, "--model-uuid", UUID2, "--fetching-offset", "-1"], "--fetching-offset"),
        (["segment", "create", "--filter", F, "--model-uuid", UUID2], "Missing option '--name'"),
        (["segment", "get", "abc"], "not a valid UUID"),
        (["segment", "remove"], "Missing argument"),
        (["change", "fetch", "--kinds", "added,moved", "--uuid", UUID2], "'moved' is not one of"),
        (["change", "list"], "Missing option '--segment-uuid'"),
        (["record", "fetch", "--ids", "a"], "Missing option '--model-uuid'"),
        (["play", "list"], "No such command 'play'"),
    ],
)  # fmt: skip
def test_usage_errors_send_nothing(cli, api, argv, fragment):
    check_usage_error(cli, api, ["segmentation", *argv], fragment)


# -- segment fetch --all ---------------------------------------------------------
def _pages(*sizes: int) -> list[httpx.Response]:
    start = 0
    responses = []
    for size in sizes:
        records = [{"_id": str(i)} for i in range(start, start + size)]
        responses.append(httpx.Response(200, json={"records": records, "count": 999, "columns": []}))
        start += size
    return responses


def _fetch_all(cli, *extra: str):
    return cli("segmentation", "segment", "fetch", "--filter", json.dumps(MATCH_ALL), "--model-uuid", UUID2,
               "--all", *extra)  # fmt: skip


@pytest.mark.parametrize(
    ("extra", "sizes", "offsets", "page_size"),
    [
        pytest.param((), (100, 100, 0), (0, 100, 200), 100, id="empty-last-page"),
        pytest.param(("--fetching-limit", "2"), (2, 2, 1), (0, 2, 4), 2, id="short-last-page"),
        pytest.param(("--fetching-limit", "3", "--fetching-offset", "6"), (3, 0), (6, 9), 3, id="start-offset"),
        pytest.param(("--fetching-limit", "5"), (0,), (0,), 5, id="nothing-matches"),
    ],
)  # fmt: skip
def test_fetch_all_pages(cli, api, extra, sizes, offsets, page_size):
    route = api.post(FETCH).mock(side_effect=_pages(*sizes))
    result = _fetch_all(cli, *extra)
    assert result.code == 0, result.out
    assert route.call_count == len(sizes)
    for index, offset in enumerate(offsets):
        assert body_of(route.calls[index].request) == {
            "filter": MATCH_ALL, "modelUuid": UUID2, "fetchingLimit": page_size, "fetchingOffset": offset,
        }  # fmt: skip
    expected = [{"_id": str(i)} for i in range(sum(sizes))]
    assert result.json == expected
    # One JSON array, formatted like every other output.
    assert result.out == json.dumps(expected, indent=2) + "\n"


def test_fetch_all_stops_at_the_membership_cap(cli, api):
    route = api.post(FETCH).mock(side_effect=_pages(2, 2))
    result = _fetch_all(cli, "--fetching-limit", "2", "--limit", "4", "--sort", S, "--enrich")
    assert result.code == 0
    assert route.call_count == 2  # no third request for offset 4: the cap is 4 records
    assert body_of(route.calls[1].request) == {
        "filter": MATCH_ALL, "modelUuid": UUID2, "fetchingLimit": 2, "fetchingOffset": 2, "limit": 4,
        "sort": SORT, "enrich": True,
    }  # fmt: skip
    assert [r["_id"] for r in result.json] == ["0", "1", "2", "3"]


def test_fetch_all_spools_pages_until_the_last(cli, api, capsys, monkeypatch):
    """Pages are fetched one at a time and spooled (to a temporary file past
    SPOOL_MEMORY): stdout gets the array only once the last page is in."""
    monkeypatch.setattr(output, "SPOOL_MEMORY", 16)
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(capsys.readouterr().out)
        offset = json.loads(request.content)["fetchingOffset"]
        size = 2 if offset < 4 else 0
        return httpx.Response(200, json={"records": [{"_id": offset + i} for i in range(size)]})

    api.post(FETCH).mock(side_effect=answer)
    result = _fetch_all(cli, "--fetching-limit", "2")
    assert result.code == 0
    assert seen == ["", "", ""]  # nothing on stdout while paging
    assert [r["_id"] for r in result.json] == [0, 1, 2, 3]


def test_fetch_all_error_on_first_page_is_a_clean_error(cli, api):
    api.post(FETCH).respond(400, json={"reason": "invalidFilter"})
    result = _fetch_all(cli)
    assert result.code == 1
    assert result.json == {"errorMessage": "Invalid filter.", "reason": "invalidFilter", "status": 400}


def test_fetch_all_rejects_an_answer_without_records(cli, api):
    api.post(FETCH).respond(json={"count": 3})
    result = _fetch_all(cli)
    assert result.code == 1
    assert result.json["errorMessage"] == "The API answer has no records array"


def test_segment_download_output(cli, api, tmp_path):
    url = "https://files.example.com/segment.csv?X-Amz-Signature=abc"
    api.post("/segmentation/segments/download").respond(json={"urls": [url]})
    signed = api.get("https://files.example.com/segment.csv").respond(content=b"id,name\n1,Acme\n")
    target = tmp_path / "segment.csv"
    result = cli("segmentation", "segment", "download", "--filter", F, "--model-uuid", UUID2,
                 "--output", str(target))  # fmt: skip
    assert result.code == 0, result.out
    assert result.json == {"urls": [url]}
    assert target.read_bytes() == b"id,name\n1,Acme\n"
    assert signed.calls[0].request.url.params["X-Amz-Signature"] == "abc"


def test_fetch_all_error_on_a_later_page(cli, api):
    api.post(FETCH).mock(side_effect=[*_pages(2), httpx.Response(400, json={"reason": "invalidFilter"})])
    result = _fetch_all(cli, "--fetching-limit", "2")
    assert result.code == 1
    assert result.full_json == {  # one document: the error alone, not a partial array before it
        "errorMessage": "Invalid filter.",
        "reason": "invalidFilter",
        "status": 400,
        "method": "POST",
        "path": "/v1" + FETCH,
    }
