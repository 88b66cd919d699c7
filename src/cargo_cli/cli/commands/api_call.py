"""``cargo-ai api``: any call of the vendor client by name, or a raw request
under ``/v1``, in the spirit of ``gh api`` (docs/api-command.md).

    cargo-ai api orchestration.run.get -f uuid=<run-uuid>
    cargo-ai api storage.record.remove --data '{"modelUuid": "...", "id": "42"}'
    cargo-ai api GET /v1/orchestration/runs/<run-uuid>
    cargo-ai api --list run

Named calls run the call's generated resource method (api/resources: path
parameters, query/body placement and query serialization from the endpoint
record), uploads the API layer's upload; raw requests are built and sent
through the same request loop (``api.resources.raw_request``). All have the
auth, retries, deadline and error contract of every other command. Everything that can be checked
before sending (unknown name, missing path parameter, field the call does not
take, a path outside ``/v1``) is a usage error (exit 2) and nothing is sent.
"""

from __future__ import annotations

import difflib
import json
import math
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import click

from cargo_cli import output
from cargo_cli.cli.commands.auth import debug_option
from cargo_cli.cli.help import HelpCommand
from cargo_cli.cli.params import NULL, JsonType, read_text_source
from cargo_cli.cli.runtime import get_runtime
from cargo_cli.errors import UsageError

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
API_PREFIX = "/v1/"
UPLOAD_FIELD = "file"

# -- the endpoint table, read in one place ------------------------------------


@dataclass(frozen=True)
class EndpointView:
    """What ``cargo-ai api`` needs to know about one call of the table."""

    name: str
    method: str
    path: str  # under /v1, with {placeholders}
    path_fields: tuple[str, ...]  # payload fields that fill the placeholders
    fields: frozenset[str]  # payload fields sent in the query or the body
    forwards_unknown: bool  # the call sends any other field too
    upload: bool  # multipart/form-data with a file part
    with_workspace: bool  # sends the selected-workspace-uuid header
    reasons: Mapping[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "method": self.method,
            "path": "/v1" + self.path,
            "pathParams": list(self.path_fields),
        }


def endpoint_view(name: str) -> EndpointView | None:
    """The one place that reads a record of ``api.endpoints.ENDPOINTS``."""
    from cargo_cli.api.endpoints import ENDPOINTS

    entry = ENDPOINTS.get(name)
    if entry is None:
        return None
    fields = {p.name for p in entry.params if p.location in ("query", "body")}
    forwards = (entry.query and entry.query_forwards) or (entry.body and entry.body_forwards)
    if entry.method == "GET" and not entry.query:  # a GET sends no body
        fields.clear()
        forwards = False
    upload = entry.transport == "upload"
    if upload:  # the table does not list the form parts: every field is one
        forwards = True
    return EndpointView(
        name=name,
        method=entry.method,
        path=entry.path,
        path_fields=tuple(p.name for p in entry.located("path")),
        fields=frozenset(fields),
        forwards_unknown=forwards,
        upload=upload,
        with_workspace=entry.workspace,
        reasons=entry.reasons,
    )


def endpoint_names() -> list[str]:
    from cargo_cli.api.endpoints import ENDPOINTS

    return sorted(ENDPOINTS)


# -- fields ---------------------------------------------------------------------


@dataclass(frozen=True)
class FileRef:
    """``-F key=@path``: the file's text, or for an upload call the file itself."""

    path: str

    def text(self) -> str:
        return read_text_source("@" + self.path) if self.path != "-" else sys.stdin.read()


_KEY_RE = re.compile(r"^([^\[\]=]+)((?:\[[^\[\]]*\])*)$")
_NUMBER_RE = re.compile(r"^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$")


