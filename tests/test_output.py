"""cargo_cli.output: the stdout stream rules (UTF-8 bytes, one failure then
silence, spooled arrays, the created uuid, the stderr hint)."""

from __future__ import annotations

import io
import json
import sys

import pytest

from cargo_cli import output
from cargo_cli.errors import OutputClosedError


@pytest.fixture(autouse=True)
def fresh() -> None:
    output.begin()


def test_emit_array_is_json_dumps_of_the_list(capsys):
    items = [{"a": 1, "b": [1, 2]}, "é", None]
    assert output.emit_array(iter(items)) == 3
    assert capsys.readouterr().out == json.dumps(items, indent=2, ensure_ascii=False) + "\n"
    assert output.emit_array(iter([])) == 0
    assert capsys.readouterr().out == "[]\n"


def test_emit_array_spools_to_a_file_past_the_memory_limit(capsys, monkeypatch):
    import tempfile

    opened: list[object] = []
    real = tempfile.TemporaryFile

    def watching(*args: object, **kwargs: object) -> object:
        opened.append(real(*args, **kwargs))  # type: ignore[call-overload]
        return opened[-1]

    monkeypatch.setattr(tempfile, "TemporaryFile", watching)
    output.emit_array({"n": i} for i in range(3))  # small: memory only
    assert opened == []
    monkeypatch.setattr(output, "SPOOL_MEMORY", 100)
    output.emit_array({"n": i} for i in range(50))
    assert len(opened) == 1 and opened[0].closed  # type: ignore[attr-defined]
    out = capsys.readouterr().out
    assert json.loads(out.split("]\n", 1)[1]) == [{"n": i} for i in range(50)]


def test_a_failing_item_leaves_stdout_empty(capsys):
    def items():
        yield {"a": 1}
        raise RuntimeError("page 2")

    with pytest.raises(RuntimeError):
        output.emit_array(items())
    assert capsys.readouterr().out == ""


def test_created_things_are_named_by_later_errors(capsys):
    output.emit_error({"errorMessage": "before"})
    output.remember("runUuid", "r1")
    output.remember("batchUuid", None)  # nothing created: nothing named
    output.emit_error({"errorMessage": "after", "status": 500})
    first, second = capsys.readouterr().out.split("}\n{")
    assert json.loads(first + "}") == {"errorMessage": "before"}
    assert json.loads("{" + second) == {"errorMessage": "after", "status": 500, "runUuid": "r1"}


class Full(io.BytesIO):
    def write(self, data: object) -> int:
        raise OSError(28, "No space left on device")


def test_stdout_fails_once_then_stays_silent(monkeypatch):
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(Full()))
    with pytest.raises(OutputClosedError, match="No space left on device"):
        output.emit({"a": 1})
    with pytest.raises(OutputClosedError):
        output.emit({"a": 2})
    output.emit_error({"errorMessage": "not attempted"})  # no second failure


def test_closed_stdout(monkeypatch):
    monkeypatch.setattr(sys, "stdout", None)
    with pytest.raises(OutputClosedError, match="stdout is closed") as caught:
        output.emit_text("1.0")
    assert not caught.value.broken_pipe


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("out_tty", "err_tty", "hint"), [(False, True, True), (False, False, False), (True, True, False)]
)
def test_stderr_hint_only_when_stdout_is_redirected_and_stderr_is_a_terminal(
    monkeypatch, out_tty, err_tty, hint
):
    out, err = (Tty() if out_tty else io.StringIO()), (Tty() if err_tty else io.StringIO())
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    output.emit_error({"errorMessage": "Not logged in.\nRun login."})
    assert json.loads(out.getvalue()) == {"errorMessage": "Not logged in.\nRun login."}
    assert err.getvalue() == ("Error: Not logged in. Run login.\n" if hint else "")


# -- --ndjson and --jq ------------------------------------------------------------
def test_emit_ndjson_writes_each_item_before_the_next_is_made(capsys):
    seen: list[str] = []

    def items():
        for n in range(3):
            seen.append(capsys.readouterr().out)
            yield {"n": n, "s": "é"}

    assert output.emit_ndjson(items()) == 3
    assert seen == ["", '{"n":0,"s":"é"}\n', '{"n":1,"s":"é"}\n']
    assert capsys.readouterr().out == '{"n":2,"s":"é"}\n'
    output.emit_error({"errorMessage": "later"})  # once done, nothing about records
    assert "recordsPrinted" not in capsys.readouterr().out


def test_emit_ndjson_a_failure_names_the_records_printed_on_one_line(capsys):
    def items():
        yield {"n": 0}
        yield {"n": 1}
        raise RuntimeError("page 2")

    with pytest.raises(RuntimeError):
        output.emit_ndjson(items())
    output.emit_error({"errorMessage": "boom", "status": 500})
    lines = capsys.readouterr().out.splitlines()
    assert lines[:2] == ['{"n":0}', '{"n":1}']
    assert json.loads(lines[2]) == {"errorMessage": "boom", "status": 500, "recordsPrinted": 2}
    assert len(lines) == 3


def test_the_filter_prints_strings_raw_and_the_rest_on_one_line(capsys):
    output.set_filter(lambda value: [value["a"], value["b"], None, [1, 2]])
    output.emit({"a": "x y", "b": {"c": "é"}})
    assert capsys.readouterr().out == 'x y\n{"c":"é"}\nnull\n[1,2]\n'


def test_the_filter_sees_the_whole_streamed_array(capsys):
    output.set_filter(lambda value: [len(value)])
    assert output.emit_array(iter(range(250))) == 250
    assert capsys.readouterr().out == "250\n"


def test_errors_are_never_filtered(capsys):
    output.set_filter(lambda value: ["filtered"])
    output.emit_error({"errorMessage": "no"})
    assert json.loads(capsys.readouterr().out) == {"errorMessage": "no"}


def test_begin_drops_the_filter(capsys):
    output.set_filter(lambda value: ["filtered"])
    output.begin()
    assert not output.filtering()
    output.emit({"a": 1})
    assert json.loads(capsys.readouterr().out) == {"a": 1}


def test_emit_array_formats_exactly_like_json_dumps_on_random_values(capsys):
    """The fast indenting encoder of --all is json.dumps(indent=2, ensure_ascii=False), byte for byte."""
    import random

    rng = random.Random(16)
    scalars = [None, True, False, 0, 1, -3, 2**70, 1.5, 1e16, -0.0, 1e-7, float("nan"), float("inf"), "",
               "a\nb", 'é\u2028"\\', "\x00"]  # fmt: skip

    def value(depth=0):
        roll = rng.random()
        if depth > 3 or roll < 0.5:
            return rng.choice(scalars)
        if roll < 0.75:
            return [value(depth + 1) for _ in range(rng.randrange(4))]
        keys = ["a", "é", 'k"', "\n", 1, None, True] if roll > 0.97 else ["a", "é", 'k"', "\n"]
        return {(k if not isinstance(k, str) else f"{k}{i}"): value(depth + 1) for i, k in
                enumerate(rng.choice(keys) for _ in range(rng.randrange(4)))}  # fmt: skip

    items = [value() for _ in range(3000)]
    capsys.readouterr()
    assert output.emit_array(iter(items)) == len(items)
    assert capsys.readouterr().out == json.dumps(items, indent=2, ensure_ascii=False) + "\n"
