"""Routing and the error contract shared by every domain module.

Each domain module (``routes/<domain>.py``) declares its calls with
``@router.route("GET", "/storage/models/{uuid}")``; a handler takes a
:class:`Ctx` and returns the JSON answer (``None`` is an empty 200).
"""

from __future__ import annotations

import datetime as dt
import re
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cargo_cli.sandbox.store import Store, iso


class ApiError(Exception):
    """An error answer: ``{"errorMessage": ..., "reason": ...}`` with ``status``."""

    def __init__(self, status: int, message: str, reason: str | None = None, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.reason = reason
        self.extra = extra

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"errorMessage": self.message}
        if self.reason:
            body["reason"] = self.reason
        body.update(self.extra)
        return body


def not_found(what: str, uuid: str | None = None) -> ApiError:
    name = what[0].upper() + what[1:]
    reason = what.replace(" ", "") + "NotFound"
    return ApiError(404, f"{name} not found" + (f": {uuid}" if uuid else ""), reason)


def bad_request(message: str, reason: str = "invalidPayload") -> ApiError:
    return ApiError(400, message, reason)


@dataclass
class Ctx:
    store: Store
    method: str
    path: str
    params: dict[str, str]
    query: dict[str, Any]
    body: Any
    workspace_uuid: str
    user_uuid: str
    base_url: str
    signer: Callable[[str], str]  # blob key -> absolute signed URL
    speed: float
    form: dict[str, tuple[str, str, bytes]] = field(default_factory=dict)  # name -> (filename, type, bytes)

    def arg(self, name: str, default: Any = None) -> Any:
        """A body field (POST/PUT) or query argument (GET)."""
        if isinstance(self.body, dict) and name in self.body:
            return self.body[name]
        return self.query.get(name, default)

    def required(self, name: str) -> Any:
        value = self.arg(name)
        if value is None or value == "":
            raise bad_request(f"{name} is required", "invalidPayload")
        return value

    def array(self, name: str, *, non_empty: bool = False) -> list[Any]:
        """A required JSON array argument."""
        value = self.arg(name)
        if not isinstance(value, list) or (non_empty and not value):
            raise bad_request(
                f"{name} must be {'a non-empty' if non_empty else 'an'} array", "invalidPayload"
            )
        return value


Handler = Callable[[Ctx], Any]


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    pattern: re.Pattern[str]
    handler: Handler

    @property
    def params_count(self) -> int:
        return self.template.count("{")


class Router:
    def __init__(self) -> None:
        self.routes: list[Route] = []

    def route(self, method: str, template: str) -> Callable[[Handler], Handler]:
        regex = "^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template)) + "$"

        def register(handler: Handler) -> Handler:
            self.routes.append(Route(method, template, re.compile(regex), handler))
            return handler

        return register

    def extend(self, other: Router) -> None:
        self.routes.extend(other.routes)
        # Literal paths win over templates (/models/list before /models/{uuid}).
        self.routes.sort(key=lambda r: r.params_count)

    def match(self, method: str, path: str) -> tuple[Handler, dict[str, str]] | None:
        for route in self.routes:
            if route.method != method:
                continue
            found = route.pattern.match(path)
            if found:
                return route.handler, {k: urllib.parse.unquote(v) for k, v in found.groupdict().items()}
        return None


# -- query strings (axios style: a[]=1&a[]=2, o[k]=v, o[k][0]=v) ---------------
def parse_query(raw: str) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in urllib.parse.parse_qsl(raw, keep_blank_values=True):
        parts = re.findall(r"[^\[\]]+|\[\]", key)
        if not parts:
            continue
        _assign(result, parts, _scalar(value))
    return result


def _scalar(value: str) -> Any:
    if value in ("true", "false"):
        return value == "true"
    return value


def _assign(target: dict[str, Any], parts: list[str], value: Any) -> None:
    head, rest = parts[0], parts[1:]
    if not rest:
        target[head] = value
        return
    if rest[0] == "[]":
        items = target.setdefault(head, [])
        if isinstance(items, list):
            items.append(value)
        return
    child = target.setdefault(head, {})
    if isinstance(child, dict):
        _assign(child, rest, value)


def as_int(value: Any, name: str, default: int | None = None) -> int | None:
    if value is None or value == "":
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise bad_request(f"{name} must be an integer") from None


def as_list(value: Any) -> list[Any] | None:
    if value is None:
        return None
    return value if isinstance(value, list) else [value]


def jsonable(value: Any) -> Any:
    """DuckDB values -> JSON values (timestamps as ISO strings)."""
    if isinstance(value, dt.datetime):
        return iso(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value
