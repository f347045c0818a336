"""Reading a MiniApp source file: the exported object as values, with where each sits.

A MiniApp is authored as a JavaScript module (``export default {...}``,
``module.exports = {...}``, or a bare object literal) or as a ``.json`` file.
:func:`load_miniapp` and :func:`parse_miniapp` read either into a
:class:`MiniAppSource`: the document as plain values plus
:class:`~designer.core.values.Code`, and for every :data:`DocPath` the span of
its value and key in the text, so a writer can replace exactly one value.

JavaScript is read with tree-sitter, never with regular expressions, so a
``//`` inside a string is a string and a comment anywhere is a comment. What
is data (literals, constants declared at the top of the module, spreads of
constant objects) becomes values; what is code (functions, calls, template
literals with substitutions, ...) is kept as its exact source text.

Exceptions::

    SourceError            the file cannot be read as a MiniApp (with file:line:col)
"""

from __future__ import annotations

import bisect
import json
import logging
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, NamedTuple, NoReturn, TypeVar

import tree_sitter
import tree_sitter_javascript

from designer.core.diagnostics import DocPath, SourceLocation, closest
from designer.core.values import Code, Value

__all__ = [
    "MiniAppSource",
    "ObjectLayout",
    "Reference",
    "SourceError",
    "ValueSpan",
    "load_miniapp",
    "parse_miniapp",
]

log = logging.getLogger(__name__)

Kind = Literal["js", "json"]

#: Deeper nesting than this is refused instead of risking Python's recursion limit.
MAX_DEPTH = 200

_LANGUAGE = tree_sitter.Language(tree_sitter_javascript.language())
_COMMENT_QUERY = tree_sitter.Query(_LANGUAGE, "[(comment) (html_comment)] @comment")
#: Prepended to a file that starts with ``{``: a top-level ``{`` can read as a
#: block statement (``{}`` always does), ``_={`` always reads as an object.
_BARE_PREFIX = b"_="

#: Identifiers that are JavaScript globals with no JSON equivalent; kept as code.
_CODE_GLOBALS = frozenset({"undefined", "NaN", "Infinity"})


class SourceError(Exception):
    """A MiniApp source that cannot be read, with where and what to do about it."""

    def __init__(
        self, message: str, location: SourceLocation, fix: str | None = None
    ) -> None:
        self.message = message
        self.location = location
        self.fix = fix
        super().__init__(str(self))

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}"
        if self.fix:
            text += f" ({self.fix})"
        return text


class ValueSpan(NamedTuple):
    """Where one value of the document is written, as ``str`` offsets into the text.

    ``start``/``end`` cover the value's expression; ``key_start``/``key_end``
    the property name that holds it (``None`` for array items and the root).
    A value reached through a constant (``headers`` -> ``const headers = {...}``)
    has its value span at the constant's initializer. ``property_form`` is set
    when the value span is the whole property (a shorthand ``{ hooks }`` whose
    constant is code, or a method ``load() {...}``): replacing it must write
    ``key: value``. ``reference`` is where a value reached through a name is
    used (the ``SALLA_API`` of ``baseUrl: SALLA_API``), None for a literal.
    """

    start: int
    end: int
    key_start: int | None = None
    key_end: int | None = None
    property_form: bool = False
    reference: Reference | None = None


class Reference(NamedTuple):
    """The expression that names a constant where a value is used.

    ``shorthand`` is set for ``{ headers }``: writing a literal there must
    write ``headers: value``.
    """

    start: int
    end: int
    shorthand: bool = False


class ObjectLayout(NamedTuple):
    """The punctuation of one object literal, for inserting a property into it."""

    open: int
    close: int
    #: ``(start, end)`` of the last property (pair, shorthand, spread, method), if any.
    last_member: tuple[int, int] | None
    #: Offset just after a comma that follows the last property, if there is one.
    trailing_comma_end: int | None


