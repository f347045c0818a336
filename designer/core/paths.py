"""Paths into JSON data: one internal form, two written dialects.

Internally a path is a tuple of segments: ``str`` for an object key, ``int``
for a list index (negative counts from the end, as in jsonpath-ng). It is
written in one of two dialects:

* **dotted**, relative to a record, used by ``apiMapping`` and
  ``responseMapping``: ``price.amount``, ``items[0].sku``,
  ``meta["com.shop.ref"]``. A key that is not a plain identifier is written in
  double quotes inside brackets, with ``"`` and ``\\`` escaped by a backslash.
* **JSONPath**, used by webhook handler mappings: ``$.data.items[0].sku``,
  ``$.data['line items'][1].sku``, ``$.data['@odata.nextLink']``. Quoted keys
  use single quotes, with ``'`` and ``\\`` escaped by a backslash, which is
  the form jsonpath-ng's extended parser reads back to the same key.

A key is quoted exactly when writing it bare could mean something else: it is
empty, starts with a digit, holds anything but ASCII letters, digits and ``_``,
or is a word jsonpath-ng's grammar reserves (``where``, ``wherenot``, and the
literals ``true``, ``false``, ``null`` of the extended grammar). Numeric-looking
keys such as ``"0"`` or ``"61f44"`` are quoted, so they never read as indexes.

Every key a JSON document can hold has a written form in both dialects:
jsonpath-ng's quoted-string lexer reads any character, and a backslash makes
the next character literal. Reading a dotted path follows the same rule.

Plain key/index chains are walked directly (:func:`resolve`), which is about
twenty times faster than jsonpath-ng. Anything else written in JSONPath
(filters, wildcards, slices, unions, recursive descent) goes to jsonpath-ng's
extended parser through :func:`evaluate`, with parsed expressions cached.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final

#: One path: keys and indexes from some root.
Segments = tuple[str | int, ...]

__all__ = [
    "MISSING",
    "JsonPathMatch",
    "LiteralKey",
    "PathError",
    "PathSyntaxError",
    "Resolution",
    "Segments",
    "SingleMatch",
    "compile_jsonpath",
    "describe_keys",
    "evaluate",
    "evaluate_one",
    "find_literal_dotted_keys",
    "needs_quotes",
    "parse_dotted",
    "parse_jsonpath",
    "render_dotted",
    "render_jsonpath",
    "render_segment_value",
    "resolve",
]


class PathError(Exception):
    """Base of the errors of this module."""


class PathSyntaxError(PathError):
    """A path that cannot be read; ``column`` is 1-based into ``text``."""

    def __init__(self, text: str, column: int, problem: str) -> None:
        self.text = text
        self.column = column
        self.problem = problem
        super().__init__(f"{problem} at column {column} of path {text!r}")


class _Missing:
    """The type of :data:`MISSING`; there is one instance."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False

    def __reduce__(self) -> str:
        return "MISSING"


#: What a path gives when nothing is there. Not the same as ``None`` (JSON null).
MISSING: Final = _Missing()


# ------------------------------------------------------------------------------ quoting

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")

#: Words jsonpath-ng's extended grammar reads as something other than a key.
#: ``where``/``wherenot`` are operators and fail to parse bare; ``true``,
#: ``false`` and ``null`` are literals of the filter grammar. Measured on 1.16.
RESERVED_WORDS: Final = frozenset({"where", "wherenot", "true", "false", "null"})


def needs_quotes(key: str) -> bool:
    """True when ``key`` must be written quoted (in either dialect)."""
    return _IDENTIFIER.match(key) is None or key in RESERVED_WORDS


def _quote(key: str, quote: str) -> str:
    escaped = key.replace("\\", "\\\\").replace(quote, "\\" + quote)
    return f"[{quote}{escaped}{quote}]"


def render_dotted(segments: Sequence[str | int]) -> str:
    """Write ``segments`` as a record-relative dotted path (``a.b[0]["c.d"]``)."""
    parts: list[str] = []
    for seg in segments:
        if isinstance(seg, int):
            parts.append(f"[{seg}]")
        elif needs_quotes(seg):
            parts.append(_quote(seg, '"'))
        else:
            parts.append(f".{seg}" if parts else seg)
    return "".join(parts)


