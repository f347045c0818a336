"""Fixtures for the webhook tests (see salla.py for the MiniApp and payloads)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from designer.core.model import MiniApp
from tests.webhook.salla import SALLA_DOCUMENT, salla_payload, to_bytes


@pytest.fixture
def salla_document() -> dict[str, Any]:
    return copy.deepcopy(SALLA_DOCUMENT)


@pytest.fixture
def salla_app(salla_document: dict[str, Any]) -> MiniApp:
    return MiniApp.from_document(salla_document)


@pytest.fixture
def order_created() -> bytes:
    return to_bytes(salla_payload("order.created", "webhook-data-order-created.json"))


@pytest.fixture
def status_updated() -> bytes:
    return to_bytes(
        salla_payload("order.status.updated", "webhook-data-order-status-updated.json")
    )
