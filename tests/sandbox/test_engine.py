"""Runs, batches and messages move with (fake) time; outputs are deterministic."""

from __future__ import annotations

from typing import Any

from cargo_cli.sandbox import engine, seed
from tests.sandbox.conftest import Api


def test_plan_is_a_pure_function_of_graph_and_input() -> None:
    nodes = seed.enrichment_nodes("t")
    first, second = engine.plan(nodes, {"domain": "acme.com"}), engine.plan(nodes, {"domain": "acme.com"})
    assert first == second and first["status"] == "success" and first["credits"] == 2
    assert first["context"]["nodes"]["enrich"]["name"] == "Acme"
    assert (
        engine.plan(nodes, {"domain": "other.io"})["context"]["nodes"]["enrich"]
        != first["context"]["nodes"]["enrich"]
    )
    failed = engine.plan(nodes, {})
    assert failed["status"] == "error" and [e["status"] for e in failed["executions"]] == ["success", "error"]


def test_fallback_on_failure_continues_and_loops_stop() -> None:
    nodes = seed.enrichment_nodes("f")
    nodes[1]["fallbackOnFailure"] = True
    assert engine.plan(nodes, {})["status"] == "success"
    nodes[2]["childrenUuids"] = [nodes[0]["uuid"]]  # a cycle
    assert len(engine.ordered_nodes(nodes)) == 3


def test_person_actions_and_templates() -> None:
    out = engine.enrich("hunter", "findEmail", {"first_name": "Ann", "last_name": "Lee", "domain": "x.io"})
    assert out["email"] == "ann.lee@x.io"
    assert engine.resolve({"a": "{{nodes.start.n}}", "b": "id-{{nodes.start.n}}"}, {"nodes": {"start": {"n": 3}}}) == {
        "a": 3, "b": "id-3",
    }  # fmt: skip


def run_status(api: Api, uuid: str) -> dict[str, Any]:
    return api.get(f"/orchestration/runs/{uuid}")  # type: ignore[return-value]


def test_run_moves_pending_running_success(api: Api) -> None:
    created = api.post(
        "/orchestration/runs", {"workflowUuid": seed.TOOL_WORKFLOW, "data": {"domain": "a.io"}}
    )
    uuid = created["run"]["uuid"]  # type: ignore[index]
    assert created["run"]["status"] == "pending"  # type: ignore[index]
    api.clock.now += engine.PENDING_S + 0.1
    running = run_status(api, uuid)
    assert running["run"]["status"] == "running" and running["runContext"] == {
        "nodes": {"start": {"domain": "a.io"}}
    }
    api.clock.now += engine.NODE_S * 3
    done = run_status(api, uuid)
    assert done["run"]["status"] == "success" and done["run"]["finishedAt"]
    assert done["runComputedConfigs"]["enrich"] == {"domain": "a.io"}
    spans = api.post(
        "/orchestration/query", {"query": f"SELECT count() AS n FROM spans WHERE run_uuid = '{uuid}'"}
    )
    assert spans["rows"] == [{"n": 3}]


def test_batch_counts_and_cancel(api: Api) -> None:
    data = {
        "kind": "filter",
        "modelUuid": seed.COMPANIES,
        "filter": {"conjonction": "and", "groups": []},
        "limit": 25,
    }
    batch = api.post("/orchestration/batches", {"workflowUuid": seed.PLAY_WORKFLOW, "data": data})["batch"]
    uuid = batch["uuid"]  # type: ignore[index]
    assert (batch["status"], batch["runsCount"]) == ("pending", 25)  # type: ignore[index]
    api.clock.now += engine.PENDING_S + engine.NODE_S * 3 + 0.01  # the first wave of CONCURRENCY runs is done
    mid = api.get(f"/orchestration/batches/{uuid}")["batch"]
    assert mid["status"] == "running" and mid["executedRunsCount"] == engine.CONCURRENCY  # type: ignore[index]
    api.post(f"/orchestration/batches/{uuid}/cancel")
    api.clock.now += 60
    final = api.get(f"/orchestration/batches/{uuid}")["batch"]
    assert final["status"] == "cancelled" and final["executedRunsCount"] == engine.CONCURRENCY  # type: ignore[index]
    count = api.post("/orchestration/runs/count", {"workflowUuid": seed.PLAY_WORKFLOW, "batchUuid": uuid,
                                                   "statuses": ["cancelled"]})  # fmt: skip
    assert count == {"count": 25 - engine.CONCURRENCY}


def test_batch_with_no_records_is_refused(api: Api) -> None:
    response = api.client.post("/v1/orchestration/batches", headers=api.headers, json={
        "workflowUuid": seed.PLAY_WORKFLOW, "data": {"kind": "recordIds", "modelUuid": seed.COMPANIES, "ids": []}})  # fmt: skip
    assert response.status_code == 400 and response.json()["errorMessage"] == "No records."


def test_message_moves_pending_generating_success(api: Api) -> None:
    chat = api.post("/ai/chats", {"agentUuid": seed.AGENT, "trigger": {"type": "draft"}})["chat"]
    created = api.post(
        "/ai/messages", {"chatUuid": chat["uuid"], "parts": [{"type": "text", "text": "Hello acme"}]}
    )  # type: ignore[index]
    uuid = created["assistantMessage"]["uuid"]  # type: ignore[index]
    statuses = []
    for _ in range(3):
        statuses.append(api.get(f"/ai/messages/{uuid}")["message"]["status"])  # type: ignore[index]
        api.clock.now += 0.8
    assert statuses == ["pending", "generating", "success"]
    text = api.get(f"/ai/messages/{uuid}")["message"]["parts"][0]["text"]  # type: ignore[index]
    assert text == engine.answer_text("Research assistant", "Hello acme")
