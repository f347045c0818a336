"""What processing a delivery found, as plain objects with ``to_json``."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from designer.core.diagnostics import Diagnostic


@dataclass(frozen=True, slots=True)
class FieldResult:
    """One mapped field: ``status`` is ``ok``, ``null``, ``missing``, ``warning``
    or ``error`` (see :class:`designer.core.mapping.FieldStatus`)."""

    field: str
    status: str
    value: Any = None
    trace: tuple[str, ...] = ()

    @property
    def present(self) -> bool:
        """True when the field has a value (null included) in the record."""
        return self.status not in ("missing", "error")

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"status": self.status, "trace": list(self.trace)}
        if self.present:
            out["value"] = self.value
        return out


class VerificationStatus(StrEnum):
    VALID = "valid"
    INVALID = "invalid"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class VerificationResult:
    """The signature check; ``details`` never holds a secret or a computed digest."""

    status: VerificationStatus
    reason: str
    details: dict[str, Any] = field(default_factory=dict)
    #: A short tag of the likely cause of a failure (``wrong-encoding``,
    #: ``body-reserialised``, ``wrong-secret``, ``header-missing``, ...).
    cause: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"status": str(self.status), "reason": self.reason}
        if self.cause:
            out["cause"] = self.cause
        if self.details:
            out["details"] = self.details
        return out


@dataclass(frozen=True, slots=True)
class EventResult:
    """The event name and where it came from (``body $.event``, ``header X-Topic``)."""

    event: str | None
    source: str | None
    tried: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TransactionIdResult:
    value: str | None
    #: True when no path gave a value and ``fallback: 'generate'`` made one up.
    generated: bool = False
    paths: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "generated": self.generated,
            "paths": list(self.paths),
            "missing": list(self.missing),
        }


@dataclass(frozen=True, slots=True)
class CustomerResult:
    base_path: str | None
    found: bool
    values: dict[str, Any] = field(default_factory=dict)
    fields: tuple[FieldResult, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "basePath": self.base_path,
            "found": self.found,
            "values": self.values,
            "fields": {f.field: f.to_json() for f in self.fields},
        }


@dataclass
class WebhookResult:
    """Everything the workbench shows about one delivery."""

    event: str | None
    event_source: str | None
    verification: VerificationResult
    transaction_id: TransactionIdResult | None = None
    customer: CustomerResult | None = None
    handler: str | None = None
    handler_shape: str | None = None
    operation: str | None = None
    #: The mapped record: field -> value; missing fields are left out.
    record: dict[str, Any] | None = None
    fields: list[FieldResult] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: Why the body is not JSON, or None when it is.
    body_error: str | None = None

    @property
    def ok(self) -> bool:
        """Verified (or not checked) and routed to a handler."""
        return (
            self.verification.status != VerificationStatus.INVALID
            and self.handler is not None
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "event": self.event,
            "eventSource": self.event_source,
            "verification": self.verification.to_json(),
            "transactionId": (
                self.transaction_id.to_json() if self.transaction_id else None
            ),
            "customer": self.customer.to_json() if self.customer else None,
            "handler": self.handler,
            "handlerShape": self.handler_shape,
            "operation": self.operation,
            "record": self.record,
            "fields": {f.field: f.to_json() for f in self.fields},
            "bodyError": self.body_error,
            "diagnostics": [d.to_json() for d in self.diagnostics],
        }
