"""Issue 8 (sections 1-4) and issue 12.1 against a real local server, with the
installed CLI: tokens never leak, path parameters stay one segment under /v1,
3xx / non-JSON / deep answers are errors, CARGO_TIMEOUT bounds a whole call,
downloads obey the low-speed rule, waits and OAuth logins end, and errors say
which call failed."""

from __future__ import annotations

import gzip
import json
import os
import socket
import time
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import TOKEN
from tests.e2e.server import Recorded, ScriptedServer, Wire, drip_answer, json_answer, raw_answer

RUN_UUID = "22222222-2222-4222-8222-222222222222"
WORKFLOW = "33333333-3333-4333-8333-333333333333"
USER = {"user": {"uuid": "u-1"}}
WORKSPACE_ANSWER = {"workspace": {"uuid": "w-1"}}
FAST = {"CARGO_TIMEOUT": "1"}


def whoami_routes(server: ScriptedServer) -> None:
    server.route("GET", "/v1/userManagement/users/current", json_answer(USER))
    server.route("GET", "/v1/workspaceManagement/workspaces/current", json_answer(WORKSPACE_ANSWER))


def close_after(status: int, body: bytes, headers: dict[str, str] | None = None) -> Any:
    """An answer without a length whose end is the connection closing."""

    def route(_request: Recorded, wire: Wire) -> None:
        wire.head(status, {"connection": "close", **(headers or {})})
        wire.write(body)
        wire.drop()

    return route


def deep(levels: int) -> bytes:
    return b"[" * levels + b"]" * levels


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- 1. the token never leaks ------------------------------------------------------------


def test_token_with_a_trailing_newline_is_stripped(server: ScriptedServer, run_cli: Any) -> None:
    whoami_routes(server)
    result = run_cli("whoami", env={"CARGO_API_TOKEN": TOKEN + "\n"})
    assert result.code == 0, result.out
    assert server.requests[0].headers["authorization"] == f"Bearer {TOKEN}"


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("cgo_secret\ninner", "CARGO_API_TOKEN contains a line break"),
        ("cgo_secret\rinner", "CARGO_API_TOKEN contains a line break"),
        ("cgo_secrét", "CARGO_API_TOKEN contains a non-ASCII character"),
        ("cgo_se cret", "CARGO_API_TOKEN contains whitespace"),
    ],
)
def test_unsendable_token_is_exit_2_and_never_printed(
    server: ScriptedServer, run_cli: Any, token: str, message: str
) -> None:
    whoami_routes(server)
    result = run_cli("--debug", "whoami", env={"CARGO_API_TOKEN": token})
    assert (result.code, result.json) == (2, {"errorMessage": message})
    assert "cgo_se" not in result.out + result.err
    assert server.requests == []


def test_stored_token_with_newline_works_and_a_bad_one_names_the_file(
    server: ScriptedServer, run_cli: Any, cli_env: dict[str, str]
) -> None:
    whoami_routes(server)
    path = Path(cli_env["XDG_CONFIG_HOME"]) / "cargo-ai" / "credentials.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"accessToken": TOKEN + "\r\n"}))
    path.chmod(0o600)
    assert run_cli("whoami", env={"CARGO_API_TOKEN": None}).code == 0
    assert server.requests[0].headers["authorization"] == f"Bearer {TOKEN}"
    path.write_text(json.dumps({"accessToken": "cgo_file\nsecret"}))
    result = run_cli("whoami", env={"CARGO_API_TOKEN": None})
    assert (result.code, result.json) == (2, {"errorMessage": f"The token in {path} contains a line break"})
    assert "cgo_file" not in result.out + result.err


@pytest.mark.parametrize(
    ("argv", "stdin"), [(["--token", "cgo_login\nsecret"], None), (["--token", "-"], b"cgo_login\tx\n")]
)
def test_login_token_is_checked_before_anything_is_sent(
    server: ScriptedServer, run_cli: Any, argv: list[str], stdin: bytes | None
) -> None:
    result = run_cli("login", *argv, input=stdin, env={"CARGO_API_TOKEN": None})
    assert result.code == 2
    assert "cgo_login" not in result.out + result.err
    assert server.requests == []


# -- 2. path parameters stay under /v1 -------------------------------------------------


@pytest.mark.parametrize(
    ("value", "segment"),
    [
        ("../../../workspaceManagement/tokens", "..%2F..%2F..%2FworkspaceManagement%2Ftokens"),
        ("..", "%2E%2E"),
        ("a?b#c%d", "a%3Fb%23c%25d"),
    ],
)
def test_path_parameter_is_one_segment(
    server: ScriptedServer, run_cli: Any, value: str, segment: str
) -> None:
    server.route("GET", "/", json_answer({"template": {}}))
    result = run_cli("orchestration", "template", "get", value)
    assert result.code == 0, result.out
    assert [r.path for r in server.requests] == [f"/v1/orchestration/templates/{segment}"]


