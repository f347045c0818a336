"""Event, transaction id, customer, routing and both handler shapes (Salla)."""

from __future__ import annotations

import copy
import json
from typing import Any

from designer.core.model import MiniApp
from designer.core.webhook import (
    Delivery,
    VerificationStatus,
    compute_signature,
    diff_deliveries,
    process,
)
from tests.webhook.salla import SECRET, salla_payload, to_bytes

SECRETS = {"webhookSecret": SECRET}


def signed(body: bytes, **extra: str) -> Delivery:
    headers = [("X-Salla-Signature", compute_signature(body, SECRET))]
    headers += [(k.replace("_", "-"), v) for k, v in extra.items()]
    return Delivery.from_bytes(body, headers=headers)


def test_mapping_shape_on_order_created(
    salla_app: MiniApp, order_created: bytes
) -> None:
    result = process(salla_app, signed(order_created), secrets=SECRETS)
    assert result.verification.status == VerificationStatus.VALID
    assert result.event == "order.created"
    assert result.event_source == "body $.event"
    assert result.handler == "order.created"
    assert result.handler_shape == "mapping"
    assert result.operation == "create"
    assert result.record == {
        "code": 2116149737,
        "orderNumber": 41027662,
        "status": "under_review",
        "totalAmount": 196,
    }
    fields = {f.field: f for f in result.fields}
    assert fields["coupon"].status == "missing"
    assert "coupon" not in result.record
    assert result.transaction_id is not None
    assert result.transaction_id.value == "123456789_2116149737"
    assert not result.transaction_id.generated
    assert result.customer is not None and result.customer.found
    assert result.customer.values["code"] == "225167971"
    assert result.ok
    out = result.to_json()
    assert json.loads(json.dumps(out))["record"]["code"] == 2116149737


def test_resource_shape_on_order_status_updated(
    salla_app: MiniApp, status_updated: bytes
) -> None:
    result = process(salla_app, signed(status_updated), secrets=SECRETS)
    assert result.handler == "order.status.updated"
    assert result.handler_shape == "resource"
    assert result.operation == "upsert"
    # The order is at data.order; data.id is the id of the status change.
    assert result.record == {
        "code": "629263027",
        "orderNumber": 42264,
        "status": "completed",
    }
    missing = [f.field for f in result.fields if f.status == "missing"]
    assert missing == ["totalAmount"]
    assert result.transaction_id is not None
    assert result.transaction_id.value == "629263027_198290473"


def test_swapped_shapes_on_both_events(
    salla_document: dict[str, Any], order_created: bytes, status_updated: bytes
) -> None:
    handlers = salla_document["sync"]["webhooks"]["handlers"]
    handlers["order.created"] = {
        "resource": "orders",
        "operation": "upsert",
        "dataPath": "$.data",
    }
    handlers["order.status.updated"] = {
        "recordType": "order",
        "operation": "update",
        "mapping": {"code": "$.data.id", "status": "$.data.order.status.slug"},
    }
    app = MiniApp.from_document(salla_document)
    created = process(app, signed(order_created), secrets=SECRETS)
    assert created.handler_shape == "resource"
    assert created.record == {
        "code": "2116149737",
        "orderNumber": 41027662,
        "status": "under_review",
        "totalAmount": 196,
    }
    updated = process(app, signed(status_updated), secrets=SECRETS)
    assert updated.handler_shape == "mapping"
    # The documented trap: $.data.id here is the status change, not the order.
    assert updated.record == {"code": 198290473, "status": "completed"}


def test_event_with_no_handler_names_the_closest(
    salla_app: MiniApp,
) -> None:
    body = to_bytes({"event": "order.create", "data": {"id": 1}})
    result = process(salla_app, signed(body), secrets=SECRETS)
    assert result.handler is None and not result.ok
    diag = next(d for d in result.diagnostics if d.code == "webhook-no-handler")
    assert "'order.created'" in diag.message
    assert "closest trigger" in diag.message
    assert result.record is None


