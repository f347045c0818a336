"""A Qt item model over a two-level tree of plain Python nodes.

Top rows each hold a list of child rows, and children have none. Nodes are
any objects with ``parent`` (None at the top), ``row`` (their index among
their siblings) and ``children``; the model hands them to Qt as the
indexes' internal pointers, so the subclass must keep them referenced.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex


class TwoLevelModel(QAbstractItemModel):
    """Structure only: subclasses give ``top_rows``, ``COLUMNS`` and ``data``."""

    #: The number of columns.
    COLUMNS = 1
    #: The node class; an index whose pointer is anything else is no node.
    NODE: type = object

    def top_rows(self) -> list[Any]:
        raise NotImplementedError

    def node(self, index: QModelIndex | QPersistentModelIndex) -> Any | None:
        """The node of ``index``, or None for the root and foreign indexes."""
        if not index.isValid():
            return None
        node = index.internalPointer()
        return node if isinstance(node, self.NODE) else None

    def child_rows(self, parent: QModelIndex) -> list[Any] | None:
        """The rows under ``parent``; None where no rows can be."""
        if not parent.isValid():
            return self.top_rows()
        node = self.node(parent)
        if node is None or node.parent is not None or parent.column() != 0:
            return None
        children: list[Any] = node.children
        return children

    def index(
        self,
        row: int,
        column: int,
        parent: QModelIndex | QPersistentModelIndex = QModelIndex(),  # noqa: B008
    ) -> QModelIndex:
        if not 0 <= column < self.COLUMNS:
            return QModelIndex()
        rows = self.child_rows(QModelIndex(parent))
        if rows is None or not 0 <= row < len(rows):
            return QModelIndex()
        return self.createIndex(row, column, rows[row])

    def parent(self, index: QModelIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        node = self.node(index)
        if node is None or node.parent is None:
            return QModelIndex()
        return self.createIndex(node.parent.row, 0, node.parent)

    def rowCount(
        self,
        parent: QModelIndex | QPersistentModelIndex = QModelIndex(),  # noqa: B008
    ) -> int:
        rows = self.child_rows(QModelIndex(parent))
        return len(rows) if rows is not None else 0

    def columnCount(
        self,
        parent: QModelIndex | QPersistentModelIndex = QModelIndex(),  # noqa: B008
    ) -> int:
        return self.COLUMNS
