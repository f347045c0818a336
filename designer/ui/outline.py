"""The outline of a MiniApp's sync block: resources and webhook handlers.

Each row shows its content type (resources) or shape (handlers) and a badge
with its open errors and warnings; selecting a row emits its
:class:`MappingTarget`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHeaderView, QTreeView, QVBoxLayout, QWidget

from designer.core.diagnostics import Severity
from designer.ui import badges
from designer.ui.document import DesignerDocument, MappingTarget
from designer.ui.twolevel import TwoLevelModel

COLUMN_NAME, COLUMN_KIND, COLUMN_BADGE = range(3)
HEADERS = ("Name", "Maps into", "Problems")
GROUPS = ("Resources", "Webhook handlers")

_DISPLAY = Qt.ItemDataRole.DisplayRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_DECORATION = Qt.ItemDataRole.DecorationRole
_FONT = Qt.ItemDataRole.FontRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_USER = Qt.ItemDataRole.UserRole

_BOLD = QFont()
_BOLD.setBold(True)


@dataclass(eq=False)
class _Item:
    title: str
    detail: str
    target: MappingTarget | None
    parent: _Item | None = None
    row: int = 0
    children: list[_Item] = field(default_factory=list)
    errors: int = 0
    warnings: int = 0


class OutlineModel(TwoLevelModel):
    """Two groups (resources, handlers) with one row per target."""

    COLUMNS = len(HEADERS)
    NODE = _Item

    def __init__(self, document: DesignerDocument, parent: QObject | None = None):
        super().__init__(parent)
        self._document = document
        self._groups: list[_Item] = []
        self.rebuild()
        document.diagnosticsChanged.connect(self._update_counts)

    def rebuild(self) -> None:
        """Re-read the targets (after the MiniApp was reloaded)."""
        self.beginResetModel()
        resources = _Item(GROUPS[0], "", None, row=0)
        handlers = _Item(GROUPS[1], "", None, row=1)
        for target in self._document.targets():
            if target.kind == "resource":
                resource = self._document.resource(target)
                detail = (
                    resource.content_type if resource else None
                ) or "no contentType"
                title = resource.title if resource else target.key
                group = resources
            else:
                handler = self._document.handler(target)
                detail = _handler_detail(handler)
                title = target.key
                group = handlers
            group.children.append(
                _Item(title, detail, target, group, len(group.children))
            )
        self._groups = [resources, handlers]
        self._count()
        self.endResetModel()

    def _count(self) -> None:
        for group in self._groups:
            group.errors = group.warnings = 0
            for item in group.children:
                assert item.target is not None
                found = self._document.diagnostics_for(item.target)
                item.errors = sum(d.severity is Severity.ERROR for d in found)
                item.warnings = sum(d.severity is Severity.WARNING for d in found)
                group.errors += item.errors
                group.warnings += item.warnings

    def _update_counts(self) -> None:
        self._count()
        for group in self._groups:
            top = self.index(group.row, COLUMN_BADGE)
            self.dataChanged.emit(top, top)
            if group.children:
                parent = self.index(group.row, 0)
                self.dataChanged.emit(
                    self.index(0, COLUMN_BADGE, parent),
                    self.index(len(group.children) - 1, COLUMN_BADGE, parent),
                )

    def target(self, index: QModelIndex) -> MappingTarget | None:
        item = self._item(index)
        return item.target if item else None

    def index_of(self, target: MappingTarget) -> QModelIndex:
        for group in self._groups:
            for item in group.children:
                if item.target == target:
                    return self.index(item.row, 0, self.index(group.row, 0))
        return QModelIndex()

    def counts(self, target: MappingTarget) -> tuple[int, int]:
        """(errors, warnings) of a target."""
        for group in self._groups:
            for item in group.children:
                if item.target == target:
                    return item.errors, item.warnings
        return 0, 0

    # -- QAbstractItemModel ------------------------------------------------------

    def top_rows(self) -> list[_Item]:
        return self._groups

    def _item(self, index: QModelIndex) -> _Item | None:
        item: _Item | None = self.node(index)
        return item

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        item = self._item(QModelIndex(index))
        if item is None:
            return Qt.ItemFlag.NoItemFlags
        if item.target is None:
            return Qt.ItemFlag.ItemIsEnabled
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

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
        item = self._item(QModelIndex(index))
        if item is None:
            return None
        column = index.column()
        if role == _DISPLAY:
            if column == COLUMN_NAME:
                if item.target is None:
                    return f"{item.title} ({len(item.children)})"
                return item.title
            if column == COLUMN_KIND:
                return item.detail
            if column == COLUMN_BADGE:
                return _badge(item.errors, item.warnings)
            return None
        if role == _DECORATION and column == COLUMN_BADGE:
            if item.errors:
                return badges.icon("error")
            if item.warnings:
                return badges.icon("warning")
            return None
        if role == _FOREGROUND and column == COLUMN_BADGE:
            status = "error" if item.errors else "warning" if item.warnings else "ok"
            return badges.foreground(status)
        if role == _FONT and item.target is None:
            return _BOLD
        if role == _TOOLTIP and item.target is not None:
            return (
                f"{item.target}: {item.detail}\n"
                f"{item.errors} error(s), {item.warnings} warning(s)"
            )
        if role == _USER:
            return item.target
        return None


def _handler_detail(handler: Any) -> str:
    if handler is None:
        return ""
    if handler.shape == "resource":
        where = f" at {handler.data_path}" if handler.data_path else ""
        return f"→ resource {handler.resource}{where}"
    operation = f" ({handler.operation})" if handler.operation else ""
    return f"{handler.record_type or 'no recordType'}{operation}"


def _badge(errors: int, warnings: int) -> str:
    parts = []
    if errors:
        parts.append(f"{errors} {badges.glyph('error')}")
    if warnings:
        parts.append(f"{warnings} {badges.glyph('warning')}")
    return "  ".join(parts)


class OutlinePanel(QWidget):
    """The outline tree; selecting a resource or handler emits it."""

    targetSelected = Signal(object)

    def __init__(self, document: DesignerDocument, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = OutlineModel(document, self)
        self.view = QTreeView(self)
        self.view.setModel(self.model)
        self.view.setUniformRowHeights(True)
        self.view.setRootIsDecorated(True)
        self.view.expandAll()
        header = self.view.header()
        header.setSectionResizeMode(
            COLUMN_NAME, QHeaderView.ResizeMode.ResizeToContents
        )
        header.setSectionResizeMode(COLUMN_KIND, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(
            COLUMN_BADGE, QHeaderView.ResizeMode.ResizeToContents
        )
        header.setStretchLastSection(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.view)
        self.view.selectionModel().currentChanged.connect(self._current_changed)
        self.model.modelReset.connect(self.view.expandAll)

    def select(self, target: MappingTarget) -> None:
        index = self.model.index_of(target)
        if index.isValid():
            self.view.setCurrentIndex(index)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        target = self.model.target(current)
        if target is not None:
            self.targetSelected.emit(target)
