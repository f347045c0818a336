"""Dotted paths (``pagination.total``) of ``responseMapping``, via the core paths."""

from __future__ import annotations

from typing import Any

from designer.core import paths


def resolve_dotted(value: Any, path: str) -> Any:
    """The value at the dotted ``path``, or :data:`paths.MISSING`."""
    if path in ("", "$"):
        return value
    try:
        segments = paths.parse_jsonpath(path) if path.startswith("$") else None
        if segments is None:
            segments = paths.parse_dotted(path)
    except paths.PathError:
        return paths.MISSING
    found = paths.resolve(value, segments)
    return found.value if found.found else paths.MISSING


def is_missing(value: object) -> bool:
    return value is paths.MISSING
