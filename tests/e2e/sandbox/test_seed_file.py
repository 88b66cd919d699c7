"""``cargo-ai-sandbox --seed-file``: a CI pipeline rehearses against its own
shape of data (issue 16, point 6). The installed CLI against real sandboxes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.sandbox.conftest import FAST, Cli, start

pytestmark = pytest.mark.e2e
EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "sandbox-seed.json"
POLL = ["--wait-until-finished", "--polling-interval", "100"]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cli]:
    yield from start(tmp_path_factory.mktemp("seedfile"), [*FAST, "--seed-file", str(EXAMPLE)])


def example() -> dict[str, Any]:
    return json.loads(EXAMPLE.read_text())  # type: ignore[no-any-return]


def test_the_example_file_seeds_models_records_relationships_segments_tools_and_agents(seeded: Cli) -> None:
    content = example()
    datasets = {d["slug"]: d["uuid"] for d in seeded.ok("storage", "dataset", "list")["datasets"]}
    assert set(datasets) == {"crm", "gtm"}  # the workspace's own dataset, and the file's
    models = {m["slug"]: m for m in seeded.ok("storage", "model", "list")["models"]}
    assert set(models) == {"accounts", "contacts"}
    assert (
        models["accounts"]["datasetUuid"] == datasets["gtm"]
        and models["accounts"]["titleColumnSlug"] == "name"
    )
    for model in content["models"]:
        columns = [c["slug"] for c in models[model["slug"]]["columns"]]
        assert columns == [c["slug"] for c in model["columns"]]
    # No demo data: only what the file holds.
    assert seeded.ok("storage", "query", "execute", "SELECT count(*) AS n FROM gtm.accounts")["rows"] == [
        {"n": len(content["models"][0]["records"])}]  # fmt: skip
    missing = seeded("storage", "query", "execute", "SELECT * FROM crm.companies")
    assert missing.code == 1 and "companies" in missing.out["errorMessage"]
    # The records as written: computed independently from the file.
    expected = sorted(
        r["name"] for r in content["models"][0]["records"] if r["country"] == "FR" and not r["is_customer"]
    )
    (segment,) = seeded.ok("segmentation", "segment", "list")["segments"]
    assert segment["name"] == "French prospects" and segment["recordsCount"] == len(expected)
    fetched = seeded.ok("segmentation", "segment", "fetch", "--model-uuid", models["accounts"]["uuid"],
                        "--filter", json.dumps(segment["filter"]))  # fmt: skip
    assert sorted(r["name"] for r in fetched["records"]) == expected
    sql = ("SELECT a.name, count(c.id) AS contacts FROM gtm.accounts a JOIN gtm.contacts c ON c.account_id = a.id "
           "GROUP BY a.name ORDER BY a.name")  # fmt: skip
    per_account: dict[str, int] = {}
    names = {r["id"]: r["name"] for r in content["models"][0]["records"]}
    for contact in content["models"][1]["records"]:
        per_account[names[contact["account_id"]]] = per_account.get(names[contact["account_id"]], 0) + 1
    assert seeded.ok("storage", "query", "execute", sql)["rows"] == [
        {"name": n, "contacts": c} for n, c in sorted(per_account.items())]  # fmt: skip
    (relationship,) = seeded.ok("storage", "relationship", "list")["relationships"]
    assert (relationship["fromModelUuid"], relationship["toModelUuid"], relationship["relation"]) == (
        models["contacts"]["uuid"], models["accounts"]["uuid"], "manyToOne")  # fmt: skip
    # The tool is deployed with the file's nodes and runs.
    (tool,) = seeded.ok("orchestration", "tool", "list")["tools"]
    assert tool["name"] == "Enrich account"
    done = seeded.ok("orchestration", "run", "create", "--workflow-uuid", tool["workflowUuid"], "--data",
                     '{"domain": "acme.io"}', *POLL)  # fmt: skip
    assert done["run"]["status"] == "success" and "enrich" in done["runContext"]["nodes"]
    # The agent answers with its deployed release.
    (agent,) = seeded.ok("ai", "agent", "list")["agents"]
    assert agent["name"] == "Account researcher"
    assert agent["deployedRelease"]["systemPrompt"] == content["agents"][0]["systemPrompt"]


def test_a_directory_of_seed_files_and_a_data_dir_restart(tmp_path: Path) -> None:
    folder = tmp_path / "seeds"
    folder.mkdir()
    content = example()
    models = {k: content[k] for k in ("datasets", "models")}
    rest = {k: content[k] for k in ("relationships", "segments")}  # refer to the models of the other file
    (folder / "1-models.json").write_text(json.dumps(models))
    (folder / "2-segments.json").write_text(json.dumps(rest))
    (folder / "notes.txt").write_text("not a seed file")
    state = tmp_path / "state"
    for _ in range(2):  # a restart on the same --data-dir keeps the state, and does not seed twice
        cli = start(tmp_path / "run", [*FAST, "--seed-file", str(folder), "--data-dir", str(state)])
        session = next(cli)
        try:
            assert [s["name"] for s in session.ok("segmentation", "segment", "list")["segments"]] == [
                "French prospects"]  # fmt: skip
            rows = session.ok("storage", "query", "execute", "SELECT count(*) AS n FROM gtm.contacts")["rows"]
            assert rows == [{"n": 3}]
            assert session.ok("orchestration", "tool", "list") == {"tools": []}
        finally:
            cli.close()
    shutil.copy(EXAMPLE, folder / "3-more.json")  # other files on the same state: refused
    done = run_sandbox("--seed-file", str(folder), "--data-dir", str(state))
    assert done.returncode == 2 and "already seeded" in json.loads(done.stdout)["errorMessage"]


def run_sandbox(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cargo_cli.sandbox", *args], capture_output=True, text=True,
                          timeout=120)  # fmt: skip


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "not valid JSON"),
        ("[]", "must be a JSON object"),
        ('{"model": []}', "model: Extra inputs are not permitted"),
        ('{"models": [{"slug": "x", "columns": [{"slug": "id", "type": "text"}]}]}',
         "models[0].columns[0].type: Input should be 'string'"),
        ('{"models": [{"slug": "x", "columns": []}]}', "models[0].columns: List should have at least 1 item"),
        ('{"models": [{"slug": "x", "columns": [{"slug": "id", "type": "number"}], "records": [{"id": 1}, {"id": "a"}]}]}',
         'models[0] (crm.x).records[1]: id must be a number, not "a"'),
        ('{"models": [{"slug": "x", "columns": [{"slug": "id", "type": "string"}], "records": [{"id": "1", "nam": 2}]}]}',
         "records[0]: nam not in the model's columns"),
        ('{"models": [{"dataset": "nope", "slug": "x", "columns": [{"slug": "id", "type": "string"}]}]}',
         "no dataset 'nope'"),
        ('{"segments": [{"model": "crm.ghost", "name": "S"}]}', "segments[0]: no model 'crm.ghost'"),
        ('{"models": [{"slug": "x", "columns": [{"slug": "id", "type": "string"}]}], "segments": [{"model": "crm.x", '
         '"name": "S", "filter": {"conjonction": "xor", "groups": []}}]}', "segments[0] (S): Invalid filter."),
        ('{"tools": [{"name": "T", "nodes": [{"slug": "start"}]}]}', "tools[0] (T): Invalid nodes"),
    ],
)  # fmt: skip
def test_an_invalid_seed_file_is_one_json_line_and_exit_2(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "seed.json"
    path.write_text(content)
    done = run_sandbox("--seed-file", str(path))
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stdout.count("\n") == 1 and "Traceback" not in done.stderr
    error = json.loads(done.stdout)["errorMessage"]
    assert error.startswith(f"Invalid --seed-file: {path}: ") and message in error, error


def test_a_missing_seed_file_or_an_empty_directory_is_exit_2(tmp_path: Path) -> None:
    for target, message in ((tmp_path / "nope.json", "no such seed file"), (tmp_path, "holds no .json")):
        done = run_sandbox("--seed-file", str(target))
        assert done.returncode == 2 and message in json.loads(done.stdout)["errorMessage"]
