"""Writing MiniApp values: JavaScript in the platform's style, JSON, and edits in place.

:func:`to_js` and :func:`to_json` render a value; :func:`replace_value`
rewrites one value of a loaded :class:`~designer.core.source.MiniAppSource`
and leaves every other byte of the file as it was; :func:`write_atomic` puts
the result on disk without ever leaving a half-written file.

Exceptions::

    ExportError     a value cannot be written in the requested form (names its DocPath)
    WriteError      a file could not be written; the original is left untouched
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import math
import os
import re
import shutil
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from designer.core.diagnostics import DocPath
from designer.core.source import (
    MiniAppSource,
    ObjectLayout,
    SourceError,
    ValueSpan,
    parse_miniapp,
)
from designer.core.values import Code, Value

__all__ = [
    "ExportError",
    "Replacement",
    "WriteError",
    "patch_value",
    "replace_value",
    "to_js",
    "to_json",
    "write_atomic",
]

log = logging.getLogger(__name__)

#: The width the writer keeps one-line arrays within.
MAX_WIDTH = 88


class ExportError(Exception):
    """A value that cannot be written in the requested form."""

    def __init__(
        self, message: str, *, path: DocPath | None = None, fix: str | None = None
    ) -> None:
        self.message = message
        self.path = path
        self.fix = fix
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{format_doc_path(self.path)}: " if self.path is not None else ""
        text = f"{where}{self.message}"
        if self.fix:
            text += f" ({self.fix})"
        return text


class WriteError(Exception):
    """A file that could not be written; the file on disk is as it was before."""

    def __init__(self, message: str, *, path: Path, fix: str | None = None) -> None:
        self.message = message
        self.path = path
        self.fix = fix
        super().__init__(str(self))

    def __str__(self) -> str:
        text = f"{self.path}: {self.message}"
        if self.fix:
            text += f" ({self.fix})"
        return text


def format_doc_path(path: DocPath) -> str:
    """A DocPath as a reader would write it: ``sync.resources['line items'][0]``."""
    out = ""
    for step in path:
        if isinstance(step, int):
            out += f"[{step}]"
        elif _IDENTIFIER.fullmatch(step):
            out += f".{step}" if out else step
        else:
            out += f"[{_js_string(step)}]"
    return out or "<document>"


# --- JavaScript ---------------------------------------------------------------

_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
_NEEDS_ESCAPE = re.compile(r"[\\'\x00-\x1f\x7f\u2028\u2029\ud800-\udfff]")
_ESCAPES = {
    "\\": "\\\\",
    "'": "\\'",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
    "\v": "\\v",
}


def _escape_char(match: re.Match[str]) -> str:
    ch = match.group()
    known = _ESCAPES.get(ch)
    if known is not None:
        return known
    point = ord(ch)
    return f"\\x{point:02x}" if point < 0x100 else f"\\u{point:04x}"


def _js_string(text: str) -> str:
    """A single-quoted JS string; non-ASCII stays as is, control characters escape."""
    return "'" + _NEEDS_ESCAPE.sub(_escape_char, text) + "'"


def js_key(key: str) -> str:
    """A property name as written in an object literal."""
    if key == "__proto__":
        # `__proto__: v` and `'__proto__': v` both set the prototype in JS;
        # only a computed key defines a property of that name.
        return "['__proto__']"
    if _IDENTIFIER.fullmatch(key):
        return key
    return _js_string(key)


def _js_scalar(value: Value, path: DocPath) -> str | None:
    """The JS text of a scalar, or None for containers and code."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return repr(value)
    if isinstance(value, str):
        return _js_string(value)
    if isinstance(value, (dict, list, Code)):
        return None
    raise ExportError(
        f"cannot write a {type(value).__name__} value",
        path=path,
        fix="use only JSON values, or Code for JavaScript",
    )


