"""The data model's write paths, end to end: the installed CLI against a
``--no-seed`` sandbox, as a CI pipeline or an agent bootstraps a fresh
workspace (issue 16: points 2 and 4, and the full bootstrap flow)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from cargo_cli.sandbox import seed
from cargo_cli.sandbox.entities import fields_of
from tests.e2e.sandbox.conftest import FAST, Cli, start

pytestmark = pytest.mark.e2e
POLL = ["--wait-until-finished", "--polling-interval", "100"]
COLUMNS = [("name", "string"), ("country", "string"), ("employees", "number"), ("is_customer", "boolean")]
ACCOUNTS = [
    {"id": "a1", "name": "Acme", "country": "FR", "employees": 120, "is_customer": True},
    {"id": "a2", "name": "Globex", "country": "US", "employees": 4200, "is_customer": False},
    {"id": "a3", "name": "Initech", "country": "FR", "employees": 35, "is_customer": False},
    {"id": "a4", "name": "Hooli", "country": "FR", "employees": 800, "is_customer": False},
]
FRENCH = {"conjonction": "and", "groups": [{"conjonction": "and", "conditions": [
    {"kind": "string", "columnSlug": "country", "operator": "is", "values": ["FR"]}]}]}  # fmt: skip


@pytest.fixture(scope="module")
def empty(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cli]:
    """A sandbox started with --no-seed (the workspace and its native dataset only)."""
    yield from start(tmp_path_factory.mktemp("empty"), [*FAST, "--no-seed"])


def failure(cli: Cli, *argv: str) -> dict[str, Any]:
    done = cli(*argv)
    assert done.code == 1 and isinstance(done.out, dict), done.stdout + done.stderr  # one JSON document
    assert "Traceback" not in done.stderr
    return done.out  # type: ignore[no-any-return]


def j(value: Any) -> str:
    return json.dumps(value)


def model_args(dataset: str, slug: str, columns: list[dict[str, str]] | None = None) -> list[str]:
    """``storage model create`` with every field the platform requires (slug, name,
    dataset, extractor, config)."""
    config = {} if columns is None else {"columns": columns}
    return ["storage", "model", "create", "--dataset-uuid", dataset, "--slug", slug, "--name", slug.title(),
            "--extractor-slug", "listenHook", "--config", j(config)]  # fmt: skip


def test_a_full_bootstrap_from_an_empty_workspace(empty: Cli) -> None:
    """Dataset, model, columns, records and a segment; then fetch, query and count them."""
    (dataset,) = empty.ok("storage", "dataset", "list")["datasets"]
    assert dataset["kind"] == "native" and dataset["uuid"] == seed.DATASET
    assert empty.ok("storage", "model", "list") == {"models": []}
    model = empty.ok("storage", "model", "create", "--dataset-uuid", dataset["uuid"], "--slug", "accounts",
                     "--name", "Accounts", "--extractor-slug", "listenHook", "--config", "{}")["model"]  # fmt: skip
    assert [f.name for f in fields_of("storage.Model")] == list(model)[: len(fields_of("storage.Model"))]
    uuid = model["uuid"]
    for slug, kind in COLUMNS:
        column = {"slug": slug, "type": kind, "label": slug.title(), "kind": "custom"}
        assert empty.ok("storage", "column", "create", "--model-uuid", uuid, "--column", j(column)) == {}
    listed = empty.ok("storage", "column", "list", "--model-uuid", uuid)["columns"]
    assert [c["slug"] for c in listed] == ["id", *(slug for slug, _ in COLUMNS)]
    first, *rest = ACCOUNTS
    assert (
        empty.ok("storage", "record", "create", "--model-uuid", uuid, "--data", j(first))["record"] == first
    )
    created = empty.ok(
        "storage", "record", "create-bulk", "--model-uuid", uuid, "--records", j([{"data": r} for r in rest])
    )
    assert created["records"] == rest
    segment = empty.ok("segmentation", "segment", "create", "--model-uuid", uuid, "--name", "French accounts",
                       "--filter", j(FRENCH))["segment"]  # fmt: skip
    expected = sorted(a["id"] for a in ACCOUNTS if a["country"] == "FR")
    assert segment["recordsCount"] == len(expected) == 3
    fetched = empty.ok("segmentation", "segment", "fetch", "--model-uuid", uuid, "--filter", j(FRENCH), "--all",
                       "--fetching-limit", "2")  # fmt: skip
    records = fetched["records"] if isinstance(fetched, dict) else fetched
    assert sorted(r["id"] for r in records) == expected
    sql = "SELECT country, count(*) AS n, sum(employees) AS staff FROM crm.accounts GROUP BY country ORDER BY country"
    rows = empty.ok("storage", "query", "execute", sql)["rows"]
    totals: dict[str, list[int]] = {}
    for account in ACCOUNTS:
        totals.setdefault(str(account["country"]), []).append(int(account["employees"]))  # type: ignore[call-overload]
    assert rows == [{"country": c, "n": len(v), "staff": sum(v)} for c, v in sorted(totals.items())]
    got = empty.ok("segmentation", "segment", "get", segment["uuid"])["segment"]
    assert got["recordsCount"] == 3 and got["lastChange"]["addedRecordsCount"] == 3
    assert (
        empty.ok("segmentation", "record", "fetch", "--model-uuid", uuid, "--ids", "a1,a3")["records"][1][
            "name"
        ]
        == "Initech"
    )
    # The DDL and exists-by-slug answers follow the writes.
    ddl = empty.ok("storage", "model", "get-ddl", uuid)
    assert ddl["ddl"].startswith("CREATE TABLE crm.accounts (") and '"employees" DOUBLE' in ddl["ddl"]
    assert empty.ok("api", "storage.model.existsBySlug", "-f", "slug=accounts", "-f",
                    f"datasetUuid={dataset['uuid']}") == {"exists": True}  # fmt: skip
    assert empty.ok("api", "storage.column.existsBySlug", "-f", "columnSlug=country", "-f",
                    f"modelUuid={uuid}") == {"exists": True}  # fmt: skip


def test_record_updates_and_removals_move_counts_queries_and_changes(empty: Cli) -> None:
    columns = [{"slug": "id", "type": "string"}, {"slug": "country", "type": "string"}]
    uuid = empty.ok(*model_args(seed.DATASET, "leads", columns))["model"]["uuid"]
    empty.ok("storage", "record", "create-bulk", "--model-uuid", uuid, "--records",
             j([{"data": {"id": f"l{i}", "country": "FR" if i % 2 else "US"}} for i in range(6)]))  # fmt: skip
    segment = empty.ok("segmentation", "segment", "create", "--model-uuid", uuid, "--name", "French leads",
                       "--filter", j(FRENCH))["segment"]  # fmt: skip
    assert segment["recordsCount"] == 3
    empty.ok(
        "api",
        "storage.record.update",
        "--data",
        j({"modelUuid": uuid, "id": "l0", "data": {"country": "FR"}}),
    )
    empty.ok("api", "storage.record.updateBulk", "--data",
             j({"modelUuid": uuid, "records": [{"id": "l1", "country": "DE"}]}))  # fmt: skip
    empty.ok("api", "storage.record.remove", "--data", j({"modelUuid": uuid, "id": "l3"}))
    empty.ok("api", "storage.record.removeBulk", "--data", j({"modelUuid": uuid, "ids": ["l4", "l5"]}))
    rows = empty.ok("storage", "query", "execute", "SELECT id, country FROM crm.leads ORDER BY id")["rows"]
    assert rows == [
        {"id": "l0", "country": "FR"},
        {"id": "l1", "country": "DE"},
        {"id": "l2", "country": "US"},
    ]
    assert empty.ok("segmentation", "segment", "get", segment["uuid"])["segment"]["recordsCount"] == 1
    changes = empty.ok("segmentation", "change", "list", "--segment-uuid", segment["uuid"])["changes"]
    summary = [(c["addedRecordsCount"], c["removedRecordsCount"], c["totalRecordsCount"]) for c in changes]
    # Newest first: -l5, -l3, -l1 (now DE), +l0 (now FR), the creation (l1, l3, l5).
    assert summary == [(0, 1, 1), (0, 1, 2), (0, 1, 3), (1, 0, 4), (3, 0, 3)]
    removed = empty.ok("segmentation", "change", "fetch", "--uuid", changes[2]["uuid"], "--kinds", "removed")
    assert [r["id"] for r in removed["records"]] == ["l1"] and removed["records"][0]["country"] == "FR"
    renamed = empty.ok("segmentation", "segment", "update", "--uuid", segment["uuid"], "--name", "FR",
                       "--filter", j({"conjonction": "and", "groups": []}))["segment"]  # fmt: skip
    assert renamed["name"] == "FR" and renamed["recordsCount"] == 3
    assert empty.ok("segmentation", "segment", "remove", segment["uuid"]) == {}
    again = failure(empty, "segmentation", "segment", "remove", segment["uuid"])
    assert (
        again["errorMessage"] == "Segment is already removed" and again["reason"] == "segmentAlreadyRemoved"
    )
    empty.ok("storage", "model", "update", "--uuid", uuid, "--name", "Leads (old)")
    assert empty.ok("storage", "model", "get", uuid)["model"]["name"] == "Leads (old)"
    empty.ok("storage", "model", "remove", uuid)
    assert failure(empty, "storage", "model", "get", uuid)["errorMessage"] == "Model not found."


def test_columns_update_reorder_remove_and_relationships(empty: Cli) -> None:
    columns = [{"slug": "id", "type": "string"}, {"slug": "org_id", "type": "string"}]
    people = empty.ok(*model_args(seed.DATASET, "people", columns))["model"]
    orgs = empty.ok(*model_args(seed.DATASET, "orgs"))["model"]
    empty.ok("storage", "column", "create", "--model-uuid", orgs["uuid"], "--column",
             j({"slug": "name", "type": "string", "label": "Name", "kind": "custom"}))  # fmt: skip
    empty.ok("storage", "column", "update", "--model-uuid", orgs["uuid"], "--column",
             j({"slug": "name", "type": "string", "label": "Org name", "kind": "custom"}))  # fmt: skip
    assert (
        empty.ok("storage", "model", "get", orgs["uuid"])["model"]["additionalColumns"][0]["label"]
        == "Org name"
    )
    empty.ok("storage", "column", "reorder", "--model-uuid", people["uuid"], "--column-slug", "org_id",
             "--to-index", "0")  # fmt: skip
    assert [c["slug"] for c in empty.ok("storage", "model", "get", people["uuid"])["model"]["columns"]] == [
        "org_id", "id"]  # fmt: skip
    relationships = empty.ok("storage", "relationship", "set", "--from-model-uuid", people["uuid"],
                             "--from-column-slug", "org_id", "--to-model-uuid", orgs["uuid"], "--to-column-slug",
                             "id", "--relation", "manyToOne")["relationships"]  # fmt: skip
    assert [(r["fromModelUuid"], r["toModelUuid"], r["relation"]) for r in relationships] == [
        (people["uuid"], orgs["uuid"], "manyToOne")]  # fmt: skip
    assert empty.ok("storage", "relationship", "list")["relationships"] == relationships
    empty.ok("storage", "column", "remove", "--model-uuid", orgs["uuid"], "--column-slug", "name")
    gone = failure(
        empty, "storage", "column", "remove", "--model-uuid", orgs["uuid"], "--column-slug", "name"
    )
    assert gone["errorMessage"] == "Column not found." and gone["reason"] == "columnNotFound"


def test_references_are_checked_with_the_platforms_texts(empty: Cli) -> None:
    unknown = "00000000-0000-4000-8000-000000000000"
    dataset = failure(empty, *model_args(unknown, "x"))
    assert (dataset["errorMessage"], dataset["reason"]) == ("Dataset not found.", "datasetNotFound")
    column = failure(empty, "storage", "column", "create", "--model-uuid", unknown, "--column",
                     j({"slug": "x", "type": "string", "label": "X", "kind": "custom"}))  # fmt: skip
    assert (column["errorMessage"], column["reason"]) == ("Model not found.", "modelNotFound")
    record = failure(empty, "storage", "record", "create", "--model-uuid", unknown, "--data", '{"id": "1"}')
    assert record["errorMessage"] == "Model not found."
    empty.ok(*model_args(seed.DATASET, "dupe"))
    duplicate = failure(empty, *model_args(seed.DATASET, "dupe"))
    # The payload fields the platform requires are required (the documented example sends only two).
    bare = failure(empty, "storage", "model", "create", "--config", "{}", "--dataset-uuid", seed.DATASET)
    assert (bare["errorMessage"], bare["reason"]) == ("slug is required", "invalidPayload")
    assert (duplicate["errorMessage"], duplicate["reason"]) == ("Slug is already used.", "duplicateSlug")
    action = {"kind": "connector", "integrationSlug": "clearbit", "actionSlug": "noSuchAction", "config": {}}
    refused = failure(empty, "orchestration", "action", "execute", "--action", j(action), "--data", "{}")
    assert (refused["errorMessage"], refused["reason"]) == ("Action not found.", "actionNotFound")
    listed = {**action, "actionSlug": "enrichCompany"}
    run = empty.ok("orchestration", "action", "execute", "--action", j(listed), "--data", '{"domain": "acme.io"}',
                   *POLL)["run"]  # fmt: skip
    assert run["status"] == "success"
    tool = failure(empty, "orchestration", "tool", "update", "--uuid", unknown, "--triggers", "[]")
    assert (tool["errorMessage"], tool["reason"]) == ("Tool not found.", "toolNotFound")


def test_plays_and_tools_create_update_remove(empty: Cli) -> None:
    tool = empty.ok("orchestration", "tool", "create", "--name", "Scorer", "--description", "Scores")["tool"]
    assert list(tool) == [f.name for f in fields_of("orchestration.Tool")]
    triggers = [{"kind": "cron", "cron": "0 9 * * 1"}]
    updated = empty.ok("orchestration", "tool", "update", "--uuid", tool["uuid"], "--triggers", j(triggers))
    assert updated["tool"]["triggers"] == triggers
    assert empty.ok("orchestration", "tool", "get", tool["uuid"])["tool"]["triggers"] == triggers
    assert empty.ok("orchestration", "tool", "remove", tool["uuid"]) == {}
    assert tool["uuid"] not in [t["uuid"] for t in empty.ok("orchestration", "tool", "list")["tools"]]
    model = empty.ok(*model_args(seed.DATASET, "targets"))["model"]
    play = empty.ok("orchestration", "play", "create", "--model-uuid", model["uuid"], "--name", "Targets",
                    "--change-kinds", "added")["play"]  # fmt: skip
    assert list(play) == [f.name for f in fields_of("orchestration.Play")] and play["isEnabled"] is False
    limited = empty.ok("orchestration", "play", "update", play["uuid"], "--limit", "5")["play"]
    assert limited["uuid"] == play["uuid"]
    blocked = failure(empty, "storage", "model", "remove", model["uuid"])
    assert blocked["errorMessage"] == "Model has related workflows."
    assert empty.ok("orchestration", "play", "remove", play["uuid"]) == {}
    assert failure(empty, "orchestration", "play", "get", play["uuid"])["errorMessage"] == "Play not found."
    assert empty.ok("storage", "model", "remove", model["uuid"]) == {}


def test_a_batch_over_a_bootstrapped_segment_runs_each_of_its_records(empty: Cli) -> None:
    columns = [{"slug": "id", "type": "string"}, {"slug": "domain", "type": "string"},
               {"slug": "country", "type": "string"}]  # fmt: skip
    uuid = empty.ok(*model_args(seed.DATASET, "prospects", columns))["model"]["uuid"]
    records = [
        {"id": f"p{i}", "domain": f"p{i}.example.com", "country": "FR" if i < 4 else "US"} for i in range(6)
    ]
    empty.ok("storage", "record", "create-bulk", "--model-uuid", uuid, "--records",
             j([{"data": r} for r in records]))  # fmt: skip
    segment = empty.ok("segmentation", "segment", "create", "--model-uuid", uuid, "--name", "FR prospects",
                       "--filter", j(FRENCH))["segment"]  # fmt: skip
    play = empty.ok("orchestration", "play", "create", "--model-uuid", uuid, "--name", "Enrich FR")["play"]
    empty.ok("orchestration", "release", "deploy-draft", "--workflow-uuid", play["workflowUuid"], "--nodes",
             j(seed.enrichment_nodes("bootstrap")))  # fmt: skip
    batch = empty.ok("orchestration", "batch", "create", "--workflow-uuid", play["workflowUuid"], "--data",
                     j({"kind": "segment", "segmentUuid": segment["uuid"]}), *POLL)["batch"]  # fmt: skip
    french = [r for r in records if r["country"] == "FR"]
    assert batch["status"] == "success" and batch["runsCount"] == len(french) == segment["recordsCount"]
    runs = empty.ok("orchestration", "run", "list", "--workflow-uuid", play["workflowUuid"], "--limit", "50")
    assert sorted(r["recordId"] for r in runs["runs"]) == sorted(r["id"] for r in french)
    assert {r["status"] for r in runs["runs"]} == {"success"}


def test_the_demo_segment_lists_its_first_sync(cli: Cli) -> None:
    listed = cli.ok("segmentation", "change", "list", "--segment-uuid", seed.SEGMENT_FR)["changes"]
    first = listed[-1]  # newest first: other tests may have written companies since
    assert first["addedRecordsCount"] == first["totalRecordsCount"] > 0
    added = cli.ok(
        "segmentation", "change", "fetch", "--uuid", first["uuid"], "--kinds", "added", "--limit", "500"
    )
    assert all(r["country"] == "FR" and r["industry"] == "Software" for r in added["records"])
    assert len(added["records"]) == added["count"] == first["addedRecordsCount"]
