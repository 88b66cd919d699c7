"""--all --ndjson from a real process over real HTTP: the records of the pages
that arrived stay on stdout when a later page fails, and the last line is the
error object with recordsPrinted (exit 1)."""

from __future__ import annotations

import json

from tests.e2e.server import Recorded, Wire

UUID = "22222222-2222-4222-8222-222222222222"


def test_a_failing_later_page_leaves_the_printed_records(run_cli, server):
    def pages(request: Recorded, wire: Wire) -> None:
        offset = request.json()["offset"]
        if offset == 0:
            body = json.dumps({"runs": [{"uuid": f"r{n}"} for n in range(2)]}).encode()
            wire.send(200, body, {"content-type": "application/json"})
        else:
            wire.send(500, b'{"errorMessage": "page failed"}', {"content-type": "application/json"})

    server.route("POST", "/v1/orchestration/runs/list", pages)
    done = run_cli("orchestration", "run", "list", "--workflow-uuid", UUID, "--all", "--limit", "2", "--ndjson",
                   env={"CARGO_MAX_RETRIES": "0"})  # fmt: skip
    assert done.code == 1
    lines = done.out.splitlines()
    assert [json.loads(line) for line in lines[:2]] == [{"uuid": "r0"}, {"uuid": "r1"}]
    error = json.loads(lines[2])
    assert error["errorMessage"] == "page failed" and error["recordsPrinted"] == 2
    assert len(lines) == 3
    assert [r.json()["offset"] for r in server.requests] == [0, 2]
