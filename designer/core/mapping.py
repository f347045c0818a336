"""Mapping rules: compile them once, then map records with or without a trace.

A mapping (``apiMapping`` of a resource, ``mapping`` of a webhook handler) is
an object of ``field: rule``. The rule forms:

==========================================================  ==========================
rule                                                        gives
==========================================================  ==========================
``'price.amount'``                                          the value at the path
``{path: 'id'}``                                            the same
``{path: 'id', transform: 'toString'}``                     the value, transformed
``{paths: ['a', 'b'], transform: 'coalesce'}``              the first non-empty value
``{transform: 'compute', fn: 'joinPhone', paths: [...]}``   a compute function's result
``{path: 'items', transform: 'mapItems', mapping: {...}}``  each item mapped
``{value: 'store'}``, ``5``, ``true``, ``null``             that literal
==========================================================  ==========================

A path starting with ``$`` is JSONPath from the mapping's root (the webhook
payload for handlers, the item inside ``mapItems``); any other path is a
dotted path relative to that root. See :mod:`designer.core.paths`.

Transform semantics (the designer's choices where the platform documents
none; the user guide quotes this table):

==================  ====================================================================
transform           result
==================  ====================================================================
``toString``        Text stays text. Integers are written exactly at any size
                    (``1610521604143693812`` gives ``"1610521604143693812"``). Floats
                    are written as JavaScript writes them: ``10.0`` gives ``"10"``,
                    ``10.5`` gives ``"10.5"``. Booleans give ``"true"``/``"false"``.
                    null stays null. An object or a list is an error.
``toNumberOrNull``  Numbers pass (booleans do not). Text holding a plain number, after
                    trimming spaces, is parsed: ``"10.50"`` gives 10.5, ``" 7 "`` gives
                    7, ``"-3"`` gives -3, ``"1e3"`` gives 1000.0; text with no fraction
                    or exponent gives an exact integer. Anything else gives null with a
                    warning saying why (``"1,234.00"``: a thousands separator;
                    ``"١٢٣"``: non-ASCII digits; ``""``; ``"abc"``). null stays null.
``coalesce``        The first value of ``paths`` that is not missing, null or ``""``.
                    ``0`` and ``false`` are values and are kept. When every path is
                    missing the field is missing; otherwise null.
``joinCodes``       A list of texts, or of objects with a ``code``, joined with ``,``:
                    ``["A", {"code": "B"}]`` gives ``"A,B"``. An empty list gives null,
                    null stays null; anything else is an error.
``mapItems``        Each item of the list mapped by ``mapping`` (paths relative to the
                    item, same rule forms, nestable). null stays null; a value that is
                    not a list is an error. Without ``mapping`` the items are copied
                    as they are (with a warning when compiled).
``compute``         The function ``fn`` of :mod:`designer.core.compute` called with the
                    rule's other keys as its arguments.
==================  ====================================================================

Missing is not null: a field whose path finds nothing is *missing* and is
left out of the mapped record; a field whose value is JSON null is *null*
and is kept. A number beyond 2^53 in a mapped value is kept exactly, and the
field gets a warning because a JavaScript runtime reading it as a number
would round it (``toString`` avoids that; its trace notes the exact source).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final

from designer.core.compute import (
    REGISTRY,
    ArgKind,
    ComputeError,
    ComputeFn,
    js_number_to_string,
    js_string,
    parse_number,
)
from designer.core.diagnostics import Diagnostic, DocPath, Severity, closest
from designer.core.paths import (
    MISSING,
    PathSyntaxError,
    Segments,
    compile_jsonpath,
    describe_keys,
    evaluate,
    find_literal_dotted_keys,
    parse_dotted,
    parse_jsonpath,
    render_dotted,
    render_jsonpath,
    render_segment_value,
    resolve,
)
from designer.core.values import Code, is_unsafe_integer

__all__ = [
    "TRANSFORMS",
    "CompiledMapping",
    "CompiledRule",
    "ExtractedRecords",
    "FieldResult",
    "FieldStatus",
    "FieldWarning",
    "MappedRecord",
    "MappingError",
    "RecordsError",
    "compile_mapping",
    "extract_records",
    "record_relative_path",
]

logger = logging.getLogger(__name__)

#: The transforms a rule may name.
TRANSFORMS: Final = (
    "toString",
    "toNumberOrNull",
    "coalesce",
    "compute",
    "mapItems",
    "joinCodes",
)

_ARROW = " → "


class MappingError(Exception):
    """Base of the errors of this module."""


class RecordsError(MappingError):
    """The records of a response cannot be found where ``dataProperty`` says."""

    def __init__(self, data_property: str | None, message: str) -> None:
        self.data_property = data_property
        super().__init__(message)


class FieldStatus(StrEnum):
    OK = "ok"
    MISSING = "missing"
    NULL = "null"
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class FieldResult:
    """What one rule gave for one record, and how.

    ``value`` is :data:`~designer.core.paths.MISSING` when missing. ``trace``
    is one short line for people; ``source_path`` is the path (as written in
    the rule's dialect) of the node that supplied the value. ``items`` holds
    the per-item results of a ``mapItems`` rule.
    """

    value: Any
    status: FieldStatus
    trace: str
    source_path: str | None = None
    warnings: tuple[FieldWarning, ...] = ()
    items: tuple[MappedRecord, ...] | None = None

    def explain(self) -> dict[str, Any]:
        """This result as JSON data; ``value`` is absent when missing."""
        out: dict[str, Any] = {"status": str(self.status), "trace": self.trace}
        if self.value is not MISSING:
            out["value"] = self.value
        if self.source_path is not None:
            out["source_path"] = self.source_path
        if self.warnings:
            out["warnings"] = [
                {"code": w.code, "message": w.message} for w in self.warnings
            ]
        if self.items is not None:
            out["items"] = [item.explain() for item in self.items]
        return out


@dataclass(frozen=True, slots=True)
class FieldWarning:
    """A doubt about a field's value: a stable ``code`` and a message for people.

    Codes: ``unsafe-integer``, ``several-matches``, ``literal-dotted-key``,
    ``not-a-number``, ``compute``, ``item-problem``.
    """

    code: str
    message: str

    def __str__(self) -> str:
        return self.message


_STATUS_RANK = {
    FieldStatus.OK: 0,
    FieldStatus.NULL: 0,
    FieldStatus.MISSING: 1,
    FieldStatus.WARNING: 2,
    FieldStatus.ERROR: 3,
}


@dataclass(frozen=True, slots=True)
class MappedRecord:
    """One record mapped field by field."""

    fields: dict[str, FieldResult]

    def values(self) -> dict[str, Any]:
        """The mapped record as data: missing fields left out, nulls kept."""
        return {k: r.value for k, r in self.fields.items() if r.value is not MISSING}

    def __getitem__(self, name: str) -> FieldResult:
        return self.fields[name]

    def explain(self) -> dict[str, Any]:
        """Every field as JSON data: value (absent when missing), status, trace."""
        return {name: result.explain() for name, result in self.fields.items()}

    def __iter__(self) -> Iterator[str]:
        return iter(self.fields)

    @property
    def status(self) -> FieldStatus:
        """The worst status of its fields (error, warning, missing, ok)."""
        worst = FieldStatus.OK
        for result in self.fields.values():
            if _STATUS_RANK[result.status] > _STATUS_RANK[worst]:
                worst = result.status
        return worst


def _show(value: Any) -> str:
    return render_segment_value(value)


def _status(value: Any, warnings: Sequence[FieldWarning]) -> FieldStatus:
    if value is MISSING:
        return FieldStatus.MISSING
    if warnings:
        return FieldStatus.WARNING
    if value is None:
        return FieldStatus.NULL
    return FieldStatus.OK


def _unsafe_integer_warning(value: Any) -> str | None:
    """A warning when ``value`` holds an integer a JS runtime would round."""
    found = _find_unsafe(value, (), 0)
    if found is None:
        return None
    where, number = found
    rounded = js_number_to_string(float(number))
    place = f" (at {where} in the value)" if where else ""
    return (
        f"{number}{place} is beyond 2^53: a JavaScript runtime reading it as a "
        f"number would round it to {rounded}; use transform: 'toString' to keep "
        "it exact"
    )


def _find_unsafe(value: Any, where: Segments, depth: int) -> tuple[str, int] | None:
    if is_unsafe_integer(value):
        return render_dotted(where), value
    if depth > 8:
        return None
    if isinstance(value, dict):
        for k, v in value.items():
            hit = _find_unsafe(v, (*where, k), depth + 1)
            if hit:
                return hit
    elif isinstance(value, list):
        for i, v in enumerate(value[:1000]):
            hit = _find_unsafe(v, (*where, i), depth + 1)
            if hit:
                return hit
    return None


# ----------------------------------------------------------------------------- reading


@dataclass(frozen=True, slots=True)
class _Read:
    """What a path read, with the line that explains it."""

    value: Any
    source: str | None
    trace: str
    warnings: tuple[FieldWarning, ...] = ()


def _fast_walk(segments: Segments) -> Callable[[Any], Any]:
    """A function reading ``segments`` from a record, MISSING when absent."""
    if all(isinstance(s, str) for s in segments):
        # Reading a str key from a list, text, number or null raises TypeError.
        if len(segments) == 1:
            (a,) = segments

            def get1(record: Any) -> Any:
                try:
                    return record[a]
                except (KeyError, TypeError):
                    return MISSING

            return get1
        if len(segments) == 2:
            a, b = segments

            def get2(record: Any) -> Any:
                try:
                    return record[a][b]
                except (KeyError, TypeError):
                    return MISSING

            return get2
        if len(segments) == 3:
            a, b, c = segments

            def get3(record: Any) -> Any:
                try:
                    return record[a][b][c]
                except (KeyError, TypeError):
                    return MISSING

            return get3

    def walk(record: Any) -> Any:
        value = record
        for seg in segments:
            if isinstance(seg, int):
                # Checked: indexing text with an int would read a character.
                if isinstance(value, list) and -len(value) <= seg < len(value):
                    value = value[seg]
                else:
                    return MISSING
            elif isinstance(value, dict):
                value = value.get(seg, MISSING)
                if value is MISSING:
                    return MISSING
            else:
                return MISSING
        return value

    if not segments:
        return lambda record: record
    return walk


class _Getter:
    """One compiled path: a fast reader and a traced one."""

    __slots__ = ("fast", "jsonpath", "segments", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.jsonpath = text.startswith("$")
        segments = parse_jsonpath(text) if self.jsonpath else parse_dotted(text)
        self.segments: Segments | None = segments
        if segments is not None:
            self.fast = _fast_walk(segments)
        else:
            expr = compile_jsonpath(text)

            def first_match(record: Any) -> Any:
                found = expr.find(record)
                return found[0].value if found else MISSING

            self.fast = first_match

    def render(self, segments: Segments) -> str:
        return render_jsonpath(segments) if self.jsonpath else render_dotted(segments)

    def read(self, record: Any) -> _Read:
        if self.segments is None:
            return self._read_jsonpath(record)
        segments = self.segments
        res = resolve(record, segments)
        literal = find_literal_dotted_keys(record, segments)
        warnings: list[FieldWarning] = []
        if res.found:
            notes = self._index_notes(record, segments)
            for lit in literal:
                quoted = self.render((*segments[: lit.at], lit.key))
                used = " then ".join(
                    repr(s) for s in segments[lit.at : lit.at + lit.span]
                )
                warnings.append(
                    FieldWarning(
                        "literal-dotted-key",
                        f"{self.text} read the keys {used}; the data also has a "
                        f"literal key {lit.key!r}, read only as {quoted}",
                    )
                )
            trace = f"{self.text} = {_show(res.value)}{notes}"
            return _Read(res.value, self.text, trace, tuple(warnings))

        assert res.failed_at is not None
        seg = segments[res.failed_at]
        failed_on = res.failed_on
        if res.failed_at:
            where = self.render(segments[: res.failed_at])
        else:
            where = "$" if self.jsonpath else "the record"
        if isinstance(seg, str) and isinstance(failed_on, dict):
            if res.failed_at:
                why = f"key {seg!r} missing in {where} = {_show(failed_on)}"
            else:  # the whole record is too long to show; its keys say enough
                why = f"key {seg!r} missing in {where}, keys {describe_keys(failed_on)}"
        else:
            why = f"{res.reason}; {where} = {_show(failed_on)}"
        trace = f"{self.text}: {why}"
        for lit in literal:
            quoted = self.render((*segments[: lit.at], lit.key))
            note = f"the data has a literal key {lit.key!r}, reachable only as {quoted}"
            trace += f"; {note}"
            warnings.append(
                FieldWarning(
                    "literal-dotted-key",
                    f"{self.text} was read as separate keys; {note}",
                )
            )
        return _Read(MISSING, None, trace, tuple(warnings))

    def _index_notes(self, record: Any, segments: Segments) -> str:
        notes = []
        for i, seg in enumerate(segments):
            if isinstance(seg, int):
                container = resolve(record, segments[:i]).value
                size = len(container) if isinstance(container, list) else 0
                index = seg if seg >= 0 else seg + size
                where = self.render(segments[:i]) if i else "the record"
                notes.append(f"element {index} of {size} in {where}")
        return f" (read {', '.join(notes)})" if notes else ""

    def _read_jsonpath(self, record: Any) -> _Read:
        matches = evaluate(self.text, record)
        if not matches:
            return _Read(MISSING, None, f"{self.text}: matched nothing")
        segments, value = matches[0]
        source = render_jsonpath(segments)
        trace = f"{self.text} = {_show(value)} (at {source})"
        warnings: tuple[FieldWarning, ...] = ()
        if len(matches) > 1:
            message = (
                f"{self.text} matched {len(matches)} values where one is expected; "
                f"used the first, at {source}"
            )
            warnings = (FieldWarning("several-matches", message),)
            trace += f", first of {len(matches)} matches"
        return _Read(value, source, trace, warnings)


# ------------------------------------------------------------------------------- rules


class CompiledRule:
    """One field's rule, compiled: ``fast`` for bulk, ``traced`` for previews."""

    #: ``path``, ``literal``, ``invalid``, or the transform name.
    kind: str = "invalid"
    #: The value for a record, or MISSING; raises ComputeError where the
    #: field is an error. Set by each kind of rule to its fastest closure.
    fast: Callable[[Any], Any]

    def __init__(self, field: str) -> None:
        self.field = field

    @property
    def paths(self) -> tuple[str, ...]:
        """The paths this rule reads, as written."""
        return ()

    @property
    def inner(self) -> CompiledMapping | None:
        """The item mapping of a ``mapItems`` rule."""
        return None

    def traced(self, record: Any) -> FieldResult:
        """The value with its status and trace."""
        raise NotImplementedError


def _no_warn(message: str) -> None:
    pass


def _to_string(value: Any) -> Any:
    if value.__class__ is str:
        return value
    if value.__class__ is int:
        return str(value)
    return js_string(value)


def _to_number_or_null(value: Any) -> Any:
    return parse_number(value)[0]


def _join_codes(value: Any) -> Any:
    if value is None:
        return None
    if not isinstance(value, list):
        raise ComputeError(f"joinCodes needs a list, got {_show(value)}")
    codes: list[str] = []
    for i, item in enumerate(value):
        code = item.get("code") if isinstance(item, dict) else item
        if isinstance(code, bool) or not isinstance(code, str | int):
            raise ComputeError(
                f"joinCodes: item {i} = {_show(item)} is neither a code text nor an "
                "object with a 'code'"
            )
        codes.append(str(code))
    return ",".join(codes) if codes else None


_VALUE_TRANSFORMS: dict[str, Callable[[Any], Any]] = {
    "toString": _to_string,
    "toNumberOrNull": _to_number_or_null,
    "joinCodes": _join_codes,
}


def _result(
    value: Any,
    trace: str,
    source: str | None,
    warnings: list[FieldWarning],
    items: tuple[MappedRecord, ...] | None = None,
    *,
    check_unsafe: bool = True,
) -> FieldResult:
    if check_unsafe and value is not MISSING:
        unsafe = _unsafe_integer_warning(value)
        if unsafe:
            warnings.append(FieldWarning("unsafe-integer", unsafe))
    return FieldResult(
        value, _status(value, warnings), trace, source, tuple(warnings), items
    )


def _error(
    trace: str, source: str | None = None, warnings: list[FieldWarning] | None = None
) -> FieldResult:
    return FieldResult(MISSING, FieldStatus.ERROR, trace, source, tuple(warnings or ()))


class _PathRule(CompiledRule):
    def __init__(self, field: str, getter: _Getter, transform: str | None) -> None:
        super().__init__(field)
        self.kind = transform or "path"
        self.getter = getter
        self.transform = transform
        read = getter.fast
        if transform is None:
            self.fast = read
        else:
            convert = _VALUE_TRANSFORMS[transform]

            def fast(record: Any) -> Any:
                value = read(record)
                return value if value is MISSING else convert(value)

            self.fast = fast

    @property
    def paths(self) -> tuple[str, ...]:
        return (self.getter.text,)

    def traced(self, record: Any) -> FieldResult:
        read = self.getter.read(record)
        warnings = list(read.warnings)
        if read.value is MISSING or self.transform is None:
            return _result(read.value, read.trace, read.source, warnings)

        trace = f"{read.trace}{_ARROW}{self.transform}"
        try:
            value = _VALUE_TRANSFORMS[self.transform](read.value)
        except ComputeError as exc:
            return _error(f"{trace}: {exc}", read.source, warnings)
        if self.transform == "toNumberOrNull":
            _, why = parse_number(read.value)
            if why:
                message = f"toNumberOrNull gave null: {why}"
                warnings.append(FieldWarning("not-a-number", message))
        trace += f"{_ARROW}{_show(value)}"
        if self.transform == "toString" and is_unsafe_integer(read.value):
            trace += " (the source number is beyond 2^53; the text keeps it exact)"
        return _result(value, trace, read.source, warnings)


def _is_empty(value: Any) -> bool:
    return value is MISSING or value is None or value == ""


class _CoalesceRule(CompiledRule):
    kind = "coalesce"

    def __init__(self, field: str, getters: list[_Getter]) -> None:
        super().__init__(field)
        self.getters = getters
        reads = tuple(g.fast for g in getters)

        def fast(record: Any) -> Any:
            seen_value = False
            for read in reads:
                value = read(record)
                if value is MISSING:
                    continue
                if value is None or value == "":
                    seen_value = True
                    continue
                return value
            return None if seen_value else MISSING

        self.fast = fast

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(g.text for g in self.getters)

    def traced(self, record: Any) -> FieldResult:
        parts: list[str] = []
        warnings: list[FieldWarning] = []
        seen_value = False
        for getter in self.getters:
            read = getter.read(record)
            warnings.extend(read.warnings)
            shown = "missing" if read.value is MISSING else _show(read.value)
            if _is_empty(read.value):
                seen_value = seen_value or read.value is not MISSING
                parts.append(f"{getter.text} = {shown} (skipped)")
                continue
            parts.append(f"{getter.text} = {shown} (used)")
            trace = "coalesce: " + ", ".join(parts)
            return _result(read.value, trace, read.source, warnings)
        value = None if seen_value else MISSING
        trace = "coalesce: " + ", ".join(parts) + f"{_ARROW}{_show(value)}"
        return _result(value, trace, None, warnings)


@dataclass(slots=True)
class _ArgPlan:
    """How to fill one argument of a compute function for a record."""

    name: str
    kind: ArgKind
    getters: list[_Getter] = field(default_factory=list)
    literal: str | None = None
    pieces: tuple[str, ...] = ()


class _ComputeRule(CompiledRule):
    kind = "compute"

    def __init__(self, field: str, fn: ComputeFn, plans: list[_ArgPlan]) -> None:
        super().__init__(field)
        self.fn = fn
        self.plans = plans
        func = fn.func
        fillers = tuple(self._filler(p) for p in plans)

        def fast(record: Any) -> Any:
            args = {name: fill(record) for name, fill in fillers}
            return func(args, _no_warn)

        self.fast = fast

    @staticmethod
    def _filler(plan: _ArgPlan) -> tuple[str, Callable[[Any], Any]]:
        reads = [g.fast for g in plan.getters]
        if plan.kind is ArgKind.PATH:
            return plan.name, reads[0]
        if plan.kind is ArgKind.PATHS:
            return plan.name, lambda record: [read(record) for read in reads]
        if plan.kind is ArgKind.TEMPLATE:
            pieces = plan.pieces
            return plan.name, lambda record: (pieces, [read(record) for read in reads])
        literal = plan.literal
        return plan.name, lambda record: literal

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(g.text for p in self.plans for g in p.getters)

    def traced(self, record: Any) -> FieldResult:
        args: dict[str, Any] = {}
        shown: list[str] = []
        warnings: list[FieldWarning] = []
        source: str | None = None
        for plan in self.plans:
            reads = [g.read(record) for g in plan.getters]
            for g, r in zip(plan.getters, reads, strict=True):
                warnings.extend(r.warnings)
                shown.append(f"{g.text} = {_show(r.value)}")
                source = source or r.source
            values = [r.value for r in reads]
            if plan.kind is ArgKind.PATH:
                args[plan.name] = values[0]
            elif plan.kind is ArgKind.PATHS:
                args[plan.name] = values
            elif plan.kind is ArgKind.TEMPLATE:
                args[plan.name] = (plan.pieces, values)
            else:
                args[plan.name] = plan.literal
                if plan.literal is not None:
                    shown.append(f"{plan.name}: {plan.literal!r}")
        trace = f"{self.fn.name}({', '.join(shown)})"
        try:
            value = self.fn.func(
                args, lambda message: warnings.append(FieldWarning("compute", message))
            )
        except ComputeError as exc:
            return _error(f"{trace}: {exc}", source, warnings)
        trace += f"{_ARROW}{_show(value)}"
        return _result(value, trace, source, warnings)


class _MapItemsRule(CompiledRule):
    kind = "mapItems"

    def __init__(
        self, field: str, getter: _Getter, mapping: CompiledMapping | None
    ) -> None:
        super().__init__(field)
        self.getter = getter
        self.mapping = mapping
        read = getter.fast
        per_item = mapping.evaluate_values if mapping is not None else None

        def fast(record: Any) -> Any:
            value = read(record)
            if value is MISSING or value is None:
                return value
            if value.__class__ is not list:
                raise ComputeError("mapItems needs a list")
            if per_item is None:
                return list(value)
            return [per_item(item) for item in value]

        self.fast = fast

    @property
    def paths(self) -> tuple[str, ...]:
        return (self.getter.text,)

    @property
    def inner(self) -> CompiledMapping | None:
        return self.mapping

    def traced(self, record: Any) -> FieldResult:
        read = self.getter.read(record)
        warnings = list(read.warnings)
        if read.value is MISSING or read.value is None:
            return _result(read.value, read.trace, read.source, warnings)
        if not isinstance(read.value, list):
            return _error(
                f"{read.trace}{_ARROW}mapItems: needs a list, got {_show(read.value)}",
                read.source,
                warnings,
            )
        count = len(read.value)
        if self.mapping is None:
            value = list(read.value)
            trace = f"{self.getter.text}: {count} items, copied (no item mapping)"
            return _result(value, trace, read.source, warnings)

        items = tuple(self.mapping.evaluate(item) for item in read.value)
        problems = 0
        for i, item in enumerate(items):
            for name, res in item.fields.items():
                if res.status in (FieldStatus.ERROR, FieldStatus.WARNING):
                    problems += 1
                    if problems <= 3:
                        message = f"item {i}, {name}: {res.status}: {res.trace}"
                        warnings.append(FieldWarning("item-problem", message))
        if problems > 3:
            message = f"… and {problems - 3} more item problems"
            warnings.append(FieldWarning("item-problem", message))
        trace = (
            f"{self.getter.text}: list of {count}{_ARROW}mapItems{_ARROW}{count} items"
        )
        if problems:
            trace += f" ({problems} field problems)"
        return _result(
            [m.values() for m in items],
            trace,
            read.source,
            warnings,
            items,
            check_unsafe=False,  # each item field already says so
        )


class _LiteralRule(CompiledRule):
    kind = "literal"

    def __init__(self, field: str, value: Any) -> None:
        super().__init__(field)
        self.value = value
        self.fast = lambda record: value

    def traced(self, record: Any) -> FieldResult:
        return _result(self.value, f"literal {_show(self.value)}", None, [])


class _InvalidRule(CompiledRule):
    kind = "invalid"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(field)
        self.message = message

        def fast(record: Any) -> Any:
            raise ComputeError(message)

        self.fast = fast

    def traced(self, record: Any) -> FieldResult:
        return _error(self.message)


# ----------------------------------------------------------------------------- types

#: Field name -> the catalogue's type of that field (``string``, ``number``,
#: ``boolean``, ``array``, ``object``); other type names are not checked.
FieldTypes = Mapping[str, str]

_TYPE_CHECKS: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
}

