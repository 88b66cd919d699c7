"""A small, safe evaluator for Cargo expressions (``expression eval evaluate``).

Cargo evaluates JavaScript; the sandbox never runs code. It parses a
JavaScript *expression* subset and interprets it over the JSON variables:

- literals: numbers, strings ('', "", and `template ${literals}`), true,
  false, null, undefined, arrays and objects;
- variables (the top-level keys of ``variables``), member access ``a.b``,
  ``a[0]``, ``a?.b``; a missing property is ``undefined``;
- operators ``! - + typeof``, ``* / %``, ``+ -``, ``< <= > >=``,
  ``== != === !==``, ``&&``, ``||``, ``??`` and ``c ? a : b``;
- arrow functions (``x => x.name``, ``(a, b) => a + b``) as arguments of the
  whitelisted methods: strings (length, toUpperCase, toLowerCase, trim,
  split, includes, startsWith, endsWith, indexOf, slice, substring, replace,
  replaceAll, charAt, concat, at), arrays (length, map, filter, find, some,
  every, join, includes, indexOf, slice, concat, at, reduce), numbers
  (toFixed, toString) and the globals ``Math.{round,floor,ceil,abs,min,max}``,
  ``Object.{keys,values,entries}``, ``JSON.{stringify,parse}``, ``String``,
  ``Number``, ``Boolean``, ``parseInt``, ``parseFloat``.

Nothing else exists: no assignment, no ``new``, no loops, no access to
anything but the variables. A ``templateExpression`` is text with ``{{ expr
}}`` slots: a template that is exactly one slot evaluates to the slot's value
(an object stays an object); otherwise slots are converted to text (objects
and arrays as JSON) and concatenated.
"""

from __future__ import annotations

import contextvars
import json
import math
import re
from collections.abc import Callable, Mapping
from typing import Any

MAX_SOURCE = 20_000  # characters of an expression
MAX_STEPS = 100_000  # evaluated nodes (time)
MAX_SIZE = 100_000  # characters of a string, items of an array, values in the answer (memory)
_steps: contextvars.ContextVar[list[int]] = contextvars.ContextVar("steps")


class ExprError(Exception):
    """An expression that cannot be evaluated (the API's ``{errorMessage}``)."""


class _Undefined:
    def __repr__(self) -> str:
        return "undefined"


UNDEFINED: Any = _Undefined()

TOKEN = re.compile(
    r"""\s*(?:
      (?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
    | (?P<str>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
    | (?P<tpl>`)
    | (?P<name>[A-Za-z_$][\w$]*)
    | (?P<op>===|!==|==|!=|<=|>=|&&|\|\||\?\?|\?\.|=>|[-+*/%<>!?:.,()\[\]{}])
    )""",
    re.VERBOSE,
)
ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}
BINARY = {
    "??": 1, "||": 1, "&&": 2, "==": 3, "!=": 3, "===": 3, "!==": 3,
    "<": 4, ">": 4, "<=": 4, ">=": 4, "+": 5, "-": 5, "*": 6, "/": 6, "%": 6,
}  # fmt: skip
KEYWORDS = {"true": True, "false": False, "null": None, "undefined": UNDEFINED}


def _unescape(body: str) -> str:
    return re.sub(
        r"\\(u[0-9a-fA-F]{4}|.)",
        lambda m: chr(int(m[1][1:], 16)) if len(m[1]) == 5 else ESCAPES.get(m[1], m[1]),
        body,
        flags=re.S,
    )


