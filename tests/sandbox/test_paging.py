"""Keyset pages of ``segment fetch``: the same records, in the same order,
as sorting the whole model (computed here in Python from the records list)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pytest

from cargo_cli.sandbox import paging, seed
from cargo_cli.sandbox.routes.storage import select_records
from cargo_cli.sandbox.store import record_table
from tests.sandbox.conftest import Api

EVERYTHING = {"conjonction": "and", "groups": []}
FR = {"conjonction": "and", "groups": [{"conjonction": "and", "conditions": [
    {"kind": "string", "columnSlug": "country", "operator": "is", "values": ["FR"]}]}]}  # fmt: skip


def all_records(api: Api, model: str = seed.COMPANIES) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    while True:
        page = api.post("/storage/records/list", {"modelUuid": model, "limit": 1000, "offset": len(records)})
        records += page["records"]  # type: ignore[arg-type]
        if len(page["records"]) < 1000:  # type: ignore[arg-type]
            return records


def expected(
    records: list[dict[str, Any]], sort: list[dict[str, str]], keep: Any = lambda r: True
) -> list[str]:
    """Ids sorted as documented: each term nulls last, ties by id."""
    rows = [r for r in records if keep(r)]
    rows.sort(key=lambda r: r["id"])
    for term in reversed(sort):
        slug, desc = term["columnSlug"], term["kind"] == "desc"
        # Python's sort is stable, also with reverse=True: ties keep the order of the later terms
        present = sorted((r for r in rows if r[slug] is not None), key=lambda r: r[slug], reverse=desc)
        rows = present + [r for r in rows if r[slug] is None]
    return [r["id"] for r in rows]


def walk(api: Api, size: int, **body: Any) -> list[dict[str, Any]]:
    """Every page from offset 0, as the CLI's --all asks for them."""
    records: list[dict[str, Any]] = []
    while True:
        page = api.post("/segmentation/segments/fetch", {"modelUuid": seed.COMPANIES, "fetchingLimit": size,
                                                         "fetchingOffset": len(records), **body})  # fmt: skip
        records += page["records"]  # type: ignore[arg-type]
        if len(page["records"]) < size:  # type: ignore[arg-type]
            return records


@pytest.mark.parametrize(
    "sort",
    [
        [],
        [{"columnSlug": "country", "kind": "asc"}, {"columnSlug": "employees", "kind": "desc"}],
        [{"columnSlug": "domain", "kind": "desc"}],  # one company in seven has none: nulls last
        [{"columnSlug": "is_customer", "kind": "asc"}, {"columnSlug": "created_at", "kind": "desc"}],
    ],
)
def test_a_walk_is_the_sorted_model(api: Api, sort: list[dict[str, str]]) -> None:
    records = all_records(api)
    assert len(records) == seed.COMPANY_COUNT
    walked = walk(api, 7, filter=EVERYTHING, sort=sort)
    assert [r["id"] for r in walked] == expected(records, sort)
    by_id = {r["id"]: r for r in records}
    assert all(r == by_id[r["id"]] for r in walked), "the JSON rendering equals the records list's"


def test_a_filtered_capped_walk(api: Api) -> None:
    sort = [{"columnSlug": "arr", "kind": "desc"}]
    ids = expected(all_records(api), sort, lambda r: r["country"] == "FR")
    walked = walk(api, 5, filter=FR, sort=sort, limit=23)
    assert [r["id"] for r in walked] == ids[:23]
    page = api.post("/segmentation/segments/fetch", {"modelUuid": seed.COMPANIES, "filter": FR, "limit": 23,
                                                     "sort": sort, "fetchingLimit": 5, "fetchingOffset": 20})  # fmt: skip
    assert page["count"] == 23 and [r["id"] for r in page["records"]] == ids[20:23]  # type: ignore[union-attr]


def test_pages_after_the_first_are_keyset_reads(api: Api) -> None:
    model = api.sandbox.store.get("model", seed.COMPANIES)
    assert model is not None
    types = {str(c["slug"]): str(c["type"]) for c in model["columns"]}
    table = record_table(seed.COMPANIES)
    sort = [{"columnSlug": "industry", "kind": "asc"}]

    def page(offset: int) -> paging.Page:
        return paging.fetch_page(api.sandbox.store, table, types, "id", ("TRUE", []), sort=sort, cap=None,
                                 offset=offset, page=50)  # fmt: skip

    first, second, third = page(0), page(50), page(100)
    assert (first.keyset, second.keyset, third.keyset) == (False, True, True)
    jump = page(200)  # no cursor there: an OFFSET read, same records
    assert not jump.keyset
    offset_read = select_records_ids(api, model, sort, 100, 50)
    assert [r["id"] for r in json.loads(third.records_json)] == offset_read


def select_records_ids(api: Api, model: Mapping[str, Any], sort: Any, offset: int, size: int) -> list[str]:
    from cargo_cli.sandbox.http import Ctx

    ctx = Ctx(store=api.sandbox.store, method="POST", path="", params={}, query={}, body={},
              workspace_uuid=seed.WORKSPACE, user_uuid=seed.USER, base_url="", signer=str, speed=1.0)  # fmt: skip
    records, _ = select_records(ctx, model, sort=sort, offset=offset, page=size, count=False)
    return [str(r["id"]) for r in records]


def test_a_write_between_pages_reads_by_offset_again(api: Api) -> None:
    model = seed.CONTACTS
    before = api.post("/segmentation/segments/fetch", {"modelUuid": model, "fetchingLimit": 10})
    ids = [r["id"] for r in before["records"]]  # type: ignore[union-attr]
    api.post("/storage/records/createBulk", {"modelUuid": model, "records": [{"id": "ctc_!first"}]})
    after = api.post(
        "/segmentation/segments/fetch", {"modelUuid": model, "fetchingLimit": 10, "fetchingOffset": 10}
    )
    assert after["count"] == before["count"] + 1  # type: ignore[operator]
    assert after["records"][0]["id"] == ids[-1]  # type: ignore[index]
