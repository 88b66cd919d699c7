"""orchestration --wait-until-finished: runs (2 s) and batches (5 s, gentle backoff)."""

from __future__ import annotations

import httpx
import pytest

from tests.helpers import UUID1, UUID2, assert_request

W = UUID1
U = UUID2  # the run / batch being waited for
ACTION = '{"kind":"connector","integrationSlug":"clearbit","actionSlug":"enrichCompany"}'

# (argv, create method+path, entity, get path, default polling sleeps for 2 polls)
WAITERS = [
    pytest.param(
        ["action", "execute", "--action", ACTION, "--data", '{"domain":"acme.com"}'],
        "/orchestration/actions/execute", "run", [2.0, 2.0], id="action-execute",
    ),
    pytest.param(
        ["run", "create", "--workflow-uuid", W, "--data", '{"domain":"acme.com"}'],
        "/orchestration/runs", "run", [2.0, 2.0], id="run-create",
    ),
    pytest.param(
        ["action", "execute-batch", "--action", ACTION, "--records", '[{"domain":"acme.com"}]'],
        "/orchestration/actions/execute-batch", "batch", [5.0, 6.25], id="action-execute-batch",
    ),
    pytest.param(
        ["batch", "create", "--workflow-uuid", W, "--data", '{"kind":"filter","modelUuid":"m"}'],
        "/orchestration/batches", "batch", [5.0, 6.25], id="batch-create",
    ),
]  # fmt: skip

GET_PATH = {"run": f"/orchestration/runs/{U}", "batch": f"/orchestration/batches/{U}"}


def answer(entity: str, status: str, **extra) -> dict:
    return {entity: {"uuid": U, "status": status, **extra}}


def got(entity: str, status: str) -> httpx.Response:
    extra = {"runContext": {"nodes": {}}} if entity == "run" else {}
    return httpx.Response(200, json={**answer(entity, status), **extra})


def setup(api, create_path: str, entity: str, statuses: list):
    create = api.post(create_path).respond(json=answer(entity, "pending"))
    responses = [got(entity, s) if isinstance(s, str) else s for s in statuses]
    poll = api.get(GET_PATH[entity]).mock(side_effect=responses)
    return create, poll


@pytest.mark.parametrize(("argv", "create_path", "entity", "sleeps"), WAITERS)
def test_polls_until_success_and_prints_the_final_get(cli, api, clock, argv, create_path, entity, sleeps):
    create, poll = setup(api, create_path, entity, ["pending", "running", "success"])
    result = cli("orchestration", *argv, "--wait-until-finished")
    assert result.code == 0, result.out
    assert create.call_count == 1
    assert poll.call_count == 3
    assert_request(poll, "GET", GET_PATH[entity], query="", body=None)
    assert result.json == {
        **answer(entity, "success"),
        **({"runContext": {"nodes": {}}} if entity == "run" else {}),
    }
    assert clock.sleeps == sleeps


@pytest.mark.parametrize(("argv", "create_path", "entity", "sleeps"), WAITERS)
def test_without_the_flag_prints_the_created_object(cli, api, clock, argv, create_path, entity, sleeps):
    _, poll = setup(api, create_path, entity, [])
    result = cli("orchestration", *argv)
    assert result.code == 0
    assert result.json == answer(entity, "pending")
    assert not poll.called
    assert clock.sleeps == []


@pytest.mark.parametrize("terminal", ["error", "cancelled", "skipped"])
@pytest.mark.parametrize(("argv", "create_path", "entity", "sleeps"), WAITERS)
def test_terminal_error_is_data(cli, api, argv, create_path, entity, sleeps, terminal):
    setup(api, create_path, entity, ["running", terminal])
    result = cli("orchestration", *argv, "--wait-until-finished")
    assert result.code == 0
    assert result.json[entity]["status"] == terminal


@pytest.mark.parametrize(("argv", "create_path", "entity", "sleeps"), WAITERS)
def test_polling_interval(cli, api, clock, argv, create_path, entity, sleeps):
    setup(api, create_path, entity, ["running", "running", "success"])
    result = cli("orchestration", *argv, "--wait-until-finished", "--polling-interval", "1000")
    assert result.code == 0
    assert clock.sleeps == ([1.0, 1.25] if entity == "batch" else [1.0, 1.0])


