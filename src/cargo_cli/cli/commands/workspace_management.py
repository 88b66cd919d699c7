"""The workspaceManagement domain: users, roles, API tokens, folders, files,
feedback reports and agent sessions.

Choices where the spec is silent are in docs/workspace-management.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import click

from cargo_cli import output
from cargo_cli.api.resources import workspace_management
from cargo_cli.cli.params import ISO_DATETIME, NULLABLE_UUID, UUID, choice, js_iso
from cargo_cli.cli.row_helpers import something_to_update
from cargo_cli.cli.rows import Arg, Cmd, Invocation, Opt, build_domain
from cargo_cli.cli.transfer import transfer_progress
from cargo_cli.errors import UsageError

UPLOAD_ENDPOINT = workspace_management.File.upload
FOLDER_KINDS = ("tool", "play", "agent", "file", "mcpServer", "model", "app", "worker", "alert")


# -- dates -------------------------------------------------------------------
def utcnow() -> datetime:
    return datetime.now(UTC)


# -- client-side checks (raise UsageError: nothing is sent) -------------------
def _check_email(payload: dict[str, Any]) -> dict[str, Any]:
    local, _, domain = payload["userEmail"].partition("@")
    if not local or not domain or "@" in domain:
        raise UsageError(f"--user-email {payload['userEmail']!r} is not an email address")
    return payload


def _token_payload(payload: dict[str, Any]) -> dict[str, Any]:
    # The API types permissions as required ``Permission[] | null``: null = the
    # creating user's access (the CLI has no flag to narrow it).
    return {**payload, "permissions": None}


def _session_payload(payload: dict[str, Any]) -> dict[str, Any]:
    finished = payload.pop("finished", None)
    if finished and "finishedAt" in payload:
        raise UsageError("Give either --finished (now) or --finished-at <iso date>, not both")
    if finished:
        payload["finishedAt"] = js_iso(utcnow())
    return payload


# -- token create: the value is shown once -------------------------------------
def _create_token(inv: Invocation) -> Any:
    result = inv.call()
    if output.stderr_is_tty():
        output.info("The token value is shown only once: copy it now (cargo-ai does not store it).")
    return result


# -- file upload: streamed multipart (chunked from 50 MiB), progress bar on a TTY stderr
@dataclass(frozen=True)
class UploadOptions:
    file: str


def _upload_file(inv: Invocation) -> Any:
    path = inv.options.typed(UploadOptions).file
    with transfer_progress(click.format_filename(path, shorten=True)) as on_progress:
        result = workspace_management.File(inv.client).upload(file=path, on_progress=on_progress)
    if isinstance(result, dict):  # uploaded: every later failure names it
        output.remember("s3Filename", result.get("s3Filename"))
    return result


# -- the commands --------------------------------------------------------------
FOLDER_UUID = Arg("folder-uuid", type=UUID)
USER_UUID = Opt("--user-uuid", UUID, required=True, help="The user's uuid.")
ROLE_SLUG_HELP = "A role slug (see `workspaceManagement role list`)."

COMMANDS: list[Cmd] = [
    # users and roles (admin token)
    Cmd("user list", workspace_management.User.all, "List the workspace members → {users}.", admin=True,
        examples=("cargo-ai workspaceManagement user list",)),
    Cmd(
        "user create", workspace_management.User.create, "Invite a user into the workspace.",
        opts=(
            Opt("--user-email", required=True, help="Email address to invite."),
            Opt("--role-slug", required=True, help=ROLE_SLUG_HELP),
        ),
        prepare=_check_email, admin=True,
                              examples=("cargo-ai workspaceManagement user create --role-slug <role-slug> --user-email user@example.com",),
    ),
    Cmd(
        "user update", workspace_management.User.update, "Change a user's role (PUT /users/<user-uuid>).",
        opts=(USER_UUID, Opt("--role-slug", help=ROLE_SLUG_HELP)),
        prepare=something_to_update("--role-slug"), admin=True,
                                                    examples=("cargo-ai workspaceManagement user update --user-uuid <user-uuid> --role-slug <new-role-slug>",),
    ),
    Cmd(
        "user remove", workspace_management.User.remove, "Remove a user from the workspace.",
        opts=(USER_UUID,), admin=True,
                           examples=("cargo-ai workspaceManagement user remove --user-uuid <user-uuid>",),
    ),
    Cmd("user get-current", workspace_management.User.get_current, "The current workspace user → {user}.",
        examples=("cargo-ai workspaceManagement user get-current",)),
    Cmd("role list", workspace_management.Role.all, "List the workspace roles → {roles}.", admin=True,
        examples=("cargo-ai workspaceManagement role list",)),
    # API tokens (admin token)
    Cmd("token list", workspace_management.Token.all, "List the API tokens → {tokens}.", admin=True,
        examples=("cargo-ai workspaceManagement token list",)),
    Cmd(
        "token create", workspace_management.Token.create,
        "Create a named API token → {token}.\n\nThe token value is in the answer and is shown only this once: "
        "cargo-ai prints it and never stores it.",
        opts=(Opt("--name", required=True, help="A name for the token (e.g. 'worker: my-worker')."),),
        prepare=_token_payload, handler=_create_token, admin=True,
                                                       examples=("cargo-ai workspaceManagement token create --name 'worker: my-worker'",),
    ),
    Cmd(
        "token remove", workspace_management.Token.remove, "Remove (revoke) an API token.",
        args=(Arg("token-uuid", type=UUID),), admin=True,
                                              examples=("cargo-ai workspaceManagement token remove <token-uuid>",),
    ),
    # folders
    Cmd("folder list", workspace_management.Folder.all, "List the folders → {folders}.",
        examples=("cargo-ai workspaceManagement folder list",)),
    Cmd("folder get", workspace_management.Folder.get, "Get a folder → {folder}.", args=(FOLDER_UUID,),
        examples=("cargo-ai workspaceManagement folder get <folder-uuid>",)),
    Cmd(
        "folder create", workspace_management.Folder.create, "Create a folder → {folder}.",
        opts=(
            Opt("--name", required=True, help="Folder name."),
            Opt("--emoji-slug", help="Emoji slug (e.g. rocket)."),
            Opt("--kind", choice(*FOLDER_KINDS), help="What the folder holds."),
        ),
        examples=(
            "cargo-ai workspaceManagement folder create --name 'Q1 Campaigns'",
            "cargo-ai workspaceManagement folder create --name 'Q1 Campaigns' --kind agent --emoji-slug rocket",
        ),
    ),
    Cmd(
        "folder update", workspace_management.Folder.update, "Rename, re-emoji or move a folder → {folder}.",
        opts=(
            Opt("--uuid", UUID, required=True, help="The folder's uuid."),
            Opt("--name", help="New name."),
            Opt("--emoji-slug", help="New emoji slug."),
            Opt("--parent-uuid", NULLABLE_UUID, help="New parent folder; null/none moves it to the top level."),
        ),
        prepare=something_to_update("--name", "--emoji-slug", "--parent-uuid"),
        examples=("cargo-ai workspaceManagement folder update --uuid <folder-uuid> --name 'Q1 2025 Campaigns'",),
    ),
    Cmd("folder remove", workspace_management.Folder.remove, "Remove a folder.", args=(FOLDER_UUID,),
        examples=("cargo-ai workspaceManagement folder remove <folder-uuid>",)),
    # files
    Cmd(
        "file upload", UPLOAD_ENDPOINT,
        "Upload a file (e.g. a CSV batch input) → {uuid, s3Filename, contentType, name}.\n\n"
        "Sent as multipart/form-data, streamed from disk; from 50 MiB on, sent straight to storage in 8 MiB "
        "parts (4 at a time, aborted on failure or interrupt). A progress bar shows on stderr when it is a "
        "terminal.",
        opts=(
            Opt("--file", click.Path(exists=True, dir_okay=False, readable=True), required=True, local=True,
                aliases=("--file-path",), metavar="PATH",
                help="The file to upload (--file-path is the older name)."),
        ),
        handler=_upload_file,
        options=UploadOptions,
        examples=(
            "cargo-ai workspaceManagement file upload --file ./leads-sample.csv",
            "cargo-ai workspaceManagement file upload --file-path ./my-companies.csv",
        ),
    ),
    Cmd(
        "file list-columns", workspace_management.File.list_columns, "List the CSV columns of an uploaded file.",
        opts=(Opt("--s3-filename", required=True, help="The s3Filename `file upload` answered."),),
        examples=("cargo-ai workspaceManagement file list-columns --s3-filename abc123-my-companies.csv",),
    ),
    # reports and sessions (any token)
    Cmd(
        "report create", workspace_management.Report.create, "Submit a feedback report (non-admin OK) → {report}.",
        opts=(
            Opt("--title", required=True, help="One-line summary."),
            Opt("--description", required=True, help="What happened, what was expected."),
        ),
        examples=("cargo-ai workspaceManagement report create --description <description> --title <title>",),
    ),
    Cmd(
        "session upsert", workspace_management.Session.upsert,
        "Create or update an agent session row, keyed by --session-id → {session}.\n\n"
        "--finished marks it finished now (UTC); --finished-at sets the time. Without either, finishedAt is "
        "not sent.",
        opts=(
            Opt("--session-id", required=True, help="The agent session id (the upsert key)."),
            Opt("--title", required=True, help="Session title."),
            Opt("--summary", required=True, help="What was accomplished or attempted."),
            Opt("--finished", is_flag=True, field="finished", help="Mark the session finished now."),
            Opt("--finished-at", ISO_DATETIME, metavar="ISO_DATE", help="When it finished (ISO 8601; no offset = UTC)."),
        ),
        prepare=_session_payload,
        examples=(
            "cargo-ai workspaceManagement session upsert --session-id <session-id> --summary 'Session in progress.' --title <title>",
            "cargo-ai workspaceManagement session upsert --session-id <session-id> --summary 'Session in progress.' --title <title> --finished",
        ),
    ),
]  # fmt: skip

group = build_domain(
    "workspaceManagement",
    COMMANDS,
    areas={
        "user": "Workspace members (admin token, except get-current).",
        "role": "Workspace roles (admin token).",
        "token": "API tokens (admin token).",
        "folder": "Folders.",
        "file": "File uploads.",
        "report": "Feedback reports.",
        "session": "Agent sessions.",
    },
)
