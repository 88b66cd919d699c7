"""Client-side action catalog search (no endpoint of its own):
``orchestration action list <keywords...>`` and ``connection action search
<keywords...>``.

The catalog is assembled from endpoints that exist, fetching only the sources
the filters can match:

- connector actions: ``connection.integration.list`` (``hasActions=true``), or
  ``connection.integration.get`` for one integration slug; the workspace's
  connectors (``connection.connector.list``) fill in ``connectorUuid``;
- native actions: ``connection.nativeIntegration.get``;
- tools: ``orchestration.tool.all``; agents: ``ai.agent.all``.

Every keyword must match (name, slug, description, integration name/slug);
results are ranked by where the keywords match. Choices are documented in
docs/catalog-and-diagram.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cargo_cli.api.resources import ai, connection, orchestration
from cargo_cli.cli.params import INT, choice
from cargo_cli.cli.rows import Arg, Cmd, Invocation, Opt
from cargo_cli.cli.wait import ResourceMethod
from cargo_cli.errors import UsageError

KINDS = ("connector", "native", "tool", "agent")
DEFAULT_LIMIT = 20
MAX_LIMIT = 50
HIDDEN_NATIVE_CATEGORIES = frozenset({"invisible"})

# Field weights: a keyword counts once, at the best field it matches. A whole
# word scores double a substring; an exact slug/name scores triple.
W_NAME = 5
W_SLUG = 4
W_INTEGRATION = 3
W_DESCRIPTION = 1
PHRASE_BONUS = 6

_WORD_RE = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")


def _words(text: str) -> set[str]:
    """``enrichPersonByEmail`` / ``Enrich person-by email`` → {enrich, person, by, email}."""
    return {w.lower() for w in _WORD_RE.findall(text)}


@dataclass
class Entry:
    """One searchable action and the result object it becomes."""

    kind: str
    result: dict[str, Any]
    fields: list[tuple[str, int]]  # (text, weight)
    category: str | None = None
    has_credits: bool = False
    deprecated: bool = False
    integration_slug: str = ""
    score: int = field(default=0, compare=False)

    @property
    def name(self) -> str:
        return str(self.result.get("name") or "")


def _field_score(keyword: str, text: str, weight: int) -> int:
    lowered = text.lower()
    if not lowered or keyword not in lowered:
        return 0
    if lowered == keyword:
        return weight * 3
    if keyword in _words(text):
        return weight * 2
    return weight


def score(entry: Entry, keywords: list[str]) -> int:
    """0 unless every keyword matches some field; higher is better."""
    total = 0
    for keyword in keywords:
        best = max((_field_score(keyword, text, weight) for text, weight in entry.fields), default=0)
        if best == 0:
            return 0
        total += best
    if len(keywords) > 1 and " ".join(keywords) in entry.name.lower():
        total += PHRASE_BONUS
    return total


def split_keywords(raw: Iterable[str]) -> list[str]:
    return [word.lower() for chunk in raw for word in str(chunk).split() if word]


def _has_credit_cost(costs: Any) -> bool:
    return isinstance(costs, list) and len(costs) > 0


def _costs(action: Mapping[str, Any]) -> Any:
    credits = action.get("credits")
    return credits.get("costs") if isinstance(credits, Mapping) else None


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


# ---------------------------------------------------------------------------
# Sources: each turns API answers into entries.
# ---------------------------------------------------------------------------


def _default_connectors(inv: Invocation, integration_slug: str | None) -> dict[str, str]:
    """integrationSlug → the connector uuid an action should use: the
    workspace's default connector for it, else its only connector."""
    payload = {"integrationSlug": integration_slug} if integration_slug else {}
    answer = inv.call(connection.Connector.list, payload)
    by_slug: dict[str, list[Mapping[str, Any]]] = {}
    for connector in _mapping(answer).get("connectors") or []:
        if isinstance(connector, Mapping) and connector.get("uuid") and not connector.get("deletedAt"):
            by_slug.setdefault(_text(connector.get("integrationSlug")), []).append(connector)
    chosen: dict[str, str] = {}
    for slug, connectors in by_slug.items():
        defaults = [c for c in connectors if c.get("isDefault")]
        pick = defaults[0] if defaults else (connectors[0] if len(connectors) == 1 else None)
        if pick is not None:
            chosen[slug] = str(pick["uuid"])
    return chosen


def _integrations(inv: Invocation, slug: str | None, category: str | None) -> list[Mapping[str, Any]]:
    if slug:
        answer = inv.call(connection.Integration.get, {"slug": slug})
        found = _mapping(answer).get("integration")
        return [found] if isinstance(found, Mapping) else []
    payload: dict[str, Any] = {"hasActions": True}
    if category:
        payload["category"] = category
    answer = inv.call(connection.Integration.list, payload)
    integrations = []
    for integration in _mapping(answer).get("integrations") or []:
        if not isinstance(integration, Mapping):
            continue
        if not isinstance(integration.get("actions"), Mapping) and integration.get("slug"):
            # A slim list entry: the actions live on the integration itself.
            full = _mapping(inv.call(connection.Integration.get, {"slug": integration["slug"]}))
            integration = _mapping(full.get("integration")) or integration
        integrations.append(integration)
    return integrations


