"""Completion through the INSTALLED entry point: the script a shell would
source, and the protocol call it makes back into cargo-ai."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.e2e


def test_the_bash_script_and_the_protocol_round_trip(run_cli: Any) -> None:
    script = run_cli("completion", "bash")
    assert script.code == 0
    assert "_CARGO_AI_COMPLETE=bash_complete" in script.out
    env = {"_CARGO_AI_COMPLETE": "bash_complete", "COMP_WORDS": "cargo-ai segmentation change fetch --kinds a",
           "COMP_CWORD": "5"}  # fmt: skip
    done = run_cli(env=env)
    assert done.code == 0, done.err
    assert done.out.splitlines() == ["plain,added"]
    assert done.err == ""


def test_flags_of_a_verb(run_cli: Any) -> None:
    env = {
        "_CARGO_AI_COMPLETE": "fish_complete",
        "COMP_WORDS": "cargo-ai orchestration run create --ex",
        "COMP_CWORD": "--ex",
    }  # fmt: skip (fish passes the word being completed)
    done = run_cli(env=env)
    assert done.code == 0, done.err
    assert done.out.splitlines()[0].startswith("plain,--exit-status")