@dataclass(slots=True)
class MiniAppSource:
    """A MiniApp as read from its text: the document and where each value sits."""

    path: Path | None
    text: str
    kind: Kind
    #: The exported object, as plain values plus :class:`Code`.
    document: dict[str, Value]
    #: The span of every value reachable from the root, keyed by its DocPath.
    spans: dict[DocPath, ValueSpan] = field(default_factory=dict)
    #: Object literals by the DocPath of the value they build.
    objects: dict[DocPath, ObjectLayout] = field(default_factory=dict)
    #: ``(start, end)`` of every comment in the text, in order.
    comments: list[tuple[int, int]] = field(default_factory=list)
    filename: str | None = None
    _line_starts: list[int] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        if not self._line_starts:
            self._line_starts = _line_starts(self.text)

    def offset_location(self, offset: int) -> SourceLocation:
        """The 1-based line and column of a ``str`` offset into the text."""
        return _offset_location(self._line_starts, offset, self.filename)

    def span(self, doc_path: DocPath) -> ValueSpan | None:
        return self.spans.get(tuple(doc_path))

    def location(self, doc_path: DocPath) -> SourceLocation | None:
        """Where the value at ``doc_path`` starts, or its nearest known ancestor."""
        path = tuple(doc_path)
        while True:
            span = self.spans.get(path)
            if span is not None:
                return self.offset_location(span.start)
            if not path:
                return None
            path = path[:-1]

    def key_location(self, doc_path: DocPath) -> SourceLocation | None:
        """Where the key holding ``doc_path`` is written, if it has one."""
        span = self.spans.get(tuple(doc_path))
        if span is None or span.key_start is None:
            return None
        return self.offset_location(span.key_start)

    def comments_in(self, start: int, end: int) -> list[str]:
        """The text of every comment that lies entirely within ``[start, end)``."""
        first = bisect.bisect_left(self.comments, (start, -1))
        out = []
        for c_start, c_end in self.comments[first:]:
            if c_start >= end:
                break
            if c_end <= end:
                out.append(self.text[c_start:c_end])
        return out

    def comments_inside(self, doc_path: DocPath) -> list[str]:
        """The comments inside the value at ``doc_path`` (lost if it is rewritten)."""
        span = self.spans.get(tuple(doc_path))
        if span is None:
            return []
        return self.comments_in(span.start, span.end)


