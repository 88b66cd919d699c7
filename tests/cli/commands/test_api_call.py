"""``cargo-ai api``: every call of the endpoint table by name, raw requests
under /v1, --list, and the usage errors that send nothing.

The walk over all 306 calls checks each request against the request the
vendor client was observed to send (``observedRequest`` in spec/api.json),
not against our own endpoint table."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from tests.helpers import TOKEN, UUID1, UUID2, WORKSPACE, assert_request, body_of

SPEC = json.loads((Path(__file__).resolve().parents[3] / "spec" / "api.json").read_text())
PLACEHOLDER = re.compile(r"\{(\w+)\}")
ENCODED_VALUE = "id with/slash:1"  # a path value encodeURIComponent must escape


def _value(field: str) -> str:
    return f"v-{field}"


def _expected(entry: dict) -> tuple[dict, str, str, object]:
    """From the observed request: the payload to send, and the exact raw path,
    query and JSON body it must produce."""
    observed = entry["observedRequest"]
    url = observed["url"].removeprefix("<baseUrl>")
    path, _, query = url.partition("?")
    payload: dict = {}
    for param in entry["pathParams"]:
        field = param["placeholder"]
        value = ENCODED_VALUE if param["encodeURIComponent"] else _value(field)
        payload[field] = value
        path = path.replace(
            "{" + field + "}", quote(value, safe="-_.!~*'()") if param["encodeURIComponent"] else value
        )
    for field in PLACEHOLDER.findall(query):
        payload[field] = _value(field)
    query = PLACEHOLDER.sub(lambda m: _value(m.group(1)), query)
    body = None
    raw_body = observed["body"]
    if raw_body and raw_body.startswith("{"):
        body = {}
        for key, template in json.loads(raw_body).items():
            field = template[1:-1]
            payload[field] = _value(field)
            body[key] = _value(field)
    return payload, path, query, body


@pytest.mark.parametrize("entry", SPEC, ids=lambda e: e["id"])
def test_every_call_of_the_table_sends_the_observed_request(cli, api, tmp_path, entry):
    route = api.route().respond(json={"called": entry["id"]})
    observed = entry["observedRequest"]
    payload, path, query, body = _expected(entry)
    if entry["transport"] == "upload":
        upload = tmp_path / "data.csv"
        upload.write_text("a,b\n1,2\n")
        parts = [p["name"] for p in entry["body"]["parts"] if p["name"] != "file"]
        argv = ["-F", f"file=@{upload}", *[arg for name in parts for arg in ("-f", f"{name}={_value(name)}")]]
        result = cli("api", entry["id"], *argv)
    else:
        result = cli("api", entry["id"], "--data", json.dumps(payload))
    assert result.code == 0, result.out
    assert result.json == {"called": entry["id"]}
    assert route.call_count == 1
    request = route.calls[0].request
    assert request.method == observed["http"]
    assert request.url.raw_path.decode() == path + (f"?{query}" if query else "")
    assert request.url.host == "api.getcargo.io"
    headers = request.headers
    assert headers["authorization"] == f"Bearer {TOKEN}"
    assert ("selected-workspace-uuid" in headers) == ("selected-workspace-uuid" in observed["headers"])
    if "selected-workspace-uuid" in headers:
        assert headers["selected-workspace-uuid"] == WORKSPACE
    assert headers["x-cargo-origin"] == "cli"
    if entry["transport"] == "upload":
        assert headers["content-type"].startswith("multipart/form-data; boundary=")
        content = request.content
        assert b'name="file"; filename="data.csv"' in content and b"a,b\n1,2\n" in content
        for name in parts:
            assert f'name="{name}"\r\n\r\n{_value(name)}\r\n'.encode() in content
    elif body is None:
        assert request.content == b""
        assert "content-type" not in headers
    else:
        assert headers["content-type"] == "application/json"
        assert body_of(request) == body


def test_the_walk_covers_the_whole_table():
    from cargo_cli.cli.commands.api_call import endpoint_names

    assert len(SPEC) == 306
    assert sorted(e["id"] for e in SPEC) == endpoint_names()


# -- fields -------------------------------------------------------------------------


def test_raw_and_typed_fields(cli, api, tmp_path):
    note = tmp_path / "note.txt"
    note.write_text("from a file\n")
    route = api.post("/orchestration/runs/list").respond(json={"runs": [], "count": 0})
    result = cli(
        "api", "orchestration.run.list",
        "-f", "workflowUuid=" + UUID1, "-F", "limit=10", "-F", "offset=2.5", "-F", "isFinished=true",
        "-F", "isGroupParent=false", "-F", "recordId=null", "-f", "recordTitle=10",
        "-F", "recordTitleOrId=@" + str(note), "-f", "statuses[]=error", "-f", "statuses[]=success",
        "-f", "executionsFilter[conjonction]=and", "-F", "executionsFilter[groups][]=1",
    )  # fmt: skip
    assert result.code == 0, result.out
    assert result.json == {"runs": [], "count": 0}
    assert_request(route, "POST", "/orchestration/runs/list", query="", body={
        "workflowUuid": UUID1, "limit": 10, "offset": 2.5, "isFinished": True, "isGroupParent": False,
        "recordId": None, "recordTitle": "10", "recordTitleOrId": "from a file\n",
        "statuses": ["error", "success"], "executionsFilter": {"conjonction": "and", "groups": [1]},
    })  # fmt: skip


@pytest.mark.parametrize(
    ("raw", "typed"),
    [("true", True), ("false", False), ("null", None), ("0", 0), ("-12", -12), ("1.5", 1.5), ("1e3", 1000.0),
     ("1e400", "1e400"), ("007", "007"), ("True", "True"), ("1.", "1."), ("abc", "abc"), ("", ""), ("@", "@")],
)  # fmt: skip
def test_typed_field_values(cli, api, raw, typed):
    route = api.post("/orchestration/runs/list").respond(json={})
    assert cli("api", "orchestration.run.list", "-F", f"recordId={raw}").code == 0
    assert body_of(route.calls[-1].request) == {"recordId": typed}
    assert cli("api", "orchestration.run.list", "-f", f"recordId={raw}").code == 0
    assert body_of(route.calls[-1].request) == {"recordId": raw}


def test_fields_override_data_and_data_reads_file_and_stdin(cli, api, tmp_path):
    route = api.post("/orchestration/runs/list").respond(json={})
    data = tmp_path / "payload.json"
    data.write_text(json.dumps({"limit": 5, "workflowUuid": UUID1}))
    assert cli("api", "orchestration.run.list", "--data", f"@{data}", "-F", "limit=7").code == 0
    assert body_of(route.calls[-1].request) == {"limit": 7, "workflowUuid": UUID1}
    assert cli("api", "orchestration.run.list", "--data", "-", stdin='{"offset": 3}').code == 0
    assert body_of(route.calls[-1].request) == {"offset": 3}
    assert cli("api", "orchestration.run.list", "-F", "recordId=@-", stdin="from stdin").code == 0
    assert body_of(route.calls[-1].request) == {"recordId": "from stdin"}


def test_query_placement_and_serialization_come_from_the_table(cli, api):
    route = api.get("/orchestration/batches/list").respond(json={"batches": []})
    result = cli(
        "api", "orchestration.batch.list", "-f", "statuses[]=running", "-f", "statuses[]=a b:c,d",
        "-f", f"workflowUuids[]={UUID1}", "-F", "hasRuns=true", "-F", "limit=20",
    )  # fmt: skip
    assert result.code == 0, result.out
    assert_request(
        route, "GET", "/orchestration/batches/list", body=None,
        query=f"statuses%5B%5D=running&statuses%5B%5D=a+b:c,d&workflowUuids%5B%5D={UUID1}&hasRuns=true&limit=20",
    )  # fmt: skip


def test_forwarding_call_sends_unknown_fields(cli, api):
    route = api.post("/orchestration/runs/list").respond(json={})
    assert cli("api", "orchestration.run.list", "-f", "futureField=x").code == 0
    assert body_of(request_last(route)) == {"futureField": "x"}


def request_last(route) -> httpx.Request:
    return route.calls[-1].request


def test_plain_text_answer_is_printed_verbatim(cli, api):
    api.get(f"/content/files/{UUID1}/raw").respond(
        text="hello\nworld", headers={"content-type": "text/plain"}
    )
    result = cli("api", "content.file.readBytes", "-f", f"uuid={UUID1}")
    assert result.code == 0
    assert result.out == "hello\nworld\n"


def test_empty_answer_prints_an_empty_object(cli, api):
    api.delete(f"/ai/agents/{UUID1}").respond(204)
    result = cli("api", "ai.agent.remove", "-f", f"uuid={UUID1}")
    assert result.code == 0
    assert result.json == {}


# -- raw requests ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "method", "path", "query", "body"),
    [
        (["GET", f"/v1/orchestration/runs/{UUID1}"], "GET", f"/orchestration/runs/{UUID1}", "", None),
        (["get", "/v1/orchestration/runs/list", "-F", "limit=2", "-f", "ids[]=a"], "GET",
         "/orchestration/runs/list", "ids%5B%5D=a&limit=2", None),  # -f fields, then -F
        (["POST", "/v1/orchestration/runs/list", "--data", '{"limit": 1}', "-f", "x=y"], "POST",
         "/orchestration/runs/list", "", {"limit": 1, "x": "y"}),
        (["POST", "/v1/storage/records/upsert", "--data", "[1, 2]"], "POST", "/storage/records/upsert", "", [1, 2]),
        (["PUT", f"/v1/ai/agents/{UUID1}", "-f", "name=A"], "PUT", f"/ai/agents/{UUID1}", "", {"name": "A"}),
        (["PATCH", f"/v1/hosting/env-vars/{UUID1}", "-F", "isSecret=true"], "PATCH", f"/hosting/env-vars/{UUID1}",
         "", {"isSecret": True}),
        (["DELETE", "/v1/storage/columns", "-f", "columnSlug=c"], "DELETE", "/storage/columns", "",
         {"columnSlug": "c"}),
        (["DELETE", f"/v1/ai/agents/{UUID1}"], "DELETE", f"/ai/agents/{UUID1}", "", None),
        (["POST", "/v1/orchestration/runs/cancel"], "POST", "/orchestration/runs/cancel", "", None),
        (["GET", "/v1/some/future/endpoint/"], "GET", "/some/future/endpoint/", "", None),
        (["GET", "/v1/connection/integrations/my%20slug"], "GET", "/connection/integrations/my slug", "", None),
    ],
    ids=["get", "get-query", "post-data-and-field", "post-array", "put", "patch", "delete-body", "delete",
         "post-empty", "future-path", "encoded-space"],
)  # fmt: skip
def test_raw_requests(cli, api, argv, method, path, query, body):
    route = api.route(method=method, path=path).respond(json={"ok": True})
    result = cli("api", *argv)
    assert result.code == 0, result.out
    assert result.json == {"ok": True}
    assert_request(route, method, path, query=query, body=body)
    request = route.calls[0].request
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["selected-workspace-uuid"] == WORKSPACE


@pytest.mark.parametrize(
    "path",
    [
        "/v1/../admin", "/v1/a/../../x", "/v1/%2e%2e/x", "/v1/a/%2E%2E/b", "/v1/./x", "/v1//x", "/v1/a%2F%2Fb",
        "https://evil.example/v1/x", "//evil.example/v1/x", "http://api.getcargo.io/v1/x", "/v2/x", "/x/v1/y",
        "/v1", "/v1/", "v1/x", "/v1/x?limit=1", "/v1/x#frag", "/v1/a b", "/v1/a%0d%0aX:y", "/v1/a\\b", "/v1/a%00b", "/v1/a\tb",
        "/v1/a%5c..%5cb",
    ],
)  # fmt: skip
def test_raw_paths_must_stay_under_v1(cli, api, path):
    route = api.route()
    result = cli("api", "GET", path)
    assert result.code == 2, result.out
    assert result.json["errorMessage"].startswith(f"Invalid API path {path!r}")
    assert not route.called


def test_raw_request_retries_and_errors_like_every_command(cli, api, clock):
    route = api.get("/orchestration/runs/list").mock(
        side_effect=[httpx.Response(503), httpx.Response(404, json={"errorMessage": "Nope", "reason": "x"})]
    )
    result = cli("api", "GET", "/v1/orchestration/runs/list")
    assert result.code == 1
    assert result.json == {"errorMessage": "Nope", "reason": "x", "status": 404}
    assert route.call_count == 2
    assert len(clock.sleeps) == 1


def test_raw_post_is_not_retried_after_the_server_answered(cli, api):
    route = api.post("/orchestration/runs/create").respond(503)
    result = cli("api", "POST", "/v1/orchestration/runs/create", "-f", "a=b")
    assert result.code == 1
    assert result.json == {"errorMessage": "Server error", "status": 503}
    assert route.call_count == 1


# -- named calls: errors ---------------------------------------------------------------------


def test_named_call_uses_the_reason_table_and_retries_reads(cli, api, clock):
    route = api.get(f"/ai/agents/{UUID1}").mock(
        side_effect=[httpx.Response(502), httpx.Response(401, json={})]
    )
    result = cli("api", "ai.agent.get", "-f", f"uuid={UUID1}")
    assert result.code == 1
    assert result.json == {"errorMessage": "Not authorized", "status": 401}
    assert route.call_count == 2
    removed = api.delete(f"/ai/agents/{UUID2}").respond(404, json={"reason": "agentNotFound"})
    result = cli("api", "ai.agent.remove", "-f", f"uuid={UUID2}")
    assert result.json == {"errorMessage": "Agent not found", "reason": "agentNotFound", "status": 404}
    assert removed.call_count == 1


def test_not_logged_in(cli, api, monkeypatch):
    monkeypatch.delenv("CARGO_API_TOKEN")
    route = api.route()
    result = cli("api", "ai.agent.all")
    assert result.code == 1
    assert result.json["errorMessage"].startswith("Not logged in")
    assert not route.called


def test_token_never_printed_in_debug(cli, api):
    api.get("/ai/agents/list").respond(json={"agents": []})
    result = cli("api", "ai.agent.all", "--debug")
    assert result.code == 0
    assert "authorization" in result.err and TOKEN not in result.err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["orchestration.run.gt"], "Unknown API call 'orchestration.run.gt'. Did you mean orchestration.run.get, "),
        (["Orchestration.Run.Get"], "Unknown API call 'Orchestration.Run.Get'. Did you mean orchestration.run.get?"),
        (["nothing.like.this"], "Unknown API call 'nothing.like.this'. (see `cargo-ai api --list`)"),
        (["orchestration.run.get"], "orchestration.run.get needs the path parameter(s) uuid: pass -f uuid=<value>"),
        (["orchestration.run.get", "-f", "uuid="], "orchestration.run.get needs the path parameter(s) uuid"),
        (["orchestration.run.get", "-f", f"uuid={UUID1}", "-f", "limit=1"],
         "orchestration.run.get does not take limit (it takes: uuid)"),
        (["ai.agent.all", "-f", "x=1"], "ai.agent.all does not take x (it takes: no fields)"),
        (["orchestration.run.list", "--data", "[1]"], "--data must be a JSON object (the call's payload)"),
        (["orchestration.run.list", "--data", "1"], "--data must be a JSON object"),
        (["orchestration.run.list", "--data", "{"], "Invalid JSON in --data"),
        (["orchestration.run.list", "-f", "novalue"], "Invalid -f 'novalue': expected key=value"),
        (["orchestration.run.list", "-F", "=1"], "Invalid -F '=1': expected key=value"),
        (["orchestration.run.list", "-f", "a[]b=1"], "Invalid field name 'a[]b' in -f"),
        (["orchestration.run.list", "-f", "a[][b]=1"], "Invalid field name 'a[][b]' in -f: [] may only come last"),
        (["orchestration.run.list", "-f", "a=1", "-f", "a[b]=2"], "Field 'a[b]' in -f conflicts"),
        (["orchestration.run.list", "-F", "recordId=@/no/such/file"], "Invalid value"),
        (["orchestration.run.list", "/v1/x"], "Unexpected '/v1/x': a named call takes its fields"),
        (["content.file.upload"], "content.file.upload uploads a file: pass -F file=@path/to/file"),
        (["content.file.upload", "-f", "file=x.csv"], "content.file.upload uploads a file"),
        (["content.file.upload", "-F", "file=@/no/such.csv"], "File not found: /no/such.csv"),
        (["GET"], "Give the path of the GET request"),
        (["/v1/orchestration/runs/list"], "Give the HTTP method first: `cargo-ai api GET /v1/orchestration/runs/list`"),
        (["GET", "/v1/x", "--data", "[1]"], "A GET request takes its query as a JSON object"),
        (["POST", "/v1/x", "--data", "[1]", "-f", "a=b"], "-f/-F fields need --data to be a JSON object"),
        ([], "Give an API call"),
        (["--list", "run", "-f", "a=b"], "--list takes one optional filter and nothing else"),
    ],
)  # fmt: skip
def test_usage_errors_send_nothing(cli, api, argv, message):
    route = api.route()
    result = cli("api", *argv)
    assert result.code == 2, result.out
    assert result.json["errorMessage"].startswith(message), result.json["errorMessage"]
    assert not route.called


# -- --list ---------------------------------------------------------------------------------


def test_list_prints_every_call_with_method_and_path(cli, api):
    route = api.route()
    result = cli("api", "--list")
    assert result.code == 0
    calls = result.json
    assert len(calls) == 306
    assert [c["name"] for c in calls] == sorted(e["id"] for e in SPEC)
    by_name = {c["name"]: c for c in calls}
    assert by_name["orchestration.run.get"] == {
        "name": "orchestration.run.get", "method": "GET", "path": "/v1/orchestration/runs/{uuid}",
        "pathParams": ["uuid"],
    }  # fmt: skip
    for entry in SPEC:
        listed = by_name[entry["id"]]
        assert listed["method"] == entry["http"].upper()
        assert listed["path"] == entry["observedRequest"]["url"].removeprefix("<baseUrl>").partition("?")[0]
    assert not route.called


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("observability.alert", ["observability.alert.create", "observability.alert.get", "observability.alert.list",
                                 "observability.alert.preview", "observability.alert.remove",
                                 "observability.alert.update"]),
        ("ENV-VARS", ["hosting.envVars.create", "hosting.envVars.list", "hosting.envVars.remove",
                      "hosting.envVars.update"]),  # matches the path too, case-insensitively
        ("no-such-thing", []),
    ],
)  # fmt: skip
def test_list_filter(cli, pattern, expected):
    result = cli("api", "--list", pattern)
    assert result.code == 0
    assert [c["name"] for c in result.json] == expected
