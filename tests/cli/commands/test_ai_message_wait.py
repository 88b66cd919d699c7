"""ai message create --wait-until-finished: polls ai.message.get on the
assistant message every 2 s until success / error / cancelled."""

from __future__ import annotations

import httpx
import pytest

from tests.helpers import UUID1, UUID2, assert_request

USER_UUID = "44444444-4444-4444-8444-444444444444"
PARTS = '[{"type":"text","text":"hi"}]'
CREATED = {
    "userMessage": {"uuid": USER_UUID, "status": "success", "type": "user"},
    "assistantMessage": {"uuid": UUID2, "status": "pending", "type": "assistant"},
}
CREATE = ("ai", "message", "create", "--chat-uuid", UUID1, "--parts", PARTS)


def message(status: str, **extra: object) -> dict:
    return {"message": {"uuid": UUID2, "chatUuid": UUID1, "status": status, **extra}}


def responses(*statuses: str) -> list[httpx.Response]:
    return [httpx.Response(200, json=message(s)) for s in statuses]


@pytest.fixture
def create(api):
    return api.post("/ai/messages").respond(json=CREATED)


def test_without_wait_prints_the_create_answer(cli, api, create):
    get = api.get(f"/ai/messages/{UUID2}")
    result = cli(*CREATE)
    assert result.code == 0
    assert result.json == CREATED
    assert not get.called


@pytest.mark.parametrize(
    ("statuses", "final"),
    [
        (("pending", "generating", "generating", "success"), "success"),
        (("generating", "error"), "error"),
        (("cancelling", "cancelled"), "cancelled"),
        (("success",), "success"),
    ],
)
def test_polls_the_assistant_message_until_terminal(cli, api, clock, create, statuses, final):
    final_answer = message(final, parts=[{"type": "text", "text": "Done"}])
    get = api.get(f"/ai/messages/{UUID2}")
    get.side_effect = [*responses(*statuses[:-1]), httpx.Response(200, json=final_answer)]
    result = cli(*CREATE, "--wait-until-finished")
    assert result.code == 0, result.out  # a terminal error status is data
    assert result.json == final_answer
    assert_request(
        create, "POST", "/ai/messages", body={"chatUuid": UUID1, "parts": [{"type": "text", "text": "hi"}]}
    )
    assert_request(get, "GET", f"/ai/messages/{UUID2}", query="", body=None)
    assert get.call_count == len(statuses)
    assert clock.sleeps == [2.0] * (len(statuses) - 1)


def test_polling_interval(cli, api, clock, create):
    api.get(f"/ai/messages/{UUID2}").side_effect = responses("generating", "success")
    result = cli(*CREATE, "--wait-until-finished", "--polling-interval", "500")
    assert result.code == 0
    assert clock.sleeps == [0.5]


def test_timeout(cli, api, clock, create):
    get = api.get(f"/ai/messages/{UUID2}").respond(json=message("generating"))
    result = cli(*CREATE, "--wait-until-finished", "--timeout", "5")
    assert result.code == 1
    assert result.json["errorMessage"].startswith("Timed out after 5s waiting for message " + UUID2)
    assert "generating" in result.json["errorMessage"]
    assert result.json["uuid"] == UUID2
    assert get.call_count == 3  # t=0, 2, 4; the next poll would pass the 5 s budget
    assert sum(clock.sleeps) <= 5


def test_interrupt(cli, api, clock, create):
    api.get(f"/ai/messages/{UUID2}").respond(json=message("generating"))

    def ctrl_c(seconds: float) -> None:
        raise KeyboardInterrupt

    clock.sleep = ctrl_c  # Ctrl-C while sleeping between two polls
    result = cli(*CREATE, "--wait-until-finished")
    assert result.code == 130
    assert UUID2 in result.json["errorMessage"]
    assert "not cancelled" in result.json["errorMessage"]


def test_transient_poll_failure_is_survived(cli, api, create):
    api.get(f"/ai/messages/{UUID2}").side_effect = [httpx.Response(500, json={}), *responses("success")]
    result = cli(*CREATE, "--wait-until-finished")
    assert result.code == 0
    assert result.json["message"]["status"] == "success"


def test_message_not_found_while_polling(cli, api, create):
    api.get(f"/ai/messages/{UUID2}").respond(404, json={"reason": "messageNotFound"})
    result = cli(*CREATE, "--wait-until-finished")
    assert result.code == 1
    assert result.json == {
        "errorMessage": "Message not found",
        "reason": "messageNotFound",
        "status": 404,
        "messageUuid": UUID2,  # the message was created: the error names it
    }


def test_create_answer_without_assistant_message(cli, api):
    api.post("/ai/messages").respond(json={"userMessage": {"uuid": USER_UUID}})
    result = cli(*CREATE, "--wait-until-finished")
    assert result.code == 1
    assert "no message uuid" in result.json["errorMessage"]


def test_create_error_sends_no_poll(cli, api):
    api.post("/ai/messages").respond(404, json={"reason": "chatNotFound"})
    get = api.get(f"/ai/messages/{UUID2}")
    result = cli(*CREATE, "--wait-until-finished")
    assert result.code == 1
    assert result.json["errorMessage"] == "Chat not found"
    assert not get.called
