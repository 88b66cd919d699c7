"""The record of one vendor API call, as data (the tables of all 306 are
generated into ``api/generated/endpoints/``, one module per domain, and read
through ``api/endpoints.py``).

An ``Endpoint`` says everything the client needs to turn a payload (the
mapping the vendor's TypeScript method takes) into one HTTP request: the
method, the path template and which payload fields fill it, which fields go
to the query string or the JSON body (and under which wire key), whether
unknown fields are forwarded, the transport, whether the workspace header is
sent, whether the call may be re-sent after the server answered
(``safe_to_retry``) and the vendor's reason table for error messages.

Records are named tuples: immutable, and cheap to build at import (a
command loads the table of its own domain only).

The naming rules of the generated code (``python_name``, ``class_name``,
``module_name``) live here too: the generators and the code that finds a
generated method by its call id use the same ones.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Literal, NamedTuple

Location = Literal["path", "query", "body", "form"]
Kind = Literal["str", "number", "bool", "list", "object", "any"]
Transport = Literal["json", "upload", "blob"]
Response = Literal["json", "void", "text"]
NO_REASONS: Mapping[str, Any] = MappingProxyType({})


class Param(NamedTuple):
    """One payload field of a call."""

    name: str  # the payload field (``workflowUuid``)
    wire: str  # the query/body/form key, or the path placeholder
    location: Location
    required: bool = False
    kind: Kind = "any"
    choices: tuple[str, ...] = ()  # a TS string-literal union
    nullable: bool = False
    encode: bool = False  # path only: encodeURIComponent


class Endpoint(NamedTuple):
    id: str  # "orchestration.run.get"
    method: str  # GET, POST, PUT, PATCH, DELETE
    path: str  # "/orchestration/runs/{uuid}"
    params: tuple[Param, ...] = ()
    query: bool = False  # the call sends a query string
    body: bool = False  # the call sends a JSON body
    query_forwards: bool = False  # unknown payload fields go to the query
    body_forwards: bool = False  # unknown payload fields go to the body
    transport: Transport = "json"
    workspace: bool = True  # send the selected-workspace-uuid header
    optional_payload: bool = False  # a JSON body ``{}`` is sent without a payload
    safe_to_retry: bool = True  # may be re-sent after the server answered
    response: Response = "json"  # a 2xx carries JSON; "void": JSON or nothing; "text": text or bytes
    reasons: Mapping[str, Any] = NO_REASONS  # reason -> message (or sub-table)
    chunked: bool = False  # upload: the vendor client sends big files in parts (api/uploads.py)

    def located(self, location: Location) -> tuple[Param, ...]:
        return tuple(p for p in self.params if p.location == location)

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


ROOT_MODULE = "root"  # the module of the calls outside any domain (``getInitialisation``)
_CAMEL_HUMP = r"(?<=[a-z0-9])([A-Z])"  # re caches it compiled on first use


def python_name(name: str) -> str:
    """A camelCase payload field or method name as a Python name:
    ``workflowUuid`` → ``workflow_uuid``; keywords get a trailing ``_``."""
    snake = re.sub(_CAMEL_HUMP, r"_\1", name).lower()
    return snake + "_" if keyword.iskeyword(snake) or snake in ("self", "extra") else snake


def class_name(*parts: str) -> str:
    """``("draftRelease",)`` → ``DraftRelease``; ``("ai", "Domain")`` → ``AiDomain``."""
    return "".join(p[:1].upper() + p[1:] for p in parts)


def module_name(endpoint_id: str) -> str:
    """The generated module of a call's domain: ``orchestration.run.get`` →
    ``orchestration``, ``systemOfRecordIntegration.…`` →
    ``system_of_record_integration``, a call outside any domain → ``root``."""
    domain, dot, _rest = endpoint_id.partition(".")
    return python_name(domain).rstrip("_") if dot else ROOT_MODULE
