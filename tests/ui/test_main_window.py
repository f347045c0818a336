"""The main window shell: docks, recent files, remembered layout, messages."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDockWidget, QMessageBox

from designer.ui import messages
from designer.ui.main_window import MainWindow


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(qtbot, settings):
    widget = MainWindow(settings=settings)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_shell_has_the_docks_the_lead_fills(window):
    for dock in (window.outline_dock, window.fields_dock, window.preview_dock):
        assert isinstance(dock, QDockWidget) and dock.isVisible()
    assert window.center_tabs.widget(0) is window.payload_view
    assert window.windowTitle().replace("[*]", "") == "no MiniApp — Sync Designer"


def test_open_file_sets_title_and_recent_files(qtbot, window, tmp_path, settings):
    paths = []
    for number in range(3):
        path = tmp_path / f"sample{number}.json"
        path.write_text(json.dumps({"data": [{"n": number}]}), encoding="utf-8")
        paths.append(path)
        with qtbot.waitSignal(window.payload_view.document_loaded, timeout=10_000):
            window.open_file(path)
    assert window.payload_view.model.document() == {"data": [{"n": 2}]}
    assert window.recent_files() == [p.resolve() for p in reversed(paths)]
    window.open_file(paths[0])  # moves to the top, no duplicate
    assert window.recent_files()[0] == paths[0].resolve()
    assert len(window.recent_files()) == 3
    # A one-item list survives the INI round trip as a list (type= on read).
    settings.setValue("recentFiles", [str(paths[1])])
    settings.sync()
    reread = QSettings(settings.fileName(), QSettings.Format.IniFormat)
    assert MainWindow(settings=reread).recent_files() == [paths[1]]
    qtbot.waitUntil(lambda: not window.payload_view.is_loading())


def test_missing_recent_file_is_reported_and_forgotten(qtbot, window, tmp_path):
    gone = tmp_path / "gone.json"
    window.add_recent(gone)
    with qtbot.waitSignal(messages.bridge().posted) as blocker:
        window.open_file(gone)
    assert blocker.args[0] == messages.Level.ERROR
    assert "no such file" in blocker.args[1]
    assert window.recent_files() == []
    boxes = [w for w in window.findChildren(QMessageBox) if w.isVisible()]
    assert boxes and "no such file" in boxes[0].text()
    boxes[0].close()


def test_messages_reach_the_status_bar(window):
    messages.info("Copied $.data[0].id")
    assert window.statusBar().currentMessage() == "Copied $.data[0].id"
    messages.warning("slow server")
    assert window.statusBar().currentMessage() == "⚠ slow server"


def test_geometry_and_dock_state_are_remembered(qtbot, settings):
    first = MainWindow(settings=settings)
    qtbot.addWidget(first)
    first.resize(900, 520)
    first.show()
    qtbot.waitExposed(first)
    size = first.size()
    first.preview_dock.hide()
    first.close()
    second = MainWindow(settings=settings)
    qtbot.addWidget(second)
    second.show()
    qtbot.waitExposed(second)
    assert second.size().height() == size.height()
    assert not second.preview_dock.isVisible()


def test_recent_menu_lists_files(window, tmp_path):
    window.add_recent(tmp_path / "a.json")
    window._fill_recent_menu()
    texts = [action.text() for action in window.recent_menu.actions()]
    assert texts == [f"&1  {(tmp_path / 'a.json').resolve()}"]


def test_window_model_passes_tester(qtmodeltester, window):
    window.payload_view.set_document({"data": [{"id": 1}]})
    qtmodeltester.check(window.payload_view.model, force_py=True)
