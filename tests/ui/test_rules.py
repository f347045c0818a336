"""What a drop writes: record-relative dotted paths, JSONPath, item paths, coalesce."""

from __future__ import annotations

import pytest

from designer.core import paths
from designer.ui.rules import (
    DropMode,
    RuleError,
    compact,
    item_rule_for_drop,
    rule_for_drop,
    with_item_rule,
    with_transform,
)

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
    (("data", "meta", "com.shop.ref"), "R-7", "$.data.meta['com.shop.ref']"),
    (("data", "meta-data", "61f44"), "x", "$.data['meta-data']['61f44']"),
    (("data", "line items", 1, "sku"), "B-2", "$.data['line items'][1].sku"),
    (("data", "where"), 1, "$.data['where']"),
    (("data", "A#B"), 2, "$.data['A#B']"),
    (("data", "@odata.nextLink"), "u", "$.data['@odata.nextLink']"),
]


@pytest.mark.parametrize(("segments", "value", "expected"), P1_LEAVES)
def test_p1_handler_drop_writes_quoted_jsonpath_that_resolves(
    segments, value, expected
):
    out = rule_for_drop(None, segments, dialect="jsonpath")
    assert out.rule == expected
    assert paths.evaluate_one(out.rule, P1).value == value


@pytest.mark.parametrize(("segments", "value", "_jp"), P1_LEAVES)
def test_p1_dotted_drop_resolves_in_record(segments, value, _jp):
    # The payload is one record (details response): the path is kept whole.
    out = rule_for_drop(None, segments, dialect="dotted", record_prefix=None)
    assert paths.resolve(P1, paths.parse_dotted(out.rule)).value == value
    assert "com.shop.ref" not in out.rule.replace('["com.shop.ref"]', "")


def test_p1_dotted_quotes_key_with_dots():
    out = rule_for_drop(None, ("meta", "com.shop.ref"), dialect="dotted")
    assert out.rule == 'meta["com.shop.ref"]'


def test_p2_drag_from_second_record_is_record_relative():
    out = rule_for_drop(
        None, ("data", 1, "total"), dialect="dotted", record_prefix=("data",)
    )
    assert out.rule == "total"


def test_p2_index_inside_record_is_kept():
    out = rule_for_drop(
        None, ("data", 3, "items", 0, "sku"), dialect="dotted", record_prefix=("data",)
    )
    assert out.rule == "items[0].sku"


def test_bare_array_list_response():
    out = rule_for_drop(
        None, (4, "price", "amount"), dialect="dotted", record_prefix=()
    )
    assert out.rule == "price.amount"


def test_path_outside_records_is_refused_with_reason():
    with pytest.raises(RuleError, match="not inside a record"):
        rule_for_drop(
            None, ("pagination", "total"), dialect="dotted", record_prefix=("data",)
        )
    with pytest.raises(RuleError, match="whole record"):
        rule_for_drop(None, ("data", 0), dialect="dotted", record_prefix=("data",))


def test_p3_key_with_dot_and_nested_path():
    assert rule_for_drop(None, ("x.y",), dialect="dotted").rule == '["x.y"]'
    nested = ("pagination_metadata", "next_cursor")
    assert (
        rule_for_drop(None, nested, dialect="dotted").rule
        == "pagination_metadata.next_cursor"
    )
    record = {"pagination_metadata": {"next_cursor": "c_2"}, "x.y": "literal"}
    rule = rule_for_drop(None, ("x.y",), dialect="dotted").rule
    assert paths.resolve(record, paths.parse_dotted(rule)).value == "literal"


def test_second_drop_appends_coalesce():
    first = rule_for_drop(
        None, ("data", 0, "sale_price"), dialect="dotted", record_prefix=("data",)
    )
    second = rule_for_drop(
        first.rule,
        ("data", 1, "regular_price"),
        dialect="dotted",
        record_prefix=("data",),
    )
    assert second.rule == {
        "paths": ["sale_price", "regular_price"],
        "transform": "coalesce",
    }
    third = rule_for_drop(second.rule, ("price",), dialect="dotted")
    assert third.rule["paths"] == ["sale_price", "regular_price", "price"]


def test_coalesce_drops_old_transform_with_a_note():
    out = rule_for_drop(
        {"path": "id", "transform": "toString"}, ("sku",), dialect="dotted"
    )
    assert out.rule == {"paths": ["id", "sku"], "transform": "coalesce"}
    assert out.note and "toString" in out.note


def test_same_path_again_changes_nothing():
    out = rule_for_drop("total", ("total",), dialect="dotted")
    assert out.rule == "total" and not out.changed