def load_miniapp(path: str | Path, *, kind: Kind | None = None) -> MiniAppSource:
    """Read a MiniApp file (``.json`` as JSON, anything else as JavaScript)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(
            f"cannot read the file: {exc.strerror or exc}",
            SourceLocation(str(path), 1, 1),
            "check the path and that the file is readable",
        ) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        good = data[: exc.start].decode("utf-8")
        starts = _line_starts(good)
        raise SourceError(
            f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x})",
            _offset_location(starts, len(good), str(path)),
            "save the file as UTF-8",
        ) from None
    source = parse_miniapp(text, filename=str(path), kind=kind)
    source.path = path
    return source


def parse_miniapp(
    text: str, *, filename: str | None = None, kind: Kind | None = None
) -> MiniAppSource:
    """Read MiniApp source text; raises :class:`SourceError` and nothing else."""
    if kind is None:
        kind = _guess_kind(text, filename)
    try:
        return _Reader(text, filename, kind).read()
    except RecursionError:
        raise SourceError(
            "the document is nested too deeply to read",
            SourceLocation(filename, 1, 1),
            f"keep objects and arrays under {MAX_DEPTH} levels deep",
        ) from None


def _guess_kind(text: str, filename: str | None) -> Kind:
    if filename is not None:
        return "json" if filename.lower().endswith(".json") else "js"
    try:
        json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        return "js"
    return "json"


def _reject_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not JSON")


def _line_starts(text: str) -> list[int]:
    return [0, *(m.end() for m in re.finditer("\n", text))]


def _offset_location(
    line_starts: list[int], offset: int, filename: str | None
) -> SourceLocation:
    line = bisect.bisect_right(line_starts, offset) - 1
    return SourceLocation(filename, line + 1, offset - line_starts[line] + 1)


# --- JavaScript literals -----------------------------------------------------

_ESCAPE = re.compile(
    r"\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}"
    r"|[0-3][0-7]{0,2}|[4-7][0-7]?|\r\n|[\s\S])"
)
_SIMPLE_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "b": "\b",
    "f": "\f",
    "v": "\v",
    "\n": "",
    "\r": "",
    "\r\n": "",
    "\u2028": "",
    "\u2029": "",
}


class _BadEscape(ValueError):
    pass


def _unescape(match: re.Match[str]) -> str:
    esc = match.group(1)
    head = esc[0]
    if head == "u" and len(esc) > 1:
        point = int(esc[2:-1] if esc[1] == "{" else esc[1:], 16)
        if point > 0x10FFFF:
            raise _BadEscape(match.group(0))
        return chr(point)
    if head == "x" and len(esc) == 3:
        return chr(int(esc[1:], 16))
    if head in "ux":
        raise _BadEscape(match.group(0))
    if head.isdigit() and head not in "89":
        return chr(int(esc, 8))
    return _SIMPLE_ESCAPES.get(esc, esc)


def cook_string(raw: str) -> str:
    """The value of a JS string body (without its quotes): escapes decoded."""
    if "\\" not in raw:
        return raw
    value = _ESCAPE.sub(_unescape, raw)
    if _SURROGATE.search(value):
        # "\uD83C\uDF81" is one character in JS: join surrogate pairs.
        value = value.encode("utf-16-le", "surrogatepass").decode(
            "utf-16-le", "surrogatepass"
        )
    return value


_SURROGATE = re.compile("[\ud800-\udfff]")
_WIDE = re.compile(r"[^\x00-\x7f]")
_LEGACY_OCTAL = re.compile(r"0[0-7]+")
_LEADING_ZERO = re.compile(r"0[0-9]+")


def parse_number(text: str) -> int | float:
    """The value of a JS number literal in any spelling; ints stay exact."""
    digits = text.replace("_", "")
    if digits.endswith("n"):
        digits = digits[:-1]
    lower = digits.lower()
    if lower.startswith("0x"):
        return int(lower[2:], 16)
    if lower.startswith("0o"):
        return int(lower[2:], 8)
    if lower.startswith("0b"):
        return int(lower[2:], 2)
    if _LEGACY_OCTAL.fullmatch(digits):
        return int(digits, 8)
    if _LEADING_ZERO.fullmatch(digits):
        return int(digits, 10)
    if "." in lower or "e" in lower:
        return float(lower)
    return int(lower)


def _number_key(value: int | float) -> str:
    """The property name JavaScript makes of a numeric key (``1e3`` -> ``"1000"``)."""
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e21:
            return str(int(value))
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return repr(value)
    return str(value)


# --- the reader --------------------------------------------------------------


@dataclass(slots=True)
class _Decl:
    """A top-level name: the node of its initializer, or None when it is not data."""

    name: str
    start: int
    value: tree_sitter.Node | None
    hoisted: bool = False


class _Reader:
    def __init__(self, text: str, filename: str | None, kind: Kind) -> None:
        self.text = text
        self.filename = filename
        self.kind = kind
        self.data = text.encode("utf-8", "surrogatepass")
        self.line_starts = _line_starts(text)
        self.shift = 0
        #: True while byte offsets are str offsets (ASCII text, no prefix).
        self.plain = text.isascii()
        self.decls: dict[str, _Decl] = {}
        self.resolving: list[str] = []
        self.spans: dict[DocPath, ValueSpan] = {}
        self.objects: dict[DocPath, ObjectLayout] = {}
        self._build_offsets()

    # offsets and errors

    def _build_offsets(self) -> None:
        """Tables for byte offset -> str offset; empty for ASCII text."""
        # A sentinel first entry saves a bounds check in every lookup.
        self.wide_bytes: list[int] = [-1]
        self.extra: list[int] = [0]
        if self.text.isascii():
            return
        extra = 0
        for match in _WIDE.finditer(self.text):
            point = ord(match.group())
            width = 2 if point < 0x800 else 3 if point < 0x10000 else 4
            extra += width - 1
            # Byte offsets from the end of this character on are ``extra`` ahead.
            self.wide_bytes.append(match.end() + extra)
            self.extra.append(extra)

    def char(self, byte: int) -> int:
        """The str offset of a byte offset in the parsed buffer."""
        byte = max(byte - self.shift, 0)
        return byte - self.extra[bisect.bisect_right(self.wide_bytes, byte) - 1]

    # While reading, offsets are bytes of the parsed buffer; they become str
    # offsets once at the end (see _to_text_offsets), which is much cheaper
    # than converting each one as it is met.

    def start(self, node: tree_sitter.Node) -> int:
        return node.start_byte

    def end(self, node: tree_sitter.Node) -> int:
        return node.end_byte

    def source(self, node: tree_sitter.Node) -> str:
        if self.plain:
            return self.text[node.start_byte : node.end_byte]
        return (node.text or b"").decode("utf-8", "surrogatepass")

    def where(self, byte: int) -> SourceLocation:
        return _offset_location(self.line_starts, self.char(byte), self.filename)

    def fail(self, node: tree_sitter.Node, message: str, fix: str | None) -> NoReturn:
        raise SourceError(message, self.where(node.start_byte), fix)

    # the whole file

    def read(self) -> MiniAppSource:
        json_document: dict[str, Value] | None = None
        if self.kind == "json":
            json_document = self._read_json()
        parser = tree_sitter.Parser(_LANGUAGE)
        tree = parser.parse(self.data)
        first = _first_statement(tree.root_node)
        if (
            first is not None
            and first.type != "expression_statement"
            and self.data[first.start_byte : first.start_byte + 1] == b"{"
        ):
            self.shift = len(_BARE_PREFIX)
            tree = parser.parse(_BARE_PREFIX + self.data)
            self.plain = False
        root = tree.root_node
        if root.has_error:
            self._syntax_error(root)
        self._collect_declarations(root)
        exported = self._find_export(root)
        document = self.value(exported, (), 0)
        if not isinstance(document, dict):
            self.fail(
                exported,
                "the exported value is not an object",
                "export the MiniApp object itself: export default { ns: ..., ... }",
            )
        comments = [
            (self.start(node), self.end(node))
            for node in _comment_cursor().captures(root).get("comment", [])
        ]
        comments.sort()
        if not self.plain:
            self._to_text_offsets(comments)
        return MiniAppSource(
            path=None,
            text=self.text,
            kind=self.kind,
            document=json_document if json_document is not None else document,
            spans=self.spans,
            objects=self.objects,
            comments=comments,
            filename=self.filename,
            _line_starts=self.line_starts,
        )

    def _to_text_offsets(self, comments: list[tuple[int, int]]) -> None:
        shift, wide, extra = self.shift, self.wide_bytes, self.extra
        find = bisect.bisect_right

        def char(byte: int) -> int:
            byte -= shift
            return byte - extra[find(wide, byte) - 1]

        self.spans = {
            path: ValueSpan(
                char(span.start),
                char(span.end),
                None if span.key_start is None else char(span.key_start),
                None if span.key_end is None else char(span.key_end),
                span.property_form,
                None
                if span.reference is None
                else Reference(
                    char(span.reference.start),
                    char(span.reference.end),
                    span.reference.shorthand,
                ),
            )
            for path, span in self.spans.items()
        }
        self.objects = {
            path: ObjectLayout(
                char(layout.open),
                char(layout.close),
                None
                if layout.last_member is None
                else (char(layout.last_member[0]), char(layout.last_member[1])),
                None
                if layout.trailing_comma_end is None
                else char(layout.trailing_comma_end),
            )
            for path, layout in self.objects.items()
        }
        comments[:] = [(char(start), char(end)) for start, end in comments]

    def _read_json(self) -> dict[str, Value]:
        try:
            document = json.loads(self.text, parse_constant=_reject_constant)
        except json.JSONDecodeError as exc:
            raise SourceError(
                f"not valid JSON: {exc.msg}",
                SourceLocation(self.filename, exc.lineno, exc.colno),
                "JSON needs double-quoted keys and strings, no comments and "
                "no trailing commas; or save the file as .js",
            ) from None
        except ValueError as exc:
            raise SourceError(
                f"not valid JSON: {exc}",
                SourceLocation(self.filename, 1, 1),
                "write numbers as plain JSON numbers",
            ) from None
        if not isinstance(document, dict):
            raise SourceError(
                f"the JSON document is {_json_kind(document)}, not an object",
                SourceLocation(self.filename, 1, 1),
                'a MiniApp is one JSON object: { "ns": ..., ... }',
            )
        return document

    def _syntax_error(self, root: tree_sitter.Node) -> NoReturn:
        tokens = list(_leaves(root))
        for token in tokens:
            parent = token.parent
            if (
                token.type in ("'", '"', "`")
                and parent is not None
                and parent.type == "ERROR"
            ):
                self.fail(
                    token,
                    "syntax error: this string is never closed",
                    f"end it with a matching {token.type}",
                )
        bad = _first_error(root) or root
        if bad.is_missing:
            if bad.type.isidentifier():  # a missing name or value, not a token
                self.fail(
                    bad,
                    "syntax error: a value is missing here",
                    "write a value, or remove the property",
                )
            self.fail(
                bad,
                f"syntax error: missing {bad.type!r}",
                f"add {bad.type!r} here, or check the line above",
            )
        if not self.data[bad.end_byte :].strip():
            opener = _unclosed_bracket(tokens)
            if opener is not None:
                self.fail(
                    opener,
                    f"syntax error: this {opener.type!r} is never closed",
                    f"add the matching {_CLOSERS[opener.type]!r}",
                )
        shown = self.source(bad).strip().split("\n")[0][:30]
        near = f" near {shown!r}" if shown else ""
        self.fail(
            bad,
            f"syntax error{near}",
            "check for a missing comma, bracket or quote at or just before this point",
        )

    def _collect_declarations(self, root: tree_sitter.Node) -> None:
        for node in root.named_children:
            if node.type == "export_statement":
                declaration = node.child_by_field_name("declaration")
                if declaration is None:
                    continue
                node = declaration
            if node.type in ("lexical_declaration", "variable_declaration"):
                for declarator in node.named_children:
                    if declarator.type != "variable_declarator":
                        continue
                    name = declarator.child_by_field_name("name")
                    value = declarator.child_by_field_name("value")
                    if name is None:
                        continue
                    if name.type == "identifier":
                        self._declare(name, value, hoisted=False)
                    else:  # a destructuring pattern: its names are not data
                        for ident in _identifiers_in(name):
                            self._declare(ident, None, hoisted=False)
            elif node.type in (
                "function_declaration",
                "generator_function_declaration",
                "class_declaration",
            ):
                name = node.child_by_field_name("name")
                if name is not None:
                    self._declare(name, None, hoisted=node.type != "class_declaration")
            elif node.type == "import_statement":
                for child in node.named_children:
                    if child.type == "import_clause":
                        for ident in _identifiers_in(child):
                            self._declare(ident, None, hoisted=True)

    def _declare(
        self, name: tree_sitter.Node, value: tree_sitter.Node | None, *, hoisted: bool
    ) -> None:
        text = self.source(name)
        if text not in self.decls:
            self.decls[text] = _Decl(text, self.start(name), value, hoisted)

    def _find_export(self, root: tree_sitter.Node) -> tree_sitter.Node:
        default_export: tree_sitter.Node | None = None
        module_export: tree_sitter.Node | None = None
        first_expression: tree_sitter.Node | None = None
        for node in root.named_children:
            if node.type == "export_statement":
                value = node.child_by_field_name("value")
                if value is not None and default_export is None:
                    default_export = value
            elif node.type == "expression_statement":
                expression = (
                    _unwrap(node.named_children[0]) if node.named_children else None
                )
                if expression is None:
                    continue
                if expression.type == "assignment_expression":
                    left = expression.child_by_field_name("left")
                    right = expression.child_by_field_name("right")
                    if left is None or right is None:
                        continue
                    target = self.source(left).replace(" ", "")
                    if target == "module.exports" or (
                        self.shift and left.start_byte == 0
                    ):
                        module_export = right  # the last assignment wins, as in Node
                elif first_expression is None and expression.type == "object":
                    first_expression = expression
        exported = default_export or module_export or first_expression
        if exported is None:
            raise SourceError(
                "no exported object found",
                self.where(0),
                "write `export default { ... }` or `module.exports = { ... }` "
                "around the MiniApp object",
            )
        node = _unwrap(exported)
        if node.type not in ("object", "identifier"):
            self.fail(
                node,
                f"the exported value is a {node.type.replace('_', ' ')}, "
                "not an object literal",
                "export the MiniApp object itself (or a constant holding it)",
            )
        return node

    # values

    def value(self, node: tree_sitter.Node, path: DocPath, depth: int) -> Value:
        """Evaluate a value node and record its span under ``path``."""
        if depth > MAX_DEPTH:
            self.fail(
                node,
                "the document is nested too deeply to read",
                f"keep objects and arrays under {MAX_DEPTH} levels deep",
            )
        node = _unwrap(node)
        kind = node.type
        if kind == "identifier":
            return self._identifier(node, path, depth)
        if kind in ("member_expression", "subscript_expression"):
            resolved = self._member(node, path, depth)
            if resolved is not _NOT_DATA:
                return resolved
        self.spans[path] = ValueSpan(self.start(node), self.end(node))
        if kind == "object":
            return self._object(node, path, depth)
        if kind == "array":
            return self._array(node, path, depth)
        if kind == "string":
            return self._string(node)
        if kind == "number":
            return self._number(node, node)
        if kind == "template_string" and not any(
            child.type == "template_substitution" for child in node.named_children
        ):
            return self._template(node)
        if kind == "true":
            return True
        if kind == "false":
            return False
        if kind == "null":
            return None
        if kind == "unary_expression":
            number = self._signed_number(node)
            if number is not None:
                return number
        return Code(self.source(node), kind)

    def _string(self, node: tree_sitter.Node) -> str:
        raw = self.source(node)[1:-1]
        try:
            return cook_string(raw)
        except _BadEscape as exc:
            self.fail(
                node,
                f"invalid escape {exc.args[0]!r} in a string",
                "write \\uXXXX with four hex digits, \\xXX with two, or \\u{...}",
            )

    def _template(self, node: tree_sitter.Node) -> str:
        raw = self.source(node)[1:-1].replace("\r\n", "\n").replace("\r", "\n")
        try:
            return cook_string(raw)
        except _BadEscape as exc:
            self.fail(node, f"invalid escape {exc.args[0]!r} in a template", None)

    def _number(self, node: tree_sitter.Node, at: tree_sitter.Node) -> int | float:
        try:
            return parse_number(self.source(node))
        except ValueError:
            self.fail(at, f"cannot read the number {self.source(node)[:40]!r}", None)

    def _signed_number(self, node: tree_sitter.Node) -> int | float | None:
        operator = node.child_by_field_name("operator")
        operand = node.child_by_field_name("argument")
        if operator is None or operand is None:
            return None
        sign = self.source(operator)
        operand = _unwrap(operand)
        if sign not in ("-", "+"):
            return None
        if operand.type == "number":
            number = self._number(operand, node)
        elif operand.type == "unary_expression":
            inner = self._signed_number(operand)
            if inner is None:
                return None
            number = inner
        else:
            return None
        return -number if sign == "-" else number

    def _object(self, node: tree_sitter.Node, path: DocPath, depth: int) -> Value:
        result: dict[str, Value] = {}
        seen: dict[str, int] = {}
        last_member: tree_sitter.Node | None = None
        trailing_comma: tree_sitter.Node | None = None
        for child in node.children:
            kind = child.type
            if kind == ",":
                if last_member is None or trailing_comma is not None:
                    self.fail(
                        child,
                        "syntax error: a comma with no property before it",
                        "remove the extra comma",
                    )
                trailing_comma = child
                continue
            if kind in _OBJECT_SKIP:
                continue
            last_member = child
            trailing_comma = None
            if kind == "spread_element":
                self._spread_into_object(result, child, path, depth)
                continue
            parts = child.children if kind == "pair" else None
            key, key_node = self._member_key(child, parts)
            key_start = self.start(key_node)
            if key in seen:
                first_line = self.where(seen[key]).line
                line = self.where(key_start).line
                self.fail(
                    key_node,
                    f"duplicate key {key!r} on lines {first_line} and {line}; "
                    "the later one would silently win",
                    "remove or rename one of them",
                )
            seen[key] = key_start
            child_path = (*path, key)
            if key in result:
                self._forget(result, key, child_path)
            if parts is not None:
                # children, not child_by_field_name: several times faster here.
                value_node = parts[-1]
                if value_node.type in _TRIVIA:
                    value_node = next(
                        p for p in reversed(parts) if p.type not in _TRIVIA
                    )
                result[key] = self.value(value_node, child_path, depth + 1)
            elif kind == "shorthand_property_identifier":
                result[key] = self._identifier(child, child_path, depth + 1)
            elif kind == "method_definition":
                self.spans[child_path] = ValueSpan(
                    self.start(child), self.end(child), property_form=True
                )
                result[key] = Code(self.source(child), kind)
            else:
                what = kind.replace("_", " ")
                self.fail(child, f"unexpected {what} in an object", None)
            span = self.spans[child_path]
            self.spans[child_path] = span._replace(
                key_start=key_start, key_end=self.end(key_node)
            )
        self.objects[path] = ObjectLayout(
            self.start(node),
            self.end(node) - 1,
            None
            if last_member is None
            else (self.start(last_member), self.end(last_member)),
            None if trailing_comma is None else self.end(trailing_comma),
        )
        return result

    def _member_key(
        self, member: tree_sitter.Node, parts: list[tree_sitter.Node] | None
    ) -> tuple[str, tree_sitter.Node]:
        if member.type == "shorthand_property_identifier":
            return self.source(member), member
        key_node = parts[0] if parts else member.child_by_field_name("name")
        if key_node is None:  # pragma: no cover - a syntax error
            self.fail(member, "a property without a name", None)
        kind = key_node.type
        if kind in ("property_identifier", "private_property_identifier"):
            return self.source(key_node), key_node
        if kind == "string":
            return self._string(key_node), key_node
        if kind == "number":
            return _number_key(self._number(key_node, key_node)), key_node
        if kind == "computed_property_name" and key_node.named_children:
            inner = _unwrap(key_node.named_children[0])
            if inner.type == "string":
                return self._string(inner), key_node
            if inner.type == "number":
                return _number_key(self._number(inner, inner)), key_node
            if inner.type == "template_string" and not any(
                c.type == "template_substitution" for c in inner.named_children
            ):
                return self._template(inner), key_node
        self.fail(
            key_node,
            f"computed key {self.source(key_node)[:40]} cannot be read as data",
            "write the key as a plain name or a quoted string",
        )

    def _forget(self, result: dict[str, Value], key: str, path: DocPath) -> None:
        """Drop the spans below a key about to be overridden (after a spread)."""
        old = result.get(key)
        if isinstance(old, (dict, list)) and old:
            size = len(path)
            for stale in [p for p in self.spans if len(p) > size and p[:size] == path]:
                del self.spans[stale]
                self.objects.pop(stale, None)

    def _spread_into_object(
        self,
        result: dict[str, Value],
        node: tree_sitter.Node,
        path: DocPath,
        depth: int,
    ) -> None:
        argument = node.named_children[0] if node.named_children else node
        value, spans, objects = self._detached(argument, path, depth + 1)
        if not isinstance(value, dict):
            self.fail(
                node,
                f"cannot spread {self.source(argument)[:40]}: "
                "it is not a constant object",
                "spread only objects declared with const in this file, "
                "or write the properties inline",
            )
        for key, item in value.items():
            child_path = (*path, key)
            self._forget(result, key, child_path)
            result[key] = item
        self._adopt(spans, objects, path, path, root=False)

    def _array(self, node: tree_sitter.Node, path: DocPath, depth: int) -> Value:
        result: list[Value] = []
        expecting_item = True
        for child in node.children:
            kind = child.type
            if kind == "[" or kind == "]" or kind in ("comment", "html_comment"):
                continue
            if kind == ",":
                if expecting_item:
                    self.fail(
                        child,
                        "an empty slot in an array (two commas in a row)",
                        "remove the extra comma or write null",
                    )
                expecting_item = True
                continue
            expecting_item = False
            if kind == "spread_element":
                argument = child.named_children[0] if child.named_children else child
                value, spans, objects = self._detached(argument, path, depth + 1)
                if not isinstance(value, list):
                    self.fail(
                        child,
                        f"cannot spread {self.source(argument)[:40]}: "
                        "it is not a constant array",
                        "spread only arrays declared with const in this file",
                    )
                offset = len(result)
                result.extend(value)
                self._adopt(spans, objects, path, path, root=False, index_shift=offset)
                continue
            result.append(self.value(child, (*path, len(result)), depth + 1))
        return result

    # names

    def _detached(
        self, node: tree_sitter.Node, path: DocPath, depth: int
    ) -> tuple[Value, dict[DocPath, ValueSpan], dict[DocPath, ObjectLayout]]:
        """Evaluate ``node`` under ``path`` without touching the recorded spans."""
        saved_spans, saved_objects = self.spans, self.objects
        self.spans, self.objects = {}, {}
        try:
            value = self.value(node, path, depth)
            return value, self.spans, self.objects
        finally:
            self.spans, self.objects = saved_spans, saved_objects

    def _adopt(
        self,
        spans: dict[DocPath, ValueSpan],
        objects: dict[DocPath, ObjectLayout],
        old: DocPath,
        new: DocPath,
        *,
        root: bool,
        index_shift: int = 0,
    ) -> None:
        """Record detached spans found under ``old`` as found under ``new``."""
        self.spans.update(_moved(spans, old, new, root, index_shift))
        self.objects.update(_moved(objects, old, new, root, index_shift))

    def _identifier(self, node: tree_sitter.Node, path: DocPath, depth: int) -> Value:
        name = self.source(node)
        decl = self.decls.get(name)
        here = self.start(node)
        if decl is None:
            if name in _CODE_GLOBALS:
                self.spans[path] = ValueSpan(here, self.end(node))
                return Code(name, "undefined" if name == "undefined" else "identifier")
            known = [n for n in self.decls if self.decls[n].value is not None]
            hint = closest(name, known)
            did_you_mean = f"did you mean {hint!r}? " if hint else ""
            self.fail(
                node,
                f"unresolved identifier {name}",
                f"{did_you_mean}declare it above or write the value inline",
            )
        if not decl.hoisted and decl.start > here:
            self.fail(
                node,
                f"{name} is used before it is declared "
                f"(line {self.where(decl.start).line})",
                f"move the declaration of {name} above this line",
            )
        if decl.value is None:
            return self._opaque(node, path, name)
        if name in self.resolving:
            chain = " -> ".join([*self.resolving[self.resolving.index(name) :], name])
            self.fail(node, f"circular reference: {chain}", "break the cycle")
        self.resolving.append(name)
        try:
            value, spans, objects = self._detached(decl.value, path, depth + 1)
        finally:
            self.resolving.pop()
        if isinstance(value, Code):
            # A constant holding code stays a reference to it: same meaning,
            # and written back as the name instead of a copy of the code.
            return self._opaque(node, path, name)
        self.spans.update(spans)
        self.objects.update(objects)
        self._referenced(path, node)
        return value

    def _referenced(self, path: DocPath, node: tree_sitter.Node) -> None:
        """Note that the value at ``path`` is used through the name at ``node``."""
        span = self.spans.get(path)
        if span is not None:
            shorthand = node.type == "shorthand_property_identifier"
            reference = Reference(self.start(node), self.end(node), shorthand)
            self.spans[path] = span._replace(reference=reference)

    def _opaque(self, node: tree_sitter.Node, path: DocPath, name: str) -> Code:
        shorthand = node.type == "shorthand_property_identifier"
        self.spans[path] = ValueSpan(
            self.start(node), self.end(node), property_form=shorthand
        )
        return Code(name, "identifier")

    def _member(self, node: tree_sitter.Node, path: DocPath, depth: int) -> Value:
        """``base.headers`` or ``base['x']`` of a constant, else _NOT_DATA."""
        chain: list[tuple[str | int, tree_sitter.Node]] = []
        current = node
        while current.type in ("member_expression", "subscript_expression"):
            if current.type == "member_expression":
                prop = current.child_by_field_name("property")
                if prop is None or prop.type != "property_identifier":
                    return _NOT_DATA
                if any(c.type == "optional_chain" for c in current.children):
                    return _NOT_DATA
                chain.append((self.source(prop), prop))
            else:
                index = current.child_by_field_name("index")
                if index is None:
                    return _NOT_DATA
                index = _unwrap(index)
                if index.type == "string":
                    chain.append((self._string(index), index))
                elif index.type == "number":
                    number = self._number(index, index)
                    step = number if isinstance(number, int) else _number_key(number)
                    chain.append((step, index))
                else:
                    return _NOT_DATA
            obj = current.child_by_field_name("object")
            if obj is None:
                return _NOT_DATA
            current = _unwrap(obj)
        if current.type != "identifier":
            return _NOT_DATA
        decl = self.decls.get(self.source(current))
        if decl is None or decl.value is None:
            return _NOT_DATA
        chain.reverse()
        base_path: DocPath = ("\x00member", *path)
        value, spans, objects = self._detached(current, base_path, depth + 1)
        inner: DocPath = base_path
        for step, step_node in chain:
            if isinstance(value, dict) and isinstance(step, (str, int)):
                key = step if isinstance(step, str) else _number_key(step)
                if key not in value:
                    hint = closest(key, list(value))
                    self.fail(
                        step_node,
                        f"{self.source(node)} is not defined: no key {key!r}",
                        f"did you mean {hint!r}?" if hint else "check the name",
                    )
                value = value[key]
                inner = (*inner, key)
            elif isinstance(value, list) and isinstance(step, int):
                if not 0 <= step < len(value):
                    self.fail(step_node, f"index {step} is outside the array", None)
                value = value[step]
                inner = (*inner, step)
            else:
                return _NOT_DATA
        if isinstance(value, Code):
            return _NOT_DATA
        self._adopt(spans, objects, inner, path, root=True)
        self._referenced(path, node)
        return value


_NOT_DATA: Value = object()
_OBJECT_SKIP = frozenset({"{", "}", "comment", "html_comment"})
_TRIVIA = frozenset({"comment", "html_comment"})

_T = TypeVar("_T")


def _moved(
    table: dict[DocPath, _T], old: DocPath, new: DocPath, root: bool, index_shift: int
) -> dict[DocPath, _T]:
    """The entries of ``table`` under ``old``, re-keyed under ``new``."""
    size = len(old)
    out: dict[DocPath, _T] = {}
    for path, item in table.items():
        if path[:size] != old or (len(path) == size and not root):
            continue
        rest = path[size:]
        if index_shift and rest and isinstance(rest[0], int):
            rest = (rest[0] + index_shift, *rest[1:])
        out[(*new, *rest)] = item
    return out


def _comment_cursor() -> tree_sitter.QueryCursor:
    return tree_sitter.QueryCursor(_COMMENT_QUERY)


def _unwrap(node: tree_sitter.Node) -> tree_sitter.Node:
    """The expression inside any parentheses."""
    while node.type == "parenthesized_expression":
        inner = [c for c in node.named_children if c.type not in ("comment",)]
        if len(inner) != 1:
            return node
        node = inner[0]
    return node


def _first_statement(root: tree_sitter.Node) -> tree_sitter.Node | None:
    for child in root.children:
        if child.type not in ("comment", "html_comment", "hash_bang_line"):
            return child
    return None


_CLOSERS = {"{": "}", "[": "]", "(": ")", "${": "}"}


def _leaves(node: tree_sitter.Node) -> Iterator[tree_sitter.Node]:
    stack = [node]
    while stack:
        current = stack.pop()
        if current.child_count == 0:
            yield current
        else:
            stack.extend(reversed(current.children))


def _unclosed_bracket(tokens: list[tree_sitter.Node]) -> tree_sitter.Node | None:
    """The innermost opening bracket still open at the end of the tokens."""
    open_brackets: list[tree_sitter.Node] = []
    for token in tokens:
        if token.type in _CLOSERS:
            open_brackets.append(token)
        elif token.type in ("}", "]", ")") and open_brackets:
            open_brackets.pop()
    return open_brackets[-1] if open_brackets else None


def _first_error(node: tree_sitter.Node) -> tree_sitter.Node | None:
    for child in node.children:
        if child.is_missing or child.type == "ERROR":
            return child
        if child.has_error:
            found = _first_error(child)
            if found is not None:
                return found
    return None


def _identifiers_in(node: tree_sitter.Node) -> Iterator[tree_sitter.Node]:
    """The names a pattern or import clause binds."""
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type in (
            "identifier",
            "shorthand_property_identifier_pattern",
        ):
            parent = current.parent
            # In `import { a as b }` only `b` is bound.
            if (
                parent is not None
                and parent.type == "import_specifier"
                and parent.child_by_field_name("alias") not in (None, current)
            ):
                continue
            yield current
            continue
        if current.type == "pair_pattern":
            value = current.child_by_field_name("value")
            if value is not None:
                stack.append(value)
            continue
        stack.extend(current.named_children)


def _json_kind(value: object) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return "a number"
