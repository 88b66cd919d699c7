"""hosting: apps and workers, deployments moving pending -> building ->
success|error on the clock, promote / get-promoted, sources and build log
through signed URLs, env vars (secret values never listed)."""

from __future__ import annotations

import io
import json
import tarfile

from cargo_cli.sandbox import seed_knowledge_hosting
from tests.sandbox.conftest import Api
from tests.sandbox.routes.conftest import call, error, ok

PACKAGE = json.dumps({"name": "demo", "scripts": {"build": "vite build"}})
APP_FILES = [{"path": "package.json", "content": PACKAGE}, {"path": "src/main.ts", "content": "export {}\n"}]


def deploy(api: Api, files: list[dict[str, str]], **target: str) -> dict[str, object]:
    kind = "app" if "appUuid" in target else "worker"
    return ok(api, "POST", "/hosting/deployments", {"files": files, "kind": kind, **target})["deployment"]  # type: ignore[no-any-return]


def status(api: Api, uuid: object) -> str:
    return str(ok(api, "GET", f"/hosting/deployments/{uuid}")["deployment"]["status"])


def test_app_crud_and_slug_uniqueness(api: Api) -> None:
    app = ok(api, "POST", "/hosting/apps", {"name": "Board", "slug": "board"})["app"]
    assert (app["name"], app["slug"], app["url"], app["promotedDeploymentUuid"]) == (
        "Board",
        "board",
        None,
        None,
    )
    assert error(api, "POST", "/hosting/apps", {"name": "Again", "slug": "board"}) == (
        409,
        "slugAlreadyExists",
    )
    assert error(api, "POST", "/hosting/apps", {"name": "No slug"}) == (400, "invalidPayload")
    ok(api, "POST", "/hosting/workers", {"name": "W", "slug": "w-dup"})
    assert call(api, "POST", "/hosting/workers", {"name": "W", "slug": "w-dup"})[1]["errorMessage"] == (
        "A worker with the slug 'w-dup' already exists"
    )
    renamed = ok(api, "PUT", f"/hosting/apps/{app['uuid']}", {"name": "Board 2"})["app"]
    assert renamed["name"] == "Board 2"
    listed = ok(api, "POST", "/hosting/apps/list", {})["apps"]
    assert {seed_knowledge_hosting.APP, app["uuid"]} <= {a["uuid"] for a in listed}
    assert ok(api, "DELETE", f"/hosting/apps/{app['uuid']}", {}) == {}
    assert error(api, "GET", f"/hosting/apps/{app['uuid']}") == (404, "appNotFound")


def test_deployment_moves_to_success_then_promotes(api: Api) -> None:
    created = deploy(api, APP_FILES, appUuid=seed_knowledge_hosting.APP)
    assert (created["status"], created["kind"], created["filesCount"], created["isPromoted"]) == (
        "pending", "app", 2, False,
    )  # fmt: skip
    assert error(api, "POST", "/hosting/deployments/promote", {"uuid": created["uuid"]}) == (
        400, "deploymentNotReady",
    )  # fmt: skip
    assert error(api, "GET", "/hosting/deployments/promoted", params={"appUuid": seed_knowledge_hosting.APP}) == (
        404, "promotedDeploymentNotFound",
    )  # fmt: skip
    api.clock.now += 1.5
    assert status(api, created["uuid"]) == "building"
    api.clock.now += 2
    assert status(api, created["uuid"]) == "success"
    promoted = ok(api, "POST", "/hosting/deployments/promote", {"uuid": created["uuid"]})["deployment"]
    assert promoted["isPromoted"] and promoted["promotedAt"]
    live = ok(api, "GET", "/hosting/deployments/promoted", params={"appUuid": seed_knowledge_hosting.APP})[
        "deployment"
    ]
    assert live["uuid"] == created["uuid"]
    app = ok(api, "GET", f"/hosting/apps/{seed_knowledge_hosting.APP}")["app"]
    assert (
        app["promotedDeploymentUuid"] == created["uuid"]
        and app["url"] == "https://territories.apps.sandbox.localhost"
    )
    archive_url = ok(api, "GET", f"/hosting/deployments/{created['uuid']}/source-archive-url")["url"]
    archive = api.client.get(str(archive_url).removeprefix("http://testserver")).content
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        assert {m.name: tar.extractfile(m).read().decode() for m in tar.getmembers()} == {  # type: ignore[union-attr]
            f["path"]: f["content"] for f in APP_FILES
        }
    log_url = ok(api, "GET", f"/hosting/deployments/{created['uuid']}/build-log-url")["url"]
    assert "npm run build (vite build)" in api.client.get(str(log_url).removeprefix("http://testserver")).text


