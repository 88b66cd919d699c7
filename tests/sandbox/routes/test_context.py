"""context: the repository as a versioned tree (each write/edit one commit
with its message), browse/read/raw, edit rules, execute's read-only
programs, and the knowledge graph."""

from __future__ import annotations

from cargo_cli.sandbox.seed_knowledge_hosting import CONTEXT_FILES
from tests.sandbox.conftest import Api
from tests.sandbox.routes.conftest import error, ok


def run(api: Api, command: str, *args: str) -> dict[str, object]:
    return ok(api, "POST", "/context/runtime/execute", {"command": command, "args": list(args)})  # type: ignore[no-any-return]


def test_seeded_tree_browse_and_read(api: Api) -> None:
    root = ok(api, "GET", "/context/runtime")
    assert root["path"] == "/" and not root["truncated"]
    assert [(e["name"], e["type"]) for e in root["entries"]] == [
        ("icp", "directory"), ("persona", "directory"), ("playbooks", "directory"), ("README.md", "file"),
    ]  # fmt: skip
    deep = ok(api, "GET", "/context/runtime", params={"path": "persona", "depth": "2"})["entries"]
    assert [e["path"] for e in deep] == ["persona/revops-lead.md", "persona/vp-sales.md"]
    assert deep[1]["size"] == len(CONTEXT_FILES["persona/vp-sales.md"].encode())
    whole = ok(api, "POST", "/context/runtime/content", {"path": "persona/vp-sales.md"})
    assert whole["content"] == CONTEXT_FILES["persona/vp-sales.md"].rstrip("\n")
    assert (whole["startLine"], whole["endLine"], whole["totalLines"]) == (1, 5, 5)
    part = ok(
        api,
        "POST",
        "/context/runtime/content",
        {"path": "/persona/vp-sales.md", "startLine": 3, "endLine": 3},
    )
    assert part["content"] == "Owns the number. Cares about pipeline coverage and rep ramp time."
    raw = ok(api, "GET", "/context/runtime/raw", params={"path": "README.md"})
    assert raw == CONTEXT_FILES["README.md"].encode()
    assert error(api, "GET", "/context/runtime", params={"path": "nope"}) == (404, "pathNotFound")
    assert error(api, "POST", "/context/runtime/content", {"path": "nope.md"}) == (404, "fileNotFound")
    assert error(api, "POST", "/context/runtime/content", {"path": "../etc/passwd"}) == (400, "deniedPath")
    assert error(api, "POST", "/context/runtime/content", {"path": "README.md", "startLine": 99}) == (
        400, "invalidBody",
    )  # fmt: skip


def test_each_write_and_edit_is_a_commit_with_its_message(api: Api) -> None:
    before = ok(api, "GET", "/context/repository")["repository"]
    first = ok(api, "PUT", "/context/runtime/content",
               {"path": "history/cfo.md", "content": "# CFO\n\nSigns.\n", "commitMessage": "Add CFO"})["commit"]  # fmt: skip
    assert (first["message"], first["parentSha"]) == ("Add CFO", before["headSha"])
    assert first["changes"] == [{"path": "history/cfo.md", "kind": "added"}]
    second = ok(api, "PATCH", "/context/runtime/content",
                {"path": "history/cfo.md", "oldString": "Signs.", "newString": "Signs the PO."})["commit"]  # fmt: skip
    assert (second["message"], second["parentSha"]) == ("Edit history/cfo.md", first["sha"])
    assert second["changes"] == [{"path": "history/cfo.md", "kind": "modified"}]
    after = ok(api, "GET", "/context/repository")["repository"]
    assert (after["commitsCount"], after["headSha"]) == (before["commitsCount"] + 2, second["sha"])
    log = run(api, "git", "log", "--oneline", "-n", "3")
    assert str(log["stdout"]).startswith(
        f"{second['shortSha']} Edit history/cfo.md\n{first['shortSha']} Add CFO\n{before['headSha'][:7]} "
    )
    old = run(api, "git", "show", f"{first['shortSha']}:history/cfo.md")
    assert old["stdout"] == "# CFO\n\nSigns.\n"
    assert run(api, "cat", "history/cfo.md")["stdout"] == "# CFO\n\nSigns the PO.\n"


