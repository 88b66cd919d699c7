"""The system-of-record domain: the workspace's systems of record and SQL
against them (warehouse-native table names).

Choices where the spec is silent are in docs/seeds-domains.md.
"""

from __future__ import annotations

from typing import Any

from cargo_cli.api.resources import system_of_record_integration
from cargo_cli.cli.paging import paginated
from cargo_cli.cli.params import CSV, ISO_DATE, LIMIT, OFFSET, SQL
from cargo_cli.cli.rows import Arg, Cmd, Invocation, Opt, build_domain

DOCUMENTATION = system_of_record_integration.Client.get_documentation


def _documentation(inv: Invocation) -> Any:
    """As the vendor client does: relative ``./`` links point at the API."""
    text = inv.call()
    if not isinstance(text, str):
        return text
    slug = inv.payload["slug"]
    base = f"{inv.runtime.settings.base_url}/systemOfRecordIntegration/clients/{slug}/documentation/"
    return text.replace("./", base)


COMMANDS: list[Cmd] = [
    Cmd("sor list", system_of_record_integration.SystemOfRecord.all, "List the systems of record.",
        examples=("cargo-ai system-of-record sor list",)),
    Cmd(
        "client query", system_of_record_integration.Client.query,
        "Run SQL against the system of record (warehouse-native table names) → {rows}.",
        args=(Arg("sql", field="command", type=SQL),),
        epilog="The SQL may also be read from a file (@query.sql) or stdin (-).",
        examples=("cargo-ai system-of-record client query <sql>",),
    ),
    paginated(Cmd(
        "client fetch", system_of_record_integration.Client.fetch, "Fetch one page of a SQL result.",
        opts=(
            Opt("--query", SQL, required=True, help="The SQL (inline, @file or - for stdin)."),
            Opt("--limit", LIMIT, help="Page size."),
            Opt("--offset", OFFSET, help="Rows to skip."),
        ),
        examples=(
            "cargo-ai system-of-record client fetch --query 'SELECT * FROM datasets_default.models_companies ORDER BY name'",
            "cargo-ai system-of-record client fetch --query 'SELECT * FROM datasets_default.models_companies ORDER BY name' --limit 100 --offset 0",
        ),
    ), "records"),
    Cmd(
        "client download", system_of_record_integration.Client.download,
        "Export a SQL result: signed URL(s) to the file(s).",
        opts=(Opt("--query", SQL, required=True, help="The SQL (inline, @file or - for stdin)."),),
        download=True,
        examples=("cargo-ai system-of-record client download --query 'SELECT name, domain, employee_count, revenue FROM datasets_default.models_companies ORDER BY revenue DESC'",),
    ),
    Cmd(
        "client get-documentation", DOCUMENTATION,
        "Print the SQL dialect documentation of a client (plain text, not JSON).",
        args=(Arg("slug", field="slug"),),
        handler=_documentation,
        text=True,
        examples=("cargo-ai system-of-record client get-documentation <slug>",),
    ),
    # logs: the area is named in the vendor docs without verbs; these read-only verbs are cargo-ai's.
    paginated(Cmd(
        "log list", system_of_record_integration.Log.list, "List system-of-record operation logs → {logs}.",
        opts=(
            Opt("--statuses", CSV, help="Only logs with these statuses (comma-separated)."),
            Opt("--query", help="Only logs matching this text."),
            Opt("--limit", LIMIT, help="Page size."),
            Opt("--offset", OFFSET, help="Logs to skip."),
        ),
        examples=("cargo-ai system-of-record log list --statuses error --limit 50",),
    ), "logs"),
    Cmd(
        "log get-metrics", system_of_record_integration.Log.get_metrics, "Usage metrics over a period → {metrics}.",
        opts=(
            Opt("--from", ISO_DATE, required=True, help="Start of the period (ISO 8601)."),
            Opt("--to", ISO_DATE, required=True, help="End of the period (ISO 8601)."),
        ),
        examples=("cargo-ai system-of-record log get-metrics --from 2025-01-01 --to 2025-01-31",),
    ),
]  # fmt: skip

group = build_domain(
    "system-of-record",
    COMMANDS,
    areas={
        "sor": "Systems of record.",
        "client": "SQL against a system of record.",
        "log": "Operation logs (read-only).",
    },
)
