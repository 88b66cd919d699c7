"""Demo data of the knowledge and hosting domains (the spec's seeds tier): a
context repository (one commit of GTM markdown files that link to each
other), a knowledge library, the system of record, a hosted app with env
vars and a worker, and an alert. Called from
:func:`cargo_cli.sandbox.seed.demo`; the ids it shares are in seed_ids.py."""

from __future__ import annotations

from typing import Any

from cargo_cli.sandbox.routes import context
from cargo_cli.sandbox.seed_ids import DATASET, FOLDER, TOOL_WORKFLOW, USER, WORKSPACE, sid
from cargo_cli.sandbox.store import Store

LIBRARY = sid("library:playbooks")
SYSTEM_OF_RECORD = sid("system-of-record:sandbox")
APP = sid("app:territories")
WORKER = sid("worker:webhooks")
ALERT = sid("alert:enrich-errors")

CONTEXT_FILES = {
    "README.md": "# GTM context\n\nWho we sell to and how.\n\n- [Ideal customer profile](icp/saas-europe.md)\n"
    "- [VP Sales persona](persona/vp-sales.md)\n- [RevOps persona](persona/revops-lead.md)\n"
    "- [Outbound playbook](playbooks/outbound.md)\n",
    "icp/saas-europe.md": "# ICP: European SaaS\n\nSoftware companies in France and Germany, 50 to 500 "
    "employees, selling B2B.\n\nBuyers: [[vp-sales]] and [[revops-lead]].\n",
    "persona/vp-sales.md": "# VP Sales\n\nOwns the number. Cares about pipeline coverage and rep ramp time.\n"
    "\nPains: low reply rates, manual research.\n",
    "persona/revops-lead.md": "# RevOps lead\n\nOwns the CRM and the data. Cares about clean records and "
    "routing.\n\nWorks with the [VP Sales](vp-sales.md).\n",
    "playbooks/outbound.md": "# Outbound playbook\n\n1. Pick accounts that match the [ICP](../icp/saas-europe.md).\n"
    "2. Enrich them with the Enrich company tool.\n3. Write to the [[vp-sales]] first.\n",
}


def seed_knowledge_hosting(store: Store) -> None:
    now = store.now_iso()
    ws: dict[str, Any] = {"workspaceUuid": WORKSPACE, "createdAt": now, "updatedAt": now, "deletedAt": None}
    context.commit(store, WORKSPACE, USER, CONTEXT_FILES, "Initial GTM context")
    store.put("library", {
        "uuid": LIBRARY, "name": "Playbooks", "extractorSlug": "native", "config": {}, "folderUuid": None,
        "lastSyncedAt": None, "kind": "native", **ws,
    })  # fmt: skip
    store.put("systemOfRecord", {
        "uuid": SYSTEM_OF_RECORD, "name": "Sandbox warehouse", "clientSlug": "sandbox", "datasetUuid": DATASET,
        "status": "active", **ws,
    })  # fmt: skip
    store.put("hostingApp", {
        "uuid": APP, "userUuid": USER, "name": "Territories", "slug": "territories",
        "description": "Territories overview", "folderUuid": FOLDER, "promotedDeploymentUuid": None, **ws,
    })  # fmt: skip
    store.put("hostingWorker", {
        "uuid": WORKER, "userUuid": USER, "name": "Webhooks", "slug": "webhooks", "description": None,
        "folderUuid": None, "promotedDeploymentUuid": None, "triggers": [], **ws,
    })  # fmt: skip
    for key, value, secret in (("VITE_REGION", "eu", False), ("CRM_API_KEY", "sbx-secret-value", True)):
        store.put("hostingEnvVar", {
            "uuid": sid(f"env:{key}"), "userUuid": USER, "kind": "app", "appUuid": APP, "key": key,
            "value": value, "isSecret": secret, **ws,
        })  # fmt: skip
    store.put("alert", {
        "uuid": ALERT, "userUuid": USER, "name": "Enrichment errors", "description": "Too many failed runs",
        "cron": "*/30 * * * *", "isEnabled": True,
        "scope": {"kind": "runs", "workflowUuid": TOOL_WORKFLOW, "statuses": ["error"]},
        "threshold": {"metric": "errorRate", "operator": "gte", "value": 10}, "actions": [],
        "folderUuid": None, "lastEvent": None, **ws,
    })  # fmt: skip
