"""Issue 8/12 hardening of the client, on respx and the fake clock: path
segments, the /v1 guard, 3xx and non-JSON answers, deep JSON, the call's time
budget, token cleaning and scrubbing, the error location fields, numeric
flags and failed polls. (tests/e2e/test_hardening_client.py runs the same
classes against a real server.)"""

from __future__ import annotations

import gzip
import json
import time

import httpx
import pytest

from cargo_cli import output
from cargo_cli.api.client import encode_segment
from cargo_cli.api.errors import InvalidRequest
from cargo_cli.api.tokens import clean_token
from cargo_cli.api.watchdog import DeadlineAlarm, watchdog
from cargo_cli.cli.runtime import Runtime
from cargo_cli.cli.transfer import download_to
from cargo_cli.errors import InvalidResponseError, RequestTimeoutError, ServerError
from cargo_cli.main import main
from cargo_cli.settings import Settings
from tests.helpers import TOKEN, UUID1, UUID2

USER_PATH = "/userManagement/users/current"
WS_PATH = "/workspaceManagement/workspaces/current"
DEEP = "[" * 100_000 + "]" * 100_000


# -- path parameters: one segment each, never outside /v1 ---------------------------


@pytest.mark.parametrize(
    ("value", "segment"),
    [
        ("../../../workspaceManagement/tokens", "..%2F..%2F..%2FworkspaceManagement%2Ftokens"),
        ("..", "%2E%2E"),
        (".", "%2E"),
        ("a?b#c%d", "a%3Fb%23c%25d"),
        ("name.with.dots", "name.with.dots"),
    ],
)
def test_path_parameters_are_one_segment(value, segment):
    assert encode_segment(value) == segment


def test_dot_dot_template_uuid_stays_under_v1(cli, api):
    route = api.get(url__regex=r".*").respond(json={"template": {}})
    result = cli("orchestration", "template", "get", "../../../workspaceManagement/tokens")
    assert result.code == 0
    sent = route.calls[0].request.url
    assert sent.raw_path == b"/v1/orchestration/templates/..%2F..%2F..%2FworkspaceManagement%2Ftokens"


def test_every_request_url_is_checked_in_one_place(client, api):
    with pytest.raises(InvalidRequest, match="Refusing to send a request outside"):  # exit 2, nothing sent
        client.request("GET", "/../workspaceManagement/tokens")


# -- 3xx, non-JSON and deep JSON answers ----------------------------------------


def test_a_redirect_is_an_error_naming_status_and_location(cli, api):
    api.post("/orchestration/runs").respond(307, headers={"location": "https://elsewhere.example/v1/runs"})
    result = cli("orchestration", "run", "create", "--workflow-uuid", UUID1)
    assert result.code == 1
    assert result.json["status"] == 307
    assert (
        "307" in result.json["errorMessage"]
        and "https://elsewhere.example/v1/runs" in result.json["errorMessage"]
    )


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(200, content=b'{"run": {"uuid": "'),
        httpx.Response(200, content=b"<html>maintenance</html>", headers={"content-type": "text/html"}),
        httpx.Response(200, content=b""),
    ],
    ids=["truncated", "html", "empty"],  # bad gzip: e2e only (respx decodes before the client)
)
def test_a_2xx_that_is_not_json_is_exit_1(cli, api, response):
    api.get(f"/orchestration/runs/{UUID1}").mock(return_value=response)
    result = cli("orchestration", "run", "get", UUID1)
    assert result.code == 1
    message = result.json["errorMessage"]
    assert f"the response to GET /v1/orchestration/runs/{UUID1} (HTTP 200, " in message
    assert message.startswith(("Invalid JSON in", "Empty response"))


def test_invalid_json_message_names_call_status_and_size(client, api):
    api.get(USER_PATH).respond(200, content=b"<html>oops</html>")
    with pytest.raises(InvalidResponseError) as caught:
        client.call("userManagement.user.getCurrent")
    assert caught.value.message == f"Invalid JSON in the response to GET /v1{USER_PATH} (HTTP 200, 17 bytes)"


def test_gzip_that_decodes_is_fine(client, api):
    api.get(USER_PATH).respond(
        200, content=gzip.compress(b'{"user": {}}'), headers={"content-encoding": "gzip"}
    )
    assert client.call("userManagement.user.getCurrent") == {"user": {}}


