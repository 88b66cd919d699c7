"""``cargo-ai-sandbox --seed-file FILE.json`` (or a directory of them): the
user's own datasets, models with their records, relationships, segments,
tools and agents, instead of the demo data (format: docs/sandbox.md,
example: examples/sandbox-seed.json).

The file is validated whole first (every problem is named by its place in
the file), then applied through the sandbox's own API handlers, so what a
seed file creates is checked exactly as the same calls made by the CLI.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from cargo_cli.sandbox.store import Store

SLUG = r"^[A-Za-z_][A-Za-z0-9_]{0,62}$"
ColumnType = Literal["string", "number", "boolean", "date", "object", "array", "any", "vector"]


class SeedFileError(Exception):
    """A seed file that cannot be loaded; the message names the file and the place."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class SeedDataset(_Strict):
    slug: str = Field(pattern=SLUG)


class SeedColumn(_Strict):
    slug: str = Field(pattern=SLUG)
    type: ColumnType
    label: str | None = None
    description: str | None = None


class SeedModel(_Strict):
    dataset: str = "crm"
    slug: str = Field(pattern=SLUG)
    name: str | None = None
    description: str | None = None
    columns: list[SeedColumn] = Field(min_length=1)
    id_column: str | None = Field(None, alias="idColumn")
    title_column: str | None = Field(None, alias="titleColumn")
    time_column: str | None = Field(None, alias="timeColumn")
    records: list[dict[str, Any]] = []


class SeedRelationship(_Strict):
    source: str = Field(alias="from", pattern=r"^[^.]+\.[^.]+\.[^.]+$")  # dataset.model.column
    target: str = Field(alias="to", pattern=r"^[^.]+\.[^.]+\.[^.]+$")
    relation: Literal["oneToOne", "oneToMany", "manyToOne"]


class SeedSegment(_Strict):
    model: str = Field(pattern=r"^[^.]+\.[^.]+$")  # dataset.model
    name: str = Field(min_length=1)
    filter: dict[str, Any] = {"conjonction": "and", "groups": []}
    sort: list[dict[str, Any]] | None = None
    limit: int | None = Field(None, ge=0)
    tracking_column_slugs: list[str] | None = Field(None, alias="trackingColumnSlugs")


class SeedTool(_Strict):
    name: str = Field(min_length=1)
    description: str | None = None
    nodes: list[dict[str, Any]] | None = None


class SeedAgent(_Strict):
    name: str = Field(min_length=1)
    description: str | None = None
    system_prompt: str = Field("", alias="systemPrompt")
    language_model_slug: str = Field("gpt-4o", alias="languageModelSlug")
    temperature: float = Field(0.2, ge=0, le=2)
    max_steps: int = Field(5, ge=1, alias="maxSteps")


class SeedFile(_Strict):
    description: str | None = None
    datasets: list[SeedDataset] = []
    models: list[SeedModel] = []
    relationships: list[SeedRelationship] = []
    segments: list[SeedSegment] = []
    tools: list[SeedTool] = []
    agents: list[SeedAgent] = []


KINDS = ("datasets", "models", "relationships", "segments", "tools", "agents")


def files_of(path: Path) -> list[Path]:
    if path.is_dir():
        found = sorted(p for p in path.iterdir() if p.suffix == ".json" and p.is_file())
        if not found:
            raise SeedFileError(f"{path}: the directory holds no .json seed file")
        return found
    if not path.is_file():
        raise SeedFileError(f"{path}: no such seed file or directory")
    return [path]


