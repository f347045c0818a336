"""Real HTTP requests to the receiver on 127.0.0.1, and send -> receiver."""

from __future__ import annotations

import copy
import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from designer.core.model import MiniApp
from designer.core.webhook import VerificationStatus, compute_signature, process
from designer.core.webhook.receiver import ReceivedDelivery, Receiver, start_receiver
from designer.core.webhook.send import SendError, build_request, send
from designer.core.webhook.store import load_deliveries, save_deliveries
from tests.webhook.salla import SECRET, with_verification

SECRETS = {"webhookSecret": SECRET}
W1_BODY = rb'{"id":1001,"note":"caf\u00e9 \/ R\u0026D","total":"10.50"}'
W1_BASE64 = "aswiXkLOrhh0Ww0MMj2ZDvShi51fE5IzHBf2xF/cfnw="
W2_BODY = '{"name":"Gift 🎁"}'.encode()
W2_BASE64 = "akKhuvHPz/SrLMMHLGGPnirWB20D9wor1Y3CV48x+qY="


class Inbox:
    """Collects deliveries from the server thread."""

    def __init__(self) -> None:
        self.items: list[ReceivedDelivery] = []
        self.threads: set[str] = set()
        self.arrived = threading.Event()

    def __call__(self, received: ReceivedDelivery) -> None:
        self.threads.add(threading.current_thread().name)
        self.items.append(received)
        self.arrived.set()


@pytest.fixture
def inbox() -> Inbox:
    return Inbox()


def running(app: MiniApp, inbox: Inbox, **kw: Any) -> Receiver:
    kw.setdefault("secrets", SECRETS)
    return start_receiver(app, port=0, on_delivery=inbox, **kw)


@pytest.fixture
def salla_receiver(salla_app: MiniApp, inbox: Inbox) -> Iterator[Receiver]:
    receiver = running(salla_app, inbox)
    yield receiver
    receiver.stop()


def post(receiver: Receiver, body: bytes, **headers: str) -> httpx.Response:
    hdrs = {k.replace("_", "-"): v for k, v in headers.items()}
    return httpx.post(receiver.url, content=body, headers=hdrs, timeout=10)


def test_salla_hex_signature(
    salla_receiver: Receiver, inbox: Inbox, order_created: bytes
) -> None:
    sig = compute_signature(order_created, SECRET)
    response = post(salla_receiver, order_created, X_Salla_Signature=sig)
    assert response.status_code == 200
    assert response.json() == {"ok": True}
    assert salla_receiver.port > 0
    (received,) = inbox.items
    assert received.delivery.body == order_created
    assert received.delivery.headers.get("x-salla-signature") == sig
    assert received.result.verification.status == VerificationStatus.VALID
    assert received.result.handler == "order.created"
    assert received.result.record is not None
    assert received.result.record["code"] == 2116149737
    assert inbox.threads != {threading.current_thread().name}
    assert salla_receiver.deliveries == [received]


@pytest.mark.parametrize("header", ["X-Shopify-Hmac-Sha256", "X-WC-Webhook-Signature"])
def test_base64_signature_over_w1_bytes(
    salla_document: dict[str, Any], inbox: Inbox, header: str
) -> None:
    app = with_verification(
        salla_document,
        type="hmac-sha256",
        headerName=header,
        secretKey="webhookSecret",
        encoding="base64",
    )
    with running(app, inbox) as receiver:
        response = post(receiver, W1_BODY, **{header.replace("-", "_"): W1_BASE64})
        assert response.status_code == 200
        w2 = post(receiver, W2_BODY, **{header.replace("-", "_"): W2_BASE64})
        assert w2.status_code == 200
    first, second = inbox.items
    assert first.delivery.body == W1_BODY
    assert first.result.verification.status == VerificationStatus.VALID
    assert second.delivery.body == W2_BODY
    assert second.result.verification.status == VerificationStatus.VALID


def test_header_token(salla_document: dict[str, Any], inbox: Inbox) -> None:
    app = with_verification(
        salla_document,
        type="header-token",
        headerName="X-Webhook-Token",
        secretKey="webhookSecret",
    )
    body = b'{"event":"order.created","data":{"id":1}}'
    with running(app, inbox) as receiver:
        assert post(receiver, body, X_Webhook_Token=SECRET).status_code == 200
        assert post(receiver, body, X_Webhook_Token="wrong").status_code == 401
    ok, bad = inbox.items
    assert ok.result.verification.status == VerificationStatus.VALID
    assert bad.result.verification.cause == "token-mismatch"


