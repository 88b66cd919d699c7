"""``cargo-ai doctor``: the setup diagnosis, as one JSON object
(docs/doctor.md).

Checks, most severe first, each with the exit code it gives when it fails:

| check       | exit | fails when                                                        |
|-------------|------|-------------------------------------------------------------------|
| config      | 2    | an invalid CARGO_TIMEOUT / CARGO_MAX_RETRIES / CARGO_API_URL       |
| credentials | 3    | no login anywhere, or the credentials file is readable by others  |
| api         | 4    | no HTTP answer from the API (DNS, refused, TLS, timeout) or a 5xx  |
| auth        | 5    | the token is rejected (401/403)                                    |
| workspace   | 6    | the selected workspace cannot be read                             |
| clock       | 7    | the local clock is off the server's ``Date`` by more than 5 min   |
| keyring     | -    | never fails: an unusable keyring is a warning (the file is used)   |

The exit code is the one of the most severe failing check (0 when none
fails; warnings never fail). Network checks are time-boxed (at most
``NETWORK_TIMEOUT`` seconds each, no retries), keyring calls by the
credential store's own time box. The token is never printed.
"""

from __future__ import annotations

import email.utils
import os
import platform
import stat
import sys
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import click

from cargo_cli import __version__, output
from cargo_cli.api.resources import endpoint_id_of, user_management, workspace_management
from cargo_cli.cli.commands.auth import debug_option
from cargo_cli.cli.help import HelpCommand
from cargo_cli.cli.runtime import Runtime, get_runtime
from cargo_cli.errors import ApiError, CargoError

NETWORK_TIMEOUT = 10.0
CLOCK_WARN_SECONDS = 60.0
CLOCK_FAIL_SECONDS = 300.0
PROBE_CALL = user_management.User.get_current  # whoami's first call
WORKSPACE_CALL = workspace_management.Workspace.get_current
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})

OK, WARN, FAIL, SKIP = "ok", "warn", "fail", "skip"

# (check, exit code when it fails), most severe first.
SEVERITY: tuple[tuple[str, int | None], ...] = (
    ("config", 2),
    ("credentials", 3),
    ("api", 4),
    ("auth", 5),
    ("workspace", 6),
    ("clock", 7),
    ("keyring", None),
)


@dataclass
class Check:
    name: str
    status: str = SKIP
    message: str = ""

    def set(self, status: str, message: str) -> None:
        self.status, self.message = status, message

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "status": self.status, "message": self.message}


class DiagnosisError(CargoError):
    """The report of a failed diagnosis: errorMessage first, then the report."""

    def __init__(self, message: str, exit_code: int, report: dict[str, Any]) -> None:
        super().__init__(message, extra=report)
        self.exit_code = exit_code


