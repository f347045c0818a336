"""The designer's main window: a MiniApp's outline, payloads, fields, preview, export.

The window only arranges the pieces; editing happens in
:class:`~designer.ui.document.DesignerDocument`, and everything the window
shows is computed by the core. Layout: the outline of resources and handlers
on the left, the payload tree in the centre (with the live and webhook tabs
beside it), the content type's fields on the right, and the preview,
diagnostics and export below.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QFrame,
    QLabel,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QTabWidget,
    QWidget,
)

from designer.core.diagnostics import Diagnostic
from designer.core.project import Project, open_project
from designer.core.source import SourceError
from designer.ui import messages
from designer.ui.document import DesignerDocument, DocumentError, MappingTarget
from designer.ui.payload_view import PayloadView

log = logging.getLogger(__name__)

RECENT_LIMIT = 10
STATUS_TIMEOUT_MS = 6000

# Settings keys, read with their type every time (QSettings INI returns strings).
_RECENT = "recentFiles"
_GEOMETRY = "mainWindow/geometry"
_STATE = "mainWindow/state"
_LAST_DIRECTORY = "lastDirectory"

_MINIAPP_FILTER = "MiniApps (*.js *.mjs *.cjs *.json);;All files (*)"


def _placeholder(text: str) -> QLabel:
    label = QLabel(text)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    label.setEnabled(False)
    label.setMargin(12)
    return label


def looks_like_miniapp(path: Path) -> bool:
    """A JS file, or a JSON object with a MiniApp's top-level keys."""
    if path.suffix.lower() in (".js", ".mjs", ".cjs"):
        return True
    try:
        with path.open("rb") as handle:
            head = handle.read(65536)
    except OSError:
        return False
    text = head.decode("utf-8", errors="replace")
    return '"sync"' in text or '"ns"' in text


