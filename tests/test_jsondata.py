"""JSON is read strictly: what a JavaScript runtime rejects is reported, not kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from designer.core.jsondata import JsonDataError, loads
from designer.core.project import SampleError, read_json_file


def test_big_integers_stay_exact() -> None:
    assert loads('{"id": 1610521604143693812}') == {"id": 1610521604143693812}


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('{"id": NaN}', "NaN is not a JSON value"),
        ('{"x": Infinity}', "Infinity is not a JSON value"),
        ('{"x": -Infinity}', "-Infinity is not a JSON value"),
        ('{"e": 1e400}', "too large"),
    ],
)
def test_values_json_does_not_have(text: str, words: str) -> None:
    with pytest.raises(JsonDataError, match=words):
        loads(text)


def test_deep_nesting_is_a_message_not_a_crash(tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text('{"results": [' + "[" * 200_000 + "]" * 200_000 + "]}")
    with pytest.raises(SampleError, match="nested too deeply") as caught:
        read_json_file(deep)
    assert str(deep) in str(caught.value)


def test_syntax_error_names_file_line_column(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{\n  "a": 1,\n  "b": }')
    with pytest.raises(SampleError, match=r"bad.json:3:8: not valid JSON"):
        read_json_file(bad)
