"""The .env.local lines (``hosting app env`` end to end: tests/cli/commands/test_hosting_local.py)."""

from __future__ import annotations

import pytest

from cargo_cli.cli.hosting.dotenv import dotenv_line, env_local


@pytest.mark.parametrize(
    ("value", "line"),
    [
        ("eu-west_1.example:443/x@y+z,w", "K=eu-west_1.example:443/x@y+z,w"),  # plain: bare
        (None, "K="),
        (True, "K=true"),
        (50, "K=50"),
        ("a b", 'K="a b"'),
        ('say "hi" \\o/\r\n', 'K="say \\"hi\\" \\\\o/\\r\\n"'),
    ],
)
def test_dotenv_line_quotes_only_what_needs_it(value, line):
    assert dotenv_line("K", value) == line


def test_env_local_names_secrets_and_skips_malformed_items():
    app = {"name": "My\n  App", "oauthClientId": "cid"}
    env_vars = [
        {"key": "A", "value": "1"},
        {"key": "S", "value": "x", "isSecret": True},
        {"key": "N", "value": None},
        {"value": "no key"},
        "not an object",
    ]
    assert env_local(app, "u-1", "https://api.example", "ws-1", env_vars) == (
        "# .env.local for the Cargo app My App (cargo-ai hosting app env)\n"
        "VITE_CARGO_API_URL=https://api.example\n"
        "VITE_CARGO_WORKSPACE_UUID=ws-1\n"
        "VITE_CARGO_APP_UUID=u-1\n"
        "VITE_CARGO_OAUTH_CLIENT_ID=cid\n"
        "A=1\n"
        "# S: secret, not printed\n"
        "# N: secret, not printed\n"
    )
    assert env_local({}, "u-1", "https://api.example", "", {"not": "a list"}).splitlines()[0] == (
        "# .env.local for the Cargo app u-1 (cargo-ai hosting app env)"
    )
