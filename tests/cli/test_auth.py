"""login --token / logout / whoami / version, end to end through main."""

from __future__ import annotations

import json

import pytest

from cargo_cli import __version__
from tests.helpers import TOKEN, UUID1, WORKSPACE
from tests.test_credentials import HangingKeyring, MemoryKeyring, credentials_path, install_keyring

USER_PATH = "/userManagement/users/current"
WS_PATH = "/workspaceManagement/workspaces/current"
USER = {"user": {"uuid": "u-1", "email": "a@b.c"}}
WS = {"workspace": {"uuid": UUID1, "name": "Acme"}}
NEW = "new-token-secret"
NOT_LOGGED_IN = "Not logged in. Run `cargo-ai login --token <token>` (or `cargo-ai login --oauth`), or set CARGO_API_TOKEN."


@pytest.fixture
def no_env_login(monkeypatch):
    monkeypatch.delenv("CARGO_API_TOKEN")
    monkeypatch.delenv("CARGO_WORKSPACE_UUID")


@pytest.fixture
def profile(api):
    """The two endpoints a token is verified against."""
    return api.get(USER_PATH).respond(json=USER), api.get(WS_PATH).respond(json=WS)


def stored(tmp_path):
    return json.loads(credentials_path(tmp_path).read_text())


def test_login_with_token_verifies_then_stores(cli, profile, tmp_path, no_env_login):
    user, ws = profile
    result = cli("login", "--token", NEW, "--workspace-uuid", WORKSPACE)
    assert result.code == 0, result.out
    assert result.json == {
        "user": USER["user"],
        "workspace": WS["workspace"],
        "baseUrl": "https://api.getcargo.io",
        "storedIn": str(credentials_path(tmp_path)),
    }
    assert user.calls[0].request.headers["authorization"] == f"Bearer {NEW}"
    assert "selected-workspace-uuid" not in user.calls[0].request.headers
    assert ws.calls[0].request.headers["selected-workspace-uuid"] == WORKSPACE
    assert stored(tmp_path) == {"accessToken": NEW, "workspaceUuid": WORKSPACE}
    assert NEW not in result.out + result.err

    # the stored login is used from now on
    again = cli("whoami")
    assert again.code == 0
    request = ws.calls[-1].request
    assert request.headers["authorization"] == f"Bearer {NEW}"
    assert request.headers["selected-workspace-uuid"] == WORKSPACE


def test_login_without_workspace_stores_the_tokens_workspace(cli, profile, tmp_path, no_env_login):
    _user, ws = profile
    assert cli("login", "--token", NEW).code == 0
    assert "selected-workspace-uuid" not in ws.calls[0].request.headers
    assert stored(tmp_path) == {"accessToken": NEW, "workspaceUuid": UUID1}


def test_login_verifies_against_the_env_workspace(cli, profile, monkeypatch):
    monkeypatch.delenv("CARGO_API_TOKEN")
    _user, ws = profile
    assert cli("login", "--token", NEW).code == 0
    assert ws.calls[0].request.headers["selected-workspace-uuid"] == WORKSPACE


@pytest.mark.parametrize("stdin", [f"{NEW}\n", f"  {NEW}  \n"])
def test_login_token_from_stdin(cli, profile, tmp_path, no_env_login, stdin):
    user, _ws = profile
    result = cli("login", "--token", "-", stdin=stdin)
    assert result.code == 0, result.out
    assert user.calls[0].request.headers["authorization"] == f"Bearer {NEW}"
    assert stored(tmp_path)["accessToken"] == NEW


@pytest.mark.parametrize(
    ("argv", "stdin", "message"),
    [
        (("login", "--token", "-"), "\n", "No token on stdin."),
        (("login",), None, "Pass exactly one of --token <token> or --oauth."),
        (("login", "--token", ""), None, "Pass exactly one of --token <token> or --oauth."),
        (
            ("login", "--token", NEW, "--workspace-uuid", "nope"),
            None,
            "Invalid value for '--workspace-uuid': 'nope' is not a valid UUID (see `cargo-ai login --help`)",
        ),
        (
            ("login", "--email", "a@b.c"),
            None,
            "Email-code login (--email/--code/--workspace-name) is not supported by this CLI; "
            "use `cargo-ai login --token <token>` or `cargo-ai login --oauth`.",
        ),
    ],
)
def test_login_usage_errors_send_nothing(cli, api, tmp_path, argv, stdin, message):
    result = cli(*argv, stdin=stdin)
    assert (result.code, result.json) == (2, {"errorMessage": message})
    assert not api.calls
    assert not credentials_path(tmp_path).exists()


