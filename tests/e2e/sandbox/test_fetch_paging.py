"""``segment fetch --all`` with the installed CLI: keyset pages give the
sorted model, record for record (expected: ``storage record list --all``
sorted here in Python). Speed is measured by ``make bench``, not here."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from cargo_cli.sandbox import seed
from tests.e2e.sandbox.conftest import Cli, start
from tests.sandbox.test_paging import expected

pytestmark = pytest.mark.e2e
EVERYTHING = json.dumps({"conjonction": "and", "groups": []})
BIG = 5000


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cli]:
    yield from start(tmp_path_factory.mktemp("paging"), ["--speed", "100", "--seed-records", str(BIG)])


def fetch_all(cli: Cli, model: str, size: int, sort: list[dict[str, str]]) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = cli.ok(
        "segmentation", "segment", "fetch", "--model-uuid", model, "--filter", EVERYTHING,
        "--sort", json.dumps(sort), "--all", "--fetching-limit", str(size),
    )  # fmt: skip
    return records


@pytest.mark.parametrize(
    "sort",
    [[{"columnSlug": "domain", "kind": "desc"}],
     [{"columnSlug": "country", "kind": "asc"}, {"columnSlug": "created_at", "kind": "desc"}]],
)  # fmt: skip
def test_small_pages_walk_the_sorted_model(cli: Cli, sort: list[dict[str, str]]) -> None:
    records = cli.ok("storage", "record", "list", "--model-uuid", seed.COMPANIES, "--all")
    walked = fetch_all(cli, seed.COMPANIES, 7, sort)
    assert [r["id"] for r in walked] == expected(records, sort)
    by_id = {r["id"]: r for r in records}
    assert all(r == by_id[r["id"]] for r in walked)


def test_thousand_record_pages_of_a_big_model(big: Cli) -> None:
    model = seed.sid(f"model:big_companies:{BIG}")
    sort = [{"columnSlug": "employees", "kind": "desc"}]
    records = big.ok("storage", "record", "list", "--model-uuid", model, "--all")
    assert len(records) == BIG
    walked = fetch_all(big, model, 1000, sort)
    assert [r["id"] for r in walked] == expected(records, sort)
    by_id = {r["id"]: r for r in records}
    assert all(r == by_id[r["id"]] for r in walked)