def _place(loc: Sequence[int | str]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(the file)"


def parse(path: Path) -> SeedFile:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SeedFileError(f"{path}: cannot read it: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise SeedFileError(f"{path}: not UTF-8 text") from None
    except ValueError as exc:
        raise SeedFileError(f"{path}: not valid JSON: {exc}") from None
    if not isinstance(raw, dict):
        raise SeedFileError(f"{path}: the seed file must be a JSON object ({', '.join(KINDS)})")
    try:
        return SeedFile.model_validate(raw)
    except ValidationError as exc:
        problems = [f"{_place(e['loc'])}: {e['msg']}" for e in exc.errors()[:5]]
        more = f" (and {exc.error_count() - 5} more)" if exc.error_count() > 5 else ""
        raise SeedFileError(f"{path}: " + "; ".join(problems) + more) from None


def digest(paths: Sequence[Path]) -> str:
    sha = hashlib.sha256()
    for path in paths:
        sha.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return sha.hexdigest()[:16]


def load(store: Store, path: Path) -> None:
    """Validate and apply the seed file(s) at ``path`` (once per state: a
    ``--data-dir`` seeded from the same files is left as it is)."""
    paths = files_of(path)
    parsed = [(p, parse(p)) for p in paths]
    mark = f"file:{digest(paths)}"
    seeded = store.meta("seeded")
    if seeded == mark:
        return
    if seeded is not None:
        raise SeedFileError(
            f"{path}: the sandbox state (--data-dir) was already seeded ({seeded}); use a new --data-dir"
        )
    _Loader(store).apply(parsed)
    store.set_meta("seeded", mark)


class _Loader:
    def __init__(self, store: Store) -> None:
        from cargo_cli.sandbox.routes import build_router

        self.store = store
        self.router = build_router()
        self.datasets: dict[str, str] = {}  # slug -> uuid
        self.models: dict[str, dict[str, Any]] = {}  # dataset.model -> model

    def call(self, where: str, method: str, path: str, body: Mapping[str, Any]) -> Any:
        from cargo_cli.sandbox import internal, seed
        from cargo_cli.sandbox.http import ApiError

        matched = self.router.match(method, path)
        assert matched is not None, path
        handler, params = matched
        try:
            return handler(
                internal.context(self.store, seed.WORKSPACE, seed.USER, method, path, params, dict(body))
            )
        except ApiError as exc:
            cause = f" ({exc.extra['cause']})" if "cause" in exc.extra else ""
            raise SeedFileError(f"{where}: {exc.message}{cause}") from None

    def apply(self, parsed: list[tuple[Path, SeedFile]]) -> None:
        from cargo_cli.sandbox import seed

        self.datasets = {d["slug"]: d["uuid"] for d in self.store.all("dataset", seed.WORKSPACE)}
        for kind in KINDS:
            for path, content in parsed:
                for index, item in enumerate(getattr(content, kind)):
                    getattr(self, kind[:-1])(f"{path}: {kind}[{index}]", item)

    def dataset(self, where: str, item: SeedDataset) -> None:
        from cargo_cli.sandbox import seed

        if item.slug in self.datasets:
            return
        now = self.store.now_iso()
        uuid = seed.sid(f"seed-file:dataset:{item.slug}")
        self.store.put("dataset", {"uuid": uuid, "workspaceUuid": seed.WORKSPACE, "slug": item.slug,
                                   "kind": "native", "createdAt": now, "updatedAt": now, "deletedAt": None})  # fmt: skip
        self.datasets[item.slug] = uuid

    def _model(self, where: str, name: str) -> dict[str, Any]:
        if name not in self.models:
            known = ", ".join(self.models) or "none"
            raise SeedFileError(f"{where}: no model {name!r} in the seed file (models: {known})")
        return self.models[name]

    def model(self, where: str, item: SeedModel) -> None:
        where = f"{where} ({item.dataset}.{item.slug})"
        if item.dataset not in self.datasets:
            raise SeedFileError(f"{where}: no dataset {item.dataset!r} (add it to datasets)")
        config: dict[str, Any] = {"columns": [c.model_dump(exclude_none=True) for c in item.columns]}
        for key, value in (("idColumnSlug", item.id_column), ("titleColumnSlug", item.title_column),
                           ("timeColumnSlug", item.time_column)):  # fmt: skip
            if value is not None:
                config[key] = value
        body = {"extractorSlug": "native", "datasetUuid": self.datasets[item.dataset], "slug": item.slug, "name": item.name or item.slug,
                "description": item.description, "config": config}  # fmt: skip
        model = self.call(where, "POST", "/storage/models", body)["model"]
        self._check_records(where, model, item.records)
        for start in range(0, len(item.records), 1000):
            records = item.records[start : start + 1000]
            self.call(f"{where}.records", "POST", "/storage/records/createBulk",
                      {"modelUuid": model["uuid"], "records": records})  # fmt: skip
        self.models[f"{item.dataset}.{item.slug}"] = model

    @staticmethod
    def _check_records(where: str, model: Mapping[str, Any], records: list[dict[str, Any]]) -> None:
        """Each record's values have their column's type (named by index)."""
        from cargo_cli.sandbox.http import ApiError
        from cargo_cli.sandbox.routes.storage import coerce, model_columns

        types = model_columns(model)
        for index, record in enumerate(records):
            unknown = sorted(set(record) - set(types))
            if unknown:
                raise SeedFileError(
                    f"{where}.records[{index}]: {', '.join(unknown)} not in the model's columns"
                )
            try:
                for slug, value in record.items():
                    coerce(slug, types[slug], value)
            except ApiError as exc:
                raise SeedFileError(f"{where}.records[{index}]: {exc.message}") from None

    def relationship(self, where: str, item: SeedRelationship) -> None:
        (source, source_column), (target, target_column) = (
            e.rsplit(".", 1) for e in (item.source, item.target)
        )
        start, end = self._model(where, source), self._model(where, target)
        existing = [r for r in self.store.all("relationship", start["workspaceUuid"])
                    if r["fromDatasetUuid"] == start["datasetUuid"]]  # fmt: skip
        link = {"fromModelUuid": start["uuid"], "fromColumnSlug": source_column, "toModelUuid": end["uuid"],
                "toColumnSlug": target_column, "relation": item.relation}  # fmt: skip
        self.call(where, "POST", "/storage/relationships",
                  {"datasetUuid": start["datasetUuid"], "relationships": [*existing, link]})  # fmt: skip

    def segment(self, where: str, item: SeedSegment) -> None:
        model = self._model(where, item.model)
        body = {"name": item.name, "modelUuid": model["uuid"], "filter": item.filter, "sort": item.sort,
                "limit": item.limit, "trackingColumnSlugs": item.tracking_column_slugs}  # fmt: skip
        self.call(f"{where} ({item.name})", "POST", "/segmentation/segments", body)

    def tool(self, where: str, item: SeedTool) -> None:
        where = f"{where} ({item.name})"
        tool = self.call(
            where, "POST", "/orchestration/tools", {"name": item.name, "description": item.description}
        )
        if item.nodes is not None:
            self.call(where, "POST", "/orchestration/releases/draft/deploy",
                      {"workflowUuid": tool["tool"]["workflowUuid"], "nodes": item.nodes,
                       "description": "Seeded release", "version": "1"})  # fmt: skip

    def agent(self, where: str, item: SeedAgent) -> None:
        from cargo_cli.sandbox.store import new_uuid

        agent = self.call(f"{where} ({item.name})", "POST", "/ai/agents",
                          {"name": item.name, "description": item.description})["agent"]  # fmt: skip
        now = self.store.now_iso()
        release: dict[str, Any] = {
            "uuid": new_uuid(), "userUuid": agent["userUuid"], "description": "Seeded release",
            "templateSlug": None, "version": "1", "actions": [], "capabilities": [], "suggestedActions": [],
            "systemPrompt": item.system_prompt, "withReasoning": False, "temperature": item.temperature,
            "maxSteps": item.max_steps, "integrationSlug": "openai", "connectorUuid": None,
            "languageModelSlug": item.language_model_slug, "mcpClients": [], "resources": [], "output": None,
            "heartbeat": None, "evaluator": None, "deployedAt": now, "createdAt": now,
        }  # fmt: skip
        self.store.put("agentRelease", {**release, "parentUuid": None, "agentUuid": agent["uuid"],
                                        "status": "deployed", "workspaceUuid": agent["workspaceUuid"],
                                        "updatedAt": now})  # fmt: skip
        self.store.put("agent", {**agent, "deployedRelease": release})
