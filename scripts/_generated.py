"""Write a generated file, or (``--check``) fail when the committed one differs."""

from __future__ import annotations

import sys
from pathlib import Path


def write_or_check(target: Path, text: str, argv: list[str], hint: str) -> int:
    if "--check" in argv:
        current = target.read_text() if target.exists() else ""
        if current != text:
            print(f"{target.name} is out of date: {hint}", file=sys.stderr)
            return 1
        return 0
    target.write_text(text)
    return 0
