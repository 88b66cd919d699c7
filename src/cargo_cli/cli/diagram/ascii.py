"""ASCII rendering of a node graph: a top-down spine; routing nodes open
labelled arms that either rejoin the spine (a detour, ``├─`` … ``↓``) or end
(a fork, last arm ``└─``)."""

from __future__ import annotations

from collections import deque

from cargo_cli.cli.diagram.graph import (
    ASCII_WIDTH_WARNING,
    EXECUTED_MARK,
    HIGHLIGHT_MARK,
    PAID_MARK,
    SKIP_MARK,
    Graph,
    Marks,
    build_graph,
    fallback_of,
    group_nodes,
    headline,
    label_lines,
)


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
        fallback = fallback_of(node)
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


EMPTY = "(empty graph: no nodes)"


def render_ascii(graph: Graph, marks: Marks, title: str | None) -> str:
    """The drawing; a graph without nodes is drawn as ``EMPTY`` (never as
    nothing, which reads as a failure)."""
    lines = AsciiRenderer(graph, marks).render() if graph.nodes else [EMPTY]
    if title:
        text = " ".join(title.split())
        lines = [text, "═" * len(text), "", *lines]
    width = max((len(line) for line in lines), default=0)
    if width > ASCII_WIDTH_WARNING:
        graph.warnings.append(
            f"the ASCII diagram is {width} columns wide; --format mermaid renders wide graphs better"
        )
    return "\n".join(lines)
