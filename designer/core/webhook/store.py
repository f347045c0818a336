"""Deliveries saved with the project: ``NNN-<event>.json`` metadata + ``.body`` bytes.

The body file holds the bytes exactly as received, so a saved delivery
verifies again after loading. Header values that are secrets (a
``header-token`` header, ``Authorization``, cookies) are saved masked;
signature headers are kept, since a signature does not reveal its secret.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from designer.core.model import MiniApp
from designer.core.webhook.delivery import Delivery, Headers
from designer.core.webhook.verify import MASKED

#: Headers whose value is a credential whatever the MiniApp says.
ALWAYS_MASKED = ("authorization", "proxy-authorization", "cookie", "x-api-key")


class StoreError(OSError):
    """A saved delivery cannot be read; the message names the file."""


@dataclass(frozen=True, slots=True)
class SavedDelivery:
    number: int
    event: str | None
    delivery: Delivery


def secret_header_names(app: MiniApp | None) -> set[str]:
    """Lower-cased names of the headers whose values must not be saved."""
    names = set(ALWAYS_MASKED)
    verification = app.webhook.verification if app and app.webhook else None
    if (
        verification is not None
        and (verification.type or "").lower() == "header-token"
        and verification.header_name
    ):
        names.add(verification.header_name.lower())
    return names


def masked_headers(headers: Headers, app: MiniApp | None) -> Headers:
    secret = secret_header_names(app)
    return Headers((k, MASKED if k.lower() in secret else v) for k, v in headers)


def _file_stem(number: int, event: str | None) -> str:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", event or "")[:80].strip("._") or "unknown"
    return f"{number:03d}-{safe}"


def save_delivery(
    directory: Path | str,
    number: int,
    delivery: Delivery,
    *,
    event: str | None,
    app: MiniApp | None,
) -> Path:
    """Write one delivery; returns the metadata file's path."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    stem = _file_stem(number, event)
    body_file = folder / f"{stem}.body"
    body_file.write_bytes(delivery.body)
    meta: dict[str, Any] = {
        "number": number,
        "event": event,
        "method": delivery.method,
        "path": delivery.path,
        "query": [list(p) for p in delivery.query],
        "headers": [list(p) for p in masked_headers(delivery.headers, app)],
        "receivedAt": delivery.received_at.isoformat(),
        "bodyFile": body_file.name,
    }
    meta_file = folder / f"{stem}.json"
    meta_file.write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", "utf-8")
    return meta_file


def save_deliveries(
    directory: Path | str,
    deliveries: Iterable[tuple[str | None, Delivery]],
    *,
    app: MiniApp | None,
) -> list[Path]:
    """Write (event, delivery) pairs numbered from 1."""
    return [
        save_delivery(directory, n, d, event=e, app=app)
        for n, (e, d) in enumerate(deliveries, 1)
    ]


def load_delivery(meta_file: Path | str) -> SavedDelivery:
    path = Path(meta_file)
    try:
        meta = json.loads(path.read_text("utf-8"))
        body = (path.parent / meta["bodyFile"]).read_bytes()
        return SavedDelivery(
            int(meta["number"]),
            meta.get("event"),
            Delivery(
                body,
                Headers((str(k), str(v)) for k, v in meta.get("headers", [])),
                tuple((str(k), str(v)) for k, v in meta.get("query", [])),
                str(meta.get("method", "POST")),
                str(meta.get("path", "/")),
                datetime.fromisoformat(meta["receivedAt"]),
            ),
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise StoreError(f"{path}: not a saved delivery ({exc})") from exc


def load_deliveries(directory: Path | str) -> list[SavedDelivery]:
    """Every saved delivery in ``directory``, by number."""
    files = sorted(Path(directory).glob("[0-9][0-9][0-9]*-*.json"))
    return sorted((load_delivery(f) for f in files), key=lambda s: s.number)
