"""One module per API domain; each has a ``router``. Add a domain (content,
context, hosting, ...) by adding its module to ``DOMAINS``."""

from __future__ import annotations

from cargo_cli.sandbox.http import Router
from cargo_cli.sandbox.routes import ai, connection, orchestration, segmentation, storage, workspace

DOMAINS = (workspace, connection, storage, segmentation, orchestration, ai)


def build_router() -> Router:
    router = Router()
    for domain in DOMAINS:
        router.extend(domain.router)
    return router
