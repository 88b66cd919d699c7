"""The API layer's own configuration: what a ``CargoClient`` needs to know
(base URL, deadlines, retries, user agent, debug), as one plain record.

``cargo_cli.settings`` reads the environment and the global options and
builds a ``ClientOptions`` (``Settings.client_options()``); the API layer
never reads the environment and never imports the CLI. The defaults here are
the documented ones (docs/hardening.md).
"""

from __future__ import annotations

from typing import Protocol

from cargo_cli import __version__

DEFAULT_API_URL = "https://api.getcargo.io"
DEFAULT_TIMEOUT = 360.0  # s: the whole budget of one call, retries and their sleeps included
CONNECT_TIMEOUT = 10.0  # s: at most this much of it for one connection attempt
DEFAULT_MAX_RETRIES = 2  # 3 attempts in all
USER_AGENT = f"cargo-ai/{__version__} (python; httpx)"


class ClientOptions:
    """One client's configuration. ``api_url`` is the origin (no ``/v1``);
    ``timeout`` the whole-call budget in seconds; ``max_retries`` how many
    times a retryable failure is sent again within it. (A plain class, not a
    dataclass: it is built on every start-up path.)"""

    __slots__ = ("api_url", "connect_timeout", "debug", "max_retries", "timeout", "user_agent", "version")

    def __init__(
        self,
        api_url: str = DEFAULT_API_URL,
        timeout: float = DEFAULT_TIMEOUT,
        connect_timeout: float = CONNECT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        debug: bool = False,
        user_agent: str = USER_AGENT,
        version: str = __version__,  # sent as x-cargo-origin-version
    ) -> None:
        self.api_url = api_url
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self.max_retries = max_retries
        self.debug = debug
        self.user_agent = user_agent
        self.version = version

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"ClientOptions({fields})"

    @property
    def base_url(self) -> str:
        """The origin plus ``/v1``: what endpoint paths are joined to."""
        return self.api_url + "/v1"

    def client_options(self) -> ClientOptions:
        return self


class HasClientOptions(Protocol):
    """Anything that can give the client its options (``Settings`` does)."""

    def client_options(self) -> ClientOptions: ...