class Doctor:
    def __init__(self, rt: Runtime) -> None:
        self.rt = rt
        self.checks = {name: Check(name) for name, _code in SEVERITY}
        self.report: dict[str, Any] = {
            "ok": True,
            "version": __version__,
            "python": platform.python_version(),
            "platform": sys.platform,
            "apiUrl": rt.settings.api_url,
        }

    # -- checks ---------------------------------------------------------------
    def config(self) -> None:
        settings = self.rt.settings
        url = urlsplit(settings.api_url)
        if settings.problem:
            self.checks["config"].set(FAIL, settings.problem)
        elif url.scheme not in ("http", "https") or not url.hostname:
            self.checks["config"].set(FAIL, f"CARGO_API_URL must be an http(s) URL, got {settings.api_url!r}")
        elif url.scheme == "http" and url.hostname not in LOCAL_HOSTS:
            self.checks["config"].set(
                WARN, f"{settings.api_url} is plain http: the token is sent unencrypted"
            )
        else:
            self.checks["config"].set(OK, f"API {settings.api_url}, timeout {settings.timeout:g}s")

    def keyring(self) -> None:
        health = self.rt.store.keyring_health()
        self.report["keyring"] = health
        status = health["status"]
        if status == "ok":
            self.checks["keyring"].set(OK, f"{health['backend']} answers")
        elif status == "disabled":
            self.checks["keyring"].set(OK, "disabled (CARGO_NO_KEYRING): the credentials file is used")
        else:
            self.checks["keyring"].set(WARN, f"{health.get('detail', status)}; the credentials file is used")

    def credentials(self) -> Any:
        from cargo_cli.credentials import resolve

        store = self.rt.store
        creds = resolve(self.rt.settings, store)
        file_info = _file_info(store.path)
        self.report["credentials"] = {"source": creds.source if creds else None, "file": file_info}
        check = self.checks["credentials"]
        if file_info.get("safe") is False:
            check.set(
                FAIL,
                f"{store.path} is readable by other users (mode {file_info['mode']}): run chmod 600 on it",
            )
        elif creds is None:
            stale = f"{store.path} holds no valid login; " if file_info["exists"] else ""
            check.set(
                FAIL, f"Not logged in: {stale}run `cargo-ai login --token <token>` or set CARGO_API_TOKEN"
            )
        else:
            where = {"env": "CARGO_API_TOKEN", "keyring": "the OS keyring", "file": str(store.path)}[
                creds.source
            ]
            check.set(OK, f"token from {where}")
        return creds

    def network(self, creds: Any) -> None:
        if self.checks["config"].status == FAIL:
            self.checks["api"].set(SKIP, "skipped: invalid configuration")
            return
        settings = self.rt.settings
        settings.timeout = min(settings.timeout, NETWORK_TIMEOUT)
        settings.max_retries = 0
        workspace_uuid = creds.workspace_uuid if creds else settings.env_workspace_uuid
        client = self.rt.make_client(creds.access_token if creds else None, workspace_uuid)
        try:
            if self.probe(client, creds) and creds is not None:
                self.workspace(client, creds)
        finally:
            client.close()

    def probe(self, client: Any, creds: Any) -> bool:
        """Reachability, latency, clock skew and the token, with whoami's call.
        True when the token was accepted."""
        before = time.time()
        try:  # one attempt, the answer whatever its status
            status, body, headers, elapsed = PROBE_CALL(user_management.User(client).with_options(raw=True))
        except ApiError as exc:
            self.checks["api"].set(FAIL, f"{self.rt.settings.api_url} is unreachable: {exc.message}")
            self.report["api"] = {"reachable": False}
            return False
        local = (before + time.time()) / 2
        latency = round(elapsed * 1000)
        self.report["api"] = {"reachable": status < 500, "status": status, "latencyMs": latency}
        if status >= 500:
            self.checks["api"].set(FAIL, f"the API answers with server errors (HTTP {status})")
            return False
        self.checks["api"].set(OK, f"reachable in {latency} ms")
        self.clock(headers.get("date"), local)
        if creds is None:
            self.checks["auth"].set(SKIP, "skipped: no credentials")
            return False
        if 200 <= status < 300:
            user = body.get("user", body) if isinstance(body, dict) else {}
            self.report["user"] = {
                k: user[k] for k in ("uuid", "email") if isinstance(user, dict) and k in user
            }
            self.checks["auth"].set(OK, f"token accepted ({self.report['user'].get('email', 'user')})")
            return True
        if status in (401, 403):
            self.checks["auth"].set(FAIL, f"the token is rejected (HTTP {status}): log in again")
        else:
            self.checks["auth"].set(
                FAIL, f"unexpected answer to {endpoint_id_of(PROBE_CALL)} (HTTP {status})"
            )
        return False

    def clock(self, date_header: str | None, local: float) -> None:
        check = self.checks["clock"]
        try:
            server = email.utils.parsedate_to_datetime(date_header or "")
        except (TypeError, ValueError, IndexError):
            check.set(WARN, "the API sent no usable Date header")
            return
        skew = round(local - server.timestamp(), 1)
        self.report["clock"] = {"serverDate": date_header, "skewSeconds": skew}
        if abs(skew) > CLOCK_FAIL_SECONDS:
            check.set(
                FAIL,
                f"the local clock is {_ahead(skew)}: fix the system time (tokens and signed URLs expire)",
            )
        elif abs(skew) > CLOCK_WARN_SECONDS:
            check.set(WARN, f"the local clock is {_ahead(skew)}")
        else:
            check.set(OK, f"within {CLOCK_WARN_SECONDS:g}s of the server (Date header, 1 s resolution)")

    def workspace(self, client: Any, creds: Any) -> None:
        settings = self.rt.settings
        selected_by = "env" if settings.env_workspace_uuid else ("login" if creds.workspace_uuid else "token")
        info: dict[str, Any] = {"uuid": creds.workspace_uuid, "selectedBy": selected_by}
        self.report["workspace"] = info
        try:
            answer = WORKSPACE_CALL(workspace_management.Workspace(client))
        except ApiError as exc:
            which = creds.workspace_uuid or "the token's workspace"
            self.checks["workspace"].set(FAIL, f"cannot read workspace {which}: {exc.message}")
            return
        workspace = answer.get("workspace", answer) if isinstance(answer, dict) else {}
        if isinstance(workspace, dict):
            info.update({k: workspace[k] for k in ("uuid", "name") if k in workspace})
        self.checks["workspace"].set(
            OK, f"{info.get('name', '?')} ({info.get('uuid')}, selected by {selected_by})"
        )

    # -- the verdict ------------------------------------------------------------
    def run(self) -> dict[str, Any]:
        self.config()
        self.keyring()
        creds = self.credentials()
        self.network(creds)
        for check in self.checks.values():
            if check.status == SKIP and not check.message:
                check.message = "not checked: an earlier check failed"
        self.report["checks"] = [self.checks[name].to_json() for name, _code in SEVERITY]
        for name, code in SEVERITY:
            check = self.checks[name]
            if code is not None and check.status == FAIL:
                self.report["ok"] = False
                raise DiagnosisError(f"{name}: {check.message}", code, self.report)
        return self.report


def _ahead(skew: float) -> str:
    return f"{abs(skew):g}s {'ahead of' if skew > 0 else 'behind'} the server"


def _file_info(path: Any) -> dict[str, Any]:
    info: dict[str, Any] = {"path": str(path)}
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        return {**info, "exists": False}
    except OSError as exc:
        return {**info, "exists": True, "error": exc.strerror or str(exc)}
    info.update({"exists": True, "mode": f"{mode:04o}"})
    if os.name == "posix":
        info["safe"] = mode & 0o077 == 0
    return info


@click.command("doctor", cls=HelpCommand, examples=("cargo-ai doctor",))
@debug_option
def doctor() -> None:
    """Diagnose the setup: version, where the credentials come from (and the
    file's mode), keyring health, the API URL, reachability and latency, the
    workspace, and clock skew against the server.

    Prints one JSON object; exits with the code of the most severe failing
    check (config 2, credentials 3, api 4, auth 5, workspace 6, clock 7), 0
    when none fails. The token is never printed.
    """
    report = Doctor(get_runtime(click.get_current_context())).run()
    output.emit(report)