def test_edit_rules(api: Api) -> None:
    ok(api, "PUT", "/context/runtime/content", {"path": "notes/x.md", "content": "a b a"})
    body = {"path": "notes/x.md", "oldString": "a", "newString": "c"}
    assert error(api, "PATCH", "/context/runtime/content", body) == (400, "stringNotUnique")
    ok(api, "PATCH", "/context/runtime/content", {**body, "replaceAll": True})
    assert ok(api, "POST", "/context/runtime/content", {"path": "notes/x.md"})["content"] == "c b c"
    assert error(api, "PATCH", "/context/runtime/content", body) == (400, "stringNotFound")
    assert error(api, "PATCH", "/context/runtime/content", {**body, "oldString": "b", "newString": "b"}) == (
        400, "noOp",
    )  # fmt: skip
    assert error(api, "PATCH", "/context/runtime/content", {**body, "path": "missing.md"}) == (
        404,
        "fileNotFound",
    )
    assert error(api, "PUT", "/context/runtime/content", {"path": "notes", "content": "x"}) == (
        400,
        "deniedPath",
    )
    assert error(api, "PUT", "/context/runtime/content", {"path": ".git/config", "content": "x"}) == (
        400, "deniedPath",
    )  # fmt: skip
    assert error(api, "PUT", "/context/runtime/content", {"path": "a.md"}) == (400, "invalidBody")


def test_execute_read_only_programs(api: Api) -> None:
    assert run(api, "ls", "persona")["stdout"] == "revops-lead.md\nvp-sales.md\n"
    assert run(api, "ls -l persona")["exitCode"] == 0  # one string is split like a shell would
    assert run(api, "ls", "-1", "persona")["stdout"] == "revops-lead.md\nvp-sales.md\n"  # -1 is a flag of ls
    assert run(api, "head", "-1", "persona/vp-sales.md")["stdout"].count("\n") == 1  # and -N a count of head
    grep = run(api, "grep", "-r", "-l", "-i", "vp sales", ".")
    assert (grep["exitCode"], grep["stdout"]) == (
        0,
        "README.md\npersona/revops-lead.md\npersona/vp-sales.md\n",
    )
    numbered = run(api, "grep", "-n", "Pains", "persona/vp-sales.md")
    assert numbered["stdout"] == "5:Pains: low reply rates, manual research.\n"
    assert run(api, "grep", "zzz", "README.md")["exitCode"] == 1
    assert run(api, "head", "-n", "1", "README.md")["stdout"] == "# GTM context\n"
    assert (
        run(api, "tail", "-1", "icp/saas-europe.md")["stdout"]
        == "Buyers: [[vp-sales]] and [[revops-lead]].\n"
    )
    assert run(api, "wc", "-l", "README.md")["stdout"] == "8 README.md\n"
    assert run(api, "find", ".", "-name", "*.md", "-type", "f")["stdout"].startswith("./README.md\n")  # type: ignore[union-attr]
    missing = run(api, "cat", "nope.md")
    assert (missing["exitCode"], missing["stderr"]) == (1, "cat: nope.md: No such file or directory\n")
    unknown = run(api, "python3", "-c", "print(1)")
    assert unknown["exitCode"] == 127 and "command not found" in str(unknown["stderr"])
    assert error(api, "POST", "/context/runtime/execute", {"command": "rm", "args": ["-rf", "."]}) == (
        400,
        "readOnly",
    )
    assert error(api, "POST", "/context/runtime/execute", {"command": "ls", "args": [1]}) == (
        400,
        "invalidBody",
    )
    assert run(api, "grep", "-Z", "x", "README.md")["exitCode"] == 2
    assert error(api, "POST", "/context/runtime/execute", {"command": "grep 'unbalanced"}) == (
        400,
        "invalidBody",
    )


def test_graph_links_markdown_and_wiki_links(api: Api) -> None:
    graph = ok(api, "GET", "/context/graph")["graph"]
    titles = {n["path"]: n["title"] for n in graph["nodes"]}
    assert titles["persona/vp-sales.md"] == "VP Sales"
    edges = {(e["source"], e["target"]) for e in graph["edges"]}
    assert {
        ("README.md", "icp/saas-europe.md"),
        ("icp/saas-europe.md", "persona/vp-sales.md"),  # [[vp-sales]]
        ("persona/revops-lead.md", "persona/vp-sales.md"),  # relative link
        ("playbooks/outbound.md", "icp/saas-europe.md"),  # ../ link
    } <= edges