class _JsWriter:
    def __init__(self, unit: str) -> None:
        self.unit = unit

    def render(self, value: Value, level: int, column: int, path: DocPath) -> str:
        scalar = _js_scalar(value, path)
        if scalar is not None:
            return scalar
        if isinstance(value, Code):
            return value.text
        if isinstance(value, dict):
            return self._object(value, level, path)
        return self._array(value, level, column, path)

    def _object(self, value: dict[str, Value], level: int, path: DocPath) -> str:
        if not value:
            return "{}"
        inner = self.unit * (level + 1)
        lines = ["{"]
        for key, item in value.items():
            if not isinstance(key, str):
                raise ExportError(
                    f"the key {key!r} is not a string", path=path, fix="use text keys"
                )
            if isinstance(item, Code) and item.kind == "method_definition":
                lines.append(f"{inner}{item.text},")
                continue
            name = js_key(key)
            column = len(inner) + len(name) + 2
            rendered = self.render(item, level + 1, column, (*path, key))
            lines.append(f"{inner}{name}: {rendered},")
        lines.append(self.unit * level + "}")
        return "\n".join(lines)

    def _array(self, value: list[Value], level: int, column: int, path: DocPath) -> str:
        if not value:
            return "[]"
        scalars = [_js_scalar(item, (*path, i)) for i, item in enumerate(value)]
        if all(s is not None for s in scalars):
            one_line = "[" + ", ".join(s for s in scalars if s is not None) + "]"
            if column + len(one_line) + 1 <= MAX_WIDTH:  # +1 for the trailing comma
                return one_line
        inner = self.unit * (level + 1)
        lines = ["["]
        for index, item in enumerate(value):
            rendered = self.render(item, level + 1, len(inner), (*path, index))
            lines.append(f"{inner}{rendered},")
        lines.append(self.unit * level + "]")
        return "\n".join(lines)


def to_js(value: Value, *, indent: int = 2, level: int = 0) -> str:
    """``value`` as JavaScript in the platform's style.

    Two-space indent, single quotes, a trailing comma after every item of a
    multi-line object or array, keys quoted only when they are not plain
    identifiers (``__proto__`` is written ``['__proto__']``, the only spelling
    that makes it an ordinary key). Objects always take one line per property
    (``{}`` when empty); an array of scalars stays on one line when it fits
    in 88 columns, counted from the indentation of ``level``. :class:`Code` is
    written exactly as its text; ints are exact at any size; floats are
    written so that they read back to the same float. The first line is not
    indented; the closing bracket of a multi-line value is indented to ``level``.
    """
    return _JsWriter(" " * indent).render(value, level, indent * level, ())


# --- JSON -------------------------------------------------------------------------


def _json_ready(value: Value, path: DocPath, code_as_string: bool) -> Value:
    if isinstance(value, Code):
        if code_as_string:
            return value.text
        raise ExportError(
            f"this value is JavaScript code ({value.kind}), which JSON cannot hold",
            path=path,
            fix="export as JavaScript instead, or write the code as a string",
        )
    if isinstance(value, float) and not math.isfinite(value):
        raise ExportError(
            f"{value} is not a JSON number", path=path, fix="export as JavaScript"
        )
    if isinstance(value, dict):
        out: dict[str, Value] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise ExportError(f"the key {key!r} is not a string", path=path)
            out[key] = _json_ready(item, (*path, key), code_as_string)
        return out
    if isinstance(value, list):
        return [
            _json_ready(item, (*path, i), code_as_string)
            for i, item in enumerate(value)
        ]
    if value is None or isinstance(value, (str, int, float)):
        return value
    raise ExportError(f"cannot write a {type(value).__name__} value", path=path)


def to_json(value: Value, *, indent: int = 2, code_as_string: bool = False) -> str:
    """``value`` as JSON (UTF-8 text, non-ASCII kept, ints exact).

    A :class:`Code` value raises :class:`ExportError` naming its DocPath,
    unless ``code_as_string`` is set: then its source text is written as a
    JSON string, which is how the platform's JSON submissions carry code.
    """
    return json.dumps(
        _json_ready(value, (), code_as_string),
        indent=indent,
        ensure_ascii=False,
        allow_nan=False,
    )