def test_replace_mode():
    out = rule_for_drop("total", ("sum",), dialect="dotted", mode=DropMode.REPLACE)
    assert out.rule == "sum"


def test_non_path_rule_is_replaced_in_auto_and_refused_in_coalesce():
    compute = {"transform": "compute", "fn": "fullName"}
    out = rule_for_drop(compute, ("name",), dialect="dotted")
    assert out.rule == "name" and "compute" in out.note
    with pytest.raises(RuleError):
        rule_for_drop(compute, ("name",), dialect="dotted", mode="coalesce")


def test_array_on_array_field_maps_items_and_keeps_inner_mapping():
    out = rule_for_drop(
        None,
        ("data", 0, "items"),
        dialect="dotted",
        record_prefix=("data",),
        is_array=True,
        field_type="array",
    )
    assert out.rule == {"path": "items", "transform": "mapItems", "mapping": {}}
    with_inner = with_item_rule(out.rule, "sku", "sku")
    again = rule_for_drop(
        with_inner,
        ("data", 0, "lines"),
        dialect="dotted",
        record_prefix=("data",),
        is_array=True,
        field_type="array",
    )
    assert again.rule == {
        "path": "lines",
        "transform": "mapItems",
        "mapping": {"sku": "sku"},
    }


def test_array_on_scalar_field_is_a_plain_path():
    out = rule_for_drop(
        None, ("codes",), dialect="dotted", is_array=True, field_type="string"
    )
    assert out.rule == "codes"


def test_item_drop_strips_array_and_index():
    items = {"path": "items", "transform": "mapItems", "mapping": {}}
    out = item_rule_for_drop(
        None,
        ("data", 2, "items", 1, "product", "sku"),
        items_rule=items,
        dialect="dotted",
        record_prefix=("data",),
    )
    assert out.rule == "product.sku"


def test_item_drop_in_handler_mapping():
    items = {"path": "$.data['line items']", "transform": "mapItems", "mapping": {}}
    out = item_rule_for_drop(
        None,
        ("data", "line items", 0, "unit price"),
        items_rule=items,
        dialect="jsonpath",
    )
    assert out.rule == '["unit price"]'


def test_item_drop_outside_the_items_is_refused():
    items = {"path": "items", "transform": "mapItems", "mapping": {}}
    with pytest.raises(RuleError, match="not inside one item"):
        item_rule_for_drop(
            None,
            ("data", 0, "total"),
            items_rule=items,
            dialect="dotted",
            record_prefix=("data",),
        )
    with pytest.raises(RuleError, match="no mapItems path"):
        item_rule_for_drop(
            None,
            ("data", 0, "total"),
            items_rule=None,
            dialect="dotted",
            record_prefix=("data",),
        )


def test_with_transform_round_trips():
    assert with_transform("id", "toString") == {"path": "id", "transform": "toString"}
    assert with_transform({"path": "id", "transform": "toString"}, None) == "id"
    assert with_transform(
        {"paths": ["a", "b"], "transform": "coalesce"}, "toNumberOrNull"
    ) == {"path": "a", "transform": "toNumberOrNull"}
    assert with_transform("a", "compute", fn="lowercase") == {
        "transform": "compute",
        "fn": "lowercase",
        "path": "a",
    }
    coalesced = {"paths": ["code", "mobile"], "transform": "coalesce"}
    assert with_transform(coalesced, "compute", fn="joinPhone") == {
        "transform": "compute",
        "fn": "joinPhone",
        "paths": ["code", "mobile"],
    }
    split = {"transform": "compute", "fn": "splitName", "path": "n", "part": "last"}
    assert with_transform(split, "compute") == split
    assert with_transform("a", "literal", value=0) == {"value": 0}
    assert with_transform(
        {"path": "a", "transform": "toString", "default": 1}, "coalesce"
    ) == {"paths": ["a"], "transform": "coalesce", "default": 1}
    with pytest.raises(RuleError):
        with_transform({"value": 1}, "toString")


def test_compact():
    assert compact("price.amount") == "price.amount"
    assert compact({"path": "id", "transform": "toString"}) == "toString(id)"
    assert compact({"paths": ["a", "b"], "transform": "coalesce"}) == "coalesce(a, b)"
    assert (
        compact({"path": "items", "transform": "mapItems", "mapping": {"a": "b"}})
        == "mapItems(items) {1}"
    )
    assert compact({"value": "salla"}) == '= "salla"'
    assert compact(None) == ""
    assert len(compact("x" * 200)) == 80
