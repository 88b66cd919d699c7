"""Requests the sandbox makes to itself: seeding (the demo's first segment
sync, ``--seed-file``) goes through the same handlers as the API's calls."""

from __future__ import annotations

from typing import Any

from cargo_cli.sandbox.http import Ctx
from cargo_cli.sandbox.store import Store


def context(store: Store, workspace_uuid: str, user_uuid: str, method: str = "SEED", path: str = "",
            params: dict[str, str] | None = None, body: Any = None) -> Ctx:  # fmt: skip
    """A request context of ``user_uuid`` in ``workspace_uuid``."""
    return Ctx(
        store=store, method=method, path=path, params=params or {}, query={},
        body=body if body is not None else {}, workspace_uuid=workspace_uuid, user_uuid=user_uuid, base_url="",
        signer=lambda key: key, speed=1.0,
    )  # fmt: skip
