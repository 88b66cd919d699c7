"""The agent and script toolkit, end to end: the installed cargo-ai against
a real sandbox, as docs/agents.md shows it: --jq on a list, `--all --jq
length` is the record count, --ndjson prints one line per record, --dry-run
sends nothing (the sandbox logs no request), and `cargo-ai commands` names
every leaf of the click tree."""

from __future__ import annotations

import json

from cargo_cli.sandbox import seed
from tests.cli.tree import leaves
from tests.e2e.sandbox.conftest import Cli

RECORDS = ["storage", "record", "list", "--model-uuid", seed.COMPANIES]


def requests_logged(cli: Cli) -> int:
    return sum(1 for line in cli.log.read_text().splitlines() if " /v1/" in line)


def test_jq_on_a_list(cli: Cli) -> None:
    models = cli.ok("storage", "model", "list")["models"]
    done = cli("storage", "model", "list", "--jq", ".models[].slug")
    assert done.code == 0, done.stdout
    assert done.stdout.splitlines() == [model["slug"] for model in models]  # raw strings, one per line
    before = cli("--jq", ".models | map({slug, uuid}) | .[0]", "storage", "model", "list")
    assert json.loads(before.stdout) == {"slug": models[0]["slug"], "uuid": models[0]["uuid"]}


def test_all_jq_length_is_the_record_count(cli: Cli) -> None:
    done = cli(*RECORDS, "--all", "--jq", "length")
    assert done.code == 0, done.stdout
    assert done.stdout == f"{seed.COMPANY_COUNT}\n"  # one number, over every page
    one_page = cli(*RECORDS, "--jq", ".records | length")
    assert int(one_page.stdout) < seed.COMPANY_COUNT  # the filter saw the whole array, not a page


def test_ndjson_line_count_is_the_record_count(cli: Cli) -> None:
    done = cli(*RECORDS, "--all", "--ndjson")
    assert done.code == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == seed.COMPANY_COUNT
    records = [json.loads(line) for line in lines]
    assert len({record["id"] for record in records}) == seed.COMPANY_COUNT
    assert cli(*RECORDS, "--all", "--ndjson", "--jq", ".id").stdout.splitlines() == [r["id"] for r in records]


def test_dry_run_sends_nothing(cli: Cli) -> None:
    before = requests_logged(cli)
    cases = [
        ["orchestration", "run", "create", "--workflow-uuid", seed.PLAY_WORKFLOW, "--data",
         '{"domain":"acme.com"}', "--wait-until-finished", "--dry-run"],
        ["--dry-run", *RECORDS, "--all", "--ndjson"],
        ["--dry-run", "whoami"],
        ["--dry-run", "api", "DELETE", f"/v1/storage/models/{seed.COMPANIES}"],
    ]  # fmt: skip
    for argv in cases:
        done = cli(*argv)
        assert done.code == 0, done.stdout
        assert done.out["dryRun"] is True
        assert done.out["request"]["url"].startswith(cli.sbx.url + "/v1/")
        assert done.out["request"]["headers"]["authorization"] == "Bearer ***"
        assert cli.sbx.token not in done.stdout
    assert requests_logged(cli) == before  # the sandbox received none of them
    assert cli.ok("storage", "model", "get", seed.COMPANIES)["model"]["uuid"] == seed.COMPANIES  # not deleted
    assert requests_logged(cli) == before + 1


def test_commands_names_every_leaf_of_the_click_tree(cli: Cli) -> None:
    document = cli.ok("commands")
    paths = [command["path"] for command in document["commands"]]
    assert sorted(paths) == sorted(path for path, _, _ in leaves())
    assert document["cli"]["name"] == "cargo-ai"
    listed = cli("commands", "orchestration", "run", "--jq", ".commands[].path")
    assert listed.stdout.splitlines() == [p for p in paths if p.startswith("orchestration run ")]
    assert cli("commands", "orchestraton").code == 2