# -- 3. failures reported as success -----------------------------------------------------


@pytest.mark.parametrize(
    ("status", "body"),
    [(307, b""), (303, b"<html>see other</html>"), (301, b"{}")],
    ids=["307", "303-html", "301"],
)
def test_redirect_is_exit_1_naming_status_and_location(
    server: ScriptedServer, run_cli: Any, status: int, body: bytes
) -> None:
    target = f"{server.origin}/elsewhere/v1/orchestration/runs"
    server.route("POST", "/v1/orchestration/runs", raw_answer(status, body, {"location": target}))
    server.route("*", "/elsewhere", json_answer({"run": {"uuid": RUN_UUID}}))
    result = run_cli("orchestration", "run", "create", "--workflow-uuid", WORKFLOW)
    assert result.code == 1
    assert result.json["status"] == status
    assert f"HTTP {status}" in result.json["errorMessage"] and target in result.json["errorMessage"]
    assert [r.path for r in server.requests] == ["/v1/orchestration/runs"]  # not followed, auth not forwarded


@pytest.mark.parametrize(
    ("route", "size"),
    [
        (raw_answer(200, b"<html>maintenance</html>", {"content-type": "text/html"}), 24),
        (close_after(200, b'{"run": {"uuid": "2222'), 22),
        (raw_answer(200, b"not gzip at all", {"content-encoding": "gzip"}), 15),
        (raw_answer(200, gzip.compress(b'{"run": ')[:-4], {"content-encoding": "gzip"}), None),
    ],
    ids=["html", "truncated", "bad-gzip", "gzip-of-truncated-json"],
)
def test_2xx_that_is_not_json_is_exit_1(
    server: ScriptedServer, run_cli: Any, route: Any, size: int | None
) -> None:
    server.route("GET", f"/v1/orchestration/runs/{RUN_UUID}", route)
    result = run_cli("orchestration", "run", "get", RUN_UUID, env=FAST)
    assert result.code == 1, result.out
    message = result.json["errorMessage"]
    assert message.startswith(
        f"Invalid JSON in the response to GET /v1/orchestration/runs/{RUN_UUID} (HTTP 200, "
    )
    if size is not None:
        assert f"(HTTP 200, {size} bytes)" in message


def test_void_endpoint_answering_nothing_still_works(server: ScriptedServer, run_cli: Any) -> None:
    server.route("DELETE", "/v1/ai/agents/", raw_answer(200, b""))
    result = run_cli("ai", "agent", "remove", RUN_UUID)
    assert result.code == 0, result.out


def test_plain_text_endpoint_still_works(server: ScriptedServer, run_cli: Any) -> None:
    server.route("GET", "/v1/connection/integrations/hubspot/documentation", raw_answer(200, b"# HubSpot\n"))
    result = run_cli("connection", "integration", "get-documentation", "hubspot")
    assert (result.code, result.out) == (0, "# HubSpot\n")


def test_deep_json_response_is_exit_1(server: ScriptedServer, run_cli: Any) -> None:
    server.route("GET", f"/v1/orchestration/runs/{RUN_UUID}", raw_answer(200, deep(100_000)))
    result = run_cli("orchestration", "run", "get", RUN_UUID)
    assert result.code == 1
    assert result.json["errorMessage"].endswith("nested too deeply")


@pytest.mark.parametrize("how", ["file", "stdin"])
def test_deep_json_input_is_exit_2(server: ScriptedServer, run_cli: Any, tmp_path: Path, how: str) -> None:
    source = tmp_path / "deep.json"
    source.write_bytes(deep(100_000))
    data = f"@{source}" if how == "file" else "-"
    result = run_cli(
        "orchestration", "run", "create", "--workflow-uuid", WORKFLOW, "--data", data,
        input=deep(100_000) if how == "stdin" else None,
    )  # fmt: skip
    assert result.code == 2
    assert result.json["errorMessage"].startswith("Invalid JSON in --data: nested too deeply")
    assert server.requests == []


# -- 4. deadlines --------------------------------------------------------------------------