def test_wrong_secret_is_refused_and_explained(
    salla_receiver: Receiver, inbox: Inbox, order_created: bytes
) -> None:
    sig = compute_signature(order_created, "another-secret")
    response = post(salla_receiver, order_created, X_Salla_Signature=sig)
    assert response.status_code == 401
    (received,) = inbox.items
    assert received.result.verification.cause == "wrong-secret"
    assert any(d.code == "signature-wrong-secret" for d in received.result.diagnostics)


def test_wrong_encoding_is_explained(
    salla_receiver: Receiver, inbox: Inbox, order_created: bytes
) -> None:
    sig = compute_signature(order_created, SECRET, encoding="base64")
    assert post(salla_receiver, order_created, X_Salla_Signature=sig).status_code == 401
    assert inbox.items[0].result.verification.cause == "wrong-encoding"


def test_oversized_body_gets_413(salla_app: MiniApp, inbox: Inbox) -> None:
    with running(salla_app, inbox, max_body=1000) as receiver:
        response = post(receiver, b"x" * 5000)
        assert response.status_code == 413
        assert response.json()["limit"] == 1000
        assert "1000 bytes" in response.json()["message"]
        # The receiver is still up after refusing.
        assert post(receiver, b"{}").status_code in (200, 401)
    assert len(inbox.items) == 1


def test_oversized_body_default_limit(salla_receiver: Receiver) -> None:
    response = post(salla_receiver, b"0" * (5 * 1024 * 1024 + 1))
    assert response.status_code == 413


def test_oversized_chunked_body(salla_app: MiniApp, inbox: Inbox) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(10):
            yield b"y" * 500

    with running(salla_app, inbox, max_body=1000) as receiver:
        response = httpx.post(receiver.url, content=chunks(), timeout=10)
        assert response.status_code == 413
    assert inbox.items == []


def test_chunked_body_is_captured(salla_app: MiniApp, inbox: Inbox) -> None:
    parts = [b'{"event":', b'"order.created","data":{"id":7}}']
    with running(salla_app, inbox, secrets={}) as receiver:
        response = httpx.post(receiver.url, content=iter(parts), timeout=10)
        assert response.status_code == 200
    assert inbox.items[0].delivery.body == b"".join(parts)
    assert inbox.items[0].result.record == {"code": 7}


def test_body_that_is_not_json(salla_receiver: Receiver, inbox: Inbox) -> None:
    body = b"\xff\xfe not json at all"
    sig = compute_signature(body, SECRET)
    response = post(salla_receiver, body, X_Salla_Signature=sig)
    assert response.status_code == 200
    (received,) = inbox.items
    assert received.delivery.body == body
    assert received.result.body_error is not None
    assert received.result.verification.status == VerificationStatus.VALID


def test_event_with_no_handler(salla_receiver: Receiver, inbox: Inbox) -> None:
    body = b'{"event":"order.deleted","data":{"id":1}}'
    sig = compute_signature(body, SECRET)
    assert post(salla_receiver, body, X_Salla_Signature=sig).status_code == 200
    result = inbox.items[0].result
    assert result.handler is None
    assert any(d.code == "webhook-no-handler" for d in result.diagnostics)


def test_configured_response_and_challenge(
    salla_document: dict[str, Any], inbox: Inbox
) -> None:
    doc = copy.deepcopy(salla_document)
    doc["webhook"]["response"] = {"statusCode": 202, "body": {"received": True}}
    doc["webhook"]["challengeResponse"] = {
        "identifyField": "type",
        "identifyValue": "url_verification",
        "challengePath": "$.challenge",
        "responseField": "challenge",
    }
    del doc["webhook"]["verification"]
    with running(MiniApp.from_document(doc), inbox) as receiver:
        normal = post(receiver, b'{"event":"order.created","data":{"id":1}}')
        assert normal.status_code == 202
        assert normal.json() == {"received": True}
        hello = post(receiver, b'{"type":"url_verification","challenge":"abc123"}')
        assert hello.status_code == 200
        assert hello.json() == {"challenge": "abc123"}
    assert inbox.items[1].challenge


def test_callback_error_does_not_stop_the_receiver(salla_app: MiniApp) -> None:
    calls: list[int] = []

    def broken(received: ReceivedDelivery) -> None:
        calls.append(received.number)
        raise RuntimeError("window gone")

    with start_receiver(salla_app, port=0, secrets={}, on_delivery=broken) as receiver:
        assert post(receiver, b"{}").status_code == 200
        assert post(receiver, b"{}").status_code == 200
    assert calls == [1, 2]


