"""The field list: catalogue fields and rules, drops on rows, the rule editor."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QModelIndex, Qt

from designer.ui.fields import (
    COLUMN_FIELD,
    COLUMN_RULE,
    COLUMN_STATUS,
    COLUMN_TYPE,
    FieldListModel,
    FieldRef,
    FieldsPanel,
    status_summary,
)
from tests.ui.helpers import ORDER_CREATED, ORDERS, path_mime

COPY = Qt.DropAction.CopyAction


def row_of(model, name, parent=None):
    parent = parent if parent is not None else QModelIndex()
    for row in range(model.rowCount(parent)):
        ref = model.index(row, 0, parent).data(Qt.ItemDataRole.UserRole)
        if (ref.item_field if parent.isValid() else ref.field) == name:
            return model.index(row, 0, parent)
    raise AssertionError(f"no row {name}")


def test_lists_catalogue_fields_required_first(qtmodeltester, document):
    model = FieldListModel(document)
    model.set_target(ORDERS)
    qtmodeltester.check(model)
    names = [model.index(r, COLUMN_FIELD).data() for r in range(model.rowCount())]
    assert names[:4] == ["code *", "orderNumber *", "status *", "totalAmount *"]
    code = row_of(model, "code")
    assert code.data(Qt.ItemDataRole.FontRole).bold()
    assert code.siblingAtColumn(COLUMN_RULE).data() == "toString(id)"
    assert (
        row_of(model, "status").siblingAtColumn(COLUMN_RULE).data()
        == "drop a path here"
    )
    tip = code.data(Qt.ItemDataRole.ToolTipRole)
    assert "Definition from:" in tip and "required" in tip
    items = row_of(model, "items")
    assert model.rowCount(items) == 7  # item fields of ecommerce:orders


def test_field_not_in_catalogue_is_listed(qtmodeltester, document):
    document.set_rule(ORDERS, "storeNote", "note")
    model = FieldListModel(document)
    model.set_target(ORDERS)
    qtmodeltester.check(model)
    row = row_of(model, "storeNote")
    assert row.siblingAtColumn(COLUMN_TYPE).data() == "not in catalogue"


def test_drops_map_fields_through_the_document(qtmodeltester, document):
    model = FieldListModel(document)
    model.set_target(ORDERS)
    qtmodeltester.check(model)
    target = row_of(model, "orderNumber")
    mime = path_mime(("data", 1, "reference_id"), 1, ("data",))
    assert model.canDropMimeData(mime, COPY, -1, -1, target)
    assert not model.canDropMimeData(QMimeData(), COPY, -1, -1, target)
    assert not model.canDropMimeData(mime, COPY, 0, 0, QModelIndex())
    assert model.dropMimeData(mime, COPY, -1, -1, target)
    assert document.rule(ORDERS, "orderNumber") == "reference_id"
    assert (
        row_of(model, "orderNumber").siblingAtColumn(COLUMN_RULE).data()
        == "reference_id"
    )

    # An item field, dropped from inside one item, after the array itself.
    items = row_of(model, "items")
    assert model.dropMimeData(
        path_mime(("data", 0, "items"), 0, ("data",)), COPY, -1, -1, items
    )
    sku = row_of(model, "sku", row_of(model, "items"))
    mime = path_mime(("data", 1, "items", 0, "sku"), 1, ("data",))
    assert model.dropMimeData(mime, COPY, -1, -1, sku)
    assert document.rule(ORDERS, "items") == {
        "path": "items",
        "transform": "mapItems",
        "mapping": {"sku": "sku"},
    }
    qtmodeltester.check(model)


def test_refused_drop_says_why(qtbot, document):
    model = FieldListModel(document)
    model.set_target(ORDERS)
    with qtbot.waitSignal(model.dropRejected) as blocker:
        ok = model.dropMimeData(
            path_mime(("pagination", "total")), COPY, -1, -1, row_of(model, "status")
        )
    assert not ok
    assert "not inside a record" in blocker.args[0]
    assert document.rule(ORDERS, "status") is None


def test_handler_drop_writes_jsonpath(document):
    model = FieldListModel(document)
    model.set_target(ORDER_CREATED)
    mime = path_mime(("data", "status", "name"))
    assert model.dropMimeData(mime, COPY, -1, -1, row_of(model, "status"))
    assert document.rule(ORDER_CREATED, "status") == "$.data.status.name"


def test_status_counts_column(qtmodeltester, document):
    from collections import Counter

    model = FieldListModel(document)
    model.set_target(ORDERS)
    model.set_status_counts(
        {"code": Counter(ok=3), "orderNumber": Counter(ok=2, missing=1)}
    )
    qtmodeltester.check(model)
    assert row_of(model, "code").siblingAtColumn(COLUMN_STATUS).data() == "3/3 ok"
    assert (
        row_of(model, "orderNumber").siblingAtColumn(COLUMN_STATUS).data()
        == "1 missing"
    )
    assert status_summary(Counter(ok=2, null=1)) == "3/3 ok (1 null)"


def test_panel_editor_changes_transform_and_literal_undoably(qtbot, document):
    panel = FieldsPanel(document)
    qtbot.addWidget(panel)
    panel.set_target(ORDERS)
    panel.select_field(FieldRef("code"))
    assert panel.selected_field() == FieldRef("code")
    combo = panel.transform_combo
    combo.setCurrentIndex(combo.findData("toNumberOrNull"))
    combo.activated.emit(combo.currentIndex())
    assert document.rule(ORDERS, "code") == {
        "path": "id",
        "transform": "toNumberOrNull",
    }

    combo.setCurrentIndex(combo.findData("compute"))
    combo.activated.emit(combo.currentIndex())
    fn = document.rule(ORDERS, "code")["fn"]
    assert fn == panel.fn_combo.currentData()
    assert fn in panel.fn_doc.text() or panel.fn_doc.text()

    panel.raw_edit.setPlainText("{ path: 'reference_id', transform: 'toString' }")
    panel.apply_button.click()
    assert document.rule(ORDERS, "code") == {
        "path": "reference_id",
        "transform": "toString",
    }
    document.undo_stack.undo()
    assert document.rule(ORDERS, "code")["transform"] == "compute"

    panel.select_field(FieldRef("currency"))
    combo.setCurrentIndex(combo.findData("literal"))
    combo.activated.emit(combo.currentIndex())
    panel.literal_edit.setText('"SAR"')
    panel.literal_edit.editingFinished.emit()
    assert document.rule(ORDERS, "currency") == {"value": "SAR"}

    panel.raw_edit.setPlainText("{ path: ")
    panel.apply_button.click()
    assert "cannot be read" in panel.problem.text()


def test_map_selected_path_uses_the_provider(qtbot, document):
    panel = FieldsPanel(document)
    qtbot.addWidget(panel)
    panel.set_target(ORDERS)
    panel.map_selected_path()
    assert "payload tree" in panel.problem.text()
    panel.set_path_provider(lambda: (("data", 0, "status", "name"), ("data",), False))
    panel.select_field(FieldRef("status"))
    panel.map_selected_path()
    assert document.rule(ORDERS, "status") == "status.name"
    # Selection survives the rule change.
    assert panel.selected_field() == FieldRef("status")
