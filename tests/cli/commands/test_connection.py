"""connection integration / native-integration / connector commands."""

from __future__ import annotations

import httpx
import pytest

from tests.helpers import CASE_FIELDS, UUID1, assert_request, check_case

OK = {"ok": True}

# (argv, method, path, query, body, response)
CASES = [
    pytest.param(
        ["integration", "list", "--category", "enrichment", "--has-actions", "true", "--has-extractors",
         "false", "--search", "hub spot", "--slugs", "hubspot,apollo", "--slug", "clearbit"],
        "GET", "/connection/integrations/list",
        "category=enrichment&hasActions=true&hasExtractors=false&search=hub+spot"
        "&slug=clearbit&slugs%5B%5D=hubspot&slugs%5B%5D=apollo",
        None, {"integrations": [{"slug": "hubspot"}]}, id="integration-list-all-flags",
    ),
    pytest.param(
        ["integration", "list", "--slug", "clearbit"],
        "GET", "/connection/integrations/list", "slug=clearbit", None, {"integrations": []},
        id="integration-list-old-slug",
    ),
    pytest.param(
        ["integration", "list"], "GET", "/connection/integrations/list", "", None, {"integrations": []},
        id="integration-list-bare",
    ),
    pytest.param(
        ["integration", "get", "hubspot"], "GET", "/connection/integrations/hubspot", "", None,
        {"integration": {"slug": "hubspot"}}, id="integration-get",
    ),
    pytest.param(
        ["integration", "complete-oauth", "--slug", "hubspot", "--params", '{"code":"c1","state":"s"}'],
        "POST", "/connection/integrations/hubspot/completeOauth", "", {"params": {"code": "c1", "state": "s"}},
        {"value": "tok", "extraValues": {"portal": "1"}}, id="integration-complete-oauth",
    ),
    pytest.param(
        ["native-integration", "get"], "GET", "/connection/nativeIntegrations", "", None,
        {"nativeIntegration": {"actions": {}}}, id="native-integration-get",
    ),
    pytest.param(
        ["connector", "list", "--integration-slug", "hubspot"], "GET", "/connection/connectors/list",
        "integrationSlug=hubspot", None, {"connectors": []}, id="connector-list",
    ),
    pytest.param(
        ["connector", "get", UUID1], "GET", f"/connection/connectors/{UUID1}", "", None,
        {"connector": {"uuid": UUID1}}, id="connector-get",
    ),
    pytest.param(
        ["connector", "create", "--integration-slug", "http", "--name", "Inbound leads", "--slug",
         "inbound_leads", "--config", '{"apiKey":"k"}'],
        "POST", "/connection/connectors", "",
        {"integrationSlug": "http", "name": "Inbound leads", "slug": "inbound_leads", "config": {"apiKey": "k"}},
        {"connector": {"uuid": UUID1}}, id="connector-create",
    ),
    pytest.param(
        ["connector", "update", "--uuid", UUID1, "--config", '{"apiKey":"new"}', "--name", "Clearbit - Staging"],
        "PUT", f"/connection/connectors/{UUID1}", "", {"config": {"apiKey": "new"}, "name": "Clearbit - Staging"},
        {"connector": {"uuid": UUID1}}, id="connector-update",
    ),
    pytest.param(
        ["connector", "remove", UUID1], "DELETE", f"/connection/connectors/{UUID1}", "", None, OK,
        id="connector-remove",
    ),
    pytest.param(
        ["connector", "autocomplete", "--connector-uuid", UUID1, "--params", "{}", "--slug", "fields",
         "--refresh", "--value", "email"],
        "POST", f"/connection/connectors/{UUID1}/autocomplete", "",
        {"params": {}, "slug": "fields", "refresh": True, "value": "email"},
        {"results": [{"label": "Email", "value": "email"}]}, id="connector-autocomplete",
    ),
    pytest.param(
        ["connector", "exists-by-slug", "--slug", "clearbit_production"], "GET",
        "/connection/connectors/existsBySlug", "slug=clearbit_production", None, {"exists": True},
        id="connector-exists-by-slug",
    ),
]  # fmt: skip


