"""The PyInstaller spec and what it ships, checked without building (too slow here).

``make package`` (packaging/build.sh) builds and smoke-tests the real program; CI
runs it after the suite.
"""

from __future__ import annotations

import ast
import configparser
import sys
from pathlib import Path

import pytest

from designer import resources

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "sync-designer.spec"


def _spec_assignment(name: str) -> object:
    tree = ast.parse(SPEC.read_text(encoding="utf-8"), filename=str(SPEC))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == name
            for target in node.targets
        ):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{SPEC.name} assigns no {name}")


def test_spec_parses_and_builds_every_step() -> None:
    text = SPEC.read_text(encoding="utf-8")
    ast.parse(text, filename=str(SPEC))
    for step in ("Analysis(", "PYZ(", "EXE(", "COLLECT(", "BUNDLE("):
        assert step in text, f"{SPEC.name} has no {step[:-1]} step"
    assert _spec_assignment("NAME") == "sync-designer"


def test_spec_ships_every_data_folder() -> None:
    folders = _spec_assignment("DATA_FOLDERS")
    assert isinstance(folders, list)
    sources = {source for source, _target in folders}
    for source, target in folders:
        assert (ROOT / source).is_dir(), f"{SPEC.name} ships {source}, which is gone"
        assert source == target, "resources.py expects the same layout as the checkout"
    expected = {"samples", "resources", "designer/core/data"}
    assert expected <= sources, f"not shipped: {sorted(expected - sources)}"
    assert sorted((ROOT / "designer/core/data").glob("*.json")), "no catalogue data"


@pytest.mark.parametrize("suffix", ["svg", "png", "ico", "icns"])
def test_icons_exist_for_every_platform(suffix: str) -> None:
    path = resources.icon_file(suffix)
    assert path is not None and path.stat().st_size > 0
    if suffix in ("ico", "icns"):  # the Windows and macOS branches name them
        assert f'f"{{NAME}}.{suffix}"' in SPEC.read_text(encoding="utf-8")


def test_bundled_sample_in_a_checkout() -> None:
    path = resources.bundled_sample()
    assert path == ROOT / "samples" / "salla" / "salla.miniapp.js"
    assert resources.bundled_sample("no-such-store") is None


def test_bundled_sample_in_a_frozen_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sample = tmp_path / "samples" / "salla" / "salla.miniapp.js"
    sample.parent.mkdir(parents=True)
    sample.write_text("export default {}\n", encoding="utf-8")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources.bundled_sample() == sample
    assert resources.icon_file("png") is None  # not copied into this fake bundle


def test_desktop_entry() -> None:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(ROOT / "packaging" / "sync-designer.desktop", encoding="utf-8")
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application"
    assert entry["Exec"] == "sync-designer %f"
    assert entry["Icon"] == "sync-designer"
    assert "Development;" in entry["Categories"]


def test_entry_routes_window_words_to_the_window() -> None:
    sys.path.insert(0, str(ROOT / "packaging"))
    try:
        import entry
    finally:
        sys.path.remove(str(ROOT / "packaging"))
    assert entry.opens_window([])
    assert entry.opens_window(["--smoke"])
    assert entry.opens_window(["open", "orders.json"])
    assert not entry.opens_window(["--version"])
    assert not entry.opens_window(["check", "salla.miniapp.js"])
