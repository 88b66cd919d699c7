"""scripts/check_pinned.py: the pinned spec is the shared one plus spec/additions.json."""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("check_pinned", ROOT / "scripts" / "check_pinned.py")
assert _spec and _spec.loader
check_pinned = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check_pinned)


def _shared(tmp_path: Path) -> Path:
    """A shared spec as upstream has it: the pinned one without the additions."""
    shared = tmp_path / "shared"
    shared.mkdir()
    shutil.copy(ROOT / "spec" / "api.json", shared / "api.json")
    pinned = json.loads((ROOT / "spec" / "commands.json").read_text(encoding="utf-8"))
    added = {tuple(c["path"]) for c in json.loads((ROOT / "spec" / "additions.json").read_text())["commands"]}
    pinned["commands"] = [c for c in pinned["commands"] if tuple(c["path"]) not in added]
    (shared / "commands.json").write_text(json.dumps(pinned, indent=1), encoding="utf-8")
    return shared


def test_the_additions_are_listed_and_in_the_pinned_copy(tmp_path):
    additions = json.loads((ROOT / "spec" / "additions.json").read_text())["commands"]
    assert ["ai", "mcp-client", "connect"] in [c["path"] for c in additions]
    assert check_pinned.check(_shared(tmp_path)) == []


def test_a_drift_in_commands_is_reported(tmp_path):
    shared = _shared(tmp_path)
    upstream = json.loads((shared / "commands.json").read_text())
    upstream["commands"][0]["purpose"] = "changed upstream"
    (shared / "commands.json").write_text(json.dumps(upstream))
    assert any("differs" in p for p in check_pinned.check(shared))


def test_api_json_is_compared_strictly(tmp_path):
    shared = _shared(tmp_path)
    (shared / "api.json").write_bytes((shared / "api.json").read_bytes() + b" ")
    assert any("api.json" in p for p in check_pinned.check(shared))


def test_an_addition_that_went_upstream_is_reported(tmp_path):
    shared = _shared(tmp_path)
    upstream = json.loads((shared / "commands.json").read_text())
    upstream["commands"].extend(json.loads((ROOT / "spec" / "additions.json").read_text())["commands"])
    (shared / "commands.json").write_text(json.dumps(upstream))
    assert any("drop it from spec/additions.json" in p for p in check_pinned.check(shared))
