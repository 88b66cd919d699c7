"""hosting app env (.env.local text) and app/worker init (templates shipped
in the package, scaffolded locally)."""

from __future__ import annotations

import json

import pytest

from cargo_cli.cli.hosting import bundle
from tests.helpers import UUID1, WORKSPACE, assert_request, check_usage_error

APP_WS = "55555555-5555-4555-8555-555555555555"
APP = {"app": {"uuid": UUID1, "name": "Territories", "workspaceUuid": APP_WS}}
ENV_VARS = {"envVars": [
    {"uuid": "e1", "key": "VITE_TITLE", "value": "Territories & friends", "isSecret": False},
    {"uuid": "e2", "key": "VITE_LIMIT", "value": "50", "isSecret": False},
    {"uuid": "e3", "key": "VITE_SECRET", "value": None, "isSecret": True},
    {"uuid": "e4", "key": "VITE_MULTI", "value": 'line 1\r\nsay "hi" \\o/', "isSecret": False},
    {"uuid": "e5", "key": "VITE_ON", "value": True, "isSecret": False},
]}  # fmt: skip


# -- app env ---------------------------------------------------------------------------
def test_app_env_prints_env_local_lines(cli, api):
    get = api.get(f"/hosting/apps/{UUID1}").respond(json=APP)
    listed = api.get("/hosting/env-vars").respond(json=ENV_VARS)
    result = cli("hosting", "app", "env", UUID1)
    assert result.code == 0, result.out
    assert result.out == (
        "# .env.local for the Cargo app Territories (cargo-ai hosting app env)\n"
        "VITE_CARGO_API_URL=https://api.getcargo.io\n"
        f"VITE_CARGO_WORKSPACE_UUID={APP_WS}\n"
        f"VITE_CARGO_APP_UUID={UUID1}\n"
        'VITE_TITLE="Territories & friends"\n'
        "VITE_LIMIT=50\n"
        "# VITE_SECRET: secret, not printed\n"
        'VITE_MULTI="line 1\\r\\nsay \\"hi\\" \\\\o/"\n'
        "VITE_ON=true\n"
    )
    assert_request(get, "GET", f"/hosting/apps/{UUID1}", body=None)
    assert_request(listed, "GET", "/hosting/env-vars", query=f"appUuid={UUID1}", body=None)


def test_app_env_api_url_flag_and_workspace_fallback(cli, api):
    api.get(f"/hosting/apps/{UUID1}").respond(json={"app": {"uuid": UUID1, "oauthClientId": "cid-1"}})
    api.get("/hosting/env-vars").respond(json={"envVars": []})
    result = cli("hosting", "app", "env", UUID1, "--api-url", "https://api.staging.getcargo.io/v1/")
    assert result.code == 0, result.out
    assert result.out.splitlines()[1:] == [
        "VITE_CARGO_API_URL=https://api.staging.getcargo.io",
        f"VITE_CARGO_WORKSPACE_UUID={WORKSPACE}",
        f"VITE_CARGO_APP_UUID={UUID1}",
        "VITE_CARGO_OAUTH_CLIENT_ID=cid-1",
    ]


def test_app_env_default_api_url_follows_cargo_api_url(cli, api, monkeypatch):
    monkeypatch.setenv("CARGO_API_URL", "https://api.getcargo.io/v1")
    api.get(f"/hosting/apps/{UUID1}").respond(json=APP)
    api.get("/hosting/env-vars").respond(json={"envVars": []})
    result = cli("hosting", "app", "env", UUID1)
    assert "VITE_CARGO_API_URL=https://api.getcargo.io\n" in result.out


def test_app_env_errors_are_json(cli, api):
    api.get(f"/hosting/apps/{UUID1}").respond(404, json={"errorMessage": "App not found"})
    result = cli("hosting", "app", "env", UUID1)
    assert result.code == 1
    assert result.json == {"errorMessage": "App not found", "status": 404}


def test_app_env_needs_an_app_uuid(cli, api):
    check_usage_error(cli, api, ["hosting", "app", "env", "nope"], "not a valid UUID")


# -- init --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kind", "slugs"), [("app", ["blank", "territories-overview"]), ("worker", ["blank"])]
)
def test_list_templates(cli, api, tmp_path, kind, slugs):
    route = api.route()
    result = cli("hosting", kind, "init", str(tmp_path / "x"), "--list-templates")
    assert result.code == 0, result.out
    assert [t["slug"] for t in result.json if t["available"]] == slugs
    assert all(t["description"] for t in result.json)
    assert not (tmp_path / "x").exists()
    assert not route.called


