"""Where the login lives.

Resolution: ``CARGO_API_TOKEN`` (with ``CARGO_WORKSPACE_UUID``), else the
stored login: the OS keyring when a usable backend exists, else
``$XDG_CONFIG_HOME/cargo-ai/credentials.json`` (``~/.config/...``), mode 0600,
``{"accessToken": "...", "workspaceUuid": "...", "apiUrl": "..."}`` (``apiUrl``
only for a login against another origin than the default). A file written by
the original CLI (``{"accessToken": ...}`` only) is a valid login. A file
readable by others is tightened to 0600 (with a warning on stderr).

Every keyring call is time-boxed (``KEYRING_TIMEOUT``): a hanging Secret
Service falls back to the file instead of hanging the CLI.
"""

from __future__ import annotations

import json
import os
import stat
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from cargo_cli import output
from cargo_cli.api.tokens import clean_token
from cargo_cli.errors import CargoError
from cargo_cli.settings import Settings, check_origin

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
    api_url: str | None = None  # where this login was made, when not the default origin

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"accessToken": self.access_token}
        if self.workspace_uuid:
            data["workspaceUuid"] = self.workspace_uuid
        if self.api_url:  # additive: the original CLI's readers ignore it
            data["apiUrl"] = self.api_url
        return data

    @classmethod
    def from_json(cls, data: Any, source: str, label: str | None = None) -> Credentials | None:
        """A stored login; a token that cannot be sent is a usage error
        naming ``label`` (where it was read)."""
        if not isinstance(data, dict):
            return None
        token = data.get("accessToken")
        if not isinstance(token, str) or not token.strip():
            return None
        workspace = data.get("workspaceUuid")
        api_url = data.get("apiUrl")
        return cls(
            access_token=clean_token(token, f"The token in {label or source}"),
            workspace_uuid=workspace if isinstance(workspace, str) and workspace else None,
            source=source,
            api_url=(
                check_origin(api_url, f"The apiUrl in {label or source}")
                if isinstance(api_url, str) and api_url.strip()
                else None
            ),
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
            with open(self.path, "rb") as handle:
                self._tighten(handle.fileno())
                raw = handle.read()
        except FileNotFoundError:
            return None
        except OSError as exc:  # a directory, no permission, ...
            raise CargoError(f"Cannot read the credentials file {self.path}: {exc.strerror or exc}") from None
        try:
            data = json.loads(raw.decode("utf-8"))
        except ValueError:
            return None
        return Credentials.from_json(data, "file", str(self.path))

    def _tighten(self, fd: int) -> None:
        """A login readable by others is a leak: say so, and make it 0600
        when it is ours."""
        info = os.fstat(fd)
        mode = stat.S_IMODE(info.st_mode)
        if not mode & 0o077:
            return
        owner = getattr(os, "getuid", lambda: info.st_uid)()
        if info.st_uid == owner:
            try:
                os.fchmod(fd, 0o600)
                output.warn(f"{self.path} was readable by others (mode {mode:04o}); changed it to 0600")
                return
            except OSError:
                pass
        output.warn(f"{self.path} is readable by others (mode {mode:04o}); make it 0600 (chmod 600)")

    def _write_file(self, creds: Credentials) -> None:
        from cargo_cli import files

        directory = self.path.parent
        try:
            directory.mkdir(parents=True, exist_ok=True)
            os.chmod(directory, 0o700)
        except OSError:
            pass  # a problem with the directory is named by the write below
        text = json.dumps(creds.to_json(), indent=2) + "\n"
        with files.open_target(str(self.path), mode=0o600) as handle:  # temp file 0600, removed on failure
            handle.write(text.encode("utf-8"))

    def _remove_file(self) -> bool:
        try:
            self.path.unlink()
            return True
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise CargoError(
                f"Cannot remove the credentials file {self.path}: {exc.strerror or exc}"
            ) from None

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
                "detail": "no usable keyring backend",
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
                creds = Credentials.from_json(json.loads(raw), "keyring", "the keyring")
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
    overrides the workspace either way. A stored login made against another
    origin (``apiUrl``) goes back there, unless ``CARGO_API_URL`` is set:
    ``settings.api_url`` then follows the login."""
    if settings.env_token:
        token = clean_token(settings.env_token, "CARGO_API_TOKEN")
        return Credentials(token, settings.env_workspace_uuid, source="env")
    creds = (store or CredentialStore(settings)).load()
    if creds and settings.env_workspace_uuid:
        creds.workspace_uuid = settings.env_workspace_uuid
    if creds and creds.api_url and settings.api_url_source != "env":
        settings.api_url = creds.api_url
        settings.api_url_source = "login"
    return creds
