"""storage dataset / model / column / relationship / record / query commands."""

from __future__ import annotations

import json

import httpx
import pytest

from cargo_cli.errors import describe_status
from tests.helpers import UUID1, UUID2, assert_request, check_api_error, check_usage_error, table_tests

DATASET = "44444444-4444-4444-8444-444444444444"
COLUMN = {"slug": "website_url", "type": "string", "label": "Website URL", "kind": "custom"}
REL = {
    "fromModelUuid": UUID1, "fromColumnSlug": "account_id", "toModelUuid": UUID2, "toColumnSlug": "id",
    "relation": "manyToOne", "fromPropertySlug": None, "toPropertySlug": None,
    "fromSelectedColumnSlugs": None, "toSelectedColumnSlugs": None,
}  # fmt: skip
SQL = "SELECT name, domain FROM default.companies LIMIT 10"

# (argv, method, path, query, body, response)
CASES = [
    pytest.param(["dataset", "list"], "GET", "/storage/datasets/list", "", None,
                 {"datasets": [{"uuid": DATASET, "slug": "default", "kind": "native"}]}, id="dataset-list"),
    pytest.param(["dataset", "get", DATASET], "GET", f"/storage/datasets/{DATASET}", "", None,
                 {"dataset": {"uuid": DATASET}}, id="dataset-get"),
    pytest.param(["model", "list"], "GET", "/storage/models/list", "", None,
                 {"models": [{"uuid": UUID1, "datasetUuid": DATASET}]}, id="model-list"),
    pytest.param(["model", "get", UUID1], "GET", f"/storage/models/{UUID1}", "", None,
                 {"model": {"uuid": UUID1, "columns": []}}, id="model-get"),
    pytest.param(
        ["model", "create", "--config", '{"fields":[]}', "--dataset-uuid", DATASET, "--extractor-slug",
         "listenHook", "--name", "Inbound Leads", "--slug", "inbound_leads"],
        "POST", "/storage/models", "",
        {"config": {"fields": []}, "datasetUuid": DATASET, "extractorSlug": "listenHook",
         "name": "Inbound Leads", "slug": "inbound_leads"},
        {"model": {"uuid": UUID1}}, id="model-create",
    ),
    pytest.param(["model", "update", "--uuid", UUID1, "--name", "Qualified Prospects"], "PUT",
                 f"/storage/models/{UUID1}", "", {"name": "Qualified Prospects"}, {"model": {"uuid": UUID1}},
                 id="model-update"),
    pytest.param(["model", "remove", UUID1], "DELETE", f"/storage/models/{UUID1}", "", {}, {},
                 id="model-remove"),
    pytest.param(["model", "refresh", UUID1], "POST", f"/storage/models/{UUID1}/refresh", "", None,
                 {"model": {"uuid": UUID1}, "isRefreshing": True}, id="model-refresh"),
    pytest.param(["model", "get-ddl", UUID1], "GET", f"/storage/models/{UUID1}/ddl", "", None,
                 {"ddl": "CREATE TABLE default.companies (...)", "language": "sql"}, id="model-get-ddl"),
    pytest.param(["column", "list", "--model-uuid", UUID1], "GET", "/storage/columns/list",
                 f"modelUuid={UUID1}", None, {"columns": ["name", "domain"]}, id="column-list"),
    pytest.param(["column", "create", "--column", json.dumps(COLUMN), "--model-uuid", UUID1], "POST",
                 "/storage/columns", "", {"column": COLUMN, "modelUuid": UUID1}, {}, id="column-create"),
    pytest.param(["column", "update", "--column", json.dumps(COLUMN), "--model-uuid", UUID1], "PUT",
                 "/storage/columns", "", {"column": COLUMN, "modelUuid": UUID1}, {}, id="column-update"),
    pytest.param(["column", "remove", "--column-slug", "website_url", "--model-uuid", UUID1], "DELETE",
                 "/storage/columns", "", {"columnSlug": "website_url", "modelUuid": UUID1}, {},
                 id="column-remove"),
    pytest.param(["column", "reorder", "--column-slug", "website_url", "--model-uuid", UUID1, "--to-index", "2"],
                 "PUT", "/storage/columns/reorder", "",
                 {"columnSlug": "website_url", "modelUuid": UUID1, "toIndex": 2}, {}, id="column-reorder"),
    pytest.param(["relationship", "list"], "GET", "/storage/relationships/list", "", None,
                 {"relationships": [{"uuid": "r1", **REL}]}, id="relationship-list"),
    pytest.param(
        ["relationship", "set", "--dataset-uuid", DATASET, "--from-model-uuid", UUID1, "--to-model-uuid", UUID2,
         "--from-column-slug", "account_id", "--to-column-slug", "id", "--relation", "manyToOne"],
        "POST", "/storage/relationships", "", {"datasetUuid": DATASET, "relationships": [REL]},
        {"relationships": [{"uuid": "r1", **REL}]}, id="relationship-set-flags",
    ),
    pytest.param(["record", "list", "--model-uuid", UUID1], "POST", "/storage/records/list", "",
                 {"modelUuid": UUID1}, {"records": [{"_id": "1"}], "isRefreshing": False}, id="record-list"),
    pytest.param(["record", "create", "--model-uuid", UUID1, "--data", '{"id":"acc-1","name":"Acme"}'], "POST",
                 "/storage/records/create", "", {"modelUuid": UUID1, "data": {"id": "acc-1", "name": "Acme"}},
                 {"record": {"id": "acc-1"}}, id="record-create"),
    pytest.param(
        ["record", "create-bulk", "--model-uuid", UUID1, "--records",
         '[{"data":{"id":"acc-1"}},{"data":{"id":"acc-2","amount":38000}}]'],
        "POST", "/storage/records/createBulk", "",
        {"modelUuid": UUID1, "records": [{"data": {"id": "acc-1"}}, {"data": {"id": "acc-2", "amount": 38000}}]},
        {"records": [{"id": "acc-1"}, {"id": "acc-2"}]}, id="record-create-bulk",
    ),
    pytest.param(["query", "execute", SQL], "POST", "/storage/query", "", {"query": SQL},
                 {"rows": [{"name": "Acme", "domain": "acme.com"}], "isRefreshing": False}, id="query-execute"),
    pytest.param(["query", "download", "--query", SQL, "--format", "parquet"], "POST", "/storage/query/download",
                 "", {"query": SQL, "format": "parquet"}, {"urls": ["https://files.example.com/q.parquet"],
                 "isRefreshing": False}, id="query-download"),
]  # fmt: skip


