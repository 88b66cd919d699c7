"""--exit-status on every command with --wait-until-finished: exit 1 when the
final status is not success, the result printed as usual; without it an
`error` status stays data (exit 0)."""

from __future__ import annotations

import httpx
import pytest

from tests.cli.commands.test_orchestration_wait import GET_PATH, WAITERS, answer, setup
from tests.cli.tree import leaves
from tests.helpers import UUID1, UUID2


def test_every_waiting_command_has_exit_status():
    waiting = []
    for path, command, _ in leaves():
        flags = {opt for param in command.params for opt in getattr(param, "opts", ())}
        if "--wait-until-finished" in flags:
            waiting.append(path)
            assert "--exit-status" in flags, path
    assert len(waiting) >= 5, waiting  # 4 orchestration commands + ai message create


@pytest.mark.parametrize("final", ["error", "cancelled", "skipped"])
@pytest.mark.parametrize(("argv", "create_path", "entity", "sleeps"), WAITERS)
def test_not_success_exits_1_and_prints_the_result(cli, api, argv, create_path, entity, sleeps, final):
    _, poll = setup(api, create_path, entity, ["running", final])
    result = cli("orchestration", *argv, "--wait-until-finished", "--exit-status")
    assert result.code == 1
    assert result.json[entity] == answer(entity, final)[entity]  # the result, not an error object
    assert "errorMessage" not in result.json
    assert poll.call_count == 2


@pytest.mark.parametrize(("argv", "create_path", "entity", "sleeps"), WAITERS)
def test_success_exits_0(cli, api, argv, create_path, entity, sleeps):
    setup(api, create_path, entity, ["running", "success"])
    result = cli("orchestration", *argv, "--wait-until-finished", "--exit-status")
    assert result.code == 0, result.out
    assert result.json[entity]["status"] == "success"


@pytest.mark.parametrize(("argv", "create_path", "entity", "sleeps"), WAITERS)
def test_without_the_flag_an_error_status_is_still_exit_0(cli, api, argv, create_path, entity, sleeps):
    setup(api, create_path, entity, ["error"])
    result = cli("orchestration", *argv, "--wait-until-finished")
    assert result.code == 0
    assert result.json[entity]["status"] == "error"


@pytest.mark.parametrize(("argv", "create_path", "entity", "sleeps"), WAITERS)
def test_exit_status_needs_the_wait_and_sends_nothing(cli, api, argv, create_path, entity, sleeps):
    route = api.route()
    result = cli("orchestration", *argv, "--exit-status")
    assert result.code == 2
    assert result.json["errorMessage"].startswith("--exit-status needs --wait-until-finished")
    assert not route.called


def test_a_wait_timeout_stays_the_timeout_error(cli, api):
    argv, create_path, entity = WAITERS[1].values[:3]
    setup(api, create_path, entity, ["running"] * 20)
    result = cli("orchestration", *argv, "--wait-until-finished", "--exit-status", "--timeout", "5")
    assert result.code == 1
    assert result.json["uuid"] == UUID2
    assert "Timed out" in result.json["errorMessage"]
    assert GET_PATH[entity].endswith(UUID2)


@pytest.mark.parametrize(("final", "code"), [("success", 0), ("error", 1), ("cancelled", 1)])
def test_ai_message_create(cli, api, final, code):
    api.post("/ai/messages").respond(json={"assistantMessage": {"uuid": UUID2, "status": "pending"}})
    api.get(f"/ai/messages/{UUID2}").mock(
        side_effect=[
            httpx.Response(200, json={"message": {"uuid": UUID2, "status": s}}) for s in ("generating", final)
        ]
    )
    parts = '[{"type":"text","text":"hi"}]'
    result = cli("ai", "message", "create", "--chat-uuid", UUID1, "--parts", parts,
                 "--wait-until-finished", "--exit-status")  # fmt: skip
    assert result.code == code
    assert result.json == {"message": {"uuid": UUID2, "status": final}}
