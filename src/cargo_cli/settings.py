"""Runtime settings from the environment and the global options."""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping

from cargo_cli.api.options import (
    CONNECT_TIMEOUT,
    DEFAULT_API_URL,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    ClientOptions,
)
from cargo_cli.errors import UsageError

__all__ = ["CONNECT_TIMEOUT", "DEFAULT_API_URL", "DEFAULT_MAX_RETRIES", "DEFAULT_TIMEOUT", "Settings"]
MAX_SECONDS = 30 * 24 * 3600  # the largest time budget accepted anywhere (30 days)
MAX_RETRIES = 20


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def _number(
    env: Mapping[str, str], name: str, default: float, *, whole: bool = False, maximum: float = MAX_SECONDS
) -> float:
    """A finite number from 0 to ``maximum`` from the environment (``whole``:
    an integer); anything else is a usage error naming the variable."""
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    kind = "a whole number" if whole else "a number"
    try:
        value = float(int(raw)) if whole else float(raw)
    except ValueError as exc:
        raise UsageError(f"{name} must be {kind}, got {raw!r}") from exc
    if not math.isfinite(value):
        raise UsageError(f"{name} must be {kind}, got {raw!r}")
    if value < 0:
        raise UsageError(f"{name} must not be negative, got {raw!r}")
    if value > maximum:
        raise UsageError(f"{name} must be at most {maximum:.0f}, got {raw!r}")
    return value


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    value = _number(env, name, default)
    if value == 0:
        raise UsageError(f"{name} must be more than 0 seconds, got {env.get(name)!r}")
    return value


def normalize_origin(url: str) -> str:
    """The API origin without a trailing slash or ``/v1`` suffix."""
    url = url.strip().rstrip("/")
    if url.endswith("/v1"):
        url = url[: -len("/v1")]
    return url


def check_origin(url: str, name: str = "CARGO_API_URL") -> str:
    """An ``http(s)://host[:port][/prefix]`` URL, normalized; anything else
    (no scheme, no host, a bad port, a query) is a usage error at once, not
    a network error after retries."""
    origin = normalize_origin(url)
    if origin == DEFAULT_API_URL:
        return origin
    from urllib.parse import urlsplit  # not for --help: ~3 ms with ipaddress

    problem = None
    try:
        parts = urlsplit(origin)
        parts.port  # noqa: B018 (raises on a bad port)
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in {"http", "https"} or not parts.hostname:
        problem = "must be an http(s) URL"
    elif parts.query or parts.fragment or not origin.isprintable() or any(c.isspace() for c in origin):
        problem = "must be a plain http(s) URL (no query, fragment or spaces)"
    if problem:
        raise UsageError(f"{name} {problem} such as {DEFAULT_API_URL}, got {url!r}")
    return origin


class Settings:
    """The settings of one invocation. (A plain class, not a dataclass: it is
    built on every start-up path, ``--help`` included.)"""

    __slots__ = FIELDS = (
        "api_url",
        "api_url_source",
        "timeout",
        "max_retries",
        "debug",
        "env_token",
        "env_workspace_uuid",
        "use_keyring",
        "config_dir",
        "problem",
    )

    def __init__(
        self,
        api_url: str = DEFAULT_API_URL,
        api_url_source: str = "default",  # "env" (CARGO_API_URL), "login" (stored with it) or "default"
        timeout: float = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        debug: bool = False,
        env_token: str | None = None,
        env_workspace_uuid: str | None = None,
        use_keyring: bool = True,
        config_dir: str = "",
        problem: str | None = None,  # an invalid environment value, raised by check()
    ) -> None:
        self.api_url = api_url
        self.api_url_source = api_url_source
        self.timeout = timeout
        self.max_retries = max_retries
        self.debug = debug
        self.env_token = env_token
        self.env_workspace_uuid = env_workspace_uuid
        self.use_keyring = use_keyring
        self.config_dir = config_dir
        self.problem = problem

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{name}={'***' if name == 'env_token' and self.env_token else repr(getattr(self, name))}"
            for name in self.FIELDS
        )
        return f"Settings({shown})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Settings):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self.FIELDS)

    __hash__ = None  # type: ignore[assignment]  # mutable, as the dataclass was

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, *, strict: bool = True) -> Settings:
        """Read the environment. With ``strict=False`` an invalid value is kept
        as ``problem`` (and the default used) until ``check()``: help and
        version still work, anything that talks to the API fails with exit 2."""
        env = os.environ if env is None else env
        config_home = env.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
        problems: list[str] = []

        def read(parse: Callable[[], float], default: float) -> float:
            try:
                return parse()
            except UsageError as exc:
                problems.append(exc.message)
                return default

        timeout = read(lambda: _seconds(env, "CARGO_TIMEOUT", DEFAULT_TIMEOUT), DEFAULT_TIMEOUT)
        retries = read(
            lambda: _number(env, "CARGO_MAX_RETRIES", DEFAULT_MAX_RETRIES, whole=True, maximum=MAX_RETRIES),
            DEFAULT_MAX_RETRIES,
        )
        api_url = DEFAULT_API_URL
        try:
            api_url = check_origin(env.get("CARGO_API_URL") or DEFAULT_API_URL)
        except UsageError as exc:
            problems.append(exc.message)
        settings = cls(
            api_url=api_url,
            api_url_source="env" if env.get("CARGO_API_URL") else "default",
            timeout=timeout,
            max_retries=int(retries),
            debug=_truthy(env.get("CARGO_DEBUG")),
            env_token=(env.get("CARGO_API_TOKEN") or None),
            env_workspace_uuid=(env.get("CARGO_WORKSPACE_UUID") or "").strip() or None,
            use_keyring=not _truthy(env.get("CARGO_NO_KEYRING")),
            config_dir=os.path.join(config_home, "cargo-ai"),
            problem=problems[0] if problems else None,
        )
        if strict:
            settings.check()
        return settings

    def check(self) -> None:
        if self.problem:
            raise UsageError(self.problem)

    def client_options(self) -> ClientOptions:
        """What the API client needs of these settings (the API layer never
        reads the environment itself)."""
        return ClientOptions(
            api_url=self.api_url,
            timeout=self.timeout,
            max_retries=self.max_retries,
            debug=self.debug,
        )

    @property
    def base_url(self) -> str:
        """The origin plus ``/v1``: what endpoint paths are joined to."""
        return self.api_url + "/v1"
