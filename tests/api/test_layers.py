"""The API layer (``cargo_cli.api``) never imports the CLI: not ``cargo_cli.cli``,
not ``cargo_cli.output`` (only the CLI prints), not ``cargo_cli.errors`` (the
CLI's errors and exit codes; the API layer raises ``cargo_cli.api.errors``)."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import cargo_cli.api
from cargo_cli.api.errors import CallInterrupted, UploadFailed
from cargo_cli.errors import EXIT_ERROR, EXIT_INTERRUPTED, error_json, exit_code_for, is_interruption

API_DIR = Path(cargo_cli.api.__file__).parent
FORBIDDEN = ("cargo_cli.cli", "cargo_cli.output", "cargo_cli.errors")


def package_of(path: Path) -> str:
    return "cargo_cli.api" + "".join(f".{part}" for part in path.relative_to(API_DIR).parent.parts)


def imported_modules(text: str, package: str) -> list[str]:
    """Every module an ``import`` / ``from ... import`` names, at any depth
    (lazy imports inside functions too), relative ones resolved."""
    names = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0]
                base = f"{parent}.{base}" if base else parent
            names += [base] + [f"{base}.{alias.name}" for alias in node.names]
    return names


def _forbidden(name: str) -> bool:
    return any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN)


def test_no_api_module_imports_the_cli():
    sources = sorted(API_DIR.rglob("*.py"))
    assert len(sources) > 10  # the walk found the package (resources/ included)
    found = [
        f"{path.relative_to(API_DIR)}: {name}"
        for path in sources
        for name in imported_modules(path.read_text(), package_of(path))
        if _forbidden(name)
    ]
    assert not found


def test_the_scan_sees_every_import_form():
    text = "import cargo_cli.output\nfrom cargo_cli import errors\ndef f():\n    from ...cli import rows\n"
    names = [n for n in imported_modules(text, "cargo_cli.api.resources") if _forbidden(n)]
    assert names == ["cargo_cli.output", "cargo_cli.errors", "cargo_cli.cli", "cargo_cli.cli.rows"]
    assert not [
        n for n in imported_modules("from .errors import ApiError\n", "cargo_cli.api") if _forbidden(n)
    ]


def test_importing_the_whole_api_layer_loads_no_cli_module_nor_output():
    code = (
        "import importlib, pkgutil, sys\n"
        "import cargo_cli.api as api\n"
        "for m in pkgutil.walk_packages(api.__path__, 'cargo_cli.api.'):\n"
        "    importlib.import_module(m.name)\n"
        "print(sorted(k for k in sys.modules if k in ('cargo_cli.cli', 'cargo_cli.output')"
        " or k.startswith('cargo_cli.cli.')))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_importing_the_whole_api_layer_loads_no_other_cargo_cli_module():
    """Not only the direct imports: after importing every module of
    ``cargo_cli.api`` (generated ones included), ``sys.modules`` holds no
    ``cargo_cli`` module outside ``cargo_cli.api`` (``settings`` included)
    but the package itself."""
    code = (
        "import importlib, pkgutil, sys\n"
        "import cargo_cli.api as api\n"
        "names = [m.name for m in pkgutil.walk_packages(api.__path__, 'cargo_cli.api.')]\n"
        "for name in names:\n"
        "    importlib.import_module(name)\n"
        "print(len(names))\n"
        "print(sorted(k for k in sys.modules if k.startswith('cargo_cli') and k != 'cargo_cli'"
        " and not k.startswith('cargo_cli.api')))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    count, leaked = result.stdout.split("\n", 1)
    assert int(count) > 40  # every module, the generated tables and resources included
    assert leaked.strip() == "[]"


def test_the_public_resources_path_names_every_generated_domain():
    from cargo_cli.api import resources
    from cargo_cli.api.generated import resources as generated

    modules = sorted(m.name for m in pkgutil.iter_modules(generated.__path__))
    assert list(resources.DOMAINS) == modules
    for name in modules:
        assert getattr(resources, name) is importlib.import_module(f"{generated.__name__}.{name}")
    text = Path(resources.__file__).read_text()
    for name in modules:  # mypy sees them too
        assert f"from cargo_cli.api.generated.resources import {name} as {name}\n" in text


def test_the_api_layers_upload_errors_keep_the_cli_contract():
    """What uploads raise is mapped by cargo_cli.errors exactly as the CLI
    errors they replace were: message, JSON fields in order, exit code."""
    extra = {"uploadId": "up-42", "s3Filename": "abc-big.csv", "aborted": True}
    failed = UploadFailed("Upload of big.csv failed: boom; the upload was aborted")
    failed.extra.update({**extra, "reason": "x", "status": 500})
    assert list(error_json(failed).items()) == [
        ("errorMessage", "Upload of big.csv failed: boom; the upload was aborted"),
        ("uploadId", "up-42"), ("s3Filename", "abc-big.csv"), ("aborted", True), ("reason", "x"), ("status", 500),
    ]  # fmt: skip
    assert exit_code_for(failed) == EXIT_ERROR and not is_interruption(failed)

    interrupted = CallInterrupted("Interrupted: the upload was aborted", extra=extra)
    assert list(error_json(interrupted).items()) == [
        ("errorMessage", "Interrupted: the upload was aborted"), *extra.items(),
    ]  # fmt: skip
    assert exit_code_for(interrupted) == EXIT_INTERRUPTED and is_interruption(interrupted)

    terminated = CallInterrupted(signal="SIGTERM")  # the API layer's own fallback SIGTERM handler
    assert error_json(terminated) == {"errorMessage": "Interrupted", "signal": "SIGTERM"}
    assert exit_code_for(terminated) == 143
