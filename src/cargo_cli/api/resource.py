"""The base of the generated typed resources (``api/resources/``): the
``@endpoint`` marker that ties a method to its call id, and ``Resource``,
which validates a payload against the call's request model and sends it."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from cargo_cli.api.client import CargoClient

F = TypeVar("F", bound=Callable[..., Any])
Progress = Callable[[int, int | None], None]


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
    def __init__(self, client: CargoClient) -> None:
        self._client = client

    def _call(
        self, endpoint_id: str, fields: Mapping[str, Any], extra: Mapping[str, Any] | None = None
    ) -> Any:
        """Check the payload against the call's request model (InvalidRequest:
        nothing sent), then send it."""
        from cargo_cli.api.endpoints import ENDPOINTS
        from cargo_cli.api.payloads import validate_payload

        payload = {name: value for name, value in fields.items() if value is not None}
        payload.update(extra or {})
        validate_payload(ENDPOINTS[endpoint_id], payload)
        return self._client.call(endpoint_id, payload)

    def _upload(
        self,
        endpoint_id: str,
        file: str | os.PathLike[str],
        on_progress: Progress | None,
        fields: Mapping[str, str],
    ) -> Any:
        return self._client.upload(endpoint_id, file, fields=fields, on_progress=on_progress)
