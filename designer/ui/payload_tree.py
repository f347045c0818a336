"""The payload tree: a lazy Qt model over parsed JSON, and the search over it.

Nodes are created only when a view asks for them (``index()``), so opening a
50 MB response builds no Python object per JSON value up front; the row count
of a node is the length of its dict or list, known without creating children.
Search, JSONPath and coverage work on the Python data, never by walking Qt
indexes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from jsonpath_ng import Fields, Index, Root
from jsonpath_ng.ext import parse as parse_jsonpath
from PySide6.QtCore import QAbstractItemModel, QMimeData, QModelIndex, QObject, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from designer.core import paths
from designer.core.values import is_unsafe_integer

Segment = str | int
Segments = tuple[Segment, ...]
#: A record-relative key pattern: list indexes replaced by ``None``.
Pattern = tuple[str | None, ...]

MIME_PATH = "application/x-sync-designer-path"

COLUMN_KEY, COLUMN_VALUE, COLUMN_TYPE, COLUMN_COVERAGE = range(4)
_HEADERS = ("Key", "Value", "Type", "Coverage")

# Enum lookups are slow in PySide6 6.9-6.12 and data() is hot: bind them once.
_DISPLAY = Qt.ItemDataRole.DisplayRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_BACKGROUND = Qt.ItemDataRole.BackgroundRole
_FONT = Qt.ItemDataRole.FontRole
_HORIZONTAL = Qt.Orientation.Horizontal
#: The Python value of a node, unconverted (ints stay exact).
VALUE_ROLE = Qt.ItemDataRole.UserRole + 1
#: The segments from the document root to a node.
SEGMENTS_ROLE = Qt.ItemDataRole.UserRole + 2
_NO_FLAGS = Qt.ItemFlag.NoItemFlags
_FLAGS = (
    Qt.ItemFlag.ItemIsEnabled
    | Qt.ItemFlag.ItemIsSelectable
    | Qt.ItemFlag.ItemIsDragEnabled
)

_STRING_BRUSH = QBrush(QColor("#2e7d32"))
_NUMBER_BRUSH = QBrush(QColor("#1565c0"))
_LITERAL_BRUSH = QBrush(QColor("#8e24aa"))
_SUMMARY_BRUSH = QBrush(QColor("#757575"))
_UNSAFE_BRUSH = QBrush(QColor("#d84315"))
_MATCH_BRUSH = QBrush(QColor("#fff176"))
_RECORD_BRUSH = QBrush(QColor("#dbeafe"))
_BOLD = QFont()
_BOLD.setBold(True)

PREVIEW_LENGTH = 120
TOOLTIP_LENGTH = 2000


def _js_number(value: int) -> str:
    """How a JavaScript runtime prints ``value`` after reading it as a number."""
    return str(int(Decimal(repr(float(value)))))


def type_name(value: Any) -> str:
    """The JSON name of a value's type."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    return type(value).__name__


def preview(value: Any, limit: int = PREVIEW_LENGTH) -> str:
    """A one-line text for a value; ints exactly as parsed, never through float."""
    if isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
        return text if len(text) <= limit else text[: limit - 2] + '…"'
    if isinstance(value, dict):
        return f"{{{len(value)} key{'' if len(value) == 1 else 's'}}}"
    if isinstance(value, list):
        return f"[{len(value)} item{'' if len(value) == 1 else 's'}]"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value) if isinstance(value, int) else repr(value)


def render_jsonpath(segments: Sequence[Segment]) -> str:
    """The JSONPath from the document root to ``segments``."""
    return paths.render_jsonpath(segments)


def render_dotted(segments: Sequence[Segment]) -> str:
    """The dotted path of ``segments`` (quoted where a key is not a plain name)."""
    return paths.render_dotted(segments)


def resolve(value: Any, segments: Iterable[Segment]) -> Any:
    """The value at ``segments``; KeyError/IndexError/TypeError if absent."""
    for segment in segments:
        value = value[segment]
    return value


