"""pydantic models of the API answers the CLI reads: runs, batches,
messages, releases and their nodes, download answers and pages.

They serve reading only: what a command prints is always the answer exactly
as the server sent it, never a model re-serialised. Every model allows extra
fields, and ``read`` never raises: an answer that does not fit gives ``None``
(the caller then says what it missed), so an unexpected answer can never
fail a command that only prints it. Imported only by the commands that read
answers (waiting, downloads, diagrams, paging), never for ``--help``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator


class Model(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True, frozen=True)


M = TypeVar("M", bound=Model)


def read(model: type[M], answer: Any) -> M | None:
    """``answer`` as ``model``, or None when it does not fit."""
    try:
        return model.model_validate(answer)
    except ValidationError:
        return None


class Status(Model):
    """Anything with a uuid and a status (a run, a batch, a message)."""

    uuid: str | None = None
    status: str | None = None


class Execution(Model):
    node_uuid: str | None = Field(None, alias="nodeUuid")
    status: str | None = None


class Run(Status):
    release_uuid: str | None = Field(None, alias="releaseUuid")
    nodes: list[Any] | None = None
    executions: list[Execution] = []

    @field_validator("executions", mode="before")
    @classmethod
    def _readable_executions(cls, value: Any) -> list[Any]:
        """Skip executions that do not fit (or a non-list): the rest still count."""
        return [item for item in (value if isinstance(value, list) else []) if read(Execution, item)]


class Batch(Status):
    pass


class Message(Status):
    pass


class Release(Model):
    uuid: str | None = None
    nodes: list[Any] | None = None


class Node(Model):
    """A workflow node as a diagram reads it (releases, runs, templates, a
    group's ``config._nodes``). Every field may be missing or of another
    shape: those read as absent (``uuid`` None, ``config`` {}, no children)
    and the diagram says what it skipped. Fields are read by their wire names
    only."""

    model_config = ConfigDict(extra="allow", populate_by_name=False, frozen=True)

    uuid: str | None = None  # a non-empty string, else None (the node is skipped)
    slug: Any = None
    name: Any = None
    kind: Any = None
    action_slug: Any = Field(None, alias="actionSlug")
    integration_slug: Any = Field(None, alias="integrationSlug")
    template_slug: Any = Field(None, alias="templateSlug")
    tool_uuid: Any = Field(None, alias="toolUuid")
    agent_uuid: Any = Field(None, alias="agentUuid")
    config: dict[Any, Any] = {}  # a JSON object, else {}
    children_uuids: list[Any] = Field([], alias="childrenUuids")  # in order: the routing meaning
    fallback_child_uuid: str | None = Field(None, alias="fallbackChildUuid")  # non-empty, else None

    @field_validator("uuid", "fallback_child_uuid", mode="before")
    @classmethod
    def _non_empty_string(cls, value: Any) -> str | None:
        return value if isinstance(value, str) and value else None

    @field_validator("config", mode="before")
    @classmethod
    def _object(cls, value: Any) -> dict[Any, Any]:
        return dict(value) if isinstance(value, Mapping) else {}

    @field_validator("children_uuids", mode="before")
    @classmethod
    def _array(cls, value: Any) -> list[Any]:
        return list(value) if isinstance(value, list) else []


class RunAnswer(Model):
    run: Run


class ReleaseAnswer(Model):
    release: Release


class DownloadAnswer(Model):
    """A signed URL (``url``), or several (``urls``)."""

    url: str | None = None
    urls: list[str] | str | None = None

    def targets(self) -> list[str]:
        """The URLs to fetch (``urls`` wins); empty when there is none."""
        found = self.urls if self.urls is not None else self.url
        listed = [found] if isinstance(found, str) else (found or [])
        return listed if listed and all(listed) else []


class RecordsPage(Model):
    """One page of ``segment fetch``."""

    records: list[Any]


class Envelope(Model):
    """Any JSON object: its fields are read one by one with ``entity``."""


_LIST: TypeAdapter[list[Any]] = TypeAdapter(list[Any])


def items(answer: Any, key: str) -> list[Any] | None:
    """``answer[key]`` when it is a JSON array (a page of ``records``,
    ``runs``...), else None."""
    envelope = read(Envelope, answer)
    value = (envelope.model_extra or {}).get(key) if envelope is not None else None
    try:
        return _LIST.validate_python(value, strict=True)
    except ValidationError:
        return None


def entity(answer: Any, key: str, model: type[M]) -> M | None:
    """``answer[key]`` as ``model`` (``{"run": {...}}`` → a Run), or None."""
    envelope = read(Envelope, answer)
    extra = envelope.model_extra if envelope is not None else None
    return read(model, extra.get(key)) if extra else None