def typed_value(raw: str) -> Any:
    """``-F`` typing (as ``gh api -F``): true, false, null, JSON numbers, and
    ``@file`` / ``@-`` (read when sent); anything else stays a string."""
    literals: dict[str, Any] = {"true": True, "false": False, "null": None}
    if raw in literals:
        return literals[raw]
    if _NUMBER_RE.match(raw):
        if re.fullmatch(r"-?\d+", raw):
            return int(raw)
        number = float(raw)
        return number if math.isfinite(number) else raw  # 1e400 is not a JSON number
    if raw.startswith("@") and len(raw) > 1:
        return FileRef(raw[1:])
    return raw


def _key_path(key: str, flag: str) -> list[str]:
    """``a`` → [a]; ``a[b][c]`` → [a, b, c]; ``a[]`` → [a, ""] (append)."""
    match = _KEY_RE.match(key)
    if not match:
        raise UsageError(f"Invalid field name {key!r} in {flag}: use key, key[sub] or key[]")
    parts = [match.group(1), *re.findall(r"\[([^\[\]]*)\]", match.group(2))]
    if "" in parts[1:-1]:
        raise UsageError(f"Invalid field name {key!r} in {flag}: [] may only come last")
    return parts


def set_field(payload: dict[str, Any], key: str, value: Any, flag: str) -> None:
    parts = _key_path(key, flag)
    target: Any = payload
    for index, part in enumerate(parts[:-1]):
        child = target.get(part)
        wants_list = parts[index + 1] == ""
        if child is None:
            child = [] if wants_list else {}
            target[part] = child
        if wants_list != isinstance(child, list) or not isinstance(child, (dict, list)):
            raise UsageError(f"Field {key!r} in {flag} conflicts with another value of {parts[0]!r}")
        target = child
    last = parts[-1]
    if last == "":
        target.append(value)
    else:
        target[last] = value


def parse_fields(raw_fields: tuple[str, ...], typed_fields: tuple[str, ...]) -> list[tuple[str, Any, str]]:
    fields: list[tuple[str, Any, str]] = []
    for flag, values, convert in (("-f", raw_fields, str), ("-F", typed_fields, typed_value)):
        for item in values:
            key, sep, value = item.partition("=")
            if not sep or not key:
                raise UsageError(f"Invalid {flag} {item!r}: expected key=value")
            fields.append((key, convert(value), flag))
    return fields


def _resolve_files(value: Any, key: str) -> Any:
    if isinstance(value, FileRef):
        return value.text()
    if isinstance(value, dict):
        return {k: _resolve_files(v, f"{key}[{k}]") for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve_files(v, key) for v in value]
    return value


def build_payload(data: Any, fields: list[tuple[str, Any, str]], *, object_only: bool) -> Any:
    """``--data`` (JSON), then each ``-f``/``-F`` field set on top of it."""
    payload: Any = None if data is None or data is NULL else data
    if payload is not None and not isinstance(payload, (dict, list)):
        raise UsageError("--data must be a JSON object" + ("" if object_only else " or array"))
    if object_only and isinstance(payload, list):
        raise UsageError("--data must be a JSON object (the call's payload)")
    if fields:
        if isinstance(payload, list):
            raise UsageError("-f/-F fields need --data to be a JSON object, not an array")
        payload = dict(payload or {})
        for key, value, flag in fields:
            set_field(payload, key, value, flag)
    return payload


# -- named calls ------------------------------------------------------------------


def _unknown_name(name: str) -> UsageError:
    names = endpoint_names()
    lowered = {n.lower(): n for n in names}
    if name.lower() in lowered:  # only the case is wrong
        guesses = [lowered[name.lower()]]
    else:
        guesses = difflib.get_close_matches(name, names, n=3, cutoff=0.6)
    shown = ", ".join(guesses[:-1]) + " or " if len(guesses) > 1 else ""
    hint = f" Did you mean {shown}{guesses[-1]}?" if guesses else ""
    return UsageError(f"Unknown API call {name!r}.{hint} (see `cargo-ai api --list`)")


