"""The hosting domain: apps (static front ends), workers (edge
``fetch(request, env)`` handlers) and the deployments that build and
promote them; plus two local-only commands, ``init`` (scaffold a project
from a template shipped in the package) and ``app env`` (.env.local lines).

This module holds the rows and their thin handlers; the local work is in
cli/hosting/: ``bundle`` (the --source walk of ``deployment create``),
``scaffold`` (``init``) and ``dotenv`` (``app env``'s lines).

Choices where the spec is silent (source walk limits, binary files,
symlinks, templates, the .env.local format) are in docs/seeds-domains.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from cargo_cli.api.resources import hosting
from cargo_cli.cli.hosting.bundle import (
    DEFAULT_IGNORES,
    MAX_FILE_BYTES,
    MAX_FILES,
    MAX_TOTAL_BYTES,
    check_deployable,
    collect_source,
    mib,
)
from cargo_cli.cli.hosting.dotenv import env_local
from cargo_cli.cli.hosting.scaffold import scaffold, template_list
from cargo_cli.cli.paging import paginated
from cargo_cli.cli.params import CSV, NULLABLE_UUID, UUID
from cargo_cli.cli.row_helpers import something_to_update, uuid_arg
from cargo_cli.cli.rows import Arg, Cmd, Invocation, Opt, build_domain
from cargo_cli.cli.wait import WaitSpec, field_of
from cargo_cli.errors import CargoError, UsageError
from cargo_cli.settings import normalize_origin


def _target(payload: dict[str, Any]) -> str | None:
    """Exactly one of --app-uuid / --worker-uuid: "app" / "worker"."""
    if "appUuid" in payload and "workerUuid" in payload:
        raise UsageError("--app-uuid and --worker-uuid are mutually exclusive: pass exactly one")
    if "appUuid" in payload:
        return "app"
    if "workerUuid" in payload:
        return "worker"
    return None


def exactly_one_target(payload: dict[str, Any]) -> dict[str, Any]:
    if _target(payload) is None:
        raise UsageError("Pass exactly one of --app-uuid or --worker-uuid")
    return payload


@dataclass(frozen=True)
class DeploymentCreateOptions:
    """``deployment create``'s local flags: the files are read, not sent as flags."""

    source: str
    ignore: list[str] | None


def _create_deployment(inv: Invocation) -> Any:
    kind = _target(inv.payload)
    opts = inv.options.typed(DeploymentCreateOptions)
    root = Path(opts.source)
    ignores = opts.ignore
    ignores = list(DEFAULT_IGNORES) if ignores is None else ignores
    files = collect_source(root, ignores)
    check_deployable(root, str(kind), files, ignores)
    return inv.call(payload={"files": files, "kind": kind, **inv.payload})


DEPLOYMENT_WAIT = WaitSpec(
    label="deployment",
    get_endpoint=hosting.Deployment.get,
    uuid_of=field_of("deployment", "uuid"),
    status_of=field_of("deployment", "status"),
    default_interval_ms=3000,
)


@dataclass(frozen=True)
class AppEnvOptions:
    api_url: str | None


def _app_env(inv: Invocation) -> str:
    uuid = inv.payload["uuid"]
    found = inv.call(hosting.App.get, {"uuid": uuid})
    app = found.get("app") if isinstance(found, Mapping) else None
    if not isinstance(app, Mapping):
        raise CargoError("The API answer has no app", extra={"result": found})
    listed = inv.call(hosting.EnvVars.list, {"appUuid": uuid})
    env_vars = listed.get("envVars") if isinstance(listed, Mapping) else None
    api_url = normalize_origin(inv.options.typed(AppEnvOptions).api_url or inv.runtime.settings.api_url)
    workspace = app.get("workspaceUuid") or inv.client.workspace_uuid or ""
    return env_local(app, uuid, api_url, workspace, env_vars)


@dataclass(frozen=True)
class InitOptions:
    """``app init`` / ``worker init``: local only, nothing is sent."""

    dir: str | None
    list_templates: bool | None
    template: str | None
    name: str | None