def test_builds_fail_for_a_reason_and_can_be_cancelled(api: Api) -> None:
    no_script = deploy(api, [{"path": "package.json", "content": "{}"}], appUuid=seed_knowledge_hosting.APP)
    no_entry = deploy(api, [{"path": "README.md", "content": "x"}], workerUuid=seed_knowledge_hosting.WORKER)
    worker_ok = deploy(
        api,
        [{"path": "src/index.js", "content": "export default {}"}],
        workerUuid=seed_knowledge_hosting.WORKER,
    )
    to_cancel = deploy(api, APP_FILES, appUuid=seed_knowledge_hosting.APP)
    cancelled = ok(api, "POST", "/hosting/deployments/cancel", {"uuid": to_cancel["uuid"]})["deployment"]
    assert cancelled["status"] == "cancelled"
    api.clock.now += 5
    failed = ok(api, "GET", f"/hosting/deployments/{no_script['uuid']}")["deployment"]
    assert (failed["status"], failed["errorMessage"]) == ("error", 'package.json has no "build" script')
    assert status(api, no_entry["uuid"]) == "error"
    assert status(api, worker_ok["uuid"]) == "success"
    assert status(api, to_cancel["uuid"]) == "cancelled"
    assert error(api, "POST", "/hosting/deployments/cancel", {"uuid": to_cancel["uuid"]}) == (
        400, "deploymentAlreadyFinished",
    )  # fmt: skip
    page = ok(
        api,
        "POST",
        "/hosting/deployments/list",
        {"workerUuid": seed_knowledge_hosting.WORKER, "statuses": ["error"]},
    )
    assert (page["count"], [d["uuid"] for d in page["deployments"]]) == (1, [no_entry["uuid"]])


def test_deployment_refusals(api: Api) -> None:
    both = {
        "files": APP_FILES,
        "appUuid": seed_knowledge_hosting.APP,
        "workerUuid": seed_knowledge_hosting.WORKER,
    }
    assert error(api, "POST", "/hosting/deployments", both) == (400, "invalidPayload")
    assert error(api, "POST", "/hosting/deployments", {"files": [], "appUuid": seed_knowledge_hosting.APP}) == (
        400, "invalidPayload",
    )  # fmt: skip
    assert error(api, "POST", "/hosting/deployments", {"files": [{"path": 1}], "appUuid": seed_knowledge_hosting.APP}) == (
        400, "invalidPayload",
    )  # fmt: skip
    unknown = "00000000-0000-4000-8000-000000000000"
    assert error(api, "POST", "/hosting/deployments", {"files": APP_FILES, "appUuid": unknown}) == (
        404, "appNotFound",
    )  # fmt: skip
    assert call(api, "GET", f"/hosting/deployments/{unknown}")[0] == 404


def test_env_vars_hide_secret_values(api: Api) -> None:
    listed = ok(api, "GET", "/hosting/env-vars", params={"appUuid": seed_knowledge_hosting.APP})["envVars"]
    assert [(v["key"], v["value"], v["isSecret"]) for v in listed] == [
        ("VITE_REGION", "eu", False), ("CRM_API_KEY", None, True),
    ]  # fmt: skip
    created = ok(api, "POST", "/hosting/env-vars",
                 {"kind": "app", "appUuid": seed_knowledge_hosting.APP, "key": "VITE_X", "value": "1"})["envVar"]  # fmt: skip
    assert error(api, "POST", "/hosting/env-vars", {"appUuid": seed_knowledge_hosting.APP, "key": "VITE_X", "value": "2"}) == (
        409, "envVarAlreadyExists",
    )  # fmt: skip
    updated = ok(api, "PATCH", f"/hosting/env-vars/{created['uuid']}", {"value": "2", "isSecret": True})[
        "envVar"
    ]
    assert (updated["value"], updated["isSecret"]) == (None, True)
    assert ok(api, "DELETE", f"/hosting/env-vars/{created['uuid']}") == {}
    assert (
        len(ok(api, "GET", "/hosting/env-vars", params={"appUuid": seed_knowledge_hosting.APP})["envVars"])
        == 2
    )
