"""Dotted paths (``pagination.total``, ``data.items.0``) for response mapping.

TODO(integration): use designer.core.paths (parse_dotted + resolve) once the
``mapping`` branch lands; this is the minimal walk the live fetcher needs.
"""

from __future__ import annotations

from typing import Any

_MISSING = object()


def resolve_dotted(value: Any, path: str) -> Any:
    """The value at ``path`` (keys, or list indexes as digits), or ``MISSING``."""
    if path in ("", "$"):
        return value
    if path.startswith("$."):
        path = path[2:]
    for segment in path.split("."):
        if isinstance(value, dict) and segment in value:
            value = value[segment]
        elif isinstance(value, list) and segment.lstrip("-").isdigit():
            index = int(segment)
            if not -len(value) <= index < len(value):
                return _MISSING
            value = value[index]
        else:
            return _MISSING
    return value


def is_missing(value: object) -> bool:
    return value is _MISSING
