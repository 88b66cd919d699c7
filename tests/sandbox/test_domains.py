"""Writes beyond the seed: releases (draft → deploy), node validation, plays,
tools, agents, spans, message cancel, storage records."""

from __future__ import annotations

from typing import Any

from cargo_cli.sandbox import engine, seed
from tests.sandbox.conftest import Api


def test_draft_update_and_deploy_change_what_runs(api: Api) -> None:
    seeded = api.get("/orchestration/releases/draft", params={"workflowUuid": seed.TOOL_WORKFLOW})["release"]
    assert seeded["status"] == "draft" and seeded["parentUuid"] == seed.TOOL_RELEASE  # type: ignore[index]
    workflow = api.post("/orchestration/tools", {"name": "Drafts"})["tool"]["workflowUuid"]  # type: ignore[index]
    draft = api.get("/orchestration/releases/draft", params={"workflowUuid": workflow})["release"]
    assert draft["nodes"] == [] and draft["parentUuid"] is None  # type: ignore[index]
    nodes: list[dict[str, Any]] = seed.enrichment_nodes("v2")
    updated = api.post("/orchestration/releases/draft/update", {"workflowUuid": workflow, "nodes": nodes})
    assert updated["release"]["uuid"] == draft["uuid"]  # type: ignore[index]
    first = api.post("/orchestration/releases/draft/deploy", {"workflowUuid": workflow, "nodes": None,
                                                              "formFields": None, "version": "1"})["release"]  # fmt: skip
    nodes[1].update(integrationSlug="hunter", actionSlug="findEmail", config={})
    second = api.post("/orchestration/releases/draft/deploy", {"workflowUuid": workflow, "nodes": nodes,
                                                               "formFields": None, "version": "2"})["release"]  # fmt: skip
    assert (second["status"], second["version"]) == ("deployed", "2")  # type: ignore[index]
    assert api.get(f"/orchestration/releases/{first['uuid']}")["release"]["status"] == "archived"  # type: ignore[index]
    run = api.post("/orchestration/runs", {"workflowUuid": workflow, "data": {"domain": "x.io"}})["run"]
    assert run["releaseUuid"] == second["uuid"]  # type: ignore[index]
    api.clock.now += 10
    context = api.get(f"/orchestration/runs/{run['uuid']}")["runContext"]  # type: ignore[index]
    assert context["nodes"]["enrich"]["email"] == "alex.martin@x.io"  # type: ignore[index]


def test_invalid_nodes_are_refused_and_validated(api: Api) -> None:
    nodes = seed.enrichment_nodes("bad")
    nodes[1]["childrenUuids"] = ["nowhere"]
    del nodes[2]["slug"]
    result = api.post("/orchestration/nodes/validate", {"nodes": nodes})
    assert result["outcome"] == "notValid"
    assert [n["slug"] for n in result["invalidNodes"]] == ["enrich", None]  # type: ignore[union-attr]
    refused = api.client.post("/v1/orchestration/releases/draft/update", headers=api.headers,
                              json={"workflowUuid": seed.PLAY_WORKFLOW, "nodes": nodes})  # fmt: skip
    assert refused.status_code == 400 and refused.json()["reason"] == "invalidNodes"
    assert (
        api.post("/orchestration/nodes/validate", {"nodes": seed.enrichment_nodes("ok")})["outcome"]
        == "valid"
    )


def test_play_create_update_and_its_segment(api: Api) -> None:
    filter_ = {"conjonction": "and", "groups": [{"conjonction": "and", "conditions": [
        {"kind": "boolean", "columnSlug": "is_customer", "operator": "isTrue"}]}]}  # fmt: skip
    play = api.post("/orchestration/plays", {"name": "Customers", "modelUuid": seed.COMPANIES, "filter": filter_,
                                             "changeKinds": ["added"], "runCreationRule": "once"})["play"]  # fmt: skip
    segment = api.get(f"/segmentation/segments/{play['segmentUuid']}")["segment"]  # type: ignore[index]
    assert segment["fromPlay"] is True and segment["recordsCount"] > 0  # type: ignore[index]
    path = f"/v1/orchestration/plays/{play['uuid']}"  # type: ignore[index]
    refused = api.client.put(path, headers=api.headers, json={"isEnabled": True})
    assert refused.status_code == 400 and refused.json() == {
        "errorMessage": "You cannot enable a non-deployed play.", "reason": "playNotDeployed"}  # fmt: skip
    api.post("/orchestration/releases/draft/deploy", {"workflowUuid": play["workflowUuid"],  # type: ignore[index]
                                                       "nodes": seed.enrichment_nodes("play2")})  # fmt: skip
    updated = api.client.put(path, headers=api.headers, json={"limit": 3, "isEnabled": True})
    assert updated.status_code == 200, updated.text
    assert api.get(f"/segmentation/segments/{play['segmentUuid']}")["segment"]["recordsCount"] == 3  # type: ignore[index]
    assert api.get(f"/orchestration/plays/{play['uuid']}")["play"]["isEnabled"] is True  # type: ignore[index]
    removal = api.client.delete(f"/v1/segmentation/segments/{play['segmentUuid']}", headers=api.headers)  # type: ignore[index]
    assert removal.status_code == 400 and removal.json()["reason"] == "segmentLinkedToWorkflow"