def test_void_endpoints_may_answer_nothing_and_text_endpoints_text(client, api):
    api.delete(f"/ai/agents/{UUID1}").respond(200, content=b"")
    assert client.call("ai.agent.remove", {"uuid": UUID1}) is None
    api.get("/connection/integrations/hubspot/documentation").respond(200, text="# HubSpot")
    assert client.call("connection.integration.getDocumentation", {"slug": "hubspot"}) == "# HubSpot"


def test_deeply_nested_response_is_exit_1(cli, api):
    api.get(f"/orchestration/runs/{UUID1}").respond(200, content=DEEP.encode())
    result = cli("orchestration", "run", "get", UUID1)
    assert result.code == 1
    assert result.json["errorMessage"].endswith("nested too deeply")


@pytest.mark.parametrize("how", ["inline", "file", "stdin"])
def test_deeply_nested_input_is_exit_2(cli, api, tmp_path, how):
    route = api.post("/orchestration/runs").respond(json={"run": {"uuid": UUID2}})
    source = tmp_path / "deep.json"
    source.write_text(DEEP)
    data = {"inline": DEEP, "file": f"@{source}", "stdin": "-"}[how]
    result = cli(
        "orchestration", "run", "create", "--workflow-uuid", UUID1, "--data", data,
        stdin=DEEP if how == "stdin" else None,
    )  # fmt: skip
    assert result.code == 2
    assert result.json["errorMessage"].startswith("Invalid JSON in --data: nested too deeply")
    assert not route.called


# -- the call's time budget ----------------------------------------------------------


def test_retry_after_beyond_the_budget_fails_at_once(cli, api, clock, monkeypatch):
    monkeypatch.setenv("CARGO_TIMEOUT", "5")
    route = api.get(USER_PATH).respond(429, headers={"retry-after": "99999"})
    result = cli("whoami")
    assert result.code == 1
    assert result.json["errorMessage"].startswith("Rate limited: retry after 99999 s")
    assert result.json["status"] == 429
    assert route.call_count == 1 and clock.sleeps == []


def test_backoff_never_sleeps_past_the_budget(client, api, clock):
    client.options.timeout = 1.0  # backoffs of 0.5 s then 1 s: the second does not fit
    route = api.get(USER_PATH).respond(503)
    with pytest.raises(ServerError):
        client.call("userManagement.user.getCurrent")
    assert clock.sleeps == [0.5] and route.call_count == 2


def test_each_attempt_gets_only_what_is_left(client, api, clock):
    client.options.timeout = 10.0
    route = api.get(USER_PATH).mock(
        side_effect=[httpx.Response(503, headers={"retry-after": "4"}), httpx.Response(200, json={})]
    )
    client.call("userManagement.user.getCurrent")
    assert route.calls[1].request.extensions["timeout"]["read"] == pytest.approx(6.0)


def test_body_budget_is_checked_per_read(client, api, clock):
    client.options.timeout = 2.0

    def drip():
        for byte in b'{"user": {}}':
            clock.now += 1  # one byte a second
            yield bytes([byte])

    api.get(USER_PATH).mock(return_value=httpx.Response(200, content=drip()))
    with pytest.raises(RequestTimeoutError, match="after 2s"):
        client.call("userManagement.user.getCurrent")


def test_watchdog_interrupts_a_blocked_call_and_is_disarmed_after():
    started = time.monotonic()
    with pytest.raises(DeadlineAlarm), watchdog(0.05):
        time.sleep(2)  # stands for a read that a dripping server keeps alive
    assert time.monotonic() - started < 1
    with watchdog(0.05):
        pass
    time.sleep(0.1)  # the timer was cancelled: nothing fires here


def test_download_slower_than_1_kib_per_s_fails(client, api, clock, tmp_path):
    client.options.timeout = 3.0

    def drip():
        for _ in range(10):
            clock.now += 1
            yield b"x" * 100  # 100 B/s

    api.get("https://signed.example/file").mock(return_value=httpx.Response(200, content=drip()))
    target = tmp_path / "out.bin"
    with pytest.raises(RequestTimeoutError, match="Download too slow"):
        download_to(client, "https://signed.example/file", target)
    assert list(tmp_path.iterdir()) == []