def _init(kind: str, inv: Invocation) -> Any:
    opts = inv.options.typed(InitOptions)
    if opts.list_templates:
        return template_list(kind)
    if not opts.dir:  # optional only so that --list-templates needs no directory
        raise UsageError(
            f"Missing argument '<dir>': the directory to scaffold (`cargo-ai hosting {kind} init <dir>`)"
        )
    return scaffold(kind, opts.dir, opts.template, opts.name)


def _init_command(kind: str) -> Cmd:
    article = "an app" if kind == "app" else "a worker"
    return Cmd(
        f"{kind} init", None,
        f"Scaffold {article} project from a template shipped with cargo-ai (local only, nothing is sent).\n\n"
        "Templates build with public npm packages only (see docs/seeds-domains.md). <dir> must be new or "
        "empty: init never overwrites files.",
        args=(Arg("dir", local=True, required=False, type=click.Path(file_okay=True, dir_okay=True),
                  help="The new or empty project directory (not needed with --list-templates)."),),
        opts=(
            Opt("--list-templates", is_flag=True, local=True, help="Print the templates as JSON and exit."),
            Opt("--template", local=True, metavar="SLUG", help="The template (default: blank)."),
            Opt("--name", local=True, help="Display name (default: the directory's name)."),
        ),
        handler=lambda inv: _init(kind, inv),
        options=InitOptions,
        examples=(f"cargo-ai hosting {kind} init <dir> --list-templates --name 'My {kind.title()}'",),
    )  # fmt: skip


# -- the commands --------------------------------------------------------------------
APP_UUID = Opt("--app-uuid", UUID, help="The app (exclusive with --worker-uuid).")
WORKER_UUID = Opt("--worker-uuid", UUID, help="The worker (exclusive with --app-uuid).")


def _slot_commands(kind: str) -> list[Cmd]:
    """list/get/create/update/remove: the same shape for apps and workers."""
    plural = f"{kind}s"
    metavar = f"{kind}-uuid"
    area: type[hosting.App | hosting.Worker] = hosting.App if kind == "app" else hosting.Worker
    return [
        Cmd(
            f"{kind} list", area.list, f"List {plural} → {{{plural}}}.",
            opts=(Opt("--folder-uuid", UUID, help=f"Only the {plural} in this folder."),),
            examples=(f"cargo-ai hosting {kind} list --folder-uuid <folder-uuid>",),
        ),
        Cmd(f"{kind} get", area.get, f"Get {'an' if kind == 'app' else 'a'} {kind} (incl. its url).",
            args=(uuid_arg(metavar),), examples=(f"cargo-ai hosting {kind} get <{metavar}>",)),
        Cmd(
            f"{kind} create", area.create,
            f"Create the {kind} slot; --slug becomes part of its host name → {{{kind}}}.",
            opts=(
                Opt("--name", required=True, help="Display name."),
                Opt("--slug", required=True, help="Slug, unique in the workspace (part of the live host)."),
                Opt("--folder-uuid", UUID, help="File it into this folder."),
            ),
            examples=(
                f"cargo-ai hosting {kind} create --name 'My {kind.title()}' --slug my-{kind}",
                f"cargo-ai hosting {kind} create --name 'My {kind.title()}' --slug my-{kind} --folder-uuid <folder-uuid>",
            ),
        ),
        Cmd(
            f"{kind} update", area.update, f"Rename or move {'an' if kind == 'app' else 'a'} {kind}.",
            opts=(
                Opt("--uuid", UUID, required=True, help=f"The {kind}'s uuid."),
                Opt("--name", help="New name."),
                Opt("--folder-uuid", NULLABLE_UUID, help="New folder; null/none moves it to the top level."),
            ),
            prepare=something_to_update("--name", "--folder-uuid"),
            examples=(  # in the spec's order of flags, which differs
                f"cargo-ai hosting app update --uuid <{metavar}> --folder-uuid null --name Renamed"
                if kind == "app" else
                f"cargo-ai hosting worker update --uuid <{metavar}> --name Renamed --folder-uuid null",
            ),
        ),
        Cmd(f"{kind} remove", area.remove, f"Remove the {kind} and all its deployments.",
            args=(uuid_arg(metavar),), examples=(f"cargo-ai hosting {kind} remove <{metavar}>",)),
        _init_command(kind),
    ]  # fmt: skip


