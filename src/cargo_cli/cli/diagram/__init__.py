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

from typing import Any

from cargo_cli import output
from cargo_cli.cli.diagram.ascii import render_ascii
from cargo_cli.cli.diagram.graph import Marks, build_graph
from cargo_cli.cli.diagram.mermaid import render_mermaid
from cargo_cli.cli.diagram.sources import DiagramOptions, load_nodes
from cargo_cli.cli.params import CSV, JSON, UUID, choice
from cargo_cli.cli.rows import Cmd, Invocation, Opt


def _diagram(inv: Invocation) -> Any:
    opts = inv.options.typed(DiagramOptions)
    nodes, executed, failed = load_nodes(inv, opts)
    highlight = frozenset(opts.highlight or ())
    paid = frozenset(opts.paid or ())
    marks = Marks(paid=paid, highlight=highlight | failed, executed=frozenset(executed - failed))
    graph = build_graph(nodes)
    fmt = opts.format or "mermaid"
    if fmt == "ascii":
        diagram = render_ascii(graph, marks, opts.title)
    else:
        diagram = render_mermaid(graph, marks, opts.direction or "TD", opts.title)
    for flag, names in (("--highlight", highlight), ("--paid", paid)):
        graph.warnings += [
            f"{flag} {name} matches no node (slug or uuid)" for name in sorted(names - marks.seen)
        ]
    if opts.raw:
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
    options=DiagramOptions,
    text=True,
    examples=("cargo-ai orchestration node diagram --raw --workflow-uuid <workflow-uuid>",),
)  # fmt: skip
