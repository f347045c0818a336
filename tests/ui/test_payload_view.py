"""The payload view: async loading, records, filter, copy and drag."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest

from designer.ui.payload_tree import MIME_PATH
from designer.ui.payload_view import PayloadView

P2 = {"data": [{"id": 1, "total": "10.00"}, {"id": 2, "total": "25.50"}]}


@pytest.fixture
def view(qtbot):
    widget = PayloadView()
    qtbot.addWidget(widget)
    widget.resize(900, 600)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def write(tmp_path: Path, document, name="payload.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_file_loads_off_the_gui_thread_and_shows_records(qtbot, view, tmp_path):
    records = [{"id": n, "price": {"amount": n}} for n in range(500)]
    for record in records[:12]:
        record["sale_price"] = 1
    path = write(tmp_path, {"data": records, "pagination": {"total": 500}})
    with qtbot.waitSignal(view.document_loaded, timeout=10_000):
        load = view.open_file(path)
    assert load.path == path
    assert view.model.record_count() == 500
    assert view.records_label.text() == "500 records at $.data"
    qtbot.waitUntil(
        lambda: view.model.coverage_of(("data", 0, "sale_price")) is not None
    )
    assert view.model.coverage_of(("data", 0, "sale_price")) == (12, 12, 500)
    assert view.model.coverage_of(("data", 3, "price", "amount")) == (500, 500, 500)


def test_bad_json_names_file_line_and_column(qtbot, view, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{\n  "a": 1,\n  "b": ,\n}', encoding="utf-8")
    with qtbot.waitSignal(view.load_failed, timeout=10_000) as blocker:
        view.open_file(path)
    (message,) = blocker.args
    assert message.startswith(f"{path}:3:8: not valid JSON")
    assert not view.is_loading()


def test_load_can_be_cancelled(qtbot, view, tmp_path):
    path = write(tmp_path, {"data": [{"x": "y" * 100}] * 100_000})
    load = view.open_file(path)
    with qtbot.waitSignal(load.cancelled, timeout=10_000):
        view.cancel_load()
    assert load.wait(10)
    assert not view.is_loading()
    assert view.status_label.text() == "Loading cancelled."
    assert view.model.document() is None


def test_step_records_with_buttons_and_keyboard(qtbot, view):
    view.set_document(P2)
    assert view.model.current_record() == 0
    with qtbot.waitSignal(view.current_record_changed) as blocker:
        qtbot.mouseClick(view.next_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [1]
    assert view.record_spin.value() == 2
    view.tree.setFocus()
    QTest.keyClick(view.tree, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert view.model.current_record() == 0
    view.step_record(-1)  # stays at the first record
    assert view.model.current_record() == 0


def test_data_property_names_the_records(view):
    view.set_document({"items": [{"a": 1}], "rows": [{"b": 1}, {"b": 2}]})
    assert view.model.records_path() == ("items",)
    view.set_data_property("rows")
    assert view.model.record_count() == 2
    view.set_data_property(None)
    assert view.model.record_count() == 0
    assert view.records_label.text() == "One record"


def test_filter_finds_keys_and_values_and_selects_the_first(qtbot, view):
    view.set_document({"pagination": {"total": 2}, **P2})
    view.set_filter("25.5")
    qtbot.waitUntil(lambda: view.match_label.text() == "1 match")
    assert view.matches() == [("data", 1, "total")]
    assert view.selected_path() == ("data", 1, "total")
    view.set_filter("TOTAL")
    qtbot.waitUntil(lambda: view.match_label.text() == "3 matches")
    assert view.model.highlights() == {
        ("pagination", "total"),
        ("data", 0, "total"),
        ("data", 1, "total"),
    }


def test_filter_with_jsonpath_highlights_and_expands(qtbot, view):
    view.set_document(P2)
    view.set_filter("$.data[?(@.id == 2)].total")
    qtbot.waitUntil(lambda: view.match_label.text() == "1 match")
    index = view.model.index_for_path(("data", 1, "total"))
    assert view.tree.isExpanded(index.parent())
    view.set_filter("$.data[")
    qtbot.waitUntil(lambda: view.match_label.text() == "Bad JSONPath")
    assert not view.model.highlights()


def test_copy_paths_and_value(qtbot, view):
    view.set_document({"data": [{"meta": {"com.shop.ref": "R-7"}, "id": 2**61}]})
    view.select_path(("data", 0, "meta", "com.shop.ref"))
    clipboard = QGuiApplication.clipboard()
    view.copy_path("jsonpath")
    assert clipboard.text() == "$.data[0].meta['com.shop.ref']"
    view.copy_path("dotted")
    assert clipboard.text() == 'meta["com.shop.ref"]'
    view.select_path(("data", 0, "id"))
    QTest.keyClick(view.tree, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert clipboard.text() == str(2**61)


def test_mouse_drag_from_the_tree_asks_the_model_for_the_path(qtbot, view, monkeypatch):
    # The offscreen platform ends a drag at once, so the drop side cannot be
    # seen here; what is checked is that a real mouse drag reaches the model.
    view.set_document(P2)
    view.show_record(1)
    dragged = []
    real_mime_data = view.model.mimeData

    def recording_mime_data(indexes):
        mime = real_mime_data(indexes)
        dragged.append(json.loads(bytes(mime.data(MIME_PATH)).decode()))
        return mime

    monkeypatch.setattr(view.model, "mimeData", recording_mime_data)
    index = view.model.index_for_path(("data", 1, "total"))
    view.tree.scrollTo(index)
    start = view.tree.visualRect(index).center()
    viewport = view.tree.viewport()
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    for step in range(1, 6):
        QTest.mouseMove(viewport, start + QPoint(step * 10, step * 4))
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=start + QPoint(50, 20))
    assert dragged == [
        {"segments": ["data", 1, "total"], "record_index": 1, "record_prefix": ["data"]}
    ]


def test_view_model_passes_tester_after_use(qtmodeltester, qtbot, view):
    view.set_document(P2)
    view.set_filter("total")
    qtbot.waitUntil(lambda: bool(view.matches()))
    qtmodeltester.check(view.model, force_py=True)