def connector_entries(inv: Invocation, slug: str | None = None, category: str | None = None) -> list[Entry]:
    integrations = _integrations(inv, slug, category)
    connectors = _default_connectors(inv, slug)
    entries = []
    for integration in integrations:
        integration_slug = _text(integration.get("slug"))
        integration_name = _text(integration.get("name"))
        for action_slug, action in _mapping(integration.get("actions")).items():
            action = _mapping(action)
            costs = _costs(action)
            ready: dict[str, Any] = {
                "kind": "connector", "integrationSlug": integration_slug, "actionSlug": action_slug,
            }  # fmt: skip
            if integration_slug in connectors:
                ready["connectorUuid"] = connectors[integration_slug]
            result = {
                "kind": "connector",
                "name": _text(action.get("name")) or action_slug,
                "description": _text(action.get("description")),
                "integrationSlug": integration_slug,
                "integrationName": integration_name,
                "actionSlug": action_slug,
                "category": integration.get("category"),
                "credits": costs,
                "action": ready,
            }
            if integration.get("isDeprecated"):
                result["isDeprecated"] = True
            entries.append(
                Entry(
                    "connector", result,
                    [(result["name"], W_NAME), (action_slug, W_SLUG), (integration_name, W_INTEGRATION),
                     (integration_slug, W_INTEGRATION), (result["description"], W_DESCRIPTION)],
                    category=_text(integration.get("category")),
                    has_credits=_has_credit_cost(costs),
                    deprecated=bool(integration.get("isDeprecated")),
                    integration_slug=integration_slug,
                )
            )  # fmt: skip
    return entries


def native_entries(inv: Invocation) -> list[Entry]:
    answer = _mapping(inv.call(connection.NativeIntegration.get, {}))
    actions = _mapping(_mapping(answer.get("nativeIntegration")).get("actions"))
    entries = []
    for action_slug, action in actions.items():
        action = _mapping(action)
        category = _text(action.get("category"))
        if category in HIDDEN_NATIVE_CATEGORIES:
            continue
        costs = _costs(action)
        result = {
            "kind": "native",
            "name": _text(action.get("name")) or action_slug,
            "description": _text(action.get("description")),
            "integrationSlug": None,
            "actionSlug": action_slug,
            "category": category or None,
            "credits": costs,
            "action": {"kind": "native", "actionSlug": action_slug},
        }
        entries.append(
            Entry("native", result,
                  [(result["name"], W_NAME), (action_slug, W_SLUG), (result["description"], W_DESCRIPTION)],
                  category=category, has_credits=_has_credit_cost(costs))
        )  # fmt: skip
    return entries


def _workspace_entries(
    inv: Invocation, kind: str, endpoint: ResourceMethod, key: str, ref: str
) -> list[Entry]:
    """Tools and agents: workspace objects referenced by uuid."""
    answer = _mapping(inv.call(endpoint, {}))
    entries = []
    for item in answer.get(key) or []:
        if not isinstance(item, Mapping) or not item.get("uuid") or item.get("deletedAt"):
            continue
        credits = item.get("creditsCost") if kind == "tool" else None
        result = {
            "kind": kind,
            "name": _text(item.get("name")),
            "description": _text(item.get("description")),
            "integrationSlug": None,
            "uuid": item["uuid"],
            "credits": credits,
            "action": {"kind": kind, ref: item["uuid"]},
        }
        entries.append(
            Entry(kind, result, [(result["name"], W_NAME), (result["description"], W_DESCRIPTION)],
                  has_credits=credits is not None)
        )  # fmt: skip
    return entries


SOURCES: dict[str, Callable[[Invocation], list[Entry]]] = {
    "connector": connector_entries,
    "native": native_entries,
    "tool": lambda inv: _workspace_entries(inv, "tool", orchestration.Tool.all, "tools", "toolUuid"),
    "agent": lambda inv: _workspace_entries(inv, "agent", ai.Agent.all, "agents", "agentUuid"),
}


# ---------------------------------------------------------------------------
# The search itself, shared by both commands.
# ---------------------------------------------------------------------------


def check_limit(limit: Any) -> int:
    value = DEFAULT_LIMIT if limit is None else int(limit)
    if not 1 <= value <= MAX_LIMIT:
        raise UsageError(f"--limit must be between 1 and {MAX_LIMIT} (got {value})")
    return value


