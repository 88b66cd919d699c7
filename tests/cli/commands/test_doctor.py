"""``cargo-ai doctor``: one JSON report, the exit code of the most severe
failing check, time-boxed, never the token."""

from __future__ import annotations

import email.utils
import json
import os
import time

import httpx
import pytest

from cargo_cli.cli.runtime import Runtime
from cargo_cli.main import main
from cargo_cli.settings import Settings
from tests.helpers import TOKEN, UUID1, WORKSPACE
from tests.test_credentials import HangingKeyring, MemoryKeyring, credentials_path, install_keyring

USER = {"user": {"uuid": UUID1, "email": "ada@example.com", "firstName": "Ada"}}
WORKSPACE_ANSWER = {"workspace": {"uuid": WORKSPACE, "name": "Acme", "plan": "pro"}}
USER_PATH = "/userManagement/users/current"
WORKSPACE_PATH = "/workspaceManagement/workspaces/current"


def http_date(offset: float = 0.0) -> str:
    return email.utils.formatdate(time.time() + offset, usegmt=True)


@pytest.fixture
def server(api):
    """The two calls doctor makes, answering like a healthy API."""
    return {
        "user": api.get(USER_PATH).respond(json=USER, headers={"date": http_date()}),
        "workspace": api.get(WORKSPACE_PATH).respond(json=WORKSPACE_ANSWER),
    }


def statuses(report: dict) -> dict[str, str]:
    return {check["name"]: check["status"] for check in report["checks"]}


def test_healthy_setup(cli, server):
    result = cli("doctor")
    assert result.code == 0, result.out
    report = result.json
    assert "errorMessage" not in report
    assert report["ok"] is True
    assert report["version"] and report["python"] and report["apiUrl"] == "https://api.getcargo.io"
    assert report["credentials"]["source"] == "env"
    assert report["credentials"]["file"]["exists"] is False
    assert report["keyring"] == {"status": "disabled", "detail": "CARGO_NO_KEYRING is set"}
    assert report["api"]["reachable"] is True and report["api"]["status"] == 200
    assert isinstance(report["api"]["latencyMs"], int)
    assert report["user"] == {"uuid": UUID1, "email": "ada@example.com"}
    assert report["workspace"] == {"uuid": WORKSPACE, "name": "Acme", "selectedBy": "env"}
    assert abs(report["clock"]["skewSeconds"]) < 5
    assert statuses(report) == {
        "config": "ok", "credentials": "ok", "api": "ok", "auth": "ok", "workspace": "ok", "clock": "ok",
        "keyring": "ok",
    }  # fmt: skip
    # whoami's calls, with the same headers as every command.
    user_request = server["user"].calls[0].request
    assert user_request.headers["authorization"] == f"Bearer {TOKEN}"
    assert "selected-workspace-uuid" not in user_request.headers
    assert server["workspace"].calls[0].request.headers["selected-workspace-uuid"] == WORKSPACE
    assert TOKEN not in result.out and TOKEN not in result.err


def test_not_logged_in_still_checks_the_api(cli, api, monkeypatch):
    monkeypatch.delenv("CARGO_API_TOKEN")
    route = api.get(USER_PATH).respond(401, headers={"date": http_date()})
    result = cli("doctor")
    assert result.code == 3
    report = result.json
    assert next(iter(report)) == "errorMessage"
    assert report["errorMessage"].startswith("credentials: Not logged in")
    assert report["ok"] is False
    assert statuses(report)["api"] == "ok" and statuses(report)["auth"] == "skip"
    assert "authorization" not in route.calls[0].request.headers
    assert report["credentials"]["source"] is None


@pytest.mark.parametrize(("status", "code", "check"), [(401, 5, "auth"), (403, 5, "auth"), (500, 4, "api"),
                                                      (503, 4, "api"), (404, 5, "auth")])  # fmt: skip
def test_api_answers_map_to_checks(cli, api, status, code, check):
    route = api.get(USER_PATH).respond(status, json={"errorMessage": "x"})
    workspace = api.get(WORKSPACE_PATH).respond(json=WORKSPACE_ANSWER)
    result = cli("doctor")
    assert result.code == code, result.out
    assert result.json["errorMessage"].startswith(f"{check}: ")
    assert statuses(result.json)[check] == "fail"
    assert route.call_count == 1  # no retries: doctor reports what it sees
    assert not workspace.called


