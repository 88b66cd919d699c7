"""Query strings byte for byte like the vendor client's axios serializer
(shared/spec/wire-conventions.md), and JavaScript's number formatting."""

from __future__ import annotations

import pytest

from cargo_cli.api.client import CargoClient
from cargo_cli.api.querystring import js_number, serialize
from cargo_cli.settings import Settings

VECTORS = [
    # -- the five examples of wire-conventions.md ---------------------------
    pytest.param(
        {"statuses": ["error", "success"], "limit": 10},
        "statuses%5B%5D=error&statuses%5B%5D=success&limit=10",
        id="spec-top-level-array",
    ),
    pytest.param(
        {"createdAfter": "2025-01-01T00:00:00Z"}, "createdAfter=2025-01-01T00:00:00Z", id="spec-colon-kept"
    ),
    pytest.param({"q": "a b,c"}, "q=a+b,c", id="spec-space-plus-comma-kept"),
    pytest.param(
        {"filter": {"tags": ["x", "y"]}},
        "filter%5Btags%5D%5B0%5D=x&filter%5Btags%5D%5B1%5D=y",
        id="spec-array-in-object-indexed",
    ),
    pytest.param(
        {"a": None, "c": True, "d": [{"x": 1}], "e": "é/&=?#"},
        "c=true&d%5B%5D%5Bx%5D=1&e=%C3%A9%2F%26%3D%3F%23",
        id="spec-null-bool-object-items-encoding",
    ),
    # -- more ---------------------------------------------------------------
    pytest.param(None, "", id="no-params"),
    pytest.param({}, "", id="empty-mapping"),
    pytest.param({"a": None, "b": None}, "", id="only-nulls"),
    pytest.param(
        {"limit": 0, "isFinished": False, "s": ""}, "limit=0&isFinished=false&s=", id="falsy-scalars-kept"
    ),
    pytest.param({"ids": []}, "", id="empty-array-omitted"),
    pytest.param({"ids": ["a", None, "b"]}, "ids%5B%5D=a&ids%5B%5D=b", id="null-items-skipped"),
    pytest.param(
        {"filter": {"tags": ["x", None, "y"]}},
        "filter%5Btags%5D%5B0%5D=x&filter%5Btags%5D%5B2%5D=y",
        id="nested-null-item-keeps-index",
    ),
    pytest.param({"a": {"b": {"c": "d"}}}, "a%5Bb%5D%5Bc%5D=d", id="deep-object"),
    pytest.param(
        {"f": {"a": None, "on": True, "n": 3}}, "f%5Bon%5D=true&f%5Bn%5D=3", id="object-null-dropped"
    ),
    pytest.param({"f": {}}, "", id="empty-object"),
    pytest.param({"n": [1, 2]}, "n%5B%5D=1&n%5B%5D=2", id="number-array"),
    pytest.param(
        {"sort": [{"field": "createdAt", "dir": "desc"}]},
        "sort%5B%5D%5Bfield%5D=createdAt&sort%5B%5D%5Bdir%5D=desc",
        id="object-items-several-fields",
    ),
    pytest.param({"s": "-_.!~*'()"}, "s=-_.!~*'()", id="unreserved-kept"),
    pytest.param({"s": "$:@+/;"}, "s=$:%40%2B%2F%3B", id="dollar-colon-kept-others-encoded"),
    pytest.param({"weird key": "v[1]"}, "weird+key=v%5B1%5D", id="key-encoded-brackets-in-value"),
    pytest.param({"s": "🚀 ü"}, "s=%F0%9F%9A%80+%C3%BC", id="utf8"),
    pytest.param({"s": "100%"}, "s=100%25", id="percent"),
    pytest.param({"n": -3, "x": 2.0, "h": 0.5}, "n=-3&x=2&h=0.5", id="numbers-as-javascript"),
    pytest.param({"big": 1e21, "tiny": 1e-7}, "big=1e%2B21&tiny=1e-7", id="exponent-numbers"),
]


@pytest.mark.parametrize(("params", "expected"), VECTORS)
def test_serialize(params, expected):
    assert serialize(params) == expected


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (2.0, "2"),
        (1.5, "1.5"),
        (-0.5, "-0.5"),
        (0.0, "0"),
        (1e20, "100000000000000000000"),
        (1e21, "1e+21"),
        (1.5e300, "1.5e+300"),
        (0.000001, "0.000001"),
        (1e-7, "1e-7"),
        (1.25e-8, "1.25e-8"),
        (0.1 + 0.2, "0.30000000000000004"),
        (float("nan"), "NaN"),
        (float("-inf"), "-Infinity"),
    ],
)
def test_js_number(value, text):
    assert js_number(value) == text


def test_client_url_joins_base_path_and_query():
    client = CargoClient(Settings.from_env({"CARGO_API_URL": "https://example.test/v1/"}), token=None)
    try:
        assert client.url("/a/b", {"q": "x y"}) == "https://example.test/v1/a/b?q=x+y"
        assert client.url("a/b") == "https://example.test/v1/a/b"
        assert client.url("a/b", {"gone": None}) == "https://example.test/v1/a/b"
    finally:
        client.close()