# -- parsing: source -> tuples -----------------------------------------------------
class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.pos = 0
        self.tokens: list[tuple[str, Any]] = []
        self._tokenize()
        self.index = 0

    def _tokenize(self) -> None:
        while True:
            found = TOKEN.match(self.source, self.pos)
            if not found or found.end() == self.pos:
                if self.source[self.pos :].strip():
                    raise ExprError(f"Unexpected character {self.source[self.pos :].strip()[0]!r}")
                self.tokens.append(("end", None))
                return
            self.pos = found.end()
            kind = found.lastgroup or ""
            text = found[kind]
            if kind == "num":
                self.tokens.append(("lit", float(text) if any(c in text for c in ".eE") else int(text)))
            elif kind == "str":
                self.tokens.append(("lit", _unescape(text[1:-1])))
            elif kind == "tpl":
                self.tokens.append(("tpl", self._template_literal()))
            elif kind == "name":
                self.tokens.append(("name", text))
            else:
                self.tokens.append(("op", text))

    def _template_literal(self) -> list[Any]:
        """`a ${b} c` -> ["a ", <expr b>, " c"] (pos is after the opening backtick)."""
        parts: list[Any] = []
        text = ""
        src = self.source
        while self.pos < len(src):
            char = src[self.pos]
            if char == "\\" and self.pos + 1 < len(src):
                text += _unescape(src[self.pos : self.pos + 2])
                self.pos += 2
            elif char == "`":
                self.pos += 1
                return [*parts, text]
            elif src.startswith("${", self.pos):
                end = _closing_brace(src, self.pos + 2)
                parts += [text, parse(src[self.pos + 2 : end])]
                text = ""
                self.pos = end + 1
            else:
                text += char
                self.pos += 1
        raise ExprError("Unterminated template literal")

    # -- grammar -----------------------------------------------------------------
    def peek(self, offset: int = 0) -> tuple[str, Any]:
        return self.tokens[min(self.index + offset, len(self.tokens) - 1)]

    def take(self) -> tuple[str, Any]:
        token = self.peek()
        self.index += 1
        return token

    def is_op(self, *ops: str) -> bool:
        kind, value = self.peek()
        return kind == "op" and value in ops

    def expect(self, op: str) -> None:
        if not self.is_op(op):
            raise ExprError(f"Expected {op!r} but found {_shown(self.peek())}")
        self.index += 1

    def program(self) -> Any:
        node = self.expression()
        if self.peek()[0] != "end":
            raise ExprError(f"Unexpected {_shown(self.peek())}")
        return node

    def expression(self) -> Any:
        if self._arrow_ahead():
            return self.arrow()
        condition = self.binary(1)
        if self.is_op("?"):
            self.index += 1
            then = self.expression()
            self.expect(":")
            return ("if", condition, then, self.expression())
        return condition

    def _arrow_ahead(self) -> bool:
        kind, _ = self.peek()
        if kind == "name" and self.peek(1) == ("op", "=>"):
            return True
        if not self.is_op("("):
            return False
        offset = 1
        while self.peek(offset)[0] == "name" and self.peek(offset + 1) in (("op", ","), ("op", ")")):
            offset += 2
            if self.peek(offset - 1) == ("op", ")"):
                return self.peek(offset) == ("op", "=>")
        return self.peek(offset) == ("op", ")") and self.peek(offset + 1) == ("op", "=>")

    def arrow(self) -> Any:
        params: list[str] = []
        if self.peek()[0] == "name":
            params.append(self.take()[1])
        else:
            self.expect("(")
            while not self.is_op(")"):
                params.append(self.take()[1])
                if self.is_op(","):
                    self.index += 1
            self.expect(")")
        self.expect("=>")
        return ("fn", tuple(params), self.expression())

    def binary(self, level: int) -> Any:
        left = self.unary()
        while True:
            kind, op = self.peek()
            power = BINARY.get(op) if kind == "op" else None
            if power is None or power < level:
                return left
            self.index += 1
            left = ("bin", op, left, self.binary(power + 1))

    def unary(self) -> Any:
        if self.is_op("!", "-", "+"):
            return ("un", self.take()[1], self.unary())
        if self.peek() == ("name", "typeof"):
            self.index += 1
            return ("un", "typeof", self.unary())
        return self.postfix(self.primary())

    def postfix(self, node: Any) -> Any:
        while True:
            optional = self.is_op("?.")
            if optional:
                self.index += 1
                if self.peek()[0] == "name":
                    node = ("get", node, ("lit", self.take()[1]), True)
                    continue
            if self.is_op(".") and not optional:
                self.index += 1
                kind, name = self.take()
                if kind != "name":
                    raise ExprError(f"Expected a property name after '.' but found {_shown((kind, name))}")
                node = ("get", node, ("lit", name), False)
            elif self.is_op("["):
                self.index += 1
                key = self.expression()
                self.expect("]")
                node = ("get", node, key, optional)
            elif self.is_op("("):
                self.index += 1
                node = ("call", node, self.items(")"), optional)
            elif optional:
                raise ExprError(f"Unexpected {_shown(self.peek())} after '?.'")
            else:
                return node

    def items(self, closing: str) -> list[Any]:
        found = []
        while not self.is_op(closing):
            found.append(self.expression())
            if not self.is_op(closing):
                self.expect(",")
        self.index += 1
        return found

    def primary(self) -> Any:
        kind, value = self.take()
        if kind == "lit":
            return ("lit", value)
        if kind == "tpl":
            return ("tpl", value)
        if kind == "name":
            return ("lit", KEYWORDS[value]) if value in KEYWORDS else ("var", value)
        if value == "(":
            node = self.expression()
            self.expect(")")
            return node
        if value == "[":
            return ("arr", self.items("]"))
        if value == "{":
            return self.object_literal()
        raise ExprError(f"Unexpected {_shown((kind, value))}")

    def object_literal(self) -> Any:
        pairs = []
        while not self.is_op("}"):
            kind, key = self.take()
            if kind not in ("name", "lit"):
                raise ExprError(f"Unexpected {_shown((kind, key))} in an object literal")
            if self.is_op(":"):
                self.index += 1
                pairs.append((str(key), self.expression()))
            elif kind == "name":  # shorthand {a}
                pairs.append((key, ("var", key)))
            else:
                self.expect(":")
            if not self.is_op("}"):
                self.expect(",")
        self.index += 1
        return ("obj", pairs)


