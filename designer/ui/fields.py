"""The fields of a target's content type, their rules, and the drop target for paths.

:class:`FieldListModel` lists the fields of the content type (required ones
first, bold, with ``*``), then fields mapped in the MiniApp but unknown to the
catalogue. A field that maps items has its item fields as children. Dropping
a path from the payload tree on a field row maps it, through the document.

Default drop behaviour (see :mod:`designer.ui.rules`): on an unmapped field
the path becomes its rule; on a field with a path rule it is added as a
``coalesce`` fallback. :class:`FieldsPanel` asks "replace or add as fallback?"
with a small menu when a drop lands on a mapped field; the model itself uses
its :attr:`FieldListModel.drop_mode` so tests can drive it directly.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import (
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QDropEvent, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from designer.core.catalogue import FieldSpec
from designer.core.compute import REGISTRY
from designer.ui import badges, messages
from designer.ui import rules as rulebook
from designer.ui.document import DesignerDocument, DocumentError, MappingTarget
from designer.ui.twolevel import TwoLevelModel

log = logging.getLogger(__name__)

#: The drag format of the payload tree (designer.ui.payload_tree.MIME_PATH).
MIME_PATH = "application/x-sync-designer-path"

COLUMN_FIELD, COLUMN_TYPE, COLUMN_RULE, COLUMN_STATUS = range(4)
HEADERS = ("Field", "Type", "Rule", "Preview")

# Bound once: enum lookups inside data() are slow in PySide6 (see TRAPS.md).
_DISPLAY = Qt.ItemDataRole.DisplayRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_FONT = Qt.ItemDataRole.FontRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_DECORATION = Qt.ItemDataRole.DecorationRole
_USER = Qt.ItemDataRole.UserRole

_BOLD = QFont()
_BOLD.setBold(True)
_ITALIC = QFont()
_ITALIC.setItalic(True)
_HINT = QBrush(QColor("#8a8a8a"))
_UNMAPPED_HINT = "drop a path here"


@dataclass(eq=False)
class _Node:
    name: str
    spec: FieldSpec | None
    parent: _Node | None = None
    children: list[_Node] = field(default_factory=list)
    row: int = 0

    @property
    def is_item(self) -> bool:
        return self.parent is not None

    def shape(self) -> tuple[str, tuple[str, ...]]:
        return self.name, tuple(c.name for c in self.children)


@dataclass(frozen=True, slots=True)
class FieldRef:
    """A field row: ``field`` of the target, or ``item_field`` inside its items."""

    field: str
    item_field: str | None = None

    def __str__(self) -> str:
        return f"{self.field}.{self.item_field}" if self.item_field else self.field


class FieldListModel(TwoLevelModel):
    """Tree of a target's fields with their rules and preview status; a drop target."""

    COLUMNS = len(HEADERS)
    NODE = _Node

    #: A drop was refused; the text says why and what to do.
    dropRejected = Signal(str)
    #: A drop did something the user should know (a transform dropped, ...).
    dropNote = Signal(str)

    def __init__(self, document: DesignerDocument, parent: QObject | None = None):
        super().__init__(parent)
        self._document = document
        self._target: MappingTarget | None = None
        self._roots: list[_Node] = []
        self._counts: dict[str, Counter[str]] = {}
        #: How a drop on a mapped field combines (the panel sets it per drop).
        self.drop_mode: rulebook.DropMode = rulebook.DropMode.AUTO
        document.mappingChanged.connect(self._mapping_changed)

    # -- content -----------------------------------------------------------

    @property
    def target(self) -> MappingTarget | None:
        return self._target

    def set_target(self, target: MappingTarget | None) -> None:
        self.beginResetModel()
        self._target = target
        self._counts = {}
        self._roots = self._build()
        self.endResetModel()

    def _rules_target(self) -> MappingTarget | None:
        if self._target is None:
            return None
        return self._document.effective_target(self._target)

    def _build(self) -> list[_Node]:
        target = self._rules_target()
        if target is None:
            return []
        content_type = self._document.content_type(target)
        specs = list(content_type.fields) if content_type else []
        specs.sort(key=lambda s: not s.required)
        rules = self._document.rules(target)
        roots = [_Node(s.name, s) for s in specs]
        known = {s.name for s in specs}
        roots += [_Node(name, None) for name in rules if name not in known]
        for row, node in enumerate(roots):
            node.row = row
            rule = rules.get(node.name)
            item_specs = list(node.spec.item_fields) if node.spec else []
            inner = rulebook.item_mapping(rule) if rulebook.is_items_rule(rule) else {}
            if not item_specs and not rulebook.is_items_rule(rule):
                continue
            names = {s.name for s in item_specs}
            children = [_Node(s.name, s, node) for s in item_specs]
            children += [_Node(n, None, node) for n in inner if n not in names]
            for i, child in enumerate(children):
                child.row = i
            node.children = children
        return roots

    def _mapping_changed(self, doc_path: object) -> None:
        target = self._rules_target()
        if target is None or tuple(doc_path) != target.doc_path:  # type: ignore[arg-type]
            return
        fresh = self._build()
        if [n.shape() for n in fresh] != [n.shape() for n in self._roots]:
            self.beginResetModel()
            self._roots = fresh
            self.endResetModel()
            return
        self._roots = _adopt(self._roots, fresh)
        self._emit_all_changed()

    def _emit_all_changed(self) -> None:
        if not self._roots:
            return
        last = len(self._roots) - 1
        self.dataChanged.emit(
            self.index(0, COLUMN_RULE), self.index(last, COLUMN_STATUS)
        )
        for node in self._roots:
            if node.children:
                parent = self.index(node.row, 0)
                self.dataChanged.emit(
                    self.index(0, COLUMN_RULE, parent),
                    self.index(len(node.children) - 1, COLUMN_STATUS, parent),
                )

    def set_status_counts(self, counts: dict[str, Counter[str]]) -> None:
        """Preview status counts per field (``{"ok": 58, "missing": 2}``)."""
        self._counts = dict(counts)
        if self._roots:
            last = len(self._roots) - 1
            self.dataChanged.emit(
                self.index(0, COLUMN_STATUS), self.index(last, COLUMN_STATUS)
            )

    def field_ref(self, index: QModelIndex) -> FieldRef | None:
        node = self._node(index)
        if node is None:
            return None
        if node.parent is not None:
            return FieldRef(node.parent.name, node.name)
        return FieldRef(node.name)

    def index_of(self, ref: FieldRef, column: int = 0) -> QModelIndex:
        for node in self._roots:
            if node.name != ref.field:
                continue
            top = self.index(node.row, column if ref.item_field is None else 0)
            if ref.item_field is None:
                return top
            for child in node.children:
                if child.name == ref.item_field:
                    return self.index(child.row, column, top)
        return QModelIndex()

    def rule_of(self, ref: FieldRef) -> Any:
        target = self._rules_target()
        if target is None:
            return None
        rule = self._document.rule(target, ref.field)
        if ref.item_field is None:
            return rule
        return rulebook.item_mapping(rule).get(ref.item_field)

    # -- drop --------------------------------------------------------------

    def mimeTypes(self) -> list[str]:
        return [MIME_PATH]

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction | Qt.DropAction.MoveAction

    def canDropMimeData(
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: QModelIndex | QPersistentModelIndex,
    ) -> bool:
        return (
            data.hasFormat(MIME_PATH)
            and row == -1
            and self._node(QModelIndex(parent)) is not None
        )

    def dropMimeData(
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: QModelIndex | QPersistentModelIndex,
    ) -> bool:
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        try:
            payload = json.loads(bytes(data.data(MIME_PATH).data()).decode("utf-8"))
            segments = tuple(payload["segments"])
        except (ValueError, KeyError, TypeError) as exc:
            self.dropRejected.emit(f"The dropped data is not a payload path: {exc}")
            return False
        prefix = None
        if payload.get("record_index") is not None:
            prefix = tuple(payload.get("record_prefix") or ())
        ref = self.field_ref(QModelIndex(parent))
        assert ref is not None
        return self.map_path(ref, segments, record_prefix=prefix)

    def map_path(
        self,
        ref: FieldRef,
        segments: Sequence[str | int],
        *,
        record_prefix: Sequence[str | int] | None = None,
        is_array: bool | None = None,
        mode: rulebook.DropMode | str | None = None,
    ) -> bool:
        """Map the field at ``ref`` to a path from the payload root; as a drop does."""
        target = self._rules_target()
        if target is None:
            return False
        try:
            outcome = self._document.drop(
                target,
                ref.field,
                tuple(segments),
                record_prefix=tuple(record_prefix)
                if record_prefix is not None
                else None,
                item_field=ref.item_field,
                is_array=is_array,
                mode=mode or self.drop_mode,
            )
        except (rulebook.RuleError, DocumentError) as exc:
            self.dropRejected.emit(f"{ref}: {exc}")
            return False
        if outcome.note:
            self.dropNote.emit(f"{ref}: {outcome.note}")
        return outcome.changed

    # -- QAbstractItemModel --------------------------------------------------

    def top_rows(self) -> list[_Node]:
        return self._roots

    def _node(self, index: QModelIndex) -> _Node | None:
        node: _Node | None = self.node(index)
        return node

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsDropEnabled
        )

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
        node = self._node(QModelIndex(index))
        if node is None:
            return None
        column = index.column()
        if role == _DISPLAY:
            return self._display(node, column)
        if role == _FONT:
            if column == COLUMN_FIELD and node.spec is not None and node.spec.required:
                return _BOLD
            if column == COLUMN_RULE and self._rule(node) is None:
                return _ITALIC
            if column == COLUMN_TYPE and node.spec is None:
                return _ITALIC
            return None
        if role == _FOREGROUND:
            if column == COLUMN_RULE and self._rule(node) is None:
                return _HINT
            if column == COLUMN_TYPE and node.spec is None:
                return _HINT
            if column == COLUMN_STATUS:
                return badges.foreground(self._worst(node))
            return None
        if role == _DECORATION and column == COLUMN_STATUS:
            counts = self._node_counts(node)
            return badges.icon(self._worst(node)) if counts else None
        if role == _TOOLTIP:
            return self._tooltip(node)
        if role == _USER:
            return self.field_ref(QModelIndex(index))
        return None

    def _rule(self, node: _Node) -> Any:
        target = self._rules_target()
        if target is None:
            return None
        if node.parent is None:
            return self._document.rule(target, node.name)
        outer = self._document.rule(target, node.parent.name)
        return rulebook.item_mapping(outer).get(node.name)

    def _node_counts(self, node: _Node) -> Counter[str] | None:
        return None if node.parent is not None else self._counts.get(node.name)

    def _worst(self, node: _Node) -> str:
        counts = self._node_counts(node) or Counter()
        for status in ("error", "warning", "missing"):
            if counts.get(status):
                return status
        return "ok"

    def _display(self, node: _Node, column: int) -> str | None:
        if column == COLUMN_FIELD:
            required = node.spec is not None and node.spec.required
            return f"{node.name} *" if required else node.name
        if column == COLUMN_TYPE:
            return node.spec.type if node.spec else "not in catalogue"
        if column == COLUMN_RULE:
            rule = self._rule(node)
            return rulebook.compact(rule) if rule is not None else _UNMAPPED_HINT
        if column == COLUMN_STATUS:
            return status_summary(self._node_counts(node))
        return None

    def _tooltip(self, node: _Node) -> str:
        lines = []
        if node.spec is not None:
            required = " (required)" if node.spec.required else ""
            lines.append(f"{node.name}: {node.spec.type}{required}")
            if node.spec.description:
                lines.append(node.spec.description)
            if node.spec.source:
                lines.append(f"Definition from: {node.spec.source}")
        else:
            lines.append(
                f"{node.name} is mapped in the MiniApp but is not a field of the "
                "content type in the catalogue"
            )
        rule = self._rule(node)
        if rule is None:
            lines.append("Unmapped: drop a path from the payload tree on this row.")
        else:
            lines.append(f"Rule: {rulebook.compact(rule, limit=400)}")
        return "\n".join(lines)


