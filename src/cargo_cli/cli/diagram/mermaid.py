"""Mermaid flowchart rendering of a node graph."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from cargo_cli.cli.diagram.graph import (
    CLASS_DEFS,
    CODE,
    PAID_MARK,
    ROUTING,
    SKIP_MARK,
    TERMINAL,
    Graph,
    Marks,
    action_of,
    build_graph,
    group_nodes,
    label_lines,
)

if TYPE_CHECKING:
    from cargo_cli.api.models import Node


def _escape(text: str) -> str:
    for raw, code in (("#", "#35;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;"), ("|", "#124;")):
        text = text.replace(raw, code)
    return text


def _shape(node: Node) -> tuple[str, str]:
    kind, action = node.kind, action_of(node)
    if kind == "native":
        if action in TERMINAL:
            return '(["', '"])'
        if action in ROUTING:
            return '{"', '"}'
        if action in CODE:
            return '[/"', '"/]'
        if action == "agent":
            return '{{"', '"}}'
        if action == "group":
            return '["', '"]'
        return '("', '")'
    if kind == "tool":
        return '[["', '"]]'
    if kind == "agent":
        return '{{"', '"}}'
    return '["', '"]'


def _title_line(title: str) -> str:
    text = " ".join(title.split())
    plain = re.fullmatch(r"[\w][\w .,()'!?&/+-]*", text)
    return f"title: {text if plain else json.dumps(text, ensure_ascii=False)}"


def mermaid_body(
    graph: Graph, marks: Marks, prefix: str, direction: str, classes: dict[str, list[str]]
) -> list[str]:
    ids = {uuid: f"{prefix}{index}" for index, uuid in enumerate(graph.order)}
    lines: list[str] = []
    for uuid in graph.order:
        node, node_id = graph.nodes[uuid], ids[uuid]
        parts = label_lines(node)
        if marks.is_paid(node):
            parts[0] = f"{PAID_MARK} {parts[0]}"
            classes["paid"].append(node_id)
        if uuid in graph.skips:
            parts[0] = f"{parts[0]} {SKIP_MARK}"
        if marks.is_highlighted(node):
            classes["highlight"].append(node_id)
        if marks.is_executed(node):
            classes["executed"].append(node_id)
        opening, closing = _shape(node)
        lines.append(f"{node_id}{opening}{'<br/>'.join(_escape(p) for p in parts)}{closing}")
        inner = group_nodes(node)
        if inner:
            sub = build_graph(inner, f"in group {graph.ref(uuid)}: ")
            graph.warnings.extend(sub.warnings)
            lines.append(f'subgraph {node_id}_sub["per item"]')
            lines.append(f"direction {direction}")
            lines += ["    " + line for line in mermaid_body(sub, marks, f"{node_id}s", direction, classes)]
            lines.append("end")
            lines.append(f"{node_id} --> {node_id}_sub")
    for edge in graph.edges:
        source, target = ids[edge.source], ids[edge.target]
        if edge.dashed:
            lines.append(f"{source} -. {_escape(edge.label or '')} .-> {target}")
        elif edge.label:
            lines.append(f"{source} -->|{_escape(edge.label)}| {target}")
        else:
            lines.append(f"{source} --> {target}")
    return lines


def render_mermaid(graph: Graph, marks: Marks, direction: str, title: str | None) -> str:
    classes: dict[str, list[str]] = {name: [] for name in CLASS_DEFS}
    lines = ["---", _title_line(title), "---"] if title else []
    lines.append(f"flowchart {direction}")
    body = mermaid_body(graph, marks, "n", direction, classes)
    for name, members in classes.items():
        if members:
            body.append(f"classDef {name} {CLASS_DEFS[name]}")
            body.append(f"class {','.join(members)} {name}")
    lines += ["    " + line for line in body]
    return "\n".join(lines)
