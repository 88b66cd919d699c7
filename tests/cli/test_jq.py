"""--jq: real jq on every JSON result, before or after the command; gh's
output rules; the whole --all array as one input; errors never filtered; a
bad expression is exit 2 before anything is sent; the library loads only
when the flag is given."""

from __future__ import annotations

import json
import subprocess
import sys

import httpx
import pytest

from cargo_cli import output
from cargo_cli.cli.jq import compile_filter
from cargo_cli.errors import CargoError, UsageError
from tests.helpers import UUID1

RUNS = {"runs": [{"uuid": "r1", "status": "success", "n": 1}, {"uuid": "r2", "status": "error", "n": 2}]}
LIST = ["orchestration", "run", "list", "--workflow-uuid", UUID1]


def test_compile_filter_runs_real_jq():
    run = compile_filter('[.runs[] | select(.status == "error") | .uuid]')
    assert run(RUNS) == [["r2"]]
    assert compile_filter(".runs[].n")(RUNS) == [1, 2]
    assert compile_filter("empty")(RUNS) == []


def test_a_bad_expression_is_a_usage_error_on_one_line():
    with pytest.raises(UsageError) as caught:
        compile_filter(".a[")
    assert caught.value.exit_code == 2
    assert "\n" not in caught.value.message and "syntax error" in caught.value.message


def test_a_runtime_error_is_exit_1():
    with pytest.raises(CargoError) as caught:
        compile_filter(".a.b")({"a": 1})
    assert caught.value.exit_code == 1 and "Cannot index number" in caught.value.message


@pytest.mark.parametrize("where", ["before", "after"])
def test_jq_before_or_after_the_command(cli, api, where):
    api.post("/orchestration/runs/list").respond(json=RUNS)
    argv = ["--jq", ".runs[].uuid", *LIST] if where == "before" else [*LIST, "--jq", ".runs[].uuid"]
    result = cli(*argv)
    assert result.code == 0, result.out
    assert result.out == "r1\nr2\n"  # strings raw, each on its own line


def test_non_strings_are_one_line_json_each(cli, api):
    api.post("/orchestration/runs/list").respond(json=RUNS)
    result = cli(*LIST, "--jq", ".runs[] | {uuid, n}", "--jq", ".runs[] | {uuid, n}")
    assert result.out.splitlines() == ['{"uuid":"r1","n":1}', '{"uuid":"r2","n":2}']
    result = cli(*LIST, "--jq", ".runs | length")
    assert result.out == "2\n"


def test_all_filters_the_whole_array(cli, api):
    pages = [
        {"runs": [{"uuid": f"r{n}"} for n in range(start, start + size)]} for start, size in ((0, 3), (3, 1))
    ]
    api.post("/orchestration/runs/list").mock(side_effect=[httpx.Response(200, json=p) for p in pages])
    result = cli(*LIST, "--all", "--limit", "3", "--jq", "length")
    assert (result.code, result.out) == (0, "4\n")  # the total, not one count per page


def test_a_bad_expression_sends_nothing(cli, api):
    route = api.post("/orchestration/runs/list").respond(json=RUNS)
    for argv in (["--jq", ".runs[", *LIST], [*LIST, "--jq", "}"]):
        result = cli(*argv)
        assert result.code == 2
        assert "Invalid --jq expression" in result.json["errorMessage"]
    assert not route.called


def test_a_runtime_error_prints_the_error_object(cli, api):
    api.post("/orchestration/runs/list").respond(json=RUNS)
    result = cli(*LIST, "--jq", ".runs.x")
    assert result.code == 1
    assert "Cannot index array" in result.json["errorMessage"]


def test_error_objects_are_never_filtered(cli, api):
    api.post("/orchestration/runs/list").respond(404, json={"errorMessage": "no such workflow"})
    result = cli(*LIST, "--jq", ".runs[].uuid")
    assert result.code == 1
    assert result.json["errorMessage"] == "no such workflow"
    usage = cli("orchestration", "run", "list", "--jq", ".")  # missing --workflow-uuid
    assert usage.code == 2 and "errorMessage" in usage.json


