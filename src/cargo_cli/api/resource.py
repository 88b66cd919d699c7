"""The base of the generated typed resources (``api/generated/resources/``):
the ``@endpoint`` marker that ties a method to its call id, ``Resource``,
whose ``_call`` is the one way a payload reaches the wire (checked once
against the call's request model, built into one ``httpx.Request``, sent
through the client's request loop), and ``call_method``, which runs a
generated method with a payload of wire field names (what the command rows
build).

As in the Anthropic SDK's ``_resource.py``: a resource holds the client and
its per-call options; ``with_options(check=..., raw=...)`` gives a copy
that checks less, or answers the raw response instead of raising.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from cargo_cli.api.payloads import FULL, NO_CHECK, Check

if TYPE_CHECKING:
    from cargo_cli.api.client import CargoClient

__all__ = [
    "FULL",
    "NO_CHECK",
    "NULL",
    "Check",
    "Progress",
    "Resource",
    "call_method",
    "endpoint",
    "endpoint_id_of",
    "method_for",
    "raw_request",
]

F = TypeVar("F", bound=Callable[..., Any])
R = TypeVar("R", bound="Resource")
Progress = Callable[[int, int | None], None]


class _Null:
    def __repr__(self) -> str:
        return "NULL"


NULL: Any = _Null()  # a keyword set to NULL is sent as JSON null (None: not sent)


def endpoint(endpoint_id: str) -> Callable[[F], F]:
    """Mark a resource method with the id of the call it makes."""

    def mark(method: F) -> F:
        setattr(method, "endpoint_id", endpoint_id)  # noqa: B010
        return method

    return mark


def endpoint_id_of(method: Callable[..., Any]) -> str:
    endpoint_id = getattr(method, "endpoint_id", None)
    if not isinstance(endpoint_id, str):
        raise TypeError(f"{method!r} is not a resource method")
    return endpoint_id


class Resource:
    """A group of typed methods on one client. ``client`` may be a function
    that gives it: it is asked for only when a call is sent (a payload that
    does not fit fails first, without credentials)."""

    def __init__(
        self,
        client: CargoClient | Callable[[], CargoClient],
        *,
        check: Check = FULL,
        raw: bool = False,
        key_order: tuple[str, ...] = (),
    ) -> None:
        self._client_source = client
        self._check = check
        self._raw = raw
        self._key_order = key_order  # the caller's order of the payload's fields (the wire keeps it)

    @property
    def _client(self) -> CargoClient:
        source = self._client_source
        return source() if callable(source) else source

    def with_options(self: R, *, check: Check | None = None, raw: bool | None = None) -> R:
        """A copy that checks payloads with ``check``; with ``raw=True`` its
        calls answer a ``RawResponse`` (status, body, headers, elapsed)
        whatever the status: one attempt, no retries, nothing raised for an
        error status (``doctor``)."""
        return type(self)(
            self._client_source,
            check=self._check if check is None else check,
            raw=self._raw if raw is None else raw,
            key_order=self._key_order,
        )

    def _sub(self, cls: type[R]) -> R:
        """A sub-resource (an area of a domain) with the same options."""
        return cls(self._client_source, check=self._check, raw=self._raw, key_order=self._key_order)

    def _call(
        self, endpoint_id: str, fields: Mapping[str, Any], extra: Mapping[str, Any] | None = None
    ) -> Any:
        """Check the payload (InvalidRequest: nothing sent), build the request,
        send it. ``None`` values are not sent, ``NULL`` ones are sent as null."""
        from cargo_cli.api.endpoints import endpoint_for
        from cargo_cli.api.payloads import validate_payload

        payload = {
            name: None if value is NULL else value for name, value in fields.items() if value is not None
        }
        payload.update({name: None if value is NULL else value for name, value in (extra or {}).items()})
        if self._key_order:  # a forwarded query or body keeps the order its caller built
            rank = {name: index for index, name in enumerate(self._key_order)}
            payload = dict(sorted(payload.items(), key=lambda item: rank.get(item[0], len(rank))))
        record = endpoint_for(endpoint_id)
        validate_payload(record, payload, check=self._check)
        client = self._client
        call = client.prepare(record, payload)
        return client.send_once(call) if self._raw else client.send(call)

    def _upload(
        self,
        endpoint_id: str,
        file: str | os.PathLike[str],
        on_progress: Progress | None,
        fields: Mapping[str, str],
    ) -> Any:
        """A multipart upload of ``file`` (in parts, straight to storage, when
        the call's record says so for its size: api/uploads.py)."""
        from cargo_cli.api import uploads
        from cargo_cli.api.endpoints import endpoint_for

        return uploads.upload(
            self._client, endpoint_for(endpoint_id), file, fields=fields, on_progress=on_progress
        )


def owner_of(method: Callable[..., Any]) -> type[Resource]:
    """The resource class a generated method is defined on."""
    owner: Any = sys.modules[method.__module__]
    for part in method.__qualname__.split(".")[:-1]:
        owner = getattr(owner, part)
    if not (isinstance(owner, type) and issubclass(owner, Resource)):
        raise TypeError(f"{method!r} is not a resource method")
    return owner


def call_method(
    method: Callable[..., Any],
    client: CargoClient | Callable[[], CargoClient],
    payload: Mapping[str, Any],
    *,
    check: Check = FULL,
) -> Any:
    """Run the generated ``method`` with ``payload`` keyed by wire field
    names (``{"workflowUuid": ..., "limit": 5}``) as the command rows build
    it: each known field becomes its keyword (``None`` in the payload is sent
    as JSON null), other fields go to ``**extra`` where the call forwards
    them (else they are not sent, as the vendor client drops them)."""
    from cargo_cli.api.endpoint import python_name
    from cargo_cli.api.endpoints import endpoint_for

    record = endpoint_for(endpoint_id_of(method))
    names: dict[str, str] = {}
    for param in record.params:
        names.setdefault(param.name, python_name(param.name))
    forwards = record.query_forwards or record.body_forwards
    kwargs: dict[str, Any] = {}
    for key, value in payload.items():
        value = NULL if value is None else value
        if key in names:
            kwargs[names[key]] = value
        elif forwards:
            kwargs[key] = value
    for name in names.values():
        kwargs.setdefault(name, None)  # not given: the check decides whether it was needed
    return method(owner_of(method)(client, check=check, key_order=tuple(payload)), **kwargs)


def method_for(endpoint_id: str) -> Callable[..., Any]:
    """The generated method of a call, by id (``cargo-ai api``)."""
    import importlib

    from cargo_cli.api.endpoint import class_name, module_name, python_name

    parts = endpoint_id.split(".")
    package = "cargo_cli.api.generated.resources"
    if len(parts) == 1:  # a call outside any domain: a method of Api itself
        owner: Any = importlib.import_module(package).Api
    else:
        module = importlib.import_module(f"{package}.{module_name(endpoint_id)}")
        owner = getattr(module, class_name(parts[1]))
    method: Callable[..., Any] = getattr(owner, python_name(parts[-1]))
    return method


def raw_request(client: CargoClient, method: str, path: str, **kwargs: Any) -> Any:
    """A request under ``/v1`` that is not one of the vendor client's calls
    (``cargo-ai api GET /v1/...``): ``CargoClient.build_request``'s
    arguments, sent through the same request loop as every call."""
    return client.send(client.build_request(method, path, **kwargs))