def _adopt(old: list[_Node], fresh: list[_Node]) -> list[_Node]:
    """Keep the old node objects (live in indexes), taking the fresh specs."""
    for a, b in zip(old, fresh, strict=True):
        a.spec = b.spec
        for ca, cb in zip(a.children, b.children, strict=True):
            ca.spec = cb.spec
    return old


def status_summary(counts: Counter[str] | None) -> str:
    """``"60/60 ok"``, or the problems: ``"3 missing, 1 error"``."""
    if not counts:
        return ""
    total = sum(counts.values())
    problems = [
        f"{counts[s]} {s}" for s in ("error", "warning", "missing") if counts.get(s)
    ]
    if not problems:
        good = counts.get("ok", 0) + counts.get("null", 0)
        nulls = f" ({counts['null']} null)" if counts.get("null") else ""
        return f"{good}/{total} ok{nulls}"
    return ", ".join(problems)


# ------------------------------------------------------------------------------ widgets

#: Choices of the transform combo: (label, transform name or None, "literal").
_TRANSFORM_CHOICES: tuple[tuple[str, str | None], ...] = (
    ("path (no transform)", None),
    ("toString", "toString"),
    ("toNumberOrNull", "toNumberOrNull"),
    ("coalesce", "coalesce"),
    ("compute", "compute"),
    ("mapItems", "mapItems"),
    ("joinCodes", "joinCodes"),
    ("literal value", "literal"),
)