def test_retry_after_beyond_the_budget_fails_at_once(server: ScriptedServer, run_cli: Any) -> None:
    server.route("GET", "/v1/userManagement/users/current", raw_answer(429, b"", {"retry-after": "99999"}))
    started = time.monotonic()
    result = run_cli("whoami", env={"CARGO_TIMEOUT": "5"})
    assert time.monotonic() - started < 4
    assert result.code == 1
    assert result.json["errorMessage"].startswith("Rate limited: retry after 99999 s")
    assert len(server.requests) == 1


def test_retries_and_their_sleeps_stay_within_the_budget(server: ScriptedServer, run_cli: Any) -> None:
    server.route("GET", "/v1/userManagement/users/current", raw_answer(503, b"", {"retry-after": "0.6"}))
    started = time.monotonic()
    result = run_cli("whoami", env={"CARGO_TIMEOUT": "1", "CARGO_MAX_RETRIES": "10"})
    assert time.monotonic() - started < 3
    assert result.code == 1
    assert len(server.requests) == 2  # the second 0.6 s sleep does not fit in what is left


def test_a_dripping_server_cannot_outlive_the_budget(server: ScriptedServer, run_cli: Any) -> None:
    server.route("GET", "/v1/userManagement/users/current", drip_answer(json.dumps(USER).encode(), every=0.5))
    started = time.monotonic()
    result = run_cli("whoami", env=FAST)
    elapsed = time.monotonic() - started
    assert result.code == 1
    assert result.json["errorMessage"] == "Request timed out after 1s"
    assert elapsed < 3.5, elapsed


HEAD = (
    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-pad: "
    + b"a" * 40
    + b"\r\ncontent-length: 2\r\n\r\n{}"
)


def drip_head(_request: Recorded, wire: Wire) -> None:
    """The status line and headers a byte every 0.25 s (~25 s in all): each
    read gets something, so no per-read timeout ever fires."""
    for index in range(len(HEAD)):
        try:
            wire.write(HEAD[index : index + 1])
        except OSError:
            return
        time.sleep(0.25)


def silent(_request: Recorded, _wire: Wire) -> None:
    time.sleep(5)


@pytest.mark.parametrize("route", [drip_head, silent], ids=["dripped-headers", "silent"])
def test_an_unfinished_answer_head_cannot_outlive_the_budget(
    server: ScriptedServer, run_cli: Any, route: Any
) -> None:
    server.route("GET", "/v1/userManagement/users/current", route)
    started = time.monotonic()
    result = run_cli("whoami", env={"CARGO_TIMEOUT": "1"})
    assert (result.code, result.json["errorMessage"]) == (1, "Request timed out after 1s")
    assert time.monotonic() - started < 4


def download_routes(server: ScriptedServer, file_route: Any) -> None:
    url = f"{server.origin}/signed/records.csv?sig=abc"
    server.route("POST", "/v1/orchestration/records/download", json_answer({"url": url}))
    server.route("GET", "/signed/", file_route)


def test_slow_download_fails_and_leaves_no_file(server: ScriptedServer, run_cli: Any, tmp_path: Path) -> None:
    download_routes(server, drip_answer(b"x" * 100, every=0.2, headers={"content-type": "text/csv"}))
    target = tmp_path / "records.csv"
    started = time.monotonic()
    result = run_cli(
        "orchestration", "record", "download", "--workflow-uuid", WORKFLOW, "--output", str(target), env=FAST
    )
    assert result.code == 1, result.out
    assert result.json["errorMessage"].startswith("Download too slow: less than 1 KiB/s for 1s")
    assert time.monotonic() - started < 4
    assert os.listdir(tmp_path) == []


def test_download_at_speed_may_outlast_the_budget(
    server: ScriptedServer, run_cli: Any, tmp_path: Path
) -> None:
    def steady(_request: Recorded, wire: Wire) -> None:
        wire.head(200, {"content-type": "text/csv"}, length=3 * 4096)
        for _ in range(3):  # 1.2 s at 10 KiB/s: past CARGO_TIMEOUT=1, never below 1 KiB/s
            wire.write(b"y" * 4096)
            time.sleep(0.4)

    download_routes(server, steady)
    target = tmp_path / "records.csv"
    result = run_cli(
        "orchestration", "record", "download", "--workflow-uuid", WORKFLOW, "--output", str(target),
        env={"CARGO_TIMEOUT": "1"},
    )  # fmt: skip
    assert result.code == 0, result.out
    assert target.read_bytes() == b"y" * 3 * 4096


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "0"])
def test_wait_timeout_must_be_finite_and_positive(server: ScriptedServer, run_cli: Any, value: str) -> None:
    result = run_cli(
        "orchestration",
        "run",
        "create",
        "--workflow-uuid",
        WORKFLOW,
        "--wait-until-finished",
        "--timeout",
        value,
    )
    assert result.code == 2
    assert "--timeout" in result.json["errorMessage"]
    assert server.requests == []


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "0", "1e999"])
def test_cargo_timeout_must_be_finite_and_positive(server: ScriptedServer, run_cli: Any, value: str) -> None:
    result = run_cli("whoami", env={"CARGO_TIMEOUT": value})
    assert result.code == 2
    assert result.json["errorMessage"].startswith("CARGO_TIMEOUT")
    assert server.requests == []


