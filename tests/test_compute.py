"""Compute functions and the shared value conversions."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from designer.core.compute import (
    REGISTRY,
    ArgKind,
    ComputeError,
    js_number_to_string,
    parse_number,
)
from designer.core.mapping import FieldStatus, compile_mapping
from designer.core.paths import MISSING


def call(fn: str, args: dict[str, Any]) -> tuple[Any, list[str]]:
    warnings: list[str] = []
    spec = REGISTRY[fn]
    full = {a.name: a.default for a in spec.args if not a.required}
    full.update(args)
    return spec.func(full, warnings.append), warnings


@pytest.mark.parametrize(
    ("code", "number", "expected"),
    [
        ("+966", 501234567, "+966501234567"),
        ("966", "501234567", "+966501234567"),
        ("00966", "0501234567", "+966501234567"),
        (966, "050 123 4567", "+966501234567"),
        ("+966", "966501234567", "+966501234567"),
        ("+966", "00966501234567", "+966501234567"),
        ("+966", "+966501234567", "+966501234567"),
        ("+1", "(212) 555-1234", "+12125551234"),
        ("+1", "12125551234", "+12125551234"),
    ],
)
def test_join_phone(code: Any, number: Any, expected: str) -> None:
    value, warnings = call("joinPhone", {"paths": [code, number]})
    assert value == expected
    assert not warnings


def test_join_phone_edges() -> None:
    assert call("joinPhone", {"paths": ["+966", MISSING]})[0] is MISSING
    assert call("joinPhone", {"paths": ["+966", None]})[0] is None
    value, warnings = call("joinPhone", {"paths": [None, "0501234567"]})
    assert value == "0501234567" and "no country code" in warnings[0]
    with pytest.raises(ComputeError):
        call("joinPhone", {"paths": ["+966", {"n": 1}]})
    with pytest.raises(ComputeError):
        call("joinPhone", {"paths": ["+966", "abc"]})


def test_localized_name() -> None:
    assert call("localizedName", {"path": {"ar": "قميص", "en": "Shirt"}}) == (
        "قميص",
        [],
    )
    value, warnings = call("localizedName", {"path": {"en": "Shirt"}, "locale": "ar"})
    assert value == "Shirt" and "no 'ar' name" in warnings[0]
    assert call("localizedName", {"path": "Plain"})[0] == "Plain"
    assert call("localizedName", {"path": {"ar": "", "en": " "}})[0] is None
    with pytest.raises(ComputeError):
        call("localizedName", {"path": 5})


@pytest.mark.parametrize(
    ("name", "first", "last"),
    [
        ("Sara Al Harbi", "Sara", "Al Harbi"),
        ("  Sara   Ali ", "Sara", "Ali"),
        ("Sara", "Sara", None),
        ("", None, None),
    ],
)
def test_split_name(name: str, first: Any, last: Any) -> None:
    assert call("splitName", {"path": name, "part": "first"})[0] == first
    assert call("splitName", {"path": name, "part": "last"})[0] == last


def test_concat_template_case_and_trim() -> None:
    assert call("concat", {"paths": ["Sara", None, MISSING, "", 7]})[0] == "Sara 7"
    assert call("concat", {"paths": ["a", "b"], "separator": "-"})[0] == "a-b"
    assert call("concat", {"paths": [None]})[0] is None
    value, warnings = call("template", {"template": (("#", ""), [MISSING])})
    assert value == "#" and warnings
    assert call("lowercase", {"path": "A@B.example"})[0] == "a@b.example"
    assert call("trim", {"path": " Sara "})[0] == "Sara"
    with pytest.raises(ComputeError):
        call("lowercase", {"path": 5})


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            {
                "date": "2026-01-30 15:56:02.000000",
                "timezone_type": 3,
                "timezone": "Asia/Riyadh",
            },
            "2026-01-30T12:56:02Z",
        ),
        ("2026-01-30T12:56:02Z", "2026-01-30T12:56:02Z"),
        ("2026-01-30T15:56:02+03:00", "2026-01-30T12:56:02Z"),
        (1769777762, "2026-01-30T12:56:02Z"),
        (1769777762000, "2026-01-30T12:56:02Z"),
    ],
)
def test_to_iso_date(value: Any, expected: str) -> None:
    assert call("toIsoDate", {"path": value}) == (expected, [])


def test_to_iso_date_without_zone() -> None:
    value, warnings = call("toIsoDate", {"path": "2026-01-30 15:56:02"})
    assert value == "2026-01-30T15:56:02" and "no time zone" in warnings[0]
    value, warnings = call(
        "toIsoDate", {"path": "2026-01-30 15:56:02", "timezone": "Asia/Riyadh"}
    )
    assert value == "2026-01-30T12:56:02Z" and not warnings
    with pytest.raises(ComputeError, match="not a date"):
        call("toIsoDate", {"path": "30/01/2026"})


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("124.15 SAR", 124.15),
        ("SAR 1,234.50", 1234.5),
        ("99", 99),
        (12.5, 12.5),
        ({"amount": "10.00", "currency": "SAR"}, 10.0),
        ({"amount": 7}, 7),
        (None, None),
    ],
)
def test_money_amount(value: Any, expected: Any) -> None:
    assert call("moneyAmount", {"path": value}) == (expected, [])


def test_money_amount_unreadable() -> None:
    value, warnings = call("moneyAmount", {"path": "about 5 or 6"})
    assert value is None and warnings


def test_every_fn_is_documented_and_its_example_compiles() -> None:
    for fn in REGISTRY.values():
        assert fn.doc and fn.example and fn.args
        for arg in fn.args:
            assert arg.doc and isinstance(arg.kind, ArgKind)
    # The rule half of each example, as a dict, compiles without a diagnostic.
    examples: dict[str, Any] = {
        "joinPhone": {"paths": ["mobile_code", "mobile"]},
        "localizedName": {"path": "name", "locale": "en"},
        "splitName": {"path": "name", "part": "last"},
        "concat": {"paths": ["first_name", "last_name"]},
        "template": {"template": "#{reference_id}"},
        "lowercase": {"path": "email"},
        "trim": {"path": "name"},
        "toIsoDate": {"path": "date"},
        "moneyAmount": {"path": "total"},
    }
    assert set(examples) == set(REGISTRY)
    for name, args in examples.items():
        mapping = compile_mapping({"f": {"transform": "compute", "fn": name, **args}})
        assert not mapping.diagnostics, name


def test_template_syntax_errors_are_diagnostics() -> None:
    mapping = compile_mapping(
        {"f": {"transform": "compute", "fn": "template", "template": "#{ref"}}
    )
    (diag,) = mapping.diagnostics
    assert diag.code == "fn-args" and "unclosed" in diag.message
    mapping = compile_mapping(
        {"f": {"transform": "compute", "fn": "template", "template": "{{x}} {a}"}}
    )
    assert mapping.evaluate({"a": 1})["f"].value == "{x} 1"
    assert mapping.evaluate({"a": 1})["f"].status is FieldStatus.OK


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_js_number_to_string_reads_back(number: float) -> None:
    text = js_number_to_string(number)
    assert float(text) == number
    assert not text.endswith(".0")
    if number.is_integer() and abs(number) < 1e21:
        assert "e" not in text


@given(st.integers())
def test_parse_number_keeps_integers_exact(number: int) -> None:
    assert parse_number(str(number)) == (number, None)
    assert parse_number(f" {number} ") == (number, None)
