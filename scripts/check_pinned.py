"""`make endpoints-check`: the pinned spec (spec/) is the shared one plus the
documented local additions (spec/additions.json, spec/PINNED.md).

- spec/api.json must equal ../shared/spec/api.json byte for byte;
- spec/commands.json minus the commands listed in spec/additions.json must
  equal ../shared/spec/commands.json (as JSON), and every addition must be in
  spec/commands.json as listed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PINNED = ROOT / "spec"
REFRESH = "refresh the pinned copy (spec/PINNED.md)"


def check(shared: Path) -> list[str]:
    problems: list[str] = []
    if (shared / "api.json").read_bytes() != (PINNED / "api.json").read_bytes():
        problems.append(f"spec/api.json differs from {shared}/api.json: {REFRESH}")
    additions = json.loads((PINNED / "additions.json").read_text(encoding="utf-8"))["commands"]
    pinned = json.loads((PINNED / "commands.json").read_text(encoding="utf-8"))
    upstream = json.loads((shared / "commands.json").read_text(encoding="utf-8"))
    added = {tuple(c["path"]) for c in additions}
    for addition in additions:
        if addition not in pinned["commands"]:
            problems.append(f"spec/commands.json lacks the addition `{' '.join(addition['path'])}` as listed")
    upstream_paths = {tuple(c["path"]) for c in upstream["commands"]}
    for path in sorted(added & upstream_paths):
        problems.append(
            f"`{' '.join(path)}` is in {shared}/commands.json now: drop it from spec/additions.json"
        )
    kept = {**pinned, "commands": [c for c in pinned["commands"] if tuple(c["path"]) not in added]}
    if kept != upstream:
        problems.append(
            f"spec/commands.json (minus spec/additions.json) differs from {shared}/commands.json: {REFRESH}"
        )
    return problems


def main() -> int:
    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "spec"
    if not shared.is_dir():
        return 0  # a clean clone without the shared copy: nothing to compare
    problems = check(shared)
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
