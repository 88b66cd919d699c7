"""The seeding modules import one way: seed -> seed_knowledge_hosting -> seed_ids
(no circle; the ids live in seed_ids and seed re-exports them)."""

from __future__ import annotations

import ast
from pathlib import Path

from cargo_cli.sandbox import seed, seed_ids, seed_knowledge_hosting

SANDBOX = Path(seed.__file__).parent


def imported(module: str) -> set[str]:
    tree = ast.parse((SANDBOX / f"{module}.py").read_text())
    found = set()
    for node in ast.walk(tree):  # function-level imports count too
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_no_seed_module_imports_seed_back():
    assert "cargo_cli.sandbox.seed" not in imported("seed_knowledge_hosting")
    assert not {m for m in imported("seed_ids") if m.startswith("cargo_cli")}
    assert "cargo_cli.sandbox.seed_knowledge_hosting" in imported("seed")


def test_seed_reexports_the_ids():
    assert seed.WORKSPACE == seed_ids.WORKSPACE == seed_ids.sid("workspace")
    assert seed_knowledge_hosting.APP == seed_ids.sid("app:territories")
