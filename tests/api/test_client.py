"""The typed client: URL, headers, error classes and messages, timeouts,
retries (on the fake clock), the debug log, and that the token never leaks."""

from __future__ import annotations

import email.utils
import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from cargo_cli import __version__
from cargo_cli.api.client import CargoClient
from cargo_cli.api.errors import (
    ApiError,
    BadRequest,
    ClientError,
    Conflict,
    Forbidden,
    InvalidRequest,
    NetworkError,
    NotFound,
    RateLimited,
    RequestTimeout,
    ServerError,
    Unauthorized,
    describe_status,
)
from cargo_cli.api.retries import parse_retry_after
from cargo_cli.errors import error_json, exit_code_for
from cargo_cli.settings import Settings
from tests.helpers import API, TOKEN, UUID1, WORKSPACE, assert_request

USER_PATH = "/userManagement/users/current"
CHECK = (
    "Check CARGO_API_URL (https://api.getcargo.io), your network connection and proxy settings (HTTPS_PROXY)"
)
WS_PATH = "/workspaceManagement/workspaces/current"
USER = {"user": {"uuid": "u-1", "email": "a@b.c"}}
WS = {"workspace": {"uuid": WORKSPACE, "name": "Acme"}}


def mock_whoami(api, user_status=200, user_body=USER):
    user = api.get(USER_PATH).respond(user_status, json=user_body)
    ws = api.get(WS_PATH).respond(json=WS)
    return user, ws


# -- URL ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env_url", "origin"),
    [
        (None, "https://api.getcargo.io"),
        ("http://localhost:8080", "http://localhost:8080"),
        ("http://localhost:8080/", "http://localhost:8080"),
        ("http://localhost:8080/v1", "http://localhost:8080"),
        ("http://localhost:8080/v1/", "http://localhost:8080"),
    ],
)
def test_origin_and_v1(cli, api, monkeypatch, env_url, origin):
    if env_url is not None:
        monkeypatch.setenv("CARGO_API_URL", env_url)
    user = api.get(f"{origin}/v1{USER_PATH}").respond(json=USER)
    api.get(f"{origin}/v1{WS_PATH}").respond(json=WS)
    result = cli("whoami")
    assert result.code == 0, result.out
    assert result.json["baseUrl"] == origin
    assert str(user.calls[0].request.url) == f"{origin}/v1{USER_PATH}"


# -- headers --------------------------------------------------------------------


def test_headers_on_every_request(cli, api):
    user, ws = mock_whoami(api)
    assert cli("whoami").code == 0
    for route in (user, ws):
        headers = route.calls[0].request.headers
        assert headers["authorization"] == f"Bearer {TOKEN}"
        assert headers["x-cargo-origin"] == "cli"
        assert headers["x-cargo-origin-version"] == __version__
        assert headers["user-agent"].startswith(f"cargo-ai/{__version__}")
        assert "content-type" not in headers  # GET: no body
    assert "selected-workspace-uuid" not in user.calls[0].request.headers  # current-user endpoint
    assert ws.calls[0].request.headers["selected-workspace-uuid"] == WORKSPACE


def test_no_workspace_header_without_a_workspace(cli, api, monkeypatch):
    monkeypatch.delenv("CARGO_WORKSPACE_UUID")
    _user, ws = mock_whoami(api)
    assert cli("whoami").code == 0
    assert "selected-workspace-uuid" not in ws.calls[0].request.headers


def test_content_type_only_with_a_json_body(client, api):
    created = api.post("/ai/agents").respond(json={"uuid": UUID1})
    removed = api.delete(f"/ai/agents/{UUID1}").respond(204)
    assert client.call("ai.agent.create", {"name": "Bot", "icon": {"color": "red"}}) == {"uuid": UUID1}
    assert client.call("ai.agent.remove", {"uuid": UUID1}) is None  # empty body: no content
    request = assert_request(created, "POST", "/ai/agents", body={"name": "Bot", "icon": {"color": "red"}})
    assert request.content == b'{"name":"Bot","icon":{"color":"red"}}'  # JSON.stringify's bytes
    assert request.headers["selected-workspace-uuid"] == WORKSPACE
    assert "content-type" not in assert_request(removed, "DELETE", f"/ai/agents/{UUID1}", body=None).headers


def test_user_update_sends_no_workspace_header(client, api):
    route = api.put(USER_PATH).respond(json=USER)
    client.call("userManagement.user.update", {"firstName": "Ada"})
    request = assert_request(route, "PUT", USER_PATH, body={"firstName": "Ada"})
    assert "selected-workspace-uuid" not in request.headers


