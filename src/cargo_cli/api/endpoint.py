"""The record of one vendor API call, as data (the table of all 306 is the
generated ``api/endpoints.py``).

An ``Endpoint`` says everything the client needs to turn a payload (the
mapping the vendor's TypeScript method takes) into one HTTP request: the
method, the path template and which payload fields fill it, which fields go
to the query string or the JSON body (and under which wire key), whether
unknown fields are forwarded, the transport, whether the workspace header is
sent, whether the call may be re-sent after the server answered
(``safe_to_retry``) and the vendor's reason table for error messages.

Records are named tuples: immutable, and cheap to build at import (the
table loads with every API call).
"""

from __future__ import annotations

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

    def located(self, location: Location) -> tuple[Param, ...]:
        return tuple(p for p in self.params if p.location == location)

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)