_TYPE_FIXES = {
    "string": "add transform: 'toString'",
    "number": "add transform: 'toNumberOrNull'",
}


def _checked_type(name: str, result: FieldResult, expected: str) -> FieldResult:
    """``result`` with a warning when its value is not of the field's type."""
    check = _TYPE_CHECKS.get(expected)
    value = result.value
    if check is None or value is MISSING or value is None or check(value):
        return result
    if result.status is FieldStatus.ERROR:
        return result
    fix = _TYPE_FIXES.get(expected)
    message = f"{name} is a {expected} field, but the rule gives {_show(value)}"
    if fix:
        message += f" ({fix})"
    warning = FieldWarning("type-mismatch", message)
    return dataclasses.replace(
        result,
        status=FieldStatus.WARNING,
        warnings=(*result.warnings, warning),
    )


# ----------------------------------------------------------------------------- mapping


class CompiledMapping:
    """A mapping compiled once, to evaluate over many records."""

    def __init__(
        self,
        rules: dict[str, CompiledRule],
        diagnostics: list[Diagnostic],
        types: FieldTypes | None = None,
    ) -> None:
        self.rules: Mapping[str, CompiledRule] = rules
        #: Problems found while compiling, nested ``mapItems`` mappings included.
        self.diagnostics = diagnostics
        #: The content type's field types, checked against each mapped value.
        self.types: FieldTypes = types or {}
        self._fast = tuple((name, rule.fast) for name, rule in rules.items())

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(self.rules)

    def __repr__(self) -> str:
        kinds = ", ".join(f"{k}: {r.kind}" for k, r in self.rules.items())
        return f"CompiledMapping({{{kinds}}})"

    def evaluate(self, record: Any) -> MappedRecord:
        """Map ``record`` with a status and a trace for every field."""
        results: dict[str, FieldResult] = {}
        for name, rule in self.rules.items():
            try:
                results[name] = rule.traced(record)
            except Exception as exc:  # a bug in a rule must not stop the preview
                logger.exception("rule for field %r failed", name)
                results[name] = _error(f"internal error: {exc!r}")
                continue
            expected = self.types.get(name)
            if expected is not None:
                results[name] = _checked_type(name, results[name], expected)
        return MappedRecord(results)

    def evaluate_values(self, record: Any) -> dict[str, Any]:
        """Map ``record`` to plain values, for bulk use: no traces, no warnings.

        Missing fields and fields in error are left out.
        """
        out: dict[str, Any] = {}
        for name, fast in self._fast:
            try:
                value = fast(record)
            except ComputeError:
                continue
            except Exception:
                logger.debug("rule for field %r failed", name, exc_info=True)
                continue
            if value is not MISSING:
                out[name] = value
        return out