def test_get_arguments_go_to_the_query_string(client, api):
    route = api.delete("/ai/memories/m-1").respond(json={})
    client.call("ai.memory.remove", {"mem0Id": "m-1", "scope": "agent", "agentUuid": UUID1})
    assert_request(route, "DELETE", "/ai/memories/m-1", query=f"scope=agent&agentUuid={UUID1}", body=None)


def test_resource_namespaces_mirror_the_ts_client(client, api):
    from cargo_cli.api.resources import Api

    route = api.get(f"/ai/agents/{UUID1}").respond(json={"uuid": UUID1})
    assert Api(client).ai.agent.get(uuid=UUID1) == {"uuid": UUID1}
    assert route.call_count == 1
    with pytest.raises(AttributeError):
        _ = Api(client).ai.agent.nope
    with pytest.raises(AttributeError):
        _ = Api(client).nodomain


# -- errors -----------------------------------------------------------------------

ERROR_CASES = [
    pytest.param(401, {}, {"errorMessage": "Not authorized", "status": 401}, id="401-default"),
    pytest.param(
        401,
        {"errorMessage": "Token revoked"},
        {"errorMessage": "Token revoked", "status": 401},
        id="401-body",
    ),
    pytest.param(403, {}, {"errorMessage": describe_status(403), "status": 403}, id="403-default"),
    pytest.param(404, None, {"errorMessage": describe_status(404), "status": 404}, id="404-empty-body"),
    pytest.param(
        400,
        {"errorMessage": "Bad input", "reason": "invalid"},
        {"errorMessage": "Bad input", "reason": "invalid", "status": 400},
        id="400-message-and-reason",
    ),
    pytest.param(
        422,
        {"reason": "notInTable"},
        {"errorMessage": describe_status(422), "reason": "notInTable", "status": 422},
    ),
    pytest.param(500, {}, {"errorMessage": "Server error", "status": 500}, id="500-default"),
    pytest.param(500, "<html>oops</html>", {"errorMessage": "Server error", "status": 500}, id="500-text"),
    pytest.param(
        503, {"errorMessage": "Maintenance"}, {"errorMessage": "Maintenance", "status": 503}, id="503-body"
    ),
]


@pytest.mark.parametrize(("status", "body", "printed"), ERROR_CASES)
def test_api_errors_print_error_message_and_exit_1(cli, api, monkeypatch, status, body, printed):
    monkeypatch.setenv("CARGO_MAX_RETRIES", "0")
    if isinstance(body, str):
        response = httpx.Response(status, text=body)
    elif body is None:
        response = httpx.Response(status)
    else:
        response = httpx.Response(status, json=body)
    api.get(USER_PATH).mock(return_value=response)
    result = cli("whoami")
    assert result.code == 1
    assert result.json == printed
    assert next(iter(result.json)) == "errorMessage"
    assert TOKEN not in result.out + result.err


@pytest.mark.parametrize(
    ("exception", "message"),
    [
        (
            httpx.ConnectError("[Errno 111] Connection refused"),
            "Network error: could not connect to api.getcargo.io ([Errno 111] Connection refused). " + CHECK,
        ),
        (
            httpx.ConnectTimeout("timed out"),
            "Network error: could not connect to api.getcargo.io within 10s. " + CHECK,
        ),
        (
            httpx.ReadError(""),
            "Network error: the connection to api.getcargo.io failed (ReadError). " + CHECK,
        ),
        (httpx.ReadTimeout("timed out"), "Request timed out after 360s"),
    ],
)
def test_network_errors_print_error_message_and_exit_1(cli, api, monkeypatch, exception, message):
    monkeypatch.setenv("CARGO_MAX_RETRIES", "0")
    api.get(USER_PATH).mock(side_effect=exception)
    result = cli("whoami")
    assert (result.code, result.json) == (1, {"errorMessage": message})


@pytest.mark.parametrize(
    ("status", "body", "cls", "message"),
    [
        (401, {}, Unauthorized, "Not authorized"),
        (401, {"reason": "folderNotFound"}, Unauthorized, "Not authorized"),  # tables are for 4xx only
        (404, {"reason": "folderNotFound"}, NotFound, "Folder not found"),
        (404, {"reason": "folderNotFound", "errorMessage": "Gone"}, NotFound, "Gone"),
        (400, {"reason": "other"}, BadRequest, describe_status(400)),
        (402, {"reason": "folderNotFound"}, ClientError, "Folder not found"),
        (403, {"reason": "folderNotFound"}, Forbidden, "Folder not found"),
        (409, {}, Conflict, describe_status(409)),
        (429, {}, RateLimited, describe_status(429)),
        (500, {"reason": "folderNotFound"}, ServerError, "Server error"),
    ],
)
def test_error_class_and_reason_table(client, api, status, body, cls, message):
    api.post("/ai/agents").respond(status, json=body)
    with pytest.raises(ApiError) as caught:
        client.call("ai.agent.create", {"name": "x"})
    error = caught.value
    assert type(error) is cls
    assert (error.message, error.status, error.body) == (message, status, body)
    assert error.reason == body.get("reason")
    assert exit_code_for(error) == 1