def _shown(token: tuple[str, Any]) -> str:
    kind, value = token
    return "the end of the expression" if kind == "end" else repr(value)


def _closing_brace(source: str, start: int) -> int:
    depth = 1
    quote = ""
    index = start
    while index < len(source):
        char = source[index]
        if quote:
            if char == "\\":
                index += 1
            elif char == quote:
                quote = ""
        elif char in "'\"`":
            quote = char
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return index
        index += 1
    raise ExprError("Unterminated ${...} in a template")


def parse(source: str) -> Any:
    if len(source) > MAX_SOURCE:
        raise ExprError(f"The expression is longer than {MAX_SOURCE} characters")
    return _Parser(source).program()


# -- values ---------------------------------------------------------------------------
def truthy(value: Any) -> bool:
    if value is UNDEFINED or value is None:
        return False
    if isinstance(value, float) and math.isnan(value):
        return False
    if isinstance(value, (bool, int, float, str)):
        return bool(value)
    return True


def to_text(value: Any) -> str:
    """JavaScript's String(value), except objects and arrays print as JSON."""
    if value is UNDEFINED:
        return "undefined"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return str(int(value)) if value.is_integer() and abs(value) < 1e21 else repr(value)
    if isinstance(value, (dict, list)):
        return json.dumps(plain(value), separators=(",", ":"))
    if isinstance(value, _Function):
        return "[Function]"
    return str(value)


def to_number(value: Any) -> float | int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)):
        return value
    if value is None:
        return 0
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return 0
        try:
            return float(text) if any(c in text.lower() for c in ".en") else int(text)
        except ValueError:
            return math.nan
    if isinstance(value, list) and len(value) <= 1:
        return to_number(value[0]) if value else 0
    return math.nan


def _number(value: float | int) -> float | int:
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def plain(value: Any, budget: list[int] | None = None) -> Any:
    """An evaluated value as JSON (undefined -> null, NaN/Infinity -> null)."""
    budget = [MAX_SIZE] if budget is None else budget
    budget[0] -= 1
    if budget[0] < 0:
        raise ExprError(f"The result is larger than {MAX_SIZE} values")
    if value is UNDEFINED or isinstance(value, _Function):
        return None
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else _number(value)
    if isinstance(value, dict):
        return {k: plain(v, budget) for k, v in value.items() if v is not UNDEFINED}
    if isinstance(value, list):
        return [plain(v, budget) for v in value]
    return value


def typeof(value: Any) -> str:
    if value is UNDEFINED:
        return "undefined"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, _Function):
        return "function"
    return "object"


def _strict_equal(left: Any, right: Any) -> bool:
    if typeof(left) != typeof(right) or (left is None) != (right is None):
        return False
    if isinstance(left, (dict, list)):
        return left is right
    return bool(left == right)


def _loose_equal(left: Any, right: Any) -> bool:
    nullish = (None, UNDEFINED)
    if left in nullish or right in nullish:
        return left in nullish and right in nullish
    if typeof(left) == typeof(right):
        return _strict_equal(left, right)
    if isinstance(left, (dict, list)) or isinstance(right, (dict, list)):
        return to_text(left) == to_text(right)
    return to_number(left) == to_number(right)


