"""The typed resources' public import path.

The resources are generated (``api/generated/resources/``, by
scripts/gen_resources.py); this module gives them the path every command
row uses: ``from cargo_cli.api.resources import orchestration`` is the
generated module of that domain, imported on first use (a command loads its
own domain only), and ``orchestration.Run.get`` is the method a row names.
``Api`` (every call: ``Api(client).orchestration.run.get(uuid=...)``),
``call_method`` (run a method with a payload of wire field names) and the
other names of api/resource.py are re-exported here.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from cargo_cli.api.resource import (
    FULL,
    NO_CHECK,
    NULL,
    Check,
    Progress,
    Resource,
    call_method,
    endpoint,
    endpoint_id_of,
    method_for,
    raw_request,
)

if TYPE_CHECKING:
    from cargo_cli.api.generated.resources import Api as Api
    from cargo_cli.api.generated.resources import ai as ai
    from cargo_cli.api.generated.resources import billing as billing
    from cargo_cli.api.generated.resources import connection as connection
    from cargo_cli.api.generated.resources import content as content
    from cargo_cli.api.generated.resources import context as context
    from cargo_cli.api.generated.resources import domain_management as domain_management
    from cargo_cli.api.generated.resources import expression as expression
    from cargo_cli.api.generated.resources import hosting as hosting
    from cargo_cli.api.generated.resources import observability as observability
    from cargo_cli.api.generated.resources import orchestration as orchestration
    from cargo_cli.api.generated.resources import revenue_organization as revenue_organization
    from cargo_cli.api.generated.resources import segmentation as segmentation
    from cargo_cli.api.generated.resources import storage as storage
    from cargo_cli.api.generated.resources import system_of_record_integration as system_of_record_integration
    from cargo_cli.api.generated.resources import user_management as user_management
    from cargo_cli.api.generated.resources import workspace_management as workspace_management

PACKAGE = "cargo_cli.api.generated.resources"
DOMAINS = (
    "ai",
    "billing",
    "connection",
    "content",
    "context",
    "domain_management",
    "expression",
    "hosting",
    "observability",
    "orchestration",
    "revenue_organization",
    "segmentation",
    "storage",
    "system_of_record_integration",
    "user_management",
    "workspace_management",
)
__all__ = [
    "DOMAINS",
    "FULL",
    "NO_CHECK",
    "NULL",
    "Api",
    "Check",
    "Progress",
    "Resource",
    "call_method",
    "endpoint",
    "endpoint_id_of",
    "method_for",
    "raw_request",
    *DOMAINS,
]


def __getattr__(name: str) -> Any:
    """A domain's generated module (or ``Api``), imported on first use."""
    if name == "Api":
        return importlib.import_module(PACKAGE).Api
    if name in DOMAINS:
        module = importlib.import_module(f"{PACKAGE}.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
