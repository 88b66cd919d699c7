"""Every command of the seeds tier (content, context, expression, hosting,
system-of-record) and of observability, as the pinned spec/commands.json
documents it: the command exists with its documented flags and positionals,
and its declared row calls the documented endpoint (method and path).
Areas documented by name only must exist with at least one verb."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import click
import pytest

from cargo_cli.api.endpoints import ENDPOINTS
from cargo_cli.cli.registry import COMMANDS as ROOT_COMMANDS
from tests.test_documented_surface import _resolve

SPEC = json.loads((Path(__file__).resolve().parent.parent / "spec" / "commands.json").read_text())["commands"]
SEEDS = [c for c in SPEC if c["tier"] == "seeds" or c["path"][:1] == ["observability"]]
DOMAINS = sorted({c["path"][0] for c in SEEDS})


def _ids(doc: dict) -> str:
    return " ".join(doc["path"])


def _row(path: list[str]):
    module = importlib.import_module(ROOT_COMMANDS[path[0]].module)
    return next(cmd for cmd in module.COMMANDS if cmd.name == " ".join(path[1:]))


def test_the_selection_is_the_documented_one():
    assert DOMAINS == ["content", "context", "expression", "hosting", "observability", "system-of-record"]
    assert len(SEEDS) == 49


@pytest.mark.parametrize("doc", [c for c in SEEDS if c["status"] != "documented-name-only"], ids=_ids)
def test_documented_command_exists_with_its_flags_and_positionals(doc):
    command = _resolve(doc["path"])
    assert command is not None, f"missing command: {_ids(doc)}"
    options = {opt for p in command.params if isinstance(p, click.Option) for opt in p.opts}
    missing = [flag["name"] for flag in doc["flags"] if flag["name"] not in options]
    assert not missing, f"{_ids(doc)} lacks {missing}"
    required = {opt for p in command.params if isinstance(p, click.Option) and p.required for opt in p.opts}
    for flag in doc["flags"]:
        assert (flag["name"] in required) == flag["required"], f"{_ids(doc)} {flag['name']} required?"
    arguments = [p for p in command.params if isinstance(p, click.Argument)]
    assert [f"<{a.make_metavar(click.Context(command)).strip('<>.')}>" for a in arguments] == doc[
        "positional"
    ]


@pytest.mark.parametrize(
    "doc", [c for c in SEEDS if isinstance(c["endpoint"], dict) and "*" not in c["endpoint"]["key"]], ids=_ids
)
def test_declared_row_calls_the_documented_endpoint(doc):
    row = _row(doc["path"])
    assert row.endpoint_id == doc["endpoint"]["key"]
    method, path = ENDPOINTS[row.endpoint_id].method, ENDPOINTS[row.endpoint_id].path
    assert method == doc["endpoint"]["http"]
    documented = doc["endpoint"]["path"].split(" ")[0]  # "/v1/content/files/upload (multipart form)"
    assert "/v1" + path == documented.replace("${uuid}", "{uuid}").replace("${slug}", "{slug}")


@pytest.mark.parametrize("doc", [c for c in SEEDS if c["status"] == "documented-name-only"], ids=_ids)
def test_areas_documented_by_name_exist_with_verbs(doc):
    area = _resolve(doc["path"])
    assert isinstance(area, click.Group)
    assert area.list_commands(click.Context(area))
