"""The designer's main window: a shell of docks around the payload view.

The docks are placeholders the rest of the designer fills in: ``outline_dock``
(resources and handlers of a MiniApp), ``fields_dock`` (content-type fields)
and ``preview_dock`` (mapped records). Each is a QDockWidget whose widget may
be replaced with ``setWidget``.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QWidget,
)

from designer.ui import messages
from designer.ui.payload_view import PayloadView

log = logging.getLogger(__name__)

RECENT_LIMIT = 10
STATUS_TIMEOUT_MS = 6000

# Settings keys, read with their type every time (QSettings INI returns strings).
_RECENT = "recentFiles"
_GEOMETRY = "mainWindow/geometry"
_STATE = "mainWindow/state"
_LAST_DIRECTORY = "lastDirectory"


def _placeholder(text: str) -> QLabel:
    label = QLabel(text)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    label.setEnabled(False)
    label.setMargin(12)
    return label


class MainWindow(QMainWindow):
    """Payload view in the centre, docks around it, messages in the status bar."""

    def __init__(
        self, *, settings: QSettings | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.settings = settings if settings is not None else QSettings()
        self.current_file: Path | None = None

        self.payload_view = PayloadView(self)
        self.setCentralWidget(self.payload_view)
        self.outline_dock = self._dock(
            "outline",
            "Outline",
            "Resources and handlers of the MiniApp appear here.",
            Qt.DockWidgetArea.LeftDockWidgetArea,
        )
        self.fields_dock = self._dock(
            "fields",
            "Fields",
            "Drag a key from the payload onto a field to map it.",
            Qt.DockWidgetArea.RightDockWidgetArea,
        )
        self.preview_dock = self._dock(
            "preview",
            "Preview",
            "Mapped records will be previewed here.",
            Qt.DockWidgetArea.BottomDockWidgetArea,
        )
        self.resizeDocks(
            [self.outline_dock, self.fields_dock], [220, 260], Qt.Orientation.Horizontal
        )
        self.resizeDocks([self.preview_dock], [160], Qt.Orientation.Vertical)

        self._make_menus()
        self.statusBar().showMessage("Open a JSON sample with File ▸ Open (Ctrl+O).")
        messages.bridge().posted.connect(self.show_message)
        self.payload_view.document_loaded.connect(self._document_loaded)
        self._update_title()
        self.resize(1280, 800)
        self._restore_layout()

    def _dock(
        self, name: str, title: str, hint: str, area: Qt.DockWidgetArea
    ) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"{name}Dock")  # saveState needs object names
        dock.setWidget(_placeholder(hint))
        self.addDockWidget(area, dock)
        return dock

    def _make_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.open_action = QAction("&Open JSON sample…", self)
        self.open_action.setShortcut(QKeySequence.StandardKey.Open)
        self.open_action.triggered.connect(self.choose_file)
        file_menu.addAction(self.open_action)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        self.view_menu = self.menuBar().addMenu("&View")
        for dock in (self.outline_dock, self.fields_dock, self.preview_dock):
            self.view_menu.addAction(dock.toggleViewAction())

    # -- files -------------------------------------------------------------

    def choose_file(self) -> None:
        start = self.settings.value(_LAST_DIRECTORY, "", type=str)
        name, _filter = QFileDialog.getOpenFileName(
            self, "Open JSON sample", start, "JSON (*.json);;All files (*)"
        )
        if name:
            self.open_file(Path(name))

    def open_file(self, path: Path) -> None:
        """Load ``path`` into the payload view and remember it as recent."""
        if not path.is_file():
            messages.error(f"{path}: no such file. Check the name, or pick it again.")
            self.forget_recent(path)
            return
        self.current_file = path
        self.settings.setValue(_LAST_DIRECTORY, str(path.parent))
        self.add_recent(path)
        self._update_title()
        self.payload_view.open_file(path)

    def recent_files(self) -> list[Path]:
        names = self.settings.value(_RECENT, [], type=list)
        return [Path(name) for name in names]

    def add_recent(self, path: Path) -> None:
        resolved = path.resolve()
        recent = [resolved, *(p for p in self.recent_files() if p != resolved)]
        self.settings.setValue(_RECENT, [str(p) for p in recent[:RECENT_LIMIT]])

    def forget_recent(self, path: Path) -> None:
        resolved = path.resolve()
        recent = [str(p) for p in self.recent_files() if p != resolved]
        self.settings.setValue(_RECENT, recent)

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.recent_files()
        if not recent:
            self.recent_menu.addAction("No recent files").setEnabled(False)
            return
        for number, path in enumerate(recent, start=1):
            action = self.recent_menu.addAction(f"&{number % 10}  {path}")
            action.triggered.connect(lambda _checked=False, p=path: self.open_file(p))

    def _document_loaded(self, _document: object) -> None:
        if self.current_file is not None:
            messages.info(f"Loaded {self.current_file.name}")

    def _update_title(self) -> None:
        name = self.current_file.name if self.current_file else "no file"
        self.setWindowTitle(f"{name} — Sync Designer")

    # -- messages ----------------------------------------------------------

    def show_message(self, level: int, text: str) -> None:
        """Show a bridge message: errors in a dialog, the rest in the status bar."""
        if level >= messages.Level.ERROR:
            self.statusBar().showMessage(text, STATUS_TIMEOUT_MS)
            box = QMessageBox(
                QMessageBox.Icon.Critical,
                "Sync Designer",
                text,
                QMessageBox.StandardButton.Ok,
                self,
            )
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()  # window-modal, does not block the event loop
        elif level >= messages.Level.WARNING:
            self.statusBar().showMessage(f"⚠ {text}", STATUS_TIMEOUT_MS * 2)
        else:
            self.statusBar().showMessage(text, STATUS_TIMEOUT_MS)

    # -- layout ------------------------------------------------------------

    def _restore_layout(self) -> None:
        geometry = self.settings.value(_GEOMETRY, QByteArray(), type=QByteArray)
        if not geometry.isEmpty():
            self.restoreGeometry(geometry)
        state = self.settings.value(_STATE, QByteArray(), type=QByteArray)
        if not state.isEmpty():
            self.restoreState(state)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.payload_view.cancel_load()
        self.settings.setValue(_GEOMETRY, self.saveGeometry())
        self.settings.setValue(_STATE, self.saveState())
        self.settings.sync()
        super().closeEvent(event)
