"""The registry of top-level commands and domains: the one list that root
help, the docs generator (through the root group) and the tests read.

A domain module builds its group with ``build_domain(name, commands, ...)``
and its one-line help comes from here. Loaded with the root group, so it
stays free of heavy imports.
"""

from __future__ import annotations

from typing import NamedTuple


class Entry(NamedTuple):
    name: str  # as typed: "workspaceManagement", "system-of-record"
    module: str  # where the click command lives
    attribute: str  # "group" for a domain
    help: str  # one line, in root help and the domain's own help

    @property
    def is_domain(self) -> bool:
        return self.attribute == "group"


# Order is the help order.
ENTRIES: tuple[Entry, ...] = (
    Entry("login", "cargo_cli.cli.commands.auth", "login", "Log in with an API token or OAuth; store the credentials."),
    Entry("logout", "cargo_cli.cli.commands.auth", "logout", "Forget the stored login."),
    Entry("whoami", "cargo_cli.cli.commands.auth", "whoami", "Print the current user, workspace and API origin."),
    Entry("version", "cargo_cli.cli.commands.auth", "version", "Print the CLI version as JSON."),
    Entry("orchestration", "cargo_cli.cli.commands.orchestration", "group", "Actions, runs, batches, records, releases, plays, tools, nodes, queries."),
    Entry("storage", "cargo_cli.cli.commands.storage", "group", "Datasets, models, columns, relationships, records, SQL."),
    Entry("segmentation", "cargo_cli.cli.commands.segmentation", "group", "Segments, changes and record fetches."),
    Entry("connection", "cargo_cli.cli.commands.connection", "group", "Integrations, connectors and the action catalog."),
    Entry("ai", "cargo_cli.cli.commands.ai", "group", "Agents, releases, chats, messages, MCP servers, memories, documents."),
    Entry("billing", "cargo_cli.cli.commands.billing", "group", "Usage metrics and the subscription."),
    Entry("workspaceManagement", "cargo_cli.cli.commands.workspace_management", "group", "Users, roles, API tokens, folders, files, reports and sessions."),
    Entry("content", "cargo_cli.cli.commands.content", "group", "Knowledge libraries and files."),
    Entry("context", "cargo_cli.cli.commands.context", "group", "The GTM context repository (read, write, edit, execute) and its knowledge graph."),
    Entry("expression", "cargo_cli.cli.commands.expression", "group", "Evaluate template expressions."),
    Entry("hosting", "cargo_cli.cli.commands.hosting", "group", "Apps, workers and their deployments."),
    Entry("system-of-record", "cargo_cli.cli.commands.system_of_record", "group", "Systems of record and SQL against them."),
    Entry("observability", "cargo_cli.cli.commands.observability", "group", "Scheduled threshold alerts and their firing history."),
    Entry("mcp", "cargo_cli.cli.commands.mcp", "mcp", "Serve MCP over stdio, bridged to Cargo's MCP endpoint (AI agents)."),
    Entry("doctor", "cargo_cli.cli.commands.doctor", "doctor", "Diagnose the setup: version, credentials, keyring, API, workspace, clock."),
    Entry("api", "cargo_cli.cli.commands.api_call", "api", "Call any Cargo API call by name, or send a raw request under /v1."),
    Entry("completion", "cargo_cli.cli.completion", "completion", "Print the shell completion script (bash, zsh, fish)."),
    Entry("docs", "cargo_cli.cli.docs", "docs", "Print the documentation shipped with cargo-ai."),
    Entry("commands", "cargo_cli.cli.command_map", "commands", "Print every command, flag and API call as one JSON document (for agents)."),
)  # fmt: skip

COMMANDS: dict[str, Entry] = {entry.name: entry for entry in ENTRIES}
DOMAINS: tuple[Entry, ...] = tuple(entry for entry in ENTRIES if entry.is_domain)


def help_of(name: str) -> str:
    return COMMANDS[name].help
