"""``orchestration action list`` and ``connection action search``: the client-side
action catalog built from integration / native / tool / agent endpoints."""

from __future__ import annotations

import pytest

from tests.helpers import UUID1, UUID2, assert_request

CONNECTOR_UUID = "44444444-4444-4444-8444-444444444444"
OTHER_CONNECTOR = "55555555-5555-4555-8555-555555555555"
FIXED_1 = [{"type": "fixed", "cost": 1}]

SLACK = {
    "slug": "slack", "name": "Slack", "category": "engagement", "description": "Team chat",
    "actions": {
        "postMessage": {"name": "Post message", "description": "Send a message to a channel"},
        "addReaction": {"name": "Add reaction", "description": "React to a message"},
    },
}  # fmt: skip
APOLLO = {
    "slug": "apolloio", "name": "Apollo.io", "category": "enrichment", "description": "Sales data",
    "actions": {
        "enrichPerson": {"name": "Enrich person", "description": "Find a person's email and title",
                         "credits": {"costs": FIXED_1}},
        "searchCompanies": {"name": "Search companies", "description": "Company search",
                            "credits": {"costs": [{"type": "unit", "unit": "row", "cost": 0.5}]}},
    },
}  # fmt: skip
OLD = {
    "slug": "oldmail", "name": "Old mail (deprecated)", "category": "engagement", "isDeprecated": True,
    "actions": {"sendMessage": {"name": "Send message", "description": "Send an email message"}},
}  # fmt: skip
INTEGRATIONS = {"integrations": [SLACK, APOLLO, OLD]}
CONNECTORS = {
    "connectors": [
        {"uuid": CONNECTOR_UUID, "integrationSlug": "slack", "isDefault": False},
        {"uuid": OTHER_CONNECTOR, "integrationSlug": "apolloio", "isDefault": False},
        {"uuid": UUID2, "integrationSlug": "apolloio", "isDefault": True},
    ]
}
NATIVE = {
    "nativeIntegration": {
        "actions": {
            "branch": {"name": "Branch", "description": "Route records on a condition", "category": "logic"},
            "agent": {"name": "Agent", "description": "Call an LLM and get a message", "category": "ai",
                      "credits": {"costs": FIXED_1}},
            "start": {"name": "Start message", "description": "Workflow start", "category": "invisible"},
        },
        "extractors": {},
    }
}  # fmt: skip
TOOLS = {
    "tools": [
        {"uuid": UUID1, "name": "Message router", "description": "Routes a message",
         "creditsCost": {"kind": "sum"}},
        {"uuid": CONNECTOR_UUID, "name": "Deleted message tool", "deletedAt": "2025-01-01T00:00:00Z",
         "creditsCost": {"kind": "sum"}},
    ]
}  # fmt: skip
AGENTS = {"agents": [{"uuid": UUID2, "name": "SDR agent", "description": "Writes a first message"}]}

ROUTES = {
    "integrations": ("/connection/integrations/list", INTEGRATIONS),
    "connectors": ("/connection/connectors/list", CONNECTORS),
    "native": ("/connection/nativeIntegrations", NATIVE),
    "tools": ("/orchestration/tools/list", TOOLS),
    "agents": ("/ai/agents/list", AGENTS),
}


@pytest.fixture
def catalog(api):
    return {name: api.get(path).respond(json=answer) for name, (path, answer) in ROUTES.items()}


def slack_post(connector: bool = True) -> dict:
    action = {"kind": "connector", "integrationSlug": "slack", "actionSlug": "postMessage"}
    if connector:
        action["connectorUuid"] = CONNECTOR_UUID
    return {
        "kind": "connector", "name": "Post message", "description": "Send a message to a channel",
        "integrationSlug": "slack", "integrationName": "Slack", "actionSlug": "postMessage",
        "category": "engagement", "credits": None, "action": action,
    }  # fmt: skip