def test_rejected_token_is_not_stored(cli, api, tmp_path, no_env_login):
    api.get(USER_PATH).respond(401, json={})
    result = cli("login", "--token", NEW)
    assert (result.code, result.json) == (1, {"errorMessage": "Not authorized", "status": 401})
    assert not credentials_path(tmp_path).exists()
    assert NEW not in result.out + result.err


def test_token_without_workspace_access_is_not_stored(cli, api, tmp_path, no_env_login):
    api.get(USER_PATH).respond(json=USER)
    api.get(WS_PATH).respond(403, json={"errorMessage": "Not a member of this workspace"})
    result = cli("login", "--token", NEW, "--workspace-uuid", WORKSPACE)
    assert result.code == 1
    assert result.json["errorMessage"] == "Not a member of this workspace"
    assert not credentials_path(tmp_path).exists()


def test_logout_clears_the_login(cli, profile, tmp_path, no_env_login):
    assert cli("login", "--token", NEW).code == 0
    result = cli("logout")
    assert (result.code, result.json) == (
        0,
        {"loggedOut": True, "removed": [str(credentials_path(tmp_path))]},
    )
    assert not credentials_path(tmp_path).exists()
    after = cli("whoami")
    assert (after.code, after.json) == (1, {"errorMessage": NOT_LOGGED_IN})
    assert cli("logout").json == {"loggedOut": True, "removed": []}


def test_logout_notes_an_env_token(cli):
    result = cli("logout")
    assert result.code == 0
    assert result.json["note"] == "CARGO_API_TOKEN is set in the environment and still applies."


def test_whoami_without_credentials(cli, api, no_env_login):
    result = cli("whoami")
    assert (result.code, result.json) == (1, {"errorMessage": NOT_LOGGED_IN})
    assert not api.calls


def test_whoami_with_the_original_clis_file(cli, profile, tmp_path, no_env_login):
    _user, ws = profile
    path = credentials_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"accessToken": "legacy-token"}))
    result = cli("whoami")
    assert result.code == 0, result.out
    assert result.json == {
        "user": USER["user"],
        "workspace": WS["workspace"],
        "baseUrl": "https://api.getcargo.io",
        "baseUrlSource": "default",
        "credentialsSource": "file",
        "credentialsFile": str(path),
    }
    assert ws.calls[0].request.headers["authorization"] == "Bearer legacy-token"
    assert "selected-workspace-uuid" not in ws.calls[0].request.headers


def test_env_token_wins_over_the_stored_login(cli, profile, tmp_path):
    _user, ws = profile
    path = credentials_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"accessToken": "stored", "workspaceUuid": UUID1}))
    assert cli("whoami").code == 0
    assert ws.calls[0].request.headers["authorization"] == f"Bearer {TOKEN}"
    assert ws.calls[0].request.headers["selected-workspace-uuid"] == WORKSPACE


def test_login_whoami_logout_with_a_keyring(cli, profile, tmp_path, monkeypatch, no_env_login):
    backend = install_keyring(monkeypatch, MemoryKeyring())
    _user, ws = profile
    result = cli("login", "--token", NEW)
    assert (result.code, result.json["storedIn"]) == (0, "keyring")
    assert not credentials_path(tmp_path).exists()
    assert cli("whoami").code == 0
    assert ws.calls[-1].request.headers["authorization"] == f"Bearer {NEW}"
    assert cli("logout").json == {"loggedOut": True, "removed": ["keyring"]}
    assert backend.passwords == {}


def test_hanging_keyring_falls_back_to_the_file(cli, profile, tmp_path, monkeypatch, no_env_login):
    backend = install_keyring(monkeypatch, HangingKeyring())
    try:
        result = cli("login", "--token", NEW)
        assert result.code == 0, result.out
        assert result.json["storedIn"] == str(credentials_path(tmp_path))
        assert stored(tmp_path) == {"accessToken": NEW, "workspaceUuid": UUID1}
    finally:
        backend.release.set()


def test_version_prints_json(cli):
    result = cli("version")
    assert (result.code, result.json) == (0, {"version": __version__})
