"""Writing MiniApp values: JS and JSON rendering, in-place replacement, atomic files."""

from __future__ import annotations

import json
import math
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from designer.core import jswriter
from designer.core.jswriter import (
    ExportError,
    WriteError,
    format_doc_path,
    replace_value,
    to_js,
    to_json,
    write_atomic,
)
from designer.core.source import MiniAppSource, load_miniapp, parse_miniapp
from designer.core.values import Code

DATA = Path(__file__).parent / "data"
SEED = DATA / "larkspur-seed.js"

NEW_SYNC: dict[str, Any] = {
    "baseUrl": "https://api.shop.example/v2",
    "headers": {"Authorization": "Bearer [[accessToken]]"},
    "resources": {
        "orders": {
            "contentType": "ecommerce:orders",
            "apiMapping": {
                "code": {"path": "id", "transform": "toString"},
                "total": {"paths": ["sale_price", "price"], "transform": "coalesce"},
            },
        }
    },
}


def same(a: Any, b: Any) -> bool:
    """Equal, with equal types all the way down (1 is not 1.0, True is not 1)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


# --- to_js --------------------------------------------------------------------


def test_to_js_writes_the_platform_style() -> None:
    value = {
        "name": "orders",
        "Content-Type": "application/json",
        "endpoints": {"list": {"url": "/orders", "method": "GET"}},
        "paths": ["sale_price", "regular_price"],
        "empty": {},
        "none": [],
        "items": [{"sku": "A-1"}],
        "ok": True,
        "n": None,
        "pick": Code("(record) => record.id", "arrow_function"),
    }
    assert to_js(value) == (
        "{\n"
        "  name: 'orders',\n"
        "  'Content-Type': 'application/json',\n"
        "  endpoints: {\n"
        "    list: {\n"
        "      url: '/orders',\n"
        "      method: 'GET',\n"
        "    },\n"
        "  },\n"
        "  paths: ['sale_price', 'regular_price'],\n"
        "  empty: {},\n"
        "  none: [],\n"
        "  items: [\n"
        "    {\n"
        "      sku: 'A-1',\n"
        "    },\n"
        "  ],\n"
        "  ok: true,\n"
        "  n: null,\n"
        "  pick: (record) => record.id,\n"
        "}"
    )


def test_to_js_indent_and_level() -> None:
    assert to_js({"a": {"b": 1}}, indent=4, level=1) == (
        "{\n        a: {\n            b: 1,\n        },\n    }"
    )


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("it's", r"'it\'s'"),
        ('say "hi"', "'say \"hi\"'"),
        ("back\\slash", r"'back\\slash'"),
        ("a\nb\tc\r", r"'a\nb\tc\r'"),
        ("\x00\x1b\x7f", r"'\x00\x1b\x7f'"),
        ("\u2028\u2029", r"'\u2028\u2029'"),
        ("café 🎁 عربي", "'café 🎁 عربي'"),
        ("${not a template}", "'${not a template}'"),
        ("", "''"),
    ],
)
def test_to_js_strings(value: str, text: str) -> None:
    assert to_js(value) == text


@pytest.mark.parametrize(
    ("key", "text"),
    [
        ("plain", "plain"),
        ("$ref", "$ref"),
        ("_x1", "_x1"),
        ("default", "default"),
        ("with space", "'with space'"),
        ("com.shop.ref", "'com.shop.ref'"),
        ("61f44", "'61f44'"),
        ("0", "'0'"),
        ("", "''"),
        ("it's", r"'it\'s'"),
        ("clé", "'clé'"),
        ("__proto__", "['__proto__']"),
    ],
)
def test_to_js_keys_are_quoted_only_when_needed(key: str, text: str) -> None:
    assert to_js({key: 1}) == "{\n  " + text + ": 1,\n}"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1610521604143693812, "1610521604143693812"),
        (-(2**70), str(-(2**70))),
        (1.0, "1.0"),
        (0.1, "0.1"),
        (1e21, "1e+21"),
        (5e-324, "5e-324"),
        (-0.0, "-0.0"),
        (float("inf"), "Infinity"),
        (float("-inf"), "-Infinity"),
        (float("nan"), "NaN"),
        (True, "true"),
        (None, "null"),
    ],
)
def test_to_js_numbers(value: object, text: str) -> None:
    assert to_js(value) == text


def test_short_scalar_arrays_stay_on_one_line_when_they_fit() -> None:
    fits = ["x" * 10] * 5
    assert to_js({"k": fits}) == "{\n  k: [" + ", ".join(["'xxxxxxxxxx'"] * 5) + "],\n}"
    too_long = ["x" * 20] * 5
    lines = to_js({"k": too_long}).split("\n")
    assert lines[1] == "  k: ["
    assert all(len(line) <= 88 for line in lines)
    # A one-line array is never wider than 88 columns, key and comma included.
    edge = ["y" * 36, "z" * 36]
    line = to_js({"key": edge}).split("\n")[1]
    assert line == "  key: ['" + "y" * 36 + "', '" + "z" * 36 + "'],"
    assert len(line) == 88
    assert to_js({"keys": edge}).split("\n")[1] == "  keys: ["


def test_code_is_written_back_exactly() -> None:
    source = parse_miniapp(
        "export default {\n"
        "  a: `Bearer ${token}`,\n"
        "  b: async (x) => {\n    return x;\n  },\n"
        "  c: function named(y) { return y * 2 },\n"
        "  d(z) { return z },\n"
        "}"
    )
    written = to_js(source.document)
    assert written == (
        "{\n"
        "  a: `Bearer ${token}`,\n"
        "  b: async (x) => {\n    return x;\n  },\n"
        "  c: function named(y) { return y * 2 },\n"
        "  d(z) { return z },\n"
        "}"
    )


def test_format_doc_path() -> None:
    path = ("sync", "resources", "line items", 0, "apiMapping", "code")
    assert format_doc_path(path) == "sync.resources['line items'][0].apiMapping.code"
    assert format_doc_path(()) == "<document>"


# --- to_json ------------------------------------------------------------------


def test_to_json_is_plain_json_with_exact_values() -> None:
    value = {"id": 1610521604143693812, "name": "Gift 🎁", "f": 1.0, "a": [], "o": {}}
    text = to_json(value)
    assert text == (
        '{\n  "id": 1610521604143693812,\n  "name": "Gift 🎁",\n'
        '  "f": 1.0,\n  "a": [],\n  "o": {}\n}'
    )
    assert same(json.loads(text), value)


def test_to_json_refuses_code_and_names_where_it_is() -> None:
    value = {"sync": {"resources": {"orders": {"pick": [1, Code("(r) => r.id")]}}}}
    with pytest.raises(ExportError) as info:
        to_json(value)
    assert info.value.path == ("sync", "resources", "orders", "pick", 1)
    assert str(info.value).startswith("sync.resources.orders.pick[1]: ")
    assert "export as JavaScript" in str(info.value)
    assert json.loads(to_json(value, code_as_string=True))["sync"]["resources"][
        "orders"
    ]["pick"] == [1, "(r) => r.id"]


def test_to_json_refuses_non_finite_numbers() -> None:
    with pytest.raises(ExportError, match="not a JSON number") as info:
        to_json({"a": [float("nan")]})
    assert info.value.path == ("a", 0)


# --- round trips ----------------------------------------------------------------

awkward_keys = st.one_of(
    st.text(max_size=8),
    st.sampled_from(
        ["", " ", "a b", "it's", 'say "x"', "__proto__", "0", "01", "1e3", "-1",
         "clé", "🎁", "a.b", "$", "_", "default", "constructor", "\\", "\n", "${x}"]
    ),
)  # fmt: skip
json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.dictionaries(awkward_keys, children, max_size=5),
    ),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(awkward_keys, json_values, max_size=6))
def test_js_round_trip(value: dict[str, Any]) -> None:
    text = "export default " + to_js(value)
    assert same(parse_miniapp(text).document, value)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_js_round_trip_of_any_value_under_a_key(value: Any) -> None:
    text = "export default " + to_js({"v": value})
    assert same(parse_miniapp(text).document["v"], value)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_json_round_trip(value: Any) -> None:
    assert same(json.loads(to_json(value)), value)
    if isinstance(value, dict):
        assert same(parse_miniapp(to_json(value), kind="json").document, value)


# --- replace_value ------------------------------------------------------------------


def check_replaced(source: MiniAppSource, path: tuple[str, ...], value: Any) -> str:
    """Replace, then check every byte outside the edit and the value read back."""
    result = replace_value(source, path, value)
    new = result.text
    assert new[: result.start] == source.text[: result.start]
    tail = len(source.text) - result.end
    assert new[len(new) - tail :] == source.text[result.end :]
    again = parse_miniapp(new, kind=source.kind)
    node: Any = again.document
    for step in path:
        node = node[step]
    assert same(node, value)
    return new


def test_replace_sync_in_the_seed_file() -> None:
    source = load_miniapp(SEED)
    new = check_replaced(source, ("sync",), NEW_SYNC)
    # Only what changed is edited: the constant names stay, the constant used
    # only here gets the new URL, the dropped resources go with their comment.
    assert (
        "\n  sync: {\n    baseUrl: LARKSPUR_API,\n    headers: defaultHeaders,\n" in new
    )
    assert "const LARKSPUR_API = 'https://api.shop.example/v2'; // prod;" in new
    assert "\n  },\n};\n" in new  # closed at the indentation of `sync:`
    result = replace_value(source, ("sync",), NEW_SYNC)
    assert result.comments_dropped == 1
    assert result.dropped_comments == (
        "// sale price wins when the shop runs a promotion",
    )
    assert not result.inserted


def test_round_trip_of_the_seed_file() -> None:
    source = load_miniapp(SEED)
    rewritten = replace_value(source, ("sync",), source.document["sync"]).text
    again = parse_miniapp(rewritten, filename=str(SEED))
    assert same(again.document, source.document)
    # and it is stable: a second rewrite changes nothing
    assert replace_value(again, ("sync",), again.document["sync"]).text == rewritten


def test_the_new_value_is_indented_where_it_sits() -> None:
    text = "module.exports = {\n    deep: {\n        sync: 1,\n    },\n};\n"
    source = parse_miniapp(text)
    new = check_replaced(source, ("deep", "sync"), {"a": 2, "b": [1]})
    assert new == (
        "module.exports = {\n    deep: {\n        sync: {\n"
        "            a: 2,\n            b: [1],\n        },\n    },\n};\n"
    )


@pytest.mark.parametrize(
    "text",
    [
        "// before\n/* block\n before */\nexport default {\n  ns: 'x', // after ns\n"
        "  sync: { // inside\n    a: 1,\n  }, // after sync\n  // last\n};\n// end\n",
        "export default {\r\n  ns: 'x',\r\n  sync: {\r\n    a: 1,\r\n  },\r\n}\r\n",
        "export default {\n\tns: 'x',\n\tsync: {\n\t\ta: 1,\n\t},\n}\n",
        "const sync = {\n  a: 1, // one\n};\n\n"
        "export default {\n  ns: 'x',\n  sync,\n};\n",
        "const sync = {\n  a: 1,\n};\n"
        "module.exports = {\n  sync: sync,\n  ns: 'x',\n};",
        "const app = {\n  ns: 'é 🎁',\n  sync: { a: 'ü' },\n};\nexport default app;\n",
        '{\n    "ns": "x",\n    "sync": {\n        "a": 1\n    }\n}\n',
    ],
)
def test_replace_keeps_every_other_byte(text: str) -> None:
    source = parse_miniapp(text)
    new = check_replaced(source, ("sync",), NEW_SYNC)
    assert parse_miniapp(new).document["ns"] == source.document["ns"]


def test_replace_uses_the_files_line_endings_and_tabs() -> None:
    crlf = "export default {\r\n  ns: 'x',\r\n  sync: {},\r\n}\r\n"
    new = replace_value(parse_miniapp(crlf), ("sync",), {"a": {"b": 1}}).text
    assert "\n" not in new.replace("\r\n", "")
    assert "  sync: {\r\n    a: {\r\n      b: 1,\r\n    },\r\n  },\r\n" in new
    tabs = "export default {\n\tns: 'x',\n\tsync: {},\n}\n"
    new = replace_value(parse_miniapp(tabs), ("sync",), {"a": {"b": 1}}).text
    assert "\tsync: {\n\t\ta: {\n\t\t\tb: 1,\n\t\t},\n\t},\n" in new


def test_replace_a_sync_constant_rewrites_the_declaration() -> None:
    text = "const sync = {\n  a: 1,\n};\n\nexport default {\n  ns: 'x',\n  sync,\n};\n"
    new = replace_value(parse_miniapp(text), ("sync",), {"b": 2}).text
    assert new == text.replace("a: 1", "b: 2")


def test_replace_inlines_a_changed_constant_that_other_paths_share() -> None:
    # The constant is not edited (that would change `two.h` too): the name is
    # replaced by a literal where `one` uses it.
    text = "const h = { a: 1 };\nexport default { one: h, two: { h } }"
    result = replace_value(parse_miniapp(text), ("one",), {"a": 2})
    assert result.text == (
        "const h = { a: 1 };\nexport default { one: {\n  a: 2,\n}, two: { h } }"
    )
    assert result.inlined == (("one",),)
    assert result.shared_with == ()
    result = replace_value(parse_miniapp(text), ("two", "h"), {"a": 3})
    assert result.text.endswith("two: { h: {\n  a: 3,\n} } }")
    assert parse_miniapp(result.text).document == {
        "one": {"a": 1},
        "two": {"h": {"a": 3}},
    }


def test_replace_a_shorthand_whose_constant_is_code_writes_a_property() -> None:
    text = "const sync = require('./sync');\nmodule.exports = { ns: 'x', sync };\n"
    source = parse_miniapp(text)
    new = replace_value(source, ("sync",), {"a": 1}).text
    assert new == (
        "const sync = require('./sync');\n"
        "module.exports = { ns: 'x', sync: {\n  a: 1,\n} };\n"
    )
    assert parse_miniapp(new).document["sync"] == {"a": 1}


def test_replace_code_values_keep_their_text() -> None:
    source = parse_miniapp("export default {\n  sync: { a: 1 },\n}")
    value = {"pick": Code("(r) => r.id", "arrow_function"), "t": Code("`x${y}`")}
    new = replace_value(source, ("sync",), value).text
    assert "    pick: (r) => r.id,\n    t: `x${y}`,\n" in new


# --- inserting an absent key ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "export default {\n  ns: 'x',\n};\n",
            "export default {\n  ns: 'x',\n  sync: {\n    a: 1,\n  },\n};\n",
        ),
        (
            "export default {\n  ns: 'x'\n};\n",
            "export default {\n  ns: 'x',\n  sync: {\n    a: 1,\n  }\n};\n",
        ),
        (
            "export default {\n  ns: 'x', // last\n  // trailing note\n};\n",
            "export default {\n  ns: 'x', // last\n  // trailing note\n"
            "  sync: {\n    a: 1,\n  },\n};\n",
        ),
        (
            "export default {\n  ns: 'x' // last\n}\n",
            "export default {\n  ns: 'x', // last\n  sync: {\n    a: 1,\n  }\n}\n",
        ),
        (
            "export default { ns: 'x' }",
            "export default { ns: 'x', sync: {\n  a: 1,\n} }",
        ),
        (
            "export default {}",
            "export default {\n  sync: {\n    a: 1,\n  },\n}",
        ),
        (
            "export default {\r\n  ns: 'x',\r\n}\r\n",
            "export default {\r\n  ns: 'x',\r\n  sync: {\r\n    a: 1,\r\n  },\r\n}\r\n",
        ),
        (
            '{\n  "ns": "x"\n}\n',
            '{\n  "ns": "x",\n  "sync": {\n    "a": 1\n  }\n}\n',
        ),
    ],
)
def test_insert_sync_when_absent(text: str, expected: str) -> None:
    source = parse_miniapp(text)
    result = replace_value(source, ("sync",), {"a": 1})
    assert result.inserted
    assert result.text == expected
    assert parse_miniapp(result.text).document["sync"] == {"a": 1}


def test_insert_needs_an_object_literal_parent() -> None:
    source = parse_miniapp("export default { list: [1] }")
    with pytest.raises(ExportError, match="no object literal"):
        replace_value(source, ("list", "x"), 1)


def test_replace_in_json_refuses_code() -> None:
    source = parse_miniapp('{"sync": {}}', kind="json")
    with pytest.raises(ExportError) as info:
        replace_value(source, ("sync",), {"f": Code("() => 1")})
    assert info.value.path == ("sync", "f")


# --- write_atomic ---------------------------------------------------------------------


def test_write_atomic_writes_and_backs_up(tmp_path: Path) -> None:
    target = tmp_path / "app-seed.js"
    target.write_bytes(b"old\r\n")
    target.chmod(0o640)
    backup = write_atomic(target, "new é\r\n")
    assert target.read_bytes() == "new é\r\n".encode()
    assert backup == tmp_path / "app-seed.js.bak"
    assert backup.read_bytes() == b"old\r\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["app-seed.js", "app-seed.js.bak"]


def test_write_atomic_new_file_and_no_backup(tmp_path: Path) -> None:
    target = tmp_path / "new.js"
    assert write_atomic(target, "x") is None
    assert target.read_text() == "x"
    assert write_atomic(target, "y", backup=False) is None
    assert not (tmp_path / "new.js.bak").exists()
    umask = os.umask(0o022)
    os.umask(umask)
    new = tmp_path / "fresh.js"
    write_atomic(new, "z")
    assert stat.S_IMODE(new.stat().st_mode) == 0o666 & ~umask


def test_write_atomic_follows_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "real.js"
    real.write_text("old")
    link = tmp_path / "link.js"
    link.symlink_to(real)
    write_atomic(link, "new")
    assert link.is_symlink()
    assert real.read_text() == "new"


def test_a_failed_replace_leaves_the_original(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "app.js"
    target.write_text("original")

    def refuse(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(jswriter.os, "replace", refuse)
    with pytest.raises(WriteError, match="No space left on device") as info:
        write_atomic(target, "new text")
    assert info.value.path == target
    assert target.read_text() == "original"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app.js", "app.js.bak"]


def test_a_failed_write_leaves_the_original(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "app.js"
    target.write_text("original")

    def broken_fsync(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(jswriter.os, "fsync", broken_fsync)
    with pytest.raises(WriteError, match="Input/output error"):
        write_atomic(target, "new text")
    assert target.read_text() == "original"
    assert [p.name for p in tmp_path.iterdir()] == ["app.js"]


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0,
    reason="root writes into read-only folders",
)
def test_an_unwritable_folder_leaves_the_original(tmp_path: Path) -> None:
    target = tmp_path / "app.js"
    target.write_text("original")
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(WriteError, match="file was not changed"):
            write_atomic(target, "new")
    finally:
        tmp_path.chmod(0o700)
    assert target.read_text() == "original"


def test_a_missing_folder_is_a_write_error(tmp_path: Path) -> None:
    with pytest.raises(WriteError, match="cannot write the file"):
        write_atomic(tmp_path / "nope" / "app.js", "x")


def test_text_that_is_not_utf8_is_refused_before_touching_the_file(
    tmp_path: Path,
) -> None:
    target = tmp_path / "app.js"
    target.write_text("original")
    with pytest.raises(WriteError, match="UTF-8"):
        write_atomic(target, "bad \ud800")
    assert target.read_text() == "original"


def test_load_replace_write_load(tmp_path: Path) -> None:
    target = tmp_path / "larkspur-seed.js"
    target.write_bytes(SEED.read_bytes())
    source = load_miniapp(target)
    sync = dict(source.document["sync"])
    sync["baseUrl"] = "https://api.larkspur.example/v4"
    write_atomic(target, replace_value(source, ("sync",), sync).text)
    again = load_miniapp(target)
    assert again.document["sync"] == sync
    assert {k: v for k, v in again.document.items() if k != "sync"} == {
        k: v for k, v in source.document.items() if k != "sync"
    }
    assert (tmp_path / "larkspur-seed.js.bak").read_bytes() == SEED.read_bytes()
