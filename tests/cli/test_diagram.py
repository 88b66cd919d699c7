"""``orchestration node diagram``: sources, Mermaid / ASCII rendering, warnings."""

from __future__ import annotations

import json

import pytest

from tests.helpers import UUID1, UUID2, assert_request

RUN_UUID = "66666666-6666-4666-8666-666666666666"


def node(uuid: str, slug: str, action: str | None = None, children=(), **extra) -> dict:
    base = {"uuid": uuid, "slug": slug, "config": {}, "childrenUuids": list(children),
            "fallbackOnFailure": False, "position": {"x": 0, "y": 0}}  # fmt: skip
    if action is not None:
        base.update(kind="native", actionSlug=action)
    base.update(extra)
    return base


# start → branch (yes: enrich → coalesce, no: coalesce) → coalesce → end;
# enrich falls back to its own next step.
GRAPH = [
    node("u-start", "start", "start", ["u-check"]),
    node("u-check", "check", "branch", ["u-enrich", "u-merge"], name="Missing revenue?"),
    node("u-enrich", "enrich", None, ["u-merge"], kind="connector", integrationSlug="companyEnrich",
         actionSlug="enrichByDomain", name='Enrich "company"', fallbackOnFailure=True, fallbackChildUuid="u-merge"),
    node("u-merge", "coalesce", "variables", ["u-end"]),
    node("u-end", "end", "end"),
]  # fmt: skip
NODES = json.dumps(GRAPH)

MERMAID = """\
flowchart TD
    n0(["start"])
    n1{"Missing revenue?<br/>branch"}
    n2["Enrich #quot;company#quot; ↷<br/>companyEnrich.enrichByDomain"]
    n3("coalesce<br/>variables")
    n4(["end"])
    n0 --> n1
    n1 -->|yes| n2
    n1 -->|no| n3
    n2 --> n3
    n3 --> n4"""

MERMAID_ALL_FLAGS = """\
---
title: Score accounts
---
flowchart LR
    n0(["start"])
    n1{"Missing revenue?<br/>branch"}
    n2["💳 Enrich #quot;company#quot; ↷<br/>companyEnrich.enrichByDomain"]
    n3("coalesce<br/>variables")
    n4(["end"])
    n0 --> n1
    n1 -->|yes| n2
    n1 -->|no| n3
    n2 --> n3
    n3 --> n4
    classDef highlight fill:#fee,stroke:#c00,stroke-width:2px
    class n1 highlight
    classDef paid fill:#fff8e1,stroke:#e0a800
    class n2 paid"""

ASCII = """\
Score accounts
══════════════

start
│
Missing revenue? ◀━
branch
├─ yes
│  Enrich "company" 💳 ↷
│  companyEnrich.enrichByDomain
│  ↓
├─ no
│  ↓
│
coalesce
variables
│
end"""


def diagram(cli, *args: str, stdin: str | None = None):
    return cli("orchestration", "node", "diagram", *args, stdin=stdin)


def test_mermaid_from_nodes(cli):
    result = diagram(cli, "--nodes", NODES)
    assert result.code == 0, result.out
    assert result.json == {"diagram": MERMAID, "format": "mermaid", "warnings": []}


def test_mermaid_every_styling_flag(cli):
    result = diagram(cli, "--nodes", NODES, "--title", "Score accounts", "--direction", "LR",
                     "--paid", "enrich", "--highlight", "check", "--format", "mermaid")  # fmt: skip
    assert result.code == 0, result.out
    assert result.json == {"diagram": MERMAID_ALL_FLAGS, "format": "mermaid", "warnings": []}


def test_ascii(cli):
    result = diagram(cli, "--nodes", NODES, "--format", "ascii", "--title", "Score accounts",
                     "--paid", "enrich", "--highlight", "u-check", "--direction", "LR")  # fmt: skip
    assert result.code == 0, result.out
    assert result.json == {"diagram": ASCII, "format": "ascii", "warnings": []}


def test_raw_mermaid_is_a_fenced_block(cli):
    result = diagram(cli, "--nodes", NODES, "--raw")
    assert result.code == 0
    assert result.out == f"```mermaid\n{MERMAID}\n```\n"