_RULE_KEYS: dict[str, frozenset[str]] = {
    "toString": frozenset({"path", "transform"}),
    "toNumberOrNull": frozenset({"path", "transform"}),
    "joinCodes": frozenset({"path", "transform"}),
    "coalesce": frozenset({"paths", "transform"}),
    "mapItems": frozenset({"path", "transform", "mapping"}),
}


class _Compiler:
    """Compiles the rules of one mapping, collecting diagnostics."""

    def __init__(
        self,
        where: DocPath,
        diagnostics: list[Diagnostic],
        item_types: Mapping[str, FieldTypes] | None = None,
    ) -> None:
        self.where = where
        self.diagnostics = diagnostics
        self.item_types = item_types or {}

    def report(
        self,
        name: str,
        code: str,
        message: str,
        fix: str | None = None,
        severity: Severity = Severity.ERROR,
    ) -> None:
        self.diagnostics.append(
            Diagnostic(
                severity,
                code,
                f"field {name!r}: {message}",
                fix,
                field=name,
                path=(*self.where, name),
            )
        )

    def invalid(
        self, name: str, code: str, message: str, fix: str | None = None
    ) -> CompiledRule:
        self.report(name, code, message, fix)
        return _InvalidRule(name, message)

    def getter(
        self, name: str, text: Any, what: str = "path"
    ) -> _Getter | CompiledRule:
        """A compiled path, or an invalid rule after reporting why."""
        if not isinstance(text, str):
            kind = "code" if isinstance(text, Code) else type(text).__name__
            return self.invalid(
                name, "rule-shape", f"{what} must be a text, not {kind}"
            )
        try:
            return _Getter(text)
        except PathSyntaxError as exc:
            fix = None
            if not text.startswith("$"):
                fix = (
                    'quote keys that hold dots, spaces or symbols: meta["com.shop.ref"]'
                )
            return self.invalid(
                name,
                "path-syntax",
                f"cannot read path {text!r}: {exc.problem} at column {exc.column}",
                fix,
            )

    def rule(self, name: str, raw: Any) -> CompiledRule:
        if isinstance(raw, Code):
            return self.invalid(
                name,
                "rule-is-code",
                f"the rule is JavaScript code ({raw.text[:40]!r}); the designer "
                "cannot evaluate it",
                "write it as a path, a transform object or a literal",
            )
        if isinstance(raw, str):
            return self._path_rule(name, raw, None)
        if raw is None or isinstance(raw, bool | int | float):
            return _LiteralRule(name, raw)
        if not isinstance(raw, dict):
            return self.invalid(
                name,
                "rule-shape",
                f"a rule cannot be a {type(raw).__name__}",
                "write a path text, {path, transform}, or {value: ...}",
            )
        return self._object_rule(name, raw)

    def _path_rule(self, name: str, text: Any, transform: str | None) -> CompiledRule:
        got = self.getter(name, text)
        if isinstance(got, CompiledRule):
            return got
        return _PathRule(name, got, transform)

    def _unused_keys(
        self, name: str, raw: dict[str, Any], allowed: frozenset[str]
    ) -> None:
        for key in raw:
            if key not in allowed:
                hint = closest(key, sorted(allowed))
                self.report(
                    name,
                    "unknown-key",
                    f"key {key!r} is not used by this rule and is ignored",
                    f"did you mean {hint!r}?" if hint else None,
                    Severity.WARNING,
                )

    def _object_rule(self, name: str, raw: dict[str, Any]) -> CompiledRule:
        if "value" in raw:
            self._unused_keys(name, raw, frozenset({"value"}))
            return _LiteralRule(name, raw["value"])
        transform = raw.get("transform")
        if transform is None:
            misplaced = next((k for k in TRANSFORMS if k in raw), None)
            if misplaced is not None:
                # { compute: 'joinPhone' } or { toString: true }: a transform
                # written as a key.
                written = raw[misplaced]
                advice = f"write transform: {misplaced!r}"
                if misplaced == "compute" and isinstance(written, str):
                    advice += f", fn: {written!r}"
                return self.invalid(
                    name,
                    "rule-shape",
                    f"{misplaced!r} is a transform, not a key of the rule",
                    advice,
                )
            if "fn" in raw:
                return self.invalid(
                    name,
                    "rule-shape",
                    "'fn' needs transform: 'compute'",
                    "add transform: 'compute'",
                )
            if "paths" in raw:
                return self.invalid(
                    name,
                    "rule-shape",
                    "'paths' needs a transform",
                    "add transform: 'coalesce' to take the first non-empty path",
                )
            if "path" not in raw:
                return self.invalid(
                    name,
                    "rule-shape",
                    "a rule object needs 'path', 'paths', 'value' or 'transform'",
                )
            self._unused_keys(name, raw, frozenset({"path", "transform"}))
            return self._path_rule(name, raw["path"], None)
        if not isinstance(transform, str):
            return self.invalid(name, "rule-shape", "'transform' must be a text")
        if transform not in TRANSFORMS:
            hint = closest(transform, TRANSFORMS)
            return self.invalid(
                name,
                "unknown-transform",
                f"unknown transform {transform!r}",
                f"did you mean {hint!r}?"
                if hint
                else f"use one of {', '.join(TRANSFORMS)}",
            )

        if transform == "compute":
            return self._compute_rule(name, raw)
        if transform == "coalesce":
            return self._coalesce_rule(name, raw)
        self._unused_keys(name, raw, _RULE_KEYS[transform])
        if "path" not in raw:
            fix = (
                "use transform: 'coalesce' for several paths"
                if "paths" in raw
                else None
            )
            return self.invalid(
                name, "rule-shape", f"transform {transform!r} needs a 'path'", fix
            )
        if transform == "mapItems":
            return self._map_items_rule(name, raw)
        return self._path_rule(name, raw["path"], transform)

    def _coalesce_rule(self, name: str, raw: dict[str, Any]) -> CompiledRule:
        paths = raw.get("paths")
        if not paths:
            fix = "write paths: ['first.choice', 'second.choice']"
            if "path" in raw:
                fix = "coalesce reads 'paths' (a list), not 'path'"
            return self.invalid(
                name,
                "coalesce-without-paths",
                "coalesce needs a non-empty 'paths' list",
                fix,
            )
        if not isinstance(paths, list):
            return self.invalid(name, "rule-shape", "'paths' must be a list of paths")
        self._unused_keys(name, raw, _RULE_KEYS["coalesce"])
        getters: list[_Getter] = []
        for text in paths:
            got = self.getter(name, text, "each of 'paths'")
            if isinstance(got, CompiledRule):
                return got
            getters.append(got)
        return _CoalesceRule(name, getters)

    def _map_items_rule(self, name: str, raw: dict[str, Any]) -> CompiledRule:
        got = self.getter(name, raw["path"])
        if isinstance(got, CompiledRule):
            return got
        if "mapping" not in raw:
            self.report(
                name,
                "mapitems-without-mapping",
                "mapItems has no 'mapping'; the items are copied as they are",
                "add mapping: { field: 'path.in.item', ... }",
                Severity.WARNING,
            )
            return _MapItemsRule(name, got, None)
        inner_raw = raw["mapping"]
        if not isinstance(inner_raw, dict):
            return self.invalid(
                name, "rule-shape", "'mapping' must be an object of rules"
            )
        inner = compile_mapping(
            inner_raw,
            where=(*self.where, name, "mapping"),
            types=self.item_types.get(name),
        )
        self.diagnostics.extend(inner.diagnostics)
        return _MapItemsRule(name, got, inner)

    def _compute_rule(self, name: str, raw: dict[str, Any]) -> CompiledRule:
        fn_name = raw.get("fn")
        if not isinstance(fn_name, str):
            return self.invalid(
                name,
                "rule-shape",
                "compute needs 'fn', the name of a function",
                f"one of {', '.join(REGISTRY)}",
            )
        fn = REGISTRY.get(fn_name)
        if fn is None:
            hint = closest(fn_name, list(REGISTRY))
            return self.invalid(
                name,
                "unknown-fn",
                f"unknown compute fn {fn_name!r}",
                f"did you mean {hint!r}?"
                if hint
                else f"use one of {', '.join(REGISTRY)}",
            )
        self._unused_keys(
            name, raw, frozenset({"transform", "fn", *(a.name for a in fn.args)})
        )

        plans: list[_ArgPlan] = []
        for arg in fn.args:
            if arg.name not in raw:
                if arg.required:
                    return self.invalid(
                        name,
                        "fn-args",
                        f"{fn_name} needs {arg.name!r} ({arg.doc})",
                        f"example: {fn.example}",
                    )
                plans.append(_ArgPlan(arg.name, ArgKind.TEXT, literal=arg.default))
                continue
            plan = self._arg_plan(
                name, fn, arg.name, arg.kind, raw[arg.name], arg.choices
            )
            if isinstance(plan, CompiledRule):
                return plan
            plans.append(plan)
        return _ComputeRule(name, fn, plans)

    def _arg_plan(
        self,
        name: str,
        fn: ComputeFn,
        arg: str,
        kind: ArgKind,
        raw: Any,
        choices: tuple[str, ...],
    ) -> _ArgPlan | CompiledRule:
        if kind is ArgKind.PATH:
            got = self.getter(name, raw, f"{arg!r}")
            return got if isinstance(got, CompiledRule) else _ArgPlan(arg, kind, [got])
        if kind is ArgKind.PATHS:
            if not isinstance(raw, list) or not raw:
                return self.invalid(
                    name,
                    "fn-args",
                    f"{fn.name}: {arg!r} must be a list of paths",
                    f"example: {fn.example}",
                )
            getters = []
            for text in raw:
                got = self.getter(name, text, f"each of {arg!r}")
                if isinstance(got, CompiledRule):
                    return got
                getters.append(got)
            return _ArgPlan(arg, kind, getters)
        if not isinstance(raw, str):
            return self.invalid(name, "fn-args", f"{fn.name}: {arg!r} must be a text")
        if kind is ArgKind.TEMPLATE:
            try:
                pieces, texts = _split_template(raw)
            except ValueError as exc:
                return self.invalid(name, "fn-args", f"{fn.name}: {exc}")
            getters = []
            for text in texts:
                got = self.getter(name, text, "a template placeholder")
                if isinstance(got, CompiledRule):
                    return got
                getters.append(got)
            return _ArgPlan(arg, kind, getters, pieces=pieces)
        if choices and raw not in choices:
            hint = closest(raw, choices)
            return self.invalid(
                name,
                "fn-args",
                f"{fn.name}: {arg!r} must be one of {', '.join(choices)}",
                f"did you mean {hint!r}?" if hint else None,
            )
        return _ArgPlan(arg, kind, literal=raw)