def render_jsonpath(segments: Sequence[str | int], root: str = "$") -> str:
    """Write ``segments`` as a JSONPath from ``root`` (``$.a.b[0]['c.d']``)."""
    parts = [root]
    for seg in segments:
        if isinstance(seg, int):
            parts.append(f"[{seg}]")
        elif needs_quotes(seg):
            parts.append(_quote(seg, "'"))
        else:
            parts.append(f".{seg}")
    return "".join(parts)


_PLAIN_TEXT = re.compile(r'[^"\\\x00-\x1f\x7f-\x9f\u2028\u2029]*\Z')


def render_segment_value(value: Any, limit: int = 60) -> str:
    """A short JSON rendering of ``value`` for traces and messages."""
    if value is MISSING:
        return "missing"
    if value.__class__ is str and len(value) < limit and _PLAIN_TEXT.match(value):
        return f'"{value}"'  # what json.dumps would give, without its cost
    if value.__class__ is int:
        return str(value)
    try:
        text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    except (TypeError, ValueError):
        text = repr(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


# ------------------------------------------------------------------------------ parsing

# A bare word in a dotted path: anything up to the next separator. Spaces are
# refused so that "line items" is written quoted, as the renderer writes it.
_DOTTED_BARE = re.compile(r"[^.\[\]\"'\s]+")
_INDEX = re.compile(r"-?[0-9]+")


def _read_quoted(text: str, pos: int) -> tuple[str, int]:
    """Read a quoted key starting at the quote ``text[pos]``; return it and the end."""
    quote = text[pos]
    out: list[str] = []
    i = pos + 1
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "\\":
            if i + 1 >= n:
                break
            out.append(text[i + 1])
            i += 2
        elif ch == quote:
            return "".join(out), i + 1
        else:
            out.append(ch)
            i += 1
    raise PathSyntaxError(text, pos + 1, f"unclosed {quote} quote")


def _read_bracket(text: str, pos: int) -> tuple[str | int, int]:
    """Read ``[0]``, ``["key"]`` or ``['key']`` starting at ``text[pos] == '['``."""
    i = pos + 1
    if i < len(text) and text[i] in "\"'":
        key, i = _read_quoted(text, i)
        seg: str | int = key
    else:
        m = _INDEX.match(text, i)
        if m is None:
            raise PathSyntaxError(
                text, i + 1, 'expected an index or a quoted key after "["'
            )
        seg = int(m.group())
        i = m.end()
    if i >= len(text) or text[i] != "]":
        raise PathSyntaxError(text, i + 1, 'expected "]"')
    return seg, i + 1


@lru_cache(maxsize=4096)
def parse_dotted(text: str) -> Segments:
    """Read a dotted path (``a.b[0]["c.d"]``) into segments.

    Bare words are keys, so ``a.b`` is the key ``a`` then the key ``b``, and
    ``a.0`` is the key ``"0"`` (write ``a[0]`` for an index).
    """
    if not text:
        raise PathSyntaxError(text, 1, "empty path")
    segs: list[str | int] = []
    i = 0
    n = len(text)
    expect_word = True  # at the start, or just after a dot
    while i < n:
        ch = text[i]
        if ch == "[":
            seg, i = _read_bracket(text, i)
            segs.append(seg)
            expect_word = False
            continue
        if ch == ".":
            if expect_word:
                raise PathSyntaxError(text, i + 1, 'expected a key before "."')
            i += 1
            expect_word = True
            if i >= n:
                raise PathSyntaxError(text, i + 1, 'expected a key after "."')
            continue
        if not expect_word:
            if ch.isspace():
                problem = 'a space in a key; quote the key, e.g. ["line items"]'
            else:
                problem = f'unexpected {ch!r}; expected ".", "[" or the end'
            raise PathSyntaxError(text, i + 1, problem)
        m = _DOTTED_BARE.match(text, i)
        if m is None:
            if ch.isspace():
                problem = 'a space in a key; quote the key, e.g. ["line items"]'
            else:
                problem = f"unexpected {ch!r}; quote the key in brackets"
            raise PathSyntaxError(text, i + 1, problem)
        segs.append(m.group())
        i = m.end()
        expect_word = False
    return tuple(segs)


# In JSONPath only what jsonpath-ng surely reads as a plain key is taken bare.
# Any other bare token (``@odata``, ``a-b``, ``where``) is left to jsonpath-ng,
# so the fast walk and jsonpath-ng never disagree.
_JP_BARE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@lru_cache(maxsize=4096)
def parse_jsonpath(text: str) -> Segments | None:
    """Read a plain JSONPath chain (``$.a['b c'][0]``) into segments.

    Returns None when the text is JSONPath but not a plain key/index chain
    (filters, wildcards, slices, unions, recursive descent, unusual bare
    words): evaluate those with :func:`evaluate`.
    """
    if not text.startswith("$"):
        return None
    segs: list[str | int] = []
    i = 1
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == ".":
            m = _JP_BARE.match(text, i + 1)
            if m is None or (m.end() < n and text[m.end()] not in ".["):
                return None
            word = m.group()
            if word in RESERVED_WORDS:
                return None
            segs.append(word)
            i = m.end()
        elif ch == "[":
            j = i + 1
            if j < n and text[j] in "\"'":
                try:
                    key, j = _read_quoted(text, j)
                except PathSyntaxError:
                    return None
                seg: str | int = key
            else:
                m = _INDEX.match(text, j)
                if m is None:
                    return None
                seg = int(m.group())
                j = m.end()
            if j >= n or text[j] != "]":
                return None
            segs.append(seg)
            i = j + 1
        else:
            return None
    return tuple(segs)


# ------------------------------------------------------------------------------ resolve


@dataclass(frozen=True, slots=True)
class Resolution:
    """What walking a path over some data found.

    ``value`` is the node, or :data:`MISSING`. When missing, ``failed_at`` is
    the index of the segment that could not be read, ``failed_on`` the value
    it was read from, and ``reason`` says why.
    """

    value: Any
    failed_at: int | None = None
    failed_on: Any = MISSING
    reason: str = ""

    @property
    def found(self) -> bool:
        return self.failed_at is None

    @property
    def missing(self) -> bool:
        return self.failed_at is not None


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, str):
        return "string"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def describe_keys(obj: dict[str, Any], limit: int = 8) -> str:
    """The keys of ``obj`` as a short JSON-like list, for messages."""
    keys = list(obj)
    shown = ", ".join(json.dumps(k, ensure_ascii=False) for k in keys[:limit])
    if len(keys) > limit:
        shown += f", … ({len(keys)} keys)"
    return f"[{shown}]"


