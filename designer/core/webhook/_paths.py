"""Path lookups the webhook code needs, until ``designer.core.paths`` lands.

TODO(integration): use designer.core.paths. Everything here is private and
reached only through :func:`lookup`, so the swap is one function.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from jsonpath_ng.ext.parser import parse as _jsonpath_parse


@dataclass(frozen=True, slots=True)
class Lookup:
    """The outcome of reading one path: ``found`` and ``value``, or ``error``."""

    found: bool
    value: Any = None
    error: str | None = None


@functools.lru_cache(maxsize=1024)
def _compiled(expr: str) -> Any:
    return _jsonpath_parse(expr)


def _jsonpath(data: Any, expr: str) -> Lookup:
    try:
        matches = [m.value for m in _compiled(expr).find(data)]
    except Exception as exc:  # jsonpath-ng raises many unrelated types
        return Lookup(False, error=f"cannot read JSONPath {expr!r}: {exc}")
    if not matches:
        return Lookup(False)
    return Lookup(True, matches[0] if len(matches) == 1 else matches)


_SEGMENT = re.compile(
    r"""\[\s*(?:(-?\d+)|"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\s*\]|\.?([^.\[\]]+)"""
)


def _dotted_segments(path: str) -> list[str | int]:
    segments: list[str | int] = []
    pos = 0
    while pos < len(path):
        m = _SEGMENT.match(path, pos)
        if m is None or m.end() == pos:
            raise ValueError(f"cannot read dotted path {path!r} at column {pos + 1}")
        index, dq, sq, name = m.groups()
        if index is not None:
            segments.append(int(index))
        elif dq is not None or sq is not None:
            segments.append(re.sub(r"\\(.)", r"\1", dq if dq is not None else sq))
        else:
            segments.append(name)
        pos = m.end()
    return segments


def _dotted(data: Any, path: str) -> Lookup:
    try:
        segments = _dotted_segments(path)
    except ValueError as exc:
        return Lookup(False, error=str(exc))
    value = data
    for seg in segments:
        if isinstance(seg, int) and isinstance(value, list):
            if not -len(value) <= seg < len(value):
                return Lookup(False)
            value = value[seg]
        elif isinstance(seg, str) and isinstance(value, dict) and seg in value:
            value = value[seg]
        else:
            return Lookup(False)
    return Lookup(True, value)


def lookup(data: Any, path: str) -> Lookup:
    """Read ``path`` in ``data``: JSONPath when it starts with ``$``, else dotted."""
    if path.startswith("$"):
        return _jsonpath(data, path)
    return _dotted(data, path)
