"""The output/error contract of ``cargo_cli.main``: JSON on stdout, exit
codes 0/1/2/70/130, never a traceback; --help everywhere, --version."""

from __future__ import annotations

import json
import sys

import click
import httpx
import pytest

from cargo_cli import __version__
from cargo_cli.cli import root
from cargo_cli.errors import (
    EXIT_ERROR,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    OutputClosedError,
)
from cargo_cli.main import entrypoint, main
from tests.helpers import TOKEN, UUID1

USER_PATH = "/userManagement/users/current"
WS_PATH = "/workspaceManagement/workspaces/current"


def all_command_paths() -> list[tuple[str, ...]]:
    """Every group and command of the tree, as argv prefixes."""
    paths: list[tuple[str, ...]] = [()]

    def walk(group: click.Group, prefix: tuple[str, ...]) -> None:
        ctx = click.Context(group)
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            assert command is not None, (*prefix, name)
            paths.append((*prefix, name))
            if isinstance(command, click.Group):
                walk(command, (*prefix, name))

    walk(root.cli, ())
    return paths


def test_exit_code_table():
    assert (EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED) == (0, 1, 2, 70, 130)


def test_success_is_json_with_two_space_indent(cli, api):
    body = {"user": {"uuid": "u", "name": "Zoë"}}
    api.get(USER_PATH).respond(json=body)
    api.get(WS_PATH).respond(json={"workspace": {"uuid": UUID1}})
    result = cli("whoami")
    expected = {
        "user": body["user"],
        "workspace": {"uuid": UUID1},
        "baseUrl": "https://api.getcargo.io",
        "baseUrlSource": "default",
        "credentialsSource": "env",
    }
    assert result.code == 0
    assert result.out == json.dumps(expected, indent=2, ensure_ascii=False) + "\n"


USAGE_ERRORS = [
    pytest.param(("nosuch",), "No such command 'nosuch'. (see `cargo-ai --help`)", id="unknown-command"),
    pytest.param(
        ("orchestration", "nosuch"),
        "No such command 'nosuch'. (see `cargo-ai orchestration --help`)",
        id="unknown-subcommand",
    ),
    pytest.param(
        ("--bogus", "whoami"), "No such option '--bogus'. (see `cargo-ai --help`)", id="unknown-root-option"
    ),
    pytest.param(
        ("whoami", "--bogus"), "No such option '--bogus'. (see `cargo-ai whoami --help`)", id="unknown-option"
    ),
    pytest.param(
        ("orchestration", "run", "list"),
        "Missing option '--workflow-uuid'. (see `cargo-ai orchestration run list --help`)",
        id="missing-required-option",
    ),
    pytest.param(
        ("orchestration", "run", "get"),
        "Missing argument '<run-uuid>'. (see `cargo-ai orchestration run get --help`)",
        id="missing-argument",
    ),
    pytest.param(
        ("orchestration", "run", "get", "not-a-uuid"),
        "Invalid value for '<run-uuid>': 'not-a-uuid' is not a valid UUID "
        "(see `cargo-ai orchestration run get --help`)",
        id="invalid-uuid",
    ),
    pytest.param(
        ("orchestration", "run", "create", "--workflow-uuid", UUID1, "--data", "{bad"),
        "Invalid JSON in --data: Expecting property name enclosed in double quotes at line 1 column 2 (char 1) "
        "(see `cargo-ai orchestration run create --help`)",
        id="malformed-json",
    ),
    pytest.param(
        ("--timeout", "0", "whoami"),
        "Invalid value for '--timeout': 0.0 is not in the range 0<x<=2592000. (see `cargo-ai --help`)",
        id="bad-global-timeout",
    ),
    pytest.param(
        ("workspace", "folder", "list"),
        "No such command 'workspace': the domain is now 'workspaceManagement' "
        "(e.g. `cargo-ai workspaceManagement folder list`). (see `cargo-ai --help`)",
        id="renamed-domain",
    ),
]


@pytest.mark.parametrize(("argv", "message"), USAGE_ERRORS)
def test_usage_errors_exit_2_and_send_nothing(cli, api, argv, message):
    result = cli(*argv)
    assert (result.code, result.json) == (2, {"errorMessage": message})
    assert not api.calls
    assert "Traceback" not in result.out + result.err


@pytest.mark.parametrize(
    ("argv", "names"),
    [((), "login, logout, whoami, version, orchestration"), (("billing",), "subscription, usage")],
)
def test_missing_command_help_on_stderr_error_on_stdout(cli, argv, names):
    result = cli(*argv)
    assert result.code == 2
    assert result.json["errorMessage"].startswith(f"Missing command: one of {names}")
    assert result.err.startswith(f"Usage: {' '.join(('cargo-ai', *argv))} [OPTIONS] COMMAND [ARGS]...")


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("CARGO_TIMEOUT", "soon", "CARGO_TIMEOUT must be a number, got 'soon'"),
        ("CARGO_TIMEOUT", "0", "CARGO_TIMEOUT must be more than 0 seconds, got '0'"),
        ("CARGO_TIMEOUT", "-1", "CARGO_TIMEOUT must not be negative, got '-1'"),
        ("CARGO_MAX_RETRIES", "1.5", "CARGO_MAX_RETRIES must be a whole number, got '1.5'"),
        ("CARGO_MAX_RETRIES", "-2", "CARGO_MAX_RETRIES must not be negative, got '-2'"),
    ],
)
def test_bad_environment_is_a_usage_error(monkeypatch, capsys, api, name, value, message):
    monkeypatch.setenv(name, value)
    assert main(["whoami"]) == 2
    assert json.loads(capsys.readouterr().out) == {"errorMessage": message}
    assert not api.calls


