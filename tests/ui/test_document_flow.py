"""The designer's main flow, wired through real models: drop, preview, undo, export,
save back into the file, crash recovery."""

from __future__ import annotations

from PySide6.QtCore import Qt

from designer.core import jswriter
from designer.core.project import open_project
from designer.ui.diagnostics_view import DiagnosticsPanel
from designer.ui.document import DesignerDocument, SaveRefused
from designer.ui.export_view import ExportView
from designer.ui.fields import FieldListModel
from designer.ui.outline import OutlinePanel
from designer.ui.preview import PreviewModel
from tests.ui.helpers import ORDER_CREATED, ORDERS, path_mime

COPY = Qt.DropAction.CopyAction


def field_row(model, name, parent=None):
    from PySide6.QtCore import QModelIndex

    parent = parent if parent is not None else QModelIndex()
    for row in range(model.rowCount(parent)):
        index = model.index(row, 0, parent)
        ref = index.data(Qt.ItemDataRole.UserRole)
        if (ref.item_field if parent.isValid() else ref.field) == name:
            return index
    raise AssertionError(name)


def cell(model, row, field):
    return model.index(row, model.columns.index(field)).data()


def test_map_three_fields_preview_undo_export(qtmodeltester, document):
    fields = FieldListModel(document)
    fields.set_target(ORDERS)
    preview = PreviewModel(document)
    preview.set_target(ORDERS)

    # 1. plain: orderNumber from the second record (record-relative, P2).
    drop = path_mime(("data", 1, "reference_id"), 1, ("data",))
    assert fields.dropMimeData(drop, COPY, -1, -1, field_row(fields, "orderNumber"))
    # 2. coalesce: a second drop on a mapped field adds a fallback.
    for segs, n in (
        (("data", 0, "amounts", "total", "amount"), 0),
        (("data", 1, "total"), 1),
    ):
        drop = path_mime(segs, n, ("data",))
        assert fields.dropMimeData(drop, COPY, -1, -1, field_row(fields, "totalAmount"))
    # 3. mapItems: the array, then one item field from inside one item.
    drop = path_mime(("data", 0, "items"), 0, ("data",))
    assert fields.dropMimeData(drop, COPY, -1, -1, field_row(fields, "items"))
    sku = field_row(fields, "sku", field_row(fields, "items"))
    drop = path_mime(("data", 1, "items", 0, "sku"), 1, ("data",))
    assert fields.dropMimeData(drop, COPY, -1, -1, sku)
    qtmodeltester.check(fields)
    qtmodeltester.check(preview)

    assert document.rules(ORDERS) == {
        "code": {"path": "id", "transform": "toString"},
        "orderNumber": "reference_id",
        "totalAmount": {
            "paths": ["amounts.total.amount", "total"],
            "transform": "coalesce",
        },
        "items": {"path": "items", "transform": "mapItems", "mapping": {"sku": "sku"}},
    }
    assert [cell(preview, r, "orderNumber") for r in range(3)] == [
        "41027662",
        "41027663",
        "41027664",
    ]
    assert [cell(preview, r, "totalAmount") for r in range(3)] == [
        "120.5",
        '"25.50"',
        "—",
    ]
    # "25.50" is text in a number field: supplied by the fallback, and flagged.
    assert preview.result(1, "totalAmount").status == "warning"
    assert [w.code for w in preview.result(1, "totalAmount").warnings] == [
        "type-mismatch"
    ]
    assert (
        preview.result(1, "totalAmount").source_path == "total"
    )  # V1: says which path
    assert preview.result(2, "totalAmount").status == "missing"
    assert cell(preview, 0, "items") == "[2 items]"
    assert preview.result(0, "items").value == [{"sku": "A-1"}, {"sku": "B-2"}]

    # Undo the item field: the rule and the preview go back.
    document.undo_stack.undo()
    assert document.rule(ORDERS, "items") == {
        "path": "items",
        "transform": "mapItems",
        "mapping": {},
    }
    assert preview.result(0, "items").value == [{}, {}]
    # Undo the items drop and the coalesce: a plain path again, and the 2nd
    # record has no total.
    document.undo_stack.undo()
    assert "items" not in document.rules(ORDERS)
    assert "items" not in preview.columns
    document.undo_stack.undo()
    assert document.rule(ORDERS, "totalAmount") == "amounts.total.amount"
    assert preview.result(1, "totalAmount").status == "null"
    assert cell(preview, 1, "totalAmount") == "null"
    qtmodeltester.check(preview)
    qtmodeltester.check(fields)

    js = jswriter.to_js(document.sync_raw())
    assert "totalAmount: 'amounts.total.amount'," in js
    assert "orderNumber: 'reference_id'," in js
    assert "mapItems" not in js and "coalesce" not in js