def test_action_list_searches_every_source_and_ranks(cli, catalog):
    result = cli("orchestration", "action", "list", "message")
    assert result.code == 0, result.out
    # One request per source, exactly as documented.
    assert_request(catalog["integrations"], "GET", "/connection/integrations/list", query="hasActions=true")
    assert_request(catalog["connectors"], "GET", "/connection/connectors/list", query="", body=None)
    for name in ("native", "tools", "agents"):
        assert_request(catalog[name], "GET", ROUTES[name][0], query="", body=None)
        assert catalog[name].call_count == 1
    body = result.json
    assert body["query"] == "message"
    assert body["totalMatches"] == 6
    assert body["results"][0] == slack_post()
    names = {r["name"] for r in body["results"]}
    assert "Deleted message tool" not in names  # deleted tools are left out
    assert "Start message" not in names  # invisible natives are left out


def test_action_list_ranking(cli, catalog):
    result = cli("orchestration", "action", "list", "message")
    assert [(r["kind"], r["name"]) for r in result.json["results"]] == [
        ("connector", "Post message"),  # whole word in the name; connectors first at equal score
        ("tool", "Message router"),  # whole word in the name
        ("connector", "Send message"),  # same score, but its integration is deprecated
        ("connector", "Add reaction"),  # whole word in the description only
        ("native", "Agent"),
        ("agent", "SDR agent"),
    ]


def test_action_list_result_shapes(cli, catalog):
    body = cli("orchestration", "action", "list", "message", "--limit", "50").json
    by_name = {r["name"]: r for r in body["results"]}
    assert by_name["Send message"]["isDeprecated"] is True
    assert by_name["Agent"] == {
        "kind": "native", "name": "Agent", "description": "Call an LLM and get a message",
        "integrationSlug": None, "actionSlug": "agent", "category": "ai", "credits": FIXED_1,
        "action": {"kind": "native", "actionSlug": "agent"},
    }  # fmt: skip
    assert by_name["Message router"] == {
        "kind": "tool", "name": "Message router", "description": "Routes a message", "integrationSlug": None,
        "uuid": UUID1, "credits": {"kind": "sum"}, "action": {"kind": "tool", "toolUuid": UUID1},
    }  # fmt: skip
    assert by_name["SDR agent"] == {
        "kind": "agent", "name": "SDR agent", "description": "Writes a first message", "integrationSlug": None,
        "uuid": UUID2, "credits": None, "action": {"kind": "agent", "agentUuid": UUID2},
    }  # fmt: skip


def test_all_keywords_must_match_and_exact_slug_wins(cli, catalog):
    body = cli("orchestration", "action", "list", "enrich person").json
    assert [r["actionSlug"] for r in body["results"]] == ["enrichPerson"]
    assert body["query"] == "enrich person"
    # The default connector of the integration wins over the others.
    assert body["results"][0]["action"] == {
        "kind": "connector", "integrationSlug": "apolloio", "actionSlug": "enrichPerson", "connectorUuid": UUID2,
    }  # fmt: skip
    assert body["results"][0]["credits"] == FIXED_1
    exact = cli("orchestration", "action", "list", "searchCompanies").json
    assert exact["results"][0]["actionSlug"] == "searchCompanies"


def test_limit_caps_results_but_not_total(cli, catalog):
    body = cli("orchestration", "action", "list", "message", "--limit", "2").json
    assert len(body["results"]) == 2
    assert body["totalMatches"] > 2


@pytest.mark.parametrize(
    ("kind", "fetched", "kinds"),
    [
        ("connector", {"integrations", "connectors"}, {"connector"}),
        ("native", {"native"}, {"native"}),
        ("tool", {"tools"}, {"tool"}),
        ("agent", {"agents"}, {"agent"}),
    ],
)
def test_kind_fetches_only_its_source(cli, catalog, kind, fetched, kinds):
    result = cli("orchestration", "action", "list", "message", "--kind", kind)
    assert result.code == 0, result.out
    assert {name for name, route in catalog.items() if route.called} == fetched
    assert {r["kind"] for r in result.json["results"]} == kinds