def test_raw_ascii_is_plain_text_and_warnings_go_to_stderr(cli):
    result = diagram(cli, "--nodes", NODES, "--raw", "--format", "ascii", "--title", "Score accounts",
                     "--paid", "enrich", "--highlight", "check,ghost")  # fmt: skip
    assert result.code == 0
    assert result.out == ASCII + "\n"
    assert result.err == "warning: --highlight ghost matches no node (slug or uuid)\n"


# ---------------------------------------------------------------------------
# Sources: the exact requests
# ---------------------------------------------------------------------------

RELEASE = {"release": {"uuid": UUID2, "nodes": GRAPH, "testRecords": [None]}}


@pytest.mark.parametrize(
    ("args", "path", "query"),
    [
        (["--release-uuid", UUID2], f"/orchestration/releases/{UUID2}", ""),
        (["--workflow-uuid", UUID1], "/orchestration/releases/deployed", f"workflowUuid={UUID1}"),
        (["--workflow-uuid", UUID1, "--draft"], "/orchestration/releases/draft", f"workflowUuid={UUID1}"),
    ],
    ids=["release", "workflow-deployed", "workflow-draft"],
)
def test_release_sources(cli, api, args, path, query):
    route = api.get(path).respond(json=RELEASE)
    result = diagram(cli, *args)
    assert result.code == 0, result.out
    assert_request(route, "GET", path, query=query, body=None)
    assert route.call_count == 1
    assert result.json["diagram"] == MERMAID


def test_run_of_a_release_fetches_the_release_and_marks_executions(cli, api):
    executions = [
        {"nodeUuid": "u-start", "nodeSlug": "start", "status": "success"},
        {"nodeUuid": "u-check", "nodeSlug": "check", "status": "success"},
        {"nodeUuid": "u-enrich", "nodeSlug": "enrich", "status": "error"},
    ]
    run = api.get(f"/orchestration/runs/{RUN_UUID}").respond(
        json={"run": {"uuid": RUN_UUID, "releaseUuid": UUID2, "nodes": None, "executions": executions},
              "runContext": {}, "runComputedConfigs": {}}
    )  # fmt: skip
    release = api.get(f"/orchestration/releases/{UUID2}").respond(json=RELEASE)
    result = diagram(cli, "--run-uuid", RUN_UUID)
    assert result.code == 0, result.out
    assert_request(run, "GET", f"/orchestration/runs/{RUN_UUID}", query="", body=None)
    assert_request(release, "GET", f"/orchestration/releases/{UUID2}", query="", body=None)
    text = result.json["diagram"]
    assert text.startswith(MERMAID + "\n")
    assert text.endswith(
        "    classDef highlight fill:#fee,stroke:#c00,stroke-width:2px\n    class n2 highlight\n"
        "    classDef executed fill:#e8f5e9,stroke:#2e7d32\n    class n0,n1 executed"
    )
    ascii_text = diagram(cli, "--run-uuid", RUN_UUID, "--format", "ascii", "--raw").out
    assert "start ✓\n" in ascii_text
    assert 'Enrich "company" ↷ ◀━\n' in ascii_text


def test_ad_hoc_run_uses_its_own_nodes(cli, api):
    run = api.get(f"/orchestration/runs/{RUN_UUID}").respond(
        json={"run": {"uuid": RUN_UUID, "releaseUuid": None, "nodes": GRAPH, "executions": []}}
    )
    releases = api.route(path__startswith="/v1/orchestration/releases").respond(json=RELEASE)
    result = diagram(cli, "--run-uuid", RUN_UUID)
    assert result.code == 0, result.out
    assert run.call_count == 1
    assert not releases.called
    assert result.json["diagram"] == MERMAID


