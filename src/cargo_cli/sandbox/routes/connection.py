"""connection: integrations (with their actions) and connectors."""

from __future__ import annotations

from typing import Any

from cargo_cli.sandbox.http import Ctx, Router
from cargo_cli.sandbox.route_helpers import entity, listed

router = Router()


@router.route("GET", "/connection/integrations/list")
def list_integrations(ctx: Ctx) -> Any:
    return {"integrations": ctx.store.all("integration")}


@router.route("GET", "/connection/integrations/{slug}")
def get_integration(ctx: Ctx) -> Any:
    return {"integration": entity(ctx, "integration", ctx.params["slug"])}


@router.route("GET", "/connection/connectors/list")
def list_connectors(ctx: Ctx) -> Any:
    slug = ctx.arg("integrationSlug")
    return {"connectors": [c for c in listed(ctx, "connector") if slug in (None, c["integrationSlug"])]}


@router.route("GET", "/connection/connectors/{uuid}")
def get_connector(ctx: Ctx) -> Any:
    return {"connector": entity(ctx, "connector")}