def _split_template(template: str) -> tuple[tuple[str, ...], list[str]]:
    """Split ``'#{a} {b}'`` into pieces ``('#', ' ', '')`` and paths ``['a', 'b']``."""
    pieces: list[str] = []
    paths: list[str] = []
    current: list[str] = []
    i = 0
    while i < len(template):
        ch = template[i]
        if template.startswith("{{", i) or template.startswith("}}", i):
            current.append(ch)
            i += 2
        elif ch == "{":
            end = template.find("}", i)
            if end < 0:
                raise ValueError(f"unclosed '{{' at column {i + 1} of the template")
            pieces.append("".join(current))
            current = []
            paths.append(template[i + 1 : end].strip())
            i = end + 1
        elif ch == "}":
            raise ValueError(f"lone '}}' at column {i + 1}; write '}}}}' for a brace")
        else:
            current.append(ch)
            i += 1
    pieces.append("".join(current))
    return tuple(pieces), paths


def compile_mapping(
    raw: Any,
    *,
    where: DocPath = (),
    types: FieldTypes | None = None,
    item_types: Mapping[str, FieldTypes] | None = None,
) -> CompiledMapping:
    """Compile a mapping object (``apiMapping`` or a handler's ``mapping``).

    ``types`` are the content type's field types: a mapped value of another
    type gets a ``type-mismatch`` warning. ``item_types`` are the types of the
    item fields of ``mapItems`` fields, by field name.

    Problems are in the result's ``.diagnostics``. Never raises on a bad
    rule: the rule becomes an *error* field and a :class:`Diagnostic` says
    what is wrong, with ``path=where + (field,)`` and ``field=`` its name.
    """
    diagnostics: list[Diagnostic] = []
    if not isinstance(raw, dict):
        diagnostics.append(
            Diagnostic(
                Severity.ERROR,
                "rule-shape",
                "a mapping must be an object of field: rule",
                path=where,
            )
        )
        return CompiledMapping({}, diagnostics)
    compiler = _Compiler(where, diagnostics, item_types or {})
    rules = {str(name): compiler.rule(str(name), rule) for name, rule in raw.items()}
    return CompiledMapping(rules, diagnostics, types)


