"""The demo workspace, and the big tables of the benchmarks.

Everything seeded is deterministic (uuids are uuid5 of a fixed namespace,
records come from a seeded PRNG), so the demo prints the same ids on every
machine.
"""

from __future__ import annotations

import random
import secrets
from typing import Any

# Re-exported: the ids are also read as seed.WORKSPACE, seed.TOOL_WORKFLOW, ... (docs/sandbox.md).
from cargo_cli.sandbox.seed_ids import (
    ADMIN_TOKEN_UUID as ADMIN_TOKEN_UUID,
)
from cargo_cli.sandbox.seed_ids import (
    AGENT as AGENT,
)
from cargo_cli.sandbox.seed_ids import (
    AGENT_RELEASE as AGENT_RELEASE,
)
from cargo_cli.sandbox.seed_ids import (
    COMPANIES as COMPANIES,
)
from cargo_cli.sandbox.seed_ids import (
    CONNECTORS as CONNECTORS,
)
from cargo_cli.sandbox.seed_ids import (
    CONTACTS as CONTACTS,
)
from cargo_cli.sandbox.seed_ids import (
    DATASET as DATASET,
)
from cargo_cli.sandbox.seed_ids import (
    FOLDER as FOLDER,
)
from cargo_cli.sandbox.seed_ids import (
    PLAY as PLAY,
)
from cargo_cli.sandbox.seed_ids import (
    PLAY_RELEASE as PLAY_RELEASE,
)
from cargo_cli.sandbox.seed_ids import (
    PLAY_WORKFLOW as PLAY_WORKFLOW,
)
from cargo_cli.sandbox.seed_ids import (
    SEGMENT_FR as SEGMENT_FR,
)
from cargo_cli.sandbox.seed_ids import (
    TOOL as TOOL,
)
from cargo_cli.sandbox.seed_ids import (
    TOOL_RELEASE as TOOL_RELEASE,
)
from cargo_cli.sandbox.seed_ids import (
    TOOL_WORKFLOW as TOOL_WORKFLOW,
)
from cargo_cli.sandbox.seed_ids import (
    USER as USER,
)
from cargo_cli.sandbox.seed_ids import (
    WORKSPACE as WORKSPACE,
)
from cargo_cli.sandbox.seed_ids import (
    sid as sid,
)
from cargo_cli.sandbox.seed_knowledge_hosting import seed_knowledge_hosting
from cargo_cli.sandbox.store import Store, iso

COMPANY_COUNT = 300
CONTACT_COUNT = 300
COUNTRIES = ("FR", "US", "DE", "GB", "ES")
INDUSTRIES = ("Software", "Fintech", "Healthcare", "Retail", "Logistics")
STEMS = (
    "acme", "globex", "initech", "umbrella", "hooli", "vandelay", "stark", "wayne", "tyrell", "cyberdyne",
    "soylent", "wonka", "oscorp", "aperture", "blackmesa", "massive", "nakatomi", "gringotts", "monarch",
    "pied-piper",
)  # fmt: skip
FIRST_NAMES = ("alice", "bruno", "chloe", "david", "emma", "farid", "giulia", "hugo", "ines", "jules")
LAST_NAMES = ("martin", "bernard", "dubois", "smith", "garcia", "muller", "rossi", "khan", "nguyen", "lopez")
TITLES = ("CEO", "CTO", "Head of Sales", "VP Marketing", "RevOps Lead", "Engineer")

# The filter of the demo's segment fetch and of the seeded segment.
DEMO_FILTER: dict[str, Any] = {
    "conjonction": "and",
    "groups": [
        {
            "conjonction": "and",
            "conditions": [
                {"kind": "string", "columnSlug": "country", "operator": "is", "values": ["FR"]},
                {"kind": "string", "columnSlug": "industry", "operator": "is", "values": ["Software"]},
            ],
        }
    ],
}

