"""Help that teaches: every leaf command has an Examples section whose
examples resolve to that command with flags it has; every positional is
described; no internal endpoint names; no token (JSON) broken across lines;
the root help lists every environment variable; the examples are on the rows."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys

import click
import httpx

from cargo_cli.cli.help import ENVIRONMENT, HelpCommand, fill
from cargo_cli.cli.root import cli as root
from tests.cli.tree import leaves

ROOT_CTX = root.context_class(root, info_name="cargo-ai")
LEAVES = list(leaves(root, ROOT_CTX))
IDS = [path for path, _, _ in LEAVES]


def test_the_tree_has_every_leaf():
    assert len(LEAVES) >= 148  # 146 domain leaves + completion + docs (more as domains are added)


def _command_words(example: str) -> list[str]:
    """The cargo-ai invocation of a shell example line (after a pipe, before
    a redirection)."""
    words = shlex.split(example.split(" | ")[-1])
    if ">" in words:
        words = words[: words.index(">")]
    return words


def _resolve(words: list[str]) -> tuple[click.Command, list[str], str]:
    assert words[0] == "cargo-ai"
    command: click.Command = root
    ctx = ROOT_CTX
    rest = words[1:]
    path = []
    while isinstance(command, click.Group):
        assert rest, f"{' '.join(words)}: stops at a group"
        sub = command.get_command(ctx, rest[0])
        assert sub is not None, f"{' '.join(words)}: no command {rest[0]!r}"
        path.append(rest.pop(0))
        ctx = sub.context_class(sub, info_name=path[-1], parent=ctx)
        command = sub
    return command, rest, " ".join(path)


def _check_arguments(command: click.Command, ctx: click.Context, rest: list[str], example: str) -> None:
    options = {opt: p for p in command.params if isinstance(p, click.Option) for opt in p.opts}
    positionals: list[str] = []
    index = 0
    while index < len(rest):
        word = rest[index]
        if word.startswith("-") and word != "-":
            flag = word.split("=", 1)[0] if word.startswith("--") else word
            assert flag in options, f"{example}: {command.name} has no {flag}"
            if not options[flag].is_flag and "=" not in word:
                index += 1
                assert index < len(rest), f"{example}: {flag} needs a value"
        else:
            positionals.append(word)
        index += 1
    given = {word.split("=", 1)[0] for word in rest}
    missing = [
        p.opts[0]
        for p in command.params
        if isinstance(p, click.Option) and p.required and not given & set(p.opts)
    ]
    assert not missing, f"{example}: lacks required {missing}"
    arguments = [p for p in command.params if isinstance(p, click.Argument)]
    required = sum(1 for a in arguments if a.required and a.nargs != -1)
    variadic = any(a.nargs == -1 for a in arguments)
    assert len(positionals) >= required, f"{example}: {len(positionals)} positionals, needs {required}"
    assert variadic or len(positionals) <= len(arguments), f"{example}: too many positionals"
    command.make_context(
        command.name, list(rest), parent=ctx.parent, resilient_parsing=True
    )  # click parses it


def _each_leaf(check) -> None:
    """Run ``check`` on every leaf; report every failing command at once
    (one test, not 150: the suite stays fast)."""
    failures = []
    for path, command, ctx in LEAVES:
        try:
            check(path, command, ctx)
        except AssertionError as exc:
            failures.append(f"{path}: {exc}")
    assert failures == []


def test_every_leaf_has_examples_that_parse():
    _each_leaf(_examples_parse)


def _examples_parse(path, command, ctx):
    help_text = command.get_help(ctx)
    assert "\nExamples:\n" in help_text, path
    examples = command.examples
    assert examples, path
    for example in examples:
        assert f"\n  {example}\n" in help_text + "\n"  # verbatim, on one line
        target, rest, target_path = _resolve(_command_words(example))
        assert target_path == path, f"{example} is not an example of {path}"
        _check_arguments(target, ctx, rest, example)


def test_every_positional_is_described():
    _each_leaf(_positionals_described)


def _positionals_described(path, command, ctx):
    help_text = command.get_help(ctx)
    arguments = [p for p in command.params if isinstance(p, click.Argument)]
    if not arguments:
        assert "\nArguments:\n" not in help_text
        return
    section = help_text.split("\nArguments:\n", 1)[1].split("\n\n", 1)[0]
    for argument in arguments:
        metavar = argument.make_metavar(ctx)
        line = next((line for line in section.splitlines() if line.strip().startswith(metavar)), None)
        assert line is not None, f"{path}: {metavar} not described"
        assert len(line.strip()) > len(metavar) + 5, line


INTERNAL = re.compile(
    r"(?<![/.@{\w-])[a-z]+[A-Za-z]*\.[a-z][A-Za-z]*\.[a-z][A-Za-z]*\b"
)  # not in a URL or a {{template}}


def test_no_internal_names_and_no_broken_tokens():
    _each_leaf(_no_internal_names_no_broken_tokens)


# `api` takes the vendor client's call names (domain.area.method) as its argument.
TAKES_CALL_NAMES = {"api"}


def _no_internal_names_no_broken_tokens(path, command, ctx):
    help_text = command.get_help(ctx)
    assert path in TAKES_CALL_NAMES or not INTERNAL.findall(
        help_text.replace("cargo-ai/credentials.json", "")
    ), path
    sources = [command.help or "", command.epilog or ""]
    sources += [p.help or "" for p in command.params if isinstance(p, click.Option) and not p.hidden]
    tokens = {token for text in sources for token in text.split() if len(token) > 8}
    broken = sorted(token for token in tokens if token not in help_text)
    assert broken == [], f"{path}: tokens wrapped across lines: {broken}"


def test_segment_fetch_filter_json_stays_whole(cli):
    result = cli("segmentation", "segment", "fetch", "--help")
    assert result.code == 0
    whole = '{"conjonction":"and","groups":[{"conjonction":"and","conditions":[...]}]}'
    assert whole in result.out
    for line in result.out.splitlines():
        for token in re.findall(r"'(\{.*?\})'", line):
            import json

            json.loads(token)  # every quoted JSON example is whole and valid


def test_root_help_lists_every_environment_variable(cli):
    result = cli("--help")
    assert result.code == 0
    environment = result.out.split("\nEnvironment:\n", 1)[1]
    names = [name for name, _ in ENVIRONMENT]
    for name in (
        "CARGO_API_TOKEN", "CARGO_API_URL", "CARGO_WORKSPACE_UUID", "CARGO_TIMEOUT",
        "CARGO_MAX_RETRIES", "CARGO_NO_KEYRING", "CARGO_DEBUG", "NO_COLOR",
    ):  # fmt: skip
        assert name in names
        assert re.search(rf"^  {name} +\S", environment, re.M), name
    assert "cargo-ai docs" in result.out
    assert "docs/exit-codes.md" not in result.out  # a path a pip user does not have


def test_every_leaf_carries_its_examples_on_its_row():
    for path, command, _ in LEAVES:
        assert isinstance(command, HelpCommand), path
        assert command.examples and all(isinstance(e, str) for e in command.examples), path
        assert len(set(command.examples)) == len(command.examples), f"{path}: an example is repeated"
        assert all(e.split(" | ")[-1].startswith(f"cargo-ai {path}") for e in command.examples), path


def test_fill_never_breaks_a_token():
    long = '{"a":"' + "x" * 100 + '"}'
    text = fill(f"see --some-long-flag-name and {long} here", 30)
    assert long in text.splitlines()
    assert "--some-long-flag-name" in text
    assert fill("\b\nkeep  this\n  as is", 5) == "keep  this\n  as is"


def test_help_shows_the_rows_examples_in_a_fresh_process():
    code = "import sys\nfrom cargo_cli.main import main\nmain(sys.argv[1:])\n"
    run = [sys.executable, "-c", code]
    shown = subprocess.run(
        [*run, "whoami", "--help"], capture_output=True, text=True, timeout=60, check=False
    )
    assert shown.stdout.endswith("\nExamples:\n  cargo-ai whoami\n"), shown.stdout


PLACEHOLDER = re.compile(r"<[^<>]+>")
SOME_UUID = "2b7d6dfe-7b1b-5033-8deb-bd68852622df"
RELATIONSHIPS = json.dumps(
    [
        {
            "fromModelUuid": SOME_UUID,
            "fromColumnSlug": "company_id",
            "toModelUuid": SOME_UUID,
            "toColumnSlug": "id",
            "relation": "manyToOne",
        }
    ]
)


def test_examples_copied_verbatim_pass_the_local_checks(cli, api, tmp_path, monkeypatch):
    """Every help example, its placeholders filled in and its files present,
    gets past the checks made before a request (no exit 2): no exclusive
    flags together, no update without a field, no flag another one needs
    left out. Refusals (commands with no wire spec) are exit 2 by design."""
    api.route().mock(return_value=httpx.Response(400, json={"errorMessage": "stop here"}))
    monkeypatch.chdir(tmp_path)
    failures = []
    for _path, command, _ in LEAVES:
        for example in command.examples:
            words = _command_words(example)
            placeheld = {words[i - 1] for i, w in enumerate(words) if PLACEHOLDER.search(w) and i}
            words = [PLACEHOLDER.sub(SOME_UUID, w) for w in words]
            for word in words:
                if word.startswith("@"):
                    (tmp_path / word[1:]).write_text(RELATIONSHIPS if "relationships" in word else "{}")
                elif word.startswith("./"):
                    target = tmp_path / word[2:]
                    if "." in target.name:
                        target.write_text("id\n1\n")
                    else:
                        (target / "src").mkdir(parents=True, exist_ok=True)
                        (target / "src" / "index.ts").write_text("export default {}\n")
                        (target / "package.json").write_text('{"name": "x"}')
            stdin = "cgo_token\n" if example.startswith("echo ") else None
            result = cli(*words[1:], stdin=stdin)
            if result.code != 2:
                continue
            message = result.full_json["errorMessage"]
            if "is not available in this cargo-ai" in message:
                continue
            if any(f"'{flag}'" in message or f"in {flag}:" in message for flag in placeheld):
                continue  # the placeholder stands for a value of another type (JSON, a date)
            failures.append(f"{example}: {message}")
    assert "\n".join(failures) == ""