@pytest.mark.parametrize(
    ("inner", "message"),
    [("noRecords", "No records."), ("somethingNew", describe_status(400))],
)
def test_nested_reason_table(client, api, inner, message):
    api.post("/orchestration/batches").respond(
        400, json={"reason": "dataError", "dataError": {"reason": inner}}
    )
    with pytest.raises(BadRequest) as caught:
        client.call("orchestration.batch.create", {"workflowUuid": UUID1})
    assert caught.value.message == message


def test_error_hierarchy():
    assert issubclass(RequestTimeout, NetworkError)
    for cls, default in [
        (NetworkError, "Network error"),
        (Unauthorized, "Not authorized"),
        (ClientError, "Unknown error"),
        (ServerError, "Server error"),
    ]:
        assert issubclass(cls, ApiError)
        error = cls(status=418, reason="r", body={"k": 1})
        assert (error.message, error.status, error.reason, error.body) == (default, 418, "r", {"k": 1})
        assert error_json(error) == {"errorMessage": default, "reason": "r", "status": 418}
        assert exit_code_for(error) == 1
    missing = InvalidRequest("Missing value for uuid", field="uuid")
    assert (error_json(missing), exit_code_for(missing)) == ({"errorMessage": "Missing value for uuid"}, 2)


def test_token_echoed_by_the_transport_is_scrubbed(cli, api, monkeypatch):
    monkeypatch.setenv("CARGO_MAX_RETRIES", "0")
    api.get(USER_PATH).mock(side_effect=httpx.LocalProtocolError(f"Illegal header value b'Bearer {TOKEN}'"))
    result = cli("--debug", "whoami")
    assert result.code == 1
    assert result.json == {"errorMessage": "Network error: the request could not be sent (an invalid header)"}
    assert TOKEN not in result.out + result.err


def test_token_echoed_in_an_error_body_is_scrubbed(cli, api):
    api.get(USER_PATH).respond(400, json={"errorMessage": f"bad token {TOKEN}"})
    result = cli("whoami")
    assert result.json == {"errorMessage": "bad token ***", "status": 400}


# -- timeouts -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "env", "expected"),
    [
        ((), None, {"connect": 10.0, "read": 360.0, "write": 360.0, "pool": 360.0}),
        (("--timeout", "5"), None, {"connect": 5.0, "read": 5.0, "write": 5.0, "pool": 5.0}),
        ((), "30", {"connect": 10.0, "read": 30.0, "write": 30.0, "pool": 30.0}),
        (("--timeout", "45"), "30", {"connect": 10.0, "read": 45.0, "write": 45.0, "pool": 45.0}),
        (("--request-timeout", "45"), "30", {"connect": 10.0, "read": 45.0, "write": 45.0, "pool": 45.0}),
    ],
)
def test_timeouts(cli, api, monkeypatch, argv, env, expected):
    if env:
        monkeypatch.setenv("CARGO_TIMEOUT", env)
    user, _ws = mock_whoami(api)
    assert cli(*argv, "whoami").code == 0
    # the whole call's budget, less the few microseconds already spent on it
    assert user.calls[0].request.extensions["timeout"] == pytest.approx(expected, abs=0.5)


def test_timeout_is_an_error_message_naming_the_budget(cli, api):
    route = api.get(USER_PATH).mock(side_effect=httpx.ReadTimeout("read timed out"))
    result = cli("--timeout", "5", "whoami")
    assert (result.code, result.json) == (1, {"errorMessage": "Request timed out after 5s"})
    assert route.call_count == 1  # the budget is spent: no retry


def test_whole_request_budget_covers_the_body(client, api, clock):
    def slow_body():
        for _ in range(10):
            clock.now += 100  # each chunk takes 100 s of the 360 s budget
            yield b" " * 10

    api.get(USER_PATH).mock(return_value=httpx.Response(200, content=slow_body()))
    with pytest.raises(RequestTimeout, match="360s"):
        client.call("userManagement.user.getCurrent")


# -- retries (fake clock: nothing really sleeps) ----------------------------------


