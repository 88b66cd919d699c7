"""The connection domain: integrations, connectors and the action catalog.

Choices where the spec is silent are in docs/connection-ai-billing.md.
"""

from __future__ import annotations

from cargo_cli.api.resources import connection
from cargo_cli.cli.action_search import CONNECTION_ACTION_SEARCH
from cargo_cli.cli.params import BOOL_STRING, CSV, JSON, UUID
from cargo_cli.cli.rows import Arg, Cmd, Opt, build_domain

SLUG_ARG = Arg("slug", field="slug", help="The integration's slug (e.g. hubspot).")

GET_DOCUMENTATION = Cmd(
    "integration get-documentation", connection.Integration.get_documentation,
    "Print an integration's documentation (plain text, not JSON).",
    args=(SLUG_ARG,),
    text=True,
    examples=("cargo-ai connection integration get-documentation <slug>",),
)  # fmt: skip

COMMANDS: list[Cmd] = [
    # Client-side command (cli/action_search.py):
    CONNECTION_ACTION_SEARCH,
    # integrations
    Cmd(
        "integration list", connection.Integration.list, "List integrations.",
        opts=(
            Opt("--category", help="Only this category (e.g. enrichment)."),
            Opt("--has-actions", BOOL_STRING, help="true: only integrations with actions."),
            Opt("--has-extractors", BOOL_STRING, help="true: only integrations with extractors."),
            Opt("--search", help="Free-text search."),
            Opt("--slug", help="One slug (the API client's `slug` query field; --slugs since 1.3.0)."),
            Opt("--slugs", CSV, help="Only these slugs (comma-separated)."),
        ),
        examples=("cargo-ai connection integration list --search hubspot --category enrichment",),
    ),
    Cmd(
        "integration get", connection.Integration.get,
        "Get an integration (actions, extractors, schemas).",
        args=(SLUG_ARG,),
        examples=("cargo-ai connection integration get <slug>",),
    ),
    GET_DOCUMENTATION,
    Cmd(
        "integration complete-oauth", connection.Integration.complete_oauth,
        "Complete an OAuth flow for an integration → {value, extraValues}.",
        opts=(
            Opt("--slug", required=True, help="The integration slug."),
            Opt("--params", JSON, required=True,
                help="The OAuth callback parameters, e.g. {\"code\":\"...\",\"state\":\"...\"} (JSON, @file or -)."),
        ),
        examples=("cargo-ai connection integration complete-oauth --slug hubspot --params '{\"code\":\"<code>\",\"state\":\"<state>\"}'",),
    ),
    Cmd("native-integration get", connection.NativeIntegration.get, "Built-in Cargo actions/extractors.",
        examples=("cargo-ai connection native-integration get",)),
    # connectors
    Cmd(
        "connector list", connection.Connector.list, "List connectors.",
        opts=(Opt("--integration-slug", help="Only connectors of this integration."),),
        examples=("cargo-ai connection connector list --integration-slug hubspot",),
    ),
    Cmd("connector get", connection.Connector.get, "Get a connector.", args=(Arg("connector-uuid", type=UUID),),
        examples=("cargo-ai connection connector get <connector-uuid>",)),
    Cmd(
        "connector create", connection.Connector.create, "Create a connector.",
        opts=(
            Opt("--integration-slug", required=True, help="The integration (e.g. hubspot)."),
            Opt("--name", required=True, help="The connector name."),
            Opt("--slug", required=True, help="The connector slug (unique in the workspace)."),
            Opt("--config", JSON, help="The connector configuration (JSON, @file or -)."),
        ),
        examples=(
            "cargo-ai connection connector create --integration-slug http --name 'Inbound leads' --slug inbound_leads",
            "cargo-ai connection connector create --integration-slug http --name 'Inbound leads' --slug inbound_leads --config '{}'",
        ),
    ),
    Cmd(
        "connector update", connection.Connector.update, "Update a connector.",
        opts=(
            Opt("--uuid", UUID, required=True, help="The connector."),
            Opt("--config", JSON, help="The new configuration (JSON, @file or -)."),
            Opt("--name", help="A new name."),
        ),
        examples=("cargo-ai connection connector update --uuid <connector-uuid> --name 'Clearbit - Staging' --config '{\"apiKey\":\"new-key\"}'",),
    ),
    Cmd(
        "connector remove", connection.Connector.remove, "Remove a connector.",
        args=(Arg("connector-uuid", type=UUID),),
        examples=("cargo-ai connection connector remove <connector-uuid>",),
    ),
    Cmd(
        "connector autocomplete", connection.Connector.autocomplete,
        "Fetch the allowed values of an autocomplete field.",
        opts=(
            Opt("--connector-uuid", UUID, required=True, help="The connector."),
            Opt("--params", JSON, required=True, help="The action/extractor config so far (JSON, @file or -)."),
            Opt("--slug", required=True, help="The autocomplete slug."),
            Opt("--refresh", is_flag=True, help="Bypass the cached values."),
            Opt("--value", help="The current value / search text."),
        ),
        examples=(
            "cargo-ai connection connector autocomplete --connector-uuid <connector-uuid> --params '{}' --slug <autocomplete-slug>",
            "cargo-ai connection connector autocomplete --connector-uuid <connector-uuid> --params '{}' --slug <autocomplete-slug> --refresh --value email",
        ),
    ),
    Cmd(
        "connector exists-by-slug", connection.Connector.exists_by_slug,
        "Check whether a connector slug exists.",
        opts=(Opt("--slug", required=True, help="The connector slug."),),
        examples=("cargo-ai connection connector exists-by-slug --slug clearbit_production",),
    ),
]  # fmt: skip

group = build_domain(
    "connection",
    COMMANDS,
    areas={
        "integration": "Integrations (actions, extractors, documentation, OAuth).",
        "native-integration": "Built-in Cargo actions and extractors.",
        "connector": "Connectors (configured integrations).",
        "action": "Search the connector action catalog.",
    },
)