@pytest.mark.parametrize(("argv", "create_path", "entity", "sleeps"), WAITERS)
def test_timeout_names_the_uuid(cli, api, clock, argv, create_path, entity, sleeps):
    setup(api, create_path, entity, ["running"] * 50)
    cancel = api.route(path__regex=r".*/cancel$")
    result = cli("orchestration", *argv, "--wait-until-finished", "--timeout", "20")
    assert result.code == 1
    assert U in result.json["errorMessage"]
    assert "Timed out after 20s" in result.json["errorMessage"]
    assert result.json["uuid"] == U
    assert result.json["status"] == "running"
    assert sum(clock.sleeps) <= 20
    assert not cancel.called


@pytest.mark.parametrize(("argv", "create_path", "entity", "sleeps"), WAITERS)
def test_transient_503_mid_wait_survives(cli, api, argv, create_path, entity, sleeps):
    # three 503s in a row exhaust the client's own retries; the wait carries on
    unavailable = httpx.Response(503, json={"errorMessage": "Service unavailable"})
    _, poll = setup(api, create_path, entity, ["running", unavailable, unavailable, unavailable, "success"])
    result = cli("orchestration", *argv, "--wait-until-finished")
    assert result.code == 0, result.out
    assert result.json[entity]["status"] == "success"
    assert poll.call_count == 5


@pytest.mark.parametrize(("argv", "create_path", "entity", "sleeps"), WAITERS)
def test_permanent_error_mid_wait_stops(cli, api, argv, create_path, entity, sleeps):
    setup(api, create_path, entity, ["running", httpx.Response(404, json={"errorMessage": "Not found"})])
    result = cli("orchestration", *argv, "--wait-until-finished")
    assert result.code == 1
    # the created run/batch is named: the error is about waiting, not creating
    assert result.json == {"errorMessage": "Not found", "status": 404, f"{entity}Uuid": UUID2}


@pytest.mark.parametrize(("argv", "create_path", "entity", "sleeps"), WAITERS)
def test_ctrl_c_exits_130_with_the_uuid_and_cancels_nothing(
    cli, api, clock, argv, create_path, entity, sleeps
):
    setup(api, create_path, entity, ["running"] * 5)

    def interrupted(seconds: float) -> None:
        raise KeyboardInterrupt

    clock.sleep = interrupted  # type: ignore[method-assign]
    result = cli("orchestration", *argv, "--wait-until-finished")
    assert result.code == 130
    assert U in result.json["errorMessage"]
    assert "not cancelled" in result.json["errorMessage"]
    assert result.json["uuid"] == U
    assert [call.request.method for call in api.calls] == ["POST", "GET"]
    assert not any("cancel" in str(call.request.url) for call in api.calls)


def test_create_error_is_reported_before_any_wait(cli, api, clock):
    api.post("/orchestration/runs").respond(400, json={"reason": "playNotCompatible"})
    poll = api.get(GET_PATH["run"])
    result = cli("orchestration", "run", "create", "--workflow-uuid", W, "--wait-until-finished")
    assert result.code == 1
    assert result.json["errorMessage"] == "Play workflows are not compatible with run creation."
    assert not poll.called


def test_answer_without_uuid(cli, api):
    api.post("/orchestration/runs").respond(json={"something": "else"})
    result = cli("orchestration", "run", "create", "--workflow-uuid", W, "--wait-until-finished")
    assert result.code == 1
    assert result.json["errorMessage"] == "The API answer has no run uuid to wait for"


def test_batch_backoff_is_capped(cli, api, clock):
    setup(api, "/orchestration/batches", "batch", ["running"] * 20 + ["success"])
    result = cli("orchestration", "batch", "create", "--workflow-uuid", W, "--wait-until-finished")
    assert result.code == 0
    assert clock.sleeps[:3] == [5.0, 6.25, 7.8125]
    assert max(clock.sleeps) == 30.0
    assert all(b >= a for a, b in zip(clock.sleeps, clock.sleeps[1:], strict=False))
