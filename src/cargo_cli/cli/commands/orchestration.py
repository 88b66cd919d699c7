"""The orchestration domain: actions, runs, batches, records, releases, plays,
tools, workflows, templates, nodes and SQL queries.

Choices where the spec is silent are in docs/orchestration.md.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import click

from cargo_cli.api.resources import orchestration
from cargo_cli.cli.action_search import ACTION_LIST
from cargo_cli.cli.diagram import NODE_DIAGRAM
from cargo_cli.cli.paging import paginated
from cargo_cli.cli.params import (
    CSV,
    CSV_UUID,
    INT,
    ISO_DATE,
    JSON,
    JSON_ARRAY,
    JSON_OBJECT,
    LIMIT,
    OFFSET,
    SQL,
    UUID,
    choice,
    read_text_source,
)
from cargo_cli.cli.row_helpers import defaults, uuid_arg
from cargo_cli.cli.rows import Arg, Cmd, Invocation, Opt, build_domain
from cargo_cli.cli.wait import TERMINAL, ResourceMethod, WaitSpec, field_of
from cargo_cli.errors import UsageError

# -- parameter types ---------------------------------------------------------
OUTPUT_FORMATS = ("csv", "json")
RUN_CREATION_RULES = ("always", "once", "noConcurrency")
DEFAULT_TOOL_ICON = {"kind": "emoji", "emojiSlug": "wrench"}


# -- options shared by many commands -----------------------------------------
def workflow_uuid(required: bool = True) -> Opt:
    return Opt(
        "--workflow-uuid", UUID, required=required, help="The workflow (a play's or tool's workflowUuid)."
    )


WORKFLOW = workflow_uuid()
BATCH_UUID = Opt("--batch-uuid", UUID, help="Only this batch.")
RELEASE_UUID = Opt("--release-uuid", UUID, help="The release (default: the deployed one).")
CREATED_AFTER = Opt("--created-after", ISO_DATE, help="Created at or after (YYYY-MM-DD or ISO 8601).")
CREATED_BEFORE = Opt("--created-before", ISO_DATE, help="Created before (YYYY-MM-DD or ISO 8601).")
IS_FINISHED = Opt("--is-finished", is_flag=True, help="Only finished runs.")
LIMIT_OPT = Opt("--limit", LIMIT, help="At most this many.")
RECORD_ID = Opt("--record-id", help="Only this record id.")
STATUSES = Opt("--statuses", CSV, help="Comma-separated statuses (e.g. error,success).")
OUTPUT_NODE_SLUG = Opt("--output-node-slug", help="The output node (default: the last executed node).")
ACTION = Opt(
    "--action", JSON_OBJECT, required=True,
    help='The action, e.g. {"kind":"connector","integrationSlug":"clearbit","actionSlug":"enrichCompany"}.',
)  # fmt: skip
DATA = Opt("--data", JSON, help="The input record / data (JSON, @file or -).")
NODES = Opt("--nodes", JSON_ARRAY, help="A node graph: JSON array, @file or -.")


# -- waiting ---------------------------------------------------------------------
def _wait_spec(label: str, get_endpoint: ResourceMethod, interval_ms: int, backoff: bool) -> WaitSpec:
    return WaitSpec(
        label=label,
        get_endpoint=get_endpoint,
        uuid_of=field_of(label, "uuid"),
        status_of=field_of(label, "status"),
        default_interval_ms=interval_ms,
        terminal=TERMINAL | {"skipped"},
        backoff=backoff,
    )


RUN_WAIT = _wait_spec("run", orchestration.Run.get, 2000, backoff=False)
BATCH_WAIT = _wait_spec("batch", orchestration.Batch.get, 5000, backoff=True)


def wait_epilog(spec: WaitSpec) -> str:
    growth = f", growing by 25% per poll up to {spec.max_interval_ms} ms" if spec.backoff else ""
    return (
        f"With --wait-until-finished, polls the {spec.label} every {spec.default_interval_ms} ms"
        f"{growth} (--polling-interval), then prints it; an `error` status is data (exit 0) "
        "unless --exit-status is given (exit 1)."
    )


# -- custom actions ------------------------------------------------------------
def _nodes_from_file(path: str) -> Any:
    text = read_text_source("@" + path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        raise UsageError(
            f"--file {path}: not a JSON node graph. Evaluating CDK modules (.ts/.js) is not supported "
            "by this CLI: pass the compiled node graph with --nodes @nodes.json (or --file nodes.json)"
        ) from None
    nodes = data.get("nodes") if isinstance(data, dict) else data
    if not isinstance(nodes, list):
        raise UsageError(f"--file {path}: expected a JSON array of nodes or an object with a 'nodes' array")
    return nodes


@dataclass(frozen=True)
class BatchCreateOptions:
    file: str | None


def _create_batch(inv: Invocation) -> Any:
    payload = dict(inv.payload)
    file = inv.options.typed(BatchCreateOptions).file
    if file:
        if "nodes" in payload:
            raise UsageError("Pass the node graph with either --nodes or --file, not both")
        payload["nodes"] = _nodes_from_file(file)
    return inv.call(payload=payload)


# -- the commands ------------------------------------------------------------------
COMMANDS: list[Cmd] = [
    # action
    Cmd(
        "action execute", orchestration.Action.execute,
        "Execute one action on one record; returns a run.",
        opts=(ACTION, DATA), wait=RUN_WAIT, epilog=wait_epilog(RUN_WAIT),
                                            examples=(
                                                "cargo-ai orchestration action execute --action '{\"kind\":\"connector\",\"integrationSlug\":\"clearbit\",\"actionSlug\":\"enrichCompany\"}'",
                                                "cargo-ai orchestration action execute --action '{\"kind\":\"connector\",\"integrationSlug\":\"clearbit\",\"actionSlug\":\"enrichCompany\"}' --data '{\"domain\":\"acme.com\"}' --wait-until-finished",
                                            ),
    ),
    Cmd(
        "action execute-batch", orchestration.Action.execute_batch,
        "Execute one action over many records; returns a batch.",
        opts=(
            ACTION,
            Opt("--records", JSON_ARRAY, required=True, help="The records: JSON array, @file or -."),
            DATA,
            Opt("--webhook-secret", help="Secret sent with the completion webhook."),
            Opt("--webhook-url", help="URL called when the batch finishes."),
        ),
        wait=BATCH_WAIT, epilog=wait_epilog(BATCH_WAIT),
                         examples=(
                             "cargo-ai orchestration action execute-batch --action '{\"kind\":\"connector\",\"integrationSlug\":\"clearbit\",\"actionSlug\":\"enrichCompany\"}' --records '[{\"domain\":\"acme.com\"},{\"domain\":\"globex.com\"}]'",
                             "cargo-ai orchestration action execute-batch --action '{\"kind\":\"connector\",\"integrationSlug\":\"clearbit\",\"actionSlug\":\"enrichCompany\"}' --records '[{\"domain\":\"acme.com\"},{\"domain\":\"globex.com\"}]' --wait-until-finished --webhook-url https://hooks.example.com/done",
                         ),
    ),
    Cmd(
        "action get-output-schema", orchestration.Action.get_output_schema,
        "Resolve an action's output JSON Schema without executing → {schema}.",
        opts=(ACTION, DATA),
        examples=(
            "cargo-ai orchestration action get-output-schema --action '{\"kind\":\"connector\",\"integrationSlug\":\"clearbit\",\"actionSlug\":\"enrichCompany\"}'",
            "cargo-ai orchestration action get-output-schema --action '{\"kind\":\"connector\",\"integrationSlug\":\"clearbit\",\"actionSlug\":\"enrichCompany\"}' --data '{\"objectType\":\"contacts\"}'",
        ),
    ),
    ACTION_LIST,
    # run
    Cmd(
        "run create", orchestration.Run.create,
        "Run one record through a tool workflow or an ad-hoc --nodes graph.",
        opts=(DATA, NODES, RELEASE_UUID, workflow_uuid(required=False)),
        wait=RUN_WAIT, epilog=wait_epilog(RUN_WAIT),
                       examples=(
                           "cargo-ai orchestration run create --data '{\"company\":\"Acme\",\"domain\":\"acme.com\"}' --workflow-uuid <tool.workflowUuid>",
                           "cargo-ai orchestration run create --workflow-uuid <workflow-uuid> --data '{\"domain\":\"acme.com\"}' --wait-until-finished --exit-status",
                       ),
    ),
    paginated(Cmd(
        "run list", orchestration.Run.list, "List runs of a workflow.",
        opts=(WORKFLOW, BATCH_UUID, LIMIT_OPT, RECORD_ID, STATUSES),
        examples=(
            "cargo-ai orchestration run list --workflow-uuid <play.workflowUuid>",
            "cargo-ai orchestration run list --workflow-uuid <play.workflowUuid> --limit 20 --statuses error",
            "cargo-ai orchestration run list --workflow-uuid <workflow-uuid> --all",
        ),
    ), "runs"),
    Cmd(
        "run count", orchestration.Run.count, "Count runs.",
        opts=(
            WORKFLOW, BATCH_UUID, CREATED_AFTER, CREATED_BEFORE, IS_FINISHED, RECORD_ID,
            Opt("--record-title", help="Only records with this title."), RELEASE_UUID, STATUSES,
        ),
        examples=(
            "cargo-ai orchestration run count --workflow-uuid <play.workflowUuid>",
            "cargo-ai orchestration run count --workflow-uuid <play.workflowUuid> --statuses error --batch-uuid <batch-uuid>",
        ),
    ),
    Cmd(
        "run download", orchestration.Run.download,
        "Signed URL to a gzipped CSV of runs (status board) → {url}.",
        opts=(WORKFLOW, BATCH_UUID, CREATED_AFTER, CREATED_BEFORE, IS_FINISHED, LIMIT_OPT, STATUSES),
        download=True,
        examples=(
            "cargo-ai orchestration run download --workflow-uuid <workflow-uuid>",
            "cargo-ai orchestration run download --workflow-uuid <workflow-uuid> --statuses error --batch-uuid <batch-uuid>",
        ),
    ),
    Cmd(
        "run download-outputs", orchestration.Run.download_outputs,
        "Signed URL to CSV/JSON of one output node's data per run → {url}.",
        opts=(
            WORKFLOW, BATCH_UUID, Opt("--format", choice(*OUTPUT_FORMATS), help="File format."),
            IS_FINISHED, LIMIT_OPT, OUTPUT_NODE_SLUG, STATUSES,
        ),
        download=True,
        examples=(
            "cargo-ai orchestration run download-outputs --workflow-uuid <workflow-uuid>",
            "cargo-ai orchestration run download-outputs --workflow-uuid <workflow-uuid> --output-node-slug <output-node-slug> --batch-uuid <batch-uuid>",
        ),
    ),
    Cmd(
        "run get", orchestration.Run.get, "Get a run (+runContext, runComputedConfigs).",
        args=(uuid_arg("run-uuid"),),
        examples=("cargo-ai orchestration run get <run-uuid>",),
    ),
    Cmd(
        "run get-metrics", orchestration.Run.get_metrics, "Aggregated run metrics for a workflow.",
        opts=(WORKFLOW, BATCH_UUID, CREATED_AFTER, CREATED_BEFORE, RELEASE_UUID),
        examples=(
            "cargo-ai orchestration run get-metrics --workflow-uuid <workflowUuid>",
            "cargo-ai orchestration run get-metrics --workflow-uuid <workflowUuid> --created-after 2025-01-01 --created-before 2025-01-31",
        ),
    ),
    Cmd(
        "run cancel", orchestration.Run.cancel, "Cancel runs.",
        opts=(Opt("--uuids", CSV_UUID, required=True, help="Comma-separated run uuids."), WORKFLOW),
        examples=("cargo-ai orchestration run cancel --uuids <run-uuid-1>,<run-uuid-2> --workflow-uuid <play.workflowUuid>",),
    ),
    # batch
    Cmd(
        "batch create", orchestration.Batch.create,
        "Create a batch (play: filter/recordIds/segment/change; tool: file/records).",
        opts=(
            Opt("--data", JSON_OBJECT, help='The batch data, e.g. {"kind":"filter","modelUuid":"..."}.'),
            Opt("--file", click.Path(exists=True, dir_okay=False), local=True, metavar="PATH",
                help="A JSON node graph to test-run (instead of --nodes); CDK modules are not evaluated."),
            NODES, RELEASE_UUID, workflow_uuid(required=False),
        ),
        handler=_create_batch, options=BatchCreateOptions, wait=BATCH_WAIT, epilog=wait_epilog(BATCH_WAIT),
                                                                            examples=(
                                                                                "cargo-ai orchestration batch create --data <data> --workflow-uuid <play.workflowUuid>",
                                                                                "cargo-ai orchestration batch create --workflow-uuid <workflow-uuid> --data '{\"kind\":\"segment\",\"segmentUuid\":\"<segment-uuid>\"}' --wait-until-finished --exit-status",
                                                                            ),
    ),
    paginated(Cmd(
        "batch list", orchestration.Batch.list, "List batches.",
        opts=(STATUSES, Opt("--workflow-uuids", CSV_UUID, help="Comma-separated workflow uuids.")),
        examples=("cargo-ai orchestration batch list --statuses running --workflow-uuids <play.workflowUuid>",),
    ), "batches"),
    Cmd("batch get", orchestration.Batch.get, "Get a batch.", args=(uuid_arg("batch-uuid"),),
        examples=("cargo-ai orchestration batch get <batch-uuid>",)),
    Cmd("batch cancel", orchestration.Batch.cancel, "Cancel a batch.", args=(uuid_arg("batch-uuid"),),
        examples=("cargo-ai orchestration batch cancel <batch-uuid>",)),
    Cmd(
        "batch download", orchestration.Batch.download,
        "Signed URL for a batch's output node results → {url}.",
        opts=(
            Opt("--output-node-slug", required=True, help="The output node."),
            Opt("--uuid", UUID, required=True, help="The batch."),
        ),
        download=True,
        examples=("cargo-ai orchestration batch download --output-node-slug end --uuid <batch-uuid>",),
    ),
    # record
    paginated(Cmd(
        "record list", orchestration.Record.list, "List records of a workflow.",
        opts=(WORKFLOW, BATCH_UUID, LIMIT_OPT, STATUSES),
        examples=(
            "cargo-ai orchestration record list --workflow-uuid <workflow-uuid>",
            "cargo-ai orchestration record list --workflow-uuid <workflow-uuid> --batch-uuid <batch-uuid> --limit 50",
        ),
    ), "records"),
    Cmd("record count", orchestration.Record.count, "Count records.", opts=(WORKFLOW,),
        examples=("cargo-ai orchestration record count --workflow-uuid <workflow-uuid>",)),
    Cmd(
        "record download", orchestration.Record.download, "Download records as a file → {url}.",
        opts=(WORKFLOW,), download=True,
                          examples=("cargo-ai orchestration record download --workflow-uuid <workflow-uuid>",),
    ),
    Cmd(
        "record download-outputs", orchestration.Record.download_outputs,
        "Per-record output download, paged → {url}.",
        opts=(WORKFLOW, LIMIT_OPT, Opt("--offset", OFFSET, help="Skip this many records."), OUTPUT_NODE_SLUG),
        download=True,
        examples=(
            "cargo-ai orchestration record download-outputs --workflow-uuid <workflow-uuid>",
            "cargo-ai orchestration record download-outputs --workflow-uuid <workflow-uuid> --limit 1000 --offset 2000",
        ),
    ),
    Cmd("record get-metrics", orchestration.Record.get_metrics, "Per-node execution metrics.", opts=(WORKFLOW,),
        examples=("cargo-ai orchestration record get-metrics --workflow-uuid <workflow-uuid>",)),
    Cmd(
        "record cancel", orchestration.Record.cancel, "Cancel records.",
        opts=(Opt("--ids", CSV, required=True, help="Comma-separated record ids."), WORKFLOW),
        examples=("cargo-ai orchestration record cancel --ids record-id-1,record-id-2 --workflow-uuid <workflow-uuid>",),
    ),
    # release
    paginated(Cmd("release list", orchestration.Release.list, "List releases of a workflow.",
        opts=(workflow_uuid(required=False),),
                  examples=("cargo-ai orchestration release list",)), "releases"),
    Cmd("release get", orchestration.Release.get, "Get a release (full node graph).",
        args=(uuid_arg("release-uuid"),), examples=("cargo-ai orchestration release get <release-uuid>",)),
    Cmd("release get-deployed", orchestration.Release.get_deployed,
        "Get the deployed release of a workflow.", opts=(WORKFLOW,),
        examples=("cargo-ai orchestration release get-deployed --workflow-uuid <tool.workflowUuid>",)),
    Cmd("release get-draft", orchestration.DraftRelease.get,
        "Get the draft release (node graph) of a workflow.", opts=(WORKFLOW,),
        examples=("cargo-ai orchestration release get-draft --workflow-uuid <workflow-uuid>",)),
    Cmd("release update-draft", orchestration.DraftRelease.update, "Update the draft release nodes.",
        opts=(WORKFLOW, NODES),
        examples=("cargo-ai orchestration release update-draft --workflow-uuid <play.workflowUuid>", "cargo-ai orchestration release update-draft --workflow-uuid <play.workflowUuid> --nodes <nodes>")),
    Cmd(
        "release deploy-draft", orchestration.DraftRelease.deploy, "Deploy the draft release.",
        opts=(
            WORKFLOW,
            Opt("--description", help="What changed."),
            Opt("--form-fields", JSON_ARRAY, help="Form fields: JSON array or null."),
            NODES,
            Opt("--version", help="The release version (sent; not the CLI's --version)."),
        ),
        examples=(
            "cargo-ai orchestration release deploy-draft --workflow-uuid <play.workflowUuid>",
            "cargo-ai orchestration release deploy-draft --workflow-uuid <play.workflowUuid> --description 'Fix branch condition' --form-fields null",
        ),
    ),
    # play
    Cmd(
        "play create", orchestration.Play.create, "Create a play on a model.",
        opts=(
            Opt("--change-kinds", CSV, help="Comma-separated change kinds (added,updated,removed,unchanged)."),
            Opt("--description", help="Description."),
            Opt("--model-uuid", UUID, help="The model."),
            Opt("--name", help="Name."),
            Opt("--run-creation-rule", choice(*RUN_CREATION_RULES), help="When a record gets a run."),
        ),
        examples=("cargo-ai orchestration play create --name 'New accounts' --model-uuid <model-uuid> --change-kinds added,updated --run-creation-rule once",),
    ),
    Cmd("play list", orchestration.Play.list, "List plays.", examples=("cargo-ai orchestration play list",)),
    Cmd("play get", orchestration.Play.get, "Get a play.", args=(uuid_arg("play-uuid"),),
        examples=("cargo-ai orchestration play get <play-uuid>",)),
    Cmd(
        "play update", orchestration.Play.update, "Update a play (filter/limit/schedule).",
        args=(uuid_arg("play-uuid"),),
        opts=(
            Opt("--filter", JSON_OBJECT, help="A segmentation filter (JSON, @file or -)."),
            Opt("--limit", INT, help="Record limit."),
            Opt("--schedule", JSON_OBJECT, help='A schedule, e.g. {"type":"cron","cron":"0 9 * * 1"}.'),
        ),
        examples=("cargo-ai orchestration play update <play-uuid> --filter <filter> --limit 500",),
    ),
    Cmd("play remove", orchestration.Play.remove, "Remove a play.", args=(uuid_arg("play-uuid"),),
        examples=("cargo-ai orchestration play remove <play-uuid>",)),
    # tool
    Cmd(
        "tool create", orchestration.Tool.create, "Create a tool shell.",
        opts=(Opt("--description", help="Description."), Opt("--name", help="Name.")),
        prepare=defaults(icon=DEFAULT_TOOL_ICON),
        examples=("cargo-ai orchestration tool create --description <description> --name 'Weekly RevOps-lead pull'",),
    ),
    Cmd("tool list", orchestration.Tool.all, "List tools.", examples=("cargo-ai orchestration tool list",)),
    Cmd("tool get", orchestration.Tool.get, "Get a tool.", args=(uuid_arg("tool-uuid"),),
        examples=("cargo-ai orchestration tool get <tool-uuid>",)),
    Cmd(
        "tool update", orchestration.Tool.update, "Update a tool (e.g. cron triggers).",
        opts=(
            Opt("--triggers", JSON_ARRAY, help='Triggers, e.g. [{"name":"Weekly","type":"cron","cron":"0 9 * * 1"}].'),
            Opt("--uuid", UUID, required=True, help="The tool."),
        ),
        examples=("cargo-ai orchestration tool update --triggers '[{\"name\":\"Weekly\",\"type\":\"cron\",\"cron\":\"0 9 * * 1\",\"data\":{}}]' --uuid <tool.uuid>",),
    ),
    Cmd("tool remove", orchestration.Tool.remove, "Remove a tool.", args=(uuid_arg("tool-uuid"),),
        examples=("cargo-ai orchestration tool remove <tool-uuid>",)),
    # workflow / template
    Cmd("workflow list", orchestration.Workflow.all, "List workflows.",
        examples=("cargo-ai orchestration workflow list",)),
    Cmd("template list", orchestration.Template.list, "List workflow templates.",
        examples=("cargo-ai orchestration template list",)),
    Cmd("template get", orchestration.Template.get, "Get a workflow template (nodes).",
        args=(Arg("slug", field="slug", help="The template's slug."),),
        examples=("cargo-ai orchestration template get <slug>",)),
    # node
    Cmd(
        "node compute", orchestration.Node.compute, "Dry-run expression resolution for a node.",
        opts=(
            Opt("--node", JSON_OBJECT, required=True, help="The node (JSON, @file or -)."),
            Opt("--context", JSON_OBJECT, help='The context, e.g. {"nodes":{"start":{...}}}.'),
        ),
        examples=(
            "cargo-ai orchestration node compute --node <node>",
            "cargo-ai orchestration node compute --node <node> --context '{\"nodes\": {\"start\": {\"domain\": \"acme.com\"}}}'",
        ),
    ),
    Cmd(
        "node execute", orchestration.Node.execute, "Debug-execute one node of a workflow (bills credits).",
        opts=(
            Opt("--computed-config", JSON_OBJECT, required=True, help="The node's computed config."),
            Opt("--context", JSON_OBJECT, required=True, help="The run context."),
            Opt("--node", JSON_OBJECT, required=True, help="The node."),
            Opt("--release-uuid", UUID, required=True, help="The release."),
            WORKFLOW,
        ),
        examples=("cargo-ai orchestration node execute --computed-config '{ \"domain\": \"acme.com\" }' --context '{\"nodes\": {\"start\": {\"domain\": \"acme.com\"}}}' --node <node> --release-uuid <release-uuid> --workflow-uuid <tool.workflowUuid>",),
    ),
    Cmd(
        "node validate", orchestration.Node.validate,
        "Validate a node graph → {outcome: valid|notValid, invalidNodes}.",
        opts=(Opt("--nodes", JSON_ARRAY, required=True, help="The node graph: JSON array, @file or -."),),
        examples=("cargo-ai orchestration node validate --nodes <nodes>",),
    ),
    NODE_DIAGRAM,
    # query
    Cmd(
        "query execute", orchestration.Query.execute,
        "Read-only ClickHouse SQL over runs/batches/spans/records (30 s, 10 000 rows).",
        args=(Arg("sql", field="query", type=SQL),),
        examples=("cargo-ai orchestration query execute <sql>",),
    ),
]  # fmt: skip

group = build_domain(
    "orchestration",
    COMMANDS,
    areas={
        "action": "Execute actions, one record or many.",
        "run": "Runs: one record through a workflow.",
        "batch": "Batches: many records through a workflow.",
        "record": "Records of a workflow.",
        "release": "Releases (deployed and draft node graphs).",
        "play": "Plays: workflows triggered by a model's changes.",
        "tool": "Tools: workflows run on demand.",
        "workflow": "Workflows.",
        "template": "Workflow templates.",
        "node": "Compute, execute, validate and draw nodes.",
        "query": "Read-only SQL over orchestration data.",
    },
    removed={
        "draft-release": "No such command 'draft-release': use `cargo-ai orchestration release "
        "get-draft | update-draft | deploy-draft`.",
    },
)
