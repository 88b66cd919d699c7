"""system-of-record sor / client commands."""

from __future__ import annotations

import httpx
import pytest

from tests.helpers import API, assert_request, check_usage_error, table_tests

SQL = "SELECT name, domain FROM datasets_default.models_companies ORDER BY name"
URL = "https://files.example.com/export.csv?X-Amz-Signature=abc"

CASES = [
    pytest.param(["sor", "list"], "GET", "/systemOfRecordIntegration/systemOfRecords", "", None,
                 {"systemOfRecords": [{"uuid": "s1", "kind": "snowflake"}]}, id="sor-list"),
    pytest.param(["client", "query", SQL], "POST", "/systemOfRecordIntegration/clients/query", "", {"query": SQL},
                 {"outcome": "queried", "rows": [{"name": "Acme"}]}, id="client-query"),
    pytest.param(["client", "fetch", "--query", SQL, "--limit", "100", "--offset", "100"], "POST",
                 "/systemOfRecordIntegration/clients/fetch", "", {"query": SQL, "limit": 100, "offset": 100},
                 {"rows": [], "count": 0}, id="client-fetch"),
    pytest.param(["client", "download", "--query", SQL], "POST", "/systemOfRecordIntegration/clients/download", "",
                 {"query": SQL}, {"url": URL}, id="client-download"),
    pytest.param(["log", "list", "--statuses", "error,success", "--query", "hubspot", "--limit", "5"], "GET",
                 "/systemOfRecordIntegration/logs/list",
                 "statuses%5B%5D=error&statuses%5B%5D=success&query=hubspot&limit=5", None, {"logs": []},
                 id="log-list"),
    pytest.param(["log", "get-metrics", "--from", "2026-01-01", "--to", "2026-02-01"], "GET",
                 "/systemOfRecordIntegration/logs/metrics", "from=2026-01-01&to=2026-02-01", None,
                 {"metrics": []}, id="log-get-metrics"),
]  # fmt: skip

test_request_and_output = table_tests("system-of-record", CASES)


def test_query_reads_sql_from_file(cli, api, tmp_path):
    path = tmp_path / "q.sql"
    path.write_text(f"\n{SQL}\n")
    route = api.post("/systemOfRecordIntegration/clients/query").respond(json={"rows": []})
    result = cli("system-of-record", "client", "query", f"@{path}")
    assert result.code == 0, result.out
    assert_request(route, "POST", "/systemOfRecordIntegration/clients/query", body={"query": SQL})


def test_download_output_streams_the_signed_url(cli, api, tmp_path):
    route = api.post("/systemOfRecordIntegration/clients/download").respond(json={"url": URL})
    signed = api.get(URL).mock(return_value=httpx.Response(200, content=b"name\nAcme\n"))
    target = tmp_path / "export.csv"
    result = cli("system-of-record", "client", "download", "--query", SQL, "--output", str(target))
    assert result.code == 0, result.out
    assert result.json == {"url": URL}
    assert target.read_bytes() == b"name\nAcme\n"
    assert route.call_count == 1
    assert "authorization" not in signed.calls[0].request.headers


def test_get_documentation_is_plain_text_with_links_rewritten(cli, api):
    doc = "# Snowflake\nSee [types](./types.md) and https://example.com/./x\n"
    route = api.get("/systemOfRecordIntegration/clients/snowflake/documentation").respond(
        text=doc, headers={"content-type": "text/markdown"}
    )
    result = cli("system-of-record", "client", "get-documentation", "snowflake")
    assert result.code == 0, result.out
    base = f"{API}/systemOfRecordIntegration/clients/snowflake/documentation/"
    assert result.out == doc.replace("./", base)
    assert f"[types]({base}types.md)" in result.out
    assert_request(route, "GET", "/systemOfRecordIntegration/clients/snowflake/documentation", body=None)


def test_get_documentation_error_is_json(cli, api):
    api.get("/systemOfRecordIntegration/clients/nope/documentation").respond(
        404, json={"errorMessage": "Not found"}
    )
    result = cli("system-of-record", "client", "get-documentation", "nope")
    assert result.code == 1
    assert result.json == {"errorMessage": "Not found", "status": 404}


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["client", "query"], "Missing argument"),
        (["client", "query", "  "], "the SQL query is empty"),
        (["client", "fetch"], "Missing option '--query'"),
        (["client", "fetch", "--query", SQL, "--limit", "0"], "--limit"),
        (["client", "download"], "Missing option '--query'"),
        (["client", "get-documentation"], "Missing argument"),
        (["log", "get-metrics", "--from", "2026-01-01"], "Missing option '--to'"),
        (["log", "get-metrics", "--from", "yesterday", "--to", "2026-01-01"], "is not a date"),
    ],
)
def test_usage_errors_send_nothing(cli, api, argv, fragment):
    check_usage_error(cli, api, ["system-of-record", *argv], fragment)