COMPANY_COLUMNS = [
    ("id", "string"), ("name", "string"), ("domain", "string"), ("country", "string"),
    ("industry", "string"), ("employees", "number"), ("arr", "number"), ("is_customer", "boolean"),
    ("created_at", "date"), ("tags", "array"), ("address", "object"),
]  # fmt: skip
CONTACT_COLUMNS = [
    ("id", "string"), ("email", "string"), ("first_name", "string"), ("last_name", "string"),
    ("title", "string"), ("company_id", "string"), ("created_at", "date"),
]  # fmt: skip


def columns(spec: list[tuple[str, str]]) -> list[dict[str, Any]]:
    return [
        {"kind": "original", "slug": slug, "type": kind, "label": slug.replace("_", " ").title()}
        for slug, kind in spec
    ]


def base(store: Store, seed: bool) -> str:
    """The workspace, its user and the admin token (reused across restarts).
    Returns the admin token."""
    now = store.now_iso()
    token = store.meta("admin_token")
    if token is None:
        token = "sbx_" + secrets.token_urlsafe(24)
        store.set_meta("admin_token", token)
        store.set_meta("workspace_uuid", WORKSPACE)
        store.add_secret(token, USER, WORKSPACE, ADMIN_TOKEN_UUID)
        store.put("workspace", {
            "uuid": WORKSPACE, "name": "Sandbox Demo", "allowedEmailDomains": ["example.com"], "syncs": [],
            "temporalNamespace": "sandbox", "temporalTaskQueuePrefix": None, "maxConcurrentRuns": 10,
            "openAiVectorStoreId": None, "createdAt": now, "updatedAt": now, "logoUrl": None, "metadata": None,
            "chromeExtensionMasterAgentUuid": None, "chromeExtensionAvailableAgentUuids": None,
            "defaultRoleUuid": sid("role:admin"), "allowedLoginProviders": None, "ssoIdentifier": None,
            "quotaBuckets": {},
        })  # fmt: skip
        role = {"uuid": sid("role:admin"), "workspaceUuid": WORKSPACE, "slug": "admin", "permissions": [],
                "createdAt": now}  # fmt: skip
        store.put("role", role)
        store.put("user", {
            "uuid": USER, "email": "demo@example.com", "firstName": "Demo", "lastName": "User",
            "workspaceUuid": WORKSPACE, "permissions": [], "role": role, "createdAt": now, "updatedAt": now,
        })  # fmt: skip
        store.put("token", {
            "uuid": ADMIN_TOKEN_UUID, "token": token[:8] + "…", "name": "Sandbox admin token",
            "description": "Printed by cargo-ai-sandbox on start", "permissions": None,
            "workspaceUuid": WORKSPACE, "userUuid": USER, "createdAt": now, "deletedAt": None,
        })  # fmt: skip
    if store.get("integration", "clearbit") is None:
        integrations(store)
    if store.get("dataset", DATASET) is None:  # the workspace's own (native) dataset, even with --no-seed
        store.put("dataset", {"uuid": DATASET, "workspaceUuid": WORKSPACE, "slug": "crm", "kind": "native",
                              "createdAt": now, "updatedAt": now, "deletedAt": None})  # fmt: skip
    if seed and store.meta("seeded") is None:
        demo(store)
        from cargo_cli.sandbox import internal
        from cargo_cli.sandbox.routes import segmentation  # the segment's first sync: its first change

        segment = store.get("segment", SEGMENT_FR) or {}
        segmentation.track(internal.context(store, WORKSPACE, USER), segment, force=True)
        store.set_meta("seeded", "demo")
    return token


def _node(slug: str, kind: str, child: str | None, **extra: Any) -> dict[str, Any]:
    return {
        "uuid": sid(f"node:{slug}:{extra.pop('owner', '')}"), "slug": slug, "name": slug.title(),
        "kind": kind, "config": extra.pop("config", {}), "childrenUuids": [child] if child else [],
        "fallbackOnFailure": False, "position": {"x": 0, "y": 0}, **extra,
    }  # fmt: skip


