"""The lazy payload model, its paths, search, coverage and drag data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonpath_ng.ext import parse as parse_jsonpath
from PySide6.QtCore import QModelIndex, Qt

from designer.ui.payload_tree import (
    COLUMN_COVERAGE,
    COLUMN_TYPE,
    COLUMN_VALUE,
    MIME_PATH,
    PayloadModel,
    compute_coverage,
    find_jsonpath,
    find_text,
    guess_records_path,
    preview,
    render_dotted,
    render_jsonpath,
    resolve,
)

FIXTURES = Path("/work/shared/fixtures")

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
P2 = {"data": [{"id": 1, "total": "10.00"}, {"id": 2, "total": "25.50"}]}


def leaves(value, segments=()):
    if isinstance(value, dict):
        for key, child in value.items():
            yield from leaves(child, (*segments, key))
    elif isinstance(value, list):
        for position, child in enumerate(value):
            yield from leaves(child, (*segments, position))
    else:
        yield segments, value


def model_with(document) -> PayloadModel:
    model = PayloadModel()
    model.set_document(document)
    return model


@pytest.mark.parametrize(
    "document",
    [P1, P2, [], {}, [1, [2, [3]]], "just a string", None, {"a": {"b": {"c": []}}}],
    ids=["P1", "P2", "empty-list", "empty-object", "nested", "scalar", "null", "deep"],
)
def test_model_passes_qt_model_tester(qtmodeltester, document):
    qtmodeltester.check(model_with(document), force_py=True)


@pytest.mark.parametrize(
    "path", sorted(FIXTURES.glob("*/*-list*.json"))[:6], ids=lambda p: p.name
)
def test_model_passes_tester_on_real_fixtures(qtmodeltester, path):
    qtmodeltester.check(model_with(json.loads(path.read_text())), force_py=True)


def test_empty_model_has_no_rows(qtmodeltester):
    model = PayloadModel()
    assert model.rowCount() == 0
    qtmodeltester.check(model, force_py=True)


def test_children_are_created_only_when_asked():
    model = model_with({"data": [{"id": n, "x": {"y": n}} for n in range(10_000)]})
    root = model.index(0, 0)
    data = model.index(0, 0, root)
    assert model.rowCount(data) == 10_000
    model.index(5, 0, data)
    created = list(model._created_parents())
    # root holder, $, data: only one of the 10 000 records got a node.
    data_node = data.internalPointer()
    assert sum(child is not None for child in data_node.children) == 1
    assert len(created) == 3


def test_big_integer_is_shown_exactly_with_a_warning():
    model = model_with({"id": 1610521604143693812, "ok": 9007199254740991})
    big = model.index_for_path(("id",), COLUMN_VALUE)
    assert model.data(big) == "1610521604143693812"
    tooltip = model.data(big, Qt.ItemDataRole.ToolTipRole)
    assert "2^53" in tooltip and "1610521604143693800" in tooltip
    safe = model.index_for_path(("ok",), COLUMN_VALUE)
    assert model.data(safe) == "9007199254740991"
    assert model.data(safe, Qt.ItemDataRole.ToolTipRole) is None


def test_previews_and_types():
    assert preview('a"b') == '"a\\"b"'
    assert preview({"a": 1, "b": 2}) == "{2 keys}"
    assert preview([1]) == "[1 item]"
    assert preview(True) == "true"
    assert preview(None) == "null"
    assert preview(10.5) == "10.5"
    model = model_with({"s": "x", "n": 1.5, "b": False, "z": None, "l": []})
    types = [model.data(model.index_for_path((key,), COLUMN_TYPE)) for key in "snbzl"]
    assert types == ["string", "number", "boolean", "null", "array"]


@pytest.mark.parametrize(("segments", "value"), list(leaves(P1)))
def test_jsonpath_of_every_p1_leaf_resolves_to_it(segments, value):
    expression = render_jsonpath(segments)
    found = parse_jsonpath(expression).find(P1)
    assert [match.value for match in found] == [value], expression


def test_p1_paths_are_written_quoted():
    assert render_jsonpath(("data", "meta", "com.shop.ref")) == (
        "$.data.meta['com.shop.ref']"
    )
    assert render_jsonpath(("data", "line items", 1, "sku")) == (
        "$.data['line items'][1].sku"
    )
    assert render_jsonpath(("data", "where")) == "$.data['where']"
    assert render_dotted(("meta", "com.shop.ref")) == 'meta["com.shop.ref"]'
    assert render_dotted(("items", 0, "sku")) == "items[0].sku"


def test_find_text_matches_keys_and_values_in_document_order():
    document = {"a": {"Total": 1, "x": "no"}, "b": "total due", "c": [{"n": 7}]}
    assert find_text(document, "TOTAL") == [("a", "Total"), ("b",)]
    assert find_text(document, "7") == [("c", 0, "n")]
    assert find_text(document, "nothing") == []


def test_find_jsonpath_returns_segments():
    assert find_jsonpath(P2, "$.data[*].total") == [
        ("data", 0, "total"),
        ("data", 1, "total"),
    ]
    assert find_jsonpath(P2, "$.data[?(@.id == 2)].id") == [("data", 1, "id")]
    assert find_jsonpath(P1, "$.data['A#B']") == [("data", "A#B")]


def test_records_are_guessed_and_can_be_named():
    assert guess_records_path(P2) == ("data",)
    assert guess_records_path([{"a": 1}]) == ()
    assert guess_records_path({"id": 1}) is None
    model = model_with({"meta": [1], "items": [{"a": 1}], "data": {"x": 1}})
    assert model.records_path() == ("items",)
    model.set_records_path(("meta",))
    assert model.record_count() == 1
    model.set_records_path(("nope",))
    assert model.records_path() is None


def test_coverage_counts_presence_and_values():
    records = [
        {"price": {"amount": 1}, "sale_price": None, "items": [{"sku": "a"}]},
        {"price": {"amount": 2}, "sale_price": 5, "items": [{}, {"sku": "b"}]},
        {"price": {"amount": 3}, "items": []},
    ]
    coverage = compute_coverage(records)
    assert coverage[("price", "amount")] == (3, 3)
    assert coverage[("sale_price",)] == (2, 1)
    assert coverage[("items", None, "sku")] == (2, 2)


def test_coverage_column_and_tooltip():
    document = {"data": [{"a": 1, "b": None}, {"a": 2}, {"a": 3, "b": 4}]}
    model = model_with(document)
    model.set_coverage(compute_coverage(model.records()))
    cell = model.index_for_path(("data", 0, "b"), COLUMN_COVERAGE)
    assert model.data(cell) == "1/3"
    assert "present in 2" in model.data(cell, Qt.ItemDataRole.ToolTipRole)
    assert model.data(model.index_for_path(("data", 1, "a"), COLUMN_COVERAGE)) == (
        "3/3"
    )
    assert model.data(model.index_for_path(("data",), COLUMN_COVERAGE)) is None


def test_mime_data_of_a_node_in_the_second_record():
    model = model_with(P2)
    index = model.index_for_path(("data", 1, "total"))
    siblings = [index.siblingAtColumn(c) for c in range(model.columnCount())]
    mime = model.mimeData(siblings)
    assert MIME_PATH in model.mimeTypes()
    payload = json.loads(bytes(mime.data(MIME_PATH)).decode())
    assert payload == {
        "segments": ["data", 1, "total"],
        "record_index": 1,
        "record_prefix": ["data"],
    }
    assert mime.text() == "$.data[1].total"
    assert resolve(P2, payload["segments"]) == "25.50"


def test_mime_data_outside_records_and_of_nothing():
    model = model_with({"pagination": {"total": 3}, "data": [{"id": 1}]})
    mime = model.mimeData([model.index_for_path(("pagination", "total"))])
    payload = json.loads(bytes(mime.data(MIME_PATH)).decode())
    assert payload["record_index"] is None and payload["record_prefix"] == []
    assert model.mimeData([QModelIndex()]) is None


def test_current_record_and_highlights_are_painted():
    model = model_with(P2)
    record = model.set_current_record(1)
    background = Qt.ItemDataRole.BackgroundRole
    assert model.data(record, background) is not None
    assert model.data(model.index_for_path(("data", 0)), background) is None
    with pytest.raises(IndexError):
        model.set_current_record(2)
    model.set_highlights([("data", 0, "id")])
    assert model.data(model.index_for_path(("data", 0, "id")), background) is not None


def test_drag_flags():
    model = model_with(P2)
    flags = model.flags(model.index_for_path(("data", 0)))
    assert flags & Qt.ItemFlag.ItemIsDragEnabled