def test_port_in_use_is_reported(salla_app: MiniApp) -> None:
    with start_receiver(salla_app, port=0, secrets={}) as first:
        from designer.core.webhook.receiver import ReceiverError

        with pytest.raises(ReceiverError, match="pick another port"):
            start_receiver(salla_app, port=first.port, secrets={})


def test_save_and_load_masks_secret_headers(
    salla_document: dict[str, Any], inbox: Inbox, tmp_path: Path
) -> None:
    app = with_verification(
        salla_document,
        type="header-token",
        headerName="X-Webhook-Token",
        secretKey="webhookSecret",
    )
    body = b'{"event":"order.created","data":{"id":1}}'
    with running(app, inbox, save_dir=tmp_path / "live") as receiver:
        post(receiver, body, X_Webhook_Token=SECRET, Authorization="Bearer abc")
    saved_live = load_deliveries(tmp_path / "live")
    assert [s.event for s in saved_live] == ["order.created"]
    files = save_deliveries(
        tmp_path / "all",
        [(r.result.event, r.delivery) for r in inbox.items],
        app=app,
    )
    assert files[0].name == "001-order.created.json"
    text = "".join(
        p.read_text("utf-8", "replace") for p in (tmp_path / "all").iterdir()
    )
    assert SECRET not in text and "abc" not in text
    (loaded,) = load_deliveries(tmp_path / "all")
    assert loaded.delivery.body == body
    assert loaded.delivery.headers.get("x-webhook-token") == "<masked>"
    again = process(app, loaded.delivery, secrets=SECRETS)
    assert again.verification.status == VerificationStatus.SKIPPED
    assert again.verification.cause == "header-masked"


def test_saved_signature_verifies_after_loading(
    salla_app: MiniApp, order_created: bytes, tmp_path: Path, inbox: Inbox
) -> None:
    sig = compute_signature(order_created, SECRET)
    with running(salla_app, inbox, save_dir=tmp_path) as receiver:
        post(receiver, order_created, X_Salla_Signature=sig)
    (loaded,) = load_deliveries(tmp_path)
    assert loaded.delivery.body == order_created
    result = process(salla_app, loaded.delivery, secrets=SECRETS)
    assert result.verification.status == VerificationStatus.VALID


def test_send_to_receiver_end_to_end(
    salla_app: MiniApp, salla_receiver: Receiver, inbox: Inbox, status_updated: bytes
) -> None:
    pretty = json.dumps(json.loads(status_updated), indent=2).encode() + b"\n"
    response = send(salla_app, pretty, salla_receiver.url, secrets=SECRETS)
    assert response.status_code == 200
    (received,) = inbox.items
    assert received.delivery.body == pretty
    assert received.result.verification.status == VerificationStatus.VALID
    assert received.result.record == {
        "code": "629263027",
        "orderNumber": 42264,
        "status": "completed",
    }


def test_send_puts_the_event_in_a_header(
    salla_document: dict[str, Any], inbox: Inbox
) -> None:
    doc = copy.deepcopy(salla_document)
    doc["webhook"]["eventExtraction"] = {"source": "header", "path": "X-Shopify-Topic"}
    doc["webhook"]["verification"] = {
        "type": "hmac-sha256",
        "headerName": "X-Shopify-Hmac-Sha256",
        "secretKey": "webhookSecret",
        "encoding": "base64",
    }
    app = MiniApp.from_document(doc)
    with pytest.raises(SendError, match="give the event"):
        build_request(app, W1_BODY, "http://x/", secrets=SECRETS)
    request = build_request(
        app, W1_BODY, "http://x/", secrets=SECRETS, event="order.created"
    )
    assert request.headers["X-Shopify-Hmac-Sha256"] == W1_BASE64
    with running(app, inbox) as receiver:
        body = b'{"data":{"id":42}}'
        send(app, body, receiver.url, secrets=SECRETS, event="order.created")
    result = inbox.items[0].result
    assert result.event_source == "header X-Shopify-Topic"
    assert result.verification.status == VerificationStatus.VALID
    assert result.handler == "order.created"


def test_raw_socket_odd_headers(salla_receiver: Receiver, inbox: Inbox) -> None:
    body = b'{"event":"order.created"}'
    request = (
        b"POST /hook?x=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"X-Salla-Signature: caf\xc3\xa9  \r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\n"
        b"Connection: close\r\n\r\n" + body
    )
    with socket.create_connection(("127.0.0.1", salla_receiver.port), 5) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(4096):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 401")
    received = inbox.items[0]
    assert received.delivery.query == (("x", "1"),)
    assert received.delivery.path == "/hook"
    assert received.result.verification.status == VerificationStatus.INVALID
