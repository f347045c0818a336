"""One webhook delivery exactly as it arrived: raw body bytes, headers, query."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import Any
from urllib.parse import parse_qsl, urlsplit


class Headers:
    """A case-insensitive multi-dict of header names to values, in arrival order.

    Names keep the case they arrived with; lookups ignore case.
    """

    def __init__(self, items: Iterable[tuple[str, str]] = ()) -> None:
        self._items: list[tuple[str, str]] = [(str(k), str(v)) for k, v in items]

    @classmethod
    def parse_lines(cls, lines: Iterable[str]) -> Headers:
        """Headers from ``Name: value`` lines; a line without a colon is an error."""
        items = []
        for line in lines:
            name, sep, value = line.partition(":")
            if not sep or not name.strip():
                raise ValueError(f"header {line!r} is not of the form 'Name: value'")
            items.append((name.strip(), value.strip()))
        return cls(items)

    def get(self, name: str, default: str | None = None) -> str | None:
        """The first value of ``name``, whatever its case."""
        wanted = name.lower()
        for key, value in self._items:
            if key.lower() == wanted:
                return value
        return default

    def get_all(self, name: str) -> list[str]:
        wanted = name.lower()
        return [v for k, v in self._items if k.lower() == wanted]

    def names(self) -> list[str]:
        """Each distinct name once, with its first spelling."""
        seen: dict[str, str] = {}
        for key, _ in self._items:
            seen.setdefault(key.lower(), key)
        return list(seen.values())

    def items(self) -> list[tuple[str, str]]:
        return list(self._items)

    def with_header(self, name: str, value: str) -> Headers:
        """A copy where ``name`` (any case) is replaced by one ``value``."""
        kept = [(k, v) for k, v in self._items if k.lower() != name.lower()]
        return Headers([*kept, (name, value)])

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name) is not None

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Headers) and self._items == other._items

    def __hash__(self) -> int:
        return hash(tuple(self._items))

    def __repr__(self) -> str:
        return f"Headers({self._items!r})"


@dataclass(frozen=True, slots=True)
class ParsedBody:
    """The body read as JSON: ``ok`` with ``value``, or the reason it is not JSON."""

    ok: bool
    value: Any = None
    error: str | None = None


def parse_body(body: bytes) -> ParsedBody:
    """Read ``body`` as JSON. Integers stay exact at any size; never raises."""
    if not body.strip():
        return ParsedBody(False, error="the body is empty")
    try:
        return ParsedBody(True, json.loads(body))
    except json.JSONDecodeError as exc:
        return ParsedBody(
            False,
            error=f"the body is not JSON: {exc.msg} at line {exc.lineno} "
            f"column {exc.colno}",
        )
    except UnicodeDecodeError as exc:
        return ParsedBody(False, error=f"the body is not UTF-8 text: {exc.reason}")
    except RecursionError:
        return ParsedBody(False, error="the body is nested too deeply to read")
    except ValueError as exc:  # e.g. an int with too many digits
        return ParsedBody(False, error=f"the body could not be read as JSON: {exc}")


@dataclass(eq=False)
class Delivery:
    """A webhook request: the raw bytes are what was signed; keep them untouched."""

    body: bytes
    headers: Headers = field(default_factory=Headers)
    query: tuple[tuple[str, str], ...] = ()
    method: str = "POST"
    path: str = "/"
    received_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @classmethod
    def from_text(
        cls,
        text: str,
        *,
        headers: Iterable[tuple[str, str]] | Headers = (),
        url: str = "/",
    ) -> Delivery:
        """A delivery from typed or pasted text, encoded as UTF-8 (never ASCII)."""
        return cls.from_bytes(text.encode("utf-8"), headers=headers, url=url)

    @classmethod
    def from_bytes(
        cls,
        body: bytes,
        *,
        headers: Iterable[tuple[str, str]] | Headers = (),
        url: str = "/",
        method: str = "POST",
    ) -> Delivery:
        """A delivery whose ``url`` (path and query string) is split for you."""
        parts = urlsplit(url)
        query = tuple(parse_qsl(parts.query, keep_blank_values=True))
        hdrs = headers if isinstance(headers, Headers) else Headers(headers)
        return cls(body, hdrs, query, method.upper(), parts.path or "/")

    @cached_property
    def parsed(self) -> ParsedBody:
        return parse_body(self.body)

    def query_value(self, name: str) -> str | None:
        for key, value in self.query:
            if key == name:
                return value
        return None