COMMANDS: list[Cmd] = [
    *_slot_commands("app"),
    Cmd(
        "app env", None,
        "Print the .env.local lines a local copy of the app needs (plain text, not JSON).\n\n"
        "VITE_CARGO_API_URL, VITE_CARGO_WORKSPACE_UUID, VITE_CARGO_APP_UUID, then the app's env vars "
        "(secret ones are named in a comment, never printed). Redirect it: "
        "cargo-ai hosting app env <app-uuid> > .env.local",
        args=(uuid_arg("app-uuid"),),
        opts=(Opt("--api-url", local=True, metavar="URL",
                  help="The API origin written to VITE_CARGO_API_URL (default: this CLI's, CARGO_API_URL)."),),
        handler=_app_env,
        options=AppEnvOptions,
        text=True,
        examples=("cargo-ai hosting app env <app-uuid> --api-url https://api.getcargo.io",),
    ),
    *_slot_commands("worker"),
    paginated(Cmd(
        "deployment list", hosting.Deployment.list, "List the deployments of an app or a worker.",
        opts=(APP_UUID, WORKER_UUID),
        prepare=exactly_one_target,
        examples=("cargo-ai hosting deployment list --app-uuid <app-uuid>",),
    ), "deployments"),
    Cmd("deployment get", hosting.Deployment.get, "Get a deployment (poll its status) → {deployment}.",
        args=(uuid_arg("deployment-uuid"),), examples=("cargo-ai hosting deployment get <deployment-uuid>",)),
    Cmd(
        "deployment get-promoted", hosting.Deployment.get_promoted,
        "The deployment that is live for an app or a worker → {deployment}.",
        opts=(APP_UUID, WORKER_UUID),
        prepare=exactly_one_target,
        examples=(
            "cargo-ai hosting deployment get-promoted --app-uuid <app-uuid>",
            "cargo-ai hosting deployment get-promoted --worker-uuid <worker-uuid>",
        ),
    ),
    Cmd(
        "deployment create", hosting.Deployment.create,
        "Upload a source directory and build it (not live until promoted) → {deployment}.\n\n"
        "Sends every text file under --source as {path, content}, minus the --ignore list (default "
        f"{','.join(DEFAULT_IGNORES)}; --ignore replaces it). Refuses, sending nothing: a built dist/ "
        "instead of the package root, binary files, symlinks, files over "
        f"{mib(MAX_FILE_BYTES)}, more than {MAX_FILES} files or {mib(MAX_TOTAL_BYTES)} in all.",
        opts=(
            Opt("--source", click.Path(exists=True, file_okay=False, dir_okay=True), required=True, local=True,
                metavar="DIR", help="The package root (where package.json lives), not dist/."),
            APP_UUID,
            WORKER_UUID,
            Opt("--ignore", CSV, local=True, metavar="a,b,c",
                help=f"Names or globs to skip (replaces the default {','.join(DEFAULT_IGNORES)})."),
        ),
        prepare=exactly_one_target,
        handler=_create_deployment,
        options=DeploymentCreateOptions,
        wait=DEPLOYMENT_WAIT,
        epilog="With --wait-until-finished, polls the deployment (`hosting deployment get`) every 3000 ms (--polling-interval) "
        "until success, error or cancelled, then prints it; an `error` status is data (exit 0) "
        "unless --exit-status is given (exit 1).",
        examples=(
            "cargo-ai hosting deployment create --source ./my-app --app-uuid <app-uuid>",
            "cargo-ai hosting deployment create --source ./worker --worker-uuid <worker-uuid> --wait-until-finished --exit-status",
        ),
    ),
    Cmd(
        "deployment promote", hosting.Deployment.promote, "Make a deployment live → {deployment}.",
        opts=(Opt("--uuid", UUID, required=True, help="The deployment's uuid."),),
        examples=("cargo-ai hosting deployment promote --uuid <deployment-uuid>",),
    ),
]  # fmt: skip

group = build_domain(
    "hosting",
    COMMANDS,
    areas={
        "app": "Apps: static front ends on their own host.",
        "worker": "Workers: edge fetch(request, env) handlers.",
        "deployment": "Deployments: build, inspect, promote.",
    },
)