@pytest.mark.parametrize(CASE_FIELDS, CASES)
def test_request_and_output(cli, api, argv, method, path, query, body, response):
    check_case(cli, api, "connection", (argv, method, path, query, body, response))


@pytest.mark.parametrize(
    ("argv", "method", "path", "reason", "message"),
    [
        (["integration", "get", "nope"], "GET", "/connection/integrations/nope", "integrationNotFound",
         "Integration not found"),
        (["connector", "autocomplete", "--connector-uuid", UUID1, "--params", "{}", "--slug", "x"], "POST",
         f"/connection/connectors/{UUID1}/autocomplete", "failedToGetIntegrationAutocomplete",
         "Failed to get integration autocomplete"),
    ],
)  # fmt: skip
def test_reason_table(cli, api, argv, method, path, reason, message):
    api.route(method=method, path=path).respond(404, json={"reason": reason})
    result = cli("connection", *argv)
    assert result.code == 1
    assert result.json == {"errorMessage": message, "reason": reason, "status": 404}


def test_get_documentation_prints_plain_text(cli, api):
    doc = "# HubSpot\n\nActions:\n- create contact\n"
    route = api.get("/connection/integrations/hubspot/documentation").respond(
        text=doc, headers={"content-type": "text/plain"}
    )
    result = cli("connection", "integration", "get-documentation", "hubspot")
    assert result.code == 0
    assert_request(route, "GET", "/connection/integrations/hubspot/documentation", query="", body=None)
    assert result.out == doc


def test_get_documentation_adds_final_newline(cli, api):
    api.get("/connection/integrations/x/documentation").respond(text="no newline")
    assert cli("connection", "integration", "get-documentation", "x").out == "no newline\n"


def test_get_documentation_error_is_json(cli, api):
    api.get("/connection/integrations/x/documentation").respond(500, json={})
    result = cli("connection", "integration", "get-documentation", "x")
    assert result.code == 1
    assert result.json == {"errorMessage": "Server error", "status": 500}


@pytest.mark.parametrize(
    "argv",
    [
        ["integration", "list", "--has-actions", "maybe"],
        ["integration", "get"],
        ["integration", "complete-oauth", "--slug", "hubspot"],
        ["integration", "complete-oauth", "--slug", "hubspot", "--params", "{bad"],
        ["connector", "get", "not-a-uuid"],
        ["connector", "create", "--name", "n", "--slug", "s"],
        ["connector", "update", "--uuid", UUID1, "--config", "{"],
        ["connector", "autocomplete", "--connector-uuid", UUID1, "--slug", "x"],
        ["connector", "exists-by-slug"],
        ["connector", "nope"],
        ["integration", "initiate-oauth", "--slug", "x"],
    ],
)
def test_usage_errors_send_nothing(cli, api, argv):
    route = api.route()
    result = cli("connection", *argv)
    assert result.code == 2
    assert "errorMessage" in result.json
    assert not route.called


def test_bad_json_names_flag_and_position(cli, api):
    result = cli("connection", "connector", "update", "--uuid", UUID1, "--config", '{"a":}')
    assert result.code == 2
    assert "--config" in result.json["errorMessage"]
    assert "column 6" in result.json["errorMessage"]


def test_params_from_stdin(cli, api):
    route = api.post(f"/connection/connectors/{UUID1}/autocomplete").respond(json={"results": []})
    result = cli(
        "connection",
        "connector",
        "autocomplete",
        "--connector-uuid",
        UUID1,
        "--slug",
        "s",
        "--params",
        "-",
        stdin='{"objectType": "contacts"}',
    )
    assert result.code == 0
    assert_request(route, "POST", f"/connection/connectors/{UUID1}/autocomplete",
                   body={"params": {"objectType": "contacts"}, "slug": "s"})  # fmt: skip


def test_network_error(cli, api):
    api.get("/connection/connectors/list").mock(side_effect=httpx.ConnectError("refused"))
    result = cli("connection", "connector", "list")
    assert result.code == 1
    assert result.json["errorMessage"].startswith("Network error")