def test_download_at_speed_has_no_total_deadline(client, api, clock, tmp_path):
    client.options.timeout = 3.0

    def steady():
        for _ in range(20):  # 20 s in all, far past the 3 s budget, at 2 KiB/s
            clock.now += 1
            yield b"x" * 2048

    api.get("https://signed.example/file").mock(return_value=httpx.Response(200, content=steady()))
    assert download_to(client, "https://signed.example/file", tmp_path / "out.bin")["bytes"] == 40960


# -- tokens: cleaned at every source, refused by name, scrubbed in every form -----


def test_token_surrounding_whitespace_is_stripped(cli, api, monkeypatch):
    monkeypatch.setenv("CARGO_API_TOKEN", f"  {TOKEN}\n")
    user = api.get(USER_PATH).respond(json={"user": {}})
    api.get(WS_PATH).respond(json={"workspace": {}})
    assert cli("whoami").code == 0
    assert user.calls[0].request.headers["authorization"] == f"Bearer {TOKEN}"


@pytest.mark.parametrize(
    ("token", "problem"),
    [
        ("cgo_sec\nret_value", "contains a line break"),
        ("cgo_sec\rret_value", "contains a line break"),
        ("cgo_sec ret_value", "contains whitespace"),
        ("cgo_secrét_value", "contains a non-ASCII character"),
    ],
)
def test_unsendable_env_token_is_exit_2_naming_the_source(cli, api, monkeypatch, token, problem):
    monkeypatch.setenv("CARGO_API_TOKEN", token)
    route = api.get(USER_PATH).respond(json={})
    result = cli("--debug", "whoami")
    assert (result.code, result.json) == (2, {"errorMessage": f"CARGO_API_TOKEN {problem}"})
    assert "cgo_sec" not in result.out + result.err
    assert not route.called


@pytest.mark.parametrize(
    ("token", "problem"),
    [("\x00cgo_secret", "contains a control character"), ("cgo\x7fsecret", "contains a control character"),
     (" \n", "is empty")],
)  # fmt: skip
def test_clean_token_names_the_problem(token, problem):
    with pytest.raises(InvalidRequest) as caught:
        clean_token(token, "CARGO_API_TOKEN")
    assert caught.value.message == f"CARGO_API_TOKEN {problem}"


def test_unsendable_stored_token_names_the_file(cli, api, monkeypatch, tmp_path):
    monkeypatch.delenv("CARGO_API_TOKEN")
    path = tmp_path / "config" / "cargo-ai" / "credentials.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"accessToken": "cgo_file\ntoken"}))
    result = cli("whoami")
    assert (result.code, result.json) == (2, {"errorMessage": f"The token in {path} contains a line break"})


def test_stored_api_url_is_checked_like_the_variable(cli, api, monkeypatch, tmp_path):
    monkeypatch.delenv("CARGO_API_TOKEN")
    path = tmp_path / "config" / "cargo-ai" / "credentials.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"accessToken": TOKEN, "apiUrl": "localhost:8787"}))
    result = cli("whoami")
    assert result.code == 2
    assert result.json["errorMessage"].startswith(f"The apiUrl in {path} must be an http(s) URL")


@pytest.mark.parametrize(
    ("argv", "stdin"), [(("--token", "cgo_arg\ttoken"), None), (("--token", "-"), "cgo_in put\n")]
)
def test_login_token_is_checked(cli, api, argv, stdin):
    result = cli("login", *argv, stdin=stdin)
    assert result.code == 2
    assert result.json["errorMessage"].endswith("contains whitespace")
    assert "cgo_" not in result.out


def test_scrubber_removes_escaped_and_repr_forms():
    secret = "cgo_scrub\u00e9_me\n"
    output.register_secret(secret)
    for echoed in (secret, repr(secret), json.dumps(secret), repr(secret.encode()), secret.strip()):
        assert "cgo_scrub" not in output.scrub(output.dumps({"errorMessage": f"x {echoed} y"}))


# -- errors say which call failed ------------------------------------------------------


def test_http_errors_carry_method_path_and_request_id(cli, api):
    api.get(f"/orchestration/runs/{UUID1}").respond(
        404, headers={"x-request-id": "req-42"}, json={"errorMessage": "Run not found"}
    )
    result = cli("orchestration", "run", "get", UUID1)
    assert result.code == 1
    assert result.full_json == {
        "errorMessage": "Run not found",  # the vendor's text is kept
        "status": 404,
        "method": "GET",
        "path": f"/v1/orchestration/runs/{UUID1}",
        "requestId": "req-42",
    }