@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_retryable_statuses_are_retried_with_backoff(cli, api, clock, status):
    user = api.get(USER_PATH).mock(
        side_effect=[httpx.Response(status), httpx.Response(status), httpx.Response(200, json=USER)]
    )
    api.get(WS_PATH).respond(json=WS)
    result = cli("whoami")
    assert result.code == 0, result.out
    assert user.call_count == 3
    assert len(clock.sleeps) == 2
    assert 0.25 <= clock.sleeps[0] <= 0.5 and 0.5 <= clock.sleeps[1] <= 1.0  # exponential, jittered


def test_at_most_three_attempts_by_default(cli, api, clock):
    user = api.get(USER_PATH).respond(503, json={"errorMessage": "Overloaded"})
    result = cli("whoami")
    assert (result.code, result.json) == (1, {"errorMessage": "Overloaded", "status": 503})
    assert user.call_count == 3 and len(clock.sleeps) == 2


@pytest.mark.parametrize(("retries", "attempts"), [("0", 1), ("1", 2), ("4", 5)])
def test_cargo_max_retries(cli, api, clock, monkeypatch, retries, attempts):
    monkeypatch.setenv("CARGO_MAX_RETRIES", retries)
    user = api.get(USER_PATH).respond(502)
    assert cli("whoami").code == 1
    assert user.call_count == attempts and len(clock.sleeps) == attempts - 1


@pytest.mark.parametrize(
    ("retry_after", "slept"),
    [("7", 7.0), ("0", 0.0), ("120", 120.0), ("1.5", 1.5)],
)
def test_retry_after_seconds(cli, api, clock, retry_after, slept):
    api.get(USER_PATH).mock(
        side_effect=[
            httpx.Response(429, headers={"retry-after": retry_after}),
            httpx.Response(200, json=USER),
        ]
    )
    api.get(WS_PATH).respond(json=WS)
    assert cli("whoami").code == 0
    assert clock.sleeps == [slept]


def test_retry_after_http_date(cli, api, clock):
    when = email.utils.format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    api.get(USER_PATH).mock(
        side_effect=[httpx.Response(503, headers={"retry-after": when}), httpx.Response(200, json=USER)]
    )
    api.get(WS_PATH).respond(json=WS)
    assert cli("whoami").code == 0
    assert len(clock.sleeps) == 1 and 27 <= clock.sleeps[0] <= 30


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("5", 5.0),
        ("-3", 0.0),
        ("3600", 3600.0),
        ("Wed, 21 Oct 2015 07:28:30 GMT", 30.0),
        ("Wed, 21 Oct 2015 07:28:30 -0000", 30.0),
        ("Wed, 21 Oct 2015 07:30:00 GMT", 120.0),
        ("Wed, 21 Oct 2015 07:27:00 GMT", 0.0),
        ("soon", None),
        ("", None),
        (None, None),
        ("nan", None),
    ],
)
def test_parse_retry_after(value, seconds):
    now = datetime(2015, 10, 21, 7, 28, tzinfo=UTC).timestamp()
    assert parse_retry_after(value, now) == seconds


def test_unparsable_retry_after_falls_back_to_backoff(client, api, clock):
    api.get(USER_PATH).mock(
        side_effect=[httpx.Response(429, headers={"retry-after": "later"}), httpx.Response(200, json=USER)]
    )
    assert client.call("userManagement.user.getCurrent") == USER
    assert clock.sleeps == [0.5]


def test_backoff_doubles_with_jitter_and_is_capped(clock):
    for jitter, expected in [(1.0, [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]), (0.0, [0.25, 0.5, 1.0, 2.0, 4.0, 4.0])]:
        made = CargoClient(Settings.from_env(), token=TOKEN, jitter=lambda j=jitter: j)
        assert [made.backoff(n) for n in range(6)] == expected
        made.close()


@pytest.mark.parametrize(
    ("method", "endpoint", "path", "payload"),
    [
        ("PUT", "ai.agent.update", f"/ai/agents/{UUID1}", {"uuid": UUID1, "name": "x"}),
        ("DELETE", "ai.agent.remove", f"/ai/agents/{UUID1}", {"uuid": UUID1}),
        ("POST", "hosting.deployment.list", "/hosting/deployments/list", {}),  # a read-only POST
    ],
)
def test_idempotent_requests_are_retried(client, api, clock, method, endpoint, path, payload):
    route = api.route(method=method, path=path).mock(
        side_effect=[httpx.ReadError("reset"), httpx.Response(503), httpx.Response(200, json={"ok": True})]
    )
    assert client.call(endpoint, payload) == {"ok": True}
    assert route.call_count == 3 and clock.sleeps == [0.5, 1.0]


