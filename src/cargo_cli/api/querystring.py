"""Query-string serialization, byte for byte like the vendor client (axios).

- ``None`` values are dropped; top-level arrays become ``key[]=a&key[]=b``;
  objects become ``key[sub]=v``; arrays inside objects are indexed
  ``key[sub][0]=v``; items of top-level arrays that are objects become
  ``key[][field]=v``.
- ``encodeURIComponent`` then ``%3A``→``:``, ``%24``→``$``, ``%2C``→``,``,
  ``%20``→``+``; brackets stay percent-encoded.
- Booleans and numbers are written as JavaScript's ``String(value)`` writes
  them (``true``, ``10``, ``2`` for ``2.0``, ``1e+21``, ``1e-7``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal
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


def js_number(value: float) -> str:
    """``Number.prototype.toString()``: the shortest round-trip digits (as
    Python's ``repr``), laid out by the ECMAScript rules (exponent only from
    1e21 up and below 1e-6)."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    _sign, digit_tuple, exponent = Decimal(repr(abs(value))).normalize().as_tuple()
    digits = "".join(map(str, digit_tuple))
    k = len(digits)
    n = int(exponent) + k  # the decimal point sits after n digits
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        text = "0." + "0" * -n + digits
    else:
        mantissa = digits if k == 1 else digits[0] + "." + digits[1:]
        text = f"{mantissa}e{'+' if n - 1 >= 0 else '-'}{abs(n - 1)}"
    return sign + text


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return js_number(value)
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
