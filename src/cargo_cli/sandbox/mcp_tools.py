"""The sandbox's MCP tools: the platform's 13 and those of curated servers
(docs/mcp.md). No MCP here: each tool is a function of the caller and its
arguments that answers from the same state as the REST routes, by calling
those routes (``Rest``), so an MCP answer and a CLI answer agree.

``cargo_cli.sandbox.mcp`` serves them with the ``mcp`` SDK.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cargo_cli.sandbox import engine
from cargo_cli.sandbox.http import ApiError, Ctx, bad_request, not_found
from cargo_cli.sandbox.route_helpers import listed, page, run_filter

if TYPE_CHECKING:
    from cargo_cli.sandbox.app import Sandbox

PLATFORM_PATH = "/mcp"
CURATED_PATH = re.compile(r"^/v1/ai/mcpServers/(?P<uuid>[^/]+)/mcp/?$")


def is_mcp_path(path: str) -> bool:
    return path.rstrip("/") == PLATFORM_PATH or CURATED_PATH.match(path) is not None


@dataclass(frozen=True)
class Caller:
    user_uuid: str
    workspace_uuid: str


class Rest:
    """The REST routes of one sandbox, called in-process as ``caller``."""

    def __init__(self, sandbox: Sandbox, caller: Caller) -> None:
        self.sandbox = sandbox
        self.caller = caller

    def ctx(self, method: str, path: str, body: Any = None, query: dict[str, Any] | None = None) -> Ctx:
        return Ctx(
            store=self.sandbox.store, method=method, path=path, params={}, query=query or {},
            body=body if body is not None else {}, workspace_uuid=self.caller.workspace_uuid,
            user_uuid=self.caller.user_uuid, base_url=self.sandbox.base_url, signer=self.sandbox.sign,
            speed=self.sandbox.speed,
        )  # fmt: skip

    def __call__(self, method: str, path: str, body: Any = None, query: dict[str, Any] | None = None) -> Any:
        matched = self.sandbox.router.match(method, path)
        if matched is None:
            raise ApiError(501, f"Not emulated by the sandbox: {method} {path}")
        handler, params = matched
        ctx = self.ctx(method, path, body, query)
        ctx.params = params
        return self.run(lambda: handler(ctx))

    def run(self, work: Callable[[], Any]) -> Any:
        """``work`` in one transaction, after the clock tick, as a route runs."""
        store = self.sandbox.store
        with store.transaction():
            engine.tick(store)
            return work()


# -- input schemas ---------------------------------------------------------------
def _obj(properties: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        schema["required"] = list(required)
    return schema


UUID_PROP = {"type": "string", "format": "uuid"}
ACTION_PROP = {
    "type": "object",
    "description": 'An action as search_actions gives it, e.g. {"kind": "connector", "integrationSlug": '
    '"clearbit", "actionSlug": "enrichCompany"}, or {"kind": "tool", "toolUuid": "..."}.',
    "properties": {"kind": {"type": "string", "enum": ["connector", "native", "tool"]}},
    "required": ["kind"],
}
DATA_PROP = {"type": "object", "description": "The record the action runs on (its inputs)."}
LIMIT_PROP = {"type": "integer", "minimum": 1, "maximum": 1000}
OFFSET_PROP = {"type": "integer", "minimum": 0}


def action_input_schema(action_slug: str) -> dict[str, Any]:
    """What a sandbox connector action reads (engine.enrich): a domain for the
    company ones, a domain or an email (and the names) for the person ones."""
    lowered = action_slug.lower()
    if any(word in lowered for word in ("email", "person", "contact", "people")):
        return {"type": "object", "properties": {
            "email": {"type": "string"}, "domain": {"type": "string"},
            "firstName": {"type": "string"}, "lastName": {"type": "string"},
        }, "anyOf": [{"required": ["email"]}, {"required": ["domain"]}]}  # fmt: skip
    if any(word in lowered for word in ("company", "domain", "organization", "account", "enrich")):
        return {"type": "object", "properties": {"domain": {"type": "string"}}, "required": ["domain"]}
    return {"type": "object", "additionalProperties": True}


# -- the platform tools -------------------------------------------------------------
def whoami(rest: Rest, _args: Mapping[str, Any]) -> Any:
    user = rest("GET", "/userManagement/users/current")
    workspace = rest("GET", "/workspaceManagement/workspaces/current")
    return {"user": user.get("user", user), "workspace": workspace.get("workspace", workspace)}


def get_usage(rest: Rest, args: Mapping[str, Any]) -> Any:
    """Credits and executions of the workspace's runs in [from, to) (the
    sandbox meters runs only)."""
    if rest.sandbox.router.match("GET", "/billing/usage/metrics") is not None:
        return rest("GET", "/billing/usage/metrics", query={k: v for k, v in args.items() if v is not None})
    where, params = ["workspaceUuid = ?"], [rest.caller.workspace_uuid]
    for field, op in (("from", ">="), ("to", "<")):
        if args.get(field):
            where.append(f"createdAt {op} CAST(CAST(? AS TIMESTAMPTZ) AS TIMESTAMP)")
            params.append(str(args[field]))
    sql = f"SELECT count(*), coalesce(sum(creditsUsedCount), 0) FROM runs WHERE {' AND '.join(where)}"

    def measure() -> Any:
        row = rest.sandbox.store.db.execute(sql, params).fetchone() or (0, 0)
        return {"from": args.get("from"), "to": args.get("to"), "metrics": [
            {"unit": "billing.credits", "value": int(row[1])},
            {"unit": "orchestration.executions", "value": int(row[0])},
        ]}  # fmt: skip

    return rest.run(measure)


def _catalog(rest: Rest) -> list[dict[str, Any]]:
    """Every action of the workspace: connector actions, then tools."""

    def read() -> list[dict[str, Any]]:
        ctx = rest.ctx("GET", "/mcp")
        connectors = {c["integrationSlug"]: c["uuid"] for c in listed(ctx, "connector")}
        entries = []
        for integration in ctx.store.all("integration"):
            for slug, action in (integration.get("actions") or {}).items():
                entries.append({
                    "name": action.get("name") or slug, "description": action.get("description"),
                    "integration": integration.get("name"),
                    "action": {"kind": "connector", "integrationSlug": integration["slug"], "actionSlug": slug,
                               "connectorUuid": connectors.get(integration["slug"])},
                })  # fmt: skip
        for tool in listed(ctx, "tool"):
            entries.append({"name": tool["name"], "description": tool.get("description"), "integration": None,
                            "action": {"kind": "tool", "toolUuid": tool["uuid"]}})  # fmt: skip
        return entries

    result: list[dict[str, Any]] = rest.run(read)
    return result


def _words(text: str) -> str:
    return " ".join(re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+", text)).lower() + " " + text.lower()


def search_actions(rest: Rest, args: Mapping[str, Any]) -> Any:
    keywords = str(args.get("query", "")).lower().split()
    limit = int(args.get("limit") or 20)
    results = []
    for entry in _catalog(rest):
        action = entry["action"]
        haystack = _words(" ".join(str(v or "") for v in (
            entry["name"], entry["description"], entry["integration"], action.get("integrationSlug"),
            action.get("actionSlug"),
        )))  # fmt: skip
        if all(word in haystack for word in keywords):
            results.append(entry)
    return {"query": args.get("query", ""), "totalMatches": len(results), "results": results[:limit]}


def _find_action(rest: Rest, action: Mapping[str, Any]) -> dict[str, Any]:
    for entry in _catalog(rest):
        known = entry["action"]
        if (
            action.get("kind") == "tool"
            and known["kind"] == "tool"
            and known["toolUuid"] == action.get("toolUuid")
        ):
            return entry
        if action.get("kind") == known["kind"] == "connector" and (
            (known["integrationSlug"], known["actionSlug"])
            == (action.get("integrationSlug"), action.get("actionSlug"))
        ):
            return entry
    raise ApiError(404, "Action not found.", "actionNotFound")


def get_action_schema(rest: Rest, args: Mapping[str, Any]) -> Any:
    entry = _find_action(rest, args["action"])
    action = entry["action"]
    schema = (
        action_input_schema(action["actionSlug"]) if action["kind"] == "connector"
        else {"type": "object", "additionalProperties": True}
    )  # fmt: skip
    return {**entry, "inputSchema": schema}


def autocomplete_action(rest: Rest, args: Mapping[str, Any]) -> Any:
    """Allowed values of an action field: the workspace's connectors of the
    integration (``connectorUuid``) or its actions (``actionSlug``)."""
    integration = str(args["integrationSlug"])
    value = str(args.get("value") or "").lower()
    field = str(args["slug"])
    if field == "connectorUuid":
        options = [
            {"value": c["uuid"], "label": c["name"]}
            for c in rest("GET", "/connection/connectors/list", query={"integrationSlug": integration})[
                "connectors"
            ]
        ]
    elif field == "actionSlug":
        found = rest("GET", f"/connection/integrations/{integration}")["integration"]
        options = [
            {"value": slug, "label": a.get("name") or slug}
            for slug, a in (found.get("actions") or {}).items()
        ]
    else:
        raise bad_request(
            f"No autocomplete for the field {field!r} (the sandbox has connectorUuid and actionSlug)"
        )
    return {
        "results": [
            o for o in options if value in str(o["label"]).lower() or value in str(o["value"]).lower()
        ]
    }


def _tool_workflow(rest: Rest, action: Mapping[str, Any]) -> str:
    tool = rest("GET", f"/orchestration/tools/{action.get('toolUuid')}")["tool"]
    return str(tool["workflowUuid"])


def execute_action(rest: Rest, args: Mapping[str, Any]) -> Any:
    action, data = args["action"], args.get("data") or {}
    if action.get("kind") == "tool":
        return rest(
            "POST", "/orchestration/runs", {"workflowUuid": _tool_workflow(rest, action), "data": data}
        )
    return rest("POST", "/orchestration/actions/execute", {"action": action, "data": data})


def execute_action_batch(rest: Rest, args: Mapping[str, Any]) -> Any:
    return rest(
        "POST", "/orchestration/actions/execute-batch", {"action": args["action"], "records": args["records"]}
    )


def get_run(rest: Rest, args: Mapping[str, Any]) -> Any:
    return rest("GET", f"/orchestration/runs/{args['uuid']}")


def get_batch(rest: Rest, args: Mapping[str, Any]) -> Any:
    return rest("GET", f"/orchestration/batches/{args['uuid']}")


def list_runs(rest: Rest, args: Mapping[str, Any]) -> Any:
    """The workspace's runs, newest first: those of one workflow (as
    ``orchestration run list``), or all of them (actions executed included)."""
    body = {k: v for k, v in args.items() if v is not None}
    if body.get("workflowUuid"):
        return rest("POST", "/orchestration/runs/list", body)
    ctx = rest.ctx("POST", "/orchestration/runs/list", body)

    def read() -> Any:
        where, params = run_filter(ctx, require_workflow=False)
        limit, offset = page(ctx)
        store = ctx.store
        rows = store.rows(
            f"SELECT * FROM runs WHERE {where} ORDER BY createdAt DESC, uuid LIMIT {limit} OFFSET {offset}",
            params,
        )
        count = store.scalar(f"SELECT count(*) FROM runs WHERE {where}", params)
        now = store.now()
        return {"runs": [engine.run_view(r, ctx.speed, now) for r in rows], "count": int(count or 0)}

    return rest.run(read)


def list_models(rest: Rest, _args: Mapping[str, Any]) -> Any:
    return rest("GET", "/storage/models/list")


def describe_model(rest: Rest, args: Mapping[str, Any]) -> Any:
    uuid = args.get("uuid")
    if not uuid:
        slug = args.get("slug")
        if not slug:
            raise bad_request("Pass the model's uuid or slug")
        found = [m for m in rest("GET", "/storage/models/list")["models"] if m.get("slug") == slug]
        if not found:
            raise not_found("model", str(slug))
        uuid = found[0]["uuid"]
    model = rest("GET", f"/storage/models/{uuid}")["model"]
    return {"model": model, **rest("GET", f"/storage/models/{uuid}/ddl")}


def query_models(rest: Rest, args: Mapping[str, Any]) -> Any:
    return rest("POST", "/storage/query", {"query": args["query"]})


@dataclass(frozen=True)
class Tool:
    name: str
    description: str
    input_schema: dict[str, Any]
    run: Callable[[Rest, Mapping[str, Any]], Any]


RUN_FILTERS = {
    "workflowUuid": UUID_PROP, "batchUuid": UUID_PROP, "recordId": {"type": "string"},
    "statuses": {"type": "array", "items": {"type": "string"}}, "limit": LIMIT_PROP, "offset": OFFSET_PROP,
}  # fmt: skip

PLATFORM_TOOLS: tuple[Tool, ...] = (
    Tool("whoami", "The current user and workspace.", _obj({}), whoami),
    Tool("get_usage", "Credits and executions used in a period (ISO dates, to exclusive).",
         _obj({"from": {"type": "string"}, "to": {"type": "string"}}), get_usage),
    Tool("search_actions", "Search the actions of the workspace (connector actions and tools) by keywords; "
         "each result has the action object to pass to execute_action.",
         _obj({"query": {"type": "string"}, "limit": LIMIT_PROP}, ("query",)), search_actions),
    Tool("get_action_schema", "The input schema of an action.", _obj({"action": ACTION_PROP}, ("action",)),
         get_action_schema),
    Tool("autocomplete_action", "Allowed values of an action field (connectorUuid, actionSlug).",
         _obj({"integrationSlug": {"type": "string"}, "slug": {"type": "string"}, "value": {"type": "string"},
               "connectorUuid": UUID_PROP}, ("integrationSlug", "slug")), autocomplete_action),
    Tool("execute_action", "Execute one action on one record; returns the run (poll it with get_run).",
         _obj({"action": ACTION_PROP, "data": DATA_PROP}, ("action",)), execute_action),
    Tool("execute_action_batch", "Execute one action on many records; returns the batch (poll it with get_batch).",
         _obj({"action": ACTION_PROP, "records": {"type": "array", "items": {"type": "object"}, "minItems": 1}},
              ("action", "records")), execute_action_batch),
    Tool("get_run", "A run, with its context and outputs.", _obj({"uuid": UUID_PROP}, ("uuid",)), get_run),
    Tool("get_batch", "A batch and its counts.", _obj({"uuid": UUID_PROP}, ("uuid",)), get_batch),
    Tool("list_runs", "Runs of the workspace, newest first (all, or those of one workflow).", _obj(RUN_FILTERS),
         list_runs),
    Tool("list_models", "The storage models (tables) of the workspace.", _obj({}), list_models),
    Tool("describe_model", "A model: its columns and its SQL DDL (by uuid or slug).",
         _obj({"uuid": UUID_PROP, "slug": {"type": "string"}}), describe_model),
    Tool("query_models", "Run SQL (DuckDB dialect) over the storage models, e.g. SELECT * FROM crm.companies.",
         _obj({"query": {"type": "string"}}, ("query",)), query_models),
)  # fmt: skip


# -- curated servers (ai mcp-server create) ------------------------------------------------
def _tool_name(action: Mapping[str, Any], index: int) -> str:
    raw = action.get("slug") or (
        f"{action.get('integrationSlug')}_{action.get('actionSlug')}" if action.get("kind") == "connector"
        else action.get("name") or f"action_{index + 1}"
    )  # fmt: skip
    return re.sub(r"[^A-Za-z0-9_-]+", "_", str(raw)).strip("_")[:64] or f"action_{index + 1}"


def curated_tools(server: Mapping[str, Any]) -> tuple[Tool, ...]:
    """One tool per action the server was created with: calling it executes
    the action with the arguments as the record."""
    tools = []
    for index, action in enumerate(server.get("actions") or []):
        if not isinstance(action, Mapping):
            continue
        schema = (
            action_input_schema(str(action.get("actionSlug", ""))) if action.get("kind") == "connector"
            else {"type": "object", "additionalProperties": True}
        )  # fmt: skip

        def run(rest: Rest, args: Mapping[str, Any], action: Mapping[str, Any] = action) -> Any:
            return execute_action(rest, {"action": dict(action), "data": dict(args)})

        description = (
            action.get("description") or f"Run the {action.get('kind')} action {_tool_name(action, index)}."
        )
        tools.append(Tool(_tool_name(action, index), str(description), schema, run))
    return tuple(tools)


def mcp_server(ctx: Ctx, uuid: str | None = None) -> dict[str, Any]:
    """A curated MCP server of the workspace, or 404 (``mcpServerNotFound``)."""
    key = uuid if uuid is not None else str(ctx.params.get("uuid", ""))
    found = ctx.store.get("mcpServer", key, ctx.workspace_uuid)
    if found is None or found.get("deletedAt"):
        raise ApiError(404, f"MCP server not found: {key}", "mcpServerNotFound")
    return found


def tools_of(ctx: Ctx, url_path: str) -> list[dict[str, Any]] | None:
    """The tools an MCP client connected to ``url_path`` of this sandbox sees
    (``ai mcp-client connect``), as ``{slug, description, config: {jsonSchema}}``;
    None when the path is not an MCP endpoint of the sandbox."""
    if url_path.rstrip("/") == PLATFORM_PATH:
        tools: tuple[Tool, ...] = PLATFORM_TOOLS
    else:
        found = CURATED_PATH.match(url_path)
        if found is None:
            return None
        tools = curated_tools(mcp_server(ctx, found.group("uuid")))
    return [
        {"slug": t.name, "description": t.description, "config": {"jsonSchema": t.input_schema}}
        for t in tools
    ]
