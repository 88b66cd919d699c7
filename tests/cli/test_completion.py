"""`cargo-ai completion bash|zsh|fish` prints the script; the completion
protocol (_CARGO_AI_COMPLETE + COMP_WORDS/COMP_CWORD) completes domains,
areas, verbs, flags and enum values."""

from __future__ import annotations

import pytest

from cargo_cli.main import main


@pytest.mark.parametrize(
    ("shell", "marker"),
    [
        ("bash", "complete -o nosort -F _cargo_ai_completion cargo-ai"),
        ("zsh", "#compdef cargo-ai"),
        ("fish", "complete --no-files --command cargo-ai"),
    ],
)
def test_completion_prints_the_script(cli, shell, marker):
    result = cli("completion", shell)
    assert result.code == 0
    assert marker in result.out
    assert f"_CARGO_AI_COMPLETE={shell}_complete" in result.out.replace('"', "")


def test_unknown_shell_is_a_usage_error(cli):
    result = cli("completion", "powershell")
    assert result.code == 2
    assert "powershell" in result.json["errorMessage"]


def complete(monkeypatch, capsys, line: str, shell: str = "bash") -> list[str]:
    """What the shell would offer for ``line`` (the cursor at its end)."""
    words = line.split(" ")
    monkeypatch.setenv("_CARGO_AI_COMPLETE", f"{shell}_complete")
    monkeypatch.setenv("COMP_WORDS", line)
    monkeypatch.setenv("COMP_CWORD", str(len(words) - 1))
    capsys.readouterr()
    with pytest.raises(SystemExit) as done:
        main(words[1:])
    assert done.value.code == 0
    out = capsys.readouterr().out
    return [row.split(",", 1)[1] for row in out.splitlines() if row]


def test_domains(monkeypatch, capsys):
    got = complete(monkeypatch, capsys, "cargo-ai ")
    for name in ("orchestration", "storage", "workspaceManagement", "completion", "login"):
        assert name in got
    assert complete(monkeypatch, capsys, "cargo-ai wor") == ["workspaceManagement"]


def test_areas_and_verbs(monkeypatch, capsys):
    assert complete(monkeypatch, capsys, "cargo-ai orchestration re") == ["record", "release"]
    verbs = complete(monkeypatch, capsys, "cargo-ai orchestration run ")
    assert {"create", "get", "list", "cancel"} <= set(verbs)


def test_flags(monkeypatch, capsys):
    flags = complete(monkeypatch, capsys, "cargo-ai orchestration run list --")
    assert {"--workflow-uuid", "--limit", "--statuses", "--all"} <= set(flags)
    assert "--debug" not in flags  # hidden
    assert complete(monkeypatch, capsys, "cargo-ai orchestration run create --wait") == [
        "--wait-until-finished"
    ]


def test_enum_values(monkeypatch, capsys):
    assert complete(monkeypatch, capsys, "cargo-ai ai document create --kind ") == [
        "text",
        "code",
        "image",
        "sheet",
    ]
    assert complete(monkeypatch, capsys, "cargo-ai completion ") == ["bash", "zsh", "fish"]


def test_comma_separated_enum_values(monkeypatch, capsys):
    got = complete(monkeypatch, capsys, "cargo-ai segmentation change fetch --kinds added,u")
    assert got == ["added,updated", "added,unchanged"]


def test_zsh_protocol(monkeypatch, capsys):
    monkeypatch.setenv("_CARGO_AI_COMPLETE", "zsh_complete")
    monkeypatch.setenv("COMP_WORDS", "cargo-ai bill")
    monkeypatch.setenv("COMP_CWORD", "1")
    with pytest.raises(SystemExit):
        main(["bill"])
    assert capsys.readouterr().out.splitlines()[:2] == ["plain", "billing"]