def _check_payload(view: EndpointView, payload: dict[str, Any]) -> None:
    missing = [f for f in view.path_fields if payload.get(f) in (None, "")]
    if missing:
        hints = " ".join(f"-f {f}=<value>" for f in missing)
        raise UsageError(f"{view.name} needs the path parameter(s) {', '.join(missing)}: pass {hints}")
    if view.forwards_unknown:
        return
    allowed = set(view.path_fields) | view.fields | ({UPLOAD_FIELD} if view.upload else set())
    unknown = sorted(set(payload) - allowed)
    if unknown:
        takes = ", ".join(sorted(allowed)) or "no fields"
        raise UsageError(f"{view.name} does not take {', '.join(unknown)} (it takes: {takes})")


def _upload(client: Any, view: EndpointView, payload: dict[str, Any]) -> Any:
    """A multipart upload call: ``-F file=@path`` plus plain form fields;
    the answer as it came."""
    from cargo_cli.api import uploads
    from cargo_cli.api.endpoints import endpoint_for

    ref = payload.pop(UPLOAD_FIELD, None)
    if not isinstance(ref, FileRef) or ref.path == "-":
        raise UsageError(f"{view.name} uploads a file: pass -F {UPLOAD_FIELD}=@path/to/file")
    source = Path(ref.path)
    if not source.is_file():
        raise UsageError(f"File not found: {source}")
    form = {key: _form_text(_resolve_files(value, key)) for key, value in payload.items()}
    return uploads.upload(client, endpoint_for(view.name), source, fields=form, unwrap=False)


def _form_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def call_named(client_of: Any, name: str, payload: Any) -> Any:
    view = endpoint_view(name)
    if view is None:
        raise _unknown_name(name)
    payload = dict(payload or {})
    _check_payload(view, payload)
    if view.upload:
        return _upload(client_of(), view, payload)
    from cargo_cli.api.resources import NO_CHECK, call_method, method_for

    # The command's own checks above are the contract (gh api sends what it is given).
    return call_method(method_for(view.name), client_of, _resolve_files(payload, "--data"), check=NO_CHECK)


# -- raw requests -------------------------------------------------------------------


def check_raw_path(path: str) -> str:
    """The path under ``/v1`` a raw request may go to (without ``/v1``), or a
    usage error: absolute URLs, ``..``/``.`` segments (also percent-encoded),
    empty segments, backslashes and control characters (also percent-encoded),
    raw whitespace, ``?`` and ``#``."""
    problem = None
    decoded = unquote(path)
    if "://" in path or path.startswith("//"):
        problem = "absolute URLs are not allowed"
    elif not path.startswith(API_PREFIX) or path == API_PREFIX:
        problem = "it must start with /v1/"
    elif "?" in path or "#" in path:
        problem = "put query parameters in -f key=value (GET), not in the path"
    elif (
        any(ch.isspace() for ch in path)
        or "\\" in decoded
        or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in decoded)
    ):
        problem = "it contains whitespace (write %20), a backslash or a control character"
    else:
        segments = decoded[len(API_PREFIX) :].split("/")
        if segments and segments[-1] == "":
            segments.pop()  # a trailing slash
        if any(segment in ("", ".", "..") for segment in segments):
            problem = "'.', '..' and empty segments are not allowed"
    if problem:
        raise UsageError(f"Invalid API path {path!r}: {problem} (e.g. /v1/orchestration/runs/list)")
    return path[len("/v1") :]


def call_raw(client_of: Any, method: str, path: str, payload: Any) -> Any:
    relative = check_raw_path(path)
    payload = _resolve_files(payload, "--data")
    kwargs: dict[str, Any] = {}
    if method == "GET":
        if payload is not None and not isinstance(payload, dict):
            raise UsageError("A GET request takes its query as a JSON object (or -f fields)")
        kwargs["params"] = payload
    elif payload is not None:
        kwargs["json_body"] = payload
    from cargo_cli.api.resources import raw_request

    return raw_request(client_of(), method, relative, **kwargs)


# -- the command ----------------------------------------------------------------------


