"""context graph / runtime commands over the workspace's context repository."""

from __future__ import annotations

import pytest

from cargo_cli.errors import describe_status
from tests.helpers import check_api_error, check_usage_error, table_tests

COMMIT = {"commit": {"sha": "abc123", "message": "Add persona"}}
PERSONA = "persona/vp-sales-mid-market.md"

# (argv, method, path, query, body, response)
CASES = [
    pytest.param(["graph", "get"], "GET", "/context/graph", "", None, {"nodes": [], "edges": []}, id="graph-get"),
    pytest.param(["runtime", "browse"], "GET", "/context/runtime", "", None, {"entries": []}, id="browse-root"),
    pytest.param(["runtime", "browse", "--path", "outputs/sales-notes"], "GET", "/context/runtime",
                 "path=outputs%2Fsales-notes", None, {"entries": [{"name": "a.md"}]}, id="browse-path"),
    pytest.param(["runtime", "read", "--path", PERSONA, "--start-line", "18", "--end-line", "22"], "POST",
                 "/context/runtime/content", "", {"path": PERSONA, "startLine": 18, "endLine": 22},
                 {"content": "...", "totalLines": 40}, id="read-range"),
    pytest.param(["runtime", "write", "--path", PERSONA, "--content", "---\ntitle: VP\n---\n", "--commit-message",
                  "Add VP of Sales mid-market persona"], "PUT", "/context/runtime/content", "",
                 {"path": PERSONA, "content": "---\ntitle: VP\n---\n",
                  "commitMessage": "Add VP of Sales mid-market persona"}, COMMIT, id="write"),
    pytest.param(["runtime", "edit", "--path", "global/positioning.md", "--old-string", "automate workflows",
                  "--new-string", "run AI-native GTM motions", "--commit-message", "Refresh one-liner"], "PATCH",
                 "/context/runtime/content", "",
                 {"path": "global/positioning.md", "oldString": "automate workflows",
                  "newString": "run AI-native GTM motions", "commitMessage": "Refresh one-liner"}, COMMIT,
                 id="edit"),
    pytest.param(["runtime", "edit", "--path", "a.md", "--old-string", "x", "--new-string", "y", "--replace-all"],
                 "PATCH", "/context/runtime/content", "",
                 {"path": "a.md", "oldString": "x", "newString": "y", "replaceAll": True}, COMMIT, id="edit-all"),
    pytest.param(["runtime", "execute", "--command", "ls", "--args", '["-1",".files"]'], "POST",
                 "/context/runtime/execute", "", {"command": "ls", "args": ["-1", ".files"]},
                 {"exitCode": 0, "stdout": "a.md\n", "stderr": ""}, id="execute"),
    pytest.param(["runtime", "execute", "--command", "pwd"], "POST", "/context/runtime/execute", "",
                 {"command": "pwd"}, {"exitCode": 0, "stdout": "/\n", "stderr": ""}, id="execute-no-args"),
]  # fmt: skip

test_request_and_output = table_tests("context", CASES)


@pytest.mark.parametrize(
    ("argv", "method", "path", "reason", "message"),
    [
        (["graph", "get"], "GET", "/context/graph", "tooManyFiles", "Context graph has too many files to compute."),
        (["runtime", "read", "--path", "x.md"], "POST", "/context/runtime/content", "fileNotFound",
         "File not found in the context runtime."),
        (["runtime", "edit", "--path", "x.md", "--old-string", "a", "--new-string", "b"], "PATCH",
         "/context/runtime/content", "stringNotUnique",
         "String to replace is not unique; pass replaceAll to replace every occurrence."),
    ],
)  # fmt: skip
def test_reason_table(cli, api, argv, method, path, reason, message):
    expected = {"errorMessage": message, "reason": reason}
    check_api_error(cli, api, ["context", *argv], method, path, 404, {"reason": reason}, expected)


def test_reason_without_default_message_stays_unknown(cli, api):
    # deniedPath has no default message in the vendor client: the vendor's bare
    # "Unknown error" becomes the status's actionable message (issue 12).
    expected = {"errorMessage": describe_status(403), "reason": "deniedPath"}
    argv = ["context", "runtime", "write", "--path", ".git/config", "--content", "x"]
    check_api_error(
        cli, api, argv, "PUT", "/context/runtime/content", 403, {"reason": "deniedPath"}, expected
    )


def test_write_content_from_stdin(cli, api):
    route = api.put("/context/runtime/content").respond(json=COMMIT)
    result = cli(
        "context", "runtime", "write", "--path", PERSONA, "--content", "-", stdin="# Persona\nline\n"
    )
    assert result.code == 0, result.out
    assert (
        route.calls[0].request.read()
        == b'{"path":"persona/vp-sales-mid-market.md","content":"# Persona\\nline\\n"}'
    )


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["runtime", "read"], "Missing option '--path'"),
        (["runtime", "read", "--path", "a", "--start-line", "0"], "--start-line"),
        (
            ["runtime", "read", "--path", "a", "--start-line", "9", "--end-line", "3"],
            "--end-line 3 is before",
        ),
        (["runtime", "write", "--path", "a"], "Missing option '--content'"),
        (["runtime", "edit", "--path", "a", "--old-string", "x"], "Missing option '--new-string'"),
        (["runtime", "execute"], "Missing option '--command'"),
        (["runtime", "execute", "--command", "ls", "--args", '"-l"'], "expected a JSON array"),
        (
            ["runtime", "execute", "--command", "ls", "--args", "[1, 2]"],
            "--args must be a JSON array of strings",
        ),
        (["graph", "get", "--path", "x"], "No such option"),
    ],
)
def test_usage_errors_send_nothing(cli, api, argv, fragment):
    check_usage_error(cli, api, ["context", *argv], fragment)
