"""Every declared command names a real endpoint, and every field it sends is
one the vendor client knows for that endpoint, except the deliberate cases
listed here (documented flags the API types lack, forwarded as-is, and
fields a ``prepare`` step rewrites). Catches typos in ``field=`` and flags."""

from __future__ import annotations

import importlib

import pytest

from cargo_cli.api.endpoints import ENDPOINTS
from cargo_cli.cli.registry import DOMAINS
from cargo_cli.cli.rows import row_opts

# (command, payload field): sent although the API client does not type it.
ALLOWED = {
    # documented flags forwarded to endpoints that forward unknown fields
    ("action execute-batch", "data"),
    ("action get-output-schema", "data"),
    ("run download", "limit"),
    ("record download-outputs", "limit"),
    ("record download-outputs", "offset"),
    ("integration list", "slugs"),
    ("agent create", "languageModelSlug"),
    ("agent create", "temperature"),
    ("mcp-server create", "capabilities"),
    ("mcp-server create", "url"),
    ("mcp-server update", "capabilities"),
    # rewritten by the command's prepare step before sending
    ("relationship set", "relationship"),
    ("release update-draft", "tools"),
    ("release deploy-draft", "tools"),
    ("message create", "tools"),
    ("session upsert", "finished"),
    ("alert create", "disabled"),  # --disabled becomes isEnabled: false
    # a handler that picks the call by the flags given
    ("recipe get", "version"),  # expression.recipe.get when --version is given
}


def _declared():
    for domain in DOMAINS:
        module = importlib.import_module(domain.module)
        for cmd in module.COMMANDS:
            if cmd.endpoint is not None:
                yield pytest.param(cmd, id=f"{domain.name} {cmd.name}")


def _known_fields(endpoint_id: str) -> set[str]:
    return {p.name for p in ENDPOINTS[endpoint_id].params}


@pytest.mark.parametrize("cmd", list(_declared()))
def test_sent_fields_are_known_to_the_endpoint(cmd):
    assert cmd.endpoint_id in ENDPOINTS
    sent = {o.payload_field.split(".")[0] for o in row_opts(cmd) if not o.local}
    sent |= {a.field.split(".")[0] for a in cmd.args if not a.local}
    unknown = {f for f in sent - _known_fields(cmd.endpoint_id) if (cmd.name, f) not in ALLOWED}
    assert not unknown, f"{cmd.name} sends fields {cmd.endpoint_id} does not know: {sorted(unknown)}"


def test_allowlist_has_no_stale_entries():
    names = {p.values[0].name for p in _declared()}
    assert {name for name, _field in ALLOWED} <= names


def test_no_string_endpoint_ids_in_the_cli():
    """Commands name typed resource methods; only the generic `api` command
    (cli/commands/api_call.py) takes a call id from the user."""
    import re
    from pathlib import Path

    import cargo_cli.cli

    pattern = re.compile(r"""["']([a-z][A-Za-z]*\.[a-z][A-Za-z]*\.[a-z][A-Za-z]*)["']""")
    found = []
    for path in Path(cargo_cli.cli.__file__).parent.rglob("*.py"):
        if path.name == "api_call.py":
            continue
        found += [f"{path.name}: {m}" for m in pattern.findall(path.read_text()) if m in ENDPOINTS]
    assert not found


def test_no_string_option_reads_in_the_cli():
    """Handlers read their options through the row's options dataclass
    (``inv.options.typed(RowOptions)``), never ``options["name"]`` or
    ``options.get("name")``, where a typo would only show when run."""
    import re
    from pathlib import Path

    import cargo_cli.cli

    pattern = re.compile(r"""options(?:\[|\.get\()\s*["']""")
    found = [
        f"{path.name}:{number}: {line.strip()}"
        for path in Path(cargo_cli.cli.__file__).parent.rglob("*.py")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if pattern.search(line)
    ]
    assert not found
    assert pattern.search('x = inv.options.get("all")') and pattern.search("inv.options['dir']")


def test_every_handler_with_local_options_declares_its_options_dataclass():
    """A row whose handler gets local options names them in a dataclass
    (checked against the flags when the command is built)."""
    rows = [cmd for domain in DOMAINS for cmd in importlib.import_module(domain.module).COMMANDS]
    with_handlers = [cmd for cmd in rows if cmd.handler is not None]
    missing = [
        cmd.name
        for cmd in with_handlers
        if cmd.options is None and any(p.local for p in (*cmd.opts, *cmd.args))
    ]
    assert not missing
    assert sum(cmd.options is not None for cmd in with_handlers) >= 25  # paging, catalog, hosting, ...


def test_root_help_and_domain_help_come_from_the_registry(cli):
    from cargo_cli.cli.registry import ENTRIES

    root_help = " ".join(cli("--help").out.split())
    for entry in ENTRIES:
        assert f"{entry.name} {entry.help}" in root_help
    for domain in DOMAINS:
        assert domain.help in " ".join(cli(domain.name, "--help").out.split())
