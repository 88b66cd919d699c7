"""Helpers shared by the seeds-tier domain modules (content, context,
hosting, expression, system-of-record, observability)."""

from __future__ import annotations

from typing import Any

from cargo_cli.sandbox.http import Ctx, as_int


def page(ctx: Ctx, items: list[Any]) -> list[Any]:
    """``offset`` / ``limit`` (body or query) applied to ``items``."""
    offset = as_int(ctx.arg("offset"), "offset", 0) or 0
    limit = as_int(ctx.arg("limit"), "limit", None)
    return items[offset : None if limit is None else offset + limit]