def test_run_without_graph_is_an_error(cli, api):
    api.get(f"/orchestration/runs/{RUN_UUID}").respond(json={"run": {"uuid": RUN_UUID, "executions": []}})
    result = diagram(cli, "--run-uuid", RUN_UUID)
    assert result.code == 1
    assert result.json == {"errorMessage": f"Run {RUN_UUID} has no node graph (no nodes and no releaseUuid)"}


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [
        (404, {"reason": "releaseNotFound"}, "Deployed release not found."),
        (500, {"errorMessage": "boom"}, "boom"),
    ],
)
def test_api_errors(cli, api, status, body, message):
    api.get("/orchestration/releases/deployed").respond(status, json=body)
    result = diagram(cli, "--workflow-uuid", UUID1)
    assert result.code == 1
    assert result.json["errorMessage"] == message


def test_nodes_from_stdin_and_file(cli, tmp_path):
    assert diagram(cli, "--nodes", "-", stdin=NODES).json["diagram"] == MERMAID
    release_file = tmp_path / "release.json"
    release_file.write_text(json.dumps(RELEASE), encoding="utf-8")
    assert diagram(cli, "--file", str(release_file)).json["diagram"] == MERMAID
    nodes_file = tmp_path / "nodes.json"
    nodes_file.write_text(NODES, encoding="utf-8")
    assert diagram(cli, "--file", str(nodes_file)).json["diagram"] == MERMAID
    assert diagram(cli, "--nodes", f"@{nodes_file}").json["diagram"] == MERMAID


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "Give exactly one source"),
        (["--nodes", NODES, "--release-uuid", UUID1], "(got --nodes, --release-uuid)"),
        (["--workflow-uuid", UUID1, "--run-uuid", UUID2], "(got --workflow-uuid, --run-uuid)"),
        (["--release-uuid", UUID1, "--draft"], "--draft only applies with --workflow-uuid"),
        (["--nodes", '{"nodes": 3}'], "--nodes: expected a JSON array of nodes"),
        (["--nodes", "[1,"], "Invalid JSON in --nodes"),
        (["--file", "/nonexistent/x.json"], "--file: cannot read /nonexistent/x.json"),
        (["--release-uuid", "not-a-uuid"], "not a valid UUID"),
        (["--nodes", NODES, "--format", "svg"], ""),
        (["--nodes", NODES, "--direction", "RL"], ""),
    ],
    ids=["none", "two", "two-remote", "draft-alone", "bad-shape", "bad-json", "missing-file", "bad-uuid",
         "bad-format", "bad-direction"],
)  # fmt: skip
def test_usage_errors_send_nothing(cli, api, args, message):
    route = api.route().respond(json=RELEASE)
    result = diagram(cli, *args)
    assert result.code == 2
    assert message in result.json["errorMessage"]
    assert not route.called