def test_integration_slug_gets_one_integration(cli, api):
    get = api.get("/connection/integrations/slack").respond(json={"integration": SLACK})
    connectors = api.get("/connection/connectors/list").respond(
        json={"connectors": CONNECTORS["connectors"][:1]}
    )
    result = cli(
        "orchestration", "action", "list", "post", "--integration-slug", "slack", "--kind", "connector"
    )
    assert result.code == 0, result.out
    assert_request(get, "GET", "/connection/integrations/slack", query="", body=None)
    assert_request(connectors, "GET", "/connection/connectors/list", query="integrationSlug=slack", body=None)
    assert result.json == {"query": "post", "totalMatches": 1, "results": [slack_post()]}


def test_no_connector_leaves_connector_uuid_out(cli, api):
    api.get("/connection/integrations/slack").respond(json={"integration": SLACK})
    api.get("/connection/connectors/list").respond(json={"connectors": []})
    result = cli("orchestration", "action", "list", "post", "--integration-slug", "slack")
    assert result.json["results"] == [slack_post(connector=False)]


def test_slim_integration_list_falls_back_to_get(cli, api):
    api.get("/connection/integrations/list").respond(
        json={"integrations": [{"slug": "slack", "name": "Slack"}]}
    )
    get = api.get("/connection/integrations/slack").respond(json={"integration": SLACK})
    api.get("/connection/connectors/list").respond(json=CONNECTORS)
    result = cli("orchestration", "action", "list", "post", "--kind", "connector")
    assert get.call_count == 1
    assert result.json["results"] == [slack_post()]


@pytest.mark.parametrize(
    "argv",
    [
        ["orchestration", "action", "list", "x", "--limit", "51"],
        ["orchestration", "action", "list", "x", "--limit", "0"],
        ["orchestration", "action", "list", "x", "--limit", "many"],
        ["orchestration", "action", "list", "x", "--kind", "extractor"],
        ["orchestration", "action", "list", "x", "--kind", "tool", "--integration-slug", "slack"],
        ["orchestration", "action", "list", "  "],
        ["connection", "action", "search", "x", "--limit", "100"],
        ["connection", "action", "search"],
    ],
    ids=["limit-51", "limit-0", "limit-nan", "bad-kind", "slug-with-tool", "blank", "search-101",
         "search-no-keywords"],
)  # fmt: skip
def test_usage_errors_send_nothing(cli, api, argv):
    route = api.route().respond(json={})
    result = cli(*argv)
    assert result.code == 2
    assert "errorMessage" in result.json
    assert not route.called


def test_action_list_kind_tool_without_keywords_lists_every_tool(cli, catalog):
    # Documented usage: `cargo-ai orchestration action list --kind tool`.
    result = cli("orchestration", "action", "list", "--kind", "tool")
    assert result.code == 0, result.out
    assert {name for name, route in catalog.items() if route.called} == {"tools"}
    assert result.json == {
        "query": "",
        "totalMatches": 1,  # the deleted tool is left out
        "results": [
            {"kind": "tool", "name": "Message router", "description": "Routes a message", "integrationSlug": None,
             "uuid": UUID1, "credits": {"kind": "sum"}, "action": {"kind": "tool", "toolUuid": UUID1}},
        ],
    }  # fmt: skip


def test_action_list_kind_connector_without_keywords_lists_every_connector_action(cli, catalog):
    # Documented usage: `cargo-ai orchestration action list --kind connector`.
    result = cli("orchestration", "action", "list", "--kind", "connector")
    assert result.code == 0, result.out
    assert_request(catalog["integrations"], "GET", "/connection/integrations/list", query="hasActions=true")
    assert {name for name, route in catalog.items() if route.called} == {"integrations", "connectors"}
    body = result.json
    assert body["query"] == ""
    assert body["totalMatches"] == 5
    # Deterministic order: deprecated integrations last, then integration slug, then name.
    assert [(r["integrationSlug"], r["actionSlug"]) for r in body["results"]] == [
        ("apolloio", "enrichPerson"),
        ("apolloio", "searchCompanies"),
        ("slack", "addReaction"),
        ("slack", "postMessage"),
        ("oldmail", "sendMessage"),
    ]
    assert body["results"][3] == slack_post()


