"""The endpoint records by call id, loaded per domain on first use.

The records are generated from the pinned ``spec/api.json`` by
``scripts/gen_endpoints.py`` into ``api/generated/endpoints/<domain>.py``
(``make endpoints-check`` fails on drift). A command that calls
``orchestration.run.get`` loads the orchestration table only; ``ENDPOINTS``
(a read-only mapping of all 306) loads every table only when it is iterated.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping

from cargo_cli.api.endpoint import Endpoint, module_name

PACKAGE = "cargo_cli.api.generated.endpoints"


def _table(module: str) -> Mapping[str, Endpoint]:
    try:
        loaded = importlib.import_module(f"{PACKAGE}.{module}")
    except ModuleNotFoundError:
        return {}
    table: Mapping[str, Endpoint] = loaded.ENDPOINTS
    return table


def find_endpoint(endpoint_id: str) -> Endpoint | None:
    """The record of ``endpoint_id``, or None when there is no such call."""
    if not endpoint_id or "/" in endpoint_id or not endpoint_id.replace(".", "").isidentifier():
        return None
    return _table(module_name(endpoint_id)).get(endpoint_id)


def endpoint_for(endpoint_id: str) -> Endpoint:
    """The record of ``endpoint_id``; ``ValueError`` for an unknown call (a bug)."""
    found = find_endpoint(endpoint_id)
    if found is None:
        raise ValueError(f"unknown endpoint {endpoint_id!r}")
    return found


class EndpointTable(Mapping[str, Endpoint]):
    """All the records, by id: a lookup loads one domain, iterating loads all."""

    def __getitem__(self, endpoint_id: str) -> Endpoint:
        found = find_endpoint(endpoint_id)
        if found is None:
            raise KeyError(endpoint_id)
        return found

    def __iter__(self) -> Iterator[str]:
        from cargo_cli.api.generated.endpoints import MODULES

        for module in MODULES:
            yield from _table(module)

    def __len__(self) -> int:
        return sum(1 for _ in self)


ENDPOINTS: Mapping[str, Endpoint] = EndpointTable()
