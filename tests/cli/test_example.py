from __future__ import annotations

import httpx

from tests.helpers import TOKEN, WORKSPACE, assert_request


def test_whoami_prints_user_workspace_and_base_url(cli, api):
    user = api.get("/userManagement/users/current").respond(json={"user": {"uuid": "u", "email": "a@b.c"}})
    ws = api.get("/workspaceManagement/workspaces/current").respond(
        json={"workspace": {"uuid": WORKSPACE, "name": "Acme"}}
    )
    result = cli("whoami")
    assert result.code == 0, result.out
    assert result.json == {
        "user": {"uuid": "u", "email": "a@b.c"},
        "workspace": {"uuid": WORKSPACE, "name": "Acme"},
        "baseUrl": "https://api.getcargo.io",
        "baseUrlSource": "default",
        "credentialsSource": "env",
    }
    req = assert_request(user, "GET", "/userManagement/users/current", body=None)
    assert req.headers["authorization"] == f"Bearer {TOKEN}"
    assert "selected-workspace-uuid" not in req.headers
    assert (
        assert_request(ws, "GET", "/workspaceManagement/workspaces/current").headers[
            "selected-workspace-uuid"
        ]
        == WORKSPACE
    )


def test_whoami_api_error(cli, api):
    api.get("/userManagement/users/current").mock(return_value=httpx.Response(401, json={}))
    result = cli("whoami")
    assert result.code == 1
    assert result.json == {"errorMessage": "Not authorized", "status": 401}
    assert TOKEN not in result.out
