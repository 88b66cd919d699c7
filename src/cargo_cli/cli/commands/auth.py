"""login, logout, whoami, version."""

from __future__ import annotations

import sys
from typing import Any

import click

from cargo_cli import __version__, output
from cargo_cli.cli.flags import debug_option
from cargo_cli.cli.help import HelpCommand
from cargo_cli.cli.params import UUID
from cargo_cli.cli.runtime import Runtime, get_runtime
from cargo_cli.errors import NotLoggedInError, UsageError

# ``--debug`` is accepted after every leaf command, as on the declared ones.
__all__ = ["debug_option", "login", "logout", "version", "whoami"]


def _profile(rt: Runtime, token: str, workspace_uuid: str | None) -> dict[str, Any]:
    """Verify a token: the current user (no workspace header) and workspace."""
    from cargo_cli.api.resources import user_management, workspace_management

    client = rt.make_client(token, workspace_uuid)
    try:
        user = user_management.User(client).get_current()
        workspace = workspace_management.Workspace(client).get_current()
    finally:
        client.close()
    return {
        "user": user.get("user", user) if isinstance(user, dict) else user,
        "workspace": workspace.get("workspace", workspace) if isinstance(workspace, dict) else workspace,
    }


@click.command(
    "login",
    cls=HelpCommand,
    examples=(
        "cargo-ai login --token <your-api-token>",
        'echo "$CARGO_TOKEN" | cargo-ai login --token -',
        "cargo-ai login --oauth",
    ),
)
@click.option("--token", metavar="TOKEN", help="An API token (workspace-scoped); '-' reads it from stdin.")
@click.option("--oauth", is_flag=True, help="Log in in the browser (OAuth 2.0 device authorization).")
@click.option("--workspace-uuid", type=UUID, help="The workspace to select.")
@click.option("--email", is_flag=False, flag_value="", default=None, hidden=True)
@click.option("--code", hidden=True)
@click.option("--workspace-name", hidden=True)
@debug_option
def login(
    token: str | None,
    oauth: bool,
    workspace_uuid: str | None,
    email: str | None,
    code: str | None,
    workspace_name: str | None,
) -> None:
    """Log in and store the credentials (OS keyring, else
    ~/.config/cargo-ai/credentials.json with mode 0600).

    The token is verified against the API before it is stored.
    """
    rt = get_runtime(click.get_current_context())
    if email is not None or code is not None or workspace_name is not None:
        raise UsageError(
            "Email-code login (--email/--code/--workspace-name) is not supported by this CLI; "
            "use `cargo-ai login --token <token>` or `cargo-ai login --oauth`."
        )
    if bool(token) == bool(oauth):
        raise UsageError("Pass exactly one of --token <token> or --oauth.")
    from cargo_cli.api.tokens import clean_token

    if token == "-":
        token = sys.stdin.readline()
        if not token.strip():
            raise UsageError("No token on stdin.")
        token = clean_token(token, "The token read from stdin")
    elif token:
        output.register_secret(token)
        token = clean_token(token, "--token")
    if oauth:
        from cargo_cli.api.oauth import DeviceFlow

        client = rt.make_client(None, None)
        try:
            flow = DeviceFlow(client, sleep=rt.sleep, clock=rt.clock)
            meta = flow.metadata()
            auth = flow.start(meta)
            url = auth.verification_uri_complete or auth.verification_uri
            output.info(f"To log in, open {url} and enter the code: {auth.user_code}")
            token = clean_token(flow.poll(meta, auth), "The token from the OAuth server")
        finally:
            client.close()
    assert token is not None
    # The workspace to verify against: --workspace-uuid, else CARGO_WORKSPACE_UUID
    # (which every later command would send anyway), else the token's own.
    workspace_uuid = workspace_uuid or rt.settings.env_workspace_uuid
    profile = _profile(rt, token, workspace_uuid)
    workspace = profile.get("workspace")
    selected = workspace_uuid or (workspace.get("uuid") if isinstance(workspace, dict) else None)
    from cargo_cli.credentials import Credentials
    from cargo_cli.settings import DEFAULT_API_URL

    # Remember the origin of a login made elsewhere (CARGO_API_URL=... login):
    # later commands go back there unless CARGO_API_URL says otherwise.
    api_url = rt.settings.api_url if rt.settings.api_url != DEFAULT_API_URL else None
    stored_in = rt.store.save(Credentials(token, selected, api_url=api_url))
    output.emit({**profile, "baseUrl": rt.settings.api_url, "storedIn": stored_in})


@click.command("logout", cls=HelpCommand, examples=("cargo-ai logout",))
@debug_option
def logout() -> None:
    """Forget the stored login (keyring and credentials file)."""
    rt = get_runtime(click.get_current_context())
    removed = rt.store.clear()
    result: dict[str, Any] = {"loggedOut": True, "removed": removed}
    if rt.settings.env_token:
        result["note"] = "CARGO_API_TOKEN is set in the environment and still applies."
    output.emit(result)


@click.command("whoami", cls=HelpCommand, examples=("cargo-ai whoami",))
@debug_option
def whoami() -> None:
    """Print {user, workspace, baseUrl} for the current credentials, and where
    they come from: baseUrlSource (env: CARGO_API_URL, login: stored with the
    login, default) and credentialsSource (env: CARGO_API_TOKEN, keyring, file;
    with credentialsFile for the file)."""
    rt = get_runtime(click.get_current_context())
    creds = rt.credentials()
    if creds is None:
        raise NotLoggedInError()
    profile = _profile(rt, creds.access_token, creds.workspace_uuid)
    where: dict[str, Any] = {"credentialsSource": creds.source}
    if creds.source == "file":
        where["credentialsFile"] = str(rt.store.path)
    output.emit(
        {**profile, "baseUrl": rt.settings.api_url, "baseUrlSource": rt.settings.api_url_source, **where}
    )


@click.command("version", cls=HelpCommand, examples=("cargo-ai version",))
@debug_option
def version() -> None:
    """Print the CLI version as JSON ({"version": ...})."""
    output.emit({"version": __version__})
