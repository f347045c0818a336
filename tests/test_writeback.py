"""Minimal write-back: only what changed is edited, everything else kept to the byte."""

from __future__ import annotations

import contextlib
import copy
import difflib
import json
import logging
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from designer.core import jswriter
from designer.core.jswriter import js_key, patch_value, replace_value, to_js, to_json
from designer.core.source import MiniAppSource, load_miniapp, parse_miniapp
from designer.core.values import Value

SALLA = Path(__file__).parent.parent / "samples" / "salla" / "salla.miniapp.js"
PRODUCTS = ("sync", "resources", "products", "apiMapping")
ORDER_ITEMS = ("sync", "resources", "orders", "apiMapping", "items", "mapping")


def changed_lines(old: str, new: str) -> tuple[list[str], list[str]]:
    """The lines only in ``old`` and the lines only in ``new``."""
    diff = list(difflib.ndiff(old.splitlines(), new.splitlines()))
    return (
        [line[2:] for line in diff if line.startswith("- ")],
        [line[2:] for line in diff if line.startswith("+ ")],
    )


def comments(source_text: str) -> list[str]:
    source = parse_miniapp(source_text)
    return [source.text[start:end] for start, end in source.comments]


def value_at(document: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        document = document[step]
    return document


def edited_sync(source: MiniAppSource, path: tuple[Any, ...], value: Any) -> Any:
    sync = copy.deepcopy(source.document["sync"])
    parent = value_at(sync, path[1:-1])
    if value is _DELETE:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return sync


_DELETE = object()


@pytest.fixture
def salla() -> MiniAppSource:
    return load_miniapp(SALLA)


def write_back(source: MiniAppSource, sync: Any) -> jswriter.Replacement:
    result = patch_value(source, ("sync",), sync)
    again = parse_miniapp(result.text, filename=source.filename)
    assert again.document["sync"] == sync
    assert {k: v for k, v in again.document.items() if k != "sync"} == {
        k: v for k, v in source.document.items() if k != "sync"
    }
    return result


def test_writing_back_the_unchanged_block_keeps_every_byte(
    salla: MiniAppSource,
) -> None:
    result = patch_value(salla, ("sync",), copy.deepcopy(salla.document["sync"]))
    assert result.text == salla.text
    assert result.comments_dropped == 0
    assert result.inlined == result.rerendered == ()
    assert replace_value(salla, ("sync",), salla.document["sync"]).text == salla.text


def test_changing_one_rule_changes_only_its_line(salla: MiniAppSource) -> None:
    sync = edited_sync(salla, (*PRODUCTS, "sku"), "sku_code")
    result = write_back(salla, sync)
    removed, added = changed_lines(salla.text, result.text)
    assert removed == ["          sku: 'sku',"]
    assert added == ["          sku: 'sku_code',"]
    assert comments(result.text) == comments(salla.text)
    assert "    baseUrl: SALLA_API,\n" in result.text
    assert result.comments_dropped == 0


def test_changing_a_nested_rule_keeps_the_rest_of_its_object(
    salla: MiniAppSource,
) -> None:
    sync = edited_sync(
        salla, (*PRODUCTS, "productVariants", "mapping", "quantity"), "stock"
    )
    removed, added = changed_lines(salla.text, write_back(salla, sync).text)
    assert (removed, added) == (
        ["              quantity: 'stock_quantity',"],
        ["              quantity: 'stock',"],
    )


def test_adding_a_rule_inserts_one_property(salla: MiniAppSource) -> None:
    sync = edited_sync(salla, (*PRODUCTS, "barcode"), "mpn")
    result = write_back(salla, sync)
    assert changed_lines(salla.text, result.text) == ([], ["          barcode: 'mpn',"])
    # after the last rule, inside apiMapping
    assert "            },\n          },\n          barcode: 'mpn',\n        },\n" in (
        result.text
    )


def test_removing_a_rule_removes_its_line(salla: MiniAppSource) -> None:
    sync = edited_sync(salla, (*PRODUCTS, "weight"), _DELETE)
    result = write_back(salla, sync)
    assert changed_lines(salla.text, result.text) == (
        ["          weight: 'weight',"],
        [],
    )
    assert result.comments_dropped == 0


def test_removing_a_rule_drops_only_the_comment_on_its_line(
    salla: MiniAppSource,
) -> None:
    sync = edited_sync(salla, (*PRODUCTS, "quantity"), _DELETE)
    result = write_back(salla, sync)
    removed, added = changed_lines(salla.text, result.text)
    assert removed == [
        "          quantity: 'quantity', // null when unlimited_quantity is true"
    ]
    assert added == []
    assert result.dropped_comments == ("// null when unlimited_quantity is true",)


def test_a_changed_value_of_a_shared_constant_is_inlined_where_it_is_used(
    salla: MiniAppSource,
) -> None:
    sync = edited_sync(salla, (*ORDER_ITEMS, "sku"), "sku_code")
    result = write_back(salla, sync)
    assert result.inlined == (ORDER_ITEMS,)
    # The constant and its other user (the order.created handler) are untouched.
    assert salla.text[: salla.text.index("const miniapp")] in result.text
    assert "transform: 'mapItems', mapping: ORDER_ITEM_MAPPING }," in result.text
    again = parse_miniapp(result.text)
    handler = again.document["sync"]["webhooks"]["handlers"]["order.created"]
    assert handler["mapping"]["items"]["mapping"]["sku"] == "sku"
    removed, added = changed_lines(salla.text, result.text)
    assert len(removed) == 1 and "mapping: ORDER_ITEM_MAPPING" in removed[0]
    assert "            sku: 'sku_code'," in added
    assert comments(result.text) == comments(salla.text)


def test_a_shared_constant_object_is_inlined_with_the_change(
    salla: MiniAppSource,
) -> None:
    pagination = ("sync", "resources", "customers", "pagination")
    sync = edited_sync(salla, (*pagination, "maxLimit"), 50)
    result = write_back(salla, sync)
    assert result.inlined == (pagination,)
    assert result.text.count("pagination: SALLA_PAGINATION,") == 2
    assert "  maxLimit: 60,\n};" in result.text  # the constant itself


def test_a_constant_used_once_is_edited_in_place(salla: MiniAppSource) -> None:
    sync = edited_sync(salla, ("sync", "baseUrl"), "https://api.salla.dev/admin/v3")
    result = write_back(salla, sync)
    assert result.inlined == ()
    removed, added = changed_lines(salla.text, result.text)
    assert removed == [
        "const SALLA_API = 'https://api.salla.dev/admin/v2'; "
        "// version 2 of the Admin API is in the path"
    ]
    assert added == [removed[0].replace("/v2'", "/v3'")]


def test_a_change_under_a_spread_writes_the_object_anew() -> None:
    text = (
        "const base = { a: 1, b: 2 };\n"
        "export default {\n  other: base,\n"
        "  sync: {\n    ...base,\n    c: 3, // c\n  },\n};\n"
    )
    source = parse_miniapp(text)
    result = write_back(source, {"a": 5, "b": 2, "c": 3})
    assert result.rerendered == (("sync",),)
    assert result.text.startswith("const base = { a: 1, b: 2 };\n")
    # a change outside the spread stays minimal
    result = write_back(source, {"a": 1, "b": 2, "c": 4})
    assert result.text == text.replace("c: 3", "c: 4")


def test_a_shorthand_of_a_shared_constant_becomes_a_property() -> None:
    text = "const h = { a: 1 };\nexport default { one: h, sync: { h, x: 1 } };\n"
    result = write_back(parse_miniapp(text), {"h": {"a": 2}, "x": 1})
    assert result.text.endswith("sync: { h: {\n  a: 2,\n}, x: 1 } };\n")


def test_reordered_keys_write_that_object_anew(salla: MiniAppSource) -> None:
    sync = copy.deepcopy(salla.document["sync"])
    headers = sync["headers"]
    sync["headers"] = dict(reversed(list(headers.items())))
    result = write_back(salla, sync)
    assert result.rerendered == (("sync", "headers"),)
    assert "    headers: {\n      Accept: 'application/json',\n" in result.text
    removed, added = changed_lines(salla.text, result.text)
    assert len(removed) == len(added) == 2  # Authorization stays in the middle


def test_a_patch_that_does_not_read_back_falls_back_to_the_whole_value(
    salla: MiniAppSource,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A fault injected into the insertion step stands in for a patcher bug.
    real = jswriter._insertion_edits

    def broken(*args: Any) -> list[tuple[int, int, str]]:
        return [(start, end, piece + "oops: 1,") for start, end, piece in real(*args)]

    monkeypatch.setattr(jswriter, "_insertion_edits", broken)
    sync = edited_sync(salla, (*PRODUCTS, "barcode"), "mpn")
    with caplog.at_level(logging.WARNING, logger="designer.core.jswriter"):
        result = write_back(salla, sync)
    assert "did not read back" in caplog.text
    assert result.rerendered == (("sync",),)


# --- JSON ------------------------------------------------------------------------


@pytest.fixture
def salla_json(salla: MiniAppSource) -> MiniAppSource:
    document = {"ns": salla.document["ns"], "sync": salla.document["sync"]}
    return parse_miniapp(to_json(document) + "\n", filename="salla.json")


def json_write_back(source: MiniAppSource, sync: Any) -> str:
    result = patch_value(source, ("sync",), sync)
    assert json.loads(result.text)["sync"] == sync
    return result.text


def test_json_unchanged_and_one_changed_rule(salla_json: MiniAppSource) -> None:
    sync = salla_json.document["sync"]
    assert json_write_back(salla_json, copy.deepcopy(sync)) == salla_json.text
    new = json_write_back(salla_json, edited_sync(salla_json, (*PRODUCTS, "sku"), 7))
    assert changed_lines(salla_json.text, new) == (
        ['          "sku": "sku",'],
        ['          "sku": 7,'],
    )


def test_json_add_and_remove_keep_commas_valid(salla_json: MiniAppSource) -> None:
    # The last rule goes: the comma after the one before it must go too.
    sync = edited_sync(salla_json, (*PRODUCTS, "productVariants"), _DELETE)
    new = json_write_back(salla_json, sync)
    assert '"alt": "alt"\n            }\n          }\n        },\n' in new
    removed, added = changed_lines(salla_json.text, new)
    assert len(removed) == 13 and added == []
    # A new rule: a comma after the old last one, no trailing comma after it.
    sync = edited_sync(salla_json, (*PRODUCTS, "barcode"), ["mpn", "gtin"])
    new = json_write_back(salla_json, sync)
    assert changed_lines(salla_json.text, new) == (
        ["          }"],
        [
            "          },",
            '          "barcode": [',
            '            "mpn",',
            '            "gtin"',
            "          ]",
        ],
    )
    sync = edited_sync(salla_json, (*PRODUCTS, "name"), _DELETE)
    new = json_write_back(salla_json, sync)
    assert changed_lines(salla_json.text, new) == (['          "name": "name",'], [])


# --- random edits ----------------------------------------------------------------

KEYS = st.sampled_from(["a", "b", "c", "d", "e", "Content-Type", "x y", "1"])
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**60), max_value=2**60)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=4)
    ),
    max_leaves=12,
)
OBJECTS = st.dictionaries(KEYS, VALUES, max_size=5)


