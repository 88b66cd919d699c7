"""--all on every list command whose endpoint pages (limit/offset): the
exact request of each page, the walk (short page ends it), one streamed
JSON array, and the unchanged single call without --all."""

from __future__ import annotations

import json

import httpx
import pytest

from cargo_cli.cli.paging import Pages, iter_pages
from tests.cli.tree import leaves
from tests.helpers import UUID1, assert_request, body_of

W = UUID1

# (argv, method, path, items key, fixed query prefix (GET) or body (POST))
PAGED = [
    pytest.param(["orchestration", "run", "list", "--workflow-uuid", W], "POST", "/orchestration/runs/list",
                 "runs", {"workflowUuid": W}, id="orchestration-run-list"),
    pytest.param(["orchestration", "record", "list", "--workflow-uuid", W], "POST", "/orchestration/records/list",
                 "records", {"workflowUuid": W}, id="orchestration-record-list"),
    pytest.param(["orchestration", "batch", "list"], "GET", "/orchestration/batches/list",
                 "batches", "", id="orchestration-batch-list"),
    pytest.param(["orchestration", "release", "list", "--workflow-uuid", W], "GET", "/orchestration/releases/list",
                 "releases", f"workflowUuid={W}&", id="orchestration-release-list"),
    pytest.param(["ai", "release", "list", "--agent-uuid", W], "GET", "/ai/releases/list",
                 "releases", f"agentUuid={W}&", id="ai-release-list"),
    pytest.param(["ai", "chat", "list", "--agent-uuid", W], "GET", "/ai/chats/list",
                 "chats", f"agentUuid={W}&", id="ai-chat-list"),
    pytest.param(["ai", "message", "list", "--chat-uuid", W], "GET", "/ai/messages/list",
                 "messages", f"chatUuid={W}&", id="ai-message-list"),
    pytest.param(["ai", "document", "list", "--uuid", W], "GET", "/ai/documents/list",
                 "documents", f"uuid={W}&", id="ai-document-list"),
    pytest.param(["segmentation", "change", "list", "--segment-uuid", W], "GET", "/segmentation/changes/list",
                 "changes", f"segmentUuid={W}&", id="segmentation-change-list"),
    pytest.param(["segmentation", "change", "fetch", "--uuid", W, "--kinds", "added"], "POST",
                 f"/segmentation/changes/{W}/fetch", "records", {"kinds": ["added"]},
                 id="segmentation-change-fetch"),
    pytest.param(["storage", "record", "list", "--model-uuid", W], "POST", "/storage/records/list",
                 "records", {"modelUuid": W}, id="storage-record-list"),
    pytest.param(["expression", "recipe", "list", "--tab", "user"], "GET", "/expression/recipes/list",
                 "recipes", "tab=user&", id="expression-recipe-list"),
    pytest.param(["system-of-record", "log", "list", "--query", "sync"], "GET",
                 "/systemOfRecordIntegration/logs/list", "logs", "query=sync&", id="system-of-record-log-list"),
    pytest.param(["system-of-record", "client", "fetch", "--query", "select 1"], "POST",
                 "/systemOfRecordIntegration/clients/fetch", "records", {"query": "select 1"},
                 id="system-of-record-client-fetch"),
    pytest.param(["observability", "event", "list", W], "POST", "/observability/events/list",
                 "events", {"alertUuid": W}, id="observability-event-list"),
    pytest.param(["hosting", "deployment", "list", "--app-uuid", W], "POST", "/hosting/deployments/list",
                 "deployments", {"appUuid": W}, id="hosting-deployment-list"),
]  # fmt: skip


def items(key: str, start: int, count: int) -> dict:
    return {key: [{"id": f"{key}-{n}"} for n in range(start, start + count)]}


def check_page(route, method: str, path: str, fixed, index: int, limit: int, offset: int) -> None:
    if method == "GET":
        assert_request(
            route, "GET", path, query=f"{fixed}limit={limit}&offset={offset}", body=None, index=index
        )
    else:
        assert_request(route, "POST", path, body={**fixed, "limit": limit, "offset": offset}, index=index)


