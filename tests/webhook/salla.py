"""Salla-style MiniApp and payloads for the webhook tests."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from designer.core.model import MiniApp

FIXTURES = Path("/work/shared/fixtures/salla")
SECRET = "test_secret_123"

SALLA_DOCUMENT: dict[str, Any] = {
    "ns": "salla-test",
    "triggers": [
        {"type": "miniapps:salla-test", "event": "order.created"},
        {"type": "miniapps:salla-test", "event": "order.status.updated"},
        {"type": "miniapps:salla-test", "event": "customer.created"},
    ],
    "webhook": {
        "eventExtraction": {
            "source": "body",
            "path": "$.event",
            "fallback": {"source": "header", "path": "X-Event-Name"},
        },
        "transactionId": {
            "paths": ["$.merchant", "$.data.id"],
            "separator": "_",
            "fallback": "generate",
            "overrides": {
                "order.status.updated": {"paths": ["$.data.order.id", "$.data.id"]}
            },
        },
        "verification": {
            "type": "hmac-sha256",
            "headerName": "X-Salla-Signature",
            "secretKey": "webhookSecret",
        },
        "customerExtraction": {
            "basePath": "$.data.customer",
            "mapping": {
                "firstName": "first_name",
                "primaryEmail": "email",
                "code": {"path": "id", "transform": "toString"},
            },
            "overrides": {"customer.created": {"basePath": "$.data"}},
        },
    },
    "sync": {
        "resources": {
            "orders": {
                "contentType": "ecommerce:orders",
                "apiMapping": {
                    "code": {"path": "id", "transform": "toString"},
                    "orderNumber": "reference_id",
                    "status": "status.slug",
                    "totalAmount": "amounts.total.amount",
                },
            }
        },
        "webhooks": {
            "handlers": {
                "order.created": {
                    "recordType": "order",
                    "operation": "create",
                    "mapping": {
                        "code": "$.data.id",
                        "orderNumber": "$.data.reference_id",
                        "status": "$.data.status.slug",
                        "totalAmount": "$.data.amounts.total.amount",
                        "coupon": "$.data.coupon.code",
                    },
                },
                "order.status.updated": {
                    "resource": "orders",
                    "operation": "upsert",
                    "dataPath": "$.data.order",
                },
            }
        },
    },
}


def salla_payload(event: str, fixture: str) -> dict[str, Any]:
    """A fixture's ``data`` wrapped in Salla's webhook envelope."""
    data = json.loads((FIXTURES / fixture).read_text("utf-8"))
    return {
        "event": event,
        "merchant": 123456789,
        "created_at": "2026-05-28T13:34:45+03:00",
        "data": data,
    }


def to_bytes(payload: Any) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def with_verification(document: dict[str, Any], **verification: Any) -> MiniApp:
    doc = copy.deepcopy(document)
    doc["webhook"]["verification"] = verification
    return MiniApp.from_document(doc)
