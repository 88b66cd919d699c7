"""``orchestration node diagram``: render a node graph as Mermaid or ASCII.

Owned by the catalog/diagram helper: replace the handler below."""

from __future__ import annotations

from typing import Any

from cargo_cli.cli.spec import Cmd, Invocation


def _todo(inv: Invocation) -> Any:
    raise NotImplementedError("node diagram not implemented yet")


NODE_DIAGRAM = Cmd("node diagram", None, "Render a node graph", handler=_todo)
