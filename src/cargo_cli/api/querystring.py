"""Query-string serialization, byte for byte like the vendor client (axios).

- ``None`` values are dropped; top-level arrays become ``key[]=a&key[]=b``;
  objects become ``key[sub]=v``; arrays inside objects are indexed
  ``key[sub][0]=v``; items of top-level arrays that are objects become
  ``key[][field]=v``.
- ``encodeURIComponent`` then ``%3A``→``:``, ``%24``→``$``, ``%2C``→``,``,
  ``%20``→``+``; brackets stay percent-encoded.
- Booleans and numbers are written as their JSON text.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

# encodeURIComponent leaves A-Z a-z 0-9 - _ . ! ~ * ' ( ) unescaped.
_SAFE = "-_.!~*'()"


def _encode(text: str) -> str:
    return (
        quote(text, safe=_SAFE)
        .replace("%3A", ":")
        .replace("%24", "$")
        .replace("%2C", ",")
        .replace("%20", "+")
    )


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    return str(value)


def _pairs(key: str, value: Any, *, top_level: bool, out: list[tuple[str, str]]) -> None:
    if value is None:
        return
    if isinstance(value, Mapping):
        for sub, sub_value in value.items():
            _pairs(f"{key}[{sub}]", sub_value, top_level=False, out=out)
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            if item is None:
                continue
            item_key = f"{key}[]" if top_level else f"{key}[{index}]"
            _pairs(item_key, item, top_level=False, out=out)
    else:
        out.append((key, _scalar(value)))


def serialize(params: Mapping[str, Any] | None) -> str:
    """Serialize ``params`` to a query string without the leading ``?``."""
    if not params:
        return ""
    pairs: list[tuple[str, str]] = []
    for key, value in params.items():
        _pairs(key, value, top_level=True, out=pairs)
    return "&".join(f"{_encode(k)}={_encode(v)}" for k, v in pairs)
