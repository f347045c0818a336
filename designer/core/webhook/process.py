"""Processing one delivery the way the platform would, for the workbench and CLI."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from designer.core.catalogue import Catalogue, bundled_catalogue
from designer.core.diagnostics import Diagnostic, DocPath, Severity, closest
from designer.core.model import Handler, MiniApp
from designer.core.webhook._paths import lookup
from designer.core.webhook._rules import evaluate_mapping
from designer.core.webhook.delivery import Delivery
from designer.core.webhook.extract import (
    extract_customer,
    extract_event,
    transaction_id,
)
from designer.core.webhook.results import (
    FieldResult,
    VerificationStatus,
    WebhookResult,
)
from designer.core.webhook.verify import verify


def _route(app: MiniApp, event: str, diags: list[Diagnostic]) -> Handler | None:
    handlers = app.sync.handlers if app.sync else {}
    triggers = app.trigger_events
    handler = handlers.get(event)
    has_trigger = event in triggers
    if handler is not None:
        if not has_trigger:
            diags.append(
                Diagnostic(
                    Severity.WARNING,
                    "webhook-no-trigger",
                    f"handler {event!r} has no trigger with the same event, so no "
                    "automation can react to it",
                    fix=f"Add a trigger with event: '{event}'.",
                    path=("triggers",),
                )
            )
        return handler
    near_handler = closest(event, list(handlers))
    near_trigger = closest(event, triggers)
    message = f"no handler in sync.webhooks.handlers for event {event!r}"
    if near_handler:
        message += f"; the closest handler is {near_handler!r}"
    if has_trigger:
        message += "; a trigger with this event exists"
    elif near_trigger:
        message += f"; the closest trigger is {near_trigger!r}"
    else:
        message += "; no trigger has this event either"
    fix = (
        f"Rename the handler {near_handler!r} to {event!r} (names must be equal)."
        if near_handler
        else f"Add a handler keyed {event!r}."
    )
    diags.append(
        Diagnostic(
            Severity.ERROR,
            "webhook-no-handler",
            message,
            fix=fix,
            path=("sync", "webhooks", "handlers"),
        )
    )
    return None


def _evaluate_handler(
    app: MiniApp,
    handler: Handler,
    data: object,
    diags: list[Diagnostic],
    catalogue: Catalogue,
) -> tuple[list[FieldResult], dict[str, Any]] | None:
    """Map ``data`` by the handler's shape; None when it cannot be mapped."""
    where: DocPath = ("sync", "webhooks", "handlers", handler.event)
    if handler.shape == "mapping":
        fields, record, compiled = evaluate_mapping(
            handler.mapping or {},
            data,
            where=(*where, "mapping"),
            content_type=catalogue.by_record_type(handler.record_type or ""),
        )
        diags.extend(compiled)
        return fields, record
    resource = app.sync.resources.get(handler.resource or "") if app.sync else None
    if resource is None:
        known = list(app.sync.resources) if app.sync else []
        hint = closest(handler.resource or "", known)
        diags.append(
            Diagnostic(
                Severity.ERROR,
                "webhook-unknown-resource",
                f"handler {handler.event!r} names resource {handler.resource!r}, "
                "which sync.resources does not have"
                + (f"; did you mean {hint!r}?" if hint else ""),
                path=(*where, "resource"),
            )
        )
        return None
    target = data
    if handler.data_path:
        found = lookup(data, handler.data_path)
        if not found.found or not isinstance(found.value, dict):
            diags.append(
                Diagnostic(
                    Severity.ERROR,
                    "webhook-data-path",
                    f"dataPath {handler.data_path!r} "
                    + (found.error or "finds no object in this delivery"),
                    fix="Point dataPath at the record object in the payload.",
                    path=(*where, "dataPath"),
                )
            )
            return None
        target = found.value
    fields, record, compiled = evaluate_mapping(
        resource.api_mapping or {},
        target,
        where=("sync", "resources", resource.key, "apiMapping"),
        content_type=catalogue.get(resource.content_type or ""),
    )
    diags.extend(compiled)
    return fields, record


def process(
    app: MiniApp,
    delivery: Delivery,
    *,
    secrets: Mapping[str, str],
    event_override: str | None = None,
    catalogue: Catalogue | None = None,
) -> WebhookResult:
    """Verify, name, route and map one delivery; problems become diagnostics.

    Mapped values are checked against the field types of ``catalogue`` (the
    bundled one by default).
    """
    diags: list[Diagnostic] = []
    webhook = app.webhook
    verification = verify(webhook.verification if webhook else None, delivery, secrets)
    if verification.status == VerificationStatus.INVALID:
        diags.append(
            Diagnostic(
                Severity.ERROR,
                f"signature-{verification.cause or 'invalid'}",
                verification.reason,
                path=("webhook", "verification"),
            )
        )
    elif verification.cause:
        diags.append(
            Diagnostic(
                Severity.WARNING,
                f"signature-{verification.cause}",
                verification.reason,
                path=("webhook", "verification"),
            )
        )
    parsed = delivery.parsed
    body_error = None if parsed.ok else parsed.error
    if body_error:
        diags.append(Diagnostic(Severity.WARNING, "webhook-body-not-json", body_error))

    event: str | None
    source: str | None
    if event_override is not None:
        event, source = event_override, "given"
    else:
        found = extract_event(webhook.event_extraction if webhook else None, delivery)
        event, source = found.event, found.source
        if event is None:
            tried = (
                ", ".join(found.tried) or "nothing: webhook.eventExtraction is unset"
            )
            diags.append(
                Diagnostic(
                    Severity.ERROR,
                    "webhook-no-event",
                    f"no event name found in this delivery (tried {tried})",
                    fix="Check webhook.eventExtraction against the delivery.",
                    path=("webhook", "eventExtraction"),
                )
            )

    result = WebhookResult(event, source, verification, body_error=body_error)
    result.diagnostics = diags
    if webhook is not None:
        result.transaction_id = transaction_id(webhook.transaction_id, delivery, event)
        if result.transaction_id is not None and result.transaction_id.generated:
            diags.append(
                Diagnostic(
                    Severity.INFO,
                    "webhook-transaction-generated",
                    "no transactionId path gave a value, so an id was generated; "
                    "duplicates of this delivery will not be recognised",
                    path=("webhook", "transactionId"),
                )
            )
        result.customer = extract_customer(webhook.customer_extraction, delivery, event)
    if event is None:
        return result
    handler = _route(app, event, diags)
    if handler is None:
        return result
    result.handler = handler.event
    result.handler_shape = handler.shape
    result.operation = handler.operation
    if not parsed.ok:
        return result
    mapped = _evaluate_handler(
        app, handler, parsed.value, diags, catalogue or bundled_catalogue()
    )
    if mapped is not None:
        result.fields, result.record = mapped
    return result