class FieldTreeView(QTreeView):
    """The field tree; on a drop on a mapped field asks: replace, or add a fallback?"""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.setDropIndicatorShown(True)
        self.setAlternatingRowColors(True)
        self.setUniformRowHeights(True)
        self.setAllColumnsShowFocus(True)
        self.ask_on_mapped_drop = True

    def dropEvent(self, event: QDropEvent) -> None:
        model = self.model()
        if not isinstance(model, FieldListModel):
            super().dropEvent(event)
            return
        index = self.indexAt(event.position().toPoint())
        ref = model.field_ref(index) if index.isValid() else None
        mode = rulebook.DropMode.AUTO
        if (
            ref is not None
            and self.ask_on_mapped_drop
            and model.rule_of(ref) is not None
        ):
            menu = QMenu(self)
            fallback = menu.addAction("Add as fallback (coalesce)")
            replace = menu.addAction("Replace the rule")
            menu.addSeparator()
            menu.addAction("Cancel")
            chosen = menu.exec(self.viewport().mapToGlobal(event.position().toPoint()))
            if chosen is fallback:
                mode = rulebook.DropMode.AUTO
            elif chosen is replace:
                mode = rulebook.DropMode.REPLACE
            else:
                event.ignore()
                return
        model.drop_mode = mode
        try:
            super().dropEvent(event)
        finally:
            model.drop_mode = rulebook.DropMode.AUTO


