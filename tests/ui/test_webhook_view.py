"""The webhook workbench on the Salla sample: verify, route, map, capture, send."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import threading
from pathlib import Path

import httpx
import pytest
import qasync

from designer.core.project import open_project
from designer.core.webhook import VerificationStatus
from designer.ui import tasks
from designer.ui.payload_tree import MIME_PATH
from designer.ui.webhook_view import WebhookWorkbench, editor_text

ROOT = Path(__file__).resolve().parents[2]
SALLA = ROOT / "samples" / "salla" / "salla.miniapp.js"
WEBHOOKS = SALLA.parent / "webhooks"
SECRET = "wh-secret-7f3c"
OLD_STATUS = "بإنتظار المراجعة"


def hex_hmac(body: bytes, secret: str = SECRET) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def sample_text(event: str) -> str:
    return (WEBHOOKS / f"{event}.json").read_text("utf-8")


@pytest.fixture
def bench(qtbot):
    widget = WebhookWorkbench(
        open_project(SALLA), secrets=lambda: {"webhookSecret": SECRET}
    )
    qtbot.addWidget(widget)
    widget.resize(1300, 850)
    widget.show()
    yield widget
    widget.stop_receiver()


@pytest.fixture
def webhook_loop(qapp):
    """A qasync loop for the send test (the app bootstrap is not used here)."""
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    tasks.set_loop(loop)
    yield loop
    tasks.set_loop(None)
    asyncio.set_event_loop(None)
    loop.close()


def paste(qtbot, bench: WebhookWorkbench, text: str, headers: str = "") -> None:
    """Type a body and headers, then wait for the debounced processing."""
    before = bench.result
    bench.set_body_text(text)
    bench.set_headers_text(headers)
    qtbot.waitUntil(lambda: bench.result is not before, timeout=3000)
    qtbot.waitUntil(lambda: not bench._timer.isActive(), timeout=3000)


def test_pasted_order_created_with_its_signature_is_valid_and_mapped(qtbot, bench):
    text = sample_text("order.created")
    signature = hex_hmac(text.encode("utf-8"))
    with qtbot.waitSignal(bench.handlerSelected, timeout=3000) as selected:
        paste(qtbot, bench, text, f"X-Salla-Signature: {signature}")
    result = bench.result
    assert selected.args == ["order.created"]
    assert result.verification.status == VerificationStatus.VALID
    assert bench.badge.text() == "✓ valid"
    assert result.event == "order.created"
    assert "body $.event" in bench.event_label.text()
    assert result.handler == "order.created"
    assert result.handler_shape == "mapping"
    assert result.record["code"] == "1627850114"
    assert result.transaction_id.value == "order.created_1627850114"
    assert bench.raw_body_view.toPlainText() == text
    fields = [bench.record_table.item(r, 0).text() for r in range(10)]
    assert fields[0] == "code"
    assert bench.record_table.item(0, 1).text() == "1627850114"
    assert bench.record_table.item(0, 2).text() == "ok"


def test_wrong_secret_is_invalid_with_a_cause(qtbot, bench):
    text = sample_text("order.created")
    paste(qtbot, bench, text, f"X-Salla-Signature: {hex_hmac(text.encode(), 'no')}")
    verification = bench.result.verification
    assert verification.status == VerificationStatus.INVALID
    assert verification.cause == "wrong-secret"
    assert bench.badge.text() == "✕ invalid"
    assert "wrong-secret" in bench.verification_label.text()
    assert "probably wrong" in bench.verification_label.text()


def test_typed_text_is_signed_as_typed_even_with_no_break_spaces(qtbot, bench):
    # A QPlainTextEdit's toPlainText() turns U+00A0 into a space and U+2028
    # into a newline; the workbench must check the bytes the user typed.
    text = '{"event":"order.created","data":{"id":7,"note":"a\u00a0b\u2028c"}}'
    paste(qtbot, bench, text, f"X-Salla-Signature: {hex_hmac(text.encode())}")
    assert bench.body_bytes() == text.encode("utf-8")
    assert editor_text(bench.body_edit) == text
    assert bench.result.verification.status == VerificationStatus.VALID


def test_a_file_is_read_as_exact_bytes_until_edited(qtbot, bench, tmp_path):
    body = b'{"event": "order.created",\r\n "data": {"id": 5}}\r\n'
    path = tmp_path / "crlf.json"
    path.write_bytes(body)
    bench.set_headers_text(f"X-Salla-Signature: {hex_hmac(body)}")
    bench.open_payload_file(path)
    assert bench.body_bytes() == body
    assert bench.result.verification.status == VerificationStatus.VALID
    assert "crlf.json" in bench.source_label.text()
    bench.body_edit.appendPlainText(" ")
    qtbot.waitUntil(lambda: not bench._timer.isActive(), timeout=3000)
    assert bench.body_bytes() != body
    assert bench.result.verification.status == VerificationStatus.INVALID


def test_status_update_routes_to_the_resource_shape_handler(qtbot, bench):
    text = sample_text("order.status.updated")
    paste(qtbot, bench, text, f"X-Salla-Signature: {hex_hmac(text.encode())}")
    result = bench.result
    assert result.verification.status == VerificationStatus.VALID
    assert result.handler == "order.status.updated"
    assert result.handler_shape == "resource"
    assert result.operation == "upsert"
    assert "resource shape" in bench.handler_label.text()
    assert result.record["code"] == "1627791102"


def test_an_unknown_event_names_the_closest_handler(qtbot, bench):
    paste(qtbot, bench, sample_text("order.created"))
    bench.set_event_override("order.creatd")
    bench.refresh()
    assert bench.result.handler is None
    assert bench.result.event_source == "given"
    assert "closest: 'order.created'" in bench.handler_label.text()
    codes = [d.code for d in bench.result.diagnostics]
    assert "webhook-no-handler" in codes
    assert bench.diagnostics_list.count() == len(codes)


def test_a_body_that_is_not_json_is_explained(qtbot, bench):
    paste(qtbot, bench, "event=order.created&id=5", "X-Salla-Signature: abc")
    result = bench.result
    assert result.body_error is not None
    assert bench.body_error_label.isVisible()
    assert "not JSON" in bench.body_error_label.text()
    assert result.verification.status == VerificationStatus.INVALID
    assert bench.record_table.rowCount() == 0
    assert bench.payload_view.model.document() is None
    assert bench.payload_view.model.rowCount() == 0


def test_the_tree_shows_the_payload_and_drags_its_paths(qtbot, bench):
    text = sample_text("order.created")
    paste(qtbot, bench, text)
    model = bench.payload_view.model
    assert model.document() == json.loads(text)
    index = model.index_for_path(("data", "id"))
    assert index.isValid()
    mime = model.mimeData([index])
    payload = json.loads(bytes(mime.data(MIME_PATH)).decode())
    assert payload["segments"] == ["data", "id"]
    assert mime.text() == "$.data.id"


def test_secret_headers_are_masked_in_the_raw_view(qtbot, bench):
    paste(
        qtbot,
        bench,
        sample_text("order.created"),
        "Authorization: Bearer top-secret\nX-Salla-Signature: 00",
    )
    shown = bench.raw_headers_view.toPlainText()
    assert "top-secret" not in shown
    assert "Authorization: <masked>" in shown
    assert "X-Salla-Signature: 00" in shown


def test_bad_header_lines_are_reported_and_skipped(qtbot, bench):
    paste(qtbot, bench, sample_text("order.created"), "no colon here\nX-A: 1")
    assert bench.headers_error.isVisible()
    assert "line 1" in bench.headers_error.text()
    assert bench.delivery.headers.get("X-A") == "1"


def test_secret_dialog_value_is_used(qtbot):
    widget = WebhookWorkbench(open_project(SALLA))
    qtbot.addWidget(widget)
    text = sample_text("order.created")
    widget.set_body_text(text)
    widget.set_headers_text(f"X-Salla-Signature: {hex_hmac(text.encode())}")
    widget.refresh()
    assert widget.result.verification.status == VerificationStatus.SKIPPED
    assert "not set" in widget.secret_label.text()
    widget.set_secret("webhookSecret", SECRET)
    assert widget.result.verification.status == VerificationStatus.VALID
    assert widget.secret_label.text() == "Secret 'webhookSecret': set"


def post_in_thread(url: str, body: bytes, headers: dict[str, str]) -> list:
    answers: list = []

    def run() -> None:
        answers.append(httpx.post(url, content=body, headers=headers, timeout=10))

    thread = threading.Thread(target=run)
    thread.start()
    return answers


def test_receiver_captures_real_posts_and_shows_what_changed(qtbot, bench, tmp_path):
    receiver = bench.start_receiver(port=0)
    assert receiver is not None and receiver.port > 0
    assert bench.receiver_button.text() == "Stop"
    first = sample_text("order.created").encode()
    document = json.loads(first)
    document["data"]["status"]["name"] = "تم التنفيذ"
    second = json.dumps(document, ensure_ascii=False).encode()

    table = bench.deliveries_table
    for number, body in enumerate((first, second), 1):
        answers = post_in_thread(
            receiver.url, body, {"X-Salla-Signature": hex_hmac(body)}
        )
        qtbot.waitUntil(lambda n=number: table.rowCount() == n, timeout=5000)
        qtbot.waitUntil(lambda a=answers: bool(a), timeout=5000)
        assert answers[0].status_code == 200

    assert [table.item(1, c).text() for c in (0, 2, 3, 4, 5)] == [
        "2",
        "order.created",
        "✓ valid",
        "order.created",
        "200",
    ]
    # "Show newest" loaded the second delivery, byte for byte.
    assert bench.body_bytes() == second
    assert bench.result.verification.status == VerificationStatus.VALID
    assert bench.result.handler == "order.created"
    changes = bench.changes_list
    assert [changes.item(i).text() for i in range(changes.count())] == [
        f'~ $.data.status.name: "{OLD_STATUS}" -> "تم التنفيذ"'
    ]
    assert "delivery #1" in bench.changes_label.text()

    bench.select_captured(0)
    assert bench.body_bytes() == first
    assert "First delivery" in bench.changes_label.text()

    written = bench.save_captured(tmp_path / "captured")
    assert len(written) == 2
    bench.clear_captured()
    assert table.rowCount() == 0
    assert bench.load_captured(tmp_path / "captured") == 2
    assert table.item(0, 5).text() == "saved"
    assert bench.captured[1].delivery.body == second
    assert bench.captured[1].result.verification.status == VerificationStatus.VALID


def test_a_taken_port_is_reported_not_raised(qtbot, bench):
    receiver = bench.start_receiver(port=0)
    other = WebhookWorkbench(bench.project, secrets=lambda: {})
    qtbot.addWidget(other)
    assert other.start_receiver(port=receiver.port) is None
    assert "cannot listen" in other.receiver_label.text()


def test_send_posts_the_signed_body_to_the_receiver(qtbot, bench, webhook_loop):
    receiver = bench.start_receiver(port=0)
    text = sample_text("order.status.updated")
    bench.set_body_text(text)
    bench.refresh()
    task = bench.send()
    assert task is not None
    response = webhook_loop.run_until_complete(task)
    assert response.status_code == 200
    qtbot.waitUntil(lambda: bench.deliveries_table.rowCount() == 1, timeout=5000)
    (captured,) = bench.captured
    assert captured.delivery.body == text.encode("utf-8")
    assert captured.result.verification.status == VerificationStatus.VALID
    assert captured.result.handler == "order.status.updated"
    assert bench.send_result.text().startswith("HTTP 200 OK")
    assert receiver.url == bench.send_url_edit.placeholderText()
    webhook_loop.run_until_complete(bench.aclose())
    assert bench.receiver is None


def test_send_without_a_secret_says_why(qtbot, webhook_loop):
    widget = WebhookWorkbench(open_project(SALLA))
    qtbot.addWidget(widget)
    widget.set_body_text(sample_text("order.created"))
    assert widget.send(url="http://127.0.0.1:9/") is None
    assert "webhookSecret" in widget.send_result.text()
