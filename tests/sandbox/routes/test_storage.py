"""storage writes: models, columns, records, relationships, as the platform
answers them (every field of the entity, the documented reasons)."""

from __future__ import annotations

from typing import Any

from cargo_cli.sandbox import seed
from cargo_cli.sandbox.entities import fields_of
from tests.sandbox.conftest import Api
from tests.sandbox.routes.conftest import call, ok


def refused(api: Api, method: str, path: str, body: Any = None, **kwargs: Any) -> tuple[int, dict[str, Any]]:
    status, answer = call(api, method, path, body, **kwargs)
    assert status >= 400, answer
    return status, {k: answer[k] for k in ("errorMessage", "reason")}


def new_model(api: Api, slug: str, columns: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    config: dict[str, Any] = {} if columns is None else {"columns": columns}
    model = ok(api, "POST", "/storage/models", {"extractorSlug": "native", "datasetUuid": seed.DATASET, "slug": slug, "name": slug.title(),
                                                "config": config})["model"]  # fmt: skip
    return model  # type: ignore[no-any-return]


def test_model_create_answers_every_field_and_is_listed_queryable_and_unique(api: Api) -> None:
    model = new_model(api, "leads")
    assert list(model)[: len(fields_of("storage.Model"))] == [f.name for f in fields_of("storage.Model")]
    assert model["datasetUuid"] == seed.DATASET and model["idColumnSlug"] == "id"
    assert [c["slug"] for c in model["columns"]] == ["id"] and model["kind"] == "native"
    assert model["uuid"] in [m["uuid"] for m in ok(api, "GET", "/storage/models/list")["models"]]
    exists = ok(
        api, "GET", "/storage/models/existsBySlug", params={"slug": "leads", "datasetUuid": seed.DATASET}
    )
    assert exists == {"exists": True}
    absent = ok(
        api, "GET", "/storage/models/existsBySlug", params={"slug": "nope", "datasetUuid": seed.DATASET}
    )
    assert absent == {"exists": False}
    assert ok(api, "POST", "/storage/query", {"query": "SELECT count(*) AS n FROM crm.leads"})["rows"] == [
        {"n": 0}
    ]
    again = refused(
        api,
        "POST",
        "/storage/models",
        {"extractorSlug": "native", "datasetUuid": seed.DATASET, "slug": "leads", "name": "x", "config": {}},
    )
    assert again == (409, {"errorMessage": "Slug is already used.", "reason": "duplicateSlug"})


def test_model_references_are_checked_with_the_documented_texts(api: Api) -> None:
    assert refused(api, "POST", "/storage/models", {"extractorSlug": "native", "datasetUuid": "nope", "slug": "a", "name": "A", "config": {}}) == (
        404, {"errorMessage": "Dataset not found.", "reason": "datasetNotFound"})  # fmt: skip
    folder = refused(
        api,
        "POST",
        "/storage/models",
        {
            "extractorSlug": "native",
            "datasetUuid": seed.DATASET,
            "slug": "b",
            "name": "B",
            "config": {},
            "folderUuid": "x",
        },
    )
    assert folder == (404, {"errorMessage": "Folder not found.", "reason": "folderNotFound"})
    assert refused(api, "GET", "/storage/models/nope") == (
        404, {"errorMessage": "Model not found.", "reason": "modelNotFound"})  # fmt: skip
    column = {"modelUuid": "nope", "column": {"slug": "x", "type": "string", "label": "X", "kind": "custom"}}
    assert refused(api, "POST", "/storage/columns", column) == (
        404, {"errorMessage": "Model not found.", "reason": "modelNotFound"})  # fmt: skip
    assert (
        refused(api, "POST", "/storage/records/create", {"modelUuid": "nope", "data": {"id": "1"}})[1][
            "reason"
        ]
        == "modelNotFound"
    )


def test_model_create_requires_the_fields_the_platform_requires(api: Api) -> None:
    body = {"extractorSlug": "native", "datasetUuid": seed.DATASET, "slug": "c", "name": "C", "config": {}}
    for field in ("slug", "name", "datasetUuid", "extractorSlug", "config"):
        status, answer = call(api, "POST", "/storage/models", {k: v for k, v in body.items() if k != field})
        assert status == 400 and answer["reason"] == "invalidPayload" and field in answer["errorMessage"]


def test_model_update_remove_and_its_guards(api: Api) -> None:
    model = new_model(api, "scratch")
    renamed = ok(api, "PUT", f"/storage/models/{model['uuid']}", {"name": "Scratch pad"})["model"]
    assert renamed["name"] == "Scratch pad" and renamed["slug"] == "scratch"
    segment = ok(api, "POST", "/segmentation/segments", {"name": "All scratch", "modelUuid": model["uuid"],
                                                          "filter": {"conjonction": "and", "groups": []}})  # fmt: skip
    assert refused(api, "DELETE", f"/storage/models/{model['uuid']}", {}) == (
        400, {"errorMessage": "Model has related segments.", "reason": "hasSegments"})  # fmt: skip
    ok(api, "DELETE", f"/segmentation/segments/{segment['segment']['uuid']}", {})
    ok(api, "DELETE", f"/storage/models/{model['uuid']}", {})
    assert refused(api, "GET", f"/storage/models/{model['uuid']}")[0] == 404
    gone = call(api, "POST", "/storage/query", {"query": "SELECT * FROM crm.scratch"})
    assert gone[0] == 400 and "scratch" in gone[1]["errorMessage"]
    assert refused(api, "DELETE", f"/storage/models/{seed.COMPANIES}", {})[1]["reason"] == "hasWorkflows"


def test_columns_create_update_reorder_remove_reach_records_sql_and_ddl(api: Api) -> None:
    model = new_model(api, "accounts", [{"slug": "id", "type": "string"}, {"slug": "name", "type": "string"}])
    uuid = model["uuid"]
    custom = {"slug": "score", "type": "number", "label": "Score", "kind": "custom"}
    assert ok(api, "POST", "/storage/columns", {"modelUuid": uuid, "column": custom}) == {}
    assert refused(api, "POST", "/storage/columns", {"modelUuid": uuid, "column": custom}) == (
        409, {"errorMessage": "Column slug is already used.", "reason": "duplicateSlug"})  # fmt: skip
    got = ok(api, "GET", f"/storage/models/{uuid}")["model"]
    assert got["additionalColumns"] == [{**custom, "properties": None, "description": None}]
    exists = ok(api, "GET", "/storage/columns/existsBySlug", params={"slug": "score", "modelUuid": uuid})
    assert exists == {"exists": True}
    ok(
        api,
        "POST",
        "/storage/records/create",
        {"modelUuid": uuid, "data": {"id": "a1", "name": "A", "score": 7}},
    )
    rows = ok(api, "POST", "/storage/query", {"query": "SELECT id, score FROM crm.accounts"})["rows"]
    assert rows == [{"id": "a1", "score": 7}]
    ddl = ok(api, "GET", f"/storage/models/{uuid}/ddl")
    assert ddl == {"ddl": 'CREATE TABLE crm.accounts (\n  "id" VARCHAR,\n  "name" VARCHAR,\n  "score" DOUBLE\n);',
                   "language": "sql"}  # fmt: skip
    ok(
        api,
        "PUT",
        "/storage/columns",
        {"modelUuid": uuid, "column": {**custom, "type": "string", "label": "S"}},
    )
    record = ok(api, "GET", "/storage/records/get", params={"modelUuid": uuid, "id": "a1"})["record"]
    assert record["score"] == "7.0"
    ok(api, "PUT", "/storage/columns/reorder", {"modelUuid": uuid, "columnSlug": "name", "toIndex": 0})
    assert [c["slug"] for c in ok(api, "GET", "/storage/columns/list", params={"modelUuid": uuid})["columns"]] == [
        "name", "id", "score"]  # fmt: skip
    assert refused(
        api, "PUT", "/storage/columns/reorder", {"modelUuid": uuid, "columnSlug": "name", "toIndex": 5}
    )[1] == {"errorMessage": "Invalid index.", "reason": "invalidIndex"}
    ok(api, "DELETE", "/storage/columns", {"modelUuid": uuid, "columnSlug": "score"})
    assert refused(api, "DELETE", "/storage/columns", {"modelUuid": uuid, "columnSlug": "score"}) == (
        404, {"errorMessage": "Column not found.", "reason": "columnNotFound"})  # fmt: skip
    assert (
        "score"
        not in ok(api, "GET", "/storage/records/get", params={"modelUuid": uuid, "id": "a1"})["record"]
    )


def test_records_create_update_remove_and_bulk(api: Api) -> None:
    model = new_model(api, "people", [{"slug": "id", "type": "string"}, {"slug": "age", "type": "number"},
                                      {"slug": "seen", "type": "date"}, {"slug": "tags", "type": "array"}])  # fmt: skip
    uuid = model["uuid"]
    one = ok(api, "POST", "/storage/records/create", {"modelUuid": uuid, "data": {"id": "p1", "age": 30,
                                                                                   "extra": "dropped"}})  # fmt: skip
    assert one == {"record": {"id": "p1", "age": 30, "seen": None, "tags": None}}
    bulk = ok(api, "POST", "/storage/records/createBulk", {"modelUuid": uuid, "records": [
        {"id": "p2", "age": 41, "seen": "2026-03-01T10:00:00Z", "tags": ["a"]}, {"data": {"id": "p3"}}]})  # fmt: skip
    assert [r["id"] for r in bulk["records"]] == ["p2", "p3"]
    assert bulk["records"][0]["seen"] == "2026-03-01T10:00:00.000Z" and bulk["records"][0]["tags"] == ["a"]
    updated = ok(api, "PUT", "/storage/records/update", {"modelUuid": uuid, "id": "p1", "data": {"age": 31}})
    assert updated == {"record": {"id": "p1", "age": 31, "seen": None, "tags": None}}
    assert refused(api, "PUT", "/storage/records/update", {"modelUuid": uuid, "id": "nope", "data": {"age": 1}}) == (
        404, {"errorMessage": "Record not found.", "reason": "recordNotFound"})  # fmt: skip
    many = ok(api, "PUT", "/storage/records/updateBulk", {"modelUuid": uuid, "records": [
        {"id": "p2", "age": 42}, {"id": "p3", "tags": []}, {"id": "ghost", "age": 1}]})  # fmt: skip
    assert [(r["id"], r["age"], r["tags"]) for r in many["records"]] == [("p2", 42, ["a"]), ("p3", None, [])]
    by_age = ok(api, "POST", "/storage/records/list", {"modelUuid": uuid, "sort": [{"columnSlug": "age",
                                                                                  "kind": "desc"}]})  # fmt: skip
    assert [r["id"] for r in by_age["records"]] == ["p2", "p1", "p3"]  # nulls last
    bad = call(
        api, "POST", "/storage/records/create", {"modelUuid": uuid, "data": {"id": "p9", "age": "old"}}
    )
    assert bad[0] == 400 and "age must be a number" in bad[1]["errorMessage"]
    for value in ("NaN", "inf", True, {"n": 1}):
        wrong = call(
            api, "POST", "/storage/records/create", {"modelUuid": uuid, "data": {"id": "p9", "age": value}}
        )
        assert wrong[0] == 400 and wrong[1]["errorMessage"].startswith("age must be a number"), wrong
    for value in ("yesterday", 10**20, [1]):
        wrong = call(
            api, "POST", "/storage/records/create", {"modelUuid": uuid, "data": {"id": "p9", "seen": value}}
        )
        assert wrong[0] == 400 and wrong[1]["errorMessage"].startswith("seen must be a date"), wrong
    epoch = ok(
        api,
        "POST",
        "/storage/records/create",
        {"modelUuid": uuid, "data": {"id": "p9", "seen": 1767225600000}},
    )
    assert epoch["record"]["seen"] == "2026-01-01T00:00:00.000Z"
    ok(api, "DELETE", "/storage/records/remove", {"modelUuid": uuid, "id": "p9"})
    ok(api, "DELETE", "/storage/records/remove", {"modelUuid": uuid, "id": "p1"})
    ok(api, "DELETE", "/storage/records/removeBulk", {"modelUuid": uuid, "ids": ["p2", "ghost"]})
    rows = ok(api, "POST", "/storage/query", {"query": "SELECT id FROM crm.people ORDER BY id"})["rows"]
    assert rows == [{"id": "p3"}]
    replaced = ok(api, "POST", "/storage/records/create", {"modelUuid": uuid, "data": {"id": "p3", "age": 5}})
    assert replaced["record"] == {"id": "p3", "age": 5, "seen": None, "tags": None}  # same id: replaced
    assert ok(api, "POST", "/storage/query", {"query": "SELECT count(*) AS n FROM crm.people"})["rows"] == [
        {"n": 1}
    ]


def test_relationships_set_replace_get_and_metric_and_lookup_columns(api: Api) -> None:
    orgs = new_model(api, "orgs", [{"slug": "id", "type": "string"}, {"slug": "name", "type": "string"}])
    users = new_model(api, "users", [{"slug": "id", "type": "string"}, {"slug": "org_id", "type": "string"},
                                     {"slug": "seats", "type": "number"}])  # fmt: skip
    ok(api, "POST", "/storage/records/createBulk", {"modelUuid": orgs["uuid"], "records": [
        {"id": "o1", "name": "Acme"}, {"id": "o2", "name": "Globex"}]})  # fmt: skip
    ok(api, "POST", "/storage/records/createBulk", {"modelUuid": users["uuid"], "records": [
        {"id": "u1", "org_id": "o1", "seats": 2}, {"id": "u2", "org_id": "o1", "seats": 3},
        {"id": "u3", "org_id": "o2", "seats": 1}]})  # fmt: skip
    link = {"fromModelUuid": users["uuid"], "fromColumnSlug": "org_id", "toModelUuid": orgs["uuid"],
            "toColumnSlug": "id", "relation": "manyToOne"}  # fmt: skip
    (relationship,) = ok(api, "POST", "/storage/relationships", {"datasetUuid": seed.DATASET,
                                                                  "relationships": [link]})["relationships"]  # fmt: skip
    assert [f.name for f in fields_of("storage.Relationship")] == list(relationship)
    assert relationship["fromDatasetUuid"] == seed.DATASET and relationship["fromPropertySlug"] is None
    assert ok(api, "GET", f"/storage/relationships/{relationship['uuid']}")["relationship"] == relationship
    listed = ok(api, "GET", "/storage/relationships/list", params={"modelUuid": orgs["uuid"]})[
        "relationships"
    ]
    assert [r["uuid"] for r in listed] == [relationship["uuid"]]
    bad = {"datasetUuid": seed.DATASET, "relationships": [{**link, "toColumnSlug": "nope"}]}
    assert refused(api, "POST", "/storage/relationships", bad)[1] == {
        "errorMessage": "Invalid relationships.", "reason": "invalidRelationships"}  # fmt: skip
    metric = {"slug": "seats_total", "type": "number", "label": "Seats", "kind": "metric",
              "relationshipUuid": relationship["uuid"], "aggregation": {"function": "SUM", "columnSlug": "seats"}}  # fmt: skip
    ok(api, "POST", "/storage/columns", {"modelUuid": orgs["uuid"], "column": metric})
    lookup = {"slug": "org_name", "type": "string", "label": "Org", "kind": "lookup", "extractColumnSlug": "name",
              "join": {"toModelUuid": orgs["uuid"], "fromColumnSlug": "org_id", "toColumnSlug": "id"}}  # fmt: skip
    ok(api, "POST", "/storage/columns", {"modelUuid": users["uuid"], "column": lookup})
    computed = {"slug": "label", "type": "string", "label": "Label", "kind": "computed",
                "expression": {"kind": "templateExpression", "instructTo": "none", "expression": "{{id}}@{{org_id}}"}}  # fmt: skip
    ok(api, "POST", "/storage/columns", {"modelUuid": users["uuid"], "column": computed})
    ai = {**computed, "slug": "ai", "expression": {**computed["expression"], "instructTo": "ai"}}
    assert refused(api, "POST", "/storage/columns", {"modelUuid": users["uuid"], "column": ai})[1] == {
        "errorMessage": "AI expression is not allowed.", "reason": "aiExpressionNotAllowed"}  # fmt: skip
    sql = "SELECT o.id, o.seats_total, count(u.id) AS users FROM crm.orgs o JOIN crm.users u ON u.org_name = o.name "
    rows = ok(api, "POST", "/storage/query", {"query": sql + "GROUP BY ALL ORDER BY o.id"})["rows"]
    assert rows == [{"id": "o1", "seats_total": 5, "users": 2}, {"id": "o2", "seats_total": 1, "users": 1}]
    # A write to the measured model moves the metric.
    ok(api, "POST", "/storage/records/create", {"modelUuid": users["uuid"], "data": {"id": "u4", "org_id": "o2",
                                                                                      "seats": 10}})  # fmt: skip
    record = ok(api, "GET", "/storage/records/get", params={"modelUuid": orgs["uuid"], "id": "o2"})["record"]
    assert record["seats_total"] == 11
    labels = ok(api, "POST", "/storage/query", {"query": "SELECT label FROM crm.users WHERE id = 'u1'"})[
        "rows"
    ]
    assert labels == [{"label": "u1@o1"}]
    # The set is replaced: passing none removes it.
    assert ok(api, "POST", "/storage/relationships", {"datasetUuid": seed.DATASET, "relationships": []}) == {
        "relationships": []}  # fmt: skip
    assert refused(api, "GET", f"/storage/relationships/{relationship['uuid']}") == (
        404, {"errorMessage": "Relationship not found.", "reason": "relationshipNotFound"})  # fmt: skip


def test_gets_of_unknown_things_answer_the_platforms_texts(api: Api) -> None:
    assert refused(api, "GET", "/storage/datasets/nope") == (
        404, {"errorMessage": "Dataset not found.", "reason": "datasetNotFound"})  # fmt: skip
    assert refused(api, "GET", "/segmentation/segments/nope") == (
        404, {"errorMessage": "Segment not found.", "reason": "segmentNotFound"})  # fmt: skip
    assert refused(api, "GET", "/storage/records/get", params={"modelUuid": seed.COMPANIES, "id": "nope"}) == (
        404, {"errorMessage": "Record not found.", "reason": "recordNotFound"})  # fmt: skip


def test_datasets_answer_every_field(api: Api) -> None:
    (dataset,) = ok(api, "GET", "/storage/datasets/list")["datasets"]
    assert dataset["uuid"] == seed.DATASET and dataset["kind"] == "native" and dataset["deletedAt"] is None
    assert set(f.name for f in fields_of("storage.Dataset")) <= set(dataset)
