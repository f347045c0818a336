"""Typed objects for the parts of a MiniApp the designer understands.

Each object is read from the raw document with ``from_raw`` and turned back
into raw values with ``to_raw``. Keys the model does not know, and known keys
whose value has the wrong type, are kept as they were and written back in
their original place: editing through the model never loses a field.
Problems found while reading are collected as :class:`Diagnostic` objects
(code ``type-mismatch``) instead of raising.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Self, TypeVar

from designer.core.diagnostics import Diagnostic, DocPath, Severity
from designer.core.values import Code

T = TypeVar("T")
Raw = dict[str, Any]


class _Reader:
    """Reads typed fields out of one raw object, noting each mismatch."""

    def __init__(self, raw: object, path: DocPath, diags: list[Diagnostic]) -> None:
        self.path = path
        self.diags = diags
        if isinstance(raw, dict):
            self.raw: Raw = raw
        else:
            self.raw = {}
            if raw is not None:
                self._mismatch(path, "an object", raw)
        #: Known keys whose value had the wrong type: written back untouched.
        self.kept: Raw = {}

    def _mismatch(self, path: DocPath, expected: str, value: object) -> None:
        where = ".".join(str(p) for p in path) or "document"
        self.diags.append(
            Diagnostic(
                Severity.ERROR,
                "type-mismatch",
                f"{where} should be {expected}, not {_describe(value)}",
                fix=f"Write {expected} here.",
                path=path,
            )
        )

    def get(self, key: str, kind: type[T] | tuple[type, ...], expected: str) -> Any:
        if key not in self.raw:
            return None
        value = self.raw[key]
        if value is None:
            return None
        ok = isinstance(value, kind) and not (
            isinstance(value, bool) and kind in (int, float, (int, float))
        )
        if not ok:
            if not isinstance(value, Code):
                self._mismatch((*self.path, key), expected, value)
            self.kept[key] = value
            return None
        return value

    def text(self, key: str) -> str | None:
        value: str | None = self.get(key, str, "a string")
        return value

    def integer(self, key: str) -> int | None:
        value: int | None = self.get(key, int, "a whole number")
        return value

    def number(self, key: str) -> float | int | None:
        value: float | int | None = self.get(key, (int, float), "a number")
        return value

    def flag(self, key: str) -> bool | None:
        value: bool | None = self.get(key, bool, "true or false")
        return value

    def obj(self, key: str) -> Raw | None:
        value: Raw | None = self.get(key, dict, "an object")
        return value

    def array(self, key: str) -> list[Any] | None:
        value: list[Any] | None = self.get(key, list, "an array")
        return value

    def extra(self, known: tuple[str, ...]) -> Raw:
        """Every key that is not known, plus the known ones that were kept."""
        return {k: v for k, v in self.raw.items() if k not in known or k in self.kept}


def _describe(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, Code):
        return "code"
    return type(value).__name__


def _rebuild(original: Raw, known: Mapping[str, Any], extra: Raw) -> Raw:
    """Raw object with the original key order; new keys go at the end.

    A known key whose value is ``None`` is left out unless the original held
    it (an explicit ``null`` in the source stays).
    """
    out: Raw = {}
    for key in original:
        if key in extra:
            out[key] = extra[key]
        elif key in known:
            value = known[key]
            if value is not None or original[key] is None:
                out[key] = value
    for key, value in known.items():
        if key not in out and key not in original and value is not None:
            out[key] = value
    for key, value in extra.items():
        if key not in out:
            out[key] = value
    return out


def _sub(
    reader: _Reader, key: str, make: Callable[[object, DocPath, list[Diagnostic]], T]
) -> T | None:
    """Read a nested typed object, or None when the key is absent."""
    if key not in reader.raw:
        return None
    value = reader.raw[key]
    if value is not None and not isinstance(value, dict):
        reader.get(key, dict, "an object")
        return None
    return make(value, (*reader.path, key), reader.diags)


class _Flat:
    """A typed object whose fields are all plain values: read and written by ``FIELDS``.

    ``FIELDS`` lists ``(key in the document, attribute, reader)``, the reader
    being a method of :class:`_Reader` (``text``, ``integer``, ``number``,
    ``flag``, ``obj``, ``array``). Subclasses are dataclasses that end with the
    ``extra`` and ``raw`` fields.
    """

    FIELDS: ClassVar[tuple[tuple[str, str, str], ...]] = ()
    extra: Raw
    raw: Raw

    @classmethod
    def from_raw(cls, raw: object, path: DocPath, diags: list[Diagnostic]) -> Self:
        r = _Reader(raw, path, diags)
        values: dict[str, Any] = {
            attr: getattr(r, kind)(key) for key, attr, kind in cls.FIELDS
        }
        values["extra"] = r.extra(tuple(key for key, _attr, _kind in cls.FIELDS))
        values["raw"] = r.raw
        return cls(**values)

    def to_raw(self) -> Raw:
        known = {key: getattr(self, attr) for key, attr, _kind in self.FIELDS}
        return _rebuild(self.raw, known, self.extra)


# --- sync ---------------------------------------------------------------------


@dataclass
class Endpoint(_Flat):
    """One HTTP endpoint: ``url`` relative to ``baseUrl``, ``method``."""

    url: str | None = None
    method: str | None = None
    extra: Raw = field(default_factory=dict)
    raw: Raw = field(default_factory=dict, repr=False)

    FIELDS = (("url", "url", "text"), ("method", "method", "text"))

    @property
    def http_method(self) -> str:
        return (self.method or "GET").upper()


@dataclass
class Pagination(_Flat):
    """Page size parameter and limits. The page *number* is not in the format."""

    param_name: str | None = None
    default_limit: int | None = None
    max_limit: int | None = None
    extra: Raw = field(default_factory=dict)
    raw: Raw = field(default_factory=dict, repr=False)

    FIELDS = (
        ("paramName", "param_name", "text"),
        ("defaultLimit", "default_limit", "integer"),
        ("maxLimit", "max_limit", "integer"),
    )

    @property
    def page_size(self) -> int | None:
        """``defaultLimit``, never above ``maxLimit``."""
        if self.default_limit is None:
            return self.max_limit
        if self.max_limit is not None:
            return min(self.default_limit, self.max_limit)
        return self.default_limit


@dataclass
class ResponseMapping(_Flat):
    """Where a list response keeps its records and its total (dotted paths)."""

    data_property: str | None = None
    total_property: str | None = None
    extra: Raw = field(default_factory=dict)
    raw: Raw = field(default_factory=dict, repr=False)

    FIELDS = (
        ("dataProperty", "data_property", "text"),
        ("totalProperty", "total_property", "text"),
    )


@dataclass
class Resource:
    """One importable entity under ``sync.resources``."""

    key: str
    name: str | None = None
    display_name: str | None = None
    description: str | None = None
    content_type: str | None = None
    expand_details: bool | None = None
    endpoints: dict[str, Endpoint] = field(default_factory=dict)
    pagination: Pagination | None = None
    response_mapping: ResponseMapping | None = None
    #: Field name -> raw rule, exactly as written (see designer.core.mapping).
    api_mapping: Raw | None = None
    icon: str | None = None
    extra: Raw = field(default_factory=dict)
    raw: Raw = field(default_factory=dict, repr=False)
    endpoints_extra: Raw = field(default_factory=dict, repr=False)

    KEYS = (
        "name",
        "displayName",
        "description",
        "contentType",
        "expandDetails",
        "endpoints",
        "pagination",
        "responseMapping",
        "apiMapping",
        "icon",
    )

    @classmethod
    def from_raw(
        cls, key: str, raw: object, path: DocPath, diags: list[Diagnostic]
    ) -> Resource:
        r = _Reader(raw, path, diags)
        endpoints: dict[str, Endpoint] = {}
        endpoints_extra: Raw = {}
        raw_endpoints = r.obj("endpoints")
        if raw_endpoints is not None:
            for name, value in raw_endpoints.items():
                if isinstance(value, dict):
                    endpoints[name] = Endpoint.from_raw(
                        value, (*path, "endpoints", name), diags
                    )
                else:
                    endpoints_extra[name] = value
        return cls(
            key=key,
            name=r.text("name"),
            display_name=r.text("displayName"),
            description=r.text("description"),
            content_type=r.text("contentType"),
            expand_details=r.flag("expandDetails"),
            endpoints=endpoints,
            pagination=_sub(r, "pagination", Pagination.from_raw),
            response_mapping=_sub(r, "responseMapping", ResponseMapping.from_raw),
            api_mapping=r.obj("apiMapping"),
            icon=r.text("icon"),
            extra=r.extra(cls.KEYS),
            raw=r.raw,
            endpoints_extra=endpoints_extra,
        )

    @property
    def title(self) -> str:
        return self.display_name or self.name or self.key

    @property
    def list_endpoint(self) -> Endpoint | None:
        return self.endpoints.get("list")

    @property
    def details_endpoint(self) -> Endpoint | None:
        return self.endpoints.get("details")

    def to_raw(self) -> Raw:
        endpoints: Raw | None = None
        if self.endpoints or "endpoints" in self.raw:
            original = self.raw.get("endpoints")
            endpoints = _rebuild(
                original if isinstance(original, dict) else {},
                {k: v.to_raw() for k, v in self.endpoints.items()},
                self.endpoints_extra,
            )
        known = {
            "name": self.name,
            "displayName": self.display_name,
            "description": self.description,
            "contentType": self.content_type,
            "expandDetails": self.expand_details,
            "endpoints": endpoints,
            "pagination": self.pagination.to_raw() if self.pagination else None,
            "responseMapping": (
                self.response_mapping.to_raw() if self.response_mapping else None
            ),
            "apiMapping": self.api_mapping,
            "icon": self.icon,
        }
        return _rebuild(self.raw, known, self.extra)


@dataclass
class SyncConfiguration(_Flat):
    """Batch size, pacing and timeout of bulk jobs."""

    enabled: bool | None = None
    batch_size: int | None = None
    rate_limit_per_second: float | int | None = None
    #: Milliseconds, per request.
    timeout: int | None = None
    extra: Raw = field(default_factory=dict)
    raw: Raw = field(default_factory=dict, repr=False)

    FIELDS = (
        ("enabled", "enabled", "flag"),
        ("batchSize", "batch_size", "integer"),
        ("rateLimitPerSecond", "rate_limit_per_second", "number"),
        ("timeout", "timeout", "integer"),
    )


@dataclass
class Handler:
    """A realtime handler under ``sync.webhooks.handlers``, keyed by event.

    Two shapes exist: ``{recordType, operation, mapping}`` whose rules are
    JSONPath from the payload root, and ``{resource, operation, dataPath}``
    whose object at ``dataPath`` goes through that resource's ``apiMapping``.
    """

    event: str
    record_type: str | None = None
    operation: str | None = None
    mapping: Raw | None = None
    resource: str | None = None
    data_path: str | None = None
    extra: Raw = field(default_factory=dict)
    raw: Raw = field(default_factory=dict, repr=False)

    KEYS = ("recordType", "operation", "mapping", "resource", "dataPath")

    @classmethod
    def from_raw(
        cls, event: str, raw: object, path: DocPath, diags: list[Diagnostic]
    ) -> Handler:
        r = _Reader(raw, path, diags)
        return cls(
            event=event,
            record_type=r.text("recordType"),
            operation=r.text("operation"),
            mapping=r.obj("mapping"),
            resource=r.text("resource"),
            data_path=r.text("dataPath"),
            extra=r.extra(cls.KEYS),
            raw=r.raw,
        )

    @property
    def shape(self) -> str:
        """``"resource"`` for the resource + dataPath shape, else ``"mapping"``."""
        if self.resource is not None and self.mapping is None:
            return "resource"
        return "mapping"

    def to_raw(self) -> Raw:
        known = {
            "recordType": self.record_type,
            "operation": self.operation,
            "mapping": self.mapping,
            "resource": self.resource,
            "dataPath": self.data_path,
        }
        return _rebuild(self.raw, known, self.extra)


@dataclass
class SyncBlock:
    """The top-level ``sync`` block."""

    base_url: str | None = None
    #: Header name -> value; values may hold ``[[key]]`` / ``{{key}}`` placeholders.
    headers: Raw | None = None
    sync_configuration: SyncConfiguration | None = None
    resources: dict[str, Resource] = field(default_factory=dict)
    handlers: dict[str, Handler] = field(default_factory=dict)
    extra: Raw = field(default_factory=dict)
    raw: Raw = field(default_factory=dict, repr=False)
    resources_extra: Raw = field(default_factory=dict, repr=False)
    webhooks_extra: Raw = field(default_factory=dict, repr=False)
    handlers_extra: Raw = field(default_factory=dict, repr=False)

    KEYS = ("baseUrl", "headers", "syncConfiguration", "resources", "webhooks")

    @classmethod
    def from_raw(cls, raw: object, path: DocPath, diags: list[Diagnostic]) -> SyncBlock:
        r = _Reader(raw, path, diags)
        resources: dict[str, Resource] = {}
        resources_extra: Raw = {}
        for key, value in (r.obj("resources") or {}).items():
            if isinstance(value, dict):
                resources[key] = Resource.from_raw(
                    key, value, (*path, "resources", key), diags
                )
            else:
                resources_extra[key] = value
        handlers: dict[str, Handler] = {}
        handlers_extra: Raw = {}
        webhooks = _Reader(r.obj("webhooks"), (*path, "webhooks"), diags)
        raw_handlers = webhooks.obj("handlers") or {}
        for event, value in raw_handlers.items():
            if isinstance(value, dict):
                handlers[event] = Handler.from_raw(
                    event, value, (*path, "webhooks", "handlers", event), diags
                )
            else:
                handlers_extra[event] = value
        return cls(
            base_url=r.text("baseUrl"),
            headers=r.obj("headers"),
            sync_configuration=_sub(r, "syncConfiguration", SyncConfiguration.from_raw),
            resources=resources,
            handlers=handlers,
            extra=r.extra(cls.KEYS),
            raw=r.raw,
            resources_extra=resources_extra,
            webhooks_extra=webhooks.extra(("handlers",)),
            handlers_extra=handlers_extra,
        )

    def to_raw(self) -> Raw:
        resources: Raw | None = None
        if self.resources or "resources" in self.raw:
            original = self.raw.get("resources")
            resources = _rebuild(
                original if isinstance(original, dict) else {},
                {k: v.to_raw() for k, v in self.resources.items()},
                self.resources_extra,
            )
        webhooks: Raw | None = None
        original_webhooks = self.raw.get("webhooks")
        if not isinstance(original_webhooks, dict):
            original_webhooks = {}
        if self.handlers or "webhooks" in self.raw:
            original_handlers = original_webhooks.get("handlers")
            handlers = _rebuild(
                original_handlers if isinstance(original_handlers, dict) else {},
                {k: v.to_raw() for k, v in self.handlers.items()},
                self.handlers_extra,
            )
            webhooks = _rebuild(
                original_webhooks, {"handlers": handlers}, self.webhooks_extra
            )
        known = {
            "baseUrl": self.base_url,
            "headers": self.headers,
            "syncConfiguration": (
                self.sync_configuration.to_raw() if self.sync_configuration else None
            ),
            "resources": resources,
            "webhooks": webhooks,
        }
        return _rebuild(self.raw, known, self.extra)


# --- around sync ----------------------------------------------------------------


@dataclass
class Trigger(_Flat):
    """One entry of ``triggers[]``; fires when a webhook event equals ``event``."""

    event: str | None = None
    type: str | None = None
    label: str | None = None
    description: str | None = None
    extra: Raw = field(default_factory=dict)
    raw: Raw = field(default_factory=dict, repr=False)

    FIELDS = (
        ("event", "event", "text"),
        ("type", "type", "text"),
        ("label", "label", "text"),
        ("description", "description", "text"),
    )


@dataclass
class ValueSource(_Flat):
    """Where a delivery value is read: ``body`` (JSONPath), ``header`` or ``query``."""

    source: str | None = None
    path: str | None = None
    extra: Raw = field(default_factory=dict)
    raw: Raw = field(default_factory=dict, repr=False)

    FIELDS = (("source", "source", "text"), ("path", "path", "text"))


@dataclass
class EventExtraction:
    """How the event name is read; ``composite`` parts replace source/path."""

    source: str | None = None
    path: str | None = None
    fallback: ValueSource | None = None
    composite_parts: list[ValueSource] | None = None
    composite_separator: str | None = None
    raw: Raw = field(default_factory=dict, repr=False)

    @classmethod
    def from_raw(
        cls, raw: object, path: DocPath, diags: list[Diagnostic]
    ) -> EventExtraction:
        r = _Reader(raw, path, diags)
        composite = r.obj("compositeStrategy")
        parts: list[ValueSource] | None = None
        separator: str | None = None
        if composite is not None:
            cr = _Reader(composite, (*path, "compositeStrategy"), diags)
            parts = [
                ValueSource.from_raw(p, (*path, "compositeStrategy", "parts", i), diags)
                for i, p in enumerate(cr.array("parts") or [])
            ]
            separator = cr.text("separator")
        return cls(
            r.text("source"),
            r.text("path"),
            _sub(r, "fallback", ValueSource.from_raw),
            parts,
            separator,
            r.raw,
        )


@dataclass
class Verification(_Flat):
    """How a delivery is verified (``hmac-sha256``, ``header-token``, ...)."""

    type: str | None = None
    header_name: str | None = None
    #: The NAME of the stored secret, never its value.
    secret_key: str | None = None
    timestamp_header: str | None = None
    encoding: str | None = None
    extra: Raw = field(default_factory=dict)
    raw: Raw = field(default_factory=dict, repr=False)

    FIELDS = (
        ("type", "type", "text"),
        ("headerName", "header_name", "text"),
        ("secretKey", "secret_key", "text"),
        ("timestampHeader", "timestamp_header", "text"),
        ("encoding", "encoding", "text"),
    )


@dataclass
class TransactionId:
    """The de-duplication key of a delivery."""

    paths: list[str] = field(default_factory=list)
    separator: str | None = None
    fallback: str | None = None
    #: Event -> raw override (``{paths, separator}``).
    overrides: Raw = field(default_factory=dict)
    raw: Raw = field(default_factory=dict, repr=False)

    @classmethod
    def from_raw(
        cls, raw: object, path: DocPath, diags: list[Diagnostic]
    ) -> TransactionId:
        r = _Reader(raw, path, diags)
        paths = [p for p in (r.array("paths") or []) if isinstance(p, str)]
        return cls(
            paths,
            r.text("separator"),
            r.text("fallback"),
            r.obj("overrides") or {},
            r.raw,
        )


@dataclass
class CustomerExtraction:
    """The customer of a delivery: ``mapping`` relative to ``basePath``."""

    base_path: str | None = None
    mapping: Raw = field(default_factory=dict)
    #: Event -> raw override (``{basePath, mapping}``).
    overrides: Raw = field(default_factory=dict)
    raw: Raw = field(default_factory=dict, repr=False)

    @classmethod
    def from_raw(
        cls, raw: object, path: DocPath, diags: list[Diagnostic]
    ) -> CustomerExtraction:
        r = _Reader(raw, path, diags)
        return cls(
            r.text("basePath"), r.obj("mapping") or {}, r.obj("overrides") or {}, r.raw
        )


@dataclass
class WebhookBlock:
    """The top-level ``webhook`` block: how an incoming delivery is read."""

    event_extraction: EventExtraction | None = None
    transaction_id: TransactionId | None = None
    verification: Verification | None = None
    challenge_response: Raw | None = None
    customer_extraction: CustomerExtraction | None = None
    response: Raw | None = None
    raw: Raw = field(default_factory=dict, repr=False)

    @classmethod
    def from_raw(
        cls, raw: object, path: DocPath, diags: list[Diagnostic]
    ) -> WebhookBlock:
        r = _Reader(raw, path, diags)
        return cls(
            _sub(r, "eventExtraction", EventExtraction.from_raw),
            _sub(r, "transactionId", TransactionId.from_raw),
            _sub(r, "verification", Verification.from_raw),
            r.obj("challengeResponse"),
            _sub(r, "customerExtraction", CustomerExtraction.from_raw),
            r.obj("response"),
            r.raw,
        )


@dataclass
class MiniApp:
    """A whole MiniApp document with typed views of the parts the designer uses.

    ``document`` is the raw document; only ``sync`` is ever written back (see
    :meth:`sync_raw`), so the typed views of ``triggers`` and ``webhook`` are
    read-only.
    """

    document: Raw
    sync: SyncBlock | None
    triggers: list[Trigger]
    webhook: WebhookBlock | None
    diagnostics: list[Diagnostic]

    @classmethod
    def from_document(cls, document: Raw) -> MiniApp:
        diags: list[Diagnostic] = []
        r = _Reader(document, (), diags)
        sync = _sub(r, "sync", SyncBlock.from_raw)
        triggers = [
            Trigger.from_raw(t, ("triggers", i), diags)
            for i, t in enumerate(r.array("triggers") or [])
        ]
        webhook = _sub(r, "webhook", WebhookBlock.from_raw)
        return cls(document, sync, triggers, webhook, diags)

    @property
    def namespace(self) -> str | None:
        ns = self.document.get("ns")
        return ns if isinstance(ns, str) else None

    @property
    def trigger_events(self) -> list[str]:
        return [t.event for t in self.triggers if t.event]

    def sync_raw(self) -> Raw | None:
        """The ``sync`` block as raw values, with every unknown field in place."""
        return self.sync.to_raw() if self.sync is not None else None