@pytest.mark.parametrize(
    "poll",
    [
        raw_answer(200, b"<html>maintenance</html>", {"content-type": "text/html"}),
        json_answer({"run": {"uuid": RUN_UUID}}),
    ],
    ids=["html", "no-status"],
)
def test_wait_ends_after_failed_polls_with_the_uuid(server: ScriptedServer, run_cli: Any, poll: Any) -> None:
    server.route(
        "POST", "/v1/orchestration/runs", json_answer({"run": {"uuid": RUN_UUID, "status": "pending"}})
    )
    server.route("GET", f"/v1/orchestration/runs/{RUN_UUID}", poll)
    result = run_cli(
        "orchestration", "run", "create", "--workflow-uuid", WORKFLOW,
        "--wait-until-finished", "--polling-interval", "100", timeout=20,
    )  # fmt: skip
    assert result.code == 1, result.out
    assert result.json["uuid"] == RUN_UUID
    assert "failed polls in a row" in result.json["errorMessage"]
    assert len([r for r in server.requests if r.method == "GET"]) == 5


def test_oauth_login_stops_at_expires_in_whatever_the_interval(server: ScriptedServer, run_cli: Any) -> None:
    origin = server.origin
    server.route(
        "GET",
        "/.well-known/oauth-authorization-server",
        json_answer(
            {
                "device_authorization_endpoint": f"{origin}/oauth/device",
                "token_endpoint": f"{origin}/oauth/token",
            }
        ),
    )
    server.route(
        "POST",
        "/oauth/device",
        json_answer(
            {
                "device_code": "d",
                "user_code": "U-1",
                "verification_uri": f"{origin}/device",
                "interval": 99999,
                "expires_in": 1,
            }
        ),
    )
    server.route("POST", "/oauth/token", json_answer({"error": "authorization_pending"}, status=400))
    started = time.monotonic()
    result = run_cli("login", "--oauth", env={"CARGO_API_TOKEN": None}, timeout=20)
    assert time.monotonic() - started < 5  # not 99999 s
    assert (result.code, result.json["reason"]) == (1, "expired_token")


# -- issue 12.1: errors say what failed -------------------------------------------------


def test_http_error_carries_status_method_path_and_request_id(server: ScriptedServer, run_cli: Any) -> None:
    server.route(
        "GET",
        f"/v1/orchestration/runs/{RUN_UUID}",
        json_answer({"errorMessage": "Run not found"}, status=404, headers={"x-request-id": "req-123"}),
    )
    result = run_cli("orchestration", "run", "get", RUN_UUID)
    assert result.code == 1
    assert result.json == {
        "errorMessage": "Run not found",
        "status": 404,
        "method": "GET",
        "path": f"/v1/orchestration/runs/{RUN_UUID}",
        "requestId": "req-123",
    }


def test_bare_404_is_actionable(server: ScriptedServer, run_cli: Any) -> None:
    server.route("GET", f"/v1/orchestration/runs/{RUN_UUID}", raw_answer(404))
    result = run_cli("orchestration", "run", "get", RUN_UUID)
    assert result.code == 1
    assert result.json["errorMessage"].startswith("Not found: no such resource in this workspace")
    assert (result.json["status"], result.json["method"]) == (404, "GET")


def test_network_error_names_the_host_and_the_fix(run_cli: Any) -> None:
    port = free_port()
    result = run_cli("whoami", env={"CARGO_API_URL": f"http://127.0.0.1:{port}", "CARGO_MAX_RETRIES": "0"})
    assert result.code == 1
    message = result.json["errorMessage"]
    assert f"could not connect to 127.0.0.1:{port}" in message
    assert "CARGO_API_URL" in message and "proxy" in message


@pytest.mark.parametrize("url", ["localhost:8787", "api.getcargo.io", "ftp://example.com", "http://:80"])
def test_malformed_api_url_is_exit_2_at_once(run_cli: Any, url: str) -> None:
    started = time.monotonic()
    result = run_cli("whoami", env={"CARGO_API_URL": url})
    assert time.monotonic() - started < 3
    assert result.code == 2
    assert result.json["errorMessage"].startswith("CARGO_API_URL must be")
