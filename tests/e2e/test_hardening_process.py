"""Issue 8 (sections 3, 5, 6) and issue 12 (items 1 and 2), process side: the
installed CLI against a real local server. Output targets, environmental
failures, the stdout stream, signals, the created uuid on later errors, the
credentials file, the stderr hint and the remembered API URL."""

from __future__ import annotations

import json
import os
import pty
import resource
import signal
import stat
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import CLI, TOKEN, Completed
from tests.e2e.server import Recorded, ScriptedServer, Wire, json_answer, raw_answer

W = "11111111-1111-4111-8111-111111111111"
RUN = "22222222-2222-4222-8222-222222222222"
PAYLOAD = bytes(range(256)) * 40  # binary, not UTF-8: a gzipped CSV is no different
DOWNLOAD = ("orchestration", "run", "download", "--workflow-uuid", W)
CREATE = ("orchestration", "run", "create", "--workflow-uuid", W, "--data", "{}")
WAIT = (*CREATE, "--wait-until-finished", "--polling-interval", "100")
FETCH_ALL = ("segmentation", "segment", "fetch", "--filter", '{"conjonction":"and","groups":[]}',
             "--model-uuid", W, "--all", "--fetching-limit", "2")  # fmt: skip


def serve_download(server: ScriptedServer, body: bytes = PAYLOAD, *, urls: int = 1) -> None:
    """``run download`` (or ``segment download``) answers signed URLs on the same server."""
    if urls == 1:
        answer: dict[str, Any] = {"url": server.origin + "/signed/0?X-Amz-Signature=s"}
    else:
        answer = {"urls": [f"{server.origin}/signed/{i}?X-Amz-Signature=s" for i in range(urls)]}
    server.route("POST", "/v1/orchestration/runs/download", json_answer(answer))
    server.route("POST", "/v1/segmentation/segments/download", json_answer(answer))
    server.route("GET", "/signed/", raw_answer(200, body, {"content-type": "application/octet-stream"}))


def serve_run(server: ScriptedServer, poll: Callable[[Recorded, Wire], None]) -> None:
    server.route("POST", "/v1/orchestration/runs", json_answer({"run": {"uuid": RUN, "status": "pending"}}))
    server.route("GET", f"/v1/orchestration/runs/{RUN}", poll)


def polls(server: ScriptedServer) -> int:
    return sum(1 for r in server.requests if r.method == "GET" and r.path.endswith(RUN))


def run_raw(cli_env: dict[str, str], *args: str | bytes, timeout: float = 30, **kwargs: Any) -> Completed:
    """Like ``run_cli`` but with raw argv bytes and subprocess options (stdout, preexec_fn)."""
    kwargs.setdefault("stdout", subprocess.PIPE)
    proc = subprocess.run(
        [str(CLI), *args], env=cli_env, stderr=subprocess.PIPE, timeout=timeout, check=False, **kwargs
    )
    out = proc.stdout.decode(errors="replace") if proc.stdout is not None else ""
    return Completed(proc.returncode, out, proc.stderr.decode(errors="replace"))


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


# -- section 3: --output onto a non-regular file, and '-' -----------------------------
def test_output_onto_dev_null_keeps_the_device(server: ScriptedServer, run_cli: Any) -> None:
    serve_download(server)
    result = run_cli(*DOWNLOAD, "--output", "/dev/null")
    assert result.code == 0, result.out
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)  # written into, never replaced


def test_output_onto_a_fifo_is_written_in_place(server: ScriptedServer, run_cli: Any, tmp_path: Path) -> None:
    serve_download(server)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = run_cli(*DOWNLOAD, "--output", str(fifo))
    reader.join(10)
    assert result.code == 0, result.out
    assert received == [PAYLOAD]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert leftovers(tmp_path) == ["pipe"]  # no temp file next to it


