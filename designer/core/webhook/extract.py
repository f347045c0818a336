"""Reading the event name, transaction id and customer out of a delivery."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from designer.core.model import (
    CustomerExtraction,
    EventExtraction,
    TransactionId,
    ValueSource,
)
from designer.core.webhook._paths import lookup
from designer.core.webhook._rules import evaluate_mapping
from designer.core.webhook.delivery import Delivery
from designer.core.webhook.results import (
    CustomerResult,
    EventResult,
    TransactionIdResult,
)

#: Separators the platform does not document a default for; the designer's choice.
DEFAULT_COMPOSITE_SEPARATOR = "."
DEFAULT_TRANSACTION_SEPARATOR = "_"


def _scalar_text(value: Any) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    return None


def read_source(
    delivery: Delivery, source: str | None, path: str | None
) -> tuple[str | None, str]:
    """The text at one ``{source, path}`` and a label such as ``header X-Topic``."""
    kind = (source or "body").lower()
    label = f"{kind} {path}"
    if not path:
        return None, label
    if kind == "header":
        return delivery.headers.get(path), label
    if kind == "query":
        return delivery.query_value(path), label
    if kind != "body" or not delivery.parsed.ok:
        return None, label
    found = lookup(delivery.parsed.value, path)
    return (_scalar_text(found.value) if found.found else None), label


def _read_parts(delivery: Delivery, parts: list[ValueSource]) -> tuple[str | None, str]:
    values = []
    labels = []
    for part in parts:
        value, label = read_source(delivery, part.source, part.path)
        labels.append(label)
        if value is None:
            return None, " + ".join(labels)
        values.append(value)
    return "\0".join(values), " + ".join(labels)


def extract_event(config: EventExtraction | None, delivery: Delivery) -> EventResult:
    """The event per ``webhook.eventExtraction``, its fallback, or its composite."""
    if config is None:
        return EventResult(None, None)
    tried: list[str] = []
    if config.composite_parts:
        joined, label = _read_parts(delivery, config.composite_parts)
        tried.append(f"composite {label}")
        if joined is not None:
            sep = config.composite_separator
            sep = DEFAULT_COMPOSITE_SEPARATOR if sep is None else sep
            return EventResult(
                sep.join(joined.split("\0")), f"composite {label}", tuple(tried)
            )
    else:
        value, label = read_source(delivery, config.source, config.path)
        tried.append(label)
        if value is not None and value != "":
            return EventResult(value, label, tuple(tried))
    if config.fallback is not None:
        value, label = read_source(
            delivery, config.fallback.source, config.fallback.path
        )
        tried.append(f"fallback {label}")
        if value is not None and value != "":
            return EventResult(value, f"fallback {label}", tuple(tried))
    return EventResult(None, None, tuple(tried))


def _override(overrides: Mapping[str, Any], event: str | None) -> Mapping[str, Any]:
    if event is None:
        return {}
    found = overrides.get(event)
    return found if isinstance(found, Mapping) else {}


def transaction_id(
    config: TransactionId | None, delivery: Delivery, event: str | None
) -> TransactionIdResult | None:
    """The de-duplication key: each path's value joined by the separator."""
    if config is None:
        return None
    override = _override(config.overrides, event)
    paths = override.get("paths", config.paths)
    paths = [p for p in paths if isinstance(p, str)] if isinstance(paths, list) else []
    separator = override.get("separator", config.separator)
    if not isinstance(separator, str):
        separator = DEFAULT_TRANSACTION_SEPARATOR
    values: list[str] = []
    missing: list[str] = []
    data = delivery.parsed.value if delivery.parsed.ok else None
    for path in paths:
        found = lookup(data, path) if data is not None else None
        text = _scalar_text(found.value) if found and found.found else None
        if text is None:
            missing.append(path)
        else:
            values.append(text)
    if paths and not missing:
        return TransactionIdResult(separator.join(values), False, tuple(paths))
    fallback = override.get("fallback", config.fallback)
    if fallback == "generate":
        return TransactionIdResult(
            f"generated-{uuid.uuid4().hex}", True, tuple(paths), tuple(missing)
        )
    return TransactionIdResult(None, False, tuple(paths), tuple(missing))


def extract_customer(
    config: CustomerExtraction | None, delivery: Delivery, event: str | None
) -> CustomerResult | None:
    """The customer: dotted ``mapping`` rules read from the object at ``basePath``."""
    if config is None:
        return None
    override = _override(config.overrides, event)
    base_path = override.get("basePath", config.base_path)
    if not isinstance(base_path, str):
        base_path = None
    mapping = override.get("mapping", config.mapping)
    if not isinstance(mapping, Mapping):
        mapping = {}
    data = delivery.parsed.value if delivery.parsed.ok else None
    if data is None:
        return CustomerResult(base_path, False)
    base = data
    if base_path:
        found = lookup(data, base_path)
        if not found.found or not isinstance(found.value, dict):
            return CustomerResult(base_path, False)
        base = found.value
    fields, values, _ = evaluate_mapping(
        mapping, base, where=("webhook", "customerExtraction", "mapping")
    )
    return CustomerResult(base_path, True, values, tuple(fields))