def guess_records_path(document: Any) -> Segments | None:
    """Where the records of a list response probably are, or None for one record.

    A root array is the records; otherwise the first key (``data`` preferred)
    whose value is an array of objects.
    """
    if isinstance(document, list):
        return ()
    if not isinstance(document, dict):
        return None
    keys = sorted(document, key=lambda key: key != "data")
    for key in keys:
        value = document[key]
        if isinstance(value, list) and value and isinstance(value[0], dict):
            return (key,)
    return None


def compute_coverage(records: Sequence[Any]) -> dict[Pattern, tuple[int, int]]:
    """For each key pattern: in how many records it is present, and non-null.

    Indexes inside a record become ``None`` (any element): ``items[*].sku``
    counts a record once if any of its items has a ``sku``.
    """
    present: dict[Pattern, int] = {}
    valued: dict[Pattern, int] = {}
    for record in records:
        seen: set[Pattern] = set()
        seen_valued: set[Pattern] = set()
        stack: list[tuple[Any, Pattern]] = [(record, ())]
        while stack:
            value, pattern = stack.pop()
            if isinstance(value, dict):
                for key, child in value.items():
                    child_pattern = (*pattern, key)
                    seen.add(child_pattern)
                    if child is not None:
                        seen_valued.add(child_pattern)
                    if isinstance(child, dict | list):
                        stack.append((child, child_pattern))
            elif isinstance(value, list):
                child_pattern = (*pattern, None)
                for child in value:
                    seen.add(child_pattern)
                    if child is not None:
                        seen_valued.add(child_pattern)
                    if isinstance(child, dict | list):
                        stack.append((child, child_pattern))
        for pattern in seen:
            present[pattern] = present.get(pattern, 0) + 1
        for pattern in seen_valued:
            valued[pattern] = valued.get(pattern, 0) + 1
    return {pattern: (n, valued.get(pattern, 0)) for pattern, n in present.items()}


def _scalar_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return preview(value)


def find_text(document: Any, text: str, *, limit: int = 10_000) -> list[Segments]:
    """Paths of nodes whose key or scalar value contains ``text`` (any case).

    In document order, at most ``limit`` of them.
    """
    needle = text.casefold()
    matches: list[Segments] = []
    stack = list(_children(document, ()))
    stack.reverse()
    while stack and len(matches) < limit:
        segments, value = stack.pop()
        key = segments[-1]
        if isinstance(key, str) and needle in key.casefold():
            matches.append(segments)
        elif isinstance(value, dict | list):
            pass
        elif needle in _scalar_text(value).casefold():
            matches.append(segments)
        if isinstance(value, dict | list):
            stack.extend(reversed(list(_children(value, segments))))
    return matches


def _children(value: Any, segments: Segments) -> Iterator[tuple[Segments, Any]]:
    if isinstance(value, dict):
        for key, child in value.items():
            yield (*segments, key), child
    elif isinstance(value, list):
        for position, child in enumerate(value):
            yield (*segments, position), child


def find_jsonpath(document: Any, expression: str) -> list[Segments]:
    """Paths of the nodes a JSONPath (jsonpath-ng extended syntax) matches.

    Raises ``Exception`` subclasses of jsonpath-ng on a bad expression.
    """
    found = parse_jsonpath(expression).find(document)
    return [_match_segments(match) for match in found]


def _match_segments(match: Any) -> Segments:
    segments: list[Segment] = []
    while match is not None and not isinstance(match.path, Root):
        path = match.path
        if isinstance(path, Fields) and len(path.fields) == 1:
            segments.append(path.fields[0])
        elif isinstance(path, Index) and len(path.indices) == 1:
            segments.append(path.indices[0])
        elif hasattr(path, "fields") or hasattr(path, "indices"):
            # A multi-field step resolves to one concrete step per match.
            segments.append(_concrete_step(match))
        match = match.context
    return tuple(reversed(segments))


def _concrete_step(match: Any) -> Segment:
    parent = match.context.value
    if isinstance(parent, list):
        for position, item in enumerate(parent):
            if item is match.value:
                return position
    if isinstance(parent, dict):
        for key, item in parent.items():
            if item is match.value:
                return str(key)
    raise ValueError(f"cannot place JSONPath match {match.full_path}")


