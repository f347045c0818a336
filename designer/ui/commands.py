"""Undo commands: one small command per user action, acting on the document.

A command never touches a widget. It swaps one mapping object (a resource's
``apiMapping`` or a handler's ``mapping``) between its value before and after
the action, through :meth:`DesignerDocument._put_mapping`, which tells every
view what changed. Rules are never changed in place, so keeping the two
mapping objects (shallow copies) is enough to undo exactly, key order included.
Multi-step actions (restoring unsaved work) are macros of these.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QUndoCommand

if TYPE_CHECKING:
    from designer.ui.document import DesignerDocument, MappingTarget

#: Marks a field whose rule is removed.
REMOVE = object()


class SetMappingCommand(QUndoCommand):
    """Replace one whole mapping object (``None``: the key is absent)."""

    def __init__(
        self,
        document: DesignerDocument,
        target: MappingTarget,
        after: dict[str, Any] | None,
        text: str,
    ) -> None:
        super().__init__(text)
        self._document = document
        self.target = target
        self._before = document._mapping_object(target)
        self._after = after

    def redo(self) -> None:
        self._document._put_mapping(self.target, self._after)

    def undo(self) -> None:
        self._document._put_mapping(self.target, self._before)


class SetRuleCommand(SetMappingCommand):
    """Set (or, with :data:`REMOVE`, remove) the rule of one field."""

    def __init__(
        self,
        document: DesignerDocument,
        target: MappingTarget,
        field: str,
        rule: Any,
        text: str | None = None,
    ) -> None:
        current = document._mapping_object(target)
        after = dict(current or {})
        if rule is REMOVE:
            after.pop(field, None)
            label = text or f"Remove the rule of {field}"
        else:
            after[field] = rule
            label = text or f"Map {field}"
        super().__init__(document, target, after, label)
        self.field = field