def test_modified_mark_follows_the_undo_stack(qtbot, document):
    seen = []
    document.cleanChanged.connect(seen.append)
    document.set_rule(ORDERS, "status", "status.name")
    assert document.is_modified()
    document.undo_stack.undo()
    assert not document.is_modified()
    assert seen == [False, True]


def test_save_back_keeps_everything_outside_the_block(qtbot, document, shop_dir):
    path = shop_dir / "shop.miniapp.js"
    before = path.read_text()
    document.set_rule(ORDERS, "status", "status.name")
    document.set_rule(ORDER_CREATED, "status", "$.data.status.name")
    result = document.save_into_file()
    after = path.read_text()
    assert not document.is_modified()
    start = before.index("  sync: {")
    assert after[:start] == before[:start]
    tail = before[before.index("  functions: {") :]
    assert after.endswith(tail)
    assert "status: 'status.name'," in after
    assert result.backup is not None and result.backup.read_text() == before
    reopened = open_project(path)
    assert reopened.app.sync.resources["orders"].api_mapping["status"] == "status.name"
    # A second edit and save works on the fresh source.
    document.set_rule(ORDERS, "currency", {"value": "SAR"})
    document.save_into_file()
    assert "currency: {\n" in path.read_text()


def test_save_refuses_a_literal_secret(qtbot, shop_dir, tmp_path):
    path = shop_dir / "shop.miniapp.js"
    text = path.read_text().replace(
        "Bearer [[accessToken]]", "Bearer abcdef0123456789xyz"
    )
    path.write_text(text)
    doc = DesignerDocument(open_project(path), recovery_dir=tmp_path / "rec")
    doc.set_rule(ORDERS, "status", "status.name")
    try:
        doc.save_into_file()
    except SaveRefused as exc:
        assert "Bearer [[accessToken]]" in str(
            exc
        ) and "sync.headers.Authorization" in str(exc)
    else:
        raise AssertionError("saved a block holding a secret")
    assert path.read_text() == text
    # The recovery file never holds the secret either.
    written = doc.write_recovery_now()
    assert written is not None
    assert "abcdef0123456789xyz" not in written.read_text()
    assert "[[accessToken]]" in written.read_text()


def test_recovery_written_found_and_restored(qtbot, shop_dir, tmp_path):
    path = shop_dir / "shop.miniapp.js"
    rec = tmp_path / "rec"
    doc = DesignerDocument(open_project(path), recovery_dir=rec)
    assert DesignerDocument.recoverable(path, rec) is None
    doc.set_rule(ORDERS, "status", "status.name")
    doc.set_rule(ORDER_CREATED, "status", "$.data.status.name")
    # The debounced write happens by itself shortly after the edit.
    qtbot.waitUntil(
        lambda: DesignerDocument.recoverable(path, rec) is not None, timeout=3000
    )
    found = DesignerDocument.recoverable(path, rec)
    assert '"status.name"' in found.read_text()
    # "Crash": a new session finds it and restores it as one undoable step.
    fresh = DesignerDocument(open_project(path), recovery_dir=rec)
    assert fresh.rule(ORDERS, "status") is None
    assert fresh.restore_recovery() == 2
    assert fresh.rule(ORDERS, "status") == "status.name"
    assert fresh.rule(ORDER_CREATED, "status") == "$.data.status.name"
    assert fresh.is_modified()
    fresh.undo_stack.undo()
    assert fresh.rule(ORDERS, "status") is None
    assert fresh.rule(ORDER_CREATED, "status") is None
    # Saving removes it; a clean close leaves none behind.
    fresh.undo_stack.redo()
    fresh.save_into_file()
    assert DesignerDocument.recoverable(path, rec) is None
    fresh.close()
    assert DesignerDocument.recoverable(path, rec) is None