def list_calls(pattern: str | None) -> list[dict[str, Any]]:
    needle = (pattern or "").lower()
    views = [endpoint_view(name) for name in endpoint_names()]
    return [
        v.to_json()
        for v in views
        if v is not None and (needle in v.name.lower() or needle in ("/v1" + v.path).lower())
    ]


EPILOG = """-f key=value sends a string; -F key=value sends true, false, null and numbers
typed, and @file (or @-) as the file's text. key[sub]=v nests, key[]=v appends.
See `cargo-ai docs api-command`."""


@click.command(
    "api",
    cls=HelpCommand,
    examples=(
        "cargo-ai api orchestration.run.get -f uuid=<run-uuid>",
        "cargo-ai api orchestration.run.list -f workflowUuid=<workflow-uuid> -F limit=10 -f statuses[]=error",
        "cargo-ai api storage.record.remove --data @record.json",
        "cargo-ai api GET /v1/orchestration/runs/<run-uuid>",
        'cargo-ai api POST /v1/orchestration/runs/list --data \'{"workflowUuid": "<workflow-uuid>", "limit": 10}\'',
        "cargo-ai api --list orchestration.run",
    ),
    arguments=[
        (
            "<domain.area.method | METHOD>",
            "An API call name (see --list), or an HTTP method for a raw request.",
        ),
        ("[</v1/path>]", "With a METHOD: the path, under /v1."),
    ],
    epilog=EPILOG,
    short_help="Call any Cargo API call by name, or send a raw request under /v1.",
)
@click.argument("target", required=False, metavar="<domain.area.method | METHOD>")
@click.argument("path", required=False, metavar="[</v1/path>]")
@click.option("--data", type=JsonType(), metavar="JSON|@file|-", help="The payload (or raw body) as JSON.")
@click.option("-f", "--raw-field", "raw_fields", multiple=True, metavar="KEY=VALUE", help="A string field.")
@click.option("-F", "--field", "typed_fields", multiple=True, metavar="KEY=VALUE",
              help="A typed field: true/false/null/numbers, @file or @- for a file's text.")  # fmt: skip
@click.option(
    "--list", "list_only", is_flag=True, help="Print the callable names with method and path (filtered)."
)
@debug_option
def api(
    target: str | None,
    path: str | None,
    data: Any,
    raw_fields: tuple[str, ...],
    typed_fields: tuple[str, ...],
    list_only: bool,
) -> None:
    """Call any of the vendor client's 306 API calls by name
    (domain.area.method), or send a raw request (METHOD /v1/path).

    Prints the response JSON. Auth, retries, deadlines and errors are those of
    every other command.
    """
    if list_only:
        if path is not None or data is not None or raw_fields or typed_fields:
            raise UsageError("--list takes one optional filter and nothing else")
        output.emit(list_calls(target))
        return
    if target is None:
        raise UsageError(
            "Give an API call (e.g. `cargo-ai api orchestration.run.get -f uuid=<uuid>`), "
            "a METHOD and a /v1/path, or --list"
        )
    rt = get_runtime(click.get_current_context())
    fields = parse_fields(raw_fields, typed_fields)

    def client_of() -> Any:
        return rt.client

    if target.upper() in METHODS:
        if path is None:
            raise UsageError(
                f"Give the path of the {target.upper()} request (e.g. /v1/orchestration/runs/list)"
            )
        result = call_raw(client_of, target.upper(), path, build_payload(data, fields, object_only=False))
    elif target.startswith("/"):
        raise UsageError(f"Give the HTTP method first: `cargo-ai api GET {target}` ({', '.join(METHODS)})")
    else:
        if path is not None:
            raise UsageError(f"Unexpected {path!r}: a named call takes its fields with --data, -f and -F")
        result = call_named(client_of, target, build_payload(data, fields, object_only=True))
    if isinstance(result, str):
        output.emit_text(result)
    else:
        output.emit({} if result is None else result)
