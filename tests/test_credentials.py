"""Where the login lives: keyring when usable (time-boxed), else the 0600
credentials file; CARGO_API_TOKEN first; the original CLI's file is valid."""

from __future__ import annotations

import json
import os
import stat
import threading
import time
from pathlib import Path

import keyring
import keyring.core
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail
from keyring.errors import KeyringError

from cargo_cli import credentials
from cargo_cli.credentials import KEYRING_SERVICE, KEYRING_USER, Credentials, CredentialStore, resolve
from cargo_cli.settings import Settings
from tests.helpers import TOKEN, UUID1, WORKSPACE

SHORT_TIMEOUT = 0.2


class MemoryKeyring(KeyringBackend):
    """A usable keyring backend kept in memory."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}
        self.calls = 0

    def get_password(self, service: str, username: str) -> str | None:
        self.calls += 1
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.calls += 1
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.calls += 1
        del self.passwords[(service, username)]


class HangingKeyring(MemoryKeyring):
    """A Secret Service that never answers (until the test ends)."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def get_password(self, service: str, username: str) -> str | None:
        self.release.wait(30)
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        self.release.wait(30)


class BrokenKeyring(MemoryKeyring):
    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringError("locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringError("locked")


def install_keyring(monkeypatch: pytest.MonkeyPatch, backend: KeyringBackend) -> KeyringBackend:
    """Make ``backend`` the keyring (restored after the test), allow its use,
    and shorten the keyring time box."""
    monkeypatch.delenv("CARGO_NO_KEYRING", raising=False)
    monkeypatch.setattr(keyring.core, "_keyring_backend", keyring.core._keyring_backend)
    keyring.set_keyring(backend)
    monkeypatch.setattr(credentials, "KEYRING_TIMEOUT", SHORT_TIMEOUT)
    return backend


@pytest.fixture
def release_hanging():
    """Lets hanging keyring threads finish after the test."""
    hanging: list[HangingKeyring] = []
    yield hanging.append
    for backend in hanging:
        backend.release.set()


def credentials_path(tmp_path: Path) -> Path:
    return tmp_path / "config" / "cargo-ai" / "credentials.json"


def make_store(**env: str) -> CredentialStore:
    return CredentialStore(Settings.from_env({**os.environ, **env}))


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# -- the file -------------------------------------------------------------------------


def test_file_store_is_0600_and_round_trips(tmp_path):
    store = make_store()
    where = store.save(Credentials("tok", WORKSPACE))
    path = credentials_path(tmp_path)
    assert where == str(path) == str(store.path)
    assert mode(path) == 0o600 and mode(path.parent) == 0o700
    assert json.loads(path.read_text()) == {"accessToken": "tok", "workspaceUuid": WORKSPACE}
    assert store.load() == Credentials("tok", WORKSPACE, source="file")
    assert not list(path.parent.glob("*.tmp"))  # written atomically


def test_file_store_under_home_config_without_xdg(tmp_path, monkeypatch):
    monkeypatch.delenv("XDG_CONFIG_HOME")
    store = CredentialStore(Settings.from_env())
    store.save(Credentials("tok"))
    assert store.path == tmp_path / "home" / ".config" / "cargo-ai" / "credentials.json"
    assert mode(store.path) == 0o600


def test_original_cli_credentials_file_is_a_login(tmp_path):
    path = credentials_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text('{"accessToken": "from-the-original-cli"}')
    assert make_store().load() == Credentials("from-the-original-cli", None, source="file")


@pytest.mark.parametrize(
    "content",
    ["", "not json", "[]", '{"workspaceUuid": "x"}', '{"accessToken": ""}', '{"accessToken": 42}'],
)
def test_unusable_file_is_no_login(tmp_path, content):
    path = credentials_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text(content)
    assert make_store().load() is None


def test_overwriting_keeps_0600_even_if_loosened(tmp_path):
    store = make_store()
    store.save(Credentials("one"))
    os.chmod(store.path, 0o644)
    store.save(Credentials("two"))
    assert mode(store.path) == 0o600
    assert store.load() == Credentials("two", source="file")


# -- the keyring --------------------------------------------------------------------------


def test_usable_keyring_is_preferred_and_the_file_removed(tmp_path, monkeypatch):
    backend = install_keyring(monkeypatch, MemoryKeyring())
    path = credentials_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text('{"accessToken": "stale"}')
    store = make_store()
    assert store.save(Credentials("tok", WORKSPACE)) == "keyring"
    assert json.loads(backend.passwords[(KEYRING_SERVICE, KEYRING_USER)]) == {
        "accessToken": "tok",
        "workspaceUuid": WORKSPACE,
    }
    assert not path.exists()
    assert make_store().load() == Credentials("tok", WORKSPACE, source="keyring")


def test_empty_keyring_falls_back_to_the_file(tmp_path, monkeypatch):
    install_keyring(monkeypatch, MemoryKeyring())
    path = credentials_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text('{"accessToken": "file-token"}')
    assert make_store().load() == Credentials("file-token", source="file")


@pytest.mark.parametrize("backend", [fail.Keyring(), BrokenKeyring()], ids=["no-backend", "raising-backend"])
def test_unavailable_keyring_falls_back_to_the_file(tmp_path, monkeypatch, backend):
    install_keyring(monkeypatch, backend)
    store = make_store()
    assert store.save(Credentials("tok")) == str(credentials_path(tmp_path))
    assert mode(credentials_path(tmp_path)) == 0o600
    assert make_store().load() == Credentials("tok", source="file")


def test_hanging_keyring_is_time_boxed_and_falls_back(tmp_path, monkeypatch, release_hanging):
    backend = install_keyring(monkeypatch, HangingKeyring())
    release_hanging(backend)
    started = time.monotonic()
    store = make_store()
    assert store.save(Credentials("tok")) == str(credentials_path(tmp_path))
    assert store.load() == Credentials("tok", source="file")
    assert store.clear() == [str(credentials_path(tmp_path))]
    # one time box, then the keyring is not asked again in this invocation
    assert time.monotonic() - started < SHORT_TIMEOUT * 5


def test_hanging_keyring_discovery_is_time_boxed(tmp_path, monkeypatch, release_hanging):
    backend = install_keyring(monkeypatch, HangingKeyring())
    release_hanging(backend)
    monkeypatch.setattr(keyring, "get_keyring", lambda: backend.release.wait(30))
    started = time.monotonic()
    assert make_store().save(Credentials("tok")) == str(credentials_path(tmp_path))
    assert time.monotonic() - started < SHORT_TIMEOUT * 5


def test_cargo_no_keyring_never_touches_the_keyring(tmp_path, monkeypatch):
    backend = install_keyring(monkeypatch, MemoryKeyring())
    monkeypatch.setenv("CARGO_NO_KEYRING", "1")
    store = make_store()
    store.save(Credentials("tok"))
    store.load()
    store.clear()
    assert backend.calls == 0


def test_clear_removes_keyring_entry_and_file(tmp_path, monkeypatch):
    backend = install_keyring(monkeypatch, MemoryKeyring())
    backend.passwords[(KEYRING_SERVICE, KEYRING_USER)] = '{"accessToken": "k"}'
    path = credentials_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text('{"accessToken": "f"}')
    assert make_store().clear() == ["keyring", str(path)]
    assert backend.passwords == {} and not path.exists()
    assert make_store().clear() == []


# -- resolution -------------------------------------------------------------------------


def test_env_token_wins_over_the_stored_login():
    make_store().save(Credentials("stored", UUID1))
    assert resolve(Settings.from_env()) == Credentials(TOKEN, WORKSPACE, source="env")


def test_stored_login_when_no_env_token(monkeypatch):
    monkeypatch.delenv("CARGO_API_TOKEN")
    monkeypatch.delenv("CARGO_WORKSPACE_UUID")
    make_store().save(Credentials("stored", UUID1))
    assert resolve(Settings.from_env()) == Credentials("stored", UUID1, source="file")


def test_env_workspace_overrides_the_stored_workspace(monkeypatch):
    monkeypatch.delenv("CARGO_API_TOKEN")
    make_store().save(Credentials("stored", UUID1))
    assert resolve(Settings.from_env()) == Credentials("stored", WORKSPACE, source="file")


def test_no_login_at_all(monkeypatch):
    monkeypatch.delenv("CARGO_API_TOKEN")
    assert resolve(Settings.from_env()) is None


# -- the API URL the login was made against (issue 12) -----------------------------------


def test_a_login_elsewhere_stores_its_api_url_and_comes_back_there(tmp_path):
    store = make_store()
    store.save(Credentials("tok", WORKSPACE, api_url="http://localhost:8787"))
    assert json.loads(credentials_path(tmp_path).read_text())["apiUrl"] == "http://localhost:8787"
    settings = Settings.from_env({**os.environ, "CARGO_API_TOKEN": ""})
    creds = resolve(settings, CredentialStore(settings))
    assert creds is not None and creds.source == "file"
    assert (settings.api_url, settings.api_url_source) == ("http://localhost:8787", "login")


def test_cargo_api_url_wins_over_the_stored_one(tmp_path):
    make_store().save(Credentials("tok", api_url="http://localhost:8787"))
    settings = Settings.from_env(
        {**os.environ, "CARGO_API_TOKEN": "", "CARGO_API_URL": "https://eu.example.com/v1"}
    )
    resolve(settings, CredentialStore(settings))
    assert (settings.api_url, settings.api_url_source) == ("https://eu.example.com", "env")


def test_the_env_token_never_goes_to_a_stored_api_url(tmp_path):
    make_store().save(Credentials("tok", api_url="http://localhost:8787"))
    settings = Settings.from_env()
    assert resolve(settings, CredentialStore(settings)).source == "env"  # type: ignore[union-attr]
    assert (settings.api_url, settings.api_url_source) == ("https://api.getcargo.io", "default")


def test_the_keyring_keeps_the_api_url_too(monkeypatch):
    backend = install_keyring(monkeypatch, MemoryKeyring())
    store = make_store()
    assert store.save(Credentials("tok", api_url="http://localhost:8787")) == "keyring"
    stored = json.loads(backend.passwords[(KEYRING_SERVICE, KEYRING_USER)])  # type: ignore[attr-defined]
    assert stored == {"accessToken": "tok", "apiUrl": "http://localhost:8787"}
    assert store.load() == Credentials("tok", source="keyring", api_url="http://localhost:8787")


# -- file safety (issue 8) ------------------------------------------------------------------


def test_a_credentials_file_of_someone_else_readable_by_others_is_only_reported(
    tmp_path, monkeypatch, capsys
):
    path = credentials_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text('{"accessToken": "tok"}')
    path.chmod(0o644)
    monkeypatch.setattr(os, "getuid", lambda: path.stat().st_uid + 1)
    assert make_store().load() == Credentials("tok", source="file")
    assert capsys.readouterr().err == (
        f"cargo-ai: warning: {path} is readable by others (mode 0644); make it 0600 (chmod 600)\n"
    )
    assert mode(path) == 0o644


def test_an_unreadable_credentials_path_is_an_error_not_a_missing_login(tmp_path):
    credentials_path(tmp_path).mkdir(parents=True)
    with pytest.raises(credentials.CargoError, match=r"Cannot read the credentials file .*: Is a directory"):
        make_store().load()
    with pytest.raises(credentials.CargoError, match="Cannot remove the credentials file"):
        make_store().clear()