# --- editing a source in place ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Replacement:
    """The new text of a file after :func:`replace_value`, and what the edit cost."""

    text: str
    #: ``(start, end)`` of the old text that holds every edit (equal when
    #: only inserted; both at the value's start when nothing changed).
    start: int
    end: int
    #: True when the key was absent and a new property was added.
    inserted: bool
    #: Comments that were inside the replaced text and are gone now.
    dropped_comments: tuple[str, ...] = ()
    #: Other DocPaths whose value was written at the same place (a shared
    #: constant): they changed too.
    shared_with: tuple[DocPath, ...] = ()
    #: DocPaths that used a shared constant and now hold a literal instead,
    #: because their value changed and the constant's other users did not.
    inlined: tuple[DocPath, ...] = ()
    #: Objects and arrays written anew instead of edited (reordered keys, a
    #: new length, a changed value that came from a spread).
    rerendered: tuple[DocPath, ...] = ()

    @property
    def comments_dropped(self) -> int:
        return len(self.dropped_comments)


def replace_value(
    source: MiniAppSource, doc_path: DocPath, new_value: Value
) -> Replacement:
    """The text of ``source`` with the value at ``doc_path`` set to ``new_value``.

    The edit is minimal: see :func:`patch_value`. When the key is absent, a
    new property is added as the last one of its parent object literal, in
    that object's trailing-comma style.
    """
    return patch_value(source, doc_path, new_value)


def patch_value(
    source: MiniAppSource, doc_path: DocPath, new_value: Value
) -> Replacement:
    """The text of ``source`` edited only where ``new_value`` differs from the value.

    What is equal (types included, so ``1`` is not ``1.0``) keeps its text to
    the byte: comments, quotes, number spellings, constant names, layout. In
    an object, changed properties get a new value text, removed ones go (with
    their comma, and their line when they sat alone on it, same-line comments
    included) and new ones are appended after the last property. Arrays of
    the same length are edited item by item. An object whose keys were
    reordered, an array with a new length, and an object where a value that
    came from a ``...spread`` changed are written anew (``rerendered``).

    A changed value written through a constant (``baseUrl: SALLA_API``) is
    edited in the constant when this is its only use in the document; when
    the constant is shared, the name at this use is replaced by a literal
    (``inlined``) so the constant's other users keep their value. Uses from
    inside code (a function body) are not data and are not counted.

    The result is read back before it is returned; if it does not read back
    as ``new_value`` with the rest of the document unchanged, the whole value
    is written anew instead (and a warning logged), so a wrong file is never
    produced. Raises :class:`ExportError` for a value the file cannot hold.
    """
    path = tuple(doc_path)
    span = source.spans.get(path)
    if span is None:
        return _insert(source, path, new_value)
    found, old_value = _value_at(source.document, path)
    patcher = _Patcher(source)
    try:
        if not found:
            raise _CannotPatch(path)
        patcher.patch(path, old_value, new_value)
        result = patcher.result(span.start)
    except _CannotPatch:
        log.debug("%s cannot be edited in place; writing it anew", path)
        return _rerender(source, path, new_value)
    if result.text != source.text and not _reads_back(source, path, new_value, result):
        log.warning(
            "a minimal edit of %s did not read back as the new value; "
            "writing the whole value instead",
            format_doc_path(path),
        )
        return _rerender(source, path, new_value)
    return result


class _CannotPatch(Exception):
    """This value cannot be edited in place; its container is written anew."""


Edit = tuple[int, int, str]