def test_invalid_json_file(cli, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("{oops", encoding="utf-8")
    result = diagram(cli, "--file", str(path))
    assert result.code == 2
    assert result.json["errorMessage"].startswith(f"Invalid JSON in --file {path}: ")


# ---------------------------------------------------------------------------
# Edges, shapes and warnings
# ---------------------------------------------------------------------------


def test_routing_labels_fallback_edges_and_shapes(cli):
    nodes = [
        node("s", "start", "start", ["sw"]),
        node("sw", "route", "switch", ["a", "b", "c"], config={"routes": [{"name": "EU"}, {"name": "US|CA"}]}),
        node("a", "eu", None, ["sp"], kind="agent", agentUuid="abcdef12-0000-4000-8000-000000000000"),
        node("b", "us", "filter", ["sp"]),
        node("c", "other", None, ["sp"], kind="tool", toolUuid="e487d28e-0000-4000-8000-000000000000",
             fallbackChildUuid="py"),
        node("sp", "ab", "split", ["py", "e"], config={"percentage": 30}),
        node("py", "score", "python", ["e"]),
        node("e", "end", "end"),
    ]  # fmt: skip
    result = diagram(cli, "--nodes", json.dumps(nodes))
    assert result.code == 0, result.out
    assert result.json["warnings"] == []
    assert result.json["diagram"] == "\n".join([
        "flowchart TD",
        '    n0(["start"])',
        '    n1{"route<br/>switch"}',
        '    n2{{"eu<br/>agent abcdef12"}}',
        '    n3{"us<br/>filter"}',
        '    n4[["other<br/>tool e487d28e"]]',
        '    n5{"ab<br/>split"}',
        '    n6[/"score<br/>python"/]',
        '    n7(["end"])',
        "    n0 --> n1",
        "    n1 -->|EU| n2",
        "    n1 -->|US#124;CA| n3",
        "    n1 -->|route 3| n4",
        "    n2 --> n5",
        "    n3 -->|if true| n5",
        "    n4 --> n5",
        "    n4 -. on failure .-> n6",
        "    n5 -->|A 30%| n6",
        "    n5 -->|B 70%| n7",
        "    n6 --> n7",
    ])  # fmt: skip
    ascii_text = diagram(cli, "--nodes", json.dumps(nodes), "--format", "ascii", "--raw").out
    assert ascii_text == "\n".join([
        "start", "│", "route", "switch",
        "├─ EU", "│  eu", "│  agent abcdef12", "│  ↓",
        "├─ US|CA", "│  us", "│  filter", "│  │ if true", "│  ↓",
        "├─ route 3", "│  other", "│  tool e487d28e", "│  ┆ on failure → score", "│  ↓",
        "│", "ab", "split",
        "├─ A 30%", "│  score", "│  python", "│  ↓",
        "├─ B 70%", "│  ↓",
        "│", "end", "",
    ])  # fmt: skip


def test_structural_warnings_and_repeated_slugs(cli):
    nodes = [
        node("s", "start", "start", ["v1"]),
        node("v1", "variables", "variables", ["v2", None]),
        node("v2", "variables", "variables", ["ghost"], fallbackChildUuid="nowhere"),
        node("o", "orphan", "delay", []),
        {"slug": "no-uuid"},
        node("v1", "dup", "variables", []),
    ]
    result = diagram(cli, "--nodes", json.dumps(nodes), "--paid", "nobody", "--highlight", "v2")
    assert result.code == 0, result.out
    body = result.json
    assert body["warnings"] == [
        "node #5 has no uuid: skipped",
        "duplicate node uuid v1: only the first is drawn",
        "variables (v1): childrenUuids[1] is null (records routed there stop)",
        "variables (v2): child ghost is not in the graph (dangling edge)",
        "variables (v2): fallbackChildUuid nowhere is not in the graph (dangling edge)",
        "unreachable from start (these nodes never run): orphan",
        "--paid nobody matches no node (slug or uuid)",
    ]
    # Two nodes share the slug "variables": both are drawn (keyed by uuid).
    assert body["diagram"].count('("variables")') == 2
    assert "    n1 --> n2\n" in body["diagram"]
    assert "    class n2 highlight" in body["diagram"]
    ascii_body = diagram(cli, "--nodes", json.dumps(nodes), "--format", "ascii").json
    assert ascii_body["diagram"].endswith("(unreachable from start)\norphan\ndelay")
    assert "(missing node ghost)" in ascii_body["diagram"]
    assert "(ends: no next step)" in ascii_body["diagram"]


def test_no_start_and_empty_graph(cli):
    result = diagram(
        cli, "--nodes", json.dumps([node("a", "first", "variables", ["b"]), node("b", "second", "end")])
    )
    assert result.json["warnings"] == ["no start node (native action `start`): drawing from the first node"]
    assert result.json["diagram"].startswith('flowchart TD\n    n0("first<br/>variables")')
    empty = diagram(cli, "--nodes", "[]")
    assert empty.code == 0
    assert empty.json == {
        "diagram": "flowchart TD",
        "format": "mermaid",
        "warnings": ["the graph has no nodes"],
    }


@pytest.mark.parametrize(
    ("args", "printed"),
    [
        (("--format", "ascii", "--raw"), "(empty graph: no nodes)\n"),
        (("--raw",), "```mermaid\nflowchart TD\n```\n"),  # a valid, empty Mermaid flowchart
        (("--format", "ascii", "--title", "Empty"), None),
    ],
)
def test_an_empty_graph_is_drawn_empty_not_as_nothing(cli, args, printed):
    result = cli("orchestration", "node", "diagram", "--nodes", "[]", *args)
    assert result.code == 0
    if printed is not None:
        assert result.out == printed
        assert result.err == "warning: the graph has no nodes\n"
    else:
        assert result.json["diagram"] == "Empty\n═════\n\n(empty graph: no nodes)"


def test_group_draws_its_inner_graph(cli):
    inner = [node("i1", "start", "start", ["i2"]), node("i2", "score", "script", [None])]
    nodes = [node("s", "start", "start", ["g"]), node("g", "loop", "group", ["e"], config={"_nodes": inner}),
             node("e", "end", "end")]  # fmt: skip
    result = diagram(cli, "--nodes", json.dumps(nodes), "--highlight", "score")
    assert result.json["diagram"] == "\n".join([
        "flowchart TD",
        '    n0(["start"])',
        '    n1["loop<br/>group"]',
        '    subgraph n1_sub["per item"]',
        "    direction TD",
        '        n1s0(["start"])',
        '        n1s1[/"score<br/>script"/]',
        "        n1s0 --> n1s1",
        "    end",
        "    n1 --> n1_sub",
        '    n2(["end"])',
        "    n0 --> n1",
        "    n1 --> n2",
        "    classDef highlight fill:#fee,stroke:#c00,stroke-width:2px",
        "    class n1s1 highlight",
    ])  # fmt: skip
    assert result.json["warnings"] == [
        "in group loop: score: childrenUuids[0] is null (records routed there stop)"
    ]
    ascii_text = diagram(
        cli, "--nodes", json.dumps(nodes), "--format", "ascii", "--raw", "--highlight", "score"
    ).out
    assert ascii_text == "\n".join([
        "start", "│", "loop", "group", "┌─ per item", "│ start", "│ │", "│ score ◀━", "│ script", "└─", "│", "end", "",
    ])  # fmt: skip


def test_title_needing_quotes_and_wide_ascii(cli):
    result = diagram(cli, "--nodes", NODES, "--title", "Step: #1")
    assert result.json["diagram"].startswith('---\ntitle: "Step: #1"\n---\nflowchart TD\n')
    wide = [
        node("s", "start", "start", ["w"]),
        node("w", "w", "variables", [], name="x" * 59 + " " + "y" * 59),
    ]
    body = diagram(cli, "--nodes", json.dumps(wide), "--format", "ascii", "--title", "t" * 130).json
    assert body["warnings"] == [
        "the ASCII diagram is 130 columns wide; --format mermaid renders wide graphs better"
    ]
    assert "\n" + "x" * 59 + "…\nvariables" in body["diagram"]  # long labels are cut at 60


def test_nodes_of_odd_shapes_read_as_absent_fields(cli):
    """Whatever a node holds, the diagram draws what it can: a non-object or
    a non-string uuid is skipped, a non-array childrenUuids means no
    children, a non-object config no routing labels, an empty fallback none."""
    nodes = [
        node("s", "start", "start", ["sp"]),
        node("sp", "split", "split", ["a", "b"], config=["not", "an", "object"], fallbackChildUuid=""),
        node("a", "a", "variables", childrenUuids="not-a-list"),
        node("b", "b", "variables", [], name=7, kind="tool", toolUuid="tool-uuid-0123"),
        "not a node",
        {"uuid": 42, "slug": "numbered"},
    ]
    body = diagram(cli, "--nodes", json.dumps(nodes)).json
    assert body["warnings"] == ["node #5 has no uuid: skipped", "node #6 has no uuid: skipped"]
    assert body["diagram"].endswith(
        'n3[["b<br/>tool tool-uui"]]\n    n0 --> n1\n    n1 -->|A| n2\n    n1 -->|B| n3'
    )
    ascii_body = diagram(cli, "--nodes", json.dumps(nodes), "--format", "ascii").json
    assert ascii_body["diagram"].splitlines() == [
        "start", "│", "split", "├─ A", "│  a", "│  variables", "└─ B", "   b", "   tool tool-uui",
    ]  # fmt: skip
