"""One module per API domain; each has a ``router``. Add a domain (content,
context, hosting, ...) by adding its module to ``DOMAINS``."""

from __future__ import annotations

from cargo_cli.sandbox.http import Router
from cargo_cli.sandbox.routes import (
    ai,
    ai_mcp,
    connection,
    content,
    context,
    expression,
    hosting,
    observability,
    orchestration,
    segmentation,
    storage,
    system_of_record,
    workspace,
)

DOMAINS = (
    workspace, connection, storage, segmentation, orchestration, ai, ai_mcp,
    content, context, expression, hosting, system_of_record, observability,  # the seeds tier
)  # fmt: skip


def build_router() -> Router:
    router = Router()
    for domain in DOMAINS:
        router.extend(domain.router)
    return router
