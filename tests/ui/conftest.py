"""Fixtures for the designer window pieces: a copy of the test MiniApp per test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from designer.core.project import open_project
from designer.ui.document import DesignerDocument

DATA = Path(__file__).resolve().parent.parent / "data" / "ui_shop"


@pytest.fixture
def shop_dir(tmp_path: Path) -> Path:
    target = tmp_path / "shop"
    shutil.copytree(DATA, target)
    return target


@pytest.fixture
def document(qtbot, shop_dir: Path, tmp_path: Path) -> DesignerDocument:
    project = open_project(shop_dir / "shop.miniapp.js")
    doc = DesignerDocument(project, recovery_dir=tmp_path / "recovery")
    yield doc
    doc.undo_stack.clear()
    doc.deleteLater()
