"""The stable ids of the demo workspace's entities (uuid5 of a fixed
namespace, so the demo prints the same ids on every machine), shared by the
seeding modules (seed.py, seed_knowledge_hosting.py) and the tests."""

from __future__ import annotations

import uuid as uuid_module

NAMESPACE = uuid_module.UUID("7d0c5a6e-2f7b-4c55-9b1e-5a4c1f0e0c42")


def sid(name: str) -> str:
    """A stable uuid for a seeded entity."""
    return str(uuid_module.uuid5(NAMESPACE, name))


WORKSPACE = sid("workspace")
USER = sid("user")
ADMIN_TOKEN_UUID = sid("token:admin")
FOLDER = sid("folder:demo")
DATASET = sid("dataset:crm")
COMPANIES = sid("model:companies")
CONTACTS = sid("model:contacts")
SEGMENT_FR = sid("segment:french-software")
TOOL = sid("tool:enrich-company")
TOOL_WORKFLOW = sid("workflow:enrich-company")
TOOL_RELEASE = sid("release:enrich-company")
PLAY = sid("play:new-french-software")
PLAY_WORKFLOW = sid("workflow:new-french-software")
PLAY_RELEASE = sid("release:new-french-software")
AGENT = sid("agent:research")
AGENT_RELEASE = sid("agent-release:research")
CONNECTORS = {"clearbit": sid("connector:clearbit"), "hunter": sid("connector:hunter")}