def test_worker_custom_integration_is_listed_unavailable_and_refused(cli, api, tmp_path):
    listed = cli("hosting", "worker", "init", str(tmp_path / "x"), "--list-templates").json
    assert {"slug": "custom-integration", "available": False}.items() <= listed[-1].items()
    check_usage_error(cli, api, ["hosting", "worker", "init", str(tmp_path / "w"), "--template", "custom-integration"],
                      "Template 'custom-integration' is not available")  # fmt: skip
    assert not (tmp_path / "w").exists()


@pytest.mark.parametrize(
    ("kind", "template", "must_have"),
    [
        ("app", "blank", ["package.json", "package-lock.json", "index.html", "src/main.ts", ".gitignore"]),
        ("app", "territories-overview", ["package.json", "package-lock.json", "src/api.ts", "src/main.ts"]),
        ("worker", "blank", ["package.json", "package-lock.json", "src/index.js", "dev.js", ".gitignore"]),
    ],
)
def test_init_scaffolds_the_template(cli, api, tmp_path, kind, template, must_have):
    target = tmp_path / "new" / "my-project"
    result = cli("hosting", kind, "init", str(target), "--template", template, "--name", "My Project")
    assert result.code == 0, result.out
    answer = result.json
    assert answer["directory"] == str(target.resolve())
    assert (answer["kind"], answer["template"], answer["name"]) == (kind, template, "My Project")
    assert set(must_have) <= set(answer["files"])
    on_disk = sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file())
    assert on_disk == sorted(answer["files"])
    package = json.loads((target / "package.json").read_text())
    assert package["name"] == "my-project"
    lock = json.loads((target / "package-lock.json").read_text())
    assert lock["name"] == "my-project"
    texts = [p.read_text() for p in target.rglob("*") if p.is_file()]
    assert not any("__NAME__" in t or "__PACKAGE__" in t for t in texts)
    assert "My Project" in (target / "README.md").read_text()
    deps = {**package.get("dependencies", {}), **package.get("devDependencies", {})}
    assert not [name for name in deps if name.startswith("@cargo-ai/")]
    assert f"--{kind}-uuid" in answer["nextSteps"][-1]


def test_scaffolded_projects_pass_the_deployment_source_checks(cli, tmp_path):
    for kind, template in [("app", "blank"), ("app", "territories-overview"), ("worker", "blank")]:
        target = tmp_path / f"{kind}-{template}"
        assert cli("hosting", kind, "init", str(target), "--template", template).code == 0
        files = bundle.collect_source(target, bundle.DEFAULT_IGNORES)
        bundle.check_deployable(target, kind, files, bundle.DEFAULT_IGNORES)


def test_init_default_template_and_name(cli, api, tmp_path):
    target = tmp_path / "Sales Dashboard"
    target.mkdir()  # an existing but empty directory is fine
    result = cli("hosting", "app", "init", str(target))
    assert result.code == 0, result.out
    assert (result.json["template"], result.json["name"]) == ("blank", "Sales Dashboard")
    assert json.loads((target / "package.json").read_text())["name"] == "sales-dashboard"
    assert "<title>Sales Dashboard</title>" in (target / "index.html").read_text()


def test_init_never_overwrites(cli, api, tmp_path):
    target = tmp_path / "busy"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    check_usage_error(
        cli, api, ["hosting", "app", "init", str(target)], "is not empty: init never overwrites"
    )
    assert [p.name for p in target.iterdir()] == ["notes.txt"]
    file_target = tmp_path / "file"
    file_target.write_text("x")
    check_usage_error(cli, api, ["hosting", "worker", "init", str(file_target)], "is not a directory")


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["app", "init"], "Missing argument"),
        (
            ["app", "init", "{dir}", "--template", "nope"],
            "Unknown app template 'nope': choose one of blank, territories-overview",
        ),
        (["worker", "init", "{dir}", "--template", "territories-overview"], "Unknown worker template"),
    ],
)
def test_init_usage_errors(cli, api, tmp_path, argv, fragment):
    argv = [str(tmp_path / "d") if a == "{dir}" else a for a in argv]
    check_usage_error(cli, api, ["hosting", *argv], fragment)
    assert not (tmp_path / "d").exists()


@pytest.mark.parametrize("kind", ["app", "worker"])
def test_list_templates_needs_no_directory(cli, api, kind):
    route = api.route()
    result = cli("hosting", kind, "init", "--list-templates")
    assert result.code == 0, result.out
    assert "blank" in [t["slug"] for t in result.json]
    assert not route.called


@pytest.mark.parametrize("kind", ["app", "worker"])
def test_init_without_a_directory_is_a_usage_error(cli, api, kind):
    check_usage_error(cli, api, ["hosting", kind, "init"], "Missing argument '<dir>'")
