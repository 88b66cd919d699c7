"""The answer models read what the CLI needs and never fail on the rest."""

from __future__ import annotations

import pytest

from cargo_cli.api.models import DownloadAnswer, Node, RecordsPage, RunAnswer, Status, entity, items, read


def test_extra_fields_are_kept_and_misfits_give_none():
    run = read(RunAnswer, {"run": {"uuid": "r", "status": "success", "new": {"x": 1}}, "more": 2})
    assert run is not None and (run.run.uuid, run.run.status) == ("r", "success")
    assert run.run.model_extra == {"new": {"x": 1}}
    assert read(RunAnswer, {"run": "not an object"}) is None
    assert read(RunAnswer, ["a list"]) is None
    assert read(RecordsPage, {"records": None}) is None


def test_run_executions_that_do_not_fit_are_skipped():
    answer = read(
        RunAnswer,
        {
            "run": {
                "executions": [{"nodeUuid": "a", "status": "error"}, "junk", {"status": 5}],
                "releaseUuid": "x",
            }
        },
    )
    assert answer is not None
    assert [(e.node_uuid, e.status) for e in answer.run.executions] == [("a", "error")]
    assert answer.run.release_uuid == "x"


@pytest.mark.parametrize(
    ("answer", "targets"),
    [
        ({"url": "https://s/1"}, ["https://s/1"]),
        ({"urls": ["https://s/1", "https://s/2"], "url": "ignored"}, ["https://s/1", "https://s/2"]),
        ({"urls": "https://s/1"}, ["https://s/1"]),
        ({"urls": []}, []),
        ({"url": ""}, []),
        ({}, []),
    ],
)
def test_download_answer_targets(answer, targets):
    found = read(DownloadAnswer, answer)
    assert found is not None and found.targets() == targets


def test_entity_reads_one_field_of_an_envelope():
    assert entity({"batch": {"uuid": "b", "status": "running"}}, "batch", Status) == Status(
        uuid="b", status="running"
    )
    assert entity({"batch": {"uuid": 3}}, "batch", Status) is None
    assert entity("text", "batch", Status) is None
    assert entity({}, "batch", Status) is None


def test_items_reads_a_page_array():
    assert items({"runs": [{"uuid": "r"}], "count": 1}, "runs") == [{"uuid": "r"}]
    assert items({"runs": None}, "runs") is None
    assert items({"runs": {"a": 1}}, "runs") is None
    assert items([], "runs") is None


def test_a_node_reads_by_wire_name_and_odd_shapes_read_as_absent():
    node = read(
        Node,
        {
            "uuid": "n1", "kind": "native", "actionSlug": "branch", "toolUuid": "t", "config": {"x": 1},
            "childrenUuids": ["a", None, {"odd": 1}], "fallbackChildUuid": "b", "action_slug": "not read",
        },
    )  # fmt: skip
    assert node is not None
    assert (node.uuid, node.kind, node.action_slug, node.tool_uuid, node.fallback_child_uuid) == (
        "n1", "native", "branch", "t", "b",
    )  # fmt: skip
    assert node.config == {"x": 1} and node.children_uuids == ["a", None, {"odd": 1}]
    assert node.model_extra == {"action_slug": "not read"}  # wire names only
    odd = read(Node, {"uuid": 5, "config": ["a"], "childrenUuids": "u2", "fallbackChildUuid": "", "name": 3})
    assert odd is not None
    assert (odd.uuid, odd.config, odd.children_uuids, odd.fallback_child_uuid, odd.name) == (
        None,
        {},
        [],
        None,
        3,
    )
    assert read(Node, {"uuid": ""}) == read(Node, {}) and read(Node, {}).uuid is None
    assert read(Node, "not a node") is None and read(Node, None) is None
