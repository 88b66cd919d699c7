"""Write a generated file, or (``--check``) fail when the committed one differs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def ruff_format(text: str, target: Path) -> str:
    """Python source as ``ruff format`` (the pinned dev tool) leaves it, so
    that generated code passes ``make lint`` with no exclude."""
    ruff = Path(sys.executable).parent / "ruff"
    done = subprocess.run(
        [str(ruff), "format", "--stdin-filename", str(target), "-"],
        input=text, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout


def write_or_check(target: Path, text: str, argv: list[str], hint: str) -> int:
    if "--check" in argv:
        current = target.read_text() if target.exists() else ""
        if current != text:
            print(f"{target.name} is out of date: {hint}", file=sys.stderr)
            return 1
        return 0
    target.write_text(text)
    return 0