def _compare(op: str, left: Any, right: Any) -> bool:
    if isinstance(left, str) and isinstance(right, str):
        a: Any = left
        b: Any = right
    else:
        a, b = to_number(left), to_number(right)
        if (isinstance(a, float) and math.isnan(a)) or (isinstance(b, float) and math.isnan(b)):
            return False
    return bool({"<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[op])


def _arithmetic(op: str, left: Any, right: Any) -> Any:
    if op == "+":
        if isinstance(left, (str, dict, list)) or isinstance(right, (str, dict, list)):
            return to_text(left) + to_text(right)
        return _number(to_number(left) + to_number(right))
    a, b = to_number(left), to_number(right)
    if op == "-":
        return _number(a - b)
    if op == "*":
        return _number(a * b)
    if b == 0:
        if op == "%" or a == 0 or (isinstance(a, float) and math.isnan(a)):
            return math.nan
        return math.inf if a > 0 else -math.inf
    if op == "/":
        return _number(a / b)
    return _number(math.fmod(a, b))


# -- evaluation -------------------------------------------------------------------------
class _Function:
    def __init__(self, params: tuple[str, ...], body: Any, scope: Mapping[str, Any]) -> None:
        self.params, self.body, self.scope = params, body, scope

    def __call__(self, *args: Any) -> Any:
        bound = dict(zip(self.params, args, strict=False))
        return evaluate_node(self.body, {**self.scope, **bound})


def _callable(value: Any) -> Callable[..., Any]:
    if not callable(value):
        raise ExprError(f"{to_text(value)} is not a function")
    return value  # type: ignore[no-any-return]


def _index(value: Any, length: int, default: int = 0) -> int:
    if value is UNDEFINED:
        return default
    raw = to_number(value)
    number = 0 if isinstance(raw, float) and (math.isnan(raw) or math.isinf(raw)) else int(raw)
    return max(0, length + number) if number < 0 else min(number, length)


def _split(text: str, sep: Any = UNDEFINED, limit: Any = UNDEFINED) -> list[str]:
    parts = [text] if sep is UNDEFINED else (list(text) if sep == "" else text.split(to_text(sep)))
    return parts if limit is UNDEFINED else parts[: int(to_number(limit))]


def _index_of(items: Any, needle: Any, start: Any = UNDEFINED) -> int:
    if isinstance(items, str):
        return items.find(to_text(needle), _index(start, len(items)))
    return next((i for i, v in enumerate(items) if _strict_equal(v, needle)), -1)


def _reduce(items: list[Any], fn: Any, *initial: Any) -> Any:
    function = _callable(fn)
    if not items and not initial:
        raise ExprError("Reduce of empty array with no initial value")
    accumulator, rest = (initial[0], items) if initial else (items[0], items[1:])
    for index, item in enumerate(rest):
        accumulator = function(accumulator, item, index)
    return accumulator


def _string_method(text: str, name: str) -> Any:
    methods: dict[str, Callable[..., Any]] = {
        "toUpperCase": text.upper, "toLowerCase": text.lower, "trim": text.strip,
        "trimStart": text.lstrip, "trimEnd": text.rstrip,
        "split": lambda sep=UNDEFINED, limit=UNDEFINED: _split(text, sep, limit),
        "includes": lambda s: to_text(s) in text,
        "startsWith": lambda s: text.startswith(to_text(s)),
        "endsWith": lambda s: text.endswith(to_text(s)),
        "indexOf": lambda s, start=UNDEFINED: _index_of(text, s, start),
        "slice": lambda a=UNDEFINED, b=UNDEFINED: text[_index(a, len(text)) : _index(b, len(text), len(text))],
        "substring": lambda a=UNDEFINED, b=UNDEFINED: text[
            min(_index(a, len(text)), _index(b, len(text), len(text))) :
            max(_index(a, len(text)), _index(b, len(text), len(text)))
        ],
        "replace": lambda old, new: text.replace(to_text(old), to_text(new), 1),
        "replaceAll": lambda old, new: text.replace(to_text(old), to_text(new)),
        "charAt": lambda i=0: text[int(to_number(i))] if 0 <= int(to_number(i)) < len(text) else "",
        "concat": lambda *more: text + "".join(to_text(m) for m in more),
        "at": lambda i: _at(text, i),
        "toString": lambda: text,
    }  # fmt: skip
    if name == "length":
        return len(text)
    return methods.get(name, UNDEFINED)


def _at(items: Any, index: Any) -> Any:
    position = int(to_number(index))
    position = position + len(items) if position < 0 else position
    return items[position] if 0 <= position < len(items) else UNDEFINED


def _array_method(items: list[Any], name: str) -> Any:
    def each(fn: Any) -> list[tuple[Any, Any]]:
        function = _callable(fn)
        return [(item, function(item, index)) for index, item in enumerate(items)]

    methods: dict[str, Callable[..., Any]] = {
        "map": lambda fn: [result for _, result in each(fn)],
        "filter": lambda fn: [item for item, result in each(fn) if truthy(result)],
        "find": lambda fn: next((item for item, result in each(fn) if truthy(result)), UNDEFINED),
        "some": lambda fn: any(truthy(result) for _, result in each(fn)),
        "every": lambda fn: all(truthy(result) for _, result in each(fn)),
        "join": lambda sep=",": to_text(sep).join("" if v in (None, UNDEFINED) else to_text(v) for v in items),
        "includes": lambda needle: any(_strict_equal(v, needle) for v in items),
        "indexOf": lambda needle: _index_of(items, needle),
        "slice": lambda a=UNDEFINED, b=UNDEFINED: items[_index(a, len(items)) : _index(b, len(items), len(items))],
        "concat": lambda *more: items + [v for m in more for v in (m if isinstance(m, list) else [m])],
        "at": lambda i: _at(items, i),
        "reduce": lambda fn, *initial: _reduce(items, fn, *initial),
    }  # fmt: skip
    if name == "length":
        return len(items)
    return methods.get(name, UNDEFINED)


def _parse_int(value: Any, base: Any = 10) -> Any:
    found = re.match(r"\s*([+-]?\d+)", to_text(value))
    return int(found[1], int(to_number(base))) if found else math.nan


def _parse_float(value: Any) -> Any:
    found = re.match(r"\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)", to_text(value))
    return _number(float(found[1])) if found else math.nan


def _json_parse(text: Any) -> Any:
    try:
        return json.loads(to_text(text))
    except ValueError as exc:
        raise ExprError(f"JSON.parse: {exc}") from None


GLOBALS: dict[str, Any] = {
    "Math": {
        "round": lambda x: _number(math.floor(to_number(x) + 0.5)),
        "floor": lambda x: _number(math.floor(to_number(x))),
        "ceil": lambda x: _number(math.ceil(to_number(x))),
        "abs": lambda x: abs(to_number(x)),
        "min": lambda *xs: min((to_number(x) for x in xs), default=math.inf),
        "max": lambda *xs: max((to_number(x) for x in xs), default=-math.inf),
    },
    "Object": {
        "keys": lambda o: list(o) if isinstance(o, dict) else [],
        "values": lambda o: list(o.values()) if isinstance(o, dict) else [],
        "entries": lambda o: [[k, v] for k, v in o.items()] if isinstance(o, dict) else [],
    },
    "JSON": {"stringify": lambda v: json.dumps(plain(v), separators=(",", ":")), "parse": _json_parse},
    "String": lambda v="": to_text(v),
    "Number": lambda v=0: _number(to_number(v)),
    "Boolean": lambda v=False: truthy(v),
    "parseInt": _parse_int,
    "parseFloat": _parse_float,
}


def _member(value: Any, key: Any, optional: bool) -> Any:
    if value is None or value is UNDEFINED:
        if optional:
            return UNDEFINED
        raise ExprError(f"Cannot read properties of {to_text(value)} (reading '{to_text(key)}')")
    if isinstance(value, str):
        if isinstance(key, (int, float)) and not isinstance(key, bool):
            return _at(value, key) if key >= 0 else UNDEFINED
        return _string_method(value, to_text(key))
    if isinstance(value, list):
        if isinstance(key, (int, float)) and not isinstance(key, bool):
            return value[int(key)] if 0 <= key < len(value) and float(key).is_integer() else UNDEFINED
        if to_text(key).isdigit():
            return _member(value, int(to_text(key)), optional)
        return _array_method(value, to_text(key))
    if isinstance(value, dict):
        return value.get(to_text(key), UNDEFINED)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = value
        methods: dict[str, Callable[..., Any]] = {
            "toFixed": lambda digits=0: f"{number:.{int(to_number(digits))}f}",
            "toString": lambda: to_text(number),
        }
        return methods.get(to_text(key), UNDEFINED)
    return UNDEFINED


def evaluate_node(node: Any, scope: Mapping[str, Any]) -> Any:
    steps = _steps.get()
    steps[0] -= 1
    if steps[0] < 0:
        raise ExprError(f"The expression takes more than {MAX_STEPS} steps")
    value = _evaluate(node, scope)
    if isinstance(value, (str, list, dict)) and len(value) > MAX_SIZE:
        raise ExprError(f"A value is larger than {MAX_SIZE} characters or items")
    return value


def _evaluate(node: Any, scope: Mapping[str, Any]) -> Any:
    tag = node[0]
    if tag == "lit":
        return node[1]
    if tag == "var":
        if node[1] in scope:
            return scope[node[1]]
        if node[1] in GLOBALS:
            return GLOBALS[node[1]]
        raise ExprError(f"{node[1]} is not defined")
    if tag == "tpl":
        return "".join(
            part if isinstance(part, str) else to_text(evaluate_node(part, scope)) for part in node[1]
        )
    if tag == "arr":
        return [evaluate_node(item, scope) for item in node[1]]
    if tag == "obj":
        return {key: evaluate_node(value, scope) for key, value in node[1]}
    if tag == "fn":
        return _Function(node[1], node[2], scope)
    if tag == "if":
        return evaluate_node(node[2] if truthy(evaluate_node(node[1], scope)) else node[3], scope)
    if tag == "un":
        value = evaluate_node(node[2], scope)
        if node[1] == "!":
            return not truthy(value)
        if node[1] == "typeof":
            return typeof(value)
        number = to_number(value)
        return _number(-number) if node[1] == "-" else number
    if tag == "bin":
        return _binary(node[1], node[2], node[3], scope)
    if tag == "get":
        return _member(evaluate_node(node[1], scope), evaluate_node(node[2], scope), node[3])
    if tag == "call":
        target = evaluate_node(node[1], scope)
        if node[3] and target in (None, UNDEFINED):
            return UNDEFINED
        if target is UNDEFINED and node[1][0] == "get":
            raise ExprError(f"{to_text(evaluate_node(node[1][2], scope))} is not a function")
        args = [evaluate_node(arg, scope) for arg in node[2]]
        try:
            return _callable(target)(*args)
        except TypeError:
            raise ExprError("Wrong number of arguments in a call") from None
    raise ExprError(f"Unknown node {tag}")


def _binary(op: str, left_node: Any, right_node: Any, scope: Mapping[str, Any]) -> Any:
    left = evaluate_node(left_node, scope)
    if op == "&&":
        return evaluate_node(right_node, scope) if truthy(left) else left
    if op == "||":
        return left if truthy(left) else evaluate_node(right_node, scope)
    if op == "??":
        return evaluate_node(right_node, scope) if left in (None, UNDEFINED) else left
    right = evaluate_node(right_node, scope)
    if op in ("===", "!=="):
        return _strict_equal(left, right) == (op == "===")
    if op in ("==", "!="):
        return _loose_equal(left, right) == (op == "==")
    if op in ("<", ">", "<=", ">="):
        return _compare(op, left, right)
    return _arithmetic(op, left, right)


def evaluate_js(source: str, variables: Mapping[str, Any]) -> Any:
    token = _steps.set([MAX_STEPS])
    try:
        return plain(evaluate_node(parse(source), dict(variables)))
    except RecursionError:
        raise ExprError("The expression is nested too deeply") from None
    finally:
        _steps.reset(token)


SLOT = re.compile(r"\{\{(.*?)\}\}", re.S)


def evaluate_template(template: str, variables: Mapping[str, Any]) -> Any:
    slots = list(SLOT.finditer(template))
    if len(slots) == 1 and slots[0].group(0) == template.strip():
        return evaluate_js(slots[0][1], variables)
    out = []
    last = 0
    for slot in slots:
        out.append(template[last : slot.start()])
        value = evaluate_js(slot[1], variables)
        out.append("" if value is None else to_text(value))
        last = slot.end()
    out.append(template[last:])
    return "".join(out)