def test_output_dash_writes_the_bytes_to_stdout(server: ScriptedServer, cli_env: dict[str, str]) -> None:
    serve_download(server, urls=2)
    proc = subprocess.run(
        [str(CLI), "segmentation", "segment", "download", "--filter", '{"conjonction":"and","groups":[]}',
         "--model-uuid", W, "--output", "-"],
        env=cli_env, capture_output=True, timeout=30, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[:300]
    assert proc.stdout == PAYLOAD + PAYLOAD  # the bytes of every part, in order, and nothing else


def test_output_dash_failure_leaves_only_the_error(server: ScriptedServer, run_cli: Any) -> None:
    server.route("POST", "/v1/orchestration/runs/download", json_answer({"url": server.origin + "/gone"}))
    server.route("GET", "/gone", json_answer({"errorMessage": "Request has expired"}, status=403))
    result = run_cli(*DOWNLOAD, "--output", "-")
    assert result.code == 1
    assert result.json == {"errorMessage": "Request has expired", "status": 403}


# -- section 5: environmental failures are errors, not internal errors ------------------
def test_output_under_missing_directories_creates_them(
    server: ScriptedServer, run_cli: Any, tmp_path: Path
) -> None:
    serve_download(server)
    target = tmp_path / "new" / "dir" / "x.bin"
    result = run_cli(*DOWNLOAD, "--output", str(target))
    assert result.code == 0, result.out
    assert target.read_bytes() == PAYLOAD
    assert leftovers(target.parent) == ["x.bin"]


@pytest.mark.parametrize(
    ("target", "message"),
    [
        pytest.param("{tmp}/afile/x.bin", "Not a directory", id="through-a-file"),
        pytest.param("{tmp}", "is a directory", id="onto-a-directory"),
        pytest.param("{tmp}/" + "n" * 100_000, "File name too long", id="100KB-path"),
    ],
)
def test_output_target_refused_before_anything_is_sent(
    server: ScriptedServer, run_cli: Any, tmp_path: Path, target: str, message: str
) -> None:
    serve_download(server)
    (tmp_path / "afile").write_text("keep")
    result = run_cli(*DOWNLOAD, "--output", target.format(tmp=tmp_path))
    assert result.code == 2, result.out
    assert message in result.json["errorMessage"]
    assert server.requests == []  # nothing was sent
    assert (tmp_path / "afile").read_text() == "keep"


def test_output_in_a_read_only_directory(server: ScriptedServer, run_cli: Any) -> None:
    # /proc refuses new files even to root, where a chmod 0555 directory would not
    serve_download(server)
    result = run_cli(*DOWNLOAD, "--output", "/proc/cargo-ai-e2e.bin")
    assert result.code in (1, 2), result.out
    assert result.json["errorMessage"].startswith(("Cannot write /proc/cargo-ai-e2e.bin", "--output /proc/"))
    assert "Internal error" not in result.out


def test_disk_full_is_an_error_and_the_device_stays(server: ScriptedServer, run_cli: Any) -> None:
    serve_download(server)
    result = run_cli(*DOWNLOAD, "--output", "/dev/full")
    assert result.code == 1, result.out
    assert result.json == {
        "errorMessage": "Cannot write /dev/full: No space left on device",
        "path": "/dev/full",
    }
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


def _limit_file_size(limit: int) -> Callable[[], None]:
    return lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def test_file_too_large_leaves_no_partial_file(
    server: ScriptedServer, cli_env: dict[str, str], tmp_path: Path
) -> None:
    serve_download(server)
    out = tmp_path / "out"
    out.mkdir()
    result = run_raw(cli_env, *DOWNLOAD, "--output", str(out / "x.bin"), preexec_fn=_limit_file_size(4096))
    assert result.code == 1, result.out
    assert json.loads(result.out)["errorMessage"] == f"Cannot write {out / 'x.bin'}: File too large"
    assert leftovers(out) == []  # neither the target nor a .part


def test_signed_url_redirect_loop(server: ScriptedServer, run_cli: Any, tmp_path: Path) -> None:
    server.route("POST", "/v1/orchestration/runs/download", json_answer({"url": server.origin + "/loop"}))
    server.route("GET", "/loop", raw_answer(302, headers={"location": "/loop"}))
    result = run_cli(*DOWNLOAD, "--output", str(tmp_path / "x.bin"))
    assert result.code == 1, result.out
    assert result.json == {"errorMessage": "Download failed: too many redirects from 127.0.0.1"}
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("url", ["not a url", "ftp://files.example.com/x.csv", "/relative/x.csv"])
def test_invalid_signed_url(server: ScriptedServer, run_cli: Any, tmp_path: Path, url: str) -> None:
    server.route("POST", "/v1/orchestration/runs/download", json_answer({"url": url}))
    result = run_cli(*DOWNLOAD, "--output", str(tmp_path / "x.bin"))
    assert result.code == 1, result.out
    assert result.json == {"errorMessage": f"The API answered an invalid download URL: {url!r}"}
    assert leftovers(tmp_path) == []


def test_binary_garbage_in_an_at_file(server: ScriptedServer, run_cli: Any, tmp_path: Path) -> None:
    garbage = tmp_path / "data.json"
    garbage.write_bytes(b'{"a": "' + bytes(range(128, 256)) + b'"}')
    result = run_cli(*CREATE[:-2], "--data", f"@{garbage}")
    assert result.code == 2, result.out
    assert f"{garbage} is not UTF-8 text (byte 0x80 at offset 7)" in result.json["errorMessage"]
    assert server.requests == []


def test_non_utf8_bytes_in_argv(server: ScriptedServer, cli_env: dict[str, str]) -> None:
    result = run_raw(cli_env, "orchestration", "template", "get", b"caf\xe9")
    assert result.code == 2, result.out
    assert json.loads(result.out) == {"errorMessage": "Argument 4 is not valid UTF-8: caf\\xe9"}
    assert server.requests == []


def test_a_100kb_path_argument(server: ScriptedServer, run_cli: Any) -> None:
    result = run_cli("orchestration", "template", "get", "t" * 100_000)
    assert result.code == 2, result.out
    assert result.json == {
        "errorMessage": "The request URL would be 100050 characters long (at most 65536): an argument is too long"
    }
    assert server.requests == []


def test_any_other_file_failure_is_an_error_naming_the_path(run_cli: Any) -> None:
    """The net under every file operation: an OSError is the environment's, not a bug."""
    result = run_cli("hosting", "app", "init", "/proc/cargo-ai-e2e")
    assert result.code == 1, result.out
    assert result.json == {"errorMessage": "No such file or directory: /proc/cargo-ai-e2e"}


def _profile_routes(server: ScriptedServer) -> None:
    server.route("GET", "/v1/userManagement/users/current", json_answer({"user": {"uuid": "u1"}}))
    server.route("GET", "/v1/workspaceManagement/workspaces/current", json_answer({"workspace": {"uuid": W}}))


def test_credentials_path_is_a_directory(server: ScriptedServer, run_cli: Any, tmp_path: Path) -> None:
    _profile_routes(server)
    store = tmp_path / "config" / "cargo-ai"
    (store / "credentials.json").mkdir(parents=True)
    result = run_cli("login", "--token", TOKEN, env={"CARGO_API_TOKEN": None})
    assert result.code == 1, result.out
    assert result.json["errorMessage"] == f"Cannot write {store / 'credentials.json'}: it is a directory"
    assert leftovers(store) == ["credentials.json"]  # no credentials.json.tmp holding the token
    assert TOKEN not in result.out + result.err


def test_secret_temp_file_removed_when_the_write_fails(
    server: ScriptedServer, cli_env: dict[str, str], tmp_path: Path
) -> None:
    _profile_routes(server)
    env = {k: v for k, v in cli_env.items() if k != "CARGO_API_TOKEN"}
    store = tmp_path / "config" / "cargo-ai"
    result = run_raw(env, "login", "--token", TOKEN, preexec_fn=_limit_file_size(16))
    assert result.code == 1, result.out
    assert json.loads(result.out)["errorMessage"].endswith("credentials.json: File too large")
    assert leftovers(store) == []  # the 0600 temp file holding the token is gone


# -- section 6: the stdout stream ---------------------------------------------------
def test_closed_stdout(cli_env: dict[str, str]) -> None:
    result = run_raw(cli_env, "version", stdout=None, preexec_fn=lambda: os.close(1))
    assert result.code == 1
    assert result.err == "cargo-ai: cannot write to stdout: stdout is closed\n"  # no traceback


def test_full_stdout(cli_env: dict[str, str]) -> None:
    with open("/dev/full", "wb") as full:
        result = run_raw(cli_env, "version", stdout=full)
    assert result.code == 1
    assert result.err == "cargo-ai: cannot write to stdout: No space left on device\n"


def test_broken_pipe_is_quiet(cli_env: dict[str, str]) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before anything is written (`| head -c 0`)
    try:
        result = run_raw(cli_env, "version", stdout=write_end)
    finally:
        os.close(write_end)
    assert result.code == 141
    assert result.err == ""


def _pages(server: ScriptedServer, answers: list[Any]) -> None:
    def route(_request: Recorded, wire: Wire) -> None:
        status, body = answers.pop(0)
        wire.send(status, json.dumps(body).encode(), {"content-type": "application/json"})

    server.route("POST", "/v1/segmentation/segments/fetch", route)


def test_fetch_all_failing_on_page_two_prints_one_document(server: ScriptedServer, run_cli: Any) -> None:
    _pages(server, [(200, {"records": [{"_id": "0"}, {"_id": "1"}]}), (500, {"errorMessage": "boom"})])
    result = run_cli(*FETCH_ALL, env={"CARGO_MAX_RETRIES": "0"})
    assert result.code == 1
    assert result.json == {  # json.loads: exactly one document
        "errorMessage": "boom",
        "status": 500,
        "method": "POST",
        "path": "/v1/segmentation/segments/fetch",
    }


def test_fetch_all_larger_than_the_memory_spool(server: ScriptedServer, run_cli: Any) -> None:
    page = [{"_id": str(i), "blob": "x" * 2000} for i in range(300)]  # ~600 KB a page, 3 pages > 1 MiB
    _pages(server, [(200, {"records": page}), (200, {"records": page}), (200, {"records": page[:1]})])
    result = run_cli(*FETCH_ALL[:-1], "300")
    assert result.code == 0, result.out[:300]
    assert result.out == json.dumps(page + page + page[:1], indent=2) + "\n"


# -- section 6: the created uuid on every later failure --------------------------------
def test_poll_dying_with_500s_names_the_run(server: ScriptedServer, run_cli: Any) -> None:
    serve_run(server, json_answer({"errorMessage": "Server error"}, status=500))
    result = run_cli(*WAIT, env={"CARGO_MAX_RETRIES": "0"})
    assert result.code == 1
    assert result.json["runUuid"] == RUN


def test_poll_dying_with_401_names_the_run(server: ScriptedServer, run_cli: Any) -> None:
    serve_run(server, json_answer({"errorMessage": "Token revoked"}, status=401))
    result = run_cli(*WAIT)
    assert result.code == 1
    assert result.json == {
        "errorMessage": "Token revoked",
        "status": 401,
        "method": "GET",
        "path": f"/v1/orchestration/runs/{RUN}",
        "runUuid": RUN,
    }


def test_wait_timeout_names_the_run(server: ScriptedServer, run_cli: Any) -> None:
    serve_run(server, json_answer({"run": {"uuid": RUN, "status": "running"}}))
    result = run_cli(*WAIT, "--timeout", "0.3")
    assert result.code == 1
    assert result.json["runUuid"] == RUN
    assert "still running" in result.json["errorMessage"]


@pytest.mark.parametrize(
    ("signum", "code"),
    [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129)],
    ids=["SIGINT", "SIGTERM", "SIGHUP"],
)
def test_signal_while_waiting_names_the_run(
    server: ScriptedServer, cli_env: dict[str, str], signum: int, code: int
) -> None:
    serve_run(server, json_answer({"run": {"uuid": RUN, "status": "running"}}))
    proc = subprocess.Popen([str(CLI), *WAIT], env=cli_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 20
    while polls(server) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == code, (out, err)
    body = json.loads(out)
    assert body["runUuid"] == RUN
    assert body["signal"] == signal.Signals(signum).name
    assert "Traceback" not in err.decode()


def test_sigterm_during_a_download_leaves_no_part_file(
    server: ScriptedServer, cli_env: dict[str, str], tmp_path: Path
) -> None:
    started = threading.Event()

    def slow(_request: Recorded, wire: Wire) -> None:
        wire.head(200, {"content-type": "application/octet-stream"}, length=10 * len(PAYLOAD))
        wire.write(PAYLOAD)
        started.set()
        time.sleep(30)  # the rest never comes

    server.route("POST", "/v1/orchestration/runs/download", json_answer({"url": server.origin + "/slow"}))
    server.route("GET", "/slow", slow)
    proc = subprocess.Popen(
        [str(CLI), *DOWNLOAD, "--output", str(tmp_path / "x.bin")],
        env=cli_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert started.wait(20)
    deadline = time.monotonic() + 10
    while not any(name.endswith(".part") for name in leftovers(tmp_path)) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert leftovers(tmp_path), "the download never started writing"
    proc.send_signal(signal.SIGTERM)
    out, _err = proc.communicate(timeout=20)
    assert proc.returncode == 143
    assert json.loads(out) == {"errorMessage": "Interrupted", "signal": "SIGTERM"}
    assert leftovers(tmp_path) == []


# -- section 6: the credentials file's mode ---------------------------------------------
def test_credentials_readable_by_others_are_tightened(
    server: ScriptedServer, run_cli: Any, tmp_path: Path
) -> None:
    _profile_routes(server)
    path = tmp_path / "config" / "cargo-ai" / "credentials.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"accessToken": TOKEN}))
    path.chmod(0o644)
    result = run_cli("whoami", env={"CARGO_API_TOKEN": None})
    assert result.code == 0, result.out
    assert result.err == f"cargo-ai: warning: {path} was readable by others (mode 0644); changed it to 0600\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


# -- issue 12 item 1: an error a person can see ---------------------------------------------
def _with_tty_stderr(cli_env: dict[str, str], *args: str) -> tuple[int, str, str]:
    primary, secondary = pty.openpty()
    try:
        proc = subprocess.run(
            [str(CLI), *args], env=cli_env, stdout=subprocess.PIPE, stderr=secondary, timeout=30, check=False
        )
        os.close(secondary)
        secondary = -1
        chunks = []
        while True:
            try:
                chunk = os.read(primary, 4096)
            except OSError:  # EIO: the terminal has no writer left
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(primary)
        if secondary >= 0:
            os.close(secondary)
    return proc.returncode, proc.stdout.decode(), b"".join(chunks).decode().replace("\r\n", "\n")


def test_error_also_on_a_terminal_stderr_when_stdout_is_redirected(cli_env: dict[str, str]) -> None:
    env = {k: v for k, v in cli_env.items() if k != "CARGO_API_TOKEN"}
    code, out, err = _with_tty_stderr(env, "storage", "dataset", "list")
    assert code == 1
    message = json.loads(out)["errorMessage"]  # the JSON is unchanged
    assert message.startswith("Not logged in")
    assert err == f"Error: {message}\n"


def test_nothing_extra_when_neither_is_a_terminal(run_cli: Any) -> None:
    result = run_cli("storage", "dataset", "list", env={"CARGO_API_TOKEN": None})
    assert result.code == 1
    assert result.err == ""


# -- issue 12 item 2: login remembers where it logged in -------------------------------------
def test_login_remembers_the_api_url(server: ScriptedServer, run_cli: Any, tmp_path: Path) -> None:
    _profile_routes(server)
    no_token = {"CARGO_API_TOKEN": None, "CARGO_WORKSPACE_UUID": None}
    login = run_cli("login", "--token", TOKEN, env=no_token)
    assert login.code == 0, login.out
    path = tmp_path / "config" / "cargo-ai" / "credentials.json"
    assert json.loads(path.read_text()) == {"accessToken": TOKEN, "workspaceUuid": W, "apiUrl": server.origin}

    # a plain whoami (no CARGO_API_URL) goes back to where the login was made
    whoami = run_cli("whoami", env={**no_token, "CARGO_API_URL": None})
    assert whoami.code == 0, whoami.out
    assert {
        k: whoami.json[k] for k in ("baseUrl", "baseUrlSource", "credentialsSource", "credentialsFile")
    } == {
        "baseUrl": server.origin,
        "baseUrlSource": "login",
        "credentialsSource": "file",
        "credentialsFile": str(path),
    }
    assert len([r for r in server.requests if r.path == "/v1/userManagement/users/current"]) == 2

    # CARGO_API_URL still wins
    other = ScriptedServer()
    try:
        _profile_routes(other)
        moved = run_cli("whoami", env={**no_token, "CARGO_API_URL": other.origin})
        assert moved.code == 0, moved.out
        assert (moved.json["baseUrl"], moved.json["baseUrlSource"]) == (other.origin, "env")
        assert other.requests
    finally:
        other.close()