CASE_FIELDS = ("argv", "method", "path", "query", "body", "response")


# -- table runners (shared with test_segmentation.py) ----------------------------
test_request_and_output = table_tests("storage", CASES)


@pytest.mark.parametrize(
    ("argv", "method", "path", "reason", "message"),
    [
        (["model", "get", UUID1], "GET", f"/storage/models/{UUID1}", "modelNotFound", "Model not found."),
        (["model", "remove", UUID1], "DELETE", f"/storage/models/{UUID1}", "hasSegments",
         "Model has related segments."),
        (["model", "refresh", UUID1], "POST", f"/storage/models/{UUID1}/refresh", "alreadySyncing",
         "Already syncing."),
        (["model", "get-ddl", UUID1], "GET", f"/storage/models/{UUID1}/ddl", "clientNotFound",
         "Client not found."),
        (["model", "create", "--slug", "x"], "POST", "/storage/models", "duplicateSlug", "Slug is already used."),
        (["column", "create", "--column", json.dumps(COLUMN), "--model-uuid", UUID1], "POST", "/storage/columns",
         "duplicateSlug", "Column slug is already used."),
        (["column", "reorder", "--column-slug", "a", "--model-uuid", UUID1, "--to-index", "99"], "PUT",
         "/storage/columns/reorder", "invalidIndex", "Invalid index."),
        (["relationship", "set", "--relationships", "[]", "--dataset-uuid", DATASET], "POST",
         "/storage/relationships", "invalidRelationships", "Invalid relationships."),
        (["record", "create-bulk", "--model-uuid", UUID1, "--records", '[{"data":{}}]'], "POST",
         "/storage/records/createBulk", "notEnoughCredits", "Not enough credits."),
        (["query", "execute", SQL], "POST", "/storage/query", "clientNotFound",
         "System of record client not found."),
        (["query", "download", "--query", SQL], "POST", "/storage/query/download", "clientNotFound",
         "System of record client not found."),
    ],
)  # fmt: skip
def test_reason_table(cli, api, argv, method, path, reason, message):
    expected = {"errorMessage": message, "reason": reason}
    check_api_error(cli, api, ["storage", *argv], method, path, 404, {"reason": reason}, expected)


