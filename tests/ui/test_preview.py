"""The live preview: cells, statuses, traces, speed, and stale results dropped."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt

from designer.core.paths import MISSING
from designer.ui.document import DesignerDocument
from designer.ui.preview import PreviewModel, PreviewPanel, render_value
from tests.ui.helpers import ORDER_CREATED, ORDERS


def cell(model, row, field, role=Qt.ItemDataRole.DisplayRole):
    return model.index(row, model.columns.index(field)).data(role)


def test_cells_show_values_statuses_and_traces(qtmodeltester, document):
    model = PreviewModel(document)
    model.set_target(ORDERS)
    qtmodeltester.check(model)
    assert model.record_count() == 3
    assert cell(model, 0, "code") == '"1610521604143693812"'  # exact, V2

    document.set_rule(ORDERS, "orderNumber", "reference_id")
    document.set_rule(ORDERS, "currency", "amounts.total.currency")
    qtmodeltester.check(model)
    assert model.columns[:2] == ["code", "orderNumber"]  # required first
    assert cell(model, 0, "orderNumber") == "41027662"
    assert cell(model, 2, "currency") == "—"
    assert model.result(2, "currency").status == "missing"
    tip = cell(model, 2, "currency", Qt.ItemDataRole.ToolTipRole)
    assert "missing" in tip and "currency" in tip
    assert cell(model, 2, "currency", Qt.ItemDataRole.DecorationRole) is not None
    assert cell(model, 0, "currency", Qt.ItemDataRole.DecorationRole) is None
    assert "3 records" in model.summary() and "missing" in model.summary()
    counts = model.status_counts()
    assert counts["currency"]["missing"] == 1 and counts["currency"]["ok"] == 2


def test_preview_diagnostics_for_fields_in_error(document):
    model = PreviewModel(document)
    model.set_target(ORDERS)
    document.set_rule(ORDERS, "totalAmount", {"path": "status", "transform": "toString"})
    found = model.preview_diagnostics()
    assert [d.code for d in found] == ["preview-error"]
    assert found[0].field == "totalAmount" and "3 of 3" in found[0].message


def test_handler_preview_maps_the_delivery(document):
    model = PreviewModel(document)
    model.set_target(ORDER_CREATED)
    assert model.record_count() == 1
    assert cell(model, 0, "code") == "99"


def test_render_value():
    assert render_value(MISSING) == "—"
    assert render_value(None) == "null"
    assert render_value(1610521604143693812) == "1610521604143693812"
    assert render_value("x" * 100).endswith('…"')
    assert render_value([1, 2]) == "[2 items]"
    assert render_value(True) == "true"


def _big_document(shop_dir, tmp_path, n):
    import json

    from designer.core.project import open_project

    records = [
        {
            "id": i,
            "reference_id": 40000000 + i,
            "status": {"name": "paid" if i % 3 else "pending"},
            "amounts": {"total": {"amount": i * 1.5 if i % 7 else None}},
            "total": f"{i}.00",
            "items": [{"sku": f"S-{i}-{k}", "quantity": k} for k in range(3)],
        }
        for i in range(n)
    ]
    (shop_dir / "responses" / "orders.json").write_text(json.dumps({"data": records}))
    doc = DesignerDocument(open_project(shop_dir / "shop.miniapp.js"), recovery_dir=tmp_path)
    for field, rule in {
        "orderNumber": {"path": "reference_id", "transform": "toString"},
        "status": "status.name",
        "totalAmount": {"paths": ["amounts.total.amount", "total"], "transform": "coalesce"},
        "items": {"path": "items", "transform": "mapItems", "mapping": {"sku": "sku"}},
    }.items():
        doc.set_rule(ORDERS, field, rule)
    return doc


def test_thousand_records_are_current_soon_after_an_edit(qtbot, shop_dir, tmp_path):
    doc = _big_document(shop_dir, tmp_path, 1000)
    model = PreviewModel(doc)
    model.set_target(ORDERS)
    qtbot.waitUntil(model.is_current, timeout=5000)
    started = time.perf_counter()
    doc.set_rule(ORDERS, "currency", {"value": "SAR"})
    qtbot.waitUntil(model.is_current, timeout=5000)
    elapsed = time.perf_counter() - started
    print(f"\npreview: 1000 records current {elapsed * 1000:.1f} ms after an edit")
    assert elapsed < 1.0
    assert model.record_count() == 1000
    assert cell(model, 999, "currency") == '"SAR"'
    assert cell(model, 7, "totalAmount") == '"7.00"'  # coalesce fell back
    qtbot.waitUntil(model.is_complete, timeout=5000)
    tip = cell(model, 7, "totalAmount", Qt.ItemDataRole.ToolTipRole)
    assert "being computed" not in tip and "total" in tip


def test_stale_results_are_dropped(qtbot, shop_dir, tmp_path):
    doc = _big_document(shop_dir, tmp_path, 8000)
    model = PreviewModel(doc)
    model.set_target(ORDERS)
    qtbot.waitUntil(model.is_current, timeout=10000)
    shown = []
    model.evaluated.connect(shown.append)
    doc.set_rule(ORDERS, "currency", {"value": "first"})
    assert not model.is_current()  # 8000 records take more than one slice
    doc.set_rule(ORDERS, "currency", {"value": "second"})
    qtbot.waitUntil(model.is_current, timeout=10000)
    qtbot.wait(50)
    assert shown == [model.generation]
    assert cell(model, 7999, "currency") == '"second"'


def test_panel_summary_and_cell_signal(qtbot, document):
    panel = PreviewPanel(document)
    qtbot.addWidget(panel)
    panel.set_target(ORDERS)
    assert "3 records" in panel.summary.text()
    with qtbot.waitSignal(panel.cellActivated) as blocker:
        panel.view.clicked.emit(panel.model.index(1, 0))
    assert blocker.args == [1, "code"]
