"""The rule a drop writes: pure functions from a dragged path to a raw mapping rule.

No Qt here, so the decisions are tested with plain pytest (and could move to
the core). Three frames of reference exist, and each drop is written in its
target's frame:

* a resource ``apiMapping`` rule is a **dotted path relative to the record**:
  dragging ``data[3].price.amount`` from a list response whose records sit at
  ``data`` writes ``price.amount``. An index *inside* the record is kept
  (``items[0].sku``).
* a handler ``mapping`` rule is a **JSONPath from the payload root**:
  ``$.data['line items'][1].sku``.
* an item rule inside a ``mapItems`` mapping is a **dotted path relative to
  the item**, in both cases: dragging from inside one item strips the array's
  path and the item index.

Keys are quoted by :mod:`designer.core.paths` only; this module never quotes.

Decisions made here (also in the user documentation):

* Dropping onto a field that already has a path rule adds the new path as a
  fallback: ``{paths: [old, new], transform: 'coalesce'}``. A rule holds one
  transform, so an old ``toString`` or ``toNumberOrNull`` cannot be kept next
  to ``coalesce``; it is dropped and the outcome's ``note`` says so (the user
  can undo, or pick *replace*).
* Dropping onto a field whose rule is not a path (``compute``, a literal
  value, code) replaces it in the default mode, with a note.
* Dropping an array onto a field whose catalogue type is ``array`` writes
  ``{path, transform: 'mapItems', mapping: {}}``; dropping an array onto a
  field that already maps items keeps its inner ``mapping`` and changes the
  path only.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from designer.core import paths
from designer.core.values import Code

Segments = tuple[str | int, ...]

#: The transforms the designer offers, in the order the editor lists them.
TRANSFORMS = (
    "toString",
    "toNumberOrNull",
    "coalesce",
    "compute",
    "mapItems",
    "joinCodes",
)


class RuleError(Exception):
    """A drop or edit that cannot become a rule; the message says why and what to do."""


class Dialect(StrEnum):
    DOTTED = "dotted"
    JSONPATH = "jsonpath"


class DropMode(StrEnum):
    #: Replace an empty or non-path rule; add a fallback to a path rule.
    AUTO = "auto"
    REPLACE = "replace"
    COALESCE = "coalesce"


@dataclass(frozen=True, slots=True)
class DropOutcome:
    """The rule a drop gives, and a note for the user when something was decided."""

    rule: Any
    note: str | None = None
    changed: bool = True


# ------------------------------------------------------------------ frames of reference


def relative_to_record(
    segments: Sequence[str | int], record_prefix: Sequence[str | int] | None
) -> Segments:
    """The part of ``segments`` inside one record of the list at ``record_prefix``.

    ``None`` means the payload is one record (a details response): the path
    is already relative. Raises :class:`RuleError` for a path outside the
    records, such as ``pagination.total`` of a list response.
    """
    segs = tuple(segments)
    if record_prefix is None:
        return segs
    prefix = tuple(record_prefix)
    depth = len(prefix)
    if len(segs) <= depth or segs[:depth] != prefix or not isinstance(segs[depth], int):
        where = paths.render_dotted(prefix) or "the root"
        raise RuleError(
            f"{paths.render_jsonpath(segs)} is not inside a record (records are "
            f"the items of {where}); an apiMapping rule reads one record. Drag a "
            "value from inside one of the records."
        )
    return segs[depth + 1 :]


def relative_to_item(
    segments: Sequence[str | int], items_path: Sequence[str | int]
) -> Segments:
    """The part of ``segments`` inside one item of the array at ``items_path``."""
    segs = tuple(segments)
    prefix = tuple(items_path)
    depth = len(prefix)
    if (
        len(segs) <= depth + 1
        or segs[:depth] != prefix
        or not isinstance(segs[depth], int)
    ):
        raise RuleError(
            f"{paths.render_dotted(segs) or 'the root'} is not inside one item of "
            f"{paths.render_dotted(prefix) or 'the array'}; drag a value from inside "
            "one of its items."
        )
    return segs[depth + 1 :]


def render(segments: Sequence[str | int], dialect: Dialect | str) -> str:
    if Dialect(dialect) is Dialect.JSONPATH:
        return paths.render_jsonpath(segments)
    if not segments:
        raise RuleError("the whole record cannot be a field's value; drag one value")
    return paths.render_dotted(segments)


def parse_path(text: str, dialect: Dialect | str) -> Segments | None:
    """Segments of a plain path written in ``dialect``; None when not a plain chain."""
    try:
        if Dialect(dialect) is Dialect.JSONPATH:
            return paths.parse_jsonpath(text)
        return tuple(paths.parse_dotted(text))
    except paths.PathError:
        return None


# ---------------------------------------------------------------------- rule anatomy


def rule_paths(rule: Any) -> list[str]:
    """The paths a rule reads, in order (none for literals, code, unknown shapes)."""
    if isinstance(rule, str):
        return [rule]
    if isinstance(rule, Mapping):
        found = rule.get("paths")
        if isinstance(found, list):
            return [p for p in found if isinstance(p, str)]
        single = rule.get("path")
        if isinstance(single, str):
            return [single]
    return []


def rule_transform(rule: Any) -> str | None:
    if isinstance(rule, Mapping):
        transform = rule.get("transform")
        return transform if isinstance(transform, str) else None
    return None


def is_path_rule(rule: Any) -> bool:
    """True for a rule that only reads paths: a string, ``{path}``, or coalesce."""
    if isinstance(rule, str):
        return True
    if not isinstance(rule, Mapping) or not rule_paths(rule):
        return False
    return rule_transform(rule) in (None, "coalesce", "toString", "toNumberOrNull")


def is_items_rule(rule: Any) -> bool:
    return rule_transform(rule) == "mapItems"


def item_mapping(rule: Any) -> dict[str, Any]:
    """The inner ``mapping`` of a mapItems rule (empty when it has none)."""
    if isinstance(rule, Mapping) and isinstance(rule.get("mapping"), Mapping):
        return dict(rule["mapping"])
    return {}


# ------------------------------------------------------------------------------ drops


def rule_for_drop(
    existing_rule: Any,
    dropped_segments: Sequence[str | int],
    *,
    dialect: Dialect | str,
    record_prefix: Sequence[str | int] | None = None,
    is_array: bool = False,
    field_type: str | None = None,
    mode: DropMode | str = DropMode.AUTO,
) -> DropOutcome:
    """The rule a field gets when ``dropped_segments`` is dropped on it.

    ``dropped_segments`` is the full path from the payload root. For the
    dotted dialect ``record_prefix`` is the path of the records array (None
    when the payload is a single record); the JSONPath dialect ignores it.
    ``is_array`` says the dropped value is an array and ``field_type`` is the
    field's catalogue type: an array onto an ``array`` field maps items.
    """
    if Dialect(dialect) is Dialect.DOTTED:
        relative = relative_to_record(dropped_segments, record_prefix)
    else:
        relative = tuple(dropped_segments)
    new_path = render(relative, dialect)
    return _combine(existing_rule, new_path, is_array and field_type == "array", mode)


def item_rule_for_drop(
    existing_rule: Any,
    dropped_segments: Sequence[str | int],
    *,
    items_rule: Any,
    dialect: Dialect | str,
    record_prefix: Sequence[str | int] | None = None,
    mode: DropMode | str = DropMode.AUTO,
) -> DropOutcome:
    """The inner rule of an item field when a path from inside one item is dropped.

    ``items_rule`` is the field's mapItems rule (in ``dialect``, the outer
    mapping's); its path says where the items are. The inner rule is always a
    dotted path relative to the item.
    """
    outer = rule_paths(items_rule)
    if not outer:
        raise RuleError(
            "the field has no mapItems path yet: drop the array itself on the "
            "field first, then drop values from inside one item on its item fields"
        )
    items_path = parse_path(outer[0], dialect)
    if items_path is None:
        raise RuleError(
            f"the mapItems path {outer[0]!r} is not a plain path, so the designer "
            "cannot tell which part of a dragged path is inside an item; write the "
            "item rule in the rule editor"
        )
    if Dialect(dialect) is Dialect.DOTTED:
        in_record = relative_to_record(dropped_segments, record_prefix)
    else:
        in_record = tuple(dropped_segments)
    inner = relative_to_item(in_record, items_path)
    return _combine(existing_rule, render(inner, Dialect.DOTTED), False, mode)


def _combine(
    existing: Any, new_path: str, maps_items: bool, mode: DropMode | str
) -> DropOutcome:
    mode = DropMode(mode)
    if maps_items:
        if is_items_rule(existing):
            if rule_paths(existing) == [new_path]:
                return DropOutcome(
                    existing, "the field already maps these items", False
                )
            updated = dict(existing)
            updated.pop("paths", None)
            updated["path"] = new_path
            return DropOutcome(updated, "kept the item mapping; changed its path")
        return DropOutcome({"path": new_path, "transform": "mapItems", "mapping": {}})
    if existing is None or mode is DropMode.REPLACE:
        return DropOutcome(new_path)
    old_paths = rule_paths(existing)
    if new_path in old_paths:
        return DropOutcome(existing, f"{new_path} is already in this rule", False)
    if not is_path_rule(existing):
        if mode is DropMode.COALESCE:
            raise RuleError(
                f"the field's {describe_kind(existing)} rule reads no plain path, "
                "so there is nothing to add a fallback to; replace it instead"
            )
        return DropOutcome(new_path, f"replaced the {describe_kind(existing)} rule")
    note = None
    old_transform = rule_transform(existing)
    if old_transform not in (None, "coalesce"):
        note = f"dropped {old_transform}: a coalesce rule holds one transform"
    rule: dict[str, Any] = {}
    if isinstance(existing, Mapping):
        rule.update(
            (k, v)
            for k, v in existing.items()
            if k not in ("path", "paths", "transform")
        )
    rule = {"paths": [*old_paths, new_path], "transform": "coalesce", **rule}
    return DropOutcome(rule, note)


def describe_kind(rule: Any) -> str:
    if isinstance(rule, Code):
        return "code"
    transform = rule_transform(rule)
    if transform:
        return transform
    if isinstance(rule, Mapping) and "value" in rule:
        return "literal value"
    return "custom"


# ------------------------------------------------------------------------ transforms


def with_transform(
    rule: Any, transform: str | None, *, fn: str | None = None, value: Any = None
) -> Any:
    """``rule`` rewritten to use ``transform`` (None: a bare path; "literal": a value).

    Paths already in the rule are kept; transforms that read one path take the
    first. Raises :class:`RuleError` when the rule has no path to transform.
    """
    if transform == "literal":
        return {"value": value}
    found = rule_paths(rule)
    if not found:
        raise RuleError(
            "the field has no path yet: drop a path from the payload tree on it "
            "before choosing a transform"
        )
    extra = _extra_keys(rule)
    if transform is None:
        return found[0]
    if transform == "coalesce":
        return {"paths": found, "transform": "coalesce", **extra}
    if transform == "mapItems":
        return {
            "path": found[0],
            "transform": "mapItems",
            "mapping": item_mapping(rule),
            **extra,
        }
    if transform == "compute":
        return _compute_rule(rule, found, fn)
    return {"path": found[0], "transform": transform, **extra}


def _compute_rule(rule: Any, found: list[str], fn: str | None) -> dict[str, Any]:
    """A compute rule for ``fn`` that reads ``found`` through the fn's path arguments.

    Text arguments the rule already has are kept; the fn's own keys are taken
    from :data:`designer.core.compute.REGISTRY`.
    """
    from designer.core.compute import REGISTRY, ArgKind

    previous = rule.get("fn") if isinstance(rule, Mapping) else None
    name = fn if fn is not None else previous
    out: dict[str, Any] = {"transform": "compute"}
    if isinstance(name, str):
        out["fn"] = name
    spec = REGISTRY.get(name) if isinstance(name, str) else None
    if spec is None:
        out["path"] = found[0]
        return out
    for arg in spec.args:
        if arg.kind is ArgKind.PATH:
            out[arg.name] = found[0]
        elif arg.kind is ArgKind.PATHS:
            out[arg.name] = list(found)
        elif isinstance(rule, Mapping) and arg.name in rule:
            out[arg.name] = rule[arg.name]
    return out


def _extra_keys(rule: Any) -> dict[str, Any]:
    """Keys of a rule that no transform choice owns (kept across a change)."""
    if not isinstance(rule, Mapping):
        return {}
    owned = ("path", "paths", "transform", "fn", "mapping", "value")
    return {k: v for k, v in rule.items() if k not in owned}


def with_item_rule(items_rule: Any, item_field: str, inner: Any) -> Any:
    """A mapItems rule with ``item_field``'s inner rule set (None removes it)."""
    if not is_items_rule(items_rule):
        raise RuleError(
            "the field does not map items: give it a mapItems rule (drop the array "
            "on it) before mapping item fields"
        )
    inner_mapping = item_mapping(items_rule)
    if inner is None:
        inner_mapping.pop(item_field, None)
    else:
        inner_mapping[item_field] = inner
    out = dict(items_rule)
    out["mapping"] = inner_mapping
    return out


# ------------------------------------------------------------------------- rendering


def compact(rule: Any, limit: int = 80) -> str:
    """A one-line summary of a rule for a narrow column.

    ``price.amount``, ``toString(id)``, ``coalesce(a, b)``, ``mapItems(items) {2}``,
    ``compute:fullName(name)``, ``= "salla"``.
    """
    text = _compact(rule)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _compact(rule: Any) -> str:
    if rule is None:
        return ""
    if isinstance(rule, str):
        return rule
    if isinstance(rule, Code):
        return "code: " + " ".join(rule.text.split())
    if not isinstance(rule, Mapping):
        return _json(rule)
    found = rule_paths(rule)
    transform = rule_transform(rule)
    if "value" in rule and not found:
        return "= " + _json(rule["value"])
    args = ", ".join(found)
    if transform is None:
        return args or _json(rule)
    if transform == "mapItems":
        return f"mapItems({args}) {{{len(item_mapping(rule))}}}"
    if transform == "compute":
        fn = rule.get("fn")
        name = fn if isinstance(fn, str) else "?"
        return f"compute:{name}({args})"
    return f"{transform}({args})"


def _json(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)
