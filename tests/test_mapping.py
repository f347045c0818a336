"""The mapping engine: rule forms, transforms, traces, diagnostics, and cases."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from designer.core.diagnostics import Severity
from designer.core.mapping import (
    FieldStatus,
    compile_mapping,
    extract_records,
    record_relative_path,
)
from designer.core.paths import MISSING
from designer.core.values import Code

FIXTURES = Path("/work/shared/fixtures/salla")


def one(rule: Any, record: Any) -> Any:
    """The FieldResult of a single rule, checked against the fast path."""
    mapping = compile_mapping({"f": rule})
    result = mapping.evaluate(record)["f"]
    fast = mapping.evaluate_values(record)
    if result.value is MISSING or result.status is FieldStatus.ERROR:
        assert "f" not in fast
    else:
        assert fast == {"f": result.value}
    return result


# ------------------------------------------------------------------------ cases V1 V2


@pytest.mark.parametrize(
    ("record", "value", "used"),
    [
        ({"sale_price": 0, "regular_price": "99.00"}, 0, "sale_price = 0 (used)"),
        (
            {"sale_price": None, "regular_price": "99.00"},
            "99.00",
            'sale_price = null (skipped), regular_price = "99.00" (used)',
        ),
        (
            {"regular_price": "99.00"},
            "99.00",
            'sale_price = missing (skipped), regular_price = "99.00" (used)',
        ),
        ({"sale_price": False, "regular_price": 1}, False, "sale_price = false (used)"),
        ({"sale_price": "", "regular_price": 1}, 1, '"" (skipped)'),
    ],
)
def test_v1_coalesce_keeps_a_real_zero(record: Any, value: Any, used: str) -> None:
    rule = {"paths": ["sale_price", "regular_price"], "transform": "coalesce"}
    result = one(rule, record)
    assert result.value == value and type(result.value) is type(value)
    assert result.status is FieldStatus.OK
    assert used in result.trace
    assert result.source_path == (
        "sale_price"
        if "= 0 (used)" in used or "false (used)" in used
        else "regular_price"
    )


def test_coalesce_all_empty() -> None:
    rule = {"paths": ["a", "b"], "transform": "coalesce"}
    assert one(rule, {}).status is FieldStatus.MISSING
    res = one(rule, {"a": None, "b": ""})
    assert res.value is None and res.status is FieldStatus.NULL


def test_v2_integer_beyond_2_53() -> None:
    record = {"id": 1610521604143693812}
    res = one({"path": "id", "transform": "toString"}, record)
    assert res.value == "1610521604143693812"
    assert res.status is FieldStatus.OK  # the exported text is exact
    assert "beyond 2^53" in res.trace

    raw = one("id", record)
    assert raw.value == 1610521604143693812
    assert raw.status is FieldStatus.WARNING
    assert "would round it to 1610521604143693800" in raw.warnings[0].message

    nested = one("o", {"o": {"ids": [1, 2**60]}})
    assert nested.status is FieldStatus.WARNING
    assert "(at ids[1] in the value)" in nested.warnings[0].message
    assert one("id", {"id": 2**53 - 1}).status is FieldStatus.OK


# ------------------------------------------------------------------------ cases P2 P3


def test_p2_records_of_a_list_response() -> None:
    body = {"data": [{"id": 1, "total": "10.00"}, {"id": 2, "total": "25.50"}]}
    records = extract_records(body, "data").records
    assert record_relative_path(("data", 1, "total"), "data") == ("total",)
    assert record_relative_path(("data", 1, "items", 0, "sku"), "data") == (
        "items",
        0,
        "sku",
    )
    assert record_relative_path(("meta", "x"), "data") is None
    mapping = compile_mapping({"total": "total"})
    assert [mapping.evaluate(r)["total"].value for r in records] == ["10.00", "25.50"]


def test_p2_an_index_inside_the_record_is_kept_and_told() -> None:
    res = one("items[0].sku", {"items": [{"sku": "A-1"}, {"sku": "B-2"}]})
    assert res.value == "A-1"
    assert "element 0 of 2 in items" in res.trace
    res = one("items[-1].sku", {"items": [{"sku": "A-1"}, {"sku": "B-2"}]})
    assert res.value == "B-2"
    assert "element 1 of 2 in items" in res.trace
    res = one("items[2].sku", {"items": [{"sku": "A-1"}, {"sku": "B-2"}]})
    assert res.status is FieldStatus.MISSING
    assert "index 2 out of range for list of length 2" in res.trace


def records(body: Any, data_property: str | None) -> list[Any]:
    extracted = extract_records(body, data_property)
    assert not extracted.diagnostics
    return extracted.records


def problem(body: Any, data_property: str | None) -> str:
    extracted = extract_records(body, data_property)
    assert extracted.records == []
    (diag,) = extracted.diagnostics
    assert diag.code == "data-property" and diag.severity is Severity.ERROR
    return diag.message


def test_extract_records_shapes_and_errors() -> None:
    assert records([{"a": 1}], None) == [{"a": 1}]
    assert records({"a": 1}, None) == [{"a": 1}]
    assert records({"data": {"id": 1}}, "data") == [{"id": 1}]
    assert records({"r": {"items": []}}, "r.items") == []
    message = problem({"results": [1], "meta": {"rows": []}}, "data")
    assert "'data'" in message and "results" in message and "meta.rows" in message
    assert "not a list" in problem({"data": 5}, "data")
    assert "column" in problem({}, "a..b")


def test_extract_records_from_salla_envelopes() -> None:
    listed = json.loads((FIXTURES / "response-envelope-list.json").read_text())
    assert records(listed, "data") == []  # the sample page is empty
    assert "finds nothing" in problem(listed, "pagination.items")
    single = json.loads((FIXTURES / "response-envelope-single.json").read_text())
    assert len(records(single, "data")) == 1


def test_p3_nested_path_and_literal_dotted_key() -> None:
    record = {"pagination_metadata": {"next_cursor": "c_2"}, "x.y": "literal"}
    assert one("pagination_metadata.next_cursor", record).value == "c_2"
    assert one('["x.y"]', record).value == "literal"
    assert one("$['x.y']", record).value == "literal"

    res = one("x.y", record)
    assert res.status is FieldStatus.MISSING
    assert """literal key 'x.y', reachable only as ["x.y"]""" in res.trace

    both = {"x": {"y": "nested"}, "x.y": "literal"}
    res = one("x.y", both)
    assert res.value == "nested"
    assert res.status is FieldStatus.WARNING
    assert "read the keys 'x' then 'y'" in res.warnings[0].message


def test_p1_handler_paths_through_the_engine() -> None:
    payload = {
        "data": {
            "meta": {"com.shop.ref": "R-7"},
            "line items": [{"sku": "A-1"}, {"sku": "B-2"}],
            "@odata.nextLink": "u",
        }
    }
    res = one("$.data.meta.com.shop.ref", payload)
    assert res.status is FieldStatus.MISSING
    assert "['com.shop.ref']" in res.trace  # says how to reach the literal key
    assert one("$.data.meta['com.shop.ref']", payload).value == "R-7"
    assert one("$.data['line items'][1].sku", payload).value == "B-2"
    assert one("$.data['@odata.nextLink']", payload).value == "u"


# ------------------------------------------------------------------------ transforms


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1610521604143693812, "1610521604143693812"),
        (10.0, "10"),
        (10.5, "10.5"),
        (1e21, "1e+21"),
        (1.5e-7, "1.5e-7"),
        (0.000001, "0.000001"),
        (-0.0, "0"),
        (True, "true"),
        (False, "false"),
        ("x", "x"),
        (None, None),
    ],
)
def test_to_string(value: Any, expected: Any) -> None:
    res = one({"path": "v", "transform": "toString"}, {"v": value})
    assert res.value == expected


@pytest.mark.parametrize("value", [{"a": 1}, [1]])
def test_to_string_of_objects_is_an_error(value: Any) -> None:
    res = one({"path": "v", "transform": "toString"}, {"v": value})
    assert res.status is FieldStatus.ERROR
    assert "cannot turn" in res.trace


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (10, 10),
        (10.5, 10.5),
        ("10.50", 10.5),
        (" 7 ", 7),
        ("-3", -3),
        ("1e3", 1000.0),
        ("12345678901234567890", 12345678901234567890),
    ],
)
def test_to_number_or_null_numbers(value: Any, expected: Any) -> None:
    res = one({"path": "v", "transform": "toNumberOrNull"}, {"v": value})
    assert res.value == expected and type(res.value) is type(expected)


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("1,234.00", "thousands separator"),
        ("١٢٣", "non-ASCII digits"),
        ("", "empty string"),
        ("abc", "not a number"),
        ("124.15 SAR", "text besides the number"),
        (True, "boolean"),
        ({"amount": 1}, "object"),
    ],
)
def test_to_number_or_null_warns_why(value: Any, why: str) -> None:
    res = one({"path": "v", "transform": "toNumberOrNull"}, {"v": value})
    assert res.value is None
    assert res.status is FieldStatus.WARNING
    assert why in res.warnings[0].message


def test_to_number_or_null_keeps_null_quietly() -> None:
    res = one({"path": "v", "transform": "toNumberOrNull"}, {"v": None})
    assert res.status is FieldStatus.NULL and not res.warnings


@pytest.mark.parametrize(
    ("value", "expected", "status"),
    [
        (["A", "B"], "A,B", FieldStatus.OK),
        ([{"code": "A"}, {"code": "B", "x": 1}], "A,B", FieldStatus.OK),
        ([], None, FieldStatus.NULL),
        (None, None, FieldStatus.NULL),
        ("A", MISSING, FieldStatus.ERROR),
        ([{"title": "x"}], MISSING, FieldStatus.ERROR),
    ],
)
def test_join_codes(value: Any, expected: Any, status: FieldStatus) -> None:
    res = one({"path": "v", "transform": "joinCodes"}, {"v": value})
    assert res.value == expected if expected is not MISSING else res.value is MISSING
    assert res.status is status


def test_map_items_nested_and_traced() -> None:
    rule = {
        "path": "items",
        "transform": "mapItems",
        "mapping": {
            "sku": "sku",
            "price": {"path": "price.amount", "transform": "toNumberOrNull"},
            "options": {
                "path": "options",
                "transform": "mapItems",
                "mapping": {"name": "name", "root": "$.name"},
            },
            "kind": {"value": "line"},
        },
    }
    record = {
        "items": [
            {"sku": "A", "price": {"amount": "5.00"}, "options": [{"name": "red"}]},
            {"sku": "B", "price": {"value": 1}},
        ]
    }
    res = one(rule, record)
    assert res.value == [
        {
            "sku": "A",
            "price": 5.0,
            "options": [{"name": "red", "root": "red"}],
            "kind": "line",
        },
        {"sku": "B", "kind": "line"},
    ]
    assert res.items is not None and len(res.items) == 2
    second = res.items[1]
    assert second["price"].status is FieldStatus.MISSING
    assert "key 'amount' missing in price" in second["price"].trace
    assert second["options"].status is FieldStatus.MISSING


def test_map_items_on_non_lists() -> None:
    rule = {"path": "items", "transform": "mapItems", "mapping": {"a": "a"}}
    assert one(rule, {"items": None}).status is FieldStatus.NULL
    assert one(rule, {}).status is FieldStatus.MISSING
    res = one(rule, {"items": {"a": 1}})
    assert res.status is FieldStatus.ERROR and "needs a list" in res.trace


def test_map_items_without_mapping_copies_and_warns_once() -> None:
    mapping = compile_mapping(
        {"items": {"path": "$.data.items", "transform": "mapItems"}}
    )
    (diag,) = mapping.diagnostics
    assert diag.code == "mapitems-without-mapping"
    assert diag.severity is Severity.WARNING
    rec = {"data": {"items": [{"a": 1}]}}
    assert mapping.evaluate_values(rec) == {"items": [{"a": 1}]}


def test_literals_and_missing_versus_null() -> None:
    mapping = compile_mapping(
        {
            "a": 5,
            "b": True,
            "c": None,
            "d": {"value": {"x": [1]}},
            "e": "gone",
            "f": "n",
        }
    )
    mapped = mapping.evaluate({"n": None})
    assert mapped.values() == {"a": 5, "b": True, "c": None, "d": {"x": [1]}, "f": None}
    assert mapped["e"].status is FieldStatus.MISSING
    assert mapped["f"].status is FieldStatus.NULL
    assert mapped.status is FieldStatus.MISSING
    assert mapping.evaluate_values({"n": None}) == mapped.values()


def test_jsonpath_several_matches_is_a_warning() -> None:
    res = one("$.items[*].sku", {"items": [{"sku": "A"}, {"sku": "B"}]})
    assert res.value == "A"
    assert res.status is FieldStatus.WARNING
    assert "matched 2 values" in res.warnings[0].message
    assert res.source_path == "$.items[0].sku"


def test_compute_in_a_rule() -> None:
    rule = {
        "transform": "compute",
        "fn": "joinPhone",
        "paths": ["customer.mobile_code", "customer.mobile"],
    }
    res = one(rule, {"customer": {"mobile_code": "+966", "mobile": 501234567}})
    assert res.value == "+966501234567"
    assert 'customer.mobile_code = "+966"' in res.trace
    res = one(
        {"transform": "compute", "fn": "localizedName", "path": "name", "locale": "en"},
        {"name": {"ar": "قميص", "en": ""}},
    )
    assert res.value == "قميص" and res.status is FieldStatus.WARNING
    res = one(
        {
            "transform": "compute",
            "fn": "template",
            "template": "#{ref} ({status.name})",
        },
        {"ref": 41027662, "status": {"name": "new"}},
    )
    assert res.value == "#41027662 (new)"


# ------------------------------------------------------------------------ diagnostics


def _diag(rule: Any) -> Any:
    mapping = compile_mapping(
        {"f": rule}, where=("sync", "resources", "orders", "apiMapping")
    )
    (diag,) = mapping.diagnostics
    assert diag.field == "f"
    assert diag.path == ("sync", "resources", "orders", "apiMapping", "f")
    assert mapping.evaluate({})["f"].status is (
        FieldStatus.ERROR
        if diag.severity is Severity.ERROR
        else mapping.evaluate({})["f"].status
    )
    return diag


def test_diagnostics_for_bad_rules() -> None:
    d = _diag({"path": "id", "transform": "toStrng"})
    assert d.code == "unknown-transform" and d.fix == "did you mean 'toString'?"
    d = _diag({"transform": "compute", "fn": "joinphone", "paths": ["a", "b"]})
    assert d.code == "unknown-fn" and "joinPhone" in (d.fix or "")
    d = _diag({"transform": "coalesce"})
    assert d.code == "coalesce-without-paths"
    d = _diag({"transform": "coalesce", "path": "a"})
    assert d.code == "coalesce-without-paths" and "'paths'" in (d.fix or "")
    d = _diag({"path": "a..b"})
    assert d.code == "path-syntax" and "column 3" in d.message and "'a..b'" in d.message
    d = _diag({"path": "$.data.where"})
    assert d.code == "path-syntax"
    d = _diag(["a", "b"])
    assert d.code == "rule-shape"
    d = _diag({"paths": ["a", "b"]})
    assert d.code == "rule-shape" and "coalesce" in (d.fix or "")
    d = _diag(Code("(r) => r.id", "arrow_function"))
    assert d.code == "rule-is-code"
    d = _diag({"path": "a", "transfrom": "toString"})
    assert d.code == "unknown-key" and d.severity is Severity.WARNING
    d = _diag({"transform": "compute", "fn": "splitName", "path": "n", "part": "frist"})
    assert d.code == "fn-args" and "first" in (d.fix or "")
    d = _diag({"transform": "compute", "fn": "joinPhone"})
    assert d.code == "fn-args"


def test_nested_diagnostics_point_inside_map_items() -> None:
    mapping = compile_mapping(
        {
            "items": {
                "path": "items",
                "transform": "mapItems",
                "mapping": {"q": {"path": "q", "transform": "toNumber"}},
            }
        },
        where=("h",),
    )
    (diag,) = mapping.diagnostics
    assert diag.path == ("h", "items", "mapping", "q")
    assert diag.field == "q"
    assert diag.fix == "did you mean 'toNumberOrNull'?"


def test_a_mapping_that_is_not_an_object() -> None:
    mapping = compile_mapping(["a"])
    assert mapping.diagnostics[0].code == "rule-shape"
    assert mapping.evaluate({}).values() == {}


def test_salla_order_fixture_end_to_end() -> None:
    order = json.loads((FIXTURES / "webhook-data-order-created.json").read_text())
    mapping = compile_mapping(
        {
            "code": "$.data.id",
            "orderNumber": {"path": "$.data.reference_id", "transform": "toString"},
            "status": "$.data.status.slug",
            "totalAmount": "$.data.amounts.total.amount",
            "coupons": {"path": "$.data.amounts.discounts", "transform": "joinCodes"},
            "phone": {
                "transform": "compute",
                "fn": "joinPhone",
                "paths": ["$.data.customer.mobile_code", "$.data.customer.mobile"],
            },
            "items": {
                "path": "$.data.items",
                "transform": "mapItems",
                "mapping": {"sku": "sku", "quantity": "quantity"},
            },
        }
    )
    assert not mapping.diagnostics
    payload = {"data": order}
    mapped = mapping.evaluate(payload)
    assert mapped["code"].value == order["id"]
    assert mapped["orderNumber"].value == str(order["reference_id"])
    assert mapped["status"].value == "under_review"
    assert mapped["totalAmount"].value == 196
    assert mapped["coupons"].value == order["amounts"]["discounts"][0]["code"]
    assert mapped["items"].value == [
        {"sku": it["sku"], "quantity": it["quantity"]} for it in order["items"]
    ]
    assert mapping.evaluate_values(payload) == mapped.values()


# ------------------------------------------------------------------------ property

_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=5),
    lambda c: (
        st.lists(c, max_size=3)
        | st.dictionaries(st.sampled_from("abcd"), c, max_size=3)
    ),
    max_leaves=12,
)
_rule = st.one_of(
    st.sampled_from(["a", "a.b", "b[0]", "c.d[1].a", "$.a.b", "$..a", "$.b[*]"]),
    st.builds(
        lambda p, t: {"path": p, "transform": t},
        st.sampled_from(["a", "a.b", "b[0]", "d"]),
        st.sampled_from(["toString", "toNumberOrNull", "joinCodes"]),
    ),
    st.builds(
        lambda ps: {"paths": ps, "transform": "coalesce"},
        st.lists(st.sampled_from(["a", "b", "c.a", "d"]), min_size=1, max_size=3),
    ),
    st.builds(
        lambda p: {
            "path": p,
            "transform": "mapItems",
            "mapping": {"x": "a", "y": "b[0]"},
        },
        st.sampled_from(["a", "b", "d"]),
    ),
    st.builds(
        lambda p: {"transform": "compute", "fn": "concat", "paths": p},
        st.lists(st.sampled_from(["a", "b", "c"]), min_size=1, max_size=3),
    ),
)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(st.sampled_from(["f1", "f2", "f3"]), _rule, min_size=1),
    st.dictionaries(st.sampled_from("abcd"), _json, max_size=4),
)
def test_fast_and_traced_evaluation_agree(rules: dict[str, Any], record: Any) -> None:
    mapping = compile_mapping(rules)
    traced = mapping.evaluate(record)
    expected = {
        k: r.value
        for k, r in traced.fields.items()
        if r.value is not MISSING and r.status is not FieldStatus.ERROR
    }
    assert mapping.evaluate_values(record) == expected


def test_values_are_checked_against_the_field_types() -> None:
    mapping = compile_mapping(
        {
            "sex": "gender",
            "name": "name",
            "total": {"path": "total", "transform": "toNumberOrNull"},
            "price": "price",
            "items": {
                "path": "items",
                "transform": "mapItems",
                "mapping": {"qty": "q"},
            },
        },
        types={
            "sex": "number",
            "name": "string",
            "total": "number",
            "price": "number",
            "items": "array",
        },
        item_types={"items": {"qty": "number"}},
    )
    record = {
        "gender": "male",
        "name": {"ar": "x", "en": "y"},
        "total": "10.5",
        "price": None,
        "items": [{"q": "2"}, {"q": 3}],
    }
    mapped = mapping.evaluate(record)
    assert mapped["sex"].status is FieldStatus.WARNING
    [warning] = mapped["sex"].warnings
    assert warning.code == "type-mismatch"
    assert "sex is a number field" in warning.message
    assert "toNumberOrNull" in warning.message
    assert mapped["name"].status is FieldStatus.WARNING
    assert mapped["total"].status is FieldStatus.OK  # 10.5 after the transform
    assert mapped["price"].status is FieldStatus.NULL  # null is not a type error
    items = mapped["items"].items
    assert items is not None
    assert items[0]["qty"].status is FieldStatus.WARNING
    assert items[1]["qty"].status is FieldStatus.OK
    # Without types nothing is checked.
    assert compile_mapping({"sex": "gender"}).evaluate(record)["sex"].status == "ok"


def test_a_transform_written_as_a_key_says_how_to_write_it() -> None:
    mapping = compile_mapping({"name": {"compute": "localizedName", "path": "name"}})
    [diag] = mapping.diagnostics
    assert diag.code == "rule-shape" and diag.field == "name"
    assert diag.fix == "write transform: 'compute', fn: 'localizedName'"
    assert mapping.evaluate({"name": "x"})["name"].status is FieldStatus.ERROR