def keywords_of(given: Iterable[Any] | None, *, required: bool = True) -> tuple[str, list[str]]:
    raw = [str(k) for k in given or ()]
    keywords = split_keywords(raw)
    if not keywords and (required or raw):
        raise UsageError("Give at least one keyword to search for")
    return " ".join(raw), keywords


def rank(entries: list[Entry], keywords: list[str]) -> list[Entry]:
    """The entries every keyword matches, best first; without keywords every
    entry, in the same deterministic order."""
    matched = []
    for entry in entries:
        entry.score = score(entry, keywords) if keywords else 0
        if entry.score > 0 or not keywords:
            matched.append(entry)
    order = {kind: index for index, kind in enumerate(KINDS)}
    matched.sort(key=lambda e: (-e.score, e.deprecated, order[e.kind], e.integration_slug, e.name.lower()))
    return matched


def envelope(query: str, matched: list[Entry], limit: int) -> dict[str, Any]:
    return {
        "query": query,
        "totalMatches": len(matched),
        "results": [entry.result for entry in matched[:limit]],
    }


@dataclass(frozen=True)
class ActionListOptions:
    """``orchestration action list``'s flags (all local: nothing is sent as is)."""

    keywords: tuple[str, ...] | None
    integration_slug: str | None
    kind: str | None
    limit: int | None


@dataclass(frozen=True)
class ActionSearchOptions:
    """``connection action search``'s flags (all local)."""

    keywords: tuple[str, ...] | None
    category: str | None
    credits_only: bool | None
    integration: str | None
    limit: int | None


def _action_list(inv: Invocation) -> dict[str, Any]:
    """``orchestration action list``: connectors, native actions, tools, agents.
    Keywords are optional: ``action list --kind tool`` lists every tool."""
    opts = inv.options.typed(ActionListOptions)
    query, keywords = keywords_of(opts.keywords, required=False)
    limit = check_limit(opts.limit)
    kind = opts.kind
    integration_slug = opts.integration_slug
    if integration_slug and kind not in (None, "connector"):
        raise UsageError(f"--integration-slug only applies to connector actions, not --kind {kind}")
    kinds = [kind] if kind else (["connector"] if integration_slug else list(KINDS))
    entries: list[Entry] = []
    for name in kinds:
        if name == "connector":
            entries += connector_entries(inv, integration_slug)
        else:
            entries += SOURCES[name](inv)
    return envelope(query, rank(entries, keywords), limit)


def _action_search(inv: Invocation) -> dict[str, Any]:
    """``connection action search``: connector actions only, with credit and
    category filters."""
    opts = inv.options.typed(ActionSearchOptions)
    query, keywords = keywords_of(opts.keywords)
    limit = check_limit(opts.limit)
    category = opts.category
    entries = connector_entries(inv, opts.integration, category)
    if category:
        entries = [e for e in entries if (e.category or "").lower() == category.lower()]
    if opts.credits_only:
        entries = [e for e in entries if e.has_credits]
    return envelope(query, rank(entries, keywords), limit)


KEYWORDS_ARG = Arg("keywords", nargs=-1, local=True)
OPTIONAL_KEYWORDS_ARG = Arg("keywords", nargs=-1, local=True, required=False)
LIMIT_HELP = f"Maximum results (default {DEFAULT_LIMIT}, max {MAX_LIMIT})."

ACTION_LIST = Cmd(
    "action list", None,
    "Search actions across connectors, native actions, tools and agents (free).\n\n"
    "Prints {query, totalMatches, results[]}; each result carries a ready-to-paste "
    "`action` object (for action execute / execute-batch) and its credit costs. "
    "Without keywords every action of the chosen kinds is listed (e.g. `--kind tool`).",
    args=(OPTIONAL_KEYWORDS_ARG,),
    opts=(
        Opt("--integration-slug", local=True, help="Only this integration's connector actions."),
        Opt("--kind", choice(*KINDS), local=True, help="Only this kind of action."),
        Opt("--limit", INT, local=True, metavar="N", help=LIMIT_HELP),
    ),
    handler=_action_list,
    options=ActionListOptions,
    examples=("cargo-ai orchestration action list <keywords...> --kind connector --integration-slug slack",),
)  # fmt: skip

CONNECTION_ACTION_SEARCH = Cmd(
    "action search", None,
    "Search connector actions (free), with credit and category filters.\n\n"
    "Prints {query, totalMatches, results[]} like `orchestration action list`.",
    args=(KEYWORDS_ARG,),
    opts=(
        Opt("--category", local=True, help="Only integrations of this category (e.g. enrichment)."),
        Opt("--credits-only", is_flag=True, local=True, help="Only actions that have a credits cost."),
        Opt("--integration", local=True, help="Only this integration (its slug)."),
        Opt("--limit", INT, local=True, metavar="N", help=LIMIT_HELP),
    ),
    handler=_action_search,
    options=ActionSearchOptions,
    examples=("cargo-ai connection action search <keywords...> --credits-only",),
)  # fmt: skip