def test_action_list_without_anything_lists_every_kind_up_to_the_limit(cli, catalog):
    result = cli("orchestration", "action", "list", "--limit", "50")
    assert result.code == 0, result.out
    assert all(route.call_count == 1 for route in catalog.values())
    body = result.json
    assert body["query"] == ""
    assert body["totalMatches"] == 9  # 5 connector + 2 visible native + 1 tool + 1 agent
    assert [r["kind"] for r in body["results"]] == ["connector"] * 4 + ["native"] * 2 + ["tool", "agent"] + [
        "connector"
    ]
    assert len(cli("orchestration", "action", "list", "--limit", "3").json["results"]) == 3


def test_api_error_is_reported(cli, api):
    api.get("/connection/integrations/list").respond(500, json={"errorMessage": "boom"})
    result = cli("orchestration", "action", "list", "message")
    assert result.code == 1
    assert result.json == {"errorMessage": "boom", "status": 500}


def test_unknown_integration_uses_the_reason_table(cli, api):
    api.get("/connection/integrations/nope").respond(404, json={"reason": "integrationNotFound"})
    result = cli("connection", "action", "search", "x", "--integration", "nope")
    assert result.code == 1
    assert result.json["errorMessage"] == "Integration not found"


def test_action_search_all_flags(cli, api):
    listing = api.get("/connection/integrations/list").respond(json=INTEGRATIONS)
    connectors = api.get("/connection/connectors/list").respond(json=CONNECTORS)
    others = api.route(path__regex=r"^/v1/(ai|orchestration|connection/nativeIntegrations)").respond(json={})
    result = cli("connection", "action", "search", "search", "--category", "enrichment", "--credits-only",
                 "--limit", "5")  # fmt: skip
    assert result.code == 0, result.out
    assert_request(
        listing, "GET", "/connection/integrations/list", query="hasActions=true&category=enrichment"
    )
    assert_request(connectors, "GET", "/connection/connectors/list", query="")
    assert not others.called
    assert result.json == {
        "query": "search",
        "totalMatches": 1,
        "results": [
            {
                "kind": "connector", "name": "Search companies", "description": "Company search",
                "integrationSlug": "apolloio", "integrationName": "Apollo.io", "actionSlug": "searchCompanies",
                "category": "enrichment", "credits": [{"type": "unit", "unit": "row", "cost": 0.5}],
                "action": {"kind": "connector", "integrationSlug": "apolloio", "actionSlug": "searchCompanies",
                           "connectorUuid": UUID2},
            }
        ],
    }  # fmt: skip


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ([], ["postMessage", "sendMessage", "addReaction"]),
        (["--credits-only"], []),
        (
            ["--category", "ENGAGEMENT"],
            ["postMessage", "sendMessage", "addReaction"],
        ),  # also filtered client-side
        (["--limit", "1"], ["postMessage"]),
    ],
)
def test_action_search_filters(cli, api, flags, expected):
    api.get("/connection/integrations/list").respond(json=INTEGRATIONS)
    api.get("/connection/connectors/list").respond(json=CONNECTORS)
    result = cli("connection", "action", "search", "message", *flags)
    assert result.code == 0, result.out
    assert [r["actionSlug"] for r in result.json["results"]] == expected


def test_action_search_category_filter_drops_other_categories(cli, api):
    # The server may ignore ?category=; the filter is applied again client-side.
    api.get("/connection/integrations/list").respond(json=INTEGRATIONS)
    api.get("/connection/connectors/list").respond(json=CONNECTORS)
    result = cli("connection", "action", "search", "e", "--category", "enrichment")
    assert {r["integrationSlug"] for r in result.json["results"]} == {"apolloio"}


def test_action_search_one_integration(cli, api):
    get = api.get("/connection/integrations/apolloio").respond(json={"integration": APOLLO})
    connectors = api.get("/connection/connectors/list").respond(json=CONNECTORS)
    result = cli("connection", "action", "search", "enrich", "--integration", "apolloio", "--credits-only")
    assert_request(get, "GET", "/connection/integrations/apolloio", query="")
    assert_request(connectors, "GET", "/connection/connectors/list", query="integrationSlug=apolloio")
    assert [r["actionSlug"] for r in result.json["results"]] == ["enrichPerson"]