def test_ctrl_c_exits_130(cli, api):
    def interrupt(request):
        raise KeyboardInterrupt

    api.get(USER_PATH).mock(side_effect=interrupt)
    result = cli("whoami")
    assert (result.code, result.json) == (130, {"errorMessage": "Interrupted"})
    assert "Traceback" not in result.err


def test_unexpected_exception_is_an_internal_error_not_a_traceback(cli, api):
    api.get(USER_PATH).mock(side_effect=RuntimeError(f"boom with {TOKEN}"))
    result = cli("whoami")
    assert (result.code, result.json) == (70, {"errorMessage": "Internal error: RuntimeError: boom with ***"})
    assert "Traceback" not in result.out + result.err
    assert TOKEN not in result.out + result.err


def test_api_error_exit_1(cli, api):
    api.get(USER_PATH).respond(500, json={})
    result = cli("whoami")
    assert (result.code, result.json) == (1, {"errorMessage": "Server error", "status": 500})


def test_version_flag_prints_the_bare_version(cli):
    result = cli("--version")
    assert (result.code, result.out, result.err) == (0, f"{__version__}\n", "")


def test_entrypoint_exits_with_mains_code(monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["cargo-ai", "nosuch"])
    with pytest.raises(SystemExit) as exited:
        entrypoint()
    assert exited.value.code == 2
    assert json.loads(capsys.readouterr().out)["errorMessage"].startswith("No such command")


def test_help_works_on_every_group_and_command(cli, api):
    paths = all_command_paths()
    assert len(paths) > 100  # the whole tree, not just the root
    failures = []
    for path in paths:
        result = cli(*path, "--help")
        usage = " ".join(("Usage: cargo-ai", *path))
        if result.code != 0 or not result.out.startswith(usage):
            failures.append((path, result.code, result.out[:200]))
    assert failures == []
    assert not api.calls


def test_help_is_fast_to_import(monkeypatch):
    """``cargo-ai --help`` must not import httpx, pydantic or rich (startup time)."""
    code = (
        "import sys\n"
        "from cargo_cli.main import main\n"
        "main(['--help'])\n"
        "heavy = [m for m in ('httpx', 'pydantic', 'rich', 'cargo_cli.api.endpoints') if m in sys.modules]\n"
        "sys.stderr.write(repr(heavy))\n"
    )
    import subprocess

    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.stderr == "[]", done.stderr
    assert done.stdout.startswith("Usage: cargo-ai")


def test_client_import_skips_httpx_cli():
    """The client avoids importing httpx's own CLI (rich, pygments, click)."""
    import subprocess

    code = (
        "import sys\n"
        "import cargo_cli.api.client\n"
        "print(sorted(m for m in ('rich', 'pygments', 'click', 'httpx._main') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.stdout.strip() == "[]", done.stdout + done.stderr


def test_network_error_exit_1(cli, api, monkeypatch):
    monkeypatch.setenv("CARGO_MAX_RETRIES", "0")
    api.get(USER_PATH).mock(side_effect=httpx.ConnectError("refused"))
    result = cli("whoami")
    assert result.code == 1
    assert result.json["errorMessage"].startswith(
        "Network error: could not connect to api.getcargo.io (refused)"
    )


def test_bad_environment_does_not_break_help_or_version(monkeypatch, capsys, api):
    monkeypatch.setenv("CARGO_TIMEOUT", "soon")
    assert main(["orchestration", "run", "get", "--help"]) == 0
    assert capsys.readouterr().out.startswith("Usage: cargo-ai orchestration run get")
    assert main(["version"]) == 0
    assert json.loads(capsys.readouterr().out) == {"version": __version__}
    assert not api.calls


def test_signal_handlers_are_restored_after_each_invocation(cli, api):
    import signal

    before = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    cli("version")
    assert {s: signal.getsignal(s) for s in before} == before


def test_a_signal_raises_interrupted_with_its_exit_code(cli, api):
    import os
    import signal

    def terminate(request):
        os.kill(os.getpid(), signal.SIGTERM)  # the handler raises here, in the main thread
        raise AssertionError("not reached")

    api.get(USER_PATH).mock(side_effect=terminate)
    result = cli("whoami")
    assert (result.code, result.json) == (143, {"errorMessage": "Interrupted", "signal": "SIGTERM"})


@pytest.mark.parametrize(
    ("error", "code", "err"),
    [
        (BrokenPipeError(32, "Broken pipe"), 141, ""),
        (
            OSError(28, "No space left on device"),
            1,
            "cargo-ai: cannot write to stdout: No space left on device, runUuid r1\n",
        ),
    ],
    ids=["EPIPE", "ENOSPC"],
)
def test_an_unwritable_stdout_ends_quietly(monkeypatch, capsys, error, code, err):
    from cargo_cli import output

    def fail(_data: bytes) -> None:
        raise OutputClosedError(error)

    def created(_args, _runtime):
        output.remember("runUuid", "r1")
        output.emit({"run": {}})

    monkeypatch.setattr(output, "_write", fail)
    monkeypatch.setattr("cargo_cli.cli.root.run", created)
    assert main(["orchestration"]) == code
    assert capsys.readouterr().err == err


def test_non_utf8_argv_is_a_usage_error(cli, api):
    result = cli("orchestration", "template", "get", "caf\udce9")  # how Python decodes b"caf\xe9"
    assert (result.code, result.json) == (2, {"errorMessage": "Argument 4 is not valid UTF-8: caf\\xe9"})
    assert not api.calls


def test_an_escaping_oserror_is_an_environment_error_not_an_internal_one(cli, api):
    api.get(USER_PATH).mock(side_effect=PermissionError(13, "Permission denied", "/etc/x"))
    result = cli("whoami")
    assert (result.code, result.json) == (1, {"errorMessage": "Permission denied: /etc/x"})