class _Patcher:
    """Collects the edits that turn one value of a source into another."""

    def __init__(self, source: MiniAppSource) -> None:
        self.source = source
        self.text = source.text
        self.spans = source.spans
        self.unit = _indent_unit(source.text)
        self.newline = _newline(source.text)
        self.comment_ends = dict(source.comments)
        self.comment_starts = {end: start for start, end in source.comments}
        self.edits: list[Edit] = []
        self.dropped: list[str] = []
        self.inlined: list[DocPath] = []
        self.rerendered: list[DocPath] = []

    def result(self, at: int) -> Replacement:
        edits = sorted(self.edits, key=lambda edit: (edit[0], edit[1]))
        for (_, end, _), (start, _, _) in itertools.pairwise(edits):
            if end > start:
                raise _CannotPatch(())
        text = self.text
        for start, end, piece in reversed(edits):
            text = text[:start] + piece + text[end:]
        return Replacement(
            text=text,
            start=edits[0][0] if edits else at,
            end=max((edit[1] for edit in edits), default=at),
            inserted=False,
            dropped_comments=tuple(self.dropped),
            inlined=tuple(self.inlined),
            rerendered=tuple(self.rerendered),
        )

    def _mark(self) -> tuple[int, int, int, int]:
        return (
            len(self.edits),
            len(self.dropped),
            len(self.inlined),
            len(self.rerendered),
        )

    def _restore(self, mark: tuple[int, int, int, int]) -> None:
        del self.edits[mark[0] :]
        del self.dropped[mark[1] :]
        del self.inlined[mark[2] :]
        del self.rerendered[mark[3] :]

    # values

    def patch(self, path: DocPath, old: Value, new: Value) -> None:
        """Edit the value at ``path`` from ``old`` to ``new``; raises _CannotPatch."""
        if _same(old, new):
            return
        span = self.spans.get(path)
        if span is None:
            raise _CannotPatch(path)
        reference = span.reference
        if reference is not None and self._shared(path, span):
            prefix = _key_prefix(self.source, path) if reference.shorthand else ""
            self._write(path, reference.start, reference.end, new, prefix)
            self.inlined.append(path)
            return
        if reference is None and not self._inside_parent(path, span):
            raise _CannotPatch(path)  # it came from a spread
        if not span.property_form:
            if isinstance(old, dict) and isinstance(new, dict):
                if self._patch_object(path, old, new):
                    return
                self.rerendered.append(path)
            elif isinstance(old, list) and isinstance(new, list):
                if len(old) == len(new) and self._patch_array(path, old, new):
                    return
                self.rerendered.append(path)
        prefix = _key_prefix(self.source, path) if span.property_form else ""
        self._write(path, span.start, span.end, new, prefix)

    def _patch_object(
        self, path: DocPath, old: dict[str, Value], new: dict[str, Value]
    ) -> bool:
        layout = self.source.objects.get(path)
        if layout is None:
            return False
        kept = _kept_in_place(list(old), list(new))
        if kept is None:
            return False  # reordered: an edit cannot say that
        mark = self._mark()
        try:
            for key in kept:
                self.patch((*path, key), old[key], new[key])
            staying = set(kept)
            for key in old:
                if key not in staying:
                    self._delete((*path, key))
            added = [(key, item) for key, item in new.items() if key not in staying]
            if added:
                self.edits.extend(_insertion_edits(self.source, path, layout, added))
        except _CannotPatch:
            self._restore(mark)
            return False
        return True

    def _patch_array(self, path: DocPath, old: list[Value], new: list[Value]) -> bool:
        mark = self._mark()
        try:
            for index, (before, after) in enumerate(zip(old, new, strict=True)):
                self.patch((*path, index), before, after)
        except _CannotPatch:
            self._restore(mark)
            return False
        return True

    def _write(
        self, path: DocPath, start: int, end: int, new: Value, prefix: str
    ) -> None:
        text = self.text
        line_start = text.rfind("\n", 0, start) + 1
        indent = _indentation(text, line_start)
        column = start - line_start + len(prefix)
        rendered = prefix + _render(self.source, new, self.unit, column, path)
        self.edits.append((start, end, _reindent(rendered, indent, self.newline)))
        self.dropped.extend(self.source.comments_in(start, end))

    # where a value is written

    def _inside_parent(self, path: DocPath, span: ValueSpan) -> bool:
        if not path:
            return True
        parent = self.spans.get(path[:-1])
        return parent is None or (parent.start <= span.start and span.end <= parent.end)

    def _shared(self, path: DocPath, span: ValueSpan) -> bool:
        """True when text inside ``span`` also gives a value outside ``path``."""
        size = len(path)
        for other, other_span in self.spans.items():
            if (
                span.start <= other_span.start
                and other_span.end <= span.end
                and other[:size] != path
            ):
                return True
        return False

    # removing a property

    def _delete(self, path: DocPath) -> None:
        span = self.spans[path]
        parent = self.spans.get(path[:-1])
        key_start = span.key_start
        if self._inside_parent(path, span):
            value_end = span.end
        elif span.reference is not None:
            value_end = span.reference.end
        else:
            raise _CannotPatch(path)
        if (
            parent is None
            or key_start is None
            or not parent.start <= key_start <= value_end <= parent.end
        ):
            raise _CannotPatch(path)
        text = self.text
        after = self._skip_inline(value_end)
        has_comma = text.startswith(",", after)
        after = after + 1 if has_comma else value_end
        line_start = text.rfind("\n", 0, key_start) + 1
        rest = self._skip_inline(after, line_comments=True)
        alone = not text[line_start:key_start].strip() and (
            rest == len(text) or text[rest] in "\r\n"
        )
        if alone:
            line_end = text.find("\n", rest)
            start, end = line_start, len(text) if line_end < 0 else line_end + 1
        elif has_comma:
            start, end = key_start, after
            while end < len(text) and text[end] in " \t":
                end += 1
        else:
            start, end = key_start, value_end
        self.edits.append((start, end, ""))
        self.dropped.extend(self.source.comments_in(start, end))
        if not has_comma:
            # The last property goes: the comma before it would now trail.
            comma = self._skip_back(start)
            if comma > 0 and text[comma - 1] == ",":
                self.edits.append((comma - 1, comma, ""))

    def _skip_inline(self, pos: int, *, line_comments: bool = False) -> int:
        """``pos`` moved past spaces and comments that end on the same line."""
        text = self.text
        while pos < len(text):
            if text[pos] in " \t":
                pos += 1
                continue
            end = self.comment_ends.get(pos)
            if end is None:
                break
            comment = text[pos:end]
            block = comment.startswith("/*")
            if (block and "\n" not in comment) or (line_comments and not block):
                pos = end
            else:
                break
        return pos

    def _skip_back(self, pos: int) -> int:
        """``pos`` moved back over whitespace and comments."""
        text = self.text
        while pos > 0:
            if text[pos - 1] in " \t\r\n":
                pos -= 1
                continue
            start = self.comment_starts.get(pos)
            if start is None:
                break
            pos = start
        return pos