def test_handler_without_trigger_is_warned(salla_document: dict[str, Any]) -> None:
    salla_document["triggers"] = []
    app = MiniApp.from_document(salla_document)
    body = to_bytes({"event": "order.created", "data": {"id": 5}})
    result = process(app, signed(body), secrets=SECRETS)
    assert result.handler == "order.created"
    assert any(d.code == "webhook-no-trigger" for d in result.diagnostics)


def test_event_fallback_header_and_override(salla_app: MiniApp) -> None:
    body = to_bytes({"data": {"id": 9}})
    result = process(
        salla_app, signed(body, X_Event_Name="order.created"), secrets=SECRETS
    )
    assert result.event == "order.created"
    assert result.event_source == "fallback header X-Event-Name"
    none = process(salla_app, signed(body), secrets=SECRETS)
    assert none.event is None
    assert any(d.code == "webhook-no-event" for d in none.diagnostics)
    given = process(salla_app, signed(body), secrets=SECRETS, event_override="x.y")
    assert given.event == "x.y" and given.event_source == "given"


def test_composite_and_query_event(salla_document: dict[str, Any]) -> None:
    salla_document["webhook"]["eventExtraction"] = {
        "compositeStrategy": {
            "parts": [
                {"source": "body", "path": "$.type"},
                {"source": "query", "path": "action"},
            ],
            "separator": ".",
        }
    }
    app = MiniApp.from_document(salla_document)
    body = to_bytes({"type": "order", "data": {"id": 3}})
    d = Delivery.from_bytes(body, url="/hook?action=created")
    result = process(app, d, secrets={})
    assert result.event == "order.created"
    assert result.event_source == "composite body $.type + query action"
    assert result.handler == "order.created"


def test_transaction_id_generated_when_paths_miss(salla_app: MiniApp) -> None:
    body = to_bytes({"event": "order.created"})
    result = process(salla_app, signed(body), secrets=SECRETS)
    assert result.transaction_id is not None
    assert result.transaction_id.generated
    assert result.transaction_id.value
    assert result.transaction_id.missing == ("$.merchant", "$.data.id")


def test_customer_override_per_event(salla_app: MiniApp) -> None:
    payload = salla_payload("customer.created", "webhook-data-customer-created.json")
    result = process(salla_app, signed(to_bytes(payload)), secrets=SECRETS)
    assert result.customer is not None
    assert result.customer.base_path == "$.data"
    assert result.customer.values["code"] == str(payload["data"]["id"])


def test_body_that_is_not_json_is_reported(salla_app: MiniApp) -> None:
    body = b"event=order.created&id=1"
    result = process(salla_app, signed(body), secrets=SECRETS)
    assert result.verification.status == VerificationStatus.VALID
    assert result.body_error is not None and "not JSON" in result.body_error
    assert any(d.code == "webhook-body-not-json" for d in result.diagnostics)
    assert result.event is None


def test_big_integers_stay_exact(salla_app: MiniApp) -> None:
    body = b'{"event":"order.created","merchant":1,"data":{"id":1610521604143693812}}'
    result = process(salla_app, signed(body), secrets=SECRETS)
    assert result.record is not None
    assert result.record["code"] == 1610521604143693812
    assert result.transaction_id is not None
    assert result.transaction_id.value == "1_1610521604143693812"


def test_diff_of_two_deliveries(order_created: bytes) -> None:
    payload = json.loads(order_created)
    changed = copy.deepcopy(payload)
    changed["data"]["status"]["slug"] = "completed"
    changed["data"]["tags"] = ["vip"]
    del changed["data"]["draft"]
    changes = diff_deliveries(Delivery(order_created), Delivery(to_bytes(changed)))
    by_path = {c.path: c for c in changes}
    assert by_path["$.data.status.slug"].kind == "changed"
    assert str(by_path["$.data.status.slug"]) == (
        '~ $.data.status.slug: "under_review" -> "completed"'
    )
    assert by_path["$.data.draft"].kind == "removed"
    assert any(c.path.startswith("$.data.tags") for c in changes)
    assert diff_deliveries(Delivery(order_created), Delivery(order_created)) == []