def enrichment_nodes(owner: str) -> list[dict[str, Any]]:
    end = _node("end", "native", None, actionSlug="end", owner=owner)
    enrich = _node(
        "enrich", "connector", end["uuid"], owner=owner, integrationSlug="clearbit",
        connectorUuid=CONNECTORS["clearbit"], actionSlug="enrichCompany",
        config={"domain": "{{nodes.start.domain}}"},
    )  # fmt: skip
    start = _node("start", "native", enrich["uuid"], actionSlug="start", owner=owner)
    return [start, enrich, end]


def demo(store: Store) -> None:
    now = store.now_iso()
    ws = {"workspaceUuid": WORKSPACE, "createdAt": now, "updatedAt": now, "deletedAt": None}
    store.put("folder", {"uuid": FOLDER, "parentUuid": None, "kind": "workflow", "name": "Demo",
                         "emojiSlug": "rocket", "isReadOnly": False, **ws})  # fmt: skip
    integrations(store, ws)
    rng = random.Random(42)
    companies = [_company(rng, i) for i in range(COMPANY_COUNT)]
    contacts = [_contact(rng, i, companies) for i in range(CONTACT_COUNT)]
    for uuid, slug, name, spec, records in (
        (COMPANIES, "companies", "Companies", COMPANY_COLUMNS, companies),
        (CONTACTS, "contacts", "Contacts", CONTACT_COLUMNS, contacts),
    ):
        add_model(store, uuid=uuid, slug=slug, name=name, spec=spec, records=records, extra=ws)
    store.put("segment", {
        "uuid": SEGMENT_FR, "userUuid": USER, "modelUuid": COMPANIES, "slug": "french-software",
        "name": "French software companies", "filter": DEMO_FILTER, "sort": None, "limit": None,
        "recordsCount": 0, "fromPlay": False, "trackingColumnSlugs": None, "columnSlugs": None,
        "syncedAt": now, "lastChange": None, **ws,
    })  # fmt: skip
    for workflow, release, owner, tool, play in (
        (TOOL_WORKFLOW, TOOL_RELEASE, "tool", TOOL, None),
        (PLAY_WORKFLOW, PLAY_RELEASE, "play", None, PLAY),
    ):
        nodes = enrichment_nodes(owner)
        store.put("release", {
            "uuid": release, "parentUuid": None, "userUuid": USER, "workflowUuid": workflow,
            "description": "Initial release", "version": "1", "status": "deployed", "templateSlug": None,
            "nodes": nodes, "formFields": None, "testRecords": [], "deployedAt": now, **ws,
        })  # fmt: skip
        store.put("workflow", {
            "uuid": workflow, "nodes": [], "playUuid": play, "toolUuid": tool, "folderUuid": FOLDER,
            "template": None, "lastBatch": None, **ws,
        })  # fmt: skip
    store.put("tool", {
        "uuid": TOOL, "icon": {"kind": "emoji", "emojiSlug": "wrench"}, "workflowUuid": TOOL_WORKFLOW,
        "userUuid": USER, "name": "Enrich company", "folderUuid": FOLDER,
        "creditsCost": {"kind": "sum"}, "description": "Enrich a company from its domain (clearbit).",
        "isReadOnly": False, "triggers": [], "publicForm": None, **ws,
    })  # fmt: skip
    store.put("play", {
        "uuid": PLAY, "workflowUuid": PLAY_WORKFLOW, "userUuid": USER, "modelUuid": COMPANIES,
        "segmentUuid": SEGMENT_FR, "changeKinds": ["added"], "runCreationRule": "once",
        "name": "New French software companies", "description": "Enrich every new match.",
        "schedule": None, "isEnabled": True, "healthThreshold": 0.5, "healthAlertActions": [],
        "folderUuid": FOLDER, **ws,
    })  # fmt: skip
    agent_release: dict[str, Any] = {
        "uuid": AGENT_RELEASE, "userUuid": USER, "description": "Initial release", "templateSlug": None,
        "version": "1", "actions": [], "capabilities": [], "suggestedActions": [],
        "systemPrompt": "You research accounts for the sales team.", "withReasoning": False,
        "temperature": 0.2, "maxSteps": 5, "integrationSlug": "openai", "connectorUuid": None,
        "languageModelSlug": "gpt-4o", "mcpClients": [], "resources": [], "output": None,
        "heartbeat": None, "evaluator": None, "deployedAt": now, "createdAt": now,
    }  # fmt: skip
    store.put(
        "agentRelease", {**agent_release, "parentUuid": None, "agentUuid": AGENT, "status": "deployed", **ws}
    )
    store.put("agent", {
        "uuid": AGENT, "userUuid": USER, "name": "Research assistant",
        "icon": {"kind": "emoji", "emojiSlug": "mag"}, "description": "Answers questions about accounts.",
        "triggers": [], "deployedRelease": agent_release, "folderUuid": FOLDER, "template": None,
        "isReadOnly": False, **ws,
    })  # fmt: skip
    seed_knowledge_hosting(store)


