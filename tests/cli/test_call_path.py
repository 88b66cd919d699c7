"""One call path: every API call of a command runs a generated resource
method (api/resources), the API layer's upload, download or raw request;
nothing under ``cargo_cli/cli/`` builds or sends a request through the
client itself, nor imports httpx. Only ``cli/runtime.py`` makes the client."""

from __future__ import annotations

import ast
from pathlib import Path

import cargo_cli.cli
from cargo_cli.api.client import CargoClient

CLI_DIR = Path(cargo_cli.cli.__file__).parent
# The client's methods that build or send a request (or reach the httpx client).
REQUEST_METHODS = (
    "call",
    "request",
    "prepare",
    "build_request",
    "send",
    "send_once",
    "plain_request",
    "http",
)


def runtime_imports(tree: ast.AST) -> list[str]:
    """Modules imported where it runs (not under ``if TYPE_CHECKING:``)."""
    names: list[str] = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue
            if isinstance(child, ast.Import):
                names.extend(alias.name for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                names.append(child.module or "")
                names.extend(f"{child.module}.{alias.name}" for alias in child.names)
            visit(child)

    visit(tree)
    return names


def client_requests(tree: ast.AST) -> list[str]:
    """``<something client>.<request method>`` uses: ``client.send(...)``,
    ``rt.client.call(...)``, ``inv.client.request(...)``, ``client_of().http``."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in REQUEST_METHODS:
            receiver = node.value
            named = receiver.func if isinstance(receiver, ast.Call) else receiver
            text = ast.unparse(named)
            if "client" in text.rsplit(".", 1)[-1].lower():
                found.append(f"{ast.unparse(node)} (line {node.lineno})")
    return found


def sources() -> list[Path]:
    found = sorted(CLI_DIR.rglob("*.py"))
    assert len(found) > 20  # the walk found the package
    return found


def test_the_request_methods_are_the_clients():
    for name in REQUEST_METHODS:
        assert hasattr(CargoClient, name), name


def test_nothing_under_cli_calls_the_clients_request_methods():
    found = [
        f"{path.relative_to(CLI_DIR)}: {use}"
        for path in sources()
        for use in client_requests(ast.parse(path.read_text()))
    ]
    assert found == []


def test_only_the_runtime_makes_the_client_and_nothing_imports_httpx():
    found = []
    for path in sources():
        for name in runtime_imports(ast.parse(path.read_text())):
            if name == "httpx" or name.startswith("httpx."):
                found.append(f"{path.name}: {name}")
            if name.startswith("cargo_cli.api.client") and path.name != "runtime.py":
                found.append(f"{path.name}: {name}")
    assert found == []


def test_the_scan_sees_every_form():
    text = (
        "def f(rt, inv, client_of, client):\n"
        "    rt.client.call('x', {})\n"
        "    inv.client.request('GET', '/a')\n"
        "    client_of().send(c)\n"
        "    client.http.get('u')\n"
        "    inv.call()\n"  # the row's resource method: fine
        "    workspace_management.File(inv.client).upload(file='x')\n"  # a resource method: fine
    )
    assert [use.split(" ")[0] for use in client_requests(ast.parse(text))] == [
        "rt.client.call", "inv.client.request", "client_of().send", "client.http",
    ]  # fmt: skip
    assert runtime_imports(
        ast.parse("import httpx\nif TYPE_CHECKING:\n    from cargo_cli.api.client import C\n")
    ) == ["httpx"]