def _why(value: Any, seg: str | int) -> str:
    if isinstance(seg, int):
        if isinstance(value, list):
            return f"index {seg} out of range for list of length {len(value)}"
        return f"cannot read index {seg} of {_a(_kind(value))}"
    if isinstance(value, dict):
        return f"key {seg!r} not in object with keys {describe_keys(value)}"
    if isinstance(value, list) and _INDEX.fullmatch(seg):
        return f"cannot read key {seg!r} of a list (write [{seg}] for an index)"
    return f"cannot read key {seg!r} of {_a(_kind(value))}"


def _a(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


def resolve(data: Any, segments: Sequence[str | int]) -> Resolution:
    """Walk ``segments`` from ``data``; say where and why the walk stopped."""
    value = data
    for i, seg in enumerate(segments):
        if type(seg) is int:
            if type(value) is list and -len(value) <= seg < len(value):
                value = value[seg]
                continue
        elif type(value) is dict:
            nxt = value.get(seg, MISSING)
            if nxt is not MISSING:
                value = nxt
                continue
        return Resolution(MISSING, i, value, _why(value, seg))
    return Resolution(value)


@dataclass(frozen=True, slots=True)
class LiteralKey:
    """A key holding dots that a path's separate segments could be mistaken for.

    ``segments[at:at + span]`` joined by dots equals ``key``, and the object
    reached by ``segments[:at]`` has that key.
    """

    at: int
    span: int
    key: str


def find_literal_dotted_keys(
    data: Any, segments: Sequence[str | int]
) -> list[LiteralKey]:
    """Literal dotted keys (``"x.y"``) along ``segments`` that read as ``x`` then ``y``.

    Used to tell the user which reading of an ambiguous dotted rule was taken.
    """
    found: list[LiteralKey] = []
    value = data
    last = len(segments) - 1
    for i, seg in enumerate(segments):
        if isinstance(value, dict):
            if i < last and isinstance(seg, str) and isinstance(segments[i + 1], str):
                joined = seg
                for j in range(i + 1, len(segments)):
                    nxt = segments[j]
                    if not isinstance(nxt, str):
                        break
                    joined = f"{joined}.{nxt}"
                    if joined in value:
                        found.append(LiteralKey(i, j - i + 1, joined))
            if isinstance(seg, int):
                break
            value = value.get(seg, MISSING)
        elif isinstance(value, list) and isinstance(seg, int):
            if not -len(value) <= seg < len(value):
                break
            value = value[seg]
        else:
            break
    return found


# -------------------------------------------------------------------------- jsonpath-ng

#: One node an expression matched: where it is, and its value.
JsonPathMatch = tuple[Segments, Any]


@lru_cache(maxsize=1024)
def compile_jsonpath(text: str) -> Any:
    """Parse ``text`` with jsonpath-ng's extended parser, cached by text.

    Raises :class:`PathSyntaxError` when jsonpath-ng cannot read it.
    """
    from jsonpath_ng.exceptions import JsonPathLexerError, JsonPathParserError
    from jsonpath_ng.ext.parser import parse

    try:
        with warnings.catch_warnings():
            # Deprecated-but-working syntax is still valid input here.
            warnings.simplefilter("ignore", DeprecationWarning)
            return parse(text)
    except (JsonPathLexerError, JsonPathParserError) as exc:
        message = str(exc)
        m = re.search(r"(?:at \d+:|col )(\d+)", message)
        column = int(m.group(1)) + 1 if m else 1
        raise PathSyntaxError(text, column, f"JSONPath error: {message}") from exc
    except Exception as exc:  # jsonpath-ng raises bare exceptions on some input
        raise PathSyntaxError(text, 1, f"JSONPath error: {exc}") from exc


def _datum_segments(datum: Any) -> Segments:
    from jsonpath_ng.jsonpath import Fields, Index

    segs: list[str | int] = []
    while datum is not None:
        path = datum.path
        if isinstance(path, Fields) and len(path.fields) == 1:
            segs.append(path.fields[0])
        elif isinstance(path, Index) and len(path.indices) == 1:
            index = path.indices[0]
            container = datum.context.value if datum.context is not None else None
            if isinstance(container, list) and index < 0:
                index += len(container)
            segs.append(index)
        datum = datum.context
    segs.reverse()
    return tuple(segs)


def evaluate(expr: str, data: Any) -> list[JsonPathMatch]:
    """Every node the JSONPath ``expr`` matches in ``data``, with its segments.

    Plain chains are walked directly; the rest goes to jsonpath-ng.
    """
    plain = parse_jsonpath(expr)
    if plain is not None:
        res = resolve(data, plain)
        return [(plain, res.value)] if res.found else []
    compiled = compile_jsonpath(expr)
    return [(_datum_segments(d), d.value) for d in compiled.find(data)]


@dataclass(frozen=True, slots=True)
class SingleMatch:
    """The one value an expression gives where one value is expected."""

    value: Any
    segments: Segments | None
    count: int
    warning: str | None = None


def evaluate_one(expr: str, data: Any) -> SingleMatch:
    """Evaluate ``expr`` where one value is expected.

    No match gives :data:`MISSING`. Several matches give the first with a
    warning naming how many there were: never a silent first match.
    """
    matches = evaluate(expr, data)
    if not matches:
        return SingleMatch(MISSING, None, 0)
    segs, value = matches[0]
    warning = None
    if len(matches) > 1:
        warning = (
            f"{expr} matched {len(matches)} values where one is expected; "
            f"used the first, at {render_jsonpath(segs)}"
        )
    return SingleMatch(value, segs, len(matches), warning)
