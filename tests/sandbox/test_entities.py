"""The entity table is read from the spec, field for field."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cargo_cli.sandbox import entities

SPEC = Path(__file__).resolve().parents[2] / "spec" / "api-types.md"


def _spec_block(heading: str) -> list[str]:
    text = SPEC.read_text()
    block = text.split(f"#### {heading}", 1)[1].split("```ts", 1)[1].split("```", 1)[0]
    return list(dict.fromkeys(re.findall(r"^ {4}(\w+)\??:", block, flags=re.M)))


@pytest.mark.parametrize(
    ("key", "heading"),
    [
        ("orchestration.Span", "OrchestrationTypes.Span"),
        ("orchestration.Run", "OrchestrationTypes.Run"),
        ("orchestration.Batch", "OrchestrationTypes.Batch"),
        ("orchestration.Record", "OrchestrationTypes.Record"),
        ("storage.Model", "StorageTypes.Model"),
        ("segmentation.Segment", "SegmentationTypes.Segment"),
    ],
)
def test_fields_follow_the_spec_in_order(key: str, heading: str) -> None:
    assert [f.name for f in entities.fields_of(key)] == _spec_block(heading)


def test_kinds_and_nullability() -> None:
    span = {f.name: f for f in entities.fields_of("orchestration.Span")}
    assert span["executionStartedAt"].kind == "date" and not span["executionStartedAt"].nullable
    assert span["executionFinishedAt"].nullable
    assert span["executionIndex"].kind == "number"
    assert span["nodeKind"].kind == "string"  # a string-literal union
    assert span["isGroupParent"].kind == "boolean" and span["isGroupParent"].nullable
    assert span["executionStartedAt"].doc.startswith("Always set")
    run = {f.name: f for f in entities.fields_of("orchestration.Run")}
    assert run["status"].kind == "string"  # an enum (RunStatus)
    assert run["executions"].kind == "json"
    assert entities.clickhouse_type(run["createdAt"]) == "DateTime"
    assert entities.clickhouse_type(run["finishedAt"]) == "Nullable(DateTime)"
    assert entities.clickhouse_type(run["executions"]) == "String"


def test_unions_are_not_entities() -> None:
    assert "orchestration.Template" not in entities.names()
    with pytest.raises(KeyError):
        entities.fields_of("orchestration.Template")


def test_complete_fills_every_field_and_keeps_extras() -> None:
    out = entities.complete("orchestration.Trace", {"uuid": "t1", "extra": 1})
    names = [f.name for f in entities.fields_of("orchestration.Trace")]
    assert list(out) == [*names, "extra"]
    assert out["uuid"] == "t1" and out["status"] is None and out["extra"] == 1


@pytest.mark.parametrize(
    ("camel", "snake"),
    [
        ("workflowUuid", "workflow_uuid"),
        ("contextS3Filename", "context_s3_filename"),
        ("creditsUsedCount", "credits_used_count"),
        ("uuid", "uuid"),
        ("executionStartedAt", "execution_started_at"),
    ],
)
def test_snake(camel: str, snake: str) -> None:
    assert entities.snake(camel) == snake
