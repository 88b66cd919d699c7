"""Help examples copied verbatim (placeholders filled in from the demo seed)
do what they say against the sandbox: the examples whose requests the API
would refuse for a missing field are caught here, not by the user."""

from __future__ import annotations

import re
import shlex

import pytest

from cargo_cli.cli.help import examples_for
from tests.e2e.sandbox.conftest import Cli

pytestmark = pytest.mark.e2e


def _filled(example: str, values: dict[str, str]) -> list[str]:
    line = re.sub(r"<([^<>]+)>", lambda m: values[m.group(1)], example)
    return shlex.split(line)[1:]


@pytest.mark.parametrize("path", ["orchestration play create", "api"])
def test_examples_run_against_the_sandbox(cli: Cli, path: str) -> None:
    models = cli.ok("storage", "model", "list")["models"]
    tool = cli.ok("orchestration", "tool", "list")["tools"][0]
    values = {"model-uuid": models[0]["uuid"], "workflow-uuid": tool["workflowUuid"], "run-uuid": "x"}
    for example in examples_for(path):
        if path == "api" and ("<run-uuid>" in example or "@" in example or "--list" in example):
            continue  # a run of its own / a file: covered by test_doctor_api_e2e
        cli.ok(*_filled(example, values))
