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
from designer.core.webhook.receiver import (
    DEFAULT_MAX_BODY,
    ReceivedDelivery,
    Receiver,
    ReceiverError,
    start_receiver,
)
from designer.core.webhook.results import (
    CustomerResult,
    EventResult,
    FieldResult,
    TransactionIdResult,
    VerificationResult,
    VerificationStatus,
    WebhookResult,
)
from designer.core.webhook.send import (
    SendError,
    SignedRequest,
    build_request,
    send,
    send_async,
)
from designer.core.webhook.store import (
    SavedDelivery,
    StoreError,
    load_deliveries,
    load_delivery,
    save_deliveries,
    save_delivery,
)
from designer.core.webhook.verify import (
    VerificationError,
    compute_signature,
    signature_header,
    verify,
)

__all__ = [
    "DEFAULT_MAX_BODY",
    "Change",
    "CustomerResult",
    "Delivery",
    "EventResult",
    "FieldResult",
    "Headers",
    "ParsedBody",
    "ReceivedDelivery",
    "Receiver",
    "ReceiverError",
    "SavedDelivery",
    "SendError",
    "SignedRequest",
    "StoreError",
    "TransactionIdResult",
    "VerificationError",
    "VerificationResult",
    "VerificationStatus",
    "WebhookResult",
    "build_request",
    "compute_signature",
    "diff_deliveries",
    "diff_json",
    "extract_customer",
    "extract_event",
    "load_deliveries",
    "load_delivery",
    "parse_body",
    "previous_of",
    "process",
    "save_deliveries",
    "save_delivery",
    "send",
    "send_async",
    "signature_header",
    "start_receiver",
    "transaction_id",
    "verify",
]
