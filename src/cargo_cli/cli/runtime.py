"""Per-invocation runtime: settings, credentials, the lazily built client,
and the clock/sleep used by polling (injectable for tests)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cargo_cli.errors import NotLoggedInError
from cargo_cli.settings import Settings

if TYPE_CHECKING:
    from cargo_cli.api.client import CargoClient
    from cargo_cli.credentials import Credentials, CredentialStore


@dataclass
class Runtime:
    settings: Settings = field(default_factory=lambda: Settings.from_env(strict=False))
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    _client: CargoClient | None = None
    _store: CredentialStore | None = None
    dry_run: bool = False  # --dry-run (cli/dryrun.py): the client gets a capturing transport
    dry_run_then: list[str] = field(default_factory=list)  # what would follow the first request

    @property
    def store(self) -> CredentialStore:
        if self._store is None:
            from cargo_cli.credentials import CredentialStore

            self._store = CredentialStore(self.settings)
        return self._store

    def credentials(self) -> Credentials | None:
        from cargo_cli.credentials import resolve

        found = resolve(self.settings, self.store)
        if found is None and self.dry_run:  # no login needed to see a request
            from cargo_cli.cli.dryrun import PLACEHOLDER_TOKEN
            from cargo_cli.credentials import Credentials

            return Credentials(PLACEHOLDER_TOKEN, self.settings.env_workspace_uuid, source="placeholder")
        return found

    def make_client(self, token: str | None, workspace_uuid: str | None) -> CargoClient:
        from cargo_cli import output
        from cargo_cli.api.client import CargoClient

        self.settings.check()
        output.register_secret(token)  # scrubbed from every error and debug line
        return CargoClient(
            self.settings,
            token=token,
            workspace_uuid=workspace_uuid,
            sleep=self.sleep,
            debug_log=output.debug,
            transport=self._dry_run_transport(),
        )

    def _dry_run_transport(self) -> Any:
        if not self.dry_run:
            return None
        from cargo_cli.cli.dryrun import transport

        return transport(self.dry_run_then)

    @property
    def client(self) -> CargoClient:
        """The authenticated client; raises NotLoggedInError without credentials."""
        if self._client is None:
            creds = self.credentials()
            if creds is None:
                raise NotLoggedInError()
            self._client = self.make_client(creds.access_token, creds.workspace_uuid)
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None


def get_runtime(ctx: Any) -> Runtime:
    """The Runtime on the root click context (created on first use)."""
    root = ctx.find_root()
    if not isinstance(root.obj, Runtime):
        root.obj = Runtime()
    return root.obj
