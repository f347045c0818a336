"""Helpers for the UI tests: drag payloads as the payload tree builds them."""

from __future__ import annotations

import json

from PySide6.QtCore import QMimeData

from designer.ui.document import MappingTarget
from designer.ui.fields import MIME_PATH

ORDERS = MappingTarget.resource("orders")
ORDER_CREATED = MappingTarget.handler("order.created")


def path_mime(segments, record_index=None, record_prefix=()):
    """The mime data the payload tree gives for a dragged node."""
    mime = QMimeData()
    payload = {
        "segments": list(segments),
        "record_index": record_index,
        "record_prefix": list(record_prefix) if record_index is not None else [],
    }
    mime.setData(MIME_PATH, json.dumps(payload).encode())
    return mime
