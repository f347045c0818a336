"""A small evaluator of mapping rules, until ``designer.core.mapping`` lands.

TODO(integration): use designer.core.mapping.compile_mapping / evaluate. It
covers plain paths, ``{path, transform}`` with the simple transforms and
``coalesce``; other transforms pass the value through and say so.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from designer.core.webhook._paths import lookup
from designer.core.webhook.results import FieldResult


def _empty(value: Any) -> bool:
    return value is None or value == ""


def _transform(name: str, value: Any) -> tuple[Any, str | None]:
    """The transformed value and a note when the transform is not evaluated."""
    if name == "toString":
        if value is None:
            return None, None
        if isinstance(value, bool):
            return ("true" if value else "false"), None
        return str(value), None
    if name == "toNumberOrNull":
        if isinstance(value, bool) or value is None:
            return None, None
        if isinstance(value, int | float):
            return value, None
        try:
            number = float(str(value))
        except ValueError:
            return None, None
        return (int(number) if number.is_integer() else number), None
    return value, f"transform {name!r} is not evaluated here; value shown as read"


def evaluate_rule(field: str, rule: Any, data: Any) -> FieldResult:
    """One field of a mapping: its value, status and how it was found."""
    if isinstance(rule, str):
        rule = {"path": rule}
    if not isinstance(rule, Mapping):
        return FieldResult(
            field, "error", None, (f"rule is not a path or object: {rule!r}",)
        )
    transform = rule.get("transform")
    paths = rule.get("paths")
    if isinstance(paths, list):
        trace = []
        for path in paths:
            if not isinstance(path, str):
                continue
            found = lookup(data, path)
            if found.error:
                return FieldResult(field, "error", None, (found.error,))
            if found.found and not _empty(found.value):
                trace.append(f"{path} supplied the value")
                return FieldResult(field, "ok", found.value, tuple(trace))
            trace.append(f"{path}: {'empty' if found.found else 'not found'}")
        return FieldResult(field, "missing", None, tuple(trace))
    path = rule.get("path")
    if not isinstance(path, str):
        return FieldResult(field, "error", None, ("rule has no 'path' or 'paths'",))
    found = lookup(data, path)
    if found.error:
        return FieldResult(field, "error", None, (found.error,))
    if not found.found:
        return FieldResult(field, "missing", None, (f"{path}: not found",))
    trace_list = [f"read {path}"]
    value = found.value
    if isinstance(transform, str):
        value, note = _transform(transform, value)
        trace_list.append(note or f"applied {transform}")
    return FieldResult(field, "ok", value, tuple(trace_list))


def evaluate_mapping(mapping: Mapping[str, Any], data: Any) -> list[FieldResult]:
    return [evaluate_rule(name, rule, data) for name, rule in mapping.items()]
