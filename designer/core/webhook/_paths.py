"""The one place the webhook code reads a path, through :mod:`designer.core.paths`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from designer.core.paths import MISSING, PathError, evaluate_one, parse_dotted, resolve


@dataclass(frozen=True, slots=True)
class Lookup:
    """The outcome of reading one path: ``found`` and ``value``, or ``error``."""

    found: bool
    value: Any = None
    error: str | None = None


def lookup(data: Any, path: str) -> Lookup:
    """Read ``path`` in ``data``: JSONPath when it starts with ``$``, else dotted.

    Several JSONPath matches give the first (as the platform's single-value
    reads do); a path that cannot be read gives ``error``, never an exception.
    """
    try:
        if path.startswith("$"):
            match = evaluate_one(path, data)
            if match.value is MISSING:
                return Lookup(False)
            return Lookup(True, match.value)
        res = resolve(data, parse_dotted(path))
    except PathError as exc:
        return Lookup(False, error=str(exc))
    return Lookup(True, res.value) if res.found else Lookup(False)