CREATES = [
    ("orchestration.run.create", "/orchestration/runs"),
    ("orchestration.batch.create", "/orchestration/batches"),
    ("ai.message.create", "/ai/messages"),
]


@pytest.mark.parametrize(("endpoint", "path"), CREATES)
@pytest.mark.parametrize(
    "answer",
    [httpx.Response(503), httpx.Response(429, headers={"retry-after": "1"}), httpx.ReadError("reset")],
    ids=["503", "429", "read-error"],
)
def test_post_that_creates_work_is_never_repeated_after_it_was_sent(
    client, api, clock, endpoint, path, answer
):
    route = api.post(path).mock(side_effect=[answer, httpx.Response(200, json={"uuid": UUID1})])
    with pytest.raises((ServerError, ClientError, NetworkError)):
        client.call(endpoint, {"workflowUuid": UUID1})
    assert route.call_count == 1 and clock.sleeps == []


@pytest.mark.parametrize(("endpoint", "path"), CREATES)
def test_post_that_never_reached_the_server_is_resent(client, api, clock, endpoint, path):
    route = api.post(path).mock(
        side_effect=[
            httpx.ConnectError("refused"),
            httpx.ConnectTimeout("slow"),
            httpx.Response(200, json={}),
        ]
    )
    assert client.call(endpoint, {"workflowUuid": UUID1}) == {}
    assert route.call_count == 3 and clock.sleeps == [0.5, 1.0]
    assert json.loads(route.calls[2].request.content) == {"workflowUuid": UUID1}


def test_connection_errors_give_up_after_the_retries(cli, api, clock):
    route = api.get(USER_PATH).mock(side_effect=httpx.ConnectError("[Errno 111] Connection refused"))
    result = cli("whoami")
    assert (result.code, result.json) == (
        1,
        {
            "errorMessage": "Network error: could not connect to api.getcargo.io ([Errno 111] Connection refused). "
            + CHECK
        },
    )
    assert route.call_count == 3 and len(clock.sleeps) == 2


# -- debug log ------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["flag", "env", "leaf-flag"])
def test_debug_log_on_stderr_stdout_stays_json(cli, api, monkeypatch, how):
    argv = ["whoami"]
    if how == "flag":
        argv.insert(0, "--debug")
    elif how == "leaf-flag":
        argv.append("--debug")
    else:
        monkeypatch.setenv("CARGO_DEBUG", "1")
    api.get(USER_PATH).respond(json=USER, headers={"x-request-id": "req-1"})
    api.get(WS_PATH).respond(json=WS)
    result = cli(*argv)
    assert result.code == 0
    assert result.json["user"] == USER["user"]  # stdout: one JSON document
    lines = [line for line in result.err.splitlines() if line.startswith("[cargo-ai debug]")]
    assert len(lines) == 4  # two requests, two responses
    sent, received = lines[0], lines[1]
    assert f"→ GET {API}{USER_PATH}" in sent
    assert "'authorization': 'Bearer ***'" in sent and "x-cargo-origin" in sent
    assert f"← 200 GET {API}{USER_PATH}" in received and "ms headers=" in received
    assert "req-1" in received
    assert TOKEN not in result.err + result.out


def test_no_debug_log_by_default(cli, api):
    mock_whoami(api)
    result = cli("whoami")
    assert result.code == 0 and result.err == ""


def test_every_endpoint_has_a_typed_resource_method(client):
    """The generated resources (api/resources.py) cover the whole endpoint table."""
    from cargo_cli.api import resources
    from cargo_cli.api.endpoints import ENDPOINTS

    def methods(target: object) -> dict[str, object]:
        found = {}
        for name in dir(type(target)):
            attribute = getattr(target, name)
            if isinstance(attribute, resources.Resource):
                found.update(methods(attribute))
            elif callable(attribute) and hasattr(attribute, "endpoint_id"):
                found[resources.endpoint_id_of(attribute)] = attribute
        return found

    typed = methods(resources.Api(client))
    assert set(typed) == set(ENDPOINTS)
    for endpoint_id, bound in typed.items():
        assert bound.__doc__.split(" ", 2)[1] == ENDPOINTS[endpoint_id].path, endpoint_id


def test_resource_methods_send_typed_keywords(client, api):
    """A typed method sends its keywords under the wire names; None is not sent."""
    from cargo_cli.api.resources import Api

    route = api.get("/billing/usage/metrics").respond(json={"metrics": []})
    assert Api(client).billing.usage.get_metrics(from_="2024-01-01", to="2024-02-01", unit=None) == {
        "metrics": []
    }
    assert route.calls[-1].request.url.query.decode() == "from=2024-01-01&to=2024-02-01"
