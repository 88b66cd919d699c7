"""scripts/gen_examples.py: the rows' help examples against the pinned spec
(`make docs-check`); a change of the spec's examples fails the check."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "gen_examples.py"
SPEC = ROOT / "spec" / "commands.json"


def check(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--check", *argv],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def changed_spec(tmp_path: Path, path: list[str], change) -> Path:
    spec = json.loads(SPEC.read_text())
    command = next(c for c in spec["commands"] if c["path"] == path)
    change(command)
    target = tmp_path / "commands.json"
    target.write_text(json.dumps(spec))
    return target


def test_the_rows_match_the_pinned_spec():
    result = check()
    assert (result.returncode, result.stderr) == (0, "")


def test_a_changed_spec_example_is_caught(tmp_path):
    def rename_the_agent(command):
        flag = next(f for f in command["flags"] if f["name"] == "--name")
        flag["example_values"] = ["Market Mapper"]

    spec = changed_spec(tmp_path, ["ai", "agent", "create"], rename_the_agent)
    result = check("--spec", str(spec))
    assert result.returncode == 1
    assert (
        "ai agent create: the row's examples do not start with the spec's; put these first:\n"
        in result.stderr
    )
    assert "    \"cargo-ai ai agent create --name 'Market Mapper'\",\n" in result.stderr
    assert "1 command(s) drift" in result.stderr


def test_a_change_under_a_replaced_row_is_caught_too(tmp_path):
    spec = changed_spec(tmp_path, ["storage", "model", "list"], lambda c: c["flags"].clear())
    result = check("--spec", str(spec))
    assert result.returncode == 1
    assert "storage model list: the spec's examples changed; review the row" in result.stderr
    assert '"cargo-ai storage model list",' in result.stderr
