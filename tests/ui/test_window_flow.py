"""The whole window on the Salla sample: outline, drag a path, preview, undo, save."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt

from designer.ui.fields import FieldRef
from designer.ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]
SALLA = ROOT / "samples" / "salla"


@pytest.fixture
def app_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "salla"
    shutil.copytree(SALLA, folder)
    return folder / "salla.miniapp.js"


@pytest.fixture
def window(qtbot, tmp_path: Path, app_copy: Path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    widget = MainWindow(settings=settings, recovery_dir=tmp_path / "recovery")
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    assert widget.open_miniapp(app_copy)
    yield widget
    # Closing at teardown must not stop on the "unsaved changes" question.
    if widget.document is not None:
        widget.document.undo_stack.setClean()


def drop_path(window: MainWindow, segments: list, field: str) -> bool:
    """Drag ``segments`` from the payload tree and drop it on ``field``."""
    tree = window.payload_view.model
    index = tree.index_for_path(tuple(segments))
    assert index.isValid(), segments
    mime = tree.mimeData([index])
    fields = window.fields.model
    target = fields.index_of(FieldRef(field))
    assert target.isValid(), field
    assert fields.canDropMimeData(mime, Qt.DropAction.CopyAction, -1, -1, target)
    return fields.dropMimeData(mime, Qt.DropAction.CopyAction, -1, -1, target)


def wait_preview(qtbot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: window.preview.model.is_complete(), timeout=5000)


def cell(window: MainWindow, row: int, field: str) -> str:
    model = window.preview.model
    column = model.columns.index(field)
    return str(model.index(row, column).data(Qt.ItemDataRole.DisplayRole))


def test_outline_lists_resources_and_handlers(window: MainWindow) -> None:
    targets = window.document.targets()
    keys = {(t.kind, t.key) for t in targets}
    assert ("resource", "orders") in keys and ("handler", "order.created") in keys
    assert window.target == targets[0]
    assert window.payload_view.model.record_count() > 1
