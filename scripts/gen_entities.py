"""Generate src/cargo_cli/sandbox/generated/entities.json from spec/api-types.md.

Every object-shaped entity type (``type X = { ... };`` under a
``#### <Namespace>Types.X`` heading) becomes one entry: its fields in spec
order, each with its TypeScript type, whether it may be null or absent, a
kind the sandbox can store (string, number, boolean, date, json) and the
doc comment the spec gives it. Unions and aliases are left out.

``--check`` exits 1 when the committed file differs (CI fails on drift).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from _generated import write_or_check

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "spec" / "api-types.md"
TARGET = ROOT / "src" / "cargo_cli" / "sandbox" / "generated" / "entities.json"

HEADING = re.compile(r"^#### (\w+)Types\.(\w+)")
FIELD = re.compile(r"^ {4}(\w+)(\??):\s*(.*?);?$")
ENUM_ROW = re.compile(r"^\| `(\w+)` \| (`[^|]*`) \|$")


def namespace(prefix: str) -> str:
    return prefix[:1].lower() + prefix[1:]


def enum_names(lines: list[str]) -> set[str]:
    return {m.group(1) for line in lines if (m := ENUM_ROW.match(line))}


def kind_of(ts: str, enums: set[str]) -> str:
    parts = [p.strip() for p in ts.split("|") if p.strip() not in ("null", "undefined")]
    if not parts:
        return "json"
    if all(p == "string" or re.fullmatch(r'"[^"]*"', p) or p in enums for p in parts):
        return "string"
    if all(p == "number" for p in parts):
        return "number"
    if all(p == "boolean" for p in parts):
        return "boolean"
    if all(p == "Date" for p in parts):
        return "date"
    return "json"


def parse(text: str) -> dict[str, list[dict[str, object]]]:
    lines = text.splitlines()
    enums = enum_names(lines)
    entities: dict[str, list[dict[str, object]]] = {}
    i = 0
    while i < len(lines):
        heading = HEADING.match(lines[i])
        i += 1
        if heading is None:
            continue
        key = f"{namespace(heading.group(1))}.{heading.group(2)}"
        while i < len(lines) and not lines[i].startswith("```"):
            i += 1
        i += 1
        if i >= len(lines) or not re.match(r"^type \w+(<[^>]*>)? = \{$", lines[i]):
            continue  # a union or an alias: no fields of its own
        i += 1
        fields: list[dict[str, object]] = []
        doc: list[str] = []
        variants = False  # inside ``} & ({ ... } | { ... })``: the variants' fields
        while i < len(lines) and not (
            lines[i].startswith("}") and not lines[i].startswith(("} & (", "} | {"))
        ):
            line = lines[i]
            i += 1
            stripped = line.strip()
            if line.startswith("} & ("):
                variants = True
                continue
            if line.startswith("    ") and not line.startswith("     "):
                if stripped.startswith(("/**", "*")):
                    body = stripped.removeprefix("/**").removesuffix("*/").lstrip("*").strip()
                    if body:
                        doc.append(body)
                    continue
                if stripped.startswith("}") and fields:  # the end of a nested object field
                    fields[-1]["nullable"] = bool(re.search(r"\|\s*null\b", stripped))
                    continue
                if (m := FIELD.match(line)) and not any(f["name"] == m.group(1) for f in fields):
                    name, ts = m.group(1), m.group(3).rstrip(";").strip()
                    nested = ts.endswith("{")
                    fields.append(
                        {
                            "name": name,
                            "ts": "{...}" if nested else ts,
                            "nullable": bool(re.search(r"\|\s*null\b|\bnull\s*\|", ts)),
                            "optional": m.group(2) == "?" or variants,
                            "kind": "json" if nested else kind_of(ts, enums),
                            "doc": " ".join(doc),
                        }
                    )
                doc = []
        if (
            fields and i < len(lines) and not lines[i].startswith("}[")
        ):  # ``{...}[]`` is a list, not an entity
            entities.setdefault(key, fields)
    return entities


def render() -> str:
    return json.dumps(parse(SOURCE.read_text()), indent=1) + "\n"


if __name__ == "__main__":
    sys.exit(write_or_check(TARGET, render(), sys.argv[1:], "run `make docs` (scripts/gen_entities.py)"))