def _key_prefix(source: MiniAppSource, path: DocPath) -> str:
    if not path or not isinstance(path[-1], str):  # pragma: no cover - by reading
        raise ExportError("cannot rewrite this value in place", path=path)
    if source.kind == "json":
        return f"{json.dumps(path[-1], ensure_ascii=False)}: "
    return f"{js_key(path[-1])}: "


def _kept_in_place(old: list[str], new: list[str]) -> list[str] | None:
    """The keys of ``old`` that keep their place when the object becomes ``new``.

    Keys of both are kept in place as long as their order agrees; a key that
    moved to the end (say, a rule removed and mapped again) is taken out and
    appended, as a new key would be. None when a key moved anywhere else, or
    when more keys moved than stayed (a real reordering): that object has to
    be written anew.
    """
    common = [key for key in new if key in old]
    old_order = [key for key in old if key in new]
    position = 0
    kept: list[str] = []
    for key in common:
        try:
            position = old_order.index(key, position) + 1
        except ValueError:
            break
        kept.append(key)
    moved = common[len(kept) :]
    if len(moved) > len(kept):
        return None
    if moved:
        last_kept = max((new.index(key) for key in kept), default=-1)
        if any(new.index(key) < last_kept for key in moved):
            return None
    return kept


def _same(a: Value, b: Value, *, ordered: bool = True) -> bool:
    """Equal with equal types all the way down (``1`` is not ``1.0`` nor ``True``)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        assert isinstance(b, dict)
        if (list(a) != list(b)) if ordered else (a.keys() != b.keys()):
            return False
        return all(_same(a[key], b[key], ordered=ordered) for key in a)
    if isinstance(a, list):
        assert isinstance(b, list)
        return len(a) == len(b) and all(
            _same(x, y, ordered=ordered) for x, y in zip(a, b, strict=True)
        )
    if isinstance(a, float):
        assert isinstance(b, float)
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)
    return bool(a == b)


def _value_at(document: Value, path: DocPath) -> tuple[bool, Value]:
    node = document
    for step in path:
        if isinstance(node, dict) and isinstance(step, str) and step in node:
            node = node[step]
            continue
        if isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
            node = node[step]
            continue
        return False, None
    return True, node


def _with_value(document: Value, path: DocPath, value: Value) -> Value:
    """A copy of ``document`` with the value at ``path`` replaced (path must exist)."""
    if not path:
        return value
    step, rest = path[0], path[1:]
    if isinstance(document, dict) and isinstance(step, str):
        copy = dict(document)
        copy[step] = _with_value(document[step], rest, value)
        return copy
    if isinstance(document, list) and isinstance(step, int):
        items = list(document)
        items[step] = _with_value(document[step], rest, value)
        return items
    raise ValueError(path)  # pragma: no cover - the path was found before


def _reads_back(
    source: MiniAppSource, path: DocPath, value: Value, result: Replacement
) -> bool:
    """True when the edited text reads back with only ``path`` changed, to ``value``."""
    try:
        again = parse_miniapp(result.text, filename=source.filename, kind=source.kind)
    except SourceError as exc:
        log.debug("the edited text does not read back: %s", exc)
        return False
    expected = _with_value(source.document, path, value)
    return _same(again.document, expected, ordered=False)


def _rerender(source: MiniAppSource, path: DocPath, new_value: Value) -> Replacement:
    """The value at ``path`` written anew over its whole span (no comment kept)."""
    span = source.spans[path]
    text = source.text
    newline = _newline(text)
    line_start = text.rfind("\n", 0, span.start) + 1
    indent = _indentation(text, line_start)
    unit = _indent_unit(text)
    prefix = _key_prefix(source, path) if span.property_form else ""
    column = span.start - line_start + len(prefix)
    rendered = prefix + _render(source, new_value, unit, column, path)
    rendered = _reindent(rendered, indent, newline)
    shared = tuple(
        other
        for other, other_span in source.spans.items()
        if other != path
        and other_span.start == span.start
        and other_span.end == span.end
        and other[: len(path)] != path
    )
    dropped = tuple(source.comments_in(span.start, span.end))
    if dropped:
        log.debug("rewriting %s drops %d comment(s)", path, len(dropped))
    return Replacement(
        text=text[: span.start] + rendered + text[span.end :],
        start=span.start,
        end=span.end,
        inserted=False,
        dropped_comments=dropped,
        shared_with=shared,
        rerendered=(path,),
    )


def _render(
    source: MiniAppSource, value: Value, unit: str, column: int, path: DocPath
) -> str:
    if source.kind == "json":
        ready = _json_ready(value, path, code_as_string=False)
        return json.dumps(ready, indent=unit, ensure_ascii=False, allow_nan=False)
    return _JsWriter(unit).render(value, 0, column, path)


_LEADING = re.compile(r"^([ \t]+)\S", re.MULTILINE)


def _indent_unit(text: str) -> str:
    """The file's indentation step: a tab, or the smallest run of leading spaces."""
    widths = []
    for match in _LEADING.finditer(text, 0, 20_000):
        lead = match.group(1)
        if lead.startswith("\t"):
            return "\t"
        widths.append(len(lead))
    step = min((w for w in widths if w >= 2), default=2)
    return " " * min(step, 8)


