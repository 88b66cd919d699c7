"""The shell emulator of ``context runtime execute`` over a plain tree (the
route end to end: tests/sandbox/routes/test_context.py)."""

from __future__ import annotations

import pytest

from cargo_cli.sandbox.shell import Shell, ShellUsageError, directories_of, parse

FILES = {
    "README.md": "# Notes\nalpha\nbeta\ngamma\n",
    "docs/a.md": "Alpha one\nalpha two\n",
    "docs/deep/b.txt": "nothing\n",
    "-dash.md": "a file whose name looks like an option\n",
}
COMMITS = [
    {"sha": "b" * 40, "shortSha": "bbbbbbb", "message": "Second", "createdAt": "2025-01-02",
     "changes": [{"path": "docs/a.md"}], "tree": {"docs/a.md": "docs/a.md"}},
    {"sha": "a" * 40, "shortSha": "aaaaaaa", "message": "First", "createdAt": "2025-01-01",
     "changes": [{"path": "README.md"}], "tree": {"README.md": "README.md"}},
]  # fmt: skip


def resolve(raw: str) -> str | None:
    parts = [p for p in raw.split("/") if p not in ("", ".")]
    return None if ".." in parts else "/".join(parts)


def run(program: str, *argv: str) -> dict[str, object]:
    tree = {path: path for path in FILES}  # the "sha" of a file is its path here
    shell = Shell(tree, read=FILES.__getitem__, history=lambda: list(COMMITS), resolve=resolve)
    return shell.run(program, list(argv))


def out(program: str, *argv: str) -> object:
    answer = run(program, *argv)
    assert answer["exitCode"] == 0, answer
    return answer["stdout"]


def test_directories_of_a_tree():
    assert directories_of({"a/b/c.md": "x", "d.md": "y"}) == {"", "a", "a/b"}


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["-rli", "x"], ({"r", "l", "i"}, {}, ["x"])),
        (["x", "-n", "y"], ({"n"}, {}, ["x", "y"])),  # options among the operands (GNU)
        (["-e", "p", "-ep2", "x"], (set(), {"e": "p2"}, ["x"])),  # the last value wins
        (["-r", "--", "-i", "x"], ({"r"}, {}, ["-i", "x"])),  # -- ends the options
        (["-", "x"], (set(), {}, ["-", "x"])),  # a lone dash is an operand
    ],
)
def test_parse_is_gnu_getopt(argv, expected):
    assert parse(argv, "rlin", "e") == expected


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["-5", "f"], {"n": "5"}),
        (["-n", "5", "f"], {"n": "5"}),
        (["-n5", "f"], {"n": "5"}),
        (["-n", "-5", "f"], {"n": "-5"}),  # the value of -n stays as given
        (["f", "-2"], {"n": "2"}),
    ],
)
def test_a_dash_number_is_a_count_where_n_takes_a_value(argv, expected):
    assert parse(argv, "", "n")[1] == expected
    assert parse(["--", "-5"], "", "n")[2] == ["-5"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["-Z"], "invalid option -- 'Z'"),
        (["--color"], "unrecognized option '--color'"),
        (["-e"], "option requires an argument -- 'e'"),
    ],
)
def test_parse_errors_read_like_gnu(argv, message):
    with pytest.raises(ShellUsageError, match=message):
        parse(argv, "r", "e")


def test_ls():
    assert out("ls") == "-dash.md\nREADME.md\ndocs/\n"
    assert out("ls", "-1", "docs") == "a.md\ndeep/\n"  # -1 is a flag of ls, not a count
    assert out("ls", "docs", "-l").splitlines() == ["-rw-r--r--       20 a.md", "drw-r--r--        0 deep/"]
    assert run("ls", "nope")["exitCode"] == 2


def test_head_tail_counts():
    assert out("head", "-2", "README.md") == "# Notes\nalpha\n"
    assert out("head", "README.md", "-n", "1") == "# Notes\n"
    assert out("tail", "-n1", "README.md") == "gamma\n"
    assert out("tail", "-0", "README.md") == ""
    bad = run("head", "-n", "x", "README.md")
    assert (bad["exitCode"], bad["stderr"]) == (2, "head: invalid number of lines: 'x'\n")


def test_cat_takes_no_options_but_reads_a_dash_file_after_double_dash():
    assert out("cat", "--", "-dash.md") == FILES["-dash.md"]
    refused = run("cat", "-dash.md")
    assert (refused["exitCode"], refused["stderr"]) == (2, "cat: invalid option -- 'd'\n")


def test_wc_and_grep():
    assert out("wc", "-lw", "README.md") == "4 5 README.md\n"
    assert out("grep", "-ri", "alpha", "docs") == "docs/a.md:Alpha one\ndocs/a.md:alpha two\n"
    assert out("grep", "alpha", "docs/a.md", "-n") == "2:alpha two\n"
    assert out("grep", "-c", "-e", "a", "README.md") == "3\n"
    assert run("grep", "--", "-x", "README.md")["exitCode"] == 1  # a pattern that starts with a dash
    assert run("grep", "-Z", "x", "README.md")["stderr"] == "grep: invalid option -- 'Z'\n"


def test_git_log_counts_and_oneline():
    assert out("git", "log", "--oneline") == "bbbbbbb Second\naaaaaaa First\n"
    assert out("git", "log", "-1", "--oneline") == "bbbbbbb Second\n"
    assert out("git", "log", "--oneline", "-n", "5", "--", "README.md") == "aaaaaaa First\n"
    assert out("git", "log", "-n1").startswith(f"commit {'b' * 40}\nDate:   2025-01-02\n\n    Second\n")
    assert run("git", "log", "--stat")["stderr"] == "git: unrecognized option '--stat'\n"
    assert out("git", "show", "aaaa:README.md") == FILES["README.md"]


def test_find_keeps_its_own_grammar():
    assert out("find", "docs", "-name", "*.txt") == "docs/deep/b.txt\n"
    assert out("find", ".", "-type", "d") == ".\n./docs\n./docs/deep\n"


def test_unknown_program():
    answer = run("python3", "-c", "1")
    assert answer["exitCode"] == 127
    assert (
        answer["stderr"]
        == "python3: command not found (emulated: cat, echo, find, git, grep, head, ls, pwd, tail, wc)\n"
    )
