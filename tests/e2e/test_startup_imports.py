"""What start-up loads (docs/design.md, "Speed"): the installed CLI's own
interpreter runs ``cargo-ai`` as a subprocess against a real local server,
and writes the module names it ended with to a file at exit.

``whoami`` loads neither pydantic nor rich, and only the endpoint records of
the two domains it calls; ``--help`` and ``orchestration --help`` load no
endpoint record, no httpx, no pydantic, no rich."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.e2e.server import ScriptedServer, json_answer

TABLES = "cargo_cli.api.generated.endpoints."
DUMP = (
    "import atexit, json, sys\n"
    "sys.argv = ['cargo-ai', *sys.argv[2:]]\n"
    "atexit.register(lambda: open(sys.argv_dump, 'w').write(json.dumps(sorted(sys.modules))))\n"
    "sys.argv_dump = {path!r}\n"
    "from cargo_cli.main import entrypoint\n"
    "entrypoint()\n"
)


def modules_after(
    tmp_path: Path, env: dict[str, str], *args: str
) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    dump = tmp_path / "modules.json"
    done = subprocess.run(
        [sys.executable, "-c", DUMP.format(path=str(dump)), "cargo-ai", *args],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    return done, set(json.loads(dump.read_text()))


def heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in {"pydantic", "rich"})


def test_whoami_loads_no_pydantic_rich_nor_other_domains(
    server: ScriptedServer, cli_env: dict[str, str], tmp_path: Path
) -> None:
    server.route("GET", "/v1/userManagement/users/current", json_answer({"user": {"uuid": "u-1"}}))
    server.route(
        "GET", "/v1/workspaceManagement/workspaces/current", json_answer({"workspace": {"uuid": "w"}})
    )
    done, modules = modules_after(tmp_path, cli_env, "whoami")
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["user"] == {"uuid": "u-1"}
    assert heavy(modules) == []
    tables = sorted(m[len(TABLES) :] for m in modules if m.startswith(TABLES))
    assert tables == ["user_management", "workspace_management"]
    assert "keyring" not in modules  # CARGO_API_TOKEN: the keyring is never asked


def test_help_loads_no_endpoint_records_nor_http(cli_env: dict[str, str], tmp_path: Path) -> None:
    for args in (("--help",), ("orchestration", "--help")):
        done, modules = modules_after(tmp_path, cli_env, *args)
        assert done.returncode == 0, done.stdout + done.stderr
        assert done.stdout.startswith("Usage: cargo-ai " + " ".join(args[:-1])), args
        assert heavy(modules) == [], args
        assert [m for m in modules if m.startswith(TABLES) or m.split(".")[0] in {"httpx", "httpcore"}] == []
