"""Runs, batches and agent messages: deterministic execution and time.

A run's outcome is computed when it is created (a *plan*: the executions,
the context and the final status, all pure functions of the node graph and
the input); time only decides how much of it is visible. Every request first
calls :func:`tick`, which moves due runs ``pending → running →
success|error`` and rolls batch counts up from their runs. ``--speed``
divides every duration.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cargo_cli.sandbox.store import Store, iso, new_uuid

PENDING_S = 0.5  # queued before a run starts
NODE_S = 0.5  # per executed node
CONCURRENCY = 10  # runs of one batch running at the same time
MESSAGE_PENDING_S = 0.5
MESSAGE_GENERATING_S = 1.0
INDUSTRIES = ("Software", "Fintech", "Healthcare", "Retail", "Logistics", "Media", "Energy", "Education")
COUNTRIES = ("FR", "US", "DE", "GB", "ES", "NL", "IT", "SE")
CREDITS = {"connector": 2, "tool": 1, "agent": 3, "native": 0}
TEMPLATE = re.compile(r"\{\{\s*([\w.\-\[\]]+)\s*\}\}")


def digest(*parts: Any) -> int:
    text = json.dumps(parts, sort_keys=True, default=str)
    return int(hashlib.sha256(text.encode()).hexdigest()[:15], 16)


class NodeError(Exception):
    pass


# -- deterministic node outputs ---------------------------------------------------
def _lookup(context: Any, path: str) -> Any:
    value = context
    for part in path.replace("[", ".").replace("]", "").split("."):
        if isinstance(value, Mapping):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def resolve(value: Any, context: Mapping[str, Any]) -> Any:
    """``{{nodes.start.domain}}`` templates in a node config, recursively."""
    if isinstance(value, str):
        whole = TEMPLATE.fullmatch(value.strip())
        if whole:
            return _lookup(context, whole.group(1))
        return TEMPLATE.sub(lambda m: str(_lookup(context, m.group(1)) or ""), value)
    if isinstance(value, Mapping):
        return {k: resolve(v, context) for k, v in value.items() if k != "kind" or not isinstance(v, str)}
    if isinstance(value, list):
        return [resolve(v, context) for v in value]
    return value


def _domain_of(data: Mapping[str, Any]) -> str | None:
    for key in ("domain", "website", "companyDomain", "company_domain"):
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip().lower().removeprefix("https://").removeprefix("http://").removeprefix("www.")
    email = data.get("email")
    if isinstance(email, str) and "@" in email:
        return email.split("@", 1)[1].lower()
    return None


def enrich(integration: str, action: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """The fake enrichment of a connector action: a pure function of its input."""
    h = digest(integration, action, data)
    lowered = action.lower()
    if any(word in lowered for word in ("email", "person", "contact", "people")):
        domain = _domain_of(data)
        first = str(data.get("firstName") or data.get("first_name") or "alex").lower()
        last = str(data.get("lastName") or data.get("last_name") or "martin").lower()
        if not domain:
            raise NodeError(f"{integration}.{action}: a domain or an email is required")
        return {
            "email": f"{first}.{last}@{domain}",
            "confidence": 50 + h % 50,
            "title": ("Head of Sales", "CTO", "VP Marketing", "Founder", "Growth Lead")[h % 5],
            "linkedinUrl": f"https://www.linkedin.com/in/{first}-{last}-{h % 10000}",
        }
    if any(word in lowered for word in ("company", "domain", "organization", "account", "enrich")):
        domain = _domain_of(data)
        if not domain:
            raise NodeError(f"{integration}.{action}: a domain is required")
        stem = domain.split(".")[0]
        return {
            "domain": domain,
            "name": stem.replace("-", " ").title(),
            "employees": 10 + h % 5000,
            "industry": INDUSTRIES[h % len(INDUSTRIES)],
            "country": COUNTRIES[(h // 7) % len(COUNTRIES)],
            "foundedYear": 1960 + h % 64,
            "linkedinUrl": f"https://www.linkedin.com/company/{stem}",
            "score": h % 100,
        }
    return {"result": f"{integration}.{action}:{h % 1_000_000:06d}", "score": h % 100}


def _node_output(node: Mapping[str, Any], current: dict[str, Any], context: dict[str, Any]) -> Any:
    kind = node.get("kind")
    config = node.get("config") if isinstance(node.get("config"), Mapping) else {}
    resolved = resolve(config, context) if config else {}
    if kind == "native":
        return dict(current)  # native nodes pass the data through
    if kind == "connector":
        given = resolved if isinstance(resolved, Mapping) and resolved else current
        return enrich(str(node.get("integrationSlug")), str(node.get("actionSlug")), given)
    if kind == "tool":
        return {"toolUuid": node.get("toolUuid"), "result": digest("tool", current) % 1000}
    if kind == "agent":
        return {"answer": f"Deterministic answer #{digest('agent', current) % 1000}"}
    raise NodeError(f"Unknown node kind {kind!r}")


def ordered_nodes(nodes: list[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The path from the start node, following each node's first child."""
    if not nodes:
        return []
    by_uuid = {str(n.get("uuid")): n for n in nodes}
    start = next((n for n in nodes if n.get("actionSlug") == "start" or n.get("slug") == "start"), nodes[0])
    path: list[Mapping[str, Any]] = []
    seen: set[str] = set()
    node: Mapping[str, Any] | None = start
    while node is not None and str(node.get("uuid")) not in seen:
        seen.add(str(node.get("uuid")))
        path.append(node)
        children = [c for c in (node.get("childrenUuids") or []) if c]
        node = by_uuid.get(str(children[0])) if children else None
    return path


