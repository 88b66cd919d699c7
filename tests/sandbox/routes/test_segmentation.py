"""segmentation writes: segments and the changes recorded for them."""

from __future__ import annotations

from typing import Any

from cargo_cli.sandbox import seed
from cargo_cli.sandbox.entities import fields_of
from tests.sandbox.conftest import Api
from tests.sandbox.routes.conftest import call, ok

BIG = {"conjonction": "and", "groups": [{"conjonction": "and", "conditions": [
    {"kind": "number", "columnSlug": "size", "operator": "greaterThan", "value": 10}]}]}  # fmt: skip


def model_with(api: Api, slug: str, records: list[dict[str, Any]]) -> str:
    config = {"columns": [{"slug": "id", "type": "string"}, {"slug": "size", "type": "number"},
                          {"slug": "note", "type": "string"}]}  # fmt: skip
    uuid = ok(api, "POST", "/storage/models", {"extractorSlug": "native", "datasetUuid": seed.DATASET, "slug": slug, "name": slug,
                                               "config": config})["model"]["uuid"]  # fmt: skip
    ok(api, "POST", "/storage/records/createBulk", {"modelUuid": uuid, "records": records})
    return str(uuid)


def changes(api: Api, segment: str) -> list[dict[str, Any]]:
    return ok(api, "GET", "/segmentation/changes/list", params={"segmentUuid": segment})["changes"]  # type: ignore[no-any-return]


def kinds(change: dict[str, Any]) -> tuple[int, int, int, int, int]:
    return (change["totalRecordsCount"], change["addedRecordsCount"], change["updatedRecordsCount"],
            change["removedRecordsCount"], change["unchangedRecordsCount"])  # fmt: skip


def test_segment_writes_record_changes_that_list_get_and_fetch(api: Api) -> None:
    model = model_with(api, "shops", [{"id": f"s{i}", "size": i * 5, "note": "x"} for i in range(1, 6)])
    created = ok(
        api, "POST", "/segmentation/segments", {"name": "Big shops", "modelUuid": model, "filter": BIG}
    )
    segment = created["segment"]
    assert list(segment)[: len(fields_of("segmentation.Segment"))] == [
        f.name for f in fields_of("segmentation.Segment")
    ]
    assert segment["recordsCount"] == 3 and segment["slug"] == "big-shops"  # s3, s4, s5
    (first,) = changes(api, segment["uuid"])
    assert kinds(first) == (3, 3, 0, 0, 0) and segment["lastChange"]["uuid"] == first["uuid"]
    assert list(first) == [f.name for f in fields_of("segmentation.Change")]
    # Record writes move the membership: one added, one updated, one removed.
    ok(api, "POST", "/storage/records/create", {"modelUuid": model, "data": {"id": "s9", "size": 90}})
    ok(api, "PUT", "/storage/records/update", {"modelUuid": model, "id": "s4", "data": {"note": "changed"}})
    ok(api, "DELETE", "/storage/records/remove", {"modelUuid": model, "id": "s5"})
    ok(api, "PUT", "/storage/records/update", {"modelUuid": model, "id": "s1", "data": {"note": "outside"}})
    latest = changes(api, segment["uuid"])
    assert [kinds(c) for c in latest] == [(3, 0, 0, 1, 3), (4, 0, 1, 0, 3), (4, 1, 0, 0, 3), (3, 3, 0, 0, 0)]
    removal = latest[0]
    assert ok(api, "GET", f"/segmentation/changes/{removal['uuid']}")["change"] == removal
    fetched = ok(api, "POST", f"/segmentation/changes/{removal['uuid']}/fetch", {"kinds": ["removed"]})
    assert (
        fetched["count"] == 1 and fetched["records"][0]["id"] == "s5" and fetched["records"][0]["size"] == 25
    )
    assert [c["slug"] for c in fetched["columns"]] == ["id", "size", "note"]
    gotten = ok(api, "GET", f"/segmentation/segments/{segment['uuid']}")["segment"]
    assert gotten["recordsCount"] == 3 and gotten["lastChange"]["uuid"] == removal["uuid"]
    # An update of the filter is a sync too.
    wider = {**BIG, "groups": [{**BIG["groups"][0], "conditions": [{**BIG["groups"][0]["conditions"][0],
                                                                     "value": 0}]}]}  # fmt: skip
    updated = ok(
        api, "PUT", f"/segmentation/segments/{segment['uuid']}", {"filter": wider, "name": "All shops"}
    )
    assert updated["segment"]["recordsCount"] == 5 and updated["segment"]["name"] == "All shops"
    assert kinds(changes(api, segment["uuid"])[0]) == (5, 2, 0, 0, 3)
    limited = ok(
        api, "GET", "/segmentation/changes/list", params={"segmentUuid": segment["uuid"], "limit": "2"}
    )
    assert len(limited["changes"]) == 2


def test_segment_references_and_removal_use_the_documented_texts(api: Api) -> None:
    bad = call(api, "POST", "/segmentation/segments", {"name": "Bad", "modelUuid": seed.COMPANIES,
                                                       "filter": {"conjonction": "xor", "groups": []}})  # fmt: skip
    assert (
        bad[0] == 400 and bad[1]["errorMessage"] == "Invalid filter." and bad[1]["reason"] == "invalidFilter"
    )
    assert "conjonction" in bad[1]["cause"]
    missing = call(api, "PUT", "/segmentation/segments/nope", {"name": "x"})
    assert missing == (404, {"errorMessage": "Segment not found.", "reason": "segmentNotFound"})
    segment = ok(api, "POST", "/segmentation/segments", {"name": "Tmp", "modelUuid": seed.COMPANIES,
                                                          "filter": seed.DEMO_FILTER})["segment"]  # fmt: skip
    assert ok(api, "DELETE", f"/segmentation/segments/{segment['uuid']}", {}) == {}
    again = call(api, "DELETE", f"/segmentation/segments/{segment['uuid']}", {})
    assert again == (400, {"errorMessage": "Segment is already removed", "reason": "segmentAlreadyRemoved"})
    assert segment["uuid"] not in [
        s["uuid"] for s in ok(api, "GET", "/segmentation/segments/list")["segments"]
    ]
    fetch = call(api, "POST", "/segmentation/changes/nope/fetch", {"kinds": ["added"]})
    assert fetch == (404, {"errorMessage": "Change not found.", "reason": "changeNotFound"})


def test_change_records_are_the_records_as_the_api_answers_them(api: Api) -> None:
    everything = {"conjonction": "and", "groups": []}
    segment = ok(api, "POST", "/segmentation/segments", {"name": "All companies", "modelUuid": seed.COMPANIES,
                                                          "filter": everything})["segment"]  # fmt: skip
    (change,) = changes(api, segment["uuid"])
    fetched = ok(
        api, "POST", f"/segmentation/changes/{change['uuid']}/fetch", {"kinds": ["added"], "limit": 3}
    )
    assert fetched["count"] == change["addedRecordsCount"] == segment["recordsCount"]
    for record in fetched["records"]:  # dates in ISO 8601, arrays and objects as JSON
        same = ok(
            api, "GET", "/storage/records/get", params={"modelUuid": seed.COMPANIES, "id": record["id"]}
        )
        assert record == same["record"]
    ok(api, "DELETE", f"/segmentation/segments/{segment['uuid']}", {})


def test_the_demo_segment_has_its_first_sync_as_a_change(api: Api) -> None:
    first = changes(api, seed.SEGMENT_FR)[-1]  # oldest last
    assert (
        first["addedRecordsCount"] == first["totalRecordsCount"] > 0 and first["unchangedRecordsCount"] == 0
    )
