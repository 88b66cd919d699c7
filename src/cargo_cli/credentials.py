"""Where the login lives.

Resolution: ``CARGO_API_TOKEN`` (with ``CARGO_WORKSPACE_UUID``), else the
stored login: the OS keyring when a usable backend exists, else
``$XDG_CONFIG_HOME/cargo-ai/credentials.json`` (``~/.config/...``), mode 0600,
``{"accessToken": "...", "workspaceUuid": "..."}``. A file written by the
original CLI (``{"accessToken": ...}`` only) is a valid login.

Every keyring call is time-boxed (``KEYRING_TIMEOUT``): a hanging Secret
Service falls back to the file instead of hanging the CLI.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from cargo_cli.settings import Settings

KEYRING_SERVICE = "cargo-ai"
KEYRING_USER = "default"
KEYRING_TIMEOUT = 3.0
CREDENTIALS_FILE = "credentials.json"

T = TypeVar("T")


class KeyringUnavailableError(Exception):
    pass


@dataclass
class Credentials:
    access_token: str
    workspace_uuid: str | None = None
    source: str = "file"  # "env", "keyring" or "file"

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"accessToken": self.access_token}
        if self.workspace_uuid:
            data["workspaceUuid"] = self.workspace_uuid
        return data

    @classmethod
    def from_json(cls, data: Any, source: str) -> Credentials | None:
        if not isinstance(data, dict):
            return None
        token = data.get("accessToken")
        if not isinstance(token, str) or not token.strip():
            return None
        workspace = data.get("workspaceUuid")
        return cls(
            access_token=token.strip(),
            workspace_uuid=workspace if isinstance(workspace, str) and workspace else None,
            source=source,
        )


def _time_boxed(func: Callable[[], T], timeout: float) -> T:
    """Run ``func`` in a daemon thread; give up after ``timeout`` seconds."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = func()
        except BaseException as exc:
            box["error"] = exc

    thread = threading.Thread(target=target, daemon=True, name="cargo-ai-keyring")
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise KeyringUnavailableError(f"keyring did not answer within {timeout:g}s")
    if "error" in box:
        raise KeyringUnavailableError(str(box["error"]))
    return box["value"]  # type: ignore[no-any-return]


class CredentialStore:
    def __init__(self, settings: Settings, *, keyring_timeout: float | None = None) -> None:
        self.settings = settings
        self.keyring_timeout = KEYRING_TIMEOUT if keyring_timeout is None else keyring_timeout
        self._keyring_ok: bool | None = None

    # -- file ------------------------------------------------------------
    @property
    def path(self) -> Path:
        return Path(self.settings.config_dir) / CREDENTIALS_FILE

    def _read_file(self) -> Credentials | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return Credentials.from_json(data, "file")

    def _write_file(self, creds: Credentials) -> None:
        directory = self.path.parent
        directory.mkdir(parents=True, exist_ok=True)
        try:
            os.chmod(directory, 0o700)
        except OSError:
            pass
        tmp = directory / (CREDENTIALS_FILE + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(creds.to_json(), handle, indent=2)
            handle.write("\n")
        os.chmod(tmp, 0o600)
        os.replace(tmp, self.path)

    def _remove_file(self) -> bool:
        try:
            self.path.unlink()
            return True
        except FileNotFoundError:
            return False

    # -- keyring -----------------------------------------------------------
    def _keyring(self) -> Any:
        """The keyring module when a usable backend exists, else None."""
        if not self.settings.use_keyring or self._keyring_ok is False:
            return None

        def probe() -> Any:
            import keyring
            from keyring.backends import fail

            backend = keyring.get_keyring()
            if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 0) <= 0:
                return None
            return keyring

        try:
            module = _time_boxed(probe, self.keyring_timeout)
        except KeyringUnavailableError:
            module = None
        self._keyring_ok = module is not None
        return module

    def _keyring_call(self, func: Callable[[Any], T]) -> T:
        module = self._keyring()
        if module is None:
            raise KeyringUnavailableError("no usable keyring backend")
        try:
            return _time_boxed(lambda: func(module), self.keyring_timeout)
        except KeyringUnavailableError:
            self._keyring_ok = False
            raise

    # -- public API ----------------------------------------------------------
    def keyring_health(self) -> dict[str, Any]:
        """For ``doctor``: is the keyring enabled, which backend, does a
        (time-boxed) read work, and does it hold a login. Never the secret."""
        if not self.settings.use_keyring:
            return {"status": "disabled", "detail": "CARGO_NO_KEYRING is set"}
        module = self._keyring()
        if module is None:
            return {
                "status": "unavailable",
                "detail": "no usable keyring backend (the credentials file is used)",
            }
        backend = type(module.get_keyring())
        health: dict[str, Any] = {"backend": f"{backend.__module__}.{backend.__name__}"}
        try:
            raw = self._keyring_call(lambda kr: kr.get_password(KEYRING_SERVICE, KEYRING_USER))
        except KeyringUnavailableError as exc:
            return {**health, "status": "unavailable", "detail": str(exc)}
        return {**health, "status": "ok", "hasLogin": bool(raw)}

    def load(self) -> Credentials | None:
        """The stored login: keyring first, then the file."""
        try:
            raw = self._keyring_call(lambda kr: kr.get_password(KEYRING_SERVICE, KEYRING_USER))
        except KeyringUnavailableError:
            raw = None
        if raw:
            try:
                creds = Credentials.from_json(json.loads(raw), "keyring")
            except ValueError:
                creds = None
            if creds:
                return creds
        return self._read_file()

    def save(self, creds: Credentials) -> str:
        """Store the login; returns where ("keyring" or the file path)."""
        text = json.dumps(creds.to_json())
        try:
            self._keyring_call(lambda kr: kr.set_password(KEYRING_SERVICE, KEYRING_USER, text))
        except KeyringUnavailableError:
            self._write_file(creds)
            return str(self.path)
        # A stale file would shadow nothing (keyring wins) but would keep an
        # old token on disk: remove it.
        self._remove_file()
        return "keyring"

    def clear(self) -> list[str]:
        """Forget the stored login everywhere; returns what was removed."""
        removed: list[str] = []
        try:
            existing = self._keyring_call(lambda kr: kr.get_password(KEYRING_SERVICE, KEYRING_USER))
            if existing is not None:
                self._keyring_call(lambda kr: kr.delete_password(KEYRING_SERVICE, KEYRING_USER))
                removed.append("keyring")
        except KeyringUnavailableError:
            pass
        if self._remove_file():
            removed.append(str(self.path))
        return removed


def resolve(settings: Settings, store: CredentialStore | None = None) -> Credentials | None:
    """``CARGO_API_TOKEN`` wins; else the stored login. ``CARGO_WORKSPACE_UUID``
    overrides the workspace either way."""
    if settings.env_token:
        return Credentials(settings.env_token, settings.env_workspace_uuid, source="env")
    creds = (store or CredentialStore(settings)).load()
    if creds and settings.env_workspace_uuid:
        creds.workspace_uuid = settings.env_workspace_uuid
    return creds
