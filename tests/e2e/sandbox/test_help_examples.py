"""Help examples copied verbatim (placeholders filled in from the demo seed)
do what they say against the sandbox: the examples whose requests the API
would refuse for a missing field are caught here, not by the user."""

from __future__ import annotations

import re
import shlex

import pytest

from cargo_cli.sandbox import seed
from tests.cli.tree import examples_of
from tests.e2e.sandbox.conftest import Cli

pytestmark = pytest.mark.e2e

FILLED = {
    "model-uuid": seed.COMPANIES,
    "segment-uuid": seed.SEGMENT_FR,
    "workflow-uuid": seed.TOOL_WORKFLOW,
    "play.workflowUuid": seed.PLAY_WORKFLOW,
}


def _filled(example: str, workflow: str) -> list[str]:
    values = {**FILLED, "workflow-uuid": workflow}
    return shlex.split(re.sub(r"<([^<>]+)>", lambda m: values[m.group(1)], example))[1:]


@pytest.mark.parametrize(
    ("path", "workflow"),
    [
        ("orchestration play create", seed.TOOL_WORKFLOW),
        ("api", seed.TOOL_WORKFLOW),
        ("orchestration batch create", seed.PLAY_WORKFLOW),
        ("segmentation segment create", seed.TOOL_WORKFLOW),
        ("expression eval evaluate", seed.TOOL_WORKFLOW),
    ],
)
def test_examples_run_against_the_sandbox(cli: Cli, path: str, workflow: str) -> None:
    for example in examples_of(path):
        if re.search(r"<(data|filter|run-uuid|expression)>|@|--list", example):
            continue  # a whole JSON document or a file to write / a run of its own (test_doctor_api_e2e)
        cli.ok(*_filled(example, workflow))
