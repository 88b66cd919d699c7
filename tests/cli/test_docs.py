"""`cargo-ai docs [TOPIC]`: the documentation a pip/pipx user has (shipped in
the wheel as cargo_cli/docs; read from docs/ in a source checkout)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from cargo_cli.cli.docs import docs_dir

ROOT = Path(__file__).resolve().parents[2]


def test_lists_every_page_as_json(cli):
    result = cli("docs")
    assert result.code == 0
    topics = {t["topic"]: t["title"] for t in result.json["topics"]}
    assert set(topics) == {p.stem for p in (ROOT / "docs").glob("*.md")}
    assert topics["exit-codes"] == "Output and exit codes"
    assert "usability" in topics


def test_prints_a_page_verbatim(cli):
    result = cli("docs", "exit-codes")
    assert result.code == 0
    assert result.out == (ROOT / "docs" / "exit-codes.md").read_text()
    assert cli("docs", "exit-codes.md").out == result.out


def test_unknown_topic_suggests(cli):
    result = cli("docs", "exit-code")
    assert result.code == 2
    assert result.json["errorMessage"].startswith("No such topic 'exit-code'. Did you mean 'exit-codes'?")


def test_the_wheel_ships_the_docs_where_the_command_reads_them():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    wheel = config["tool"]["hatch"]["build"]["targets"]["wheel"]
    assert wheel["force-include"] == {"docs": "cargo_cli/docs"}
    assert docs_dir() == ROOT / "docs"  # a source checkout: not installed as a wheel
    assert config["project"]["urls"]["Homepage"].startswith("https://")
