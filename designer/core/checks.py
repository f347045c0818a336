"""``check``: what is wrong with a MiniApp's sync block, where, and how to fix it.

Every finding is a :class:`Diagnostic` with a stable code:

==========================  =========================================================
code                        meaning
==========================  =========================================================
``no-sync``                 the document has no ``sync`` block
``type-mismatch``           a known field holds a value of the wrong type
``unknown-content-type``    ``contentType`` is not in the catalogue
``required-unmapped``       a required field of the content type has no rule
``event-without-trigger``   a handler event equals no ``triggers[].event``
``handler-unknown-resource`` a ``resource`` handler names a resource that is not there
``handler-shape``           a handler has neither ``mapping`` nor ``resource``
``data-property``           ``dataProperty`` does not resolve on the sample list
``total-property``          ``totalProperty`` does not resolve on the sample list
``limit-above-max``         ``defaultLimit`` is above ``maxLimit``
``details-without-id``      ``expandDetails`` without a details URL holding ``{id}``
``no-list-endpoint``        a resource has no ``endpoints.list``
``insecure-base-url``       ``baseUrl`` is not https
``literal-secret``          a credential is written where a placeholder belongs
(mapping codes)             see :mod:`designer.core.mapping`
==========================  =========================================================
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from designer.core import mapping as mapping_engine
from designer.core import paths
from designer.core.catalogue import Catalogue, ContentType
from designer.core.diagnostics import Diagnostic, DocPath, Severity, closest
from designer.core.model import Handler, MiniApp, Resource
from designer.core.secrets import find_literal_secrets

#: Finds the source location of a document path (see MiniAppSource.location).
Locate = Callable[[DocPath], Any]

#: A sample list response per resource key, for the responseMapping checks.
Samples = dict[str, Any]


def check(
    app: MiniApp,
    catalogue: Catalogue,
    *,
    samples: Samples | None = None,
    locate: Locate | None = None,
) -> list[Diagnostic]:
    """All diagnostics for ``app``, each with its source location when known."""
    found: list[Diagnostic] = list(app.diagnostics)
    sync = app.sync
    if sync is None:
        found.append(
            Diagnostic(
                Severity.ERROR,
                "no-sync",
                "The MiniApp has no sync block.",
                fix="Add a top-level `sync: { baseUrl, headers, resources }` block.",
                path=(),
            )
        )
    else:
        found += _check_base(app)
        for resource in sync.resources.values():
            found += _check_resource(resource, catalogue, samples or {})
        for handler in sync.handlers.values():
            found += _check_handler(app, handler, catalogue)
    if locate is not None:
        found = [_located(d, locate) for d in found]
    order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    found.sort(key=lambda d: order[d.severity])
    return found


def _located(diag: Diagnostic, locate: Locate) -> Diagnostic:
    if diag.location is not None or diag.path is None:
        return diag
    from dataclasses import replace

    return replace(diag, location=locate(diag.path))


def _check_base(app: MiniApp) -> list[Diagnostic]:
    assert app.sync is not None
    out: list[Diagnostic] = []
    base = app.sync.base_url
    if base is None:
        out.append(
            Diagnostic(
                Severity.ERROR,
                "no-base-url",
                "sync.baseUrl is missing: requests have no address.",
                fix="Set `baseUrl` to the API root, for example 'https://api.example.com/v2'.",
                path=("sync",),
            )
        )
    elif not base.lower().startswith("https://"):
        out.append(
            Diagnostic(
                Severity.WARNING if base.startswith("http://") else Severity.ERROR,
                "insecure-base-url",
                f"sync.baseUrl {base!r} is not an https URL; credentials would travel "
                "in the clear.",
                fix="Use the provider's https address (point the designer at a local "
                "mock provider with --base-url instead of editing the MiniApp).",
                path=("sync", "baseUrl"),
            )
        )
    for secret in find_literal_secrets(app.sync.raw):
        out.append(
            Diagnostic(
                Severity.ERROR,
                "literal-secret",
                f"{secret.reason}; a MiniApp must never carry a credential.",
                fix=f"Write {secret.suggestion!r} and enter the value as a credential "
                "when testing.",
                path=secret.path,
            )
        )
    return out


def _mapping_diagnostics(raw: Any, where: DocPath) -> list[Diagnostic]:
    if not isinstance(raw, dict):
        return []
    return list(mapping_engine.compile_mapping(raw, where=where).diagnostics)


def _required(
    content_type: ContentType, rules: dict[str, Any], where: DocPath, owner: str
) -> list[Diagnostic]:
    out = []
    for spec in content_type.required:
        if spec.name not in rules:
            out.append(
                Diagnostic(
                    Severity.ERROR,
                    "required-unmapped",
                    f"{owner}: required field {spec.name!r} of {content_type.id} "
                    "has no rule.",
                    fix=f"Map {spec.name!r} ({spec.type}: {spec.description}).",
                    field=spec.name,
                    path=where,
                )
            )
    return out


def _only_code(content_type: ContentType) -> ContentType:
    from dataclasses import replace

    fields = tuple(replace(f, required=f.name == "code") for f in content_type.fields)
    return replace(content_type, fields=fields)


def _content_type(
    catalogue: Catalogue, type_id: str, where: DocPath, owner: str
) -> tuple[ContentType | None, list[Diagnostic]]:
    found = catalogue.get(type_id)
    if found is not None:
        return found, []
    hint = catalogue.suggest(type_id)
    fix = (
        f"Did you mean {hint!r}?"
        if hint
        else ("Use one of: " + ", ".join(sorted(catalogue.types)))
    )
    return None, [
        Diagnostic(
            Severity.WARNING,
            "unknown-content-type",
            f"{owner}: content type {type_id!r} is not in the catalogue, so its "
            "required fields cannot be checked.",
            fix=fix + " Or add a catalogue file that defines it.",
            path=where,
        )
    ]


def _check_resource(
    resource: Resource, catalogue: Catalogue, samples: Samples
) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    where: DocPath = ("sync", "resources", resource.key)
    owner = f"resource {resource.key!r}"
    if resource.list_endpoint is None or not resource.list_endpoint.url:
        out.append(
            Diagnostic(
                Severity.ERROR,
                "no-list-endpoint",
                f"{owner} has no endpoints.list url, so it cannot be imported.",
                fix="Add `endpoints: { list: { url: '/things', method: 'GET' } }`.",
                path=where,
            )
        )
    if resource.expand_details:
        details = resource.details_endpoint
        if details is None or not details.url or "{id}" not in details.url:
            out.append(
                Diagnostic(
                    Severity.ERROR,
                    "details-without-id",
                    f"{owner} sets expandDetails, but endpoints.details has no url "
                    "with {id}.",
                    fix="Add `details: { url: '/things/{id}', method: 'GET' }` or set "
                    "expandDetails to false.",
                    path=(*where, "expandDetails"),
                )
            )
    pagination = resource.pagination
    if (
        pagination is not None
        and pagination.default_limit is not None
        and pagination.max_limit is not None
        and pagination.default_limit > pagination.max_limit
    ):
        out.append(
            Diagnostic(
                Severity.ERROR,
                "limit-above-max",
                f"{owner}: defaultLimit {pagination.default_limit} is above maxLimit "
                f"{pagination.max_limit}.",
                fix=f"Lower defaultLimit to {pagination.max_limit} or less.",
                path=(*where, "pagination", "defaultLimit"),
            )
        )
    if resource.key in samples:
        out += _check_response_mapping(resource, samples[resource.key], where, owner)
    rules = resource.api_mapping
    if rules is None:
        out.append(
            Diagnostic(
                Severity.ERROR,
                "no-api-mapping",
                f"{owner} has no apiMapping: its records would be empty.",
                fix="Add `apiMapping: { code: { path: 'id', transform: 'toString' } }`"
                ".",
                path=where,
            )
        )
        rules = {}
    else:
        out += _mapping_diagnostics(rules, (*where, "apiMapping"))
    if resource.content_type is None:
        out.append(
            Diagnostic(
                Severity.ERROR,
                "no-content-type",
                f"{owner} has no contentType.",
                fix="Set contentType, for example 'core:product'.",
                path=where,
            )
        )
    else:
        content_type, diags = _content_type(
            catalogue, resource.content_type, (*where, "contentType"), owner
        )
        out += diags
        if content_type is not None:
            out += _required(content_type, rules, (*where, "apiMapping"), owner)
    return out


def _check_response_mapping(
    resource: Resource, body: Any, where: DocPath, owner: str
) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    response_mapping = resource.response_mapping
    for attr, code, key in (
        ("data_property", "data-property", "dataProperty"),
        ("total_property", "total-property", "totalProperty"),
    ):
        text = getattr(response_mapping, attr) if response_mapping else None
        if text is None:
            if attr == "data_property" and not isinstance(body, list):
                keys = list(body)[:8] if isinstance(body, dict) else []
                arrays = [k for k in keys if isinstance(body[k], list)]
                out.append(
                    Diagnostic(
                        Severity.WARNING,
                        code,
                        f"{owner}: the sample list response is not a bare array and "
                        "responseMapping.dataProperty is not set.",
                        fix=(
                            f"Set dataProperty to {arrays[0]!r}."
                            if arrays
                            else "Set responseMapping.dataProperty to the records' key."
                        ),
                        path=where,
                    )
                )
            continue
        try:
            segments = paths.parse_dotted(text)
        except paths.PathError as exc:
            out.append(
                Diagnostic(
                    Severity.ERROR,
                    code,
                    f"{owner}: {key} {text!r} is not a valid path: {exc}",
                    fix="Write a dotted path such as 'data' or 'pagination.total'.",
                    path=(*where, "responseMapping", key),
                )
            )
            continue
        found = paths.resolve(body, segments)
        if not found.found:
            out.append(
                Diagnostic(
                    Severity.ERROR,
                    code,
                    f"{owner}: {key} {text!r} does not resolve on the sample list "
                    f"response: {found.reason}.",
                    fix=f"Point {key} at the right place of the response.",
                    path=(*where, "responseMapping", key),
                )
            )
        elif attr == "data_property" and not isinstance(found.value, list):
            out.append(
                Diagnostic(
                    Severity.ERROR,
                    code,
                    f"{owner}: dataProperty {text!r} is not an array in the sample "
                    "list response.",
                    fix="Point dataProperty at the array of records.",
                    path=(*where, "responseMapping", key),
                )
            )
        elif attr == "total_property" and not _is_count(found.value):
            out.append(
                Diagnostic(
                    Severity.WARNING,
                    code,
                    f"{owner}: totalProperty {text!r} is {found.value!r}, not a count.",
                    fix="Point totalProperty at the total number of records.",
                    path=(*where, "responseMapping", key),
                )
            )
    return out


def _is_count(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return value >= 0
    return isinstance(value, str) and value.strip().isdigit()


def _check_handler(
    app: MiniApp, handler: Handler, catalogue: Catalogue
) -> list[Diagnostic]:
    assert app.sync is not None
    out: list[Diagnostic] = []
    where: DocPath = ("sync", "webhooks", "handlers", handler.event)
    owner = f"handler {handler.event!r}"
    events = app.trigger_events
    if handler.event not in events:
        hint = closest(handler.event, events)
        out.append(
            Diagnostic(
                Severity.WARNING,
                "event-without-trigger",
                f"{owner} equals no triggers[].event, so no automation can react "
                "after it is processed.",
                fix=(
                    f"Did you mean {hint!r}? Handler keys must equal trigger events "
                    "exactly."
                    if hint
                    else f"Add a trigger with event {handler.event!r}."
                ),
                path=where,
            )
        )
    if handler.shape == "resource":
        resource = app.sync.resources.get(handler.resource or "")
        if resource is None:
            hint = closest(handler.resource or "", list(app.sync.resources))
            out.append(
                Diagnostic(
                    Severity.ERROR,
                    "handler-unknown-resource",
                    f"{owner} names resource {handler.resource!r}, which is not in "
                    "sync.resources.",
                    fix=f"Did you mean {hint!r}?" if hint else "Name a resource key.",
                    path=(*where, "resource"),
                )
            )
        if handler.data_path is None:
            out.append(
                Diagnostic(
                    Severity.WARNING,
                    "handler-no-data-path",
                    f"{owner} has no dataPath; the whole payload will be mapped.",
                    fix="Set dataPath, for example '$.data'.",
                    path=where,
                )
            )
        return out
    if handler.mapping is None:
        out.append(
            Diagnostic(
                Severity.ERROR,
                "handler-shape",
                f"{owner} has neither mapping nor resource.",
                fix="Add `mapping: { code: '$.data.id', ... }` or "
                "`resource: 'orders', dataPath: '$.data'`.",
                path=where,
            )
        )
        return out
    out += _mapping_diagnostics(handler.mapping, (*where, "mapping"))
    if handler.record_type is not None:
        content_type = catalogue.by_record_type(handler.record_type)
        if content_type is None:
            hint = closest(
                handler.record_type, [t.record_type for t in catalogue.types.values()]
            )
            out.append(
                Diagnostic(
                    Severity.WARNING,
                    "unknown-record-type",
                    f"{owner}: record type {handler.record_type!r} is not in the "
                    "catalogue.",
                    fix=f"Did you mean {hint!r}?"
                    if hint
                    else "Use 'order' or 'abandonedCart'.",
                    path=(*where, "recordType"),
                )
            )
        else:
            if handler.operation == "update":
                # An update changes fields of a record that exists: only the id
                # that finds it is required (the designer's reading of the docs).
                content_type = _only_code(content_type)
            out += _required(content_type, handler.mapping, (*where, "mapping"), owner)
    return out
