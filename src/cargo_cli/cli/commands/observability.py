"""The observability domain: scheduled threshold alerts and their firing
history.

Choices where the spec is silent are in docs/seeds-domains.md.
"""

from __future__ import annotations

from typing import Any

import click

from cargo_cli.api.resources import observability
from cargo_cli.cli.paging import paginated
from cargo_cli.cli.params import JSON_ARRAY, JSON_OBJECT, NULLABLE_STRING, NULLABLE_UUID, UUID, choice
from cargo_cli.cli.row_helpers import something_to_update, uuid_arg
from cargo_cli.cli.rows import Arg, Cmd, Opt, build_domain

SCOPE_HELP = (
    'What is measured (JSON object), e.g. {"kind":"runs","workflowUuid":"<uuid>","statuses":["error"]}.'
)
THRESHOLD_HELP = 'When it breaches (JSON object), e.g. {"metric":"errorRate","operator":"gte","value":10}.'
ACTIONS_HELP = (
    'What runs when it fires (JSON array of actions), e.g. [{"kind":"agent","agentUuid":"<uuid>",...}].'
)


def _enabled(payload: dict[str, Any]) -> dict[str, Any]:
    """``--disabled`` (create) / ``--enabled true|false`` (update) → isEnabled."""
    if payload.pop("disabled", None):
        payload["isEnabled"] = False
    if "isEnabled" in payload and isinstance(payload["isEnabled"], str):
        payload["isEnabled"] = payload["isEnabled"] == "true"
    return payload


COMMANDS: list[Cmd] = [
    Cmd("alert list", observability.Alert.list, "List alerts (with their lastEvent) → {alerts}.",
        examples=("cargo-ai observability alert list",)),
    Cmd("alert get", observability.Alert.get, "Get an alert → {alert}.", args=(uuid_arg("alert-uuid"),),
        examples=("cargo-ai observability alert get <alert-uuid>",)),
    Cmd(
        "alert create", observability.Alert.create, "Create a scheduled threshold alert → {alert}.",
        opts=(
            Opt("--name", required=True, help="Alert name."),
            Opt("--cron", required=True, help="When it is evaluated (cron expression, e.g. '*/30 * * * *')."),
            Opt("--scope", JSON_OBJECT, required=True, help=SCOPE_HELP),
            Opt("--threshold", JSON_OBJECT, required=True, help=THRESHOLD_HELP),
            Opt("--actions", JSON_ARRAY, help=ACTIONS_HELP),
            Opt("--description", help="What the alert is for."),
            Opt("--disabled", is_flag=True, field="disabled", help="Create it disabled (isEnabled: false)."),
            Opt("--folder", UUID, field="folderUuid", metavar="UUID", help="File it into this folder."),
        ),
        prepare=_enabled,
        examples=(
            "cargo-ai observability alert create --cron '*/30 * * * *' --name 'CRM sync error rate' --scope '{\"kind\":\"runs\",\"workflowUuid\":\"<workflow-uuid>\",\"statuses\":[\"error\"]}' --threshold '{\"metric\":\"errorRate\",\"operator\":\"gte\",\"value\":10}'",
            "cargo-ai observability alert create --cron '*/30 * * * *' --name 'CRM sync error rate' --scope '{\"kind\":\"runs\",\"workflowUuid\":\"<workflow-uuid>\",\"statuses\":[\"error\"]}' --threshold '{\"metric\":\"errorRate\",\"operator\":\"gte\",\"value\":10}' --actions <actions> --description 'Page when the HubSpot sync starts failing'",
        ),
    ),
    Cmd(
        "alert update", observability.Alert.update, "Update an alert (omitted flags stay unchanged) → {alert}.",
        opts=(
            Opt("--uuid", UUID, required=True, help="The alert's uuid."),
            Opt("--name", help="New name."),
            Opt("--description", NULLABLE_STRING, help="New description; none clears it."),
            Opt("--cron", help="New cron expression."),
            Opt("--enabled", choice("true", "false"), field="isEnabled", help="Enable or disable it."),
            Opt("--scope", JSON_OBJECT, help=SCOPE_HELP),
            Opt("--threshold", JSON_OBJECT, help=THRESHOLD_HELP),
            Opt("--actions", JSON_ARRAY, help=ACTIONS_HELP),
            Opt("--folder", NULLABLE_UUID, field="folderUuid", metavar="UUID|none",
                help="New folder; none moves it to the top level."),
        ),
        prepare=something_to_update(
            "--name", "--description", "--cron", "--enabled", "--scope", "--threshold", "--actions", "--folder",
            then=_enabled,
        ),
        examples=("cargo-ai observability alert update --uuid <uuid> --description none --enabled false",),
    ),
    Cmd("alert remove", observability.Alert.remove, "Remove an alert.", args=(uuid_arg("alert-uuid"),),
        examples=("cargo-ai observability alert remove <alert-uuid>",)),
    Cmd(
        "alert preview", observability.Alert.preview,
        "Evaluate a scope and threshold now, without firing → {outcome, value, isBreached, ...}.",
        opts=(
            Opt("--scope", JSON_OBJECT, required=True, help=SCOPE_HELP),
            Opt("--threshold", JSON_OBJECT, required=True, help=THRESHOLD_HELP),
            Opt("--window-minutes", click.IntRange(min=1), default=60, help="The look-back window in minutes."),
        ),
        examples=(
            "cargo-ai observability alert preview --scope '{\"kind\":\"runs\",\"workflowUuid\":\"<uuid>\",\"statuses\":[\"error\"]}' --threshold '{\"metric\":\"errorRate\",\"operator\":\"gte\",\"value\":10}'",
            "cargo-ai observability alert preview --scope '{\"kind\":\"runs\",\"workflowUuid\":\"<uuid>\",\"statuses\":[\"error\"]}' --threshold '{\"metric\":\"errorRate\",\"operator\":\"gte\",\"value\":10}' --window-minutes 1440",
        ),
    ),
    paginated(Cmd(
        "event list", observability.Event.list, "An alert's firing history, newest first → {count, events}.",
        args=(Arg("alert-uuid", field="alertUuid", type=UUID),),
        examples=("cargo-ai observability event list <alert-uuid>",),
    ), "events"),
]  # fmt: skip

group = build_domain(
    "observability",
    COMMANDS,
    areas={"alert": "Threshold alerts.", "event": "Alert firing history."},
)
