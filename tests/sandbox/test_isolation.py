"""The CLI never imports the sandbox (or its dependencies), and the sandbox
never imports the CLI."""

from __future__ import annotations

import subprocess
import sys

SANDBOX_DEPS = ("duckdb", "starlette", "uvicorn", "sqlglot", "multipart", "cargo_cli.sandbox")


def imported_by(code: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys\nprint('\\n'.join(sys.modules))"],
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    return set(done.stdout.split())


def test_cli_help_imports_no_sandbox_module() -> None:
    modules = imported_by("import sys; sys.argv = ['cargo-ai', '--help']\nfrom cargo_cli.main import main\n"
                          "try:\n    main()\nexcept SystemExit:\n    pass")  # fmt: skip
    assert "cargo_cli.main" in modules
    assert not [m for m in modules if m.split(".")[0] in SANDBOX_DEPS or m.startswith("cargo_cli.sandbox")]


def test_sandbox_imports_no_cli_module() -> None:
    modules = imported_by("import cargo_cli.sandbox.server, cargo_cli.sandbox.demo, cargo_cli.sandbox.app")
    cli_modules = [m for m in modules if m.startswith("cargo_cli.") and not m.startswith("cargo_cli.sandbox")]
    assert "cargo_cli.sandbox.routes.orchestration" in modules
    assert cli_modules == []
