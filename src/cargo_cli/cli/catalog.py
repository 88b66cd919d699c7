"""Client-side action catalog search (no endpoint of its own):
``orchestration action list <keywords...>`` and ``connection action search``.

Owned by the catalog/diagram helper: replace the handlers below."""

from __future__ import annotations

from typing import Any

from cargo_cli.cli.spec import Arg, Cmd, Invocation


def _todo(inv: Invocation) -> Any:
    raise NotImplementedError("catalog search not implemented yet")


ACTION_LIST = Cmd("action list", None, "Search actions", args=(Arg("keywords", nargs=-1, local=True),), handler=_todo)
CONNECTION_ACTION_SEARCH = Cmd(
    "action search", None, "Search connector actions", args=(Arg("keywords", nargs=-1, local=True),), handler=_todo
)