class MainWindow(QMainWindow):
    """One MiniApp at a time; payload samples open into the selected target."""

    def __init__(
        self,
        *,
        settings: QSettings | None = None,
        recovery_dir: Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings if settings is not None else QSettings()
        self.recovery_dir = recovery_dir
        self.current_file: Path | None = None
        self.document: DesignerDocument | None = None
        self.target: MappingTarget | None = None
        self.outline: Any = None
        self.fields: Any = None
        self.preview: Any = None
        self.diagnostics: Any = None
        self.export_view: Any = None
        self.live_panel: Any = None
        self.webhook_view: Any = None

        self.payload_view = PayloadView(self)
        self.center_tabs = QTabWidget(self)
        self.center_tabs.setDocumentMode(True)
        self.center_tabs.addTab(self.payload_view, "Payload")
        self.center_tabs.addTab(
            _placeholder("Open a MiniApp to fetch its API live."), "Live API"
        )
        self.center_tabs.addTab(
            _placeholder("Open a MiniApp to test webhook deliveries."), "Webhooks"
        )
        self.setCentralWidget(self.center_tabs)

        self.outline_dock = self._dock(
            "outline",
            "Outline",
            "Open a MiniApp (Ctrl+O): its resources and webhook handlers appear here.",
            Qt.DockWidgetArea.LeftDockWidgetArea,
        )
        self.fields_dock = self._dock(
            "fields",
            "Fields",
            "Select a resource or handler, then drag a key from the payload onto a "
            "field to map it.",
            Qt.DockWidgetArea.RightDockWidgetArea,
        )
        self.preview_dock = self._dock(
            "preview",
            "Preview",
            "Mapped records are previewed here.",
            Qt.DockWidgetArea.BottomDockWidgetArea,
        )
        self.diagnostics_dock = self._dock(
            "diagnostics",
            "Problems",
            "Problems of the MiniApp are listed here.",
            Qt.DockWidgetArea.BottomDockWidgetArea,
        )
        self.export_dock = self._dock(
            "export",
            "Export",
            "The sync block, as it will be written, appears here.",
            Qt.DockWidgetArea.BottomDockWidgetArea,
        )
        self.tabifyDockWidget(self.preview_dock, self.diagnostics_dock)
        self.tabifyDockWidget(self.preview_dock, self.export_dock)
        self.preview_dock.raise_()
        self.outline_dock.setMinimumWidth(220)
        self.fields_dock.setMinimumWidth(420)
        self.resizeDocks(
            [self.outline_dock, self.fields_dock], [250, 460], Qt.Orientation.Horizontal
        )
        self.resizeDocks([self.preview_dock], [300], Qt.Orientation.Vertical)

        self._make_menus()
        self.statusBar().showMessage("Open a MiniApp with File ▸ Open (Ctrl+O).")
        messages.bridge().posted.connect(self.show_message)
        self.payload_view.document_loaded.connect(self._payload_loaded)
        self._update_title()
        self.resize(1400, 860)
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
        self.open_action = QAction("&Open MiniApp…", self)
        self.open_action.setShortcut(QKeySequence.StandardKey.Open)
        self.open_action.triggered.connect(self.choose_file)
        file_menu.addAction(self.open_action)
        self.open_payload_action = QAction("Open &payload sample…", self)
        self.open_payload_action.setShortcut(QKeySequence("Ctrl+Shift+O"))
        self.open_payload_action.setToolTip(
            "Open a JSON response or delivery as the selected target's payload"
        )
        self.open_payload_action.triggered.connect(self.choose_payload)
        file_menu.addAction(self.open_payload_action)
        self.paste_payload_action = QAction("Paste payload sample", self)
        self.paste_payload_action.setShortcut(QKeySequence("Ctrl+Shift+V"))
        self.paste_payload_action.setToolTip(
            "Use JSON from the clipboard as the selected target's payload"
        )
        self.paste_payload_action.triggered.connect(self.paste_payload)
        file_menu.addAction(self.paste_payload_action)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addSeparator()
        self.save_action = QAction("&Write sync block into the MiniApp", self)
        self.save_action.setShortcut(QKeySequence.StandardKey.Save)
        self.save_action.triggered.connect(self.save)
        file_menu.addAction(self.save_action)
        self.export_action = QAction("&Export sync block as…", self)
        self.export_action.setShortcut(QKeySequence("Ctrl+E"))
        self.export_action.triggered.connect(self.export_as)
        file_menu.addAction(self.export_action)
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        self.edit_menu = self.menuBar().addMenu("&Edit")
        self.undo_action = QAction("&Undo", self)
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.undo_action.setEnabled(False)
        self.redo_action = QAction("&Redo", self)
        self.redo_action.setShortcut(QKeySequence.StandardKey.Redo)
        self.redo_action.setEnabled(False)
        self.edit_menu.addAction(self.undo_action)
        self.edit_menu.addAction(self.redo_action)
        self.edit_menu.addSeparator()
        self.map_action = QAction("&Map selected path to selected field", self)
        self.map_action.setShortcut(QKeySequence("Ctrl+M"))
        self.map_action.triggered.connect(self.map_selected_path)
        self.edit_menu.addAction(self.map_action)

        self.view_menu = self.menuBar().addMenu("&View")
        for dock in (
            self.outline_dock,
            self.fields_dock,
            self.preview_dock,
            self.diagnostics_dock,
            self.export_dock,
        ):
            self.view_menu.addAction(dock.toggleViewAction())

        help_menu = self.menuBar().addMenu("&Help")
        about = QAction("&About Sync Designer", self)
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)

    # -- opening -----------------------------------------------------------

    def choose_file(self) -> None:
        start = self.settings.value(_LAST_DIRECTORY, "", type=str)
        name, _filter = QFileDialog.getOpenFileName(
            self, "Open MiniApp", start, _MINIAPP_FILTER
        )
        if name:
            self.open_file(Path(name))

    def choose_payload(self) -> None:
        start = self.settings.value(_LAST_DIRECTORY, "", type=str)
        name, _filter = QFileDialog.getOpenFileName(
            self, "Open payload sample", start, "JSON (*.json);;All files (*)"
        )
        if name:
            self.open_payload(Path(name))

    def open_file(self, path: Path) -> None:
        """Open a MiniApp, or a JSON payload into the selected target."""
        if not path.is_file():
            messages.error(f"{path}: no such file. Check the name, or pick it again.")
            self.forget_recent(path)
            return
        self.settings.setValue(_LAST_DIRECTORY, str(path.parent))
        if looks_like_miniapp(path):
            self.open_miniapp(path)
        else:
            self.open_payload(path)

    def open_miniapp(self, path: Path) -> bool:
        """Load a MiniApp and show its outline; False (with a message) on failure."""
        if not self._confirm_discard():
            return False
        try:
            project = open_project(path)
        except SourceError as exc:
            messages.error(f"Cannot open the MiniApp.\n\n{exc}")
            return False
        except Exception as exc:  # a catalogue or sample that cannot be read
            log.exception("opening %s failed", path)
            messages.error(f"Cannot open {path}: {exc}")
            return False
        try:
            self._install_project(project)
        except Exception as exc:  # never leave a half-built window without a word
            log.exception("showing %s failed", path)
            messages.error(f"Cannot show {path}: {exc}")
            return False
        self.current_file = path
        self.add_recent(path)
        self._offer_recovery(path)
        self._update_title()
        sync = project.app.sync
        count = len(sync.resources) + len(sync.handlers) if sync else 0
        messages.info(f"Opened {path.name}: {count} resources and handlers")
        return True

    def _install_project(self, project: Project) -> None:
        from designer.ui.diagnostics_view import DiagnosticsPanel
        from designer.ui.export_view import ExportView
        from designer.ui.fields import FieldsPanel
        from designer.ui.outline import OutlinePanel
        from designer.ui.preview import PreviewPanel

        if self.document is not None:
            self.document.close()
            self.document.deleteLater()
        document = DesignerDocument(
            project, recovery_dir=self.recovery_dir, parent=self
        )
        self.document = document
        self.target = None

        self.outline = OutlinePanel(document, self)
        self.fields = FieldsPanel(document, self)
        self.preview = PreviewPanel(document, self)
        self.diagnostics = DiagnosticsPanel(document, self)
        self.export_view = ExportView(document, self)
        for dock, widget in (
            (self.outline_dock, self.outline),
            (self.fields_dock, self.fields),
            (self.preview_dock, self.preview),
            (self.diagnostics_dock, self.diagnostics),
            (self.export_dock, self.export_view),
        ):
            old = dock.widget()
            dock.setWidget(widget)
            if old is not None:
                old.deleteLater()

        self.outline.targetSelected.connect(self.select_target)
        self.fields.set_path_provider(self._selected_path)
        self.diagnostics.activated.connect(self._diagnostic_activated)
        self.preview.cellActivated.connect(self._cell_activated)
        self.preview.model.traced.connect(self._preview_traced)
        document.payloadChanged.connect(self._payload_changed)
        document.cleanChanged.connect(self._clean_changed)
        stack = document.undo_stack
        self.undo_action.triggered.connect(stack.undo)
        self.redo_action.triggered.connect(stack.redo)
        stack.canUndoChanged.connect(self.undo_action.setEnabled)
        stack.canRedoChanged.connect(self.redo_action.setEnabled)
        # Methods, not lambdas: Qt drops a method's connection when this
        # window goes, while a lambda would outlive the actions it updates.
        stack.undoTextChanged.connect(self._undo_text_changed)
        stack.redoTextChanged.connect(self._redo_text_changed)
        self.undo_action.setEnabled(stack.canUndo())
        self.redo_action.setEnabled(stack.canRedo())

        self._install_workbenches(project, document)
        targets = document.targets()
        if targets:
            self.outline.select(targets[0])
            self.select_target(targets[0])

    def _install_workbenches(
        self, project: Project, document: DesignerDocument
    ) -> None:
        """The Live API and Webhooks tabs beside the payload tree."""
        from designer.ui.live_panel import LivePanel
        from designer.ui.webhook_view import WebhookWorkbench

        for old in (self.live_panel, self.webhook_view):
            if old is not None:
                old.deleteLater()
        self.live_panel = LivePanel(project, self.settings, parent=self)
        self.webhook_view = WebhookWorkbench(project, parent=self)
        for index, widget, title in (
            (1, self.live_panel, "Live API"),
            (2, self.webhook_view, "Webhooks"),
        ):
            # In a scroll area: a wide form must not widen the whole window.
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QFrame.Shape.NoFrame)
            scroll.setWidget(widget)
            old = self.center_tabs.widget(index)
            self.center_tabs.removeTab(index)
            self.center_tabs.insertTab(index, scroll, title)
            if old is not None:
                old.deleteLater()
        self.live_panel.set_current_record_provider(
            self.payload_view.model.current_record
        )
        self.live_panel.documentFetched.connect(self._live_document)
        self.live_panel.recordsFetched.connect(self._live_records)
        self.webhook_view.handlerSelected.connect(self._select_handler)
        document.mappingChanged.connect(self._mapping_changed)

    def _mapping_changed(self, _path: object) -> None:
        if self.webhook_view is not None:
            self.webhook_view.refresh()

    def _live_document(self, body: object, label: str) -> None:
        target = self.target
        if (
            self.document is not None
            and target is not None
            and target.kind == "resource"
        ):
            self.document.set_payload(target, body)
            self.payload_view.status_label.setText(f"{target}: {label}")
            self.center_tabs.setCurrentIndex(0)
            messages.info(f"Showing {label}")

    def _live_records(self, records: list[Any]) -> None:
        """A dry run's records become the target's payload: the preview maps them."""
        if self.document is None or self.target is None:
            return
        if self.target.kind == "resource" and records:
            resource = self.document.resource(self.target)
            mapping = resource.response_mapping if resource else None
            key = mapping.data_property if mapping and mapping.data_property else None
            from designer.core import paths

            body: Any = records
            if key:
                # Keep the resource's envelope so records are found where the
                # mapping says they are.
                for segment in reversed(paths.parse_dotted(key)):
                    body = {segment: body} if isinstance(segment, str) else [body]
            self.document.set_payload(self.target, body)
            messages.info(f"Previewing {len(records)} records of the dry run")

    def _select_handler(self, event: str) -> None:
        if self.document is None:
            return
        target = MappingTarget.handler(event)
        if target in self.document.targets():
            self.outline.select(target)
            self.select_target(target)

    def _undo_text_changed(self, text: str) -> None:
        self.undo_action.setText(f"&Undo {text}".strip())

    def _redo_text_changed(self, text: str) -> None:
        self.redo_action.setText(f"&Redo {text}".strip())

    def _clean_changed(self, _clean: bool) -> None:
        self._update_title()

    def _offer_recovery(self, path: Path) -> None:
        assert self.document is not None
        found = DesignerDocument.recoverable(path, self.recovery_dir)
        if found is None:
            return
        answer = QMessageBox.question(
            self,
            "Recover unsaved work?",
            f"Sync Designer closed with unsaved changes to {path.name}.\n\n"
            "Restore them? (They stay undoable; choose No to discard them.)",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        if answer == QMessageBox.StandardButton.Yes:
            try:
                changed = self.document.restore_recovery(found)
            except DocumentError as exc:
                messages.error(f"The unsaved work could not be restored: {exc}")
                return
            messages.info(
                f"Restored {changed} changed mapping(s) from the last session"
            )
        else:
            found.unlink(missing_ok=True)

    def open_payload(self, path: Path) -> None:
        """Load a JSON file off the GUI thread as the selected target's payload."""
        self.add_recent(path)
        self._pending_payload = self.target
        self.payload_view.open_file(path)

    def paste_payload(self, text: str | None = None) -> bool:
        """Use JSON text (the clipboard's by default) as the target's payload."""
        if self.document is None or self.target is None:
            messages.warning("Open a MiniApp and select a resource or handler first.")
            return False
        if text is None:
            text = QGuiApplication.clipboard().text()
        try:
            body = json.loads(text)
        except json.JSONDecodeError as exc:
            messages.error(
                f"The clipboard is not JSON: line {exc.lineno}, column {exc.colno}: "
                f"{exc.msg}. Copy the whole response body and paste again."
            )
            return False
        self.document.set_payload(self.target, body)
        messages.info(f"Using the pasted payload for {self.target}")
        return True

    def _payload_loaded(self, body: object) -> None:
        pending = getattr(self, "_pending_payload", None)
        self._pending_payload = None
        if self.document is not None and pending is not None and pending == self.target:
            self.document.set_payload(pending, body)
            messages.info(f"Using the opened payload for {pending}")

    # -- targets -----------------------------------------------------------

    def select_target(self, target: MappingTarget) -> None:
        """Show a resource's or handler's payload, fields and preview."""
        if self.document is None:
            return
        self.target = target
        self.fields.set_target(target)
        self.preview.set_target(target)
        if self.live_panel is not None:
            self.live_panel.set_resource(
                target.key if target.kind == "resource" else None
            )
        self._show_payload(target)

    def _show_payload(self, target: MappingTarget) -> None:
        assert self.document is not None
        body = self.document.payload(target)
        if body is None:
            reason = self.document.records_error(target) or (
                "no sample payload: open one with File ▸ Open payload sample, or "
                "fetch one live"
            )
            self.payload_view.set_document({})
            self.payload_view.status_label.setText(f"{target}: {reason}")
            return
        self.payload_view.source = None
        self.payload_view.set_document(body)
        prefix = self.document.records_prefix(target)
        if prefix is None:
            self.payload_view.set_data_property(None)
        else:
            from designer.core import paths

            self.payload_view.set_data_property(paths.render_dotted(prefix))
        self.payload_view.status_label.setText(f"{target}: sample payload")

    def _payload_changed(self, target: object) -> None:
        if target == self.target and isinstance(target, MappingTarget):
            self._show_payload(target)

    def _selected_path(self) -> tuple[Any, Any, Any] | None:
        segments = self.payload_view.selected_path()
        if segments is None:
            return None
        model = self.payload_view.model
        index = model.index_for_path(segments)
        value = index.data(model_value_role()) if index.isValid() else None
        prefix = None
        if self.document is not None and self.target is not None:
            prefix = self.document.records_prefix(self.target)
        return segments, prefix, isinstance(value, list)

    def map_selected_path(self) -> None:
        if self.fields is not None:
            self.fields.map_selected_path()

    def _diagnostic_activated(self, diagnostic: Diagnostic) -> None:
        if self.document is None or diagnostic.path is None:
            return
        path = diagnostic.path
        target: MappingTarget | None = None
        if len(path) >= 3 and path[:2] == ("sync", "resources"):
            target = MappingTarget.resource(str(path[2]))
        elif len(path) >= 4 and path[:3] == ("sync", "webhooks", "handlers"):
            target = MappingTarget.handler(str(path[3]))
        if target is not None:
            self.outline.select(target)
            self.select_target(target)
            if diagnostic.field:
                from designer.ui.fields import FieldRef

                self.fields.select_field(FieldRef(diagnostic.field))
        if diagnostic.location is not None:
            self.statusBar().showMessage(str(diagnostic.location), STATUS_TIMEOUT_MS)

    def _cell_activated(self, row: int, field: str) -> None:
        from designer.ui.fields import FieldRef

        self.fields.select_field(FieldRef(field))
        self.payload_view.show_record(row)

    def _preview_traced(self, _generation: int) -> None:
        if self.preview is None:
            return
        self.fields.model.set_status_counts(self.preview.model.status_counts())
        self.diagnostics.set_extra(self.preview.model.preview_diagnostics())

    # -- saving ------------------------------------------------------------

    def save(self) -> bool:
        if self.document is None:
            return False
        try:
            result = self.document.save_into_file()
        except DocumentError as exc:
            messages.error(str(exc))
            return False
        note = ""
        if result.comments_dropped:
            note = f"; {result.comments_dropped} comment(s) in the block were not kept"
        messages.info(f"Wrote the sync block into {result.path.name}{note}")
        return True

    def export_as(self) -> None:
        if self.document is None or self.export_view is None:
            messages.warning("Open a MiniApp first.")
            return
        start = self.settings.value(_LAST_DIRECTORY, "", type=str)
        name, _chosen = QFileDialog.getSaveFileName(
            self, "Export sync block", start, "JavaScript (*.js);;JSON (*.json)"
        )
        if not name:
            return
        try:
            written = self.export_view.save_as(name, as_json=name.endswith(".json"))
        except Exception as exc:
            messages.error(f"{name}: not written: {exc}")
            return
        messages.info(f"Exported the sync block to {written}")

    def _confirm_discard(self) -> bool:
        """True when there is nothing unsaved, or the user chose what to do with it."""
        if self.document is None or not self.document.is_modified():
            return True
        answer = QMessageBox.question(
            self,
            "Unsaved changes",
            f"{self.current_file.name if self.current_file else 'The MiniApp'} has "
            "unsaved mapping changes. Write them into the MiniApp first?",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Cancel:
            return False
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        self.document.discard_recovery()
        self.document.undo_stack.setClean()
        return True

    # -- recent files ------------------------------------------------------

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

    def _update_title(self) -> None:
        name = self.current_file.name if self.current_file else "no MiniApp"
        modified = self.document is not None and self.document.is_modified()
        self.setWindowModified(modified)
        self.setWindowTitle(f"{name}[*] — Sync Designer")

    # -- messages ----------------------------------------------------------

    def show_message(self, level: int, text: str) -> None:
        """Show a bridge message: errors in a dialog, the rest in the status bar."""
        if level >= messages.Level.ERROR:
            self.statusBar().showMessage(text.splitlines()[0], STATUS_TIMEOUT_MS)
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

    def show_about(self) -> None:
        from designer import __version__

        QMessageBox.about(
            self,
            "About Sync Designer",
            f"<b>Sync Designer</b> {__version__}<br>"
            "Design, check and test the sync block of Karzoun MiniApps.",
        )

    # -- layout ------------------------------------------------------------

    def _restore_layout(self) -> None:
        geometry = self.settings.value(_GEOMETRY, QByteArray(), type=QByteArray)
        if not geometry.isEmpty():
            self.restoreGeometry(geometry)
        state = self.settings.value(_STATE, QByteArray(), type=QByteArray)
        if not state.isEmpty():
            self.restoreState(state)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._confirm_discard():
            event.ignore()
            return
        self.payload_view.cancel_load()
        if self.document is not None:
            self.document.close()
        self.settings.setValue(_GEOMETRY, self.saveGeometry())
        self.settings.setValue(_STATE, self.saveState())
        self.settings.sync()
        super().closeEvent(event)


def model_value_role() -> int:
    from designer.ui.payload_tree import VALUE_ROLE

    return int(VALUE_ROLE)