class _Node:
    """One JSON value the view has asked for; children are made on demand."""

    __slots__ = ("_keys", "children", "parent", "row", "segments", "value")

    def __init__(
        self, parent: _Node | None, row: int, segments: Segments, value: Any
    ) -> None:
        self.parent = parent
        self.row = row
        self.segments = segments
        self.value = value
        self.children: list[_Node | None] | None = None
        self._keys: list[str] = []

    def child_count(self) -> int:
        value = self.value
        return len(value) if isinstance(value, dict | list) else 0

    def child(self, row: int) -> _Node:
        if self.children is None:
            self.children = [None] * self.child_count()
            if isinstance(self.value, dict):
                self._keys = list(self.value)
        node = self.children[row]
        if node is None:
            if isinstance(self.value, dict):
                key: Segment = self._keys[row]
            else:
                key = row
            node = _Node(self, row, (*self.segments, key), self.value[key])
            self.children[row] = node
        return node


def _make_top(document: Any) -> _Node:
    """The invisible holder of the one visible root row, ``$``."""
    top = _Node(None, 0, (), [document])
    top.children = [_Node(top, 0, (), document)]
    return top


class PayloadModel(QAbstractItemModel):
    """A read-only tree over one JSON document, with records and coverage."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._document: Any = None
        self._top = _make_top(None)
        self._loaded = False
        self._records_path: Segments | None = None
        self._current_record: int | None = None
        self._coverage: dict[Pattern, tuple[int, int]] = {}
        self._highlights: frozenset[Segments] = frozenset()

    # -- the document ------------------------------------------------------

    def set_document(self, document: Any) -> None:
        """Show ``document``; records are guessed until :meth:`set_records_path`."""
        self.beginResetModel()
        self._document = document
        self._loaded = True
        self._top = _make_top(document)
        self._records_path = guess_records_path(document)
        self._current_record = 0 if self.record_count() else None
        self._coverage = {}
        self._highlights = frozenset()
        self.endResetModel()

    def clear(self) -> None:
        self.beginResetModel()
        self._document = None
        self._loaded = False
        self._top = _make_top(None)
        self._records_path = None
        self._current_record = None
        self._coverage = {}
        self._highlights = frozenset()
        self.endResetModel()

    def document(self) -> Any:
        return self._document

    # -- records -----------------------------------------------------------

    def set_records_path(self, segments: Segments | None) -> None:
        """Name where the records are (``()`` for a root array, None for none)."""
        self.beginResetModel()
        found = self._records_at(segments)
        self._records_path = segments if found is not None else None
        self._current_record = 0 if self.record_count() else None
        self._coverage = {}
        self.endResetModel()

    def records_path(self) -> Segments | None:
        return self._records_path

    def _records_at(self, segments: Segments | None) -> list[Any] | None:
        if segments is None:
            return None
        try:
            value = resolve(self._document, segments)
        except (KeyError, IndexError, TypeError):
            return None
        return value if isinstance(value, list) else None

    def records(self) -> list[Any]:
        """The records of a list response; the whole document if it is one record."""
        found = self._records_at(self._records_path)
        if found is not None:
            return found
        return [self._document] if self._loaded else []

    def record_count(self) -> int:
        found = self._records_at(self._records_path)
        return len(found) if found is not None else 0

    def current_record(self) -> int | None:
        return self._current_record

    def set_current_record(self, number: int) -> QModelIndex:
        """Highlight record ``number`` (0-based) and return its index."""
        if not 0 <= number < self.record_count():
            raise IndexError(f"record {number} is out of range")
        assert self._records_path is not None
        previous = self._current_record
        self._current_record = number
        if previous is not None and previous != number:
            self._emit_row_changed((*self._records_path, previous))
        return self._emit_row_changed((*self._records_path, number))

    def record_of(self, segments: Segments) -> tuple[int, Segments] | None:
        """(record number, path inside the record) for a node inside a record."""
        prefix = self._records_path
        if prefix is None:
            return None
        depth = len(prefix)
        if len(segments) <= depth or segments[:depth] != prefix:
            return None
        number = segments[depth]
        if not isinstance(number, int):
            return None
        return number, segments[depth + 1 :]

    # -- coverage ----------------------------------------------------------

    def set_coverage(self, coverage: dict[Pattern, tuple[int, int]]) -> None:
        """Show coverage counts (from :func:`compute_coverage` over :meth:`records`)."""
        self._coverage = coverage
        for node in self._created_parents():
            count = node.child_count()
            if count:
                column = COLUMN_COVERAGE
                first = self.createIndex(0, column, node.child(0))
                last = self.createIndex(count - 1, column, node.child(count - 1))
                self.dataChanged.emit(first, last)

    def coverage_of(self, segments: Segments) -> tuple[int, int, int] | None:
        """(present, non-null, records) for the key a node is an instance of."""
        total = self.record_count()
        inside = self.record_of(segments)
        if inside is None or not inside[1] or not self._coverage:
            return None
        pattern = tuple(None if isinstance(s, int) else s for s in inside[1])
        present, valued = self._coverage.get(pattern, (0, 0))
        return present, valued, total

    def _created_parents(self) -> Iterator[_Node]:
        stack = [self._top]
        while stack:
            node = stack.pop()
            if node.children is not None:
                yield node
                stack.extend(child for child in node.children if child is not None)

    # -- highlights --------------------------------------------------------

    def set_highlights(self, matches: Iterable[Segments]) -> None:
        """Mark the nodes at ``matches`` (search results)."""
        before = self._highlights
        self._highlights = frozenset(matches)
        for segments in before ^ self._highlights:
            if self._is_created(segments):
                self._emit_row_changed(segments)

    def highlights(self) -> frozenset[Segments]:
        return self._highlights

    def _is_created(self, segments: Segments) -> bool:
        node = self._top.children[0] if self._top.children else None
        for segment in segments:
            if node is None or node.children is None:
                return False
            row = self._row_of(node, segment)
            if row is None:
                return False
            node = node.children[row]
        return node is not None

    # -- paths -------------------------------------------------------------

    def node_path(self, index: QModelIndex) -> Segments:
        """The segments from the document root to the node at ``index``."""
        node = index.internalPointer()
        assert isinstance(node, _Node)
        return node.segments

    def index_for_path(self, segments: Segments, column: int = 0) -> QModelIndex:
        """The index of the node at ``segments`` (creating nodes on the way)."""
        if not self._loaded:
            return QModelIndex()
        node = self._top.child(0)
        for segment in segments:
            row = self._row_of(node, segment)
            if row is None:
                return QModelIndex()
            node = node.child(row)
        return self.createIndex(node.row, column, node)

    @staticmethod
    def _row_of(node: _Node, segment: Segment) -> int | None:
        value = node.value
        if isinstance(value, list) and isinstance(segment, int):
            return segment if 0 <= segment < len(value) else None
        if isinstance(value, dict) and segment in value:
            if node.children is None:
                node.child(0)  # builds the key list
            return node._keys.index(segment)
        return None

    def _emit_row_changed(self, segments: Segments) -> QModelIndex:
        first = self.index_for_path(segments, 0)
        if first.isValid():
            last = first.siblingAtColumn(COLUMN_COVERAGE)
            self.dataChanged.emit(first, last)
        return first

    # -- drag --------------------------------------------------------------

    def mimeTypes(self) -> list[str]:
        return [MIME_PATH, "text/plain"]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData | None:
        """The path of the first dragged node, with its record (see module doc)."""
        valid = [index for index in indexes if index.isValid()]
        if not valid:
            return None
        segments = self.node_path(valid[0])
        inside = self.record_of(segments)
        payload = {
            "segments": list(segments),
            "record_index": inside[0] if inside else None,
            "record_prefix": list(self._records_path) if inside else [],
        }
        mime = QMimeData()
        mime.setData(MIME_PATH, json.dumps(payload, ensure_ascii=False).encode())
        mime.setText(render_jsonpath(segments))
        return mime

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction

    # -- QAbstractItemModel ------------------------------------------------

    def index(
        self,
        row: int,
        column: int,
        parent: QModelIndex = QModelIndex(),  # noqa: B008
    ) -> QModelIndex:
        if not self._loaded or column < 0 or column >= len(_HEADERS) or row < 0:
            return QModelIndex()
        if parent.isValid():
            if parent.column() != 0:
                return QModelIndex()
            node = parent.internalPointer()
        else:
            node = self._top
        if row >= node.child_count():
            return QModelIndex()
        return self.createIndex(row, column, node.child(row))

    def parent(self, index: QModelIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        node = index.internalPointer().parent
        if node is None or node is self._top:
            return QModelIndex()
        return self.createIndex(node.row, 0, node)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        if not self._loaded:
            return 0
        if not parent.isValid():
            return 1
        if parent.column() != 0:
            return 0
        return parent.internalPointer().child_count()

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return len(_HEADERS)

    def hasChildren(self, parent: QModelIndex = QModelIndex()) -> bool:  # noqa: B008
        # Called once per row when a view lays out an expanded list: kept flat.
        if not self._loaded:
            return False
        if not parent.isValid():
            return True
        if parent.column() != 0:
            return False
        value = parent.internalPointer().value
        return isinstance(value, dict | list) and len(value) > 0

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return _NO_FLAGS
        return _FLAGS

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY
    ) -> Any:
        horizontal = orientation == _HORIZONTAL
        if horizontal and role == _DISPLAY and 0 <= section < len(_HEADERS):
            return _HEADERS[section]
        return None

    def data(self, index: QModelIndex, role: int = _DISPLAY) -> Any:
        if not index.isValid():
            return None
        node: _Node = index.internalPointer()
        column = index.column()
        if role == _DISPLAY:
            return self._display(node, column)
        if role == _FOREGROUND and column == COLUMN_VALUE:
            return self._foreground(node.value)
        if role == _BACKGROUND:
            if node.segments in self._highlights:
                return _MATCH_BRUSH
            if self._is_current_record(node):
                return _RECORD_BRUSH
            return None
        if role == _TOOLTIP:
            return self._tooltip(node, column)
        if role == _FONT and column == COLUMN_KEY and self._is_current_record(node):
            return _BOLD
        if role == VALUE_ROLE:
            return node.value
        if role == SEGMENTS_ROLE:
            return node.segments
        return None

    def _display(self, node: _Node, column: int) -> str | None:
        if column == COLUMN_KEY:
            if not node.segments:
                return "$"
            key = node.segments[-1]
            return f"[{key}]" if isinstance(key, int) else key
        if column == COLUMN_VALUE:
            return preview(node.value)
        if column == COLUMN_TYPE:
            return type_name(node.value)
        if column == COLUMN_COVERAGE:
            coverage = self.coverage_of(node.segments)
            if coverage is None:
                return None
            _present, valued, total = coverage
            return f"{valued}/{total}"
        return None

    @staticmethod
    def _foreground(value: Any) -> QBrush:
        if isinstance(value, str):
            return _STRING_BRUSH
        if isinstance(value, bool) or value is None:
            return _LITERAL_BRUSH
        if isinstance(value, int | float):
            return _UNSAFE_BRUSH if is_unsafe_integer(value) else _NUMBER_BRUSH
        return _SUMMARY_BRUSH

    def _tooltip(self, node: _Node, column: int) -> str | None:
        value = node.value
        if column == COLUMN_COVERAGE:
            coverage = self.coverage_of(node.segments)
            if coverage is None:
                return None
            present, valued, total = coverage
            name = render_dotted(self.record_of(node.segments)[1])  # type: ignore[index]
            return (
                f"{name}: has a value in {valued} of {total} records "
                f"(present in {present}, null in {present - valued})"
            )
        if is_unsafe_integer(value):
            return (
                f"{value} is beyond 2^53: a JavaScript runtime reading it as a "
                f"number would get {_js_number(value)}. Map it with toString."
            )
        if column == COLUMN_VALUE and isinstance(value, str) and len(value) > 40:
            return value[:TOOLTIP_LENGTH]
        if column == COLUMN_KEY:
            return render_jsonpath(node.segments)
        return None

    def _is_current_record(self, node: _Node) -> bool:
        prefix = self._records_path
        return (
            self._current_record is not None
            and prefix is not None
            and len(node.segments) == len(prefix) + 1
            and node.segments[-1] == self._current_record
            and node.segments[:-1] == prefix
        )
