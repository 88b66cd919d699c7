"""`cargo-ai mcp` end to end: the official MCP SDK's stdio client starts the
installed `cargo-ai mcp` against a running sandbox, and every answer is
checked against the REST answer (through the CLI). Exits, signals and a dead
sandbox are driven on a raw subprocess (the SDK client hides the process)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import anyio
import pytest

mcp = pytest.importorskip("mcp", reason="the mcp extra (make install installs it)")

from mcp import ClientSession  # noqa: E402
from mcp.client.stdio import StdioServerParameters, stdio_client  # noqa: E402
from mcp.shared.exceptions import MCPError  # noqa: E402

from cargo_cli.sandbox.launcher import sandbox  # noqa: E402
from tests.e2e.sandbox.conftest import CARGO_AI, FAST, Cli, start  # noqa: E402

PLATFORM_TOOLS = {
    "whoami", "get_usage", "search_actions", "get_action_schema", "autocomplete_action", "execute_action",
    "execute_action_batch", "get_run", "get_batch", "list_runs", "list_models", "describe_model", "query_models",
}  # fmt: skip
ENRICH = {"kind": "connector", "integrationSlug": "clearbit", "actionSlug": "enrichCompany"}
INIT = {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}}


@pytest.fixture(scope="module")
def box(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cli]:
    """A sandbox of its own (its request log is read), logged in."""
    yield from start(tmp_path_factory.mktemp("mcp"), FAST)


def session(cli: Cli, *args: str, **env: str) -> Any:
    """Run ``body(session)`` in an SDK client session with `cargo-ai mcp`."""
    params = StdioServerParameters(
        command=str(CARGO_AI), args=["mcp", *args], env=cli.sbx.env(cli.home, **env)
    )

    def run(body: Any) -> Any:
        async def main() -> Any:
            with open(os.devnull, "w") as errlog:
                async with (
                    stdio_client(params, errlog=errlog) as (read, write),
                    ClientSession(read, write) as s,
                ):
                    with anyio.fail_after(60):
                        return await body(s)

        return anyio.run(main)

    return run


def structured(result: Any) -> Any:
    assert not result.is_error, result.content
    assert json.loads(result.content[0].text) == result.structured_content  # the text is the same JSON
    return result.structured_content


def test_initialize_list_tools_and_answers_like_the_rest_api(box: Cli) -> None:
    sql = "SELECT id, name, country FROM crm.companies ORDER BY id LIMIT 5"

    async def body(s: ClientSession) -> Any:
        init = await s.initialize()
        tools = (await s.list_tools()).tools
        models = structured(await s.call_tool("list_models", {}))
        query = structured(await s.call_tool("query_models", {"query": sql}))
        run = structured(
            await s.call_tool("execute_action", {"action": ENRICH, "data": {"domain": "acme.example"}})
        )
        bad = await s.call_tool("query_models", {})
        return init, tools, models, query, run, bad

    init, tools, models, query, run, bad = session(box)(body)
    assert init.server_info.name == "cargo-sandbox"
    assert {t.name for t in tools} == PLATFORM_TOOLS
    assert all(t.input_schema["type"] == "object" and t.description for t in tools)
    query_tool = next(t for t in tools if t.name == "query_models")
    assert query_tool.input_schema["required"] == ["query"]
    assert models == box.ok("storage", "model", "list")
    rest_query = box.ok("storage", "query", "execute", sql)
    assert query["rows"] == rest_query["rows"] and len(query["rows"]) == 5
    # execute_action made a real run: the CLI reads it back
    rest_run = box.ok("orchestration", "run", "get", run["run"]["uuid"])
    assert rest_run["run"]["uuid"] == run["run"]["uuid"]
    assert rest_run["run"]["workflowUuid"] == run["run"]["workflowUuid"]
    # a tool call with bad arguments is a tool error the model can read
    assert bad.is_error and "query" in bad.content[0].text


def test_list_runs_sees_the_runs_made_through_the_cli(box: Cli) -> None:
    made = box.ok("orchestration", "action", "execute", "--action", json.dumps(ENRICH),
                  "--data", '{"domain": "globex.example"}')["run"]  # fmt: skip

    async def body(s: ClientSession) -> Any:
        await s.initialize()
        every = structured(await s.call_tool("list_runs", {"limit": 1000}))
        one = structured(await s.call_tool("list_runs", {"workflowUuid": made["workflowUuid"]}))
        got = structured(await s.call_tool("get_run", {"uuid": made["uuid"]}))
        return every, one, got

    every, one, got = session(box)(body)
    assert made["uuid"] in [r["uuid"] for r in every["runs"]]
    rest = box.ok("orchestration", "run", "list", "--workflow-uuid", made["workflowUuid"])
    assert [r["uuid"] for r in one["runs"]] == [r["uuid"] for r in rest["runs"]] == [made["uuid"]]
    assert got["run"]["uuid"] == made["uuid"] and got["runContext"] is not None


def test_the_other_platform_tools(box: Cli) -> None:
    async def body(s: ClientSession) -> Any:
        await s.initialize()
        names = ("whoami", "get_usage", "search_actions", "get_action_schema", "autocomplete_action",
                 "execute_action_batch", "describe_model")  # fmt: skip
        args: list[dict[str, Any]] = [
            {}, {"from": "2020-01-01", "to": "2100-01-01"}, {"query": "enrich company"}, {"action": ENRICH},
            {"integrationSlug": "clearbit", "slug": "connectorUuid"},
            {"action": ENRICH, "records": [{"domain": "a.example"}, {"domain": "b.example"}]}, {"slug": "companies"},
        ]  # fmt: skip
        answers = [structured(await s.call_tool(n, a)) for n, a in zip(names, args, strict=True)]
        batch = answers[5]["batch"]
        return [*answers, structured(await s.call_tool("get_batch", {"uuid": batch["uuid"]}))]

    who, usage, search, schema, complete, batch, model, got_batch = session(box)(body)
    rest_who = box.ok("whoami")
    assert (
        who["user"]["uuid"] == rest_who["user"]["uuid"]
        and who["workspace"]["uuid"] == rest_who["workspace"]["uuid"]
    )
    assert {m["unit"] for m in usage["metrics"]} == {"billing.credits", "orchestration.executions"}
    assert next(m for m in usage["metrics"] if m["unit"] == "orchestration.executions")["value"] >= 1
    assert search["results"][0]["action"]["actionSlug"] == "enrichCompany"
    assert schema["inputSchema"]["required"] == ["domain"]
    connectors = box.ok("connection", "connector", "list")["connectors"]
    assert [r["value"] for r in complete["results"]] == [
        c["uuid"] for c in connectors if c["integrationSlug"] == "clearbit"
    ]
    assert batch["batch"]["runsCount"] == 2 and got_batch["batch"]["uuid"] == batch["batch"]["uuid"]
    assert model["model"]["slug"] == "companies" and "CREATE TABLE crm.companies" in model["ddl"]


def test_a_curated_server_selected_by_server(box: Cli) -> None:
    actions = [{**ENRICH, "slug": "enrich_company", "description": "Enrich a company from its domain"}]
    server = box.ok("ai", "mcp-server", "create", "--name", "Enrichment", "--actions", json.dumps(actions))[
        "mcpServer"
    ]

    async def body(s: ClientSession) -> Any:
        await s.initialize()
        tools = (await s.list_tools()).tools
        return tools, structured(await s.call_tool("enrich_company", {"domain": "initech.example"}))

    tools, run = session(box, "--server", server["uuid"])(body)
    assert [t.name for t in tools] == ["enrich_company"]
    assert tools[0].input_schema["required"] == ["domain"]
    assert box.ok("orchestration", "run", "get", run["run"]["uuid"])["run"]["uuid"] == run["run"]["uuid"]
    # CARGO_MCP_SERVER_UUID selects it too
    names = session(box, CARGO_MCP_SERVER_UUID=server["uuid"])(lambda s: _names(s))
    assert names == ["enrich_company"]
    # and ai mcp-client connect lists the tools of that endpoint
    url = f"{box.sbx.url}/v1/ai/mcpServers/{server['uuid']}/mcp"
    connected = box.ok("ai", "mcp-client", "connect", "--name", "self", "--url", url)
    assert connected["outcome"] == "connected" and [t["slug"] for t in connected["tools"]] == [
        "enrich_company"
    ]
    platform = box.ok("ai", "mcp-client", "connect", "--name", "self", "--url", f"{box.sbx.url}/mcp",
                      "--disabled-tool-slugs", "whoami,get_usage")  # fmt: skip
    assert {t["slug"] for t in platform["tools"]} == PLATFORM_TOOLS - {"whoami", "get_usage"}


async def _names(s: ClientSession) -> list[str]:
    await s.initialize()
    return [t.name for t in (await s.list_tools()).tools]


def test_a_bad_token_is_an_error_that_names_the_login_fix(box: Cli) -> None:
    secret = "sbx_not-a-real-token-1234567890"
    errors: list[str] = []

    async def body(s: ClientSession) -> Any:
        try:
            await s.initialize()
        except MCPError as exc:
            errors.append(str(exc))

    session(box, CARGO_API_TOKEN=secret)(body)
    assert errors and "401" in errors[0] and "cargo-ai login" in errors[0], errors
    assert secret not in errors[0]
    assert "WWW-Authenticate" not in errors[0]
    # the sandbox's own answer: a 401 with a challenge
    import httpx

    answer = httpx.post(f"{box.sbx.url}/mcp", json={}, headers={"authorization": f"Bearer {secret}"})
    assert answer.status_code == 401 and answer.headers["www-authenticate"].startswith("Bearer ")


def test_not_logged_in_is_an_error_that_names_the_login_fix(box: Cli, tmp_path: Path) -> None:
    errors: list[str] = []

    async def body(s: ClientSession) -> Any:
        try:
            await s.initialize()
        except MCPError as exc:
            errors.append(str(exc))

    session(box, HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / ".config"))(body)
    assert errors and "Not logged in" in errors[0] and "cargo-ai login" in errors[0]


# -- the process: raw stdio, to see exits, signals and the session's end ------------------------
class Raw:
    opened: ClassVar[list[Raw]] = []  # closed after each test (_close_raw_bridges)

    def __init__(self, cli: Cli, *args: str) -> None:
        self.cli = cli
        self.proc = subprocess.Popen(
            [str(CARGO_AI), "mcp", *args], env=cli.sbx.env(cli.home), stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        self.next_id = 0
        Raw.opened.append(self)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=15)
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()

    def send(self, method: str, params: Any = None, *, notify: bool = False) -> None:
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        if not notify:
            self.next_id += 1
            message["id"] = self.next_id
        assert self.proc.stdin is not None
        self.proc.stdin.write((json.dumps(message) + "\n").encode())
        self.proc.stdin.flush()

    def answer(self) -> Any:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        assert line, "stdout closed: " + self.stderr()
        return json.loads(line)

    def open(self) -> str:
        """initialize + initialized; the session id the sandbox logged."""
        self.send("initialize", INIT)
        assert self.answer()["result"]["serverInfo"]["name"] == "cargo-sandbox"
        self.send("notifications/initialized", notify=True)
        self.send("tools/list")
        assert len(self.answer()["result"]["tools"]) == 13
        return ""

    def wait(self, timeout: float = 15) -> int:
        return self.proc.wait(timeout=timeout)

    def stderr(self) -> str:
        assert self.proc.stderr is not None
        return self.proc.stderr.read().decode(errors="replace") if self.proc.poll() is not None else ""


@pytest.fixture(autouse=True)
def _close_raw_bridges() -> Iterator[None]:
    yield
    while Raw.opened:
        Raw.opened.pop().close()


def _deletes(cli: Cli) -> int:
    return cli.log.read_text().count("DELETE /mcp 200")


def _wait_for(predicate: Any, timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def test_stdin_closed_closes_the_session_and_exits_0(box: Cli) -> None:
    before = _deletes(box)
    raw = Raw(box)
    raw.open()
    raw.send("tools/call", {"name": "whoami", "arguments": {}})
    assert raw.proc.stdin is not None
    raw.proc.stdin.close()  # EOF right after a request: its answer still comes
    assert raw.answer()["result"]["structuredContent"]["workspace"]["uuid"] == box.sbx.workspace_uuid
    assert raw.wait() == 0
    assert raw.proc.stdout is not None and raw.proc.stdout.read() == b""  # nothing but the protocol
    assert _wait_for(lambda: _deletes(box) == before + 1)


@pytest.mark.parametrize(
    ("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130), (signal.SIGHUP, 129)]
)
def test_a_signal_closes_the_session(box: Cli, signum: int, code: int) -> None:
    before = _deletes(box)
    raw = Raw(box)
    raw.open()
    raw.proc.send_signal(signum)
    assert raw.wait() == code
    assert (
        raw.proc.stdout is not None and raw.proc.stdout.read() == b""
    )  # no JSON error on the protocol channel
    assert _wait_for(lambda: _deletes(box) == before + 1)
    assert signal.Signals(signum).name in raw.stderr()


def test_the_sandbox_killed_mid_session(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with sandbox(FAST, log=subprocess.DEVNULL) as sbx:  # type: ignore[arg-type]
        env = sbx.env(home, CARGO_API_TOKEN=sbx.token)
        params = StdioServerParameters(command=str(CARGO_AI), args=["mcp"], env=env)
        host = sbx.url.removeprefix("http://")
        seen: dict[str, Any] = {}

        async def main() -> None:
            with open(os.devnull, "w") as errlog:
                async with (
                    stdio_client(params, errlog=errlog) as (read, write),
                    ClientSession(read, write) as s,
                ):
                    with anyio.fail_after(60):
                        await s.initialize()
                        seen["before"] = structured(await s.call_tool("list_models", {}))
                        sbx.process.kill()
                        sbx.process.wait()
                        try:
                            await s.call_tool("list_models", {})
                        except MCPError as exc:
                            seen["error"] = str(exc)
                        seen["ping"] = None
                        try:
                            await s.send_ping()
                        except MCPError as exc:  # the bridge itself still answers
                            seen["ping"] = str(exc)

        anyio.run(main)
    assert seen["before"]["models"]
    assert host in seen["error"] and "Cannot reach" in seen["error"], seen
    assert host in str(seen["ping"])


def test_debug_logs_each_message_on_stderr_without_the_token(box: Cli) -> None:
    raw = Raw(box, "--debug")
    raw.open()
    assert raw.proc.stdin is not None
    raw.proc.stdin.close()
    assert raw.wait() == 0
    err = raw.stderr()
    assert '[cargo-ai debug] mcp → {"jsonrpc":"2.0","id":1,"method":"initialize"' in err
    assert "[cargo-ai debug] mcp ←" in err
    assert box.sbx.token not in err


def test_without_the_extra_the_command_says_how_to_install_it(tmp_path: Path) -> None:
    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "sitecustomize.py").write_text(
        "import sys\n"
        "class _Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'mcp' or name.startswith('mcp.'):\n"
        "            raise ImportError('No module named ' + repr(name))\n"
        "sys.meta_path.insert(0, _Block())\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("CARGO_")}
    env.update(
        PYTHONPATH=str(shim), HOME=str(tmp_path), CARGO_NO_KEYRING="1", CARGO_API_TOKEN="tok_123456789"
    )
    done = subprocess.run(
        [str(CARGO_AI), "mcp"], env=env, capture_output=True, text=True, timeout=60, input=""
    )
    assert done.returncode == 2
    answer = json.loads(done.stdout)
    assert "pip install 'cargo-ai[mcp]'" in answer["errorMessage"] and answer["reason"] == "extraMissing"
    assert "pip install 'cargo-ai[mcp]'" in done.stderr
    # the rest of the CLI does not need it
    assert (
        subprocess.run([str(CARGO_AI), "version"], env=env, capture_output=True, timeout=60).returncode == 0
    )
    assert sys.executable  # the shim only hides mcp from the subprocess