def integrations(store: Store, ws: dict[str, Any] | None = None) -> None:
    """The integration catalog (the platform's, in every workspace) and,
    with ``ws``, the demo's connectors of it."""
    catalog = {
        "clearbit": (
            "Clearbit",
            "enrichment",
            {"enrichCompany": "Enrich company", "findPerson": "Find person"},
        ),
        "hunter": ("Hunter", "enrichment", {"findEmail": "Find email", "verifyEmail": "Verify email"}),
    }
    for slug, (name, category, actions) in catalog.items():
        store.put("integration", {
            "uuid": slug, "slug": slug, "name": name, "description": f"{name} (sandbox fake)",
            "icon": f"https://icons.example.com/{slug}.svg", "color": "#4f46e5",
            "url": f"https://{slug}.example.com", "category": category,
            "actions": {a: {"slug": a, "name": label, "description": f"{label} (deterministic fake)"}
                        for a, label in actions.items()},
            "extractors": {}, "dynamicSchemas": {},
        })  # fmt: skip
        if ws is None:
            continue
        store.put("connector", {
            "uuid": CONNECTORS[slug], "userUuid": USER, "name": name, "slug": slug,
            "rateLimit": None, "cacheTtlMilliseconds": None, "integrationSlug": slug, "isDefault": True,
            "playsCount": 1 if slug == "clearbit" else 0, "toolsCount": 1 if slug == "clearbit" else 0,
            "modelsCount": 0, "useCredits": True, "config": None, **ws,
        })  # fmt: skip


def add_model(
    store: Store,
    *,
    uuid: str,
    slug: str,
    name: str,
    spec: list[tuple[str, str]],
    records: list[dict[str, Any]],
    extra: dict[str, Any],
) -> dict[str, Any]:
    cols = columns(spec)
    model = store.put("model", {
        "uuid": uuid, "slug": slug, "name": name, "description": f"{name} (sandbox demo data)",
        "datasetUuid": DATASET, "extractorSlug": "native", "position": {"x": 0, "y": 0}, "config": {},
        "schedule": None, "meta": None, "columns": cols, "additionalColumns": [], "idColumnSlug": "id",
        "unification": None, "titleColumnSlug": "name" if slug != "contacts" else "email",
        "timeColumnSlug": "created_at", "folderUuid": None, "playsCount": 0, "segmentsCount": 0,
        "isPaused": False, "lastEmittedAt": None, "lastRun": None, "kind": "native", **extra,
    })  # fmt: skip
    store.create_record_table(uuid, cols)
    store.insert_records(uuid, cols, records)
    return model


def _company(rng: random.Random, index: int) -> dict[str, Any]:
    stem = f"{STEMS[index % len(STEMS)]}-{index:03d}"
    return {
        "id": f"cmp_{index:04d}",
        "name": f"{stem.replace('-', ' ').title()}",
        "domain": None if index % 7 == 3 else f"{stem}.example.com",
        "country": COUNTRIES[rng.randrange(len(COUNTRIES))],
        "industry": INDUSTRIES[rng.randrange(len(INDUSTRIES))],
        "employees": rng.randrange(5, 5000),
        "arr": round(rng.uniform(0, 2_000_000), 2),
        "is_customer": rng.random() < 0.3,
        "created_at": f"2026-{1 + index % 11:02d}-{1 + index % 28:02d} 09:00:00",
        "tags": rng.sample(["saas", "b2b", "enterprise", "smb", "eu", "us"], k=2),
        "address": {
            "city": ("Paris", "Berlin", "London", "Madrid", "Austin")[index % 5],
            "zip": f"{index:05d}",
        },
    }


