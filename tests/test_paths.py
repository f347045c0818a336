"""Paths: rendering, parsing, resolving, and agreement with jsonpath-ng."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from designer.core.paths import (
    MISSING,
    PathSyntaxError,
    compile_jsonpath,
    evaluate,
    evaluate_one,
    find_literal_dotted_keys,
    needs_quotes,
    parse_dotted,
    parse_jsonpath,
    render_dotted,
    render_jsonpath,
    resolve,
)

# Case P1 from CASES.md.
P1 = {
    "data": {
        "meta": {"com.shop.ref": "R-7"},
        "meta-data": {"61f44": "x"},
        "line items": [{"sku": "A-1"}, {"sku": "B-2"}],
        "where": 1,
        "A#B": 2,
        "@odata.nextLink": "u",
    }
}

P1_LEAVES = [
    (("data", "meta", "com.shop.ref"), "$.data.meta['com.shop.ref']", "R-7"),
    (("data", "meta-data", "61f44"), "$.data['meta-data']['61f44']", "x"),
    (("data", "line items", 0, "sku"), "$.data['line items'][0].sku", "A-1"),
    (("data", "line items", 1, "sku"), "$.data['line items'][1].sku", "B-2"),
    (("data", "where"), "$.data['where']", 1),
    (("data", "A#B"), "$.data['A#B']", 2),
    (("data", "@odata.nextLink"), "$.data['@odata.nextLink']", "u"),
]


def _jsonpath_ng_values(expr: str, data: Any) -> list[Any]:
    return [d.value for d in compile_jsonpath(expr).find(data)]


@pytest.mark.parametrize(("segments", "jsonpath", "value"), P1_LEAVES)
def test_p1_every_leaf_in_both_dialects(
    segments: tuple[str | int, ...], jsonpath: str, value: Any
) -> None:
    assert render_jsonpath(segments) == jsonpath
    assert parse_jsonpath(jsonpath) == segments
    assert _jsonpath_ng_values(jsonpath, P1) == [value]
    assert evaluate(jsonpath, P1) == [(segments, value)]

    dotted = render_dotted(segments)
    assert parse_dotted(dotted) == segments
    assert resolve(P1, parse_dotted(dotted)).value == value


def test_p1_dotted_forms_quote_the_same_keys() -> None:
    assert render_dotted(("meta", "com.shop.ref")) == 'meta["com.shop.ref"]'
    assert render_dotted(("data", "meta-data", "61f44")) == 'data["meta-data"]["61f44"]'
    assert render_dotted(("data", "line items", 1, "sku")) == (
        'data["line items"][1].sku'
    )
    assert render_dotted(("data", "where")) == 'data["where"]'


def test_p1_the_unquoted_form_matches_nothing_and_is_never_written() -> None:
    # The trap: jsonpath-ng parses this and silently matches nothing.
    assert _jsonpath_ng_values("$.data.meta.com.shop.ref", P1) == []
    assert _jsonpath_ng_values("$.data.@odata.nextLink", P1) == []
    for segments, _, _ in P1_LEAVES:
        rendered = render_jsonpath(segments)
        assert ".com.shop" not in rendered
        assert ".@" not in rendered


@pytest.mark.parametrize(
    "key",
    [
        "",
        "0",
        "61f44",
        "a.b",
        "a b",
        "a-b",
        "#",
        "@x",
        "$",
        "*",
        "/",
        "where",
        "wherenot",
        "true",
        "false",
        "null",
        "é",
        "1a",
        "a'b",
        'a"b',
        "a\\b",
        "[x]",
    ],
)
def test_keys_that_need_quotes(key: str) -> None:
    assert needs_quotes(key)


@pytest.mark.parametrize("key", ["a", "sku", "_x", "mobile_code", "A1", "and", "or"])
def test_plain_keys_stay_bare(key: str) -> None:
    assert not needs_quotes(key)
    assert render_jsonpath(("d", key)) == f"$.d.{key}"
    assert render_dotted(("d", key)) == f"d.{key}"


def test_numeric_keys_are_not_indexes() -> None:
    assert parse_dotted('a["0"]') == ("a", "0")
    assert parse_dotted("a[0]") == ("a", 0)
    assert parse_dotted("a.0") == ("a", "0")  # a bare word is a key
    res = resolve({"a": ["x"]}, ("a", "0"))
    assert res.value is MISSING
    assert "write [0] for an index" in res.reason


def test_dotted_parse_errors_carry_column() -> None:
    with pytest.raises(PathSyntaxError) as info:
        parse_dotted("a..b")
    assert info.value.column == 3
    with pytest.raises(PathSyntaxError) as info:
        parse_dotted('meta["com.shop')
    assert info.value.column == 6  # the opening quote
    assert "unclosed" in str(info.value)
    with pytest.raises(PathSyntaxError, match="quote the key"):
        parse_dotted("line items")
    with pytest.raises(PathSyntaxError):
        parse_dotted("")


def test_jsonpath_syntax_error_from_jsonpath_ng() -> None:
    with pytest.raises(PathSyntaxError) as info:
        compile_jsonpath("$.data.where")
    assert info.value.column == 8


@pytest.mark.parametrize(
    "expr",
    [
        "$..sku",
        "$.items[*].sku",
        "$.items[0:2]",
        "$.items[?(@.q > 1)]",
        "$.a.where",
        "$.@odata",
        "$.a-b",
        "data.x",
        "$.a[0,1]",
    ],
)
def test_non_plain_jsonpath_goes_to_jsonpath_ng(expr: str) -> None:
    assert parse_jsonpath(expr) is None


def test_resolve_reasons() -> None:
    data = {"price": {"value": 10}, "items": [1, 2], "name": "x"}
    r = resolve(data, ("price", "amount"))
    assert (r.value, r.failed_at, r.failed_on) == (MISSING, 1, {"value": 10})
    assert r.reason == """key 'amount' not in object with keys ["value"]"""
    r = resolve(data, ("items", 3))
    assert r.reason == "index 3 out of range for list of length 2"
    r = resolve(data, ("name", "x"))
    assert r.reason == "cannot read key 'x' of a string"
    r = resolve(data, ("name", 0))
    assert r.reason == "cannot read index 0 of a string"
    assert resolve(data, ("items", -1)).value == 2
    assert resolve(data, ()).value is data
    assert resolve({"a": None}, ("a",)).value is None


def test_p3_literal_dotted_key() -> None:
    record = {"pagination_metadata": {"next_cursor": "c_2"}, "x.y": "literal"}
    assert resolve(record, parse_dotted("pagination_metadata.next_cursor")).value == (
        "c_2"
    )
    assert resolve(record, parse_dotted('["x.y"]')).value == "literal"
    segs = parse_dotted("x.y")
    assert segs == ("x", "y")
    assert resolve(record, segs).value is MISSING
    (lit,) = find_literal_dotted_keys(record, segs)
    assert (lit.at, lit.span, lit.key) == (0, 2, "x.y")
    assert (
        find_literal_dotted_keys(record, ("pagination_metadata", "next_cursor")) == []
    )


def test_evaluate_one_warns_on_several_matches() -> None:
    one = evaluate_one("$.data['line items'][*].sku", P1)
    assert one.value == "A-1"
    assert one.count == 2
    assert one.warning is not None and "matched 2 values" in one.warning
    none = evaluate_one("$.data.nothing", P1)
    assert none.value is MISSING and none.count == 0


# --------------------------------------------------------------------------- property

# Keys a JSON document can hold: any text, with the awkward cases made likely.
_awkward = st.sampled_from(
    [
        "",
        "0",
        "61f44",
        "where",
        "wherenot",
        "true",
        "false",
        "null",
        "$",
        "@",
        "@x",
        "*",
        "..",
        ".",
        "[",
        "]",
        "'",
        '"',
        "\\",
        "\\'",
        '\\"',
        "a.b",
        "a b",
        "#",
        "-1",
        "é",
        "١٢٣",
        "日本",
        "🎁",
        "\n",
        " ",
        ",",
        ":",
        "?",
        "(",
        ")",
        "`",
        "len",
    ]
)
keys = st.one_of(
    _awkward,
    st.text(max_size=12),
    st.from_regex(r"[a-z_][a-z0-9_]{0,6}", fullmatch=True),
)
segments_strategy = st.lists(
    st.one_of(keys, st.integers(min_value=0, max_value=3)), min_size=1, max_size=5
)


def _build(segments: list[str | int], leaf: Any) -> Any:
    """A document where ``segments`` leads to ``leaf``, with decoys around it."""
    node: Any = leaf
    for seg in reversed(segments):
        if isinstance(seg, int):
            node = ["decoy"] * seg + [node, "after"]
        else:
            decoys = {seg + "_": "decoy", seg + ".x": "decoy", "": "decoy"}
            node = {**decoys, seg: node}
    return node


@settings(max_examples=400, deadline=None)
@given(segments_strategy)
def test_render_parse_resolve_roundtrip_in_both_dialects(segs: list[str | int]) -> None:
    leaf = {"leaf": True}
    data = _build(segs, leaf)
    segments = tuple(segs)

    dotted = render_dotted(segments)
    assert parse_dotted(dotted) == segments
    assert resolve(data, parse_dotted(dotted)).value is leaf

    jsonpath = render_jsonpath(segments)
    assert parse_jsonpath(jsonpath) == segments
    assert resolve(data, parse_jsonpath(jsonpath) or ()).value is leaf
    found = compile_jsonpath(jsonpath).find(data)
    assert [d.value for d in found] == [leaf]


_chain_text = st.lists(
    st.one_of(
        st.from_regex(r"\.[A-Za-z_][A-Za-z0-9_]{0,4}", fullmatch=True),
        st.from_regex(r"\[-?[0-3]\]", fullmatch=True),
        keys.map(lambda k: "['" + k.replace("\\", "\\\\").replace("'", "\\'") + "']"),
        keys.map(lambda k: '["' + k.replace("\\", "\\\\").replace('"', '\\"') + '"]'),
    ),
    max_size=5,
).map(lambda parts: "$" + "".join(parts))

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=4),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.one_of(keys, st.sampled_from(["a", "b", "x"])), children, max_size=4
        )
    ),
    max_leaves=20,
)


@settings(max_examples=400, deadline=None)
@given(_chain_text, json_values)
def test_fast_walk_agrees_with_jsonpath_ng_on_plain_chains(
    expr: str, data: Any
) -> None:
    segments = parse_jsonpath(expr)
    if segments is None:  # a bare word the fast walk leaves to jsonpath-ng
        return
    expected = [d.value for d in compile_jsonpath(expr).find(data)]
    res = resolve(data, segments)
    assert ([res.value] if res.found else []) == expected