def test_unknown_reason_keeps_reason(cli, api):
    api.post("/storage/query").respond(400, json={"reason": "unknown"})
    result = cli("storage", "query", "execute", SQL)
    assert result.code == 1
    assert result.json == {"errorMessage": describe_status(400), "reason": "unknown", "status": 400}


def test_remove_with_empty_answer_prints_empty_object(cli, api):
    route = api.delete(f"/storage/models/{UUID1}").respond(204)
    result = cli("storage", "model", "remove", UUID1)
    assert result.code == 0
    assert result.json == {}
    assert route.calls[0].request.headers["content-type"] == "application/json"


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["model", "list", "--dataset-uuid", UUID1], "No such option '--dataset-uuid'"),
        (["model", "get-ddl", "--model-uuid", UUID1], "No such option '--model-uuid'"),
        (["model", "get-ddl"], "Missing argument"),
        (["model", "get", "not-a-uuid"], "not a valid UUID"),
        (["model", "update", "--uuid", UUID1], "Nothing to update: pass at least one of --name"),
        (["model", "create", "--config", "[1]"], "--config must be a JSON object"),
        (["model", "create", "--config", "{bad"], "Invalid JSON in --config"),
        (["model", "refresh"], "Missing argument"),
        (["dataset", "get", "x"], "not a valid UUID"),
        (["column", "list"], "Missing option '--model-uuid'"),
        (["column", "create", "--model-uuid", UUID1, "--column", "[]"], "--column must be a JSON object"),
        (["column", "update", "--model-uuid", UUID1, "--column", '{"label":"x"}'], '--column needs a "slug"'),
        (["column", "reorder", "--column-slug", "a", "--model-uuid", UUID1, "--to-index", "-1"], "--to-index"),
        (["column", "remove", "--model-uuid", UUID1], "Missing option '--column-slug'"),
        (["relationship", "list", "--model-uuid", "nope"], "not a valid UUID"),
        (["relationship", "set"], "Nothing to set"),
        (["relationship", "set", "--from-model-uuid", UUID1, "--to-model-uuid", UUID2],
         "also needs --from-column-slug, --to-column-slug, --relation"),
        (["relationship", "set", "--relationships", "[]"], "An empty set needs --dataset-uuid"),
        (["relationship", "set", "--relationships", "{}"], "--relationships must be a JSON array"),
        (["relationship", "set", "--relationships", "[1]"], "--relationships[0] must be a JSON object"),
        (["relationship", "set", "--relation", "manyToMany"], "--relation"),
        (["relationship", "set", "--relationships", '[{"toModelUuid":"x"}]'], "Pass --dataset-uuid"),
        (["record", "create", "--model-uuid", UUID1], "Missing option '--data'"),
        (["record", "create", "--model-uuid", UUID1, "--data", "[]"], "--data must be a JSON object"),
        (["record", "create-bulk", "--model-uuid", UUID1, "--records", "{}"], "--records must be a JSON array"),
        (["record", "create-bulk", "--model-uuid", UUID1, "--records", '[{"id":"a"}]'],
         '--records[0] must be {"data": {...}}'),
        (["query", "execute"], "Missing argument"),
        (["query", "execute", "   "], "the SQL query is empty"),
        (["query", "download", "--query", SQL, "--format", "xlsx"], "--format"),
        (["query", "download"], "Missing option '--query'"),
        (["query", "execute", "@/nonexistent/q.sql"], "cannot read /nonexistent/q.sql"),
        (["table", "list"], "No such command 'table'"),
    ],
)  # fmt: skip
def test_usage_errors_send_nothing(cli, api, argv, fragment):
    check_usage_error(cli, api, ["storage", *argv], fragment)