def plan(nodes: list[Mapping[str, Any]], data: Any) -> dict[str, Any]:
    """Execute a graph on an input, instantly and deterministically."""
    current: dict[str, Any] = dict(data) if isinstance(data, Mapping) else {"value": data}
    context: dict[str, Any] = {"nodes": {}}
    executions: list[dict[str, Any]] = []
    computed: dict[str, Any] = {}
    status, error, credits = "success", None, 0
    for node in ordered_nodes(nodes):
        slug = str(node.get("slug") or node.get("uuid"))
        kind = str(node.get("kind") or "native")
        execution: dict[str, Any] = {
            "nodeUuid": node.get("uuid"), "nodeSlug": slug, "nodeKind": kind,
            "nodeActionSlug": node.get("actionSlug"), "nodeBatchUuid": None, "nodeRunUuid": None,
            "nodeMessageUuid": None, "nodeChildIndex": None, "nextNodeUuid": None,
            "nodeWaitUntilFinished": bool(node.get("waitUntilFinished", False)),
            "title": node.get("name") or slug, "iconUrl": None,
        }  # fmt: skip
        if kind == "connector":
            execution["nodeConnectorUuid"] = node.get("connectorUuid")
            execution["nodeIntegrationSlug"] = node.get("integrationSlug")
        elif kind in ("tool", "agent"):
            execution[f"node{kind.title()}Uuid"] = node.get(f"{kind}Uuid")
            execution["nodeReleaseUuid"] = node.get("releaseUuid")
        computed[slug] = resolve(node.get("config") or {}, context)
        try:
            output = _node_output(node, current, context)
        except NodeError as exc:
            execution.update(status="error", errorMessage=str(exc), creditsUsedCount=0)
            executions.append(execution)
            if node.get("fallbackOnFailure"):
                continue
            status, error = "error", f"Node {slug} failed: {exc}"
            break
        node_credits = CREDITS.get(kind, 0)
        credits += node_credits
        execution.update(status="success", errorMessage=None, creditsUsedCount=node_credits)
        executions.append(execution)
        context["nodes"][slug] = output
        current = {**current, **output} if isinstance(output, Mapping) else current
    for index, execution in enumerate(executions[:-1]):
        execution["nextNodeUuid"] = executions[index + 1]["nodeUuid"]
    return {
        "executions": executions, "context": context, "computedConfigs": computed,
        "status": status, "errorMessage": error, "credits": credits, "output": current,
    }  # fmt: skip


# -- runs ----------------------------------------------------------------------------
def record_identity(data: Any, id_slug: str | None = None, title_slug: str | None = None) -> tuple[str, str]:
    if isinstance(data, Mapping):
        rid = data.get(id_slug or "id") if id_slug else None
        rid = rid if rid is not None else data.get("id")
        title = data.get(title_slug) if title_slug else None
        title = title or data.get("name") or data.get("title") or data.get("domain") or data.get("email")
    else:
        rid, title = None, None
    rid = str(rid) if rid is not None else f"rec_{digest(data) % 10**10:010d}"
    return rid, str(title if title is not None else rid)


