"""Request payloads checked against the endpoint table before anything is sent.

Each call's payload model is a pydantic model built from its ``Endpoint``
params on first use (and cached): required fields, literal choices (the TS
string unions) and the plain JSON kinds (string, number, boolean, array,
object). Unknown fields are allowed (many calls forward them). A payload
that does not fit raises ``InvalidRequest`` naming the field; nothing is sent.

pydantic is imported only when a payload has something to check, so a call
without params (``whoami``'s) never loads it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from cargo_cli.api.endpoint import Endpoint, Param
from cargo_cli.api.errors import InvalidPayload


class Check:
    """What the one payload check looks at: ``require`` the required fields,
    ``kinds`` the JSON kinds, ``choices`` the literal choices; ``skip`` names
    fields left alone. ``FULL`` (the default of every resource) checks
    everything; a documented command asks for less (cli/rows.py: what the
    documented command requires is its contract). (A plain class: it loads
    with every command's rows.)"""

    __slots__ = ("choices", "kinds", "require", "skip")

    def __init__(
        self,
        *,
        require: bool = True,
        kinds: bool = True,
        choices: bool = True,
        skip: frozenset[str] = frozenset(),
    ) -> None:
        self.require, self.kinds, self.choices, self.skip = require, kinds, choices, skip

    def __repr__(self) -> str:
        return f"Check(require={self.require}, kinds={self.kinds}, choices={self.choices}, skip={set(self.skip)})"


FULL = Check()
NO_CHECK = Check(require=False, kinds=False, choices=False)

_MODELS: dict[tuple[str, bool], Any] = {}


def _constrained(param: Param, check: Check) -> bool:
    return param.location != "path" and bool(
        (check.choices and param.choices) or (check.kinds and param.kind != "any")
    )


def payload_model(endpoint: Endpoint, *, kinds: bool = True) -> Any:
    """The pydantic model of ``endpoint``'s payload fields: choices and
    (``kinds``) the JSON kind of each field; null only where the field is
    optional or nullable."""
    key = (endpoint.id, kinds)
    if key not in _MODELS:
        _MODELS[key] = _build(endpoint, kinds)
    return _MODELS[key]


def _build(endpoint: Endpoint, kinds: bool) -> Any:
    from pydantic import ConfigDict, StrictBool, StrictStr, create_model

    types: dict[str, Any] = {
        "str": StrictStr,
        "number": float,
        "bool": StrictBool,
        "list": list,
        "object": dict,
    }
    fields: dict[str, Any] = {}
    for param in endpoint.params:
        if param.location == "path" or param.name in fields or not param.name.isidentifier():
            continue
        if param.choices:
            kind: Any = Literal[param.choices]
        elif kinds and param.kind != "any":
            kind = types[param.kind]
        else:
            kind = Any
        if param.nullable or not param.required:
            kind = kind | None
        fields[param.name] = (kind, None)  # missing fields are found before the model runs
    name = "".join(part[:1].upper() + part[1:] for part in endpoint.id.split(".")) + "Payload"
    return create_model(name, __config__=ConfigDict(extra="allow"), **fields)


def validate_payload(endpoint: Endpoint, payload: Mapping[str, Any], *, check: Check = FULL) -> None:
    """Raise ``InvalidPayload`` (an ``InvalidRequest``, with ``field``) when
    ``payload`` does not fit, as far as ``check`` looks."""
    skip = check.skip
    missing = [
        p.name
        for p in endpoint.params
        if check.require
        and p.required
        and p.location != "path"
        and p.name not in payload
        and p.name not in skip
    ]
    present = [
        p for p in endpoint.params if p.name in payload and p.name not in skip and _constrained(p, check)
    ]
    if missing:
        raise InvalidPayload(f"Missing value for {missing[0]}", field=missing[0])
    if not present:
        return  # nothing to check: no pydantic import
    from pydantic import ValidationError

    try:
        payload_model(endpoint, kinds=check.kinds).model_validate({p.name: payload[p.name] for p in present})
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0])
        param = endpoint.param(field)
        if param is not None and param.choices:
            allowed = ", ".join(param.choices)
            message = f"Invalid value for {field}: {payload.get(field)!r} is not one of {allowed}"
        else:
            message = f"Invalid value for {field}: {error['msg']}"
        raise InvalidPayload(message, field=field) from None