def test_relationship_list_filters_by_model_client_side(cli, api):
    other = "55555555-5555-4555-8555-555555555555"
    rels = [
        {"uuid": "r1", "fromModelUuid": UUID1, "toModelUuid": UUID2},
        {"uuid": "r2", "fromModelUuid": other, "toModelUuid": UUID1},
        {"uuid": "r3", "fromModelUuid": UUID2, "toModelUuid": other},
    ]
    route = api.get("/storage/relationships/list").respond(json={"relationships": rels})
    result = cli("storage", "relationship", "list", "--model-uuid", UUID1)
    assert result.code == 0
    assert_request(route, "GET", "/storage/relationships/list", query="", body=None)
    assert result.json == {"relationships": rels[:2]}


def test_relationship_set_whole_set_from_listed_json_plus_one(cli, api, tmp_path):
    listed = {"uuid": "r1", "workspaceUuid": "w", "fromDatasetUuid": DATASET, "toDatasetUuid": DATASET, **REL}
    path = tmp_path / "rels.json"
    path.write_text(json.dumps([listed]))
    route = api.post("/storage/relationships").respond(json={"relationships": []})
    result = cli(
        "storage", "relationship", "set", "--relationships", f"@{path}", "--dataset-uuid", DATASET,
        "--from-model-uuid", UUID2, "--to-model-uuid", UUID1, "--from-column-slug", "id",
        "--to-column-slug", "deal_id", "--relation", "oneToMany",
    )  # fmt: skip
    assert result.code == 0, result.out
    added = {**REL, "fromModelUuid": UUID2, "toModelUuid": UUID1, "fromColumnSlug": "id",
             "toColumnSlug": "deal_id", "relation": "oneToMany"}  # fmt: skip
    assert_request(
        route, "POST", "/storage/relationships", body={"datasetUuid": DATASET, "relationships": [
            {"uuid": "r1", **REL}, added]},
    )  # fmt: skip


def test_relationship_set_empty_set_clears_the_dataset(cli, api):
    route = api.post("/storage/relationships").respond(json={"relationships": []})
    result = cli(
        "storage", "relationship", "set", "--relationships", "-", "--dataset-uuid", DATASET, stdin="[]"
    )
    assert result.code == 0
    assert_request(
        route, "POST", "/storage/relationships", body={"datasetUuid": DATASET, "relationships": []}
    )
    assert result.json == {"relationships": []}


def test_relationship_set_derives_the_dataset_from_the_from_model(cli, api):
    model = api.get(f"/storage/models/{UUID1}").respond(
        json={"model": {"uuid": UUID1, "datasetUuid": DATASET}}
    )
    route = api.post("/storage/relationships").respond(json={"relationships": [REL]})
    result = cli(
        "storage", "relationship", "set", "--from-model-uuid", UUID1, "--to-model-uuid", UUID2,
        "--from-column-slug", "account_id", "--to-column-slug", "id", "--relation", "manyToOne",
    )  # fmt: skip
    assert result.code == 0, result.out
    assert_request(model, "GET", f"/storage/models/{UUID1}", body=None)
    assert_request(
        route, "POST", "/storage/relationships", body={"datasetUuid": DATASET, "relationships": [REL]}
    )
    assert result.json == {"relationships": [REL]}