@pytest.mark.parametrize(("argv", "method", "path", "key", "fixed"), PAGED)
def test_all_walks_every_page_and_prints_one_array(cli, api, argv, method, path, key, fixed):
    route = api.route(method=method, path=path).mock(
        side_effect=[
            httpx.Response(200, json=items(key, 0, 100)),
            httpx.Response(200, json=items(key, 100, 100)),
            httpx.Response(200, json=items(key, 200, 7)),
        ]
    )
    result = cli(*argv, "--all")
    assert result.code == 0, result.out
    assert result.json == [{"id": f"{key}-{n}"} for n in range(207)]
    assert result.out == json.dumps(result.json, indent=2) + "\n"  # byte for byte like a plain list
    assert route.call_count == 3
    for index, offset in enumerate((0, 100, 200)):
        check_page(route, method, path, fixed, index, 100, offset)


@pytest.mark.parametrize(("argv", "method", "path", "key", "fixed"), PAGED)
def test_without_all_one_call_and_the_answer_unchanged(cli, api, argv, method, path, key, fixed):
    answer = {**items(key, 0, 2), "count": 9}
    route = api.route(method=method, path=path).respond(json=answer)
    result = cli(*argv)
    assert result.code == 0, result.out
    assert result.json == answer
    assert route.call_count == 1
    if method == "GET":
        assert "offset" not in route.calls[0].request.url.query.decode()
    else:
        assert body_of(route.calls[0].request) == fixed


@pytest.mark.parametrize(("argv", "method", "path", "key", "fixed"), PAGED)
def test_empty_first_page_prints_an_empty_array(cli, api, argv, method, path, key, fixed):
    route = api.route(method=method, path=path).respond(json={key: []})
    result = cli(*argv, "--all")
    assert result.code == 0
    assert result.out == "[]\n"
    assert route.call_count == 1


def test_limit_is_the_page_size_and_offset_the_start(cli, api):
    route = api.get("/ai/chats/list").mock(
        side_effect=[
            httpx.Response(200, json=items("chats", 5, 2)),
            httpx.Response(200, json=items("chats", 7, 1)),
        ]
    )
    result = cli("ai", "chat", "list", "--limit", "2", "--offset", "5", "--all")
    assert result.code == 0, result.out
    assert [c["id"] for c in result.json] == ["chats-5", "chats-6", "chats-7"]
    assert_request(route, "GET", "/ai/chats/list", query="limit=2&offset=5", index=0)
    assert_request(route, "GET", "/ai/chats/list", query="limit=2&offset=7", index=1)


def test_an_error_on_the_first_page_is_a_clean_error(cli, api):
    api.post("/orchestration/runs/list").respond(400, json={"errorMessage": "Invalid request"})
    result = cli("orchestration", "run", "list", "--workflow-uuid", W, "--all")
    assert result.code == 1
    assert result.json == {"errorMessage": "Invalid request", "status": 400}


def test_an_answer_without_the_array_is_an_error(cli, api):
    api.get("/orchestration/batches/list").respond(json={"unexpected": True})
    result = cli("orchestration", "batch", "list", "--all")
    assert result.code == 1
    assert result.json["errorMessage"] == "The API answer has no batches array"


def test_iter_pages_is_lazy_one_page_at_a_time():
    calls: list[dict] = []

    def call(endpoint: str, payload: dict) -> dict:
        calls.append(payload)
        return items("x", payload["offset"], 2)

    pages = iter_pages(call, "e", {"limit": 2}, Pages("x"))
    assert [next(pages) for _ in range(3)] == [{"id": "x-0"}, {"id": "x-1"}, {"id": "x-2"}]
    assert calls == [{"limit": 2, "offset": 0}, {"limit": 2, "offset": 2}]  # no page fetched ahead


