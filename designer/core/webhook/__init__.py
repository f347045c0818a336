"""The webhook workbench's core: read, verify, route and map one delivery.

The public surface is re-exported here; submodules whose name starts with
``_`` are private.
"""

from designer.core.webhook.delivery import Delivery, Headers, ParsedBody, parse_body
from designer.core.webhook.diff import Change, diff_deliveries, diff_json, previous_of
from designer.core.webhook.extract import (
    extract_customer,
    extract_event,
    transaction_id,
)
from designer.core.webhook.process import process
from designer.core.webhook.results import (
    CustomerResult,
    EventResult,
    FieldResult,
    TransactionIdResult,
    VerificationResult,
    VerificationStatus,
    WebhookResult,
)
from designer.core.webhook.verify import (
    VerificationError,
    compute_signature,
    signature_header,
    verify,
)

__all__ = [
    "Change",
    "CustomerResult",
    "Delivery",
    "EventResult",
    "FieldResult",
    "Headers",
    "ParsedBody",
    "TransactionIdResult",
    "VerificationError",
    "VerificationResult",
    "VerificationStatus",
    "WebhookResult",
    "compute_signature",
    "diff_deliveries",
    "diff_json",
    "extract_customer",
    "extract_event",
    "parse_body",
    "previous_of",
    "process",
    "signature_header",
    "transaction_id",
    "verify",
]