@pytest.mark.parametrize(
    ("error", "needle"),
    [
        (httpx.ConnectError("refused"), "Network error: could not connect to api.getcargo.io (refused)"),
        (httpx.ReadTimeout("slow"), "timed out after 10s"),
    ],
)
def test_unreachable_api(cli, api, error, needle):
    route = api.get(USER_PATH).mock(side_effect=error)
    result = cli("doctor")
    assert result.code == 4
    assert needle in result.json["errorMessage"]
    assert result.json["api"] == {"reachable": False}
    assert route.call_count == 1
    assert statuses(result.json) == {
        "config": "ok", "credentials": "ok", "api": "fail", "auth": "skip", "workspace": "skip", "clock": "skip",
        "keyring": "ok",
    }  # fmt: skip


@pytest.mark.parametrize(("timeout", "budget"), [("600", "10s"), ("2", "2s")])
def test_network_checks_are_time_boxed(cli, api, monkeypatch, timeout, budget):
    monkeypatch.setenv("CARGO_TIMEOUT", timeout)
    api.get(USER_PATH).mock(side_effect=httpx.ReadTimeout("slow"))
    result = cli("doctor")
    assert result.code == 4
    assert result.json["errorMessage"].endswith(f"Request timed out after {budget}")


def test_workspace_that_cannot_be_read(cli, api):
    api.get(USER_PATH).respond(json=USER, headers={"date": http_date()})
    api.get(WORKSPACE_PATH).respond(403, json={"errorMessage": "Forbidden"})
    result = cli("doctor")
    assert result.code == 6
    assert result.json["errorMessage"] == f"workspace: cannot read workspace {WORKSPACE}: Forbidden"


@pytest.mark.parametrize(("offset", "code", "status"), [(-600, 7, "fail"), (400, 7, "fail"), (120, 0, "warn"),
                                                        (-90, 0, "warn"), (20, 0, "ok")])  # fmt: skip
def test_clock_skew_against_the_date_header(cli, api, offset, code, status):
    api.get(USER_PATH).respond(json=USER, headers={"date": http_date(offset)})
    api.get(WORKSPACE_PATH).respond(json=WORKSPACE_ANSWER)
    result = cli("doctor")
    assert result.code == code, result.out
    assert statuses(result.json)["clock"] == status
    assert result.json["clock"]["skewSeconds"] == pytest.approx(-offset, abs=2)
    if code:
        assert (
            "behind" in result.json["errorMessage"]
            if offset > 0
            else "ahead of" in result.json["errorMessage"]
        )


def test_no_date_header_is_a_warning(cli, api):
    api.get(USER_PATH).respond(json=USER)
    api.get(WORKSPACE_PATH).respond(json=WORKSPACE_ANSWER)
    result = cli("doctor")
    assert result.code == 0
    assert statuses(result.json)["clock"] == "warn"


@pytest.mark.parametrize(
    ("env", "needle"),
    [({"CARGO_TIMEOUT": "abc"}, "CARGO_TIMEOUT must be a number"),
     ({"CARGO_MAX_RETRIES": "-1"}, "CARGO_MAX_RETRIES must not be negative"),
     ({"CARGO_API_URL": "ftp://example.com"}, "CARGO_API_URL must be an http(s) URL")],
)  # fmt: skip
def test_invalid_config_sends_nothing(api, capsys, monkeypatch, env, needle):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    route = api.route()
    # As the installed CLI does: an invalid environment is kept until checked.
    code = main(["doctor"], runtime=Runtime(settings=Settings.from_env(strict=False)))
    report = json.loads(capsys.readouterr().out)
    assert code == 2
    assert report["errorMessage"].startswith("config: ")
    assert needle in report["errorMessage"]
    assert statuses(report)["api"] == "skip"
    assert not route.called


def test_plain_http_to_a_remote_host_is_a_warning(cli, monkeypatch):
    monkeypatch.setenv("CARGO_API_URL", "http://cargo.internal.example")
    import respx

    with respx.mock(base_url="http://cargo.internal.example/v1") as router:
        router.get(USER_PATH).respond(json=USER, headers={"date": http_date()})
        router.get(WORKSPACE_PATH).respond(json=WORKSPACE_ANSWER)
        result = cli("doctor")
    assert result.code == 0
    assert statuses(result.json)["config"] == "warn"