def test_tool_create_update_remove(api: Api) -> None:
    tool = api.post("/orchestration/tools", {"name": "Mine", "icon": {"kind": "emoji", "emojiSlug": "x"}})[
        "tool"
    ]
    triggers = [{"name": "Weekly", "type": "cron", "cron": "0 9 * * 1"}]
    updated = api.client.put(
        f"/v1/orchestration/tools/{tool['uuid']}", headers=api.headers, json={"triggers": triggers}
    )  # type: ignore[index]
    assert updated.json()["tool"]["triggers"] == triggers
    api.client.delete(f"/v1/orchestration/tools/{tool['uuid']}", headers=api.headers)  # type: ignore[index]
    assert api.client.get(f"/v1/orchestration/tools/{tool['uuid']}", headers=api.headers).status_code == 404  # type: ignore[index]


def test_agents_and_their_releases(api: Api) -> None:
    agent = api.post("/ai/agents", {"name": "Scout", "icon": {"kind": "emoji", "emojiSlug": "eyes"}})["agent"]
    missing = api.client.get(
        "/v1/ai/releases/deployed", params={"agentUuid": agent["uuid"]}, headers=api.headers
    )  # type: ignore[index]
    assert missing.status_code == 404
    draft = api.get("/ai/releases/draft", params={"agentUuid": seed.AGENT})["release"]
    assert draft["status"] == "draft" and draft["systemPrompt"].startswith("You research")  # type: ignore[index]
    assert (
        api.get("/ai/releases/deployed", params={"agentUuid": seed.AGENT})["release"]["uuid"]
        == seed.AGENT_RELEASE
    )  # type: ignore[index]


def test_message_cancel(api: Api) -> None:
    chat = api.post("/ai/chats", {"agentUuid": seed.AGENT, "trigger": {"type": "draft"}})["chat"]
    created = api.post(
        "/ai/messages", {"chatUuid": chat["uuid"], "parts": [{"type": "text", "text": "stop"}]}
    )  # type: ignore[index]
    uuid = created["assistantMessage"]["uuid"]  # type: ignore[index]
    api.post("/ai/messages/cancel", {"uuids": [uuid]})
    api.clock.now += 10
    assert api.get(f"/ai/messages/{uuid}")["message"]["status"] == "cancelled"  # type: ignore[index]


def test_spans_list_and_count(api: Api) -> None:
    run = api.post("/orchestration/runs", {"workflowUuid": seed.PLAY_WORKFLOW, "data": {"domain": "s.io"}})[
        "run"
    ]
    api.clock.now += engine.PENDING_S + engine.NODE_S * 3
    listed = api.post("/orchestration/spans/list", {"runUuid": run["uuid"]})  # type: ignore[index]
    assert listed["count"] == 3 and {s["nodeSlug"] for s in listed["spans"]} == {"start", "enrich", "end"}  # type: ignore[union-attr]
    assert api.post("/orchestration/spans/count", {"runUuid": run["uuid"], "nodeSlug": "enrich"}) == {
        "count": 1
    }  # type: ignore[index]


def test_storage_records_create_list_get(api: Api) -> None:
    created = api.post("/storage/records/createBulk", {"modelUuid": seed.CONTACTS, "records": [
        {"data": {"id": "ctc_new", "email": "new@x.io", "first_name": "New"}}]})  # fmt: skip
    assert created["records"] == [{"id": "ctc_new", "email": "new@x.io", "first_name": "New", "last_name": None,
                                   "title": None, "company_id": None, "created_at": None}]  # fmt: skip
    got = api.get("/storage/records/get", params={"modelUuid": seed.CONTACTS, "id": "ctc_new"})["record"]
    assert got["email"] == "new@x.io" and got["title"] is None  # type: ignore[index]
    page = api.post("/storage/records/list", {"modelUuid": seed.CONTACTS, "limit": 2, "offset": 1})["records"]
    assert [r["id"] for r in page] == ["ctc_0001", "ctc_0002"]  # type: ignore[union-attr]