def test_export_view_shows_js_and_json_and_reports_code(qtbot, document, tmp_path):
    view = ExportView(document)
    qtbot.addWidget(view)
    assert view.js_text.startswith("sync: {")
    assert "baseUrl: 'https://api.shop.example/v2'," in view.js_text
    assert '"baseUrl": "https://api.shop.example/v2"' in view.json_text
    assert "baseUrl" in view.js_view.toPlainText()
    document.set_rule(ORDERS, "status", "status.name")
    qtbot.waitUntil(lambda: "status: 'status.name'" in view.js_text, timeout=2000)
    out = view.save_as(tmp_path / "sync.json")
    assert '"status": "status.name"' in out.read_text()

    from designer.core.values import Code

    document.set_rule(ORDERS, "note", Code("(r) => r.note", "arrow_function"))
    view.render_now()
    assert view.json_text is None and "code" in view.json_error
    assert "cannot be written as JSON" in view.json_view.toPlainText()
    assert "note: (r) => r.note," in view.js_text
    text = view.write_back()
    assert "Wrote the sync block" in text


def test_diagnostics_live_and_activated(qtbot, qtmodeltester, document):
    panel = DiagnosticsPanel(document)
    qtbot.addWidget(panel)
    qtmodeltester.check(panel.model)
    codes = [panel.model.diagnostic(r).code for r in range(panel.model.rowCount())]
    assert codes.count("required-unmapped") == 6
    document.set_rule(ORDERS, "status", "status.name")
    qtbot.waitUntil(
        lambda: (
            sum(
                panel.model.diagnostic(r).code == "required-unmapped"
                for r in range(panel.model.rowCount())
            )
            == 5
        ),
        timeout=3000,
    )
    qtmodeltester.check(panel.model)
    index = panel.model.index(0, 2)
    assert ":" in panel.model.index(0, 3).data()  # file:line:col
    assert "Fix:" in index.data(Qt.ItemDataRole.ToolTipRole)
    with qtbot.waitSignal(panel.activated) as blocker:
        panel.view.clicked.emit(index)
    assert (
        blocker.args[0].path[:3] == ("sync", "resources", "orders")
        or blocker.args[0].path
    )

    preview = PreviewModel(document)
    preview.set_target(ORDERS)
    document.set_rule(
        ORDERS, "totalAmount", {"path": "status", "transform": "toString"}
    )
    panel.set_extra(preview.preview_diagnostics())
    assert any(
        panel.model.diagnostic(r).code == "preview-error"
        for r in range(panel.model.rowCount())
    )


def test_outline_lists_targets_with_badges(qtbot, qtmodeltester, document):
    panel = OutlinePanel(document)
    qtbot.addWidget(panel)
    model = panel.model
    qtmodeltester.check(model)
    assert model.rowCount() == 2
    orders = model.index_of(ORDERS)
    assert orders.data() == "Orders"
    assert orders.siblingAtColumn(1).data() == "ecommerce:orders"
    assert model.counts(ORDERS) == (3, 0)
    assert "3" in orders.siblingAtColumn(2).data()
    handler = model.index_of(ORDER_CREATED)
    assert handler.siblingAtColumn(1).data() == "order (create)"
    with qtbot.waitSignal(panel.targetSelected) as blocker:
        panel.select(ORDER_CREATED)
    assert blocker.args == [ORDER_CREATED]
    for field, rule in (("orderNumber", "reference_id"), ("status", "status.name")):
        document.set_rule(ORDERS, field, rule)
    document.refresh_diagnostics()
    assert model.counts(ORDERS) == (1, 0)
    qtmodeltester.check(model)
