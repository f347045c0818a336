"""The typed model reads every known field and writes unknown ones back untouched."""

from __future__ import annotations

import copy

from designer.core.model import MiniApp
from designer.core.values import Code

DOCUMENT = {
    "ns": "demo",
    "triggers": [{"type": "miniapps:demo", "event": "order.created", "img": "x.png"}],
    "webhook": {
        "eventExtraction": {"source": "body", "path": "$.event"},
        "verification": {
            "type": "hmac-sha256",
            "headerName": "X-Signature",
            "secretKey": "webhookSecret",
        },
        "customerExtraction": {
            "basePath": "$.data.customer",
            "mapping": {"code": "id"},
        },
    },
    "sync": {
        "baseUrl": "https://api.example.com/v2",
        "headers": {"Authorization": "Bearer [[accessToken]]"},
        "futureOption": {"keep": True},
        "syncConfiguration": {"enabled": True, "batchSize": 200, "timeout": 30000},
        "resources": {
            "orders": {
                "name": "orders",
                "contentType": "ecommerce:orders",
                "expandDetails": True,
                "endpoints": {
                    "list": {"url": "/orders", "method": "GET", "cache": False},
                    "details": {"url": "/orders/{id}"},
                },
                "pagination": {"paramName": "per_page", "defaultLimit": "60"},
                "responseMapping": {"dataProperty": "data"},
                "apiMapping": {"code": {"path": "id", "transform": "toString"}},
                "hook": Code("() => 1", "arrow_function"),
            }
        },
        "webhooks": {
            "handlers": {
                "order.created": {
                    "recordType": "order",
                    "operation": "create",
                    "mapping": {"code": "$.data.id"},
                },
                "order.status.updated": {
                    "resource": "orders",
                    "operation": "upsert",
                    "dataPath": "$.data.order",
                },
            },
            "secretNote": "kept",
        },
    },
}


def test_reads_known_fields() -> None:
    app = MiniApp.from_document(copy.deepcopy(DOCUMENT))
    assert app.sync is not None
    orders = app.sync.resources["orders"]
    assert orders.content_type == "ecommerce:orders"
    assert orders.list_endpoint is not None and orders.list_endpoint.url == "/orders"
    assert orders.details_endpoint is not None
    assert orders.response_mapping is not None
    assert orders.response_mapping.data_property == "data"
    assert app.sync.handlers["order.created"].shape == "mapping"
    assert app.sync.handlers["order.status.updated"].shape == "resource"
    assert app.trigger_events == ["order.created"]
    assert app.webhook is not None and app.webhook.verification is not None
    assert app.webhook.verification.secret_key == "webhookSecret"


def test_wrong_type_is_reported_and_kept() -> None:
    app = MiniApp.from_document(copy.deepcopy(DOCUMENT))
    assert app.sync is not None
    pagination = app.sync.resources["orders"].pagination
    assert pagination is not None and pagination.default_limit is None
    [diag] = app.diagnostics
    assert diag.code == "type-mismatch"
    assert diag.path == ("sync", "resources", "orders", "pagination", "defaultLimit")
    assert app.sync_raw() == DOCUMENT["sync"]


def test_round_trip_keeps_order_and_unknown_fields() -> None:
    app = MiniApp.from_document(copy.deepcopy(DOCUMENT))
    raw = app.sync_raw()
    assert raw == DOCUMENT["sync"]
    assert list(raw) == list(DOCUMENT["sync"])  # type: ignore[arg-type]


def test_edits_land_in_place() -> None:
    app = MiniApp.from_document(copy.deepcopy(DOCUMENT))
    assert app.sync is not None
    orders = app.sync.resources["orders"]
    orders.api_mapping = {"code": "id", "status": "status.name"}
    orders.icon = "cart"
    raw = app.sync_raw()
    assert raw is not None
    out = raw["resources"]["orders"]
    assert out["apiMapping"] == {"code": "id", "status": "status.name"}
    assert list(out)[-1] == "icon"
    assert out["hook"] == Code("() => 1", "arrow_function")
