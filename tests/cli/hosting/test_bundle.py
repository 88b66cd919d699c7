"""The source walk's ignore patterns (the walk itself is tested through
``hosting deployment create``, tests/cli/commands/test_hosting_deployment.py)."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from cargo_cli.cli.hosting import bundle


@pytest.mark.parametrize(
    ("rel", "patterns", "expected"),
    [
        ("node_modules/a.js", ["node_modules"], True),
        ("src/node_modules/a.js", ["node_modules"], True),
        ("src/main.ts", ["node_modules"], False),
        ("a.log", ["*.log"], True),
        ("src/generated/x.ts", ["src/generated"], True),
        ("src/generated-not/x.ts", ["src/generated"], False),
        ("generated/x.ts", ["src/generated"], False),
        ("src/x.test.ts", ["src/*.test.ts"], True),
    ],
)
def test_is_ignored(rel, patterns, expected):
    assert bundle.is_ignored(PurePosixPath(rel), patterns) is expected