def commented_js(
    value: Any, level: int, path: tuple[str, ...], tags: dict[str, Any]
) -> str:
    """``value`` as JS with a tagged comment after every object property."""
    if not isinstance(value, dict) or not value:
        return to_js(value, level=level)
    inner = "  " * (level + 1)
    lines = ["{"]
    for key, item in value.items():
        tag = f"// c{len(tags)}"
        tags[tag] = (*path, key)
        rendered = commented_js(item, level + 1, (*path, key), tags)
        lines.append(f"{inner}{js_key(key)}: {rendered}, {tag}")
    lines.append("  " * level + "}")
    return "\n".join(lines)


@contextlib.contextmanager
def caplog_warnings() -> Iterator[list[str]]:
    """The warnings the writer logs inside the block."""
    records: list[str] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = lambda record: records.append(record.getMessage())  # type: ignore[method-assign]
    logger = logging.getLogger("designer.core.jswriter")
    logger.addHandler(handler)
    try:
        yield records
    finally:
        logger.removeHandler(handler)


def dict_paths(value: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    if not isinstance(value, dict):
        return []
    out = [path]
    for key, item in value.items():
        out.extend(dict_paths(item, (*path, key)))
    return out


def survives(old: Any, new: Any, path: tuple[str, ...]) -> bool:
    """Whether the comment after the property at ``path`` should be kept."""
    for step in path:
        if not isinstance(old, dict) or not isinstance(new, dict) or step not in new:
            return False
        kept = [k for k in old if k in new]
        if kept != [k for k in new if k in old]:
            return False  # reordered: written anew
        old, new = old[step], new[step]
    return True


@settings(max_examples=int(os.environ.get("WRITEBACK_EXAMPLES", "150")), deadline=None)
@given(OBJECTS, st.data())
def test_random_edits_read_back_and_keep_comments_outside_them(
    sync: dict[str, Value], data: st.DataObject
) -> None:
    tags: dict[str, tuple[str, ...]] = {}
    text = "export default {\n  ns: 'x', // top\n  sync: "
    text += commented_js(sync, 1, (), tags) + ",\n};\n"
    source = parse_miniapp(text)
    assert source.document["sync"] == sync
    new = copy.deepcopy(sync)
    for _ in range(data.draw(st.integers(1, 4))):
        target = value_at(new, data.draw(st.sampled_from(dict_paths(new))))
        op = data.draw(st.sampled_from(["set", "delete", "add"]))
        if op != "add" and target:
            key = data.draw(st.sampled_from(list(target)))
            if op == "delete":
                del target[key]
            else:
                target[key] = data.draw(VALUES)
        else:
            target[data.draw(KEYS)] = data.draw(VALUES)

    with caplog_warnings() as warnings:
        result = patch_value(source, ("sync",), new)
    assert warnings == [], "the patch did not read back"
    again = parse_miniapp(result.text)
    assert again.document == {"ns": "x", "sync": new}
    kept = set(re.findall(r"// c\d+|// top", result.text))
    lost = set(tags) - kept
    assert "// top" in kept
    assert set(result.dropped_comments) == lost
    for tag, path in tags.items():
        if survives(sync, new, path):
            assert tag in kept, (tag, path)


def test_a_rule_mapped_again_moves_to_the_end_with_a_minimal_edit(
    salla: MiniAppSource,
) -> None:
    # Removing a rule and mapping the field again puts it last in the object.
    sync = copy.deepcopy(salla.document["sync"])
    mapping = sync["resources"]["orders"]["apiMapping"]
    first = next(iter(mapping))
    mapping[first] = mapping.pop(first)
    result = write_back(salla, sync)
    assert result.rerendered == ()
    removed, added = changed_lines(salla.text, result.text)
    assert len(removed) == 1 and removed[0].strip().startswith(f"{first}:")
    assert added[0].strip().startswith(f"{first}:")
    again = parse_miniapp(result.text, filename="salla.miniapp.js")
    assert list(again.document["sync"]["resources"]["orders"]["apiMapping"]) == list(
        mapping
    )
