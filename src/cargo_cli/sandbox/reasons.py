"""The platform's own error answers: the reason → message tables of the
vendor client (spec/api.json, as generated into ``cargo_cli.api.endpoints``).

``refuse("storage.model.create", "datasetNotFound")`` is the answer the
platform gives (``404 {"errorMessage": "Dataset not found.", "reason":
"datasetNotFound"}``); a reason that the call's table does not list is a
sandbox bug (KeyError), so every refusal is a documented one.
"""

from __future__ import annotations

from typing import Any

from cargo_cli.sandbox.http import ApiError

# Reasons the platform answers without listing them in a call's table
# (commands.md quotes them).
UNLISTED = {
    "actionNotFound": "Action not found.",
    "modelNotFound": "Model not found.",
    "integrationNotFound": "Integration not found.",
    "connectorNotFound": "Connector not found.",
    "datasetNotFound": "Dataset not found.",
    "segmentNotFound": "Segment not found.",
}


def message(call: str, reason: str) -> str:
    from cargo_cli.api.endpoints import ENDPOINTS

    entry = ENDPOINTS[call].reasons.get(reason) or UNLISTED.get(reason)
    if not isinstance(entry, str):
        raise KeyError(f"{call} documents no reason {reason!r}")
    return entry


def status_of(reason: str) -> int:
    if reason.endswith("NotFound"):
        return 404
    if reason in ("duplicateSlug",):
        return 409
    return 400


def refuse(call: str, reason: str, status: int | None = None, **extra: Any) -> ApiError:
    return ApiError(status or status_of(reason), message(call, reason), reason, **extra)
