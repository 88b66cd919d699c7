"""``orchestration node diagram``: render a node graph as Mermaid or ASCII.

Client-side. Exactly one source of nodes: ``--nodes`` (JSON, @file, -),
``--file`` (a JSON file of nodes, or of a release/run/template answer),
``--release-uuid`` (release get), ``--workflow-uuid`` (deployed release, or
the draft with ``--draft``) or ``--run-uuid`` (the run's own nodes, else its
release; the run's executions mark executed/failed nodes).

Edges come from the node shape: ``childrenUuids`` in order (labelled for the
routing natives: branch yes/no, filter, switch routes, split percentages) and
``fallbackChildUuid`` (a dashed "on failure" edge, or ``↷`` when it is the
node's own next step). Nodes are keyed by uuid (slugs repeat). Structural
problems (null or dangling children, unreachable nodes, unknown --highlight /
--paid names) are reported in ``warnings``. See docs/catalog-and-diagram.md.
"""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import click

from cargo_cli import output
from cargo_cli.api.resources import orchestration
from cargo_cli.cli.params import CSV, JSON, UUID, choice, parse_json_text, read_text_source
from cargo_cli.cli.spec import Cmd, Invocation, Opt
from cargo_cli.errors import CargoError, UsageError

Node = Mapping[str, Any]

ROUTING = frozenset({"branch", "filter", "switch", "split"})
CODE = frozenset({"python", "script"})
TERMINAL = frozenset({"start", "end"})
LABEL_MAX = 60
ASCII_WIDTH_WARNING = 120

PAID_MARK = "💳"
HIGHLIGHT_MARK = "◀━"
EXECUTED_MARK = "✓"
SKIP_MARK = "↷"

CLASS_DEFS = {
    "highlight": "fill:#fee,stroke:#c00,stroke-width:2px",
    "paid": "fill:#fff8e1,stroke:#e0a800",
    "executed": "fill:#e8f5e9,stroke:#2e7d32",
}


# ---------------------------------------------------------------------------
# The graph: nodes keyed by uuid, walk order, edges, warnings.
# ---------------------------------------------------------------------------


@dataclass
class Edge:
    source: str
    target: str
    label: str | None = None
    dashed: bool = False


@dataclass
class Marks:
    """Which nodes (by uuid or slug) to mark, and which names matched."""

    paid: frozenset[str] = frozenset()
    highlight: frozenset[str] = frozenset()
    executed: frozenset[str] = frozenset()
    seen: set[str] = field(default_factory=set)

    def _hit(self, names: frozenset[str], node: Node) -> bool:
        keys = {str(node.get("uuid")), str(node.get("slug"))} & names
        self.seen |= keys
        return bool(keys)

    def is_paid(self, node: Node) -> bool:
        return self._hit(self.paid, node)

    def is_highlighted(self, node: Node) -> bool:
        return self._hit(self.highlight, node)

    def is_executed(self, node: Node) -> bool:
        return str(node.get("uuid")) in self.executed


def _action(node: Node) -> str:
    return str(node.get("actionSlug") or "") if node.get("kind") == "native" else ""


def _config(node: Node) -> Mapping[str, Any]:
    config = node.get("config")
    return config if isinstance(config, Mapping) else {}


def _children(node: Node) -> list[Any]:
    children = node.get("childrenUuids")
    return list(children) if isinstance(children, list) else []


def _fallback(node: Node) -> str | None:
    value = node.get("fallbackChildUuid")
    return value if isinstance(value, str) and value else None


def edge_labels(node: Node, count: int) -> list[str | None]:
    """``childrenUuids`` order carries the routing meaning."""
    action = _action(node)
    config = _config(node)
    labels: list[str | None]
    if action == "branch":
        labels = ["yes", "no"]
    elif action == "filter":
        labels = ["if true"]
    elif action == "split":
        pct = config.get("percentage")
        labels = [f"A {pct}%", f"B {100 - pct}%"] if isinstance(pct, int | float) else ["A", "B"]
    elif action == "switch":
        routes = config.get("routes")
        labels = [_route_name(routes if isinstance(routes, list) else [], i) for i in range(count)]
    else:
        labels = []
    return (labels + [None] * count)[:count]