def _newline(text: str) -> str:
    crlf = text.count("\r\n")
    return "\r\n" if crlf and crlf * 2 >= text.count("\n") else "\n"


def _indentation(text: str, line_start: int) -> str:
    end = line_start
    while end < len(text) and text[end] in " \t":
        end += 1
    return text[line_start:end]


def _reindent(rendered: str, indent: str, newline: str) -> str:
    """Continuation lines moved under ``indent``, with the file's line endings."""
    lines = rendered.replace("\r\n", "\n").split("\n")
    return newline.join(
        [lines[0], *(indent + line if line else line for line in lines[1:])]
    )


def _insert(source: MiniAppSource, path: DocPath, value: Value) -> Replacement:
    if not path:
        raise ExportError("the document root cannot be replaced in place", path=path)
    parent, key = path[:-1], path[-1]
    layout = source.objects.get(parent)
    if not isinstance(key, str) or layout is None:
        raise ExportError(
            "there is no object literal to add this key to",
            path=path,
            fix=f"write {format_doc_path(parent)} as an object in the file first",
        )
    edits = _insertion_edits(source, parent, layout, [(key, value)])
    new_text = source.text
    for offset, _, piece in sorted(edits, reverse=True):
        new_text = new_text[:offset] + piece + new_text[offset:]
    at = min(offset for offset, _, _ in edits)
    return Replacement(text=new_text, start=at, end=at, inserted=True)


