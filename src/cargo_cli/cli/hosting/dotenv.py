"""``hosting app env``'s output: the .env.local lines of a hosted app, as
plain text (``KEY=value``; secret values are named in a comment, never
printed). The format is in docs/seeds-domains.md."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_BARE_VALUE = re.compile(r"^[A-Za-z0-9_./:@+,-]*$")


def dotenv_line(key: str, value: Any) -> str:
    """``KEY=value``, double-quoted (with \\ \" \\n \\r escapes) unless plain."""
    text = "" if value is None else value if isinstance(value, str) else str(value).lower()
    if _BARE_VALUE.match(text):
        return f"{key}={text}"
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'{key}="{escaped}"'


def env_local(app: Mapping[str, Any], uuid: str, api_url: str, workspace: str, env_vars: Any) -> str:
    """The .env.local text of ``app`` (the API's app object) and its
    ``env_vars`` (the API's list; anything else is no variables)."""
    lines = [
        f"# .env.local for the Cargo app {' '.join(str(app.get('name') or uuid).split())} (cargo-ai hosting app env)",
        dotenv_line("VITE_CARGO_API_URL", api_url),
        dotenv_line("VITE_CARGO_WORKSPACE_UUID", workspace),
        dotenv_line("VITE_CARGO_APP_UUID", uuid),
    ]
    if app.get("oauthClientId"):
        lines.append(dotenv_line("VITE_CARGO_OAUTH_CLIENT_ID", app["oauthClientId"]))
    for item in env_vars if isinstance(env_vars, list) else []:
        if not isinstance(item, Mapping) or not isinstance(item.get("key"), str):
            continue
        if item.get("isSecret") or item.get("value") is None:
            lines.append(f"# {item['key']}: secret, not printed")
        else:
            lines.append(dotenv_line(item["key"], item["value"]))
    return "\n".join(lines) + "\n"