def test_iter_pages_stops_at_the_cap():
    calls: list[dict] = []

    def call(endpoint: str, payload: dict) -> dict:
        calls.append(payload)
        return items("r", payload["o"], payload["l"])

    got = list(iter_pages(call, "e", {"cap": 5, "l": 2}, Pages("r", "l", "o", cap_field="cap")))
    assert len(got) == 6  # the last full page is not trimmed: the API caps it
    assert [c["o"] for c in calls] == [0, 2, 4]


def test_every_paging_list_command_has_all():
    with_all = {
        path
        for path, command, _ in leaves()
        if any("--all" in getattr(p, "opts", ()) for p in command.params)
    }
    assert with_all == {" ".join(p.values[0][:3]) for p in PAGED} | {"segmentation segment fetch"}


# -- --ndjson ------------------------------------------------------------------
@pytest.mark.parametrize(("argv", "method", "path", "key", "fixed"), PAGED)
def test_ndjson_prints_one_record_per_line(cli, api, argv, method, path, key, fixed):
    api.route(method=method, path=path).mock(
        side_effect=[
            httpx.Response(200, json=items(key, 0, 100)),
            httpx.Response(200, json=items(key, 100, 3)),
        ]
    )
    result = cli(*argv, "--all", "--ndjson")
    assert result.code == 0, result.out
    lines = result.out.splitlines()
    assert len(lines) == 103
    assert [json.loads(line) for line in lines] == items(key, 0, 103)[key]
    assert lines[0] == json.dumps({"id": f"{key}-0"}, separators=(",", ":"))


def test_ndjson_a_failing_later_page_leaves_the_records(cli, api):
    api.post("/orchestration/runs/list").mock(
        side_effect=[
            httpx.Response(200, json=items("runs", 0, 2)),
            httpx.Response(500, json={"errorMessage": "boom"}),
            httpx.Response(500, json={"errorMessage": "boom"}),
            httpx.Response(500, json={"errorMessage": "boom"}),
        ]
    )
    result = cli("orchestration", "run", "list", "--workflow-uuid", W, "--all", "--limit", "2", "--ndjson")
    assert result.code == 1
    lines = result.out.splitlines()
    assert [json.loads(line) for line in lines[:2]] == items("runs", 0, 2)["runs"]
    assert len(lines) == 3  # the error object is one more line
    error = json.loads(lines[2])
    assert error["errorMessage"] == "boom" and error["recordsPrinted"] == 2


def test_ndjson_streams_each_page_as_it_arrives(cli, api, capsys):
    """The first page's lines are on stdout before the second page is asked for."""
    seen_before_second: list[str] = []

    def second_page(request):
        seen_before_second.append(capsys.readouterr().out)
        return httpx.Response(200, json=items("runs", 2, 1))

    api.post("/orchestration/runs/list").mock(
        side_effect=[httpx.Response(200, json=items("runs", 0, 2)), second_page]
    )
    result = cli("orchestration", "run", "list", "--workflow-uuid", W, "--all", "--limit", "2", "--ndjson")
    assert result.code == 0
    assert len(seen_before_second[0].splitlines()) == 2
    assert len(result.out.splitlines()) == 1  # the rest, after


def test_ndjson_with_jq_filters_each_record(cli, api):
    api.post("/orchestration/runs/list").respond(json=items("runs", 0, 3))
    result = cli("orchestration", "run", "list", "--workflow-uuid", W, "--all", "--ndjson", "--jq", ".id")
    assert result.out == "runs-0\nruns-1\nruns-2\n"


def test_ndjson_needs_all(cli, api):
    route = api.post("/orchestration/runs/list").respond(json=items("runs", 0, 3))
    result = cli("orchestration", "run", "list", "--workflow-uuid", W, "--ndjson")
    assert result.code == 2 and "--ndjson needs --all" in result.json["errorMessage"]
    assert not route.called


def test_every_paging_command_has_ndjson():
    for path, command, _ctx in leaves():
        names = {opt for param in command.params for opt in getattr(param, "opts", ())}
        assert ("--all" in names) == ("--ndjson" in names), path