def _route_name(routes: list[Any], index: int) -> str:
    route = routes[index] if index < len(routes) else None
    name = route.get("name") if isinstance(route, Mapping) else None
    return str(name) if name else f"route {index + 1}"


def headline(node: Node) -> str:
    name = node.get("name")
    text = name.strip() if isinstance(name, str) and name.strip() else ""
    return text or str(node.get("slug") or node.get("kind") or "node")


def detail(node: Node) -> str | None:
    kind = node.get("kind")
    if kind == "connector":
        return f"{node.get('integrationSlug') or '?'}.{node.get('actionSlug') or '?'}"
    if kind in ("tool", "agent"):
        ref = node.get(f"{kind}Uuid")
        return f"{kind} {str(ref)[:8]}" if ref else f"{kind} {node.get('templateSlug') or '?'}"
    if kind == "native":
        action = _action(node)
        return None if action in TERMINAL else (action or None)
    return str(kind) if kind else None


def label_lines(node: Node) -> list[str]:
    lines = [headline(node)]
    extra = detail(node)
    if extra and extra != lines[0]:
        lines.append(extra)
    return [_truncate(line) for line in lines]


def _truncate(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= LABEL_MAX else text[: LABEL_MAX - 1] + "…"


@dataclass
class Graph:
    nodes: dict[str, Node]
    order: list[str]  # breadth-first from start, then the unreachable ones
    edges: list[Edge]
    skips: set[str]  # nodes whose fallback is one of their own children
    unreachable: list[str]
    warnings: list[str]

    def ref(self, uuid: str) -> str:
        """How a warning names a node: its slug, plus the uuid when the slug repeats."""
        node = self.nodes[uuid]
        slug = str(node.get("slug") or uuid)
        twins = sum(1 for other in self.nodes.values() if other.get("slug") == node.get("slug"))
        return f"{slug} ({uuid[:8]})" if twins > 1 else slug

    def arms(self, uuid: str) -> list[tuple[str | None, str | None, Any]]:
        """(label, target uuid if in the graph, raw child) for each child slot."""
        children = _children(self.nodes[uuid])
        labels = edge_labels(self.nodes[uuid], len(children))
        return [
            (labels[i], child if isinstance(child, str) and child in self.nodes else None, child)
            for i, child in enumerate(children)
        ]


def build_graph(raw_nodes: list[Any], where: str = "") -> Graph:
    warnings: list[str] = []
    nodes: dict[str, Node] = {}
    for index, node in enumerate(raw_nodes):
        if not isinstance(node, Mapping) or not isinstance(node.get("uuid"), str) or not node.get("uuid"):
            warnings.append(f"{where}node #{index + 1} has no uuid: skipped")
        elif node["uuid"] in nodes:
            warnings.append(f"{where}duplicate node uuid {node['uuid']}: only the first is drawn")
        else:
            nodes[node["uuid"]] = node
    if not nodes:
        warnings.append(f"{where}the graph has no nodes")
        return Graph({}, [], [], set(), [], warnings)

    start = next((u for u, n in nodes.items() if _action(n) == "start"), None)
    if start is None:
        start = next(iter(nodes))
        warnings.append(f"{where}no start node (native action `start`): drawing from the first node")
    order: list[str] = []
    queue = deque([start])
    while queue:
        uuid = queue.popleft()
        if uuid in order or uuid not in nodes:
            continue
        order.append(uuid)
        queue.extend(c for c in _children(nodes[uuid]) if isinstance(c, str))
        fallback = _fallback(nodes[uuid])
        if fallback:
            queue.append(fallback)
    unreachable = [u for u in nodes if u not in order]
    graph = Graph(nodes, order + unreachable, [], set(), unreachable, warnings)

    for uuid in graph.order:
        for index, (label, target, child) in enumerate(graph.arms(uuid)):
            if target is not None:
                graph.edges.append(Edge(uuid, target, label))
            elif child is None:
                warnings.append(
                    f"{where}{graph.ref(uuid)}: childrenUuids[{index}] is null (records routed there stop)"
                )
            else:
                warnings.append(
                    f"{where}{graph.ref(uuid)}: child {child} is not in the graph (dangling edge)"
                )
        fallback = _fallback(nodes[uuid])
        if fallback is None:
            continue
        if fallback not in nodes:
            warnings.append(
                f"{where}{graph.ref(uuid)}: fallbackChildUuid {fallback} is not in the graph (dangling edge)"
            )
        elif fallback in _children(nodes[uuid]):
            graph.skips.add(uuid)
        else:
            graph.edges.append(Edge(uuid, fallback, "on failure", dashed=True))
    if unreachable:
        names = ", ".join(graph.ref(u) for u in unreachable)
        warnings.append(f"{where}unreachable from start (these nodes never run): {names}")
    return graph


def group_nodes(node: Node) -> list[Any] | None:
    """A native ``group`` holds its per-item graph in ``config._nodes``."""
    inner = _config(node).get("_nodes")
    return inner if isinstance(inner, list) and inner else None


# ---------------------------------------------------------------------------
# Mermaid
# ---------------------------------------------------------------------------


def _escape(text: str) -> str:
    for raw, code in (("#", "#35;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;"), ("|", "#124;")):
        text = text.replace(raw, code)
    return text


def _shape(node: Node) -> tuple[str, str]:
    kind, action = node.get("kind"), _action(node)
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


# ---------------------------------------------------------------------------
# ASCII: a top-down spine; routing nodes open labelled arms that either
# rejoin the spine (a detour, ``├─`` … ``↓``) or end (a fork, last arm ``└─``).
# ---------------------------------------------------------------------------


class AsciiRenderer:
    def __init__(self, graph: Graph, marks: Marks) -> None:
        self.graph = graph
        self.marks = marks
        self.drawn: set[str] = set()

    def block(self, uuid: str) -> list[str]:
        node = self.graph.nodes[uuid]
        parts = label_lines(node)
        first = parts[0]
        if self.marks.is_paid(node):
            first += f" {PAID_MARK}"
        if uuid in self.graph.skips:
            first += f" {SKIP_MARK}"
        if self.marks.is_executed(node):
            first += f" {EXECUTED_MARK}"
        if self.marks.is_highlighted(node):
            first += f" {HIGHLIGHT_MARK}"
        lines = [first, *parts[1:]]
        fallback = _fallback(node)
        if fallback in self.graph.nodes and uuid not in self.graph.skips:
            lines.append(f"┆ on failure → {headline(self.graph.nodes[str(fallback)])}")
        inner = group_nodes(node)
        if inner:
            sub = build_graph(inner, f"in group {self.graph.ref(uuid)}: ")
            self.graph.warnings.extend(sub.warnings)
            lines.append("┌─ per item")
            lines += ["│ " + line for line in AsciiRenderer(sub, self.marks).render()]
            lines.append("└─")
        return lines

    def reach(self, uuid: str) -> list[str]:
        """Nodes reachable from ``uuid`` by children, nearest first."""
        seen: list[str] = []
        queue = deque([uuid])
        while queue:
            current = queue.popleft()
            if current in seen:
                continue
            seen.append(current)
            queue.extend(t for _, t, _ in self.graph.arms(current) if t is not None)
        return seen

    def merge_point(self, targets: list[str]) -> str | None:
        """Where the arms of a routing node meet again (nearest to the first arm)."""
        if len(targets) < 2:
            return None
        others = [set(self.reach(t)) for t in targets[1:]]
        return next((u for u in self.reach(targets[0]) if all(u in o for o in others)), None)

    def sequence(self, uuid: str | None, stop: str | None) -> list[str]:
        """Draw from ``uuid`` down the spine until ``stop`` (a merge point)."""
        lines: list[str] = []
        current = uuid
        while current is not None and current != stop:
            if current in self.drawn:
                lines.append(f"↑ {headline(self.graph.nodes[current])}")
                return lines
            self.drawn.add(current)
            lines += self.block(current)
            arms = self.graph.arms(current)
            if len(arms) == 1:
                label, target, child = arms[0]
                if target is None:
                    return lines if child is None else [*lines, "│", f"(missing node {child})"]
                lines.append(f"│ {label}" if label else "│")
                current = target
                continue
            if not arms:
                return lines
            targets = [t for _, t, _ in arms if t is not None]
            merge = self.merge_point(targets) if len(targets) == len(arms) else None
            for index, (label, target, child) in enumerate(arms):
                last = merge is None and index == len(arms) - 1
                lines.append(("└─ " if last else "├─ ") + (label or f"#{index + 1}"))
                if target is None:
                    body = ["(ends: no next step)" if child is None else f"(missing node {child})"]
                else:
                    body = self.sequence(target, merge)
                    if merge is not None:
                        body.append("↓")
                lines += [("   " if last else "│  ") + line for line in body]
            if merge is None:
                return lines
            lines.append("│")
            current = merge
        while lines and lines[-1] == "│":
            lines.pop()
        return lines

    def render(self) -> list[str]:
        lines: list[str] = []
        for uuid in self.graph.order:
            if uuid in self.drawn:
                continue
            if lines:
                lines.append("")
                reason = self._why_separate(uuid)
                lines.append(reason)
            lines += self.sequence(uuid, None)
        return lines

    def _why_separate(self, uuid: str) -> str:
        if uuid in self.graph.unreachable:
            return "(unreachable from start)"
        sources = [e.source for e in self.graph.edges if e.target == uuid and e.dashed]
        if sources:
            return f"┆ on failure of {headline(self.graph.nodes[sources[0]])}:"
        return "(continued)"


def render_ascii(graph: Graph, marks: Marks, title: str | None) -> str:
    lines = AsciiRenderer(graph, marks).render()
    if title:
        text = " ".join(title.split())
        lines = [text, "═" * len(text), "", *lines]
    width = max((len(line) for line in lines), default=0)
    if width > ASCII_WIDTH_WARNING:
        graph.warnings.append(
            f"the ASCII diagram is {width} columns wide; --format mermaid renders wide graphs better"
        )
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# Sources
# ---------------------------------------------------------------------------

SOURCE_FLAGS = {
    "nodes": "--nodes",
    "file": "--file",
    "release_uuid": "--release-uuid",
    "workflow_uuid": "--workflow-uuid",
    "run_uuid": "--run-uuid",
}
SHAPE_HINT = "a JSON array of nodes, or an object with nodes (a release, run or template answer)"


def find_nodes(document: Any) -> list[Any] | None:
    if isinstance(document, list):
        return document
    if not isinstance(document, Mapping):
        return None
    candidates = [document.get("nodes")]
    for key in ("release", "draftRelease", "run", "template"):
        inner = document.get(key)
        if isinstance(inner, Mapping):
            candidates.append(inner.get("nodes"))
    return next((c for c in candidates if isinstance(c, list)), None)


def _local_nodes(document: Any, flag: str) -> list[Any]:
    nodes = find_nodes(document)
    if nodes is None:
        raise UsageError(f"{flag}: expected {SHAPE_HINT}")
    return nodes


def _read_file(path: str) -> Any:
    try:
        text = read_text_source("@" + path, "--file")
    except click.BadParameter as exc:
        raise UsageError(f"--file: {exc.message}") from None
    return parse_json_text(text, f"--file {path}")


def _release_nodes(answer: Any, what: str) -> list[Any]:
    release = answer.get("release") if isinstance(answer, Mapping) else None
    nodes = release.get("nodes") if isinstance(release, Mapping) else None
    if not isinstance(nodes, list):
        raise CargoError(f"The {what} has no node graph")
    return nodes


def _run_nodes(inv: Invocation, run_uuid: str) -> tuple[list[Any], set[str], set[str]]:
    """The run's own nodes (ad-hoc ``action execute`` runs), else its release's;
    plus the uuids of the nodes it executed and those that failed."""
    answer = inv.call(orchestration.Run.get, {"uuid": run_uuid})
    run = answer.get("run") if isinstance(answer, Mapping) else None
    if not isinstance(run, Mapping):
        raise CargoError(f"Run {run_uuid} has no data")
    executed: set[str] = set()
    failed: set[str] = set()
    for execution in run.get("executions") or []:
        if isinstance(execution, Mapping) and execution.get("nodeUuid"):
            if execution.get("status") == "error":
                failed.add(str(execution["nodeUuid"]))
            elif execution.get("status") == "success":
                executed.add(str(execution["nodeUuid"]))
    nodes = run.get("nodes")
    if isinstance(nodes, list) and nodes:
        return nodes, executed, failed
    release_uuid = run.get("releaseUuid")
    if not release_uuid:
        raise CargoError(f"Run {run_uuid} has no node graph (no nodes and no releaseUuid)")
    release = inv.call(orchestration.Release.get, {"uuid": release_uuid})
    return _release_nodes(release, f"release {release_uuid} of run {run_uuid}"), executed, failed


def load_nodes(inv: Invocation) -> tuple[list[Any], set[str], set[str]]:
    opts = inv.options
    given = [flag for name, flag in SOURCE_FLAGS.items() if opts.get(name) is not None]
    if len(given) != 1:
        found = f"got {', '.join(given)}" if given else "got none"
        raise UsageError(f"Give exactly one source: {', '.join(SOURCE_FLAGS.values())} ({found})")
    if opts.get("draft") and opts.get("workflow_uuid") is None:
        raise UsageError("--draft only applies with --workflow-uuid")
    if opts.get("nodes") is not None:
        return _local_nodes(opts["nodes"], "--nodes"), set(), set()
    if opts.get("file") is not None:
        return _local_nodes(_read_file(opts["file"]), "--file"), set(), set()
    if opts.get("release_uuid") is not None:
        answer = inv.call(orchestration.Release.get, {"uuid": opts["release_uuid"]})
        return _release_nodes(answer, f"release {opts['release_uuid']}"), set(), set()
    if opts.get("workflow_uuid") is not None:
        endpoint = orchestration.DraftRelease.get if opts.get("draft") else orchestration.Release.get_deployed
        answer = inv.call(endpoint, {"workflowUuid": opts["workflow_uuid"]})
        what = "draft release" if opts.get("draft") else "deployed release"
        return _release_nodes(answer, f"{what} of workflow {opts['workflow_uuid']}"), set(), set()
    return _run_nodes(inv, opts["run_uuid"])


def _diagram(inv: Invocation) -> Any:
    opts = inv.options
    nodes, executed, failed = load_nodes(inv)
    highlight = frozenset(opts.get("highlight") or ())
    paid = frozenset(opts.get("paid") or ())
    marks = Marks(paid=paid, highlight=highlight | failed, executed=frozenset(executed - failed))
    graph = build_graph(nodes)
    fmt = opts.get("format") or "mermaid"
    if fmt == "ascii":
        diagram = render_ascii(graph, marks, opts.get("title"))
    else:
        diagram = render_mermaid(graph, marks, opts.get("direction") or "TD", opts.get("title"))
    for flag, names in (("--highlight", highlight), ("--paid", paid)):
        graph.warnings += [
            f"{flag} {name} matches no node (slug or uuid)" for name in sorted(names - marks.seen)
        ]
    if opts.get("raw"):
        for warning in graph.warnings:
            output.info(f"warning: {warning}")
        return f"```mermaid\n{diagram}\n```" if fmt == "mermaid" else diagram
    return {"diagram": diagram, "format": fmt, "warnings": graph.warnings}


NODE_DIAGRAM = Cmd(
    "node diagram", None,
    "Render a node graph as Mermaid or ASCII (free, runs nothing).\n\n"
    "Exactly one source: --nodes, --file, --release-uuid, --workflow-uuid (deployed; "
    "--draft for the draft) or --run-uuid. Prints {diagram, format, warnings} unless --raw.",
    opts=(
        Opt("--direction", choice("TD", "LR"), local=True, help="Mermaid flow direction (default TD)."),
        Opt("--draft", is_flag=True, local=True, help="With --workflow-uuid: the draft release."),
        Opt("--file", local=True, metavar="PATH", help="A JSON file of nodes (or a release/run answer)."),
        Opt("--format", choice("mermaid", "ascii"), local=True, help="mermaid (default) or ascii."),
        Opt("--highlight", CSV, local=True, help="Node slugs/uuids to mark (e.g. the failing node)."),
        Opt("--nodes", JSON, local=True, help="Nodes as JSON (inline, @file or - for stdin)."),
        Opt("--paid", CSV, local=True, help="Node slugs/uuids that bill credits (marked 💳)."),
        Opt("--raw", is_flag=True, local=True,
            help="Print the diagram itself (a fenced block for mermaid) instead of JSON."),
        Opt("--release-uuid", UUID, local=True, help="Draw this release's graph."),
        Opt("--run-uuid", UUID, local=True, help="Draw the graph a run executed, marking failed nodes."),
        Opt("--title", local=True, help="Title above the diagram."),
        Opt("--workflow-uuid", UUID, local=True, help="Draw the workflow's deployed (or --draft) release."),
    ),
    handler=_diagram,
    text=True,
)  # fmt: skip