def _insertion_edits(
    source: MiniAppSource,
    parent: DocPath,
    layout: ObjectLayout,
    items: list[tuple[str, Value]],
) -> list[tuple[int, int, str]]:
    """Insertions that add ``items`` after the last property of an object literal."""
    text = source.text
    newline = _newline(text)
    json_kind = source.kind == "json"
    open_line = text.rfind("\n", 0, layout.open) + 1
    base = _indentation(text, open_line)
    unit = _indent_unit(text)
    member_indent = base + unit
    if layout.last_member is not None:
        member_line = text.rfind("\n", 0, layout.last_member[0]) + 1
        if not text[member_line : layout.last_member[0]].strip():
            member_indent = text[member_line : layout.last_member[0]]

    close_line = text.rfind("\n", 0, layout.close) + 1
    last = layout.last_member
    # Three layouts: an empty object, one property per line (the closing brace
    # on a line of its own), or everything on one line.
    one_per_line = last is not None and (
        not text[close_line : layout.close].strip() and close_line > last[1]
    )
    if last is None:
        trailing = not json_kind
    else:
        trailing = layout.trailing_comma_end is not None and not json_kind
    indent = member_indent if last is None or one_per_line else base
    entries = []
    for key, value in items:
        name = json.dumps(key, ensure_ascii=False) if json_kind else js_key(key)
        column = len(indent) + len(name) + 2
        rendered = _render(source, value, unit, column, (*parent, key))
        entries.append(_reindent(f"{name}: {rendered}", indent, newline))
    commas = [","] * (len(entries) - 1) + ["," if trailing else ""]

    if last is None:
        lines = [f"{indent}{e}{c}" for e, c in zip(entries, commas, strict=True)]
        body = newline.join(lines)
        return [(layout.open + 1, layout.open + 1, f"{newline}{body}{newline}{base}")]
    if one_per_line:
        body = "".join(
            f"{indent}{e}{c}{newline}" for e, c in zip(entries, commas, strict=True)
        )
        edits = [(close_line, close_line, body)]
        if layout.trailing_comma_end is None:
            edits.append((last[1], last[1], ","))
        return edits
    if layout.trailing_comma_end is not None:
        body = "".join(f" {e}," for e in entries)
        return [(layout.trailing_comma_end, layout.trailing_comma_end, body)]
    body = "".join(f", {e}" for e in entries)
    return [(last[1], last[1], body)]


# --- files -------------------------------------------------------------------------


def write_atomic(path: str | Path, text: str, *, backup: bool = True) -> Path | None:
    """Write ``text`` (UTF-8, line endings as given) to ``path`` all or nothing.

    The text goes to a temporary file in the same directory, is flushed to
    disk, and then takes the file's place in one rename, so a crash leaves
    either the old file or the new one. The old file's permissions are kept.
    With ``backup``, the previous file is first copied to ``<name>.bak``; the
    backup's path is returned (None when there was no previous file or no
    backup was asked for). A symlink is followed: its target is rewritten.
    """
    target = Path(os.path.realpath(path))
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise WriteError(
            f"the text cannot be written as UTF-8 ({exc.reason})",
            path=target,
            fix="remove the unpaired surrogate character",
        ) from exc
    try:
        mode: int | None = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise _write_error(target, exc) from exc

    try:
        fd, temp_name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
        )
    except OSError as exc:
        raise _write_error(target, exc) from exc
    temp = Path(temp_name)
    backup_path: Path | None = None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, mode if mode is not None else 0o666 & ~_umask())
        if backup and mode is not None:
            backup_path = target.with_name(target.name + ".bak")
            shutil.copy2(target, backup_path)
        os.replace(temp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            temp.unlink()
        if isinstance(exc, OSError):
            raise _write_error(target, exc) from exc
        raise
    _sync_directory(target.parent)
    log.debug("wrote %s (%d bytes)", target, len(data))
    return backup_path


def _write_error(target: Path, exc: OSError) -> WriteError:
    return WriteError(
        f"cannot write the file: {exc.strerror or exc}",
        path=target,
        fix="check that the folder exists and is writable; the file was not changed",
    )


def _umask() -> int:
    # WORKAROUND: os has no read-only umask query; set and restore at once.
    current = os.umask(0o022)
    os.umask(current)
    return current


def _sync_directory(directory: Path) -> None:
    """Make the rename itself durable where the platform allows it."""
    if os.name != "posix":
        return
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
