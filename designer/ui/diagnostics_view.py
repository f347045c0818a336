"""The list of what is wrong with the MiniApp, live while the user edits.

Shows the document's diagnostics (recomputed by the document shortly after
each edit) plus extra ones from the preview (fields that fail on records).
Activating a row emits the :class:`Diagnostic`, whose ``path`` names the
target and field, and whose ``location`` names the place in the file.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from designer.core.diagnostics import Diagnostic, Severity
from designer.ui import badges
from designer.ui.document import DesignerDocument

COLUMN_SEVERITY, COLUMN_CODE, COLUMN_MESSAGE, COLUMN_LOCATION = range(4)
HEADERS = ("", "Code", "Message", "Location")

_DISPLAY = Qt.ItemDataRole.DisplayRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_DECORATION = Qt.ItemDataRole.DecorationRole
_USER = Qt.ItemDataRole.UserRole
_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


class DiagnosticsModel(QAbstractTableModel):
    """One row per diagnostic, errors first."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Diagnostic] = []

    def set_diagnostics(self, diagnostics: list[Diagnostic]) -> None:
        rows = sorted(diagnostics, key=lambda d: _ORDER.get(d.severity, 3))
        if rows == self._rows:
            return
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def diagnostic(self, row: int) -> Diagnostic | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def counts(self) -> dict[str, int]:
        out = {"error": 0, "warning": 0, "info": 0}
        for d in self._rows:
            out[str(d.severity)] += 1
        return out

    def rowCount(
        self,
        parent: QModelIndex | QPersistentModelIndex = QModelIndex(),  # noqa: B008
    ) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(
        self,
        parent: QModelIndex | QPersistentModelIndex = QModelIndex(),  # noqa: B008
    ) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == _DISPLAY and 0 <= section < len(HEADERS):
            return HEADERS[section]
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = _DISPLAY
    ) -> Any:
        diag = self.diagnostic(index.row()) if index.isValid() else None
        if diag is None or not 0 <= index.column() < len(HEADERS):
            return None
        column = index.column()
        if role == _DISPLAY:
            if column == COLUMN_SEVERITY:
                return str(diag.severity)
            if column == COLUMN_CODE:
                return diag.code
            if column == COLUMN_MESSAGE:
                return diag.message
            return str(diag.location) if diag.location else ""
        if role == _DECORATION and column == COLUMN_SEVERITY:
            return badges.icon(str(diag.severity))
        if role == _TOOLTIP:
            text = diag.message
            if diag.fix:
                text += f"\nFix: {diag.fix}"
            return text
        if role == _USER:
            return diag
        return None


class DiagnosticsPanel(QWidget):
    """The diagnostics table with a count line; activating a row emits it."""

    #: The :class:`Diagnostic` the user clicked or activated.
    activated = Signal(object)

    def __init__(self, document: DesignerDocument, parent: QWidget | None = None):
        super().__init__(parent)
        self._document = document
        self._extra: list[Diagnostic] = []
        self.model = DiagnosticsModel(self)
        self.summary = QLabel()
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(
            COLUMN_SEVERITY, QHeaderView.ResizeMode.ResizeToContents
        )
        header.setSectionResizeMode(
            COLUMN_CODE, QHeaderView.ResizeMode.ResizeToContents
        )
        header.setSectionResizeMode(COLUMN_MESSAGE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(
            COLUMN_LOCATION, QHeaderView.ResizeMode.ResizeToContents
        )

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)

        self.view.clicked.connect(self._activated)
        self.view.activated.connect(self._activated)
        document.diagnosticsChanged.connect(self.refresh)
        self.refresh()

    def set_extra(self, diagnostics: list[Diagnostic]) -> None:
        """Diagnostics from elsewhere (the preview), shown with the document's."""
        self._extra = list(diagnostics)
        self.refresh()

    def refresh(self) -> None:
        self.model.set_diagnostics(self._document.diagnostics() + self._extra)
        counts = self.model.counts()
        if not any(counts.values()):
            self.summary.setText("No problems found.")
            return
        parts = [f"{n} {k}{'s' if n != 1 else ''}" for k, n in counts.items() if n]
        self.summary.setText(", ".join(parts) + " — click one to go to it.")

    def _activated(self, index: QModelIndex) -> None:
        diag = self.model.diagnostic(index.row())
        if diag is not None:
            self.activated.emit(diag)