def test_relationship_set_dataset_lookup_failure(cli, api):
    api.get(f"/storage/models/{UUID1}").respond(404, json={"reason": "modelNotFound"})
    route = api.post("/storage/relationships")
    result = cli("storage", "relationship", "set", "--relationships", json.dumps([REL]))
    assert result.code == 1
    assert result.json["errorMessage"] == "Model not found."
    assert not route.called


def test_relationship_set_help_says_it_replaces(cli):
    result = cli("storage", "relationship", "set", "--help")
    assert result.code == 0
    assert "REPLACES THE WHOLE SET" in result.out


@pytest.mark.parametrize(("how", "stdin"), [("inline", None), ("file", None), ("stdin", SQL)])
def test_sql_sources(cli, api, tmp_path, how, stdin):
    path = tmp_path / "q.sql"
    path.write_text(SQL + "\n")
    source = {"inline": SQL, "file": f"@{path}", "stdin": "-"}[how]
    route = api.post("/storage/query/download").respond(json={"urls": []})
    result = cli("storage", "query", "download", "--query", source, stdin=stdin)
    assert result.code == 0
    assert_request(route, "POST", "/storage/query/download", body={"query": SQL})


def test_query_download_output_writes_every_url(cli, api, tmp_path):
    urls = ["https://files.example.com/part1.csv?sig=1", "https://files.example.com/part2.csv?sig=2"]
    api.post("/storage/query/download").respond(json={"urls": urls, "isRefreshing": False})
    first = api.get("https://files.example.com/part1.csv").respond(content=b"name\nAcme\n")
    second = api.get("https://files.example.com/part2.csv").respond(content=b"name\nGlobex\n")
    target = tmp_path / "out" / "export.csv"
    result = cli("storage", "query", "download", "--query", SQL, "--output", str(target))
    assert result.code == 0, result.out
    assert result.json == {"urls": urls, "isRefreshing": False}
    assert target.read_bytes() == b"name\nAcme\n"
    assert (tmp_path / "out" / "export-2.csv").read_bytes() == b"name\nGlobex\n"
    assert "authorization" not in first.calls[0].request.headers
    assert second.called


def test_query_download_output_without_urls(cli, api, tmp_path):
    api.post("/storage/query/download").respond(json={"urls": [], "isRefreshing": True})
    result = cli("storage", "query", "download", "--query", SQL, "--output", str(tmp_path / "x.csv"))
    assert result.code == 1
    assert result.json["errorMessage"] == "The API answer has no url to download"
    assert not (tmp_path / "x.csv").exists()


def test_query_download_signed_url_error(cli, api, tmp_path):
    api.post("/storage/query/download").respond(json={"urls": ["https://files.example.com/gone.csv"]})
    api.get("https://files.example.com/gone.csv").respond(403, json={})
    result = cli("storage", "query", "download", "--query", SQL, "--output", str(tmp_path / "x.csv"))
    assert result.code == 1
    assert result.json["status"] == 403
    assert list(tmp_path.iterdir()) == []


def test_network_error(cli, api):
    api.get("/storage/datasets/list").mock(side_effect=httpx.ConnectError("refused"))
    result = cli("storage", "dataset", "list")
    assert result.code == 1
    assert result.json["errorMessage"].startswith("Network error")


def test_relationship_set_from_model_without_dataset(cli, api):
    api.get(f"/storage/models/{UUID1}").respond(json={"model": None})
    route = api.post("/storage/relationships")
    result = cli("storage", "relationship", "set", "--relationships", json.dumps([REL]))
    assert result.code == 1
    assert result.json["errorMessage"] == "Could not find the dataset of the from-model; pass --dataset-uuid"
    assert not route.called