@dataclass(frozen=True)
class Launch:
    """Who runs which graph: what every run and batch of a request shares."""

    workspace_uuid: str
    user_uuid: str
    workflow_uuid: str
    release_uuid: str | None
    nodes: list[Mapping[str, Any]]
    speed: float
    adhoc: bool = False  # the nodes were sent with the request (stored on the run)
    id_slug: str | None = None  # the record id and title columns of the inputs
    title_slug: str | None = None


def create_runs(store: Store, launch: Launch, inputs: list[Any], batch_uuid: str | None = None) -> list[str]:
    nodes, speed = launch.nodes, launch.speed
    now = store.now()
    steps = max(1, len(ordered_nodes(nodes)))
    duration = NODE_S * steps
    rows, uuids = [], []
    for index, data in enumerate(inputs):
        outcome = plan(nodes, data)
        executed = max(1, len(outcome["executions"]))
        start = now + dt.timedelta(seconds=(PENDING_S + (index // CONCURRENCY) * duration) / speed)
        done = start + dt.timedelta(seconds=NODE_S * executed / speed)
        record_id, title = record_identity(data, launch.id_slug, launch.title_slug)
        uuid = new_uuid()
        uuids.append(uuid)
        rows.append([
            uuid, launch.workspace_uuid, launch.workflow_uuid, launch.user_uuid, launch.release_uuid, batch_uuid,
            new_uuid(), record_id, title, "pending", None, 0, now, now, None, json.dumps(data),
            json.dumps(list(nodes)) if launch.adhoc else None, json.dumps(outcome), start, done,
            outcome["status"], outcome["errorMessage"], outcome["credits"], False,
        ])  # fmt: skip
    store.insert_many("runs", rows)
    return uuids


def _execution_view(
    execution: Mapping[str, Any], start: dt.datetime, index: int, speed: float
) -> dict[str, Any]:
    began = start + dt.timedelta(seconds=NODE_S * index / speed)
    ended = began + dt.timedelta(seconds=NODE_S / speed)
    return {**execution, "startedAt": iso(began), "updatedAt": iso(ended), "finishedAt": iso(ended)}


def run_view(row: Mapping[str, Any], speed: float, now: dt.datetime) -> dict[str, Any]:
    outcome = json.loads(row["plan"]) if row.get("plan") else {"executions": []}
    status = row["status"]
    executions = outcome.get("executions", [])
    start = row["runningAt"] or row["createdAt"]
    if status == "pending":
        shown: list[dict[str, Any]] = []
    elif status == "running":
        done = int((now - start).total_seconds() * speed / NODE_S)
        shown = [_execution_view(e, start, i, speed) for i, e in enumerate(executions[:done])]
        if done < len(executions):
            shown.append({**executions[done], "status": "pending", "errorMessage": None, "creditsUsedCount": 0,
                          "startedAt": iso(now), "updatedAt": iso(now), "finishedAt": None})  # fmt: skip
    elif status == "cancelled":
        shown = []
    else:
        shown = [_execution_view(e, start, i, speed) for i, e in enumerate(executions)]
    return {
        "uuid": row["uuid"], "workspaceUuid": row["workspaceUuid"], "workflowUuid": row["workflowUuid"],
        "userUuid": row["userUuid"], "releaseUuid": row["releaseUuid"],
        "nodes": json.loads(row["nodes"]) if row.get("nodes") else None, "batchUuid": row["batchUuid"],
        "traceUuid": row["traceUuid"], "temporalWorkflowId": f"run-{row['uuid']}",
        "recordId": row["recordId"], "recordTitle": row["recordTitle"],
        "contextS3Filename": f"runs/{row['uuid']}/context.json",
        "computedConfigsS3Filename": f"runs/{row['uuid']}/computed-configs.json",
        "parentUuid": None, "parentNodeUuid": None, "parentBatchUuid": None, "parentAgentUuid": None,
        "parentChatUuid": None, "parentMessageUuid": None, "isGroupParent": None,
        "status": status, "errorMessage": row["errorMessage"], "executions": shown,
        "creditsUsedCount": row["creditsUsedCount"] or 0,
        "createdAt": iso(row["createdAt"]), "updatedAt": iso(row["updatedAt"]),
        "finishedAt": iso(row["finishedAt"]), "deletedAt": None,
    }  # fmt: skip


def run_context(row: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(runContext, runComputedConfigs) as far as the run has got."""
    data = json.loads(row["input"]) if row.get("input") else {}
    if row["status"] not in ("success", "error"):
        return {"nodes": {"start": data}}, {}
    outcome = json.loads(row["plan"])
    return outcome["context"], outcome["computedConfigs"]


def cancel_runs(store: Store, where: str, params: list[Any]) -> int:
    now = store.now()
    count = store.scalar(
        f"SELECT count(*) FROM runs WHERE status IN ('pending', 'running') AND {where}", params
    )
    store.db.execute(
        "UPDATE runs SET status = 'cancelled', finishedAt = ?, updatedAt = ?, spansWritten = true "
        f"WHERE status IN ('pending', 'running') AND {where}",
        [now, now, *params],
    )
    return int(count or 0)


# -- time passes ---------------------------------------------------------------------
def tick(store: Store) -> None:
    now = store.now()
    db = store.db
    moving = db.execute(
        "SELECT 1 FROM runs WHERE status IN ('pending', 'running') OR NOT spansWritten LIMIT 1"
    ).fetchone()
    if (
        moving is None
        and db.execute("SELECT 1 FROM batches WHERE status IN ('pending', 'running') LIMIT 1").fetchone()
        is None
    ):
        return
    db.execute(
        "UPDATE runs SET status = 'running', updatedAt = runningAt WHERE status = 'pending' AND runningAt <= ?",
        [now],
    )
    db.execute(
        "UPDATE runs SET status = finalStatus, errorMessage = finalError, creditsUsedCount = planCredits, "
        "finishedAt = doneAt, updatedAt = doneAt WHERE status IN ('pending', 'running') AND doneAt <= ?",
        [now],
    )
    _write_spans(store)
    db.execute(
        """
        UPDATE batches SET
          executedRunsCount = a.done, failedRunsCount = a.failed, creditsUsedCount = a.credits,
          runsStatus = CASE WHEN a.failed > 0 THEN 'unhealthy' ELSE 'healthy' END,
          status = CASE WHEN a.done >= batches.runsCount THEN 'success'
                        WHEN a.started > 0 THEN 'running' ELSE batches.status END,
          finishedAt = CASE WHEN a.done >= batches.runsCount THEN a.lastDone ELSE NULL END,
          updatedAt = CASE WHEN a.done >= batches.runsCount THEN a.lastDone ELSE ? END
        FROM (
          SELECT batchUuid,
                 count(*) FILTER (WHERE status IN ('success', 'error', 'cancelled', 'skipped')) AS done,
                 count(*) FILTER (WHERE status = 'error') AS failed,
                 coalesce(sum(creditsUsedCount), 0) AS credits,
                 count(*) FILTER (WHERE status <> 'pending') AS started,
                 max(finishedAt) AS lastDone
          FROM runs WHERE batchUuid IN (SELECT uuid FROM batches WHERE status IN ('pending', 'running'))
          GROUP BY batchUuid
        ) AS a
        WHERE batches.uuid = a.batchUuid AND batches.status IN ('pending', 'running')
        """,
        [now],
    )


def _write_spans(store: Store) -> None:
    finished = store.rows("SELECT * FROM runs WHERE NOT spansWritten AND status IN ('success', 'error')")
    if not finished:
        return
    rows = []
    for run in finished:
        start = run["runningAt"] or run["createdAt"]
        executions = json.loads(run["plan"])["executions"]
        step = ((run["finishedAt"] or start) - start) / max(1, len(executions))  # NODE_S / speed
        for index, e in enumerate(executions):
            began, ended = start + step * index, start + step * (index + 1)
            rows.append([
                run["workspaceUuid"], run["workflowUuid"], run["userUuid"], run["batchUuid"], run["traceUuid"],
                run["recordId"], run["recordTitle"], run["uuid"], e.get("nodeUuid"), e.get("nodeKind"),
                e.get("nodeSlug"), e.get("nodeActionSlug"), e.get("nodeConnectorUuid"),
                e.get("nodeIntegrationSlug"), index, e.get("status"), e.get("errorMessage"), e.get("title"),
                e.get("creditsUsedCount", 0), began, ended, ended,
            ])  # fmt: skip
    store.insert_many("spans", rows)
    store.db.execute(
        "UPDATE runs SET spansWritten = true WHERE uuid IN (SELECT unnest(?))",
        [[r["uuid"] for r in finished]],
    )


# -- batches ---------------------------------------------------------------------------
def batch_view(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "uuid": row["uuid"], "workspaceUuid": row["workspaceUuid"], "workflowUuid": row["workflowUuid"],
        "userUuid": row["userUuid"], "releaseUuid": row["releaseUuid"],
        "nodes": json.loads(row["nodes"]) if row.get("nodes") else None,
        "temporalWorkflowId": f"batch-{row['uuid']}", "traceUuid": row["traceUuid"],
        "data": json.loads(row["data"]) if row.get("data") else None,
        "errorMessage": row["errorMessage"], "status": row["status"], "runsStatus": row["runsStatus"],
        "runsCount": row["runsCount"], "executedRunsCount": row["executedRunsCount"],
        "failedRunsCount": row["failedRunsCount"], "creditsUsedCount": row["creditsUsedCount"],
        "createdAt": iso(row["createdAt"]), "updatedAt": iso(row["updatedAt"]), "finishedAt": iso(row["finishedAt"]),
    }  # fmt: skip


def create_batch(store: Store, launch: Launch, data: Mapping[str, Any], inputs: list[Any]) -> str:
    now = store.now()
    uuid = new_uuid()
    status = "pending" if inputs else "success"
    store.db.execute(
        "INSERT INTO batches VALUES (" + ", ".join("?" * 18) + ")",
        [
            uuid, launch.workspace_uuid, launch.workflow_uuid, launch.user_uuid, launch.release_uuid, None,
            json.dumps(dict(data)), json.dumps(list(launch.nodes)) if launch.adhoc else None, status, None, None, len(inputs), 0, 0, 0,
            now, now, None if inputs else now,
        ],
    )  # fmt: skip
    create_runs(store, launch, inputs, batch_uuid=uuid)
    return uuid


def cancel_batch(store: Store, uuid: str) -> None:
    now = store.now()
    cancel_runs(store, "batchUuid = ?", [uuid])
    store.db.execute(
        "UPDATE batches SET status = 'cancelled', finishedAt = ?, updatedAt = ? "
        "WHERE uuid = ? AND status IN ('pending', 'running')",
        [now, now, uuid],
    )
    tick_counts(store, uuid)


def tick_counts(store: Store, uuid: str) -> None:
    """Refresh a batch's counts from its runs (also once it is terminal)."""
    store.db.execute(
        """
        UPDATE batches SET
          executedRunsCount = (SELECT count(*) FROM runs WHERE batchUuid = ? AND status IN ('success', 'error')),
          failedRunsCount = (SELECT count(*) FROM runs WHERE batchUuid = ? AND status = 'error'),
          creditsUsedCount = (SELECT coalesce(sum(creditsUsedCount), 0) FROM runs WHERE batchUuid = ?)
        WHERE uuid = ?
        """,
        [uuid, uuid, uuid, uuid],
    )


# -- agent messages --------------------------------------------------------------------
def answer_text(agent_name: str, text: str) -> str:
    h = digest(agent_name, text)
    words = [w for w in re.findall(r"[A-Za-z0-9][\w.@-]*", text) if len(w) > 3][:3]
    topic = ", ".join(words) if words else "your question"
    return (
        f"[{agent_name}] I looked into {topic}. Summary #{h % 10000:04d}: "
        f"{('high', 'medium', 'low')[h % 3]} intent, {1 + h % 9} matching accounts."
    )


def message_view(message: Mapping[str, Any], speed: float, now: dt.datetime) -> dict[str, Any]:
    """An assistant message moves pending → generating → success with time."""
    view = {k: v for k, v in message.items() if not k.startswith("_")}
    if view.get("type") != "assistant" or view.get("status") in ("cancelled", "error"):
        return view
    created = dt.datetime.fromisoformat(str(message["createdAt"]).rstrip("Z"))
    elapsed = (now - created).total_seconds() * speed
    if elapsed < MESSAGE_PENDING_S:
        view.update(status="pending", parts=[], finishedAt=None)
    elif elapsed < MESSAGE_PENDING_S + MESSAGE_GENERATING_S:
        text = str(message.get("_answer", ""))
        view.update(
            status="generating", parts=[{"type": "text", "text": text[: len(text) // 2]}], finishedAt=None
        )
    else:
        finished = created + dt.timedelta(seconds=(MESSAGE_PENDING_S + MESSAGE_GENERATING_S) / speed)
        view.update(
            status="success", parts=[{"type": "text", "text": message.get("_answer", "")}],
            finishedAt=iso(finished), updatedAt=iso(finished),
        )  # fmt: skip
    return view