def test_jq_on_top_level_commands(cli):
    result = cli("version", "--jq", ".version")
    assert result.out.strip() and not result.out.startswith("{")
    assert cli("--jq", "keys", "version").out == '["version"]\n'


def test_jq_on_a_plain_text_answer_gets_the_text_as_a_string():
    output.begin()
    output.set_filter(compile_filter("length"))
    try:
        captured = []
        original = output._write
        output._write = captured.append  # type: ignore[assignment]
        output.emit_text("abc\n")
    finally:
        output._write = original  # type: ignore[assignment]
        output.begin()
    assert captured == [b"4\n"]


def test_jq_refuses_output_to_stdout(cli, api):
    route = api.post("/orchestration/runs/download").respond(json={"url": "https://files.example/x"})
    result = cli("orchestration", "run", "download", "--workflow-uuid", UUID1, "--output", "-", "--jq", ".")
    assert result.code == 2, result.out
    assert not route.called


@pytest.mark.parametrize("argv", [["--help"], ["whoami", "--help"], ["version"]])
def test_the_library_loads_only_with_the_flag(argv):
    code = (
        "import sys\nfrom cargo_cli.main import main\n"
        f"main({argv!r})\n"
        "sys.stdout.flush()\n"
        "print(json.dumps(['jq' in sys.modules]), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", "import json\n" + code],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert json.loads(done.stderr.strip().splitlines()[-1]) == [False]
    with_flag = subprocess.run(
        [sys.executable, "-c", "import json, sys\nfrom cargo_cli.main import main\nmain(['--jq', '.', 'version'])\n"
         "print(json.dumps(['jq' in sys.modules]), file=sys.stderr)"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert json.loads(with_flag.stderr.strip().splitlines()[-1]) == [True]


@pytest.mark.parametrize(
    "expression",
    [
        'import "credentials" as $c; $c',
        'include "x"; .',
        '  # a comment\n import "a" as $a; .',
        "module {}; .",
    ],
)
def test_module_directives_are_refused(expression):
    """`import "x" as $x` would read x.json beside the working directory."""
    with pytest.raises(UsageError) as caught:
        compile_filter(expression)
    assert "module directives" in caught.value.message


def test_a_file_beside_the_working_directory_is_not_read(cli, api, tmp_path, monkeypatch):
    (tmp_path / "creds.json").write_text('{"accessToken": "cgo_stored_secret"}')
    monkeypatch.chdir(tmp_path)
    result = cli("version", "--jq", 'import "creds" as $c; $c')
    assert result.code == 2 and "cgo_stored_secret" not in result.out


def test_words_in_strings_are_fine():
    assert compile_filter('"import" | length')(None) == [6]
    assert compile_filter('.x // "include"')({}) == ["include"]


def test_the_token_is_out_of_the_filter_s_reach(cli, api):
    import os

    from tests.helpers import TOKEN

    api.post("/orchestration/runs/list").respond(json=RUNS)
    result = cli(
        *LIST, "--jq", "$ENV.CARGO_API_TOKEN, env.CARGO_API_TOKEN, (env.CARGO_API_TOKEN | stderr | 1)"
    )
    assert result.code == 0, result.out
    assert TOKEN not in result.out + result.err
    assert result.out.splitlines() == ["null", "null", "1"]
    assert os.environ["CARGO_API_TOKEN"] == TOKEN  # back once the filter ran


def test_a_registered_secret_is_scrubbed_from_filter_output(capsys):
    output.begin()
    output.register_secret("cgo_registered_secret")
    output.set_filter(lambda value: [value, {"t": value}])
    try:
        output.emit("cgo_registered_secret")
    finally:
        output.begin()
    assert capsys.readouterr().out == '***\n{"t":"***"}\n'