# ----------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class ExtractedRecords:
    """The records of a response, and what went wrong finding them."""

    records: list[Any]
    diagnostics: list[Diagnostic]


def extract_records(body: Any, data_property: str | None) -> ExtractedRecords:
    """The records of a response body.

    With ``data_property`` (a dotted path, as in ``responseMapping``) the
    records are the list there, or the one object there. Without it the body
    is the list of records, or one record. When ``data_property`` finds
    nothing there are no records and a ``data-property`` diagnostic says why
    and where the lists are.
    """
    try:
        return ExtractedRecords(_records_of(body, data_property), [])
    except RecordsError as exc:
        diagnostic = Diagnostic(
            Severity.ERROR,
            "data-property",
            str(exc),
            "set responseMapping.dataProperty to the path of the list of records",
        )
        return ExtractedRecords([], [diagnostic])


def _records_of(body: Any, data_property: str | None) -> list[Any]:
    if data_property:
        try:
            segments = parse_dotted(data_property)
        except PathSyntaxError as exc:
            raise RecordsError(data_property, f"dataProperty: {exc}") from exc
        res = resolve(body, segments)
        if not res.found:
            lists = _list_paths(body)
            hint = f"; lists in the response: {', '.join(lists)}" if lists else ""
            raise RecordsError(
                data_property,
                f"dataProperty {data_property!r} finds nothing: {res.reason}{hint}",
            )
        body = res.value
    if isinstance(body, list):
        return body
    if isinstance(body, dict):
        return [body]
    if body is None:
        return []
    where = f"dataProperty {data_property!r}" if data_property else "the response"
    raise RecordsError(
        data_property,
        f"{where} holds {_show(body)}, not a list or an object of records",
    )


def _list_paths(body: Any, prefix: Segments = (), depth: int = 0) -> list[str]:
    if not isinstance(body, dict) or depth > 2:
        return []
    found: list[str] = []
    for key, value in body.items():
        if isinstance(value, list):
            found.append(render_dotted((*prefix, key)))
        elif isinstance(value, dict):
            found.extend(_list_paths(value, (*prefix, key), depth + 1))
    return found[:10]


def record_relative_path(
    segments: Segments, data_property: str | None
) -> Segments | None:
    """The record-relative form of a path from the response root.

    A drag from the Nth record (``data[1].total`` with ``dataProperty``
    ``data``) gives ``total``; an index inside the record is kept. None when
    the path is not inside a record.
    """
    prefix = parse_dotted(data_property) if data_property else ()
    if segments[: len(prefix)] != prefix:
        return None
    rest = segments[len(prefix) :]
    if rest and isinstance(rest[0], int):
        rest = rest[1:]  # the index of the record in the list
    return rest