def test_unknown_error_404_becomes_actionable(cli, api):
    api.get(f"/orchestration/runs/{UUID1}").respond(404)
    result = cli("orchestration", "run", "get", UUID1)
    assert result.json["errorMessage"].startswith("Not found: no such resource in this workspace")
    assert "Unknown error" not in result.out


def run_lenient(capsys, *argv):
    """main() with the environment read as the real entry point does
    (invalid values kept until a command needs them)."""
    capsys.readouterr()
    code = main(list(argv), runtime=Runtime(settings=Settings.from_env(strict=False)))
    return code, json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(
    "url", ["localhost:8787", "ftp://api.example", "http://", "https://h:99999", "https://h/?q=1"]
)
def test_malformed_api_url_is_exit_2_at_once(api, monkeypatch, capsys, url):
    monkeypatch.setenv("CARGO_API_URL", url)
    code, printed = run_lenient(capsys, "whoami")
    assert code == 2
    assert printed["errorMessage"].startswith("CARGO_API_URL must be")
    assert not api.calls


def test_network_errors_name_the_host(cli, api, monkeypatch):
    monkeypatch.setenv("CARGO_MAX_RETRIES", "0")
    api.get(USER_PATH).mock(side_effect=httpx.ConnectError("[Errno -2] Name or service not known"))
    message = cli("whoami").json["errorMessage"]
    assert "could not connect to api.getcargo.io" in message
    assert "CARGO_API_URL" in message and "proxy" in message


# -- numeric flags and variables -------------------------------------------------------


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "0", "1e400", "-inf"])
@pytest.mark.parametrize("where", ["global", "wait"])
def test_timeouts_must_be_finite_and_positive(cli, api, value, where):
    route = api.post("/orchestration/runs").respond(json={"run": {"uuid": UUID2}})
    argv = ["orchestration", "run", "create", "--workflow-uuid", UUID1, "--wait-until-finished"]
    argv = ["--timeout", value, *argv] if where == "global" else [*argv, "--timeout", value]
    result = cli(*argv)
    assert result.code == 2, result.out
    assert "--timeout" in result.json["errorMessage"]
    assert not route.called


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CARGO_TIMEOUT", "nan"),
        ("CARGO_TIMEOUT", "inf"),
        ("CARGO_TIMEOUT", "0"),
        ("CARGO_MAX_RETRIES", "1000"),
    ],
)
def test_numeric_variables_are_checked(api, monkeypatch, capsys, name, value):
    monkeypatch.setenv(name, value)
    code, printed = run_lenient(capsys, "whoami")
    assert code == 2
    assert printed["errorMessage"].startswith(name)
    assert not api.calls


def test_polling_interval_is_bounded(cli, api):
    result = cli("orchestration", "run", "create", "--workflow-uuid", UUID1, "--polling-interval", "1e12")
    assert result.code == 2


# -- polls that fail ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "poll",
    [
        httpx.Response(200, json={"run": {"uuid": UUID2}}),  # no status
        httpx.Response(200, text="<html>maintenance</html>"),
        httpx.Response(500),
    ],
    ids=["no-status", "html", "500"],
)
def test_failed_polls_end_the_wait_with_the_uuid(cli, api, clock, poll):
    api.post("/orchestration/runs").respond(json={"run": {"uuid": UUID2, "status": "pending"}})
    route = api.get(f"/orchestration/runs/{UUID2}").mock(return_value=poll)
    result = cli("orchestration", "run", "create", "--workflow-uuid", UUID1, "--wait-until-finished")
    assert result.code == 1
    assert result.json["uuid"] == UUID2
    assert result.json["errorMessage"].startswith(f"Gave up waiting for run {UUID2} after 5 failed polls")
    assert route.call_count in {5, 15}  # 500s are retried by the client (3 attempts per poll)


def test_one_failed_poll_is_survived(cli, api, clock):
    api.post("/orchestration/runs").respond(json={"run": {"uuid": UUID2, "status": "pending"}})
    api.get(f"/orchestration/runs/{UUID2}").mock(
        side_effect=[
            httpx.Response(200, text="<html/>"),
            httpx.Response(200, json={"run": {"uuid": UUID2, "status": "success"}}),
        ]
    )
    result = cli("orchestration", "run", "create", "--workflow-uuid", UUID1, "--wait-until-finished")
    assert (result.code, result.json["run"]["status"]) == (0, "success")