def _write_credentials(tmp_path, mode: int) -> str:
    path = credentials_path(tmp_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"accessToken": "file-token-secret", "workspaceUuid": WORKSPACE}))
    os.chmod(path, mode)
    return str(path)


def test_credentials_file_source_and_safe_mode(cli, server, monkeypatch, tmp_path):
    monkeypatch.delenv("CARGO_API_TOKEN")
    monkeypatch.delenv("CARGO_WORKSPACE_UUID")
    path = _write_credentials(tmp_path, 0o600)
    result = cli("doctor")
    assert result.code == 0, result.out
    assert result.json["credentials"] == {
        "source": "file", "file": {"path": path, "exists": True, "mode": "0600", "safe": True},
    }  # fmt: skip
    assert result.json["workspace"]["selectedBy"] == "login"
    assert server["user"].calls[0].request.headers["authorization"] == "Bearer file-token-secret"
    assert "file-token-secret" not in result.out


def test_credentials_file_readable_by_others_fails(cli, server, tmp_path):
    path = _write_credentials(tmp_path, 0o644)
    result = cli("doctor")
    assert result.code == 3
    assert result.json["errorMessage"] == (
        f"credentials: {path} is readable by other users (mode 0644): run chmod 600 on it"
    )
    assert result.json["credentials"]["file"]["safe"] is False
    assert "file-token-secret" not in result.out


def test_credentials_file_without_a_valid_login(cli, api, monkeypatch, tmp_path):
    monkeypatch.delenv("CARGO_API_TOKEN")
    path = credentials_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    os.chmod(path, 0o600)
    api.get(USER_PATH).respond(401, headers={"date": http_date()})
    result = cli("doctor")
    assert result.code == 3
    assert result.json["errorMessage"] == (
        f"credentials: Not logged in: {path} holds no valid login; run `cargo-ai login --token <token>` "
        "or set CARGO_API_TOKEN"
    )


def test_most_severe_failure_wins(cli, api, monkeypatch):
    monkeypatch.delenv("CARGO_API_TOKEN")
    api.get(USER_PATH).mock(side_effect=httpx.ConnectError("down"))
    result = cli("doctor")
    assert result.code == 3  # credentials (3) outranks api (4)
    assert statuses(result.json)["api"] == "fail"


def test_keyring_with_a_login(cli, server, monkeypatch):
    monkeypatch.delenv("CARGO_API_TOKEN")
    backend = install_keyring(monkeypatch, MemoryKeyring())
    backend.set_password("cargo-ai", "default", json.dumps({"accessToken": "kr-token-secret"}))
    result = cli("doctor")
    assert result.code == 0, result.out
    assert result.json["keyring"]["status"] == "ok"
    assert result.json["keyring"]["hasLogin"] is True
    assert result.json["keyring"]["backend"].endswith("MemoryKeyring")
    assert result.json["credentials"]["source"] == "keyring"
    assert result.json["workspace"]["selectedBy"] == "env"
    assert "kr-token-secret" not in result.out


def test_no_keyring_backend_is_one_clear_warning(cli, server, monkeypatch):
    from keyring.backends import fail

    install_keyring(monkeypatch, fail.Keyring())
    result = cli("doctor")
    assert result.code == 0, result.out
    assert result.json["keyring"] == {"status": "unavailable", "detail": "no usable keyring backend"}
    keyring = next(check for check in result.json["checks"] if check["name"] == "keyring")
    assert keyring == {
        "name": "keyring",
        "status": "warn",
        "message": "no usable keyring backend; the credentials file is used",
    }


def test_hanging_keyring_is_a_warning_and_does_not_hang(cli, server, monkeypatch):
    backend = install_keyring(monkeypatch, HangingKeyring())
    try:
        started = time.monotonic()
        result = cli("doctor")
        assert time.monotonic() - started < 5
    finally:
        backend.release.set()
    assert result.code == 0, result.out
    assert result.json["keyring"]["status"] == "unavailable"
    assert "did not answer" in result.json["keyring"]["detail"]
    assert statuses(result.json)["keyring"] == "warn"
