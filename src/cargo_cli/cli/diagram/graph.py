"""The node graph of a workflow: nodes keyed by uuid, walk order, edges,
labels and structural warnings (null or dangling children, unreachable
nodes). Shared by the Mermaid and ASCII renderers."""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pydantic loads when a diagram is drawn, not with the command tree
    from cargo_cli.api.models import Node

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
        keys = {str(node.uuid), str(node.slug)} & names
        self.seen |= keys
        return bool(keys)

    def is_paid(self, node: Node) -> bool:
        return self._hit(self.paid, node)

    def is_highlighted(self, node: Node) -> bool:
        return self._hit(self.highlight, node)

    def is_executed(self, node: Node) -> bool:
        return str(node.uuid) in self.executed


def action_of(node: Node) -> str:
    return str(node.action_slug or "") if node.kind == "native" else ""


def config_of(node: Node) -> Mapping[str, Any]:
    return node.config


def children_of(node: Node) -> list[Any]:
    return node.children_uuids


def fallback_of(node: Node) -> str | None:
    return node.fallback_child_uuid


def edge_labels(node: Node, count: int) -> list[str | None]:
    """``childrenUuids`` order carries the routing meaning."""
    action = action_of(node)
    config = config_of(node)
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
    name = node.name
    text = name.strip() if isinstance(name, str) and name.strip() else ""
    return text or str(node.slug or node.kind or "node")


def detail(node: Node) -> str | None:
    kind = node.kind
    if kind == "connector":
        return f"{node.integration_slug or '?'}.{node.action_slug or '?'}"
    if kind in ("tool", "agent"):
        ref = node.tool_uuid if kind == "tool" else node.agent_uuid
        return f"{kind} {str(ref)[:8]}" if ref else f"{kind} {node.template_slug or '?'}"
    if kind == "native":
        action = action_of(node)
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
        slug = str(node.slug or uuid)
        twins = sum(1 for other in self.nodes.values() if other.slug == node.slug)
        return f"{slug} ({uuid[:8]})" if twins > 1 else slug

    def arms(self, uuid: str) -> list[tuple[str | None, str | None, Any]]:
        """(label, target uuid if in the graph, raw child) for each child slot."""
        children = children_of(self.nodes[uuid])
        labels = edge_labels(self.nodes[uuid], len(children))
        return [
            (labels[i], child if isinstance(child, str) and child in self.nodes else None, child)
            for i, child in enumerate(children)
        ]


def build_graph(raw_nodes: list[Any], where: str = "") -> Graph:
    from cargo_cli.api.models import Node, read

    warnings: list[str] = []
    nodes: dict[str, Node] = {}
    for index, raw in enumerate(raw_nodes):
        node = read(Node, raw)
        if node is None or node.uuid is None:
            warnings.append(f"{where}node #{index + 1} has no uuid: skipped")
        elif node.uuid in nodes:
            warnings.append(f"{where}duplicate node uuid {node.uuid}: only the first is drawn")
        else:
            nodes[node.uuid] = node
    if not nodes:
        warnings.append(f"{where}the graph has no nodes")
        return Graph({}, [], [], set(), [], warnings)

    start = next((u for u, n in nodes.items() if action_of(n) == "start"), None)
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
        queue.extend(c for c in children_of(nodes[uuid]) if isinstance(c, str))
        fallback = fallback_of(nodes[uuid])
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
        fallback = fallback_of(nodes[uuid])
        if fallback is None:
            continue
        if fallback not in nodes:
            warnings.append(
                f"{where}{graph.ref(uuid)}: fallbackChildUuid {fallback} is not in the graph (dangling edge)"
            )
        elif fallback in children_of(nodes[uuid]):
            graph.skips.add(uuid)
        else:
            graph.edges.append(Edge(uuid, fallback, "on failure", dashed=True))
    if unreachable:
        names = ", ".join(graph.ref(u) for u in unreachable)
        warnings.append(f"{where}unreachable from start (these nodes never run): {names}")
    return graph


def group_nodes(node: Node) -> list[Any] | None:
    """A native ``group`` holds its per-item graph in ``config._nodes``."""
    inner = config_of(node).get("_nodes")
    return inner if isinstance(inner, list) and inner else None
