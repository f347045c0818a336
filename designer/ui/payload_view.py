"""The payload view: filter box, lazy JSON tree, record stepper and load status."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from designer.core import paths
from designer.ui import messages
from designer.ui.jsonload import JsonLoad, load_json_async
from designer.ui.payload_tree import (
    COLUMN_COVERAGE,
    COLUMN_KEY,
    COLUMN_TYPE,
    COLUMN_VALUE,
    PayloadModel,
    Segments,
    compute_coverage,
    find_jsonpath,
    find_text,
    render_dotted,
    render_jsonpath,
)
from designer.ui.workers import Job, run_job

log = logging.getLogger(__name__)

#: How long typing must pause before the filter runs.
FILTER_DELAY_MS = 200
#: At most this many matches get their ancestors expanded.
EXPAND_LIMIT = 200

_PAINT = QEvent.Type.Paint


class PayloadTreeView(QTreeView):
    """The tree of a :class:`PayloadModel`: drag a node to get its path."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setUniformRowHeights(True)  # constant-time layout for long lists
        self.setAlternatingRowColors(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)


class PayloadView(QWidget):
    """A reusable payload browser over one JSON document."""

    #: the parsed document, once loaded and shown
    document_loaded = Signal(object)
    #: a message naming file, line and column
    load_failed = Signal(str)
    #: 0-based number of the record now highlighted
    current_record_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = PayloadModel(self)
        self.source: Path | None = None
        self._load: JsonLoad | None = None
        self._jobs: set[Job] = set()
        self._coverage_generation = 0
        self._filter_generation = 0
        self._matches: list[Segments] = []
        self._match_cursor = -1

        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText(
            "Filter keys and values, or a JSONPath such as $.data[*].id"
        )
        self.filter_edit.setClearButtonEnabled(True)
        self.match_label = QLabel(self)
        self.match_label.setMinimumWidth(90)

        self.tree = PayloadTreeView(self)
        self.tree.setModel(self.model)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(COLUMN_KEY, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COLUMN_VALUE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COLUMN_TYPE, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COLUMN_COVERAGE, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(COLUMN_KEY, 260)
        header.resizeSection(COLUMN_TYPE, 70)
        header.resizeSection(COLUMN_COVERAGE, 80)

        self.records_label = QLabel(self)
        self.previous_button = QToolButton(self)
        self.previous_button.setArrowType(Qt.ArrowType.LeftArrow)
        self.previous_button.setToolTip("Previous record (Alt+Left)")
        self.next_button = QToolButton(self)
        self.next_button.setArrowType(Qt.ArrowType.RightArrow)
        self.next_button.setToolTip("Next record (Alt+Right)")
        self.record_spin = QSpinBox(self)
        self.record_spin.setPrefix("Record ")
        self.record_spin.setKeyboardTracking(False)
        self.record_count_label = QLabel(self)

        self.status_label = QLabel(self)
        self.progress = QProgressBar(self)
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(True)
        self.cancel_button = QPushButton("Cancel", self)
        self._set_loading(False)

        self._layout()
        self._connect()
        self._update_records()

    def _layout(self) -> None:
        filter_row = QHBoxLayout()
        filter_row.addWidget(self.filter_edit, 1)
        filter_row.addWidget(self.match_label)

        record_row = QHBoxLayout()
        record_row.addWidget(self.records_label, 1)
        record_row.addWidget(self.previous_button)
        record_row.addWidget(self.record_spin)
        record_row.addWidget(self.record_count_label)
        record_row.addWidget(self.next_button)

        status_row = QHBoxLayout()
        status_row.addWidget(self.status_label, 1)
        status_row.addWidget(self.progress)
        status_row.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(filter_row)
        layout.addLayout(record_row)
        layout.addWidget(self.tree, 1)
        layout.addLayout(status_row)

    def _connect(self) -> None:
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(FILTER_DELAY_MS)
        self._filter_timer.timeout.connect(self._run_filter)
        self.filter_edit.textChanged.connect(self._filter_timer.start)
        self.filter_edit.returnPressed.connect(lambda: self.step_match(1))

        self.previous_button.clicked.connect(lambda: self.step_record(-1))
        self.next_button.clicked.connect(lambda: self.step_record(1))
        self.record_spin.valueChanged.connect(lambda n: self.show_record(n - 1))
        self.cancel_button.clicked.connect(self.cancel_load)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        self.tree.selectionModel().currentChanged.connect(self._current_changed)

        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for keys, slot in (
            ("Alt+Left", lambda: self.step_record(-1)),
            ("Alt+Right", lambda: self.step_record(1)),
            ("Ctrl+F", self.filter_edit.setFocus),
            ("Shift+Return", lambda: self.step_match(-1)),
            ("F3", lambda: self.step_match(1)),
            ("Ctrl+C", self.copy_value),
            ("Ctrl+Shift+C", lambda: self.copy_path("jsonpath")),
            ("Ctrl+Alt+C", lambda: self.copy_path("dotted")),
        ):
            shortcut = QShortcut(QKeySequence(keys), self, context=context)
            shortcut.activated.connect(slot)

    # -- loading -----------------------------------------------------------

    def open_file(self, path: Path) -> JsonLoad:
        """Load ``path`` in a worker thread; the tree shows it when parsed."""
        self.cancel_load()
        self.source = path
        size = path.stat().st_size if path.exists() else 0
        self.progress.setRange(0, max(size, 1))
        self.progress.setValue(0)
        self.status_label.setText(f"Reading {path.name}…")
        self._set_loading(True)
        load = load_json_async(path, parent=self)
        load.progress.connect(self._load_progress)
        load.finished.connect(lambda value: self._load_finished(load, value))
        load.failed.connect(lambda text: self._load_failed(load, text))
        load.cancelled.connect(lambda: self._load_cancelled(load))
        self._load = load
        return load

    def cancel_load(self) -> None:
        if self._load is not None:
            self._load.cancel()

    def is_loading(self) -> bool:
        return self._load is not None

    def _set_loading(self, loading: bool) -> None:
        self.progress.setVisible(loading)
        self.cancel_button.setVisible(loading)

    def _load_progress(self, done: int, total: int) -> None:
        self.progress.setValue(min(done, self.progress.maximum()))
        if done >= total:
            self.status_label.setText(f"Parsing {_size(total)}…")

    def _load_finished(self, load: JsonLoad, value: Any) -> None:
        if load is not self._load:
            return
        self._load = None
        self._set_loading(False)
        self.set_document(value)

    def _load_failed(self, load: JsonLoad, text: str) -> None:
        if load is not self._load:
            return
        self._load = None
        self._set_loading(False)
        self.status_label.setText("Could not load the file.")
        self.load_failed.emit(text)
        messages.error(text)

    def _load_cancelled(self, load: JsonLoad) -> None:
        if load is self._load:
            self._load = None
            self._set_loading(False)
            self.status_label.setText("Loading cancelled.")

    # -- the document ------------------------------------------------------

    def set_document(self, document: Any) -> None:
        """Show ``document`` (already parsed)."""
        self._filter_generation += 1
        self._matches = []
        self.model.set_document(document)
        self.tree.expand(self.model.index(0, 0))
        self._records_changed()
        size = f" — {_size(self.source.stat().st_size)}" if self.source else ""
        name = self.source.name if self.source else "payload"
        self.status_label.setText(f"{name}{size}")
        if self.filter_edit.text():
            self._run_filter()
        self.document_loaded.emit(document)

    def set_data_property(self, dotted: str | None) -> None:
        """Where the records are: a dotted key path such as ``data``.

        ``""`` means the root array; None means the response is one record.
        """
        segments: Segments | None = None
        if dotted is not None:
            try:
                segments = tuple(paths.parse_dotted(dotted)) if dotted else ()
            except paths.PathError:
                segments = None
        self.model.set_records_path(segments)
        self.tree.expand(self.model.index(0, 0))
        self._records_changed()

    def _records_changed(self) -> None:
        self._update_records()
        if self.model.record_count():
            self.show_record(0)
        self._start_coverage()

    def _update_records(self) -> None:
        count = self.model.record_count()
        path = self.model.records_path()
        has_records = count > 0
        for widget in (self.previous_button, self.next_button, self.record_spin):
            widget.setEnabled(has_records)
        self.record_spin.blockSignals(True)
        self.record_spin.setRange(1 if has_records else 0, count)
        current = self.model.current_record()
        self.record_spin.setValue(current + 1 if current is not None else 0)
        self.record_spin.blockSignals(False)
        self.record_count_label.setText(f"of {count}" if has_records else "")
        if path is None:
            self.records_label.setText(
                "One record" if self.model.document() is not None else ""
            )
        else:
            where = render_jsonpath(path)
            noun = "record" if count == 1 else "records"
            self.records_label.setText(f"{count} {noun} at {where}")

    # -- records -----------------------------------------------------------

    def show_record(self, number: int) -> None:
        """Highlight record ``number`` (0-based), expand it and scroll to it."""
        if not 0 <= number < self.model.record_count():
            return
        changed = number != self.model.current_record()
        index = self.model.set_current_record(number)
        self.tree.expand(index.parent())
        self.tree.expand(index)
        self.tree.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtTop)
        self._update_records()
        if changed:
            self.current_record_changed.emit(number)

    def step_record(self, delta: int) -> None:
        current = self.model.current_record()
        if current is None:
            return
        count = self.model.record_count()
        self.show_record(max(0, min(count - 1, current + delta)))

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        inside = self.model.record_of(self.model.node_path(current))
        if inside is not None and inside[0] != self.model.current_record():
            self.model.set_current_record(inside[0])
            self._update_records()
            self.current_record_changed.emit(inside[0])

    # -- coverage ----------------------------------------------------------

    def _start_coverage(self) -> None:
        self._coverage_generation += 1
        if not self.model.record_count():
            return
        generation = self._coverage_generation
        viewport = self.tree.viewport()
        if viewport.isVisible():
            # The worker would hold the GIL against the GUI thread's first
            # paint of the new tree (about 2x slower at 50 MB): start after it.
            _AfterPaint(viewport, lambda: self._compute_coverage(generation))
        else:
            self._compute_coverage(generation)

    def _compute_coverage(self, generation: int) -> None:
        if generation != self._coverage_generation:
            return
        records = self.model.records()
        self._run(
            lambda: compute_coverage(records),
            lambda result: self._coverage_done(generation, result),
        )

    def _coverage_done(self, generation: int, coverage: Any) -> None:
        if generation == self._coverage_generation:
            self.model.set_coverage(coverage)

    # -- filter ------------------------------------------------------------

    def set_filter(self, text: str) -> None:
        """Search now for ``text`` (a substring, or a JSONPath if it starts with $)."""
        self.filter_edit.blockSignals(True)
        self.filter_edit.setText(text)
        self.filter_edit.blockSignals(False)
        self._filter_timer.stop()
        self._run_filter()

    def matches(self) -> list[Segments]:
        return list(self._matches)

    def _run_filter(self) -> None:
        self._filter_generation += 1
        generation = self._filter_generation
        text = self.filter_edit.text().strip()
        document = self.model.document()
        if not text or document is None:
            self._filter_done(generation, [])
            return
        if text.startswith("$"):
            search = lambda: find_jsonpath(document, text)  # noqa: E731
        else:
            search = lambda: find_text(document, text)  # noqa: E731
        self.match_label.setText("Searching…")
        self._run(
            search,
            lambda found: self._filter_done(generation, found),
            lambda error: self._filter_failed(generation, error),
        )

    def _filter_done(self, generation: int, found: list[Segments]) -> None:
        if generation != self._filter_generation:
            return
        self._matches = found
        self._match_cursor = -1
        self.model.set_highlights(found)
        self.match_label.setStyleSheet("")
        if not self.filter_edit.text().strip():
            self.match_label.setText("")
            return
        self.match_label.setText(f"{len(found)} match{'' if len(found) == 1 else 'es'}")
        for segments in found[:EXPAND_LIMIT]:
            self._expand_to(segments)
        if found:
            self.step_match(1)

    def _filter_failed(self, generation: int, error: str) -> None:
        if generation != self._filter_generation:
            return
        self._matches = []
        self.model.set_highlights([])
        self.match_label.setStyleSheet("color: #c62828")
        self.match_label.setText("Bad JSONPath")
        self.match_label.setToolTip(error)

    def step_match(self, delta: int) -> None:
        """Select the next (or previous) match and scroll to it."""
        if not self._matches:
            return
        self._match_cursor = (self._match_cursor + delta) % len(self._matches)
        self.select_path(self._matches[self._match_cursor])

    def _expand_to(self, segments: Segments) -> None:
        for depth in range(len(segments)):
            index = self.model.index_for_path(segments[:depth])
            if index.isValid() and not self.tree.isExpanded(index):
                self.tree.expand(index)

    def select_path(self, segments: Segments) -> None:
        """Expand to, select and show the node at ``segments``."""
        index = self.model.index_for_path(segments)
        if not index.isValid():
            return
        self._expand_to(segments)
        self.tree.setCurrentIndex(index)
        self.tree.scrollTo(index)

    # -- copy --------------------------------------------------------------

    def selected_path(self) -> Segments | None:
        index = self.tree.currentIndex()
        return self.model.node_path(index) if index.isValid() else None

    def path_text(self, segments: Segments, kind: str) -> str:
        """``segments`` as JSONPath from the root, or dotted relative to its record."""
        if kind == "jsonpath":
            return render_jsonpath(segments)
        inside = self.model.record_of(segments)
        return render_dotted(inside[1] if inside else segments)

    def copy_path(self, kind: str) -> None:
        """Copy the selected node's path: ``kind`` is "jsonpath" or "dotted"."""
        segments = self.selected_path()
        if segments is None:
            return
        text = self.path_text(segments, kind)
        QGuiApplication.clipboard().setText(text)
        messages.info(f"Copied {text}")

    def copy_value(self) -> None:
        """Copy the selected node's value as JSON (integers exact)."""
        index = self.tree.currentIndex()
        if not index.isValid():
            return
        value = index.internalPointer().value
        text = (
            value
            if isinstance(value, str)
            else json.dumps(value, ensure_ascii=False, indent=2)
        )
        QGuiApplication.clipboard().setText(text)
        messages.info("Copied the value")

    def _context_menu(self, position: QPoint) -> None:
        index = self.tree.indexAt(position)
        if not index.isValid():
            return
        self.tree.setCurrentIndex(index)
        segments = self.model.node_path(index)
        menu = QMenu(self)
        for label, slot in (
            (
                f"Copy JSONPath  {self.path_text(segments, 'jsonpath')}",
                lambda: self.copy_path("jsonpath"),
            ),
            (
                f"Copy dotted path  {self.path_text(segments, 'dotted')}",
                lambda: self.copy_path("dotted"),
            ),
            ("Copy value", self.copy_value),
        ):
            action = QAction(label, menu)
            action.triggered.connect(slot)
            menu.addAction(action)
        menu.exec(self.tree.viewport().mapToGlobal(position))

    # -- helpers -----------------------------------------------------------

    def _run(self, function: Any, done: Any, failed: Any = None) -> None:
        job = run_job(function, parent=self)
        self._jobs.add(job)
        job.done.connect(done)
        job.failed.connect(failed if failed is not None else messages.error)
        job.done.connect(lambda _result: self._jobs.discard(job))
        job.failed.connect(lambda _error: self._jobs.discard(job))


class _AfterPaint(QObject):
    """Call ``callback`` once, as soon as ``widget`` has painted (owned by it)."""

    def __init__(self, widget: QWidget, callback: Callable[[], None]) -> None:
        super().__init__(widget)
        self._callback: Callable[[], None] | None = callback
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == _PAINT and self._callback is not None:
            callback, self._callback = self._callback, None
            watched.removeEventFilter(self)
            # After this paint returns, not inside it.
            QTimer.singleShot(0, callback)
            self.deleteLater()
        return False


def _size(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024  # type: ignore[assignment]
    return str(size)
