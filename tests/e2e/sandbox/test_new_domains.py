"""The seeds-tier domains end to end: the installed cargo-ai against a real
sandbox over HTTP, one flow per domain (content, context, hosting,
expression, system-of-record, observability)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from cargo_cli.sandbox import seed, seed_knowledge_hosting
from tests.e2e.sandbox.conftest import Cli

pytestmark = pytest.mark.e2e
WAIT = ["--wait-until-finished", "--polling-interval", "100"]


def test_content_upload_comes_back_byte_for_byte(cli: Cli, tmp_path: Path) -> None:
    library = cli.ok("content", "library", "create", "--name", "Battlecards")["library"]
    assert (library["name"], library["kind"]) == ("Battlecards", "native")
    data = b"%PDF-1.4\n" + bytes(range(256)) * 300
    source = tmp_path / "deck.pdf"
    source.write_bytes(data)
    folder = cli.ok("workspaceManagement", "folder", "create", "--name", "Decks")["folder"]["uuid"]
    file = cli.ok("content", "file", "upload", "--file-path", str(source), "--folder-uuid", folder)
    assert (file["name"], file["size"], file["folderUuid"]) == ("deck.pdf", len(data), folder)
    got = cli.ok("content", "file", "get", file["uuid"])["file"]
    assert httpx.get(got["url"]).content == data  # the signed URL serves the stored bytes
    # The API's readBytes route, straight over HTTP (`cargo-ai api` prints responses as text).
    raw = httpx.get(f"{cli.sbx.url}/v1/content/files/{file['uuid']}/raw",
                    headers={"authorization": f"Bearer {cli.sbx.token}"})  # fmt: skip
    assert raw.status_code == 200 and raw.content == data
    source.write_bytes(b"v2")
    replaced = cli.ok("content", "file", "upload", "--file-path", str(source), "--uuid", file["uuid"])
    assert (replaced["uuid"], replaced["size"]) == (file["uuid"], 2)
    assert httpx.get(cli.ok("content", "file", "get", file["uuid"])["file"]["url"]).content == b"v2"
    listed = cli.ok("content", "file", "list", "--folder-uuid", folder)["files"]
    assert [f["uuid"] for f in listed] == [file["uuid"]]
    cli.ok("content", "file", "update", "--uuid", file["uuid"], "--name", "deck-v2.pdf")
    assert cli.ok("content", "file", "remove", file["uuid"]) == {}
    missing = cli("content", "file", "get", file["uuid"])
    assert missing.code == 1 and missing.out["reason"] == "fileNotFound"


def test_context_runtime_is_a_versioned_tree(cli: Cli, tmp_path: Path) -> None:
    root = cli.ok("context", "runtime", "browse")
    assert {"persona", "README.md"} <= {e["name"] for e in root["entries"]}
    persona = tmp_path / "cmo.md"
    persona.write_text("# CMO\n\nOwns the brand. Reports to the [VP Sales](vp-sales.md).\n")
    first = cli.ok("context", "runtime", "write", "--path", "persona/cmo.md", "--content", f"@{persona}",
                   "--commit-message", "Add the CMO persona")["commit"]  # fmt: skip
    assert first["message"] == "Add the CMO persona"
    second = cli.ok("context", "runtime", "edit", "--path", "persona/cmo.md", "--old-string", "Owns the brand.",
                    "--new-string", "Owns the brand and demand.", "--commit-message", "CMO owns demand")["commit"]  # fmt: skip
    assert second["parentSha"] == first["sha"] != second["sha"]
    read = cli.ok(
        "context", "runtime", "read", "--path", "persona/cmo.md", "--start-line", "3", "--end-line", "3"
    )
    assert read["content"] == "Owns the brand and demand. Reports to the [VP Sales](vp-sales.md)."
    log = cli.ok(
        "context", "runtime", "execute", "--command", "git", "--args", '["log", "--oneline", "-n", "2"]'
    )
    assert log == {"exitCode": 0, "stderr": "",
                   "stdout": f"{second['shortSha']} CMO owns demand\n{first['shortSha']} Add the CMO persona\n"}  # fmt: skip
    old = cli.ok(
        "context",
        "runtime",
        "execute",
        "--command",
        "git",
        "--args",
        f'["show", "{first["sha"]}:persona/cmo.md"]',
    )
    assert old["stdout"] == persona.read_text()
    grep = cli.ok(
        "context", "runtime", "execute", "--command", "grep", "--args", '["-r", "-l", "demand", "persona"]'
    )
    assert grep["stdout"] == "persona/cmo.md\n"
    not_unique = cli(
        "context", "runtime", "edit", "--path", "persona/cmo.md", "--old-string", "s", "--new-string", "z"
    )
    assert not_unique.code == 1 and not_unique.out["reason"] == "stringNotUnique"
    graph = cli.ok("context", "graph", "get")["graph"]
    assert {"source": "persona/cmo.md", "target": "persona/vp-sales.md", "kind": "link"} in graph["edges"]


def test_hosting_deployments_build_promote_and_env(cli: Cli, tmp_path: Path) -> None:
    worker = cli.ok("hosting", "worker", "create", "--name", "Hooks", "--slug", "hooks-e2e")["worker"]
    project = tmp_path / "hooks"
    cli.ok("hosting", "worker", "init", str(project), "--name", "Hooks")
    (project / "node_modules" / "left-pad").mkdir(parents=True)
    (project / "node_modules" / "left-pad" / "index.js").write_text("ignored")
    deployed = cli.ok("hosting", "deployment", "create", "--worker-uuid", worker["uuid"], "--source", str(project),
                      *WAIT)["deployment"]  # fmt: skip
    assert deployed["status"] == "success" and deployed["isPromoted"] is False
    assert deployed["filesCount"] == len(
        [p for p in project.rglob("*") if p.is_file() and "node_modules" not in p.parts]
    )
    missing = cli("hosting", "deployment", "get-promoted", "--worker-uuid", worker["uuid"])
    assert missing.code == 1 and missing.out["reason"] == "promotedDeploymentNotFound"
    promoted = cli.ok("hosting", "deployment", "promote", "--uuid", deployed["uuid"])["deployment"]
    assert promoted["isPromoted"] is True
    live = cli.ok("hosting", "deployment", "get-promoted", "--worker-uuid", worker["uuid"])["deployment"]
    assert live["uuid"] == deployed["uuid"]
    assert cli.ok("hosting", "worker", "get", worker["uuid"])["worker"]["url"]

    app = tmp_path / "board"
    cli.ok("hosting", "app", "init", str(app), "--template", "territories-overview")
    package = json.loads((app / "package.json").read_text())
    (app / "package.json").write_text(json.dumps({**package, "scripts": {"dev": "vite"}}))  # no build script
    broken = cli.ok("hosting", "deployment", "create", "--app-uuid", seed_knowledge_hosting.APP, "--source", str(app),
                    *WAIT)["deployment"]  # fmt: skip
    assert (broken["status"], broken["errorMessage"]) == ("error", 'package.json has no "build" script')
    listed = cli.ok("hosting", "deployment", "list", "--app-uuid", seed_knowledge_hosting.APP)
    assert listed["deployments"][0]["uuid"] == broken["uuid"]
    refused = cli("hosting", "deployment", "promote", "--uuid", broken["uuid"])
    assert refused.code == 1 and refused.out["reason"] == "deploymentNotReady"

    env = cli("hosting", "app", "env", seed_knowledge_hosting.APP)
    assert env.code == 0, env.stdout
    assert env.stdout.splitlines()[1:] == [
        f"VITE_CARGO_API_URL={cli.sbx.url}", f"VITE_CARGO_WORKSPACE_UUID={seed.WORKSPACE}",
        f"VITE_CARGO_APP_UUID={seed_knowledge_hosting.APP}", "VITE_REGION=eu", "# CRM_API_KEY: secret, not printed",
    ]  # fmt: skip
    assert "sbx-secret-value" not in env.stdout


def test_expression_eval_evaluates_the_safe_subset(cli: Cli) -> None:
    def expression(text: str, kind: str = "templateExpression") -> str:
        return json.dumps({"kind": kind, "expression": text, "instructTo": "none", "fromRecipe": False})

    variables = json.dumps({"nodes": {"start": {"name": "acme", "people": [{"n": "Ada"}, {"n": "Bob"}]}}})
    template = "{{nodes.start.name.toUpperCase()}}: {{nodes.start.people.map(p => p.n).join(', ')}}"
    assert cli.ok("expression", "eval", "evaluate", "--expression", expression(template),
                  "--variables", variables) == {"data": "ACME: Ada, Bob"}  # fmt: skip
    js = expression("nodes.start.people.length > 1 ? 'team' : 'solo'", "jsExpression")
    assert cli.ok("expression", "eval", "evaluate", "--expression", js, "--variables", variables) == {
        "data": "team"
    }
    failed = cli(
        "expression",
        "eval",
        "evaluate",
        "--expression",
        expression("{{nodes.end.name}}"),
        "--variables",
        variables,
    )
    assert failed.code == 1
    assert failed.out == {"errorMessage": "Cannot read properties of undefined (reading 'name')"}


def test_system_of_record_sql_and_download(cli: Cli, tmp_path: Path) -> None:
    systems = cli.ok("system-of-record", "sor", "list")["systemOfRecords"]
    assert [s["uuid"] for s in systems] == [seed_knowledge_hosting.SYSTEM_OF_RECORD]
    rows = cli.ok("system-of-record", "client", "query", "SELECT count(*) AS n FROM crm.contacts")["rows"]
    assert rows == [{"n": seed.CONTACT_COUNT}]
    page = cli.ok("system-of-record", "client", "fetch", "--query", "SELECT id FROM crm.companies ORDER BY id",
                  "--limit", "2", "--offset", "10")  # fmt: skip
    assert page == {"records": [{"id": "cmp_0010"}, {"id": "cmp_0011"}], "count": seed.COMPANY_COUNT}
    target = tmp_path / "fr.csv"
    cli.ok("system-of-record", "client", "download", "--query", "SELECT id FROM crm.companies WHERE country = 'FR'",
           "--output", str(target))  # fmt: skip
    lines = target.read_text().splitlines()
    assert lines[0] == "id" and len(lines) > 1
    docs = cli("system-of-record", "client", "get-documentation", "sandbox")
    assert (
        docs.code == 0
        and f"({cli.sbx.url}/v1/systemOfRecordIntegration/clients/sandbox/documentation/tables.md)"
        in docs.stdout
    )
    refused = cli("system-of-record", "client", "query", "DELETE FROM crm.companies")
    assert refused.code == 1 and refused.out["reason"] == "readOnly"


def test_observability_alerts_over_real_runs(cli: Cli) -> None:
    scope = json.dumps({"kind": "runs", "workflowUuid": seed.TOOL_WORKFLOW, "statuses": ["error"]})
    threshold = json.dumps({"metric": "failedCount", "operator": "gte", "value": 1})
    cli.ok("orchestration", "run", "create", "--workflow-uuid", seed.TOOL_WORKFLOW, "--data", '{"name": "no domain"}',
           *WAIT)  # fmt: skip
    preview = cli.ok("observability", "alert", "preview", "--scope", scope, "--threshold", threshold)
    assert preview["outcome"] == "computed" and preview["failed"] >= 1 and preview["isBreached"] is True
    alert = cli.ok("observability", "alert", "create", "--name", "Failures", "--cron", "*/30 * * * *",
                   "--scope", scope, "--threshold", threshold)["alert"]  # fmt: skip
    assert alert["isEnabled"] and alert["lastEvent"]["status"] == "breached"
    updated = cli.ok("observability", "alert", "update", "--uuid", alert["uuid"], "--enabled", "false",
                     "--description", "paused")["alert"]  # fmt: skip
    assert (updated["isEnabled"], updated["description"]) == (False, "paused")
    assert alert["uuid"] in {a["uuid"] for a in cli.ok("observability", "alert", "list")["alerts"]}
    events = cli.ok("observability", "event", "list", alert["uuid"])
    assert events["count"] == 1 and events["events"][0]["status"] == "breached"
    bad = cli("observability", "alert", "create", "--name", "x", "--cron", "whenever", "--scope", scope,
              "--threshold", threshold)  # fmt: skip
    assert bad.code == 1 and bad.out["reason"] == "invalidCron"
    assert cli.ok("observability", "alert", "remove", alert["uuid"]) == {}
    assert cli("observability", "alert", "get", alert["uuid"]).out["reason"] == "alertNotFound"