class FieldsPanel(QWidget):
    """The field tree of the selected target and an editor for the selected field."""

    #: The selected field changed (a :class:`FieldRef`, or None).
    fieldSelected = Signal(object)

    def __init__(self, document: DesignerDocument, parent: QWidget | None = None):
        super().__init__(parent)
        self._document = document
        self.model = FieldListModel(document, self)
        self._path_provider: Callable[[], tuple[Any, Any, Any] | None] | None = None
        self._updating = False

        self.title = QLabel("Select a resource or a webhook handler in the outline.")
        self.title.setWordWrap(True)
        self.view = FieldTreeView(self)
        self.view.setModel(self.model)
        header = self.view.header()
        header.setSectionResizeMode(
            COLUMN_FIELD, QHeaderView.ResizeMode.ResizeToContents
        )
        header.setSectionResizeMode(COLUMN_RULE, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        self.hint = QLabel("Drop a path from the payload tree on a field to map it.")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #666;")
        self._build_editor()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        layout.addWidget(self.title)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.hint)
        layout.addWidget(self.editor)

        self.view.selectionModel().currentChanged.connect(self._current_changed)
        self.model.modelReset.connect(self._after_reset)
        self.model.dataChanged.connect(lambda *_: self._load_editor())
        self.model.dropRejected.connect(self._show_problem)
        self.model.dropNote.connect(self._show_note)
        self._selected: FieldRef | None = None
        self._load_editor()

    def _build_editor(self) -> None:
        self.editor = QGroupBox("Rule")
        form = QFormLayout(self.editor)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.transform_combo = QComboBox()
        for label, name in _TRANSFORM_CHOICES:
            self.transform_combo.addItem(label, name)
        self.transform_combo.activated.connect(self._transform_chosen)
        self.fn_combo = QComboBox()
        for name in REGISTRY:
            self.fn_combo.addItem(name, name)
        self.fn_combo.activated.connect(self._fn_chosen)
        self.fn_doc = QLabel()
        self.fn_doc.setWordWrap(True)
        self.fn_doc.setStyleSheet("color: #555;")
        self.literal_edit = QLineEdit()
        self.literal_edit.setPlaceholderText(
            'A JSON value, e.g. "salla", 0, true or null'
        )
        self.literal_edit.editingFinished.connect(self._literal_entered)
        self.raw_edit = QPlainTextEdit()
        self.raw_edit.setPlaceholderText(
            "The rule as JavaScript, e.g. { path: 'id', transform: 'toString' }"
        )
        self.raw_edit.setMaximumHeight(110)
        self.raw_edit.setTabChangesFocus(True)
        self.apply_button = QPushButton("Apply rule text")
        self.apply_button.clicked.connect(self._apply_raw)
        self.remove_button = QPushButton("Remove rule")
        self.remove_button.clicked.connect(self._remove)
        self.map_button = QPushButton("Map selected path")
        self.map_button.setToolTip(
            "Map the path selected in the payload tree to this field (Ctrl+M)"
        )
        self.map_button.clicked.connect(self.map_selected_path)
        shortcut = QShortcut(QKeySequence("Ctrl+M"), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.map_selected_path)
        self.problem = QLabel()
        self.problem.setWordWrap(True)

        buttons = QHBoxLayout()
        buttons.addWidget(self.map_button)
        buttons.addStretch(1)
        buttons.addWidget(self.remove_button)
        buttons.addWidget(self.apply_button)
        form.addRow("Transform", self.transform_combo)
        form.addRow("Compute fn", self.fn_combo)
        form.addRow("", self.fn_doc)
        form.addRow("Value", self.literal_edit)
        form.addRow("Rule text", self.raw_edit)
        form.addRow(buttons)
        form.addRow(self.problem)
        self._form = form

    # -- wiring for the lead ---------------------------------------------------

    def set_target(self, target: MappingTarget | None) -> None:
        self.model.set_target(target)
        if target is None:
            self.title.setText("Select a resource or a webhook handler in the outline.")
            return
        rules_target = self._document.effective_target(target)
        content_type = self._document.content_type(rules_target)
        kind = content_type.id if content_type else "no known content type"
        via = f" (rules of {rules_target})" if rules_target != target else ""
        self.title.setText(f"<b>{target}</b>{via} — fields of {kind}")
        self.view.expandAll()

    def set_path_provider(
        self, provider: Callable[[], tuple[Any, Any, Any] | None] | None
    ) -> None:
        """``provider() -> (segments, record_prefix, is_array)`` of the payload
        tree's selection, or None; used by "Map selected path" (Ctrl+M)."""
        self._path_provider = provider

    def selected_field(self) -> FieldRef | None:
        return self._selected

    def select_field(self, ref: FieldRef) -> None:
        index = self.model.index_of(ref)
        if index.isValid():
            self.view.setCurrentIndex(index)

    def map_path(
        self,
        segments: Sequence[str | int],
        record_prefix: Sequence[str | int] | None = None,
        is_array: bool | None = None,
    ) -> bool:
        """Map the selected field to a path: the same as dropping it there."""
        if self._selected is None:
            self._show_problem("Select a field first, then map the path to it.")
            return False
        return self.model.map_path(
            self._selected, segments, record_prefix=record_prefix, is_array=is_array
        )

    def map_selected_path(self) -> None:
        chosen = self._path_provider() if self._path_provider else None
        if chosen is None:
            self._show_problem("Select a value in the payload tree first.")
            return
        segments, record_prefix, is_array = chosen
        self.map_path(segments, record_prefix, is_array)

    # -- editor ------------------------------------------------------------------

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._selected = self.model.field_ref(current)
        self.problem.clear()
        self._load_editor()
        self.fieldSelected.emit(self._selected)

    def _after_reset(self) -> None:
        self.view.expandAll()
        if self._selected is not None:
            index = self.model.index_of(self._selected)
            if index.isValid():
                self.view.setCurrentIndex(index)
                return
        self._selected = None
        self._load_editor()

    def _load_editor(self) -> None:
        ref = self._selected
        self.editor.setEnabled(ref is not None)
        self.editor.setTitle(f"Rule of {ref}" if ref else "Rule (select a field)")
        rule = self.model.rule_of(ref) if ref else None
        self._updating = True
        try:
            transform = rulebook.rule_transform(rule)
            if rule is not None and not rulebook.rule_paths(rule) and transform is None:
                transform = "literal"
            row = self.transform_combo.findData(transform)
            self.transform_combo.setCurrentIndex(max(row, 0))
            is_compute = transform == "compute"
            self._set_row_visible(self.fn_combo, is_compute)
            self._set_row_visible(self.fn_doc, is_compute)
            fn = rule.get("fn") if isinstance(rule, dict) else None
            if is_compute and isinstance(fn, str):
                self.fn_combo.setCurrentIndex(max(self.fn_combo.findData(fn), 0))
            self._show_fn_doc()
            is_literal = transform == "literal"
            self._set_row_visible(self.literal_edit, is_literal)
            if is_literal and isinstance(rule, dict):
                self.literal_edit.setText(_json_text(rule.get("value")))
            self.raw_edit.setPlainText(_rule_text(rule) if rule is not None else "")
            self.remove_button.setEnabled(rule is not None)
        finally:
            self._updating = False

    def _set_row_visible(self, widget: QWidget, visible: bool) -> None:
        self._form.setRowVisible(widget, visible)

    def _show_fn_doc(self) -> None:
        spec = REGISTRY.get(self.fn_combo.currentData() or "")
        if spec is None:
            self.fn_doc.clear()
            return
        args = ", ".join(
            f"{a.name} ({a.kind}{'' if a.required else ', optional'}): {a.doc}"
            for a in spec.args
        )
        self.fn_doc.setText(f"{spec.doc}\nArguments: {args}\nExample: {spec.example}")

    def _set(self, rule: Any, text: str) -> None:
        ref = self._selected
        target = self.model.target
        if ref is None or target is None:
            return
        rules_target = self._document.effective_target(target)
        try:
            if ref.item_field is None:
                if rule is None:
                    self._document.remove_rule(rules_target, ref.field)
                else:
                    self._document.set_rule(rules_target, ref.field, rule, text)
            else:
                self._document.set_item_rule(
                    rules_target, ref.field, ref.item_field, rule, text
                )
        except DocumentError as exc:
            self._show_problem(str(exc))
            return
        self.problem.clear()

    def _transform_chosen(self, _row: int) -> None:
        if self._updating or self._selected is None:
            return
        choice = self.transform_combo.currentData()
        rule = self.model.rule_of(self._selected)
        if choice == "literal":
            self._set_row_visible(self.literal_edit, True)
            self.literal_edit.setFocus()
            return
        fn = self.fn_combo.currentData() if choice == "compute" else None
        try:
            new_rule = rulebook.with_transform(rule, choice, fn=fn)
        except rulebook.RuleError as exc:
            self._show_problem(str(exc))
            self._load_editor()
            return
        self._set(new_rule, f"{self._selected}: transform {choice or 'none'}")

    def _fn_chosen(self, _row: int) -> None:
        self._show_fn_doc()
        if self._updating or self._selected is None:
            return
        rule = self.model.rule_of(self._selected)
        try:
            new_rule = rulebook.with_transform(
                rule, "compute", fn=self.fn_combo.currentData()
            )
        except rulebook.RuleError as exc:
            self._show_problem(str(exc))
            return
        self._set(new_rule, f"{self._selected}: compute {self.fn_combo.currentData()}")

    def _literal_entered(self) -> None:
        if self._updating or self._selected is None:
            return
        text = self.literal_edit.text().strip()
        if not text:
            return
        try:
            value = json.loads(text)
        except ValueError as exc:
            self._show_problem(
                f'Not a JSON value ({exc.msg}); write text in double quotes: "salla".'
            )
            return
        self._set({"value": value}, f"{self._selected}: literal value")

    def _apply_raw(self) -> None:
        if self._selected is None:
            return
        text = self.raw_edit.toPlainText().strip()
        if not text:
            self._set(None, f"Remove the rule of {self._selected}")
            return
        try:
            rule = parse_rule_text(text)
        except ValueError as exc:
            self._show_problem(str(exc))
            return
        self._set(rule, f"{self._selected}: edit rule text")

    def _remove(self) -> None:
        self._set(None, f"Remove the rule of {self._selected}")

    def _show_problem(self, text: str) -> None:
        self.problem.setStyleSheet("color: #c62828;")
        self.problem.setText(text)
        messages.warning(text)

    def _show_note(self, text: str) -> None:
        self.problem.setStyleSheet("color: #555;")
        self.problem.setText(text)
        messages.info(text)


def _json_text(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)


def _rule_text(rule: Any) -> str:
    from designer.core.jswriter import to_js

    return to_js(rule)


def parse_rule_text(text: str) -> Any:
    """Read one rule written as JavaScript (``'id'``, ``{ path: 'id' }``, ...).

    Raises ValueError with the line and column of the problem.
    """
    from designer.core.source import SourceError, parse_miniapp

    wrapped = f"export default {{ rule: (\n{text}\n) }};"
    try:
        source = parse_miniapp(wrapped, filename="rule", kind="js")
    except SourceError as exc:
        raise ValueError(f"The rule text cannot be read: {exc}") from None
    if "rule" not in source.document:
        raise ValueError("The rule text holds no value.")
    return source.document["rule"]
