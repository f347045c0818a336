"""Mapping rules evaluated by :mod:`designer.core.mapping`, as webhook results."""

from __future__ import annotations

from typing import Any

from designer.core.catalogue import ContentType
from designer.core.diagnostics import Diagnostic, DocPath
from designer.core.mapping import FieldStatus, compile_mapping
from designer.core.paths import MISSING
from designer.core.webhook.results import FieldResult


def evaluate_mapping(
    mapping: Any,
    data: Any,
    *,
    where: DocPath = (),
    content_type: ContentType | None = None,
) -> tuple[list[FieldResult], dict[str, Any], list[Diagnostic]]:
    """Each field's result, the mapped record (missing fields left out), diagnostics.

    With ``content_type``, values of the wrong type are flagged.
    """
    compiled = compile_mapping(
        mapping,
        where=where,
        types=content_type.field_types() if content_type else None,
        item_types=content_type.item_field_types() if content_type else None,
    )
    mapped = compiled.evaluate(data)
    fields = []
    for name, result in mapped.fields.items():
        value = None if result.value is MISSING else result.value
        trace = (result.trace, *(w.message for w in result.warnings))
        fields.append(FieldResult(name, str(result.status), value, trace))
    return fields, mapped.values(), list(compiled.diagnostics)


__all__ = ["FieldStatus", "evaluate_mapping"]