def _contact(rng: random.Random, index: int, companies: list[dict[str, Any]]) -> dict[str, Any]:
    company = companies[rng.randrange(len(companies))]
    first, last = FIRST_NAMES[index % 10], LAST_NAMES[(index // 10) % 10]
    domain = company["domain"] or "unknown.example.com"
    return {
        "id": f"ctc_{index:04d}", "email": f"{first}.{last}{index}@{domain}", "first_name": first.title(),
        "last_name": last.title(), "title": TITLES[rng.randrange(len(TITLES))], "company_id": company["id"],
        "created_at": f"2026-{1 + index % 11:02d}-{1 + index % 27:02d} 10:30:00",
    }  # fmt: skip


# -- benchmark seeding (--seed-records / --seed-runs) ---------------------------------
def big_model(store: Store, count: int) -> str:
    """A model ``crm.big_companies`` of ``count`` records, generated in SQL."""
    uuid = sid(f"model:big_companies:{count}")
    if store.get("model", uuid) is not None:
        return uuid
    now = store.now_iso()
    ws = {"workspaceUuid": WORKSPACE, "createdAt": now, "updatedAt": now, "deletedAt": None}
    add_model(store, uuid=uuid, slug="big_companies", name=f"Big companies ({count})", spec=COMPANY_COLUMNS,
              records=[], extra=ws)  # fmt: skip
    from cargo_cli.sandbox.store import record_table

    store.db.execute(
        f"""
        INSERT INTO {record_table(uuid)}
        SELECT 'big_' || lpad(i::VARCHAR, 7, '0'), 'Company ' || i, 'company-' || i || '.example.com',
               ['FR', 'US', 'DE', 'GB', 'ES'][1 + i % 5], ['Software', 'Fintech', 'Retail'][1 + i % 3],
               (i * 37) % 5000, (i * 7919) % 2000000, i % 3 = 0,
               TIMESTAMP '2026-01-01' + to_seconds(i * 60), '["saas", "b2b"]'::JSON,
               json_object('city', 'Paris', 'zip', lpad((i % 99999)::VARCHAR, 5, '0'))
        FROM range(?) AS t(i)
        """,
        [count],
    )
    return uuid


def big_runs(store: Store, count: int) -> None:
    """``count`` finished runs of the demo tool (with one span each), in SQL."""
    if store.meta(f"big_runs:{count}") is not None:
        return
    store.db.execute(
        """
        INSERT INTO runs
        SELECT uuid() AS uuid, ?, ?, ?, ?, NULL, uuid(), 'rec_' || i, 'Record ' || i,
               CASE WHEN i % 10 = 0 THEN 'error' ELSE 'success' END,
               CASE WHEN i % 10 = 0 THEN 'Node enrich failed: a domain is required' END,
               CASE WHEN i % 10 = 0 THEN 0 ELSE 2 END,
               now()::TIMESTAMP - to_seconds(i * 30), now()::TIMESTAMP - to_seconds(i * 30 - 2),
               now()::TIMESTAMP - to_seconds(i * 30 - 2),
               '{}'::JSON, NULL, '{"executions": [], "context": {"nodes": {}}, "computedConfigs": {}}'::JSON,
               now()::TIMESTAMP - to_seconds(i * 30 - 1), now()::TIMESTAMP - to_seconds(i * 30 - 2),
               CASE WHEN i % 10 = 0 THEN 'error' ELSE 'success' END, NULL, 2, true
        FROM range(?) AS t(i)
        """,
        [WORKSPACE, TOOL_WORKFLOW, USER, TOOL_RELEASE, count],
    )
    store.set_meta(f"big_runs:{count}", iso(store.now()) or "")
