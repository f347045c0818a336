"""The whole window on the Salla sample: outline, drag a path, preview, undo, save."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, QSettings, Qt
from PySide6.QtWidgets import QMessageBox

from designer.core.source import load_miniapp
from designer.ui.document import MappingTarget
from designer.ui.fields import FieldRef
from designer.ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]
SALLA = ROOT / "samples" / "salla"


@pytest.fixture
def app_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "salla"
    shutil.copytree(SALLA, folder)
    return folder / "salla.miniapp.js"


@pytest.fixture
def window(qtbot, tmp_path: Path, app_copy: Path) -> MainWindow:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    widget = MainWindow(settings=settings, recovery_dir=tmp_path / "recovery")

    def forget_changes(window: MainWindow) -> None:
        # Closing at teardown must not stop on the "unsaved changes" question.
        if window.document is not None:
            window.document.undo_stack.setClean()

    qtbot.addWidget(widget, before_close_func=forget_changes)
    widget.show()
    qtbot.waitExposed(widget)
    assert widget.open_miniapp(app_copy)
    return widget


def drop_path(window: MainWindow, segments: list, field: str | FieldRef) -> bool:
    """Drag ``segments`` from the payload tree and drop it on ``field``."""
    tree = window.payload_view.model
    index = tree.index_for_path(tuple(segments))
    assert index.isValid(), segments
    mime = tree.mimeData([index])
    fields = window.fields.model
    target = fields.index_of(field if isinstance(field, FieldRef) else FieldRef(field))
    assert target.isValid(), field
    assert fields.canDropMimeData(mime, Qt.DropAction.CopyAction, -1, -1, target)
    return fields.dropMimeData(mime, Qt.DropAction.CopyAction, -1, -1, target)


def wait_preview(qtbot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: window.preview.model.is_complete(), timeout=5000)


def cell(window: MainWindow, row: int, field: str) -> str:
    model = window.preview.model
    column = model.columns.index(field)
    return str(model.index(row, column).data(Qt.ItemDataRole.DisplayRole))


def test_outline_lists_resources_and_handlers(window: MainWindow) -> None:
    targets = window.document.targets()
    keys = {(t.kind, t.key) for t in targets}
    assert ("resource", "orders") in keys and ("handler", "order.created") in keys
    assert window.target == targets[0]
    assert window.payload_view.model.record_count() > 1


def test_map_by_dragging_preview_undo_export_save(
    qtbot, window: MainWindow, app_copy: Path
) -> None:
    orders = MappingTarget.resource("orders")
    window.outline.select(orders)
    window.select_target(orders)
    document = window.document
    # Start from no rule for these fields, as a user writing a mapping would.
    for field in ("paymentMethod", "shippingMethod"):
        if field in document.rules(orders):
            document.remove_rule(orders, field)
    wait_preview(qtbot, window)

    # Plain: the second record's payment_method gives the record-relative rule.
    assert drop_path(window, ["data", 1, "payment_method"], "paymentMethod")
    assert document.rule(orders, "paymentMethod") == "payment_method"
    wait_preview(qtbot, window)
    body = json.loads((app_copy.parent / "responses" / "orders.json").read_text())
    assert cell(window, 0, "paymentMethod") == json.dumps(
        body["data"][0]["payment_method"], ensure_ascii=False
    )

    # Coalesce: a second path dropped on a mapped field is appended to paths.
    assert drop_path(window, ["data", 0, "status", "name"], "shippingMethod")
    assert drop_path(window, ["data", 0, "payment_method"], "shippingMethod")
    rule = document.rule(orders, "shippingMethod")
    assert rule["transform"] == "coalesce"
    assert rule["paths"] == ["status.name", "payment_method"]
    assert window.isWindowModified()

    # Undo the coalesce step: back to the plain rule.
    document.undo_stack.undo()
    assert document.rule(orders, "shippingMethod") == "status.name"
    wait_preview(qtbot, window)

    window.export_view.render_now()
    assert "shippingMethod: 'status.name'," in window.export_view.js_text
    assert "paymentMethod: 'payment_method'," in window.export_view.js_text

    before = app_copy.read_text()
    assert window.save()
    assert not window.isWindowModified()
    after = load_miniapp(app_copy).document["sync"]["resources"]["orders"]["apiMapping"]
    assert after["paymentMethod"] == "payment_method"
    assert after["shippingMethod"] == "status.name"
    # Only the edited rules' lines changed; comments and constants stayed.
    import difflib

    changed = [
        line
        for line in difflib.unified_diff(
            before.splitlines(), app_copy.read_text().splitlines(), lineterm="", n=0
        )
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert changed and all(
        "paymentMethod" in line or "shippingMethod" in line for line in changed
    ), changed
    assert (app_copy.parent / "salla.miniapp.js.bak").read_text() == before


def test_map_items_by_dragging_inside_one_item(qtbot, window: MainWindow) -> None:
    orders = MappingTarget.resource("orders")
    window.select_target(orders)
    document = window.document
    document.remove_rule(orders, "items")
    assert drop_path(window, ["data", 0, "items"], "items")
    rule = document.rule(orders, "items")
    assert rule["transform"] == "mapItems" and rule["path"] == "items"
    # The item fields appear under items; drop from inside the second item.
    assert drop_path(window, ["data", 0, "items", 1, "name"], "items") is not None
    wait_preview(qtbot, window)


def test_keyboard_mapping_matches_drop(qtbot, window: MainWindow) -> None:
    customers = MappingTarget.resource("customers")
    window.select_target(customers)
    document = window.document
    document.remove_rule(customers, "lastName")
    window.fields.select_field(FieldRef("lastName"))
    window.payload_view.select_path(("data", 2, "last_name"))
    window.map_selected_path()
    assert document.rule(customers, "lastName") == "last_name"


def test_close_with_unsaved_changes_asks(
    qtbot, window: MainWindow, monkeypatch
) -> None:
    orders = MappingTarget.resource("orders")
    window.document.set_rule(orders, "paymentMethod", "reference_id")
    assert window.isWindowModified()
    asked = []

    def answer(*args, **kwargs):
        asked.append(args[2])
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "question", answer)
    assert not window.close()
    assert asked and "unsaved" in asked[0]
    assert window.isVisible()
    # Unsaved work is kept for the next start (crash recovery).
    path = window.document.write_recovery_now()
    assert path is not None and path.is_file()
    assert "Bearer" not in path.read_text() or "[[accessToken]]" in path.read_text()
    monkeypatch.setattr(
        QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Discard
    )
    assert window.close()


def test_diagnostic_click_selects_target(qtbot, window: MainWindow) -> None:
    from designer.core.diagnostics import Diagnostic, Severity

    diag = Diagnostic(
        Severity.ERROR,
        "required-unmapped",
        "x",
        field="status",
        path=("sync", "resources", "orders", "apiMapping"),
    )
    window._diagnostic_activated(diag)
    assert window.target == MappingTarget.resource("orders")
    assert window.fields.selected_field() == FieldRef("status")
    assert window.outline.view.currentIndex() != QModelIndex()


def test_webhook_delivery_remapped_by_dragging(qtbot, window: MainWindow) -> None:
    """A delivery in the Webhooks tab routes to its handler; a drag remaps a field."""
    bench = window.webhook_view
    body = (SALLA / "webhooks" / "order.created.json").read_text(encoding="utf-8")
    bench.set_body_text(body)
    bench.refresh()
    assert bench.result is not None and bench.result.handler == "order.created"
    handler = MappingTarget.handler("order.created")
    window._select_handler("order.created")
    assert window.target == handler
    tree = bench.payload_view.model
    index = tree.index_for_path(("data", "reference_id"))
    assert index.isValid()
    mime = tree.mimeData([index])
    fields = window.fields.model
    window.document.remove_rule(handler, "orderNumber")
    target = fields.index_of(FieldRef("orderNumber"))
    assert fields.dropMimeData(mime, Qt.DropAction.CopyAction, -1, -1, target)
    assert window.document.rule(handler, "orderNumber") == "$.data.reference_id"
    bench.refresh()
    assert (
        bench.result.record["orderNumber"] == json.loads(body)["data"]["reference_id"]
    )


def test_paste_payload_sample(qtbot, window: MainWindow) -> None:
    from PySide6.QtGui import QGuiApplication

    from designer.ui import messages

    orders = MappingTarget.resource("orders")
    window.select_target(orders)
    pasted = {"data": [{"id": 1610521604143693812, "reference_id": 7}]}
    QGuiApplication.clipboard().setText(json.dumps(pasted))
    assert window.paste_payload()
    assert window.document.payload(orders) == pasted
    assert window.payload_view.model.record_count() == 1
    wait_preview(qtbot, window)
    assert cell(window, 0, "code") == '"1610521604143693812"'
    with qtbot.waitSignal(messages.bridge().posted) as blocker:
        assert not window.paste_payload('{"data": [1,')
    assert blocker.args[0] == messages.Level.ERROR and "line 1" in blocker.args[1]
    assert window.document.payload(orders) == pasted


def test_dry_run_records_flow_into_the_preview(qtbot, window: MainWindow) -> None:
    orders = MappingTarget.resource("orders")
    window.select_target(orders)
    records = [{"id": n, "reference_id": 100 + n} for n in range(3)]
    window.live_panel.recordsFetched.emit(records)
    assert window.document.records(orders) == records
    wait_preview(qtbot, window)
    assert window.preview.model.record_count() == 3
    assert cell(window, 2, "orderNumber") == '"102"'


def test_sent_delivery_shows_up_verified_routed_and_mapped(
    qtbot, window: MainWindow, app_copy: Path
) -> None:
    """`sync-designer send` to the window's receiver: verified, routed, mapped."""
    import os
    import subprocess
    import sys

    bench = window.webhook_view
    bench.set_secret(bench.secret_key or "webhookSecret", "s3cret-for-tests")
    receiver = bench.start_receiver(0)
    assert receiver is not None
    try:
        payload = app_copy.parent / "webhooks" / "order.created.json"
        sent = subprocess.run(
            [
                sys.executable,
                "-m",
                "designer",
                "send",
                str(app_copy),
                "--payload",
                str(payload),
                "--to",
                receiver.url,
                "--secret-env",
                "SALLA_TEST_SECRET",
            ],
            cwd=ROOT,
            env=dict(os.environ, SALLA_TEST_SECRET="s3cret-for-tests"),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert sent.returncode == 0, sent.stderr
        qtbot.waitUntil(lambda: len(bench.captured) == 1, timeout=10_000)
    finally:
        bench.stop_receiver()
    bench.select_captured(0)
    result = bench.result
    assert result is not None
    assert result.verification.status == "valid"
    assert result.handler == "order.created"
    body = json.loads(payload.read_text(encoding="utf-8"))
    assert result.record["code"] == str(body["data"]["id"])
    assert "s3cret-for-tests" not in sent.stdout + sent.stderr
