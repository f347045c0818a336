"""Reading JSON the way a JavaScript runtime would accept it.

Python's json module also accepts ``NaN``, ``Infinity`` and numbers that
overflow to infinity (``1e400``); none of these is JSON, and writing them
back produces output other tools reject. A document nested deeper than the
interpreter's recursion limit raises RecursionError. :func:`loads` turns all
of these into :class:`JsonDataError` with a message for people.
"""

from __future__ import annotations

import json
import math
from typing import Any


class JsonDataError(ValueError):
    """Text that is not JSON; ``line`` and ``column`` are 1-based when known."""

    def __init__(
        self, message: str, line: int | None = None, column: int | None = None
    ):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


def _constant(name: str) -> Any:
    raise JsonDataError(f"{name} is not a JSON value (write null or a number)")


def _float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise JsonDataError(
            f"the number {text} is too large for a double (JavaScript reads it as "
            "Infinity); send it as a string"
        )
    return value


def loads(data: str | bytes) -> Any:
    """Parse JSON strictly; raise :class:`JsonDataError` naming what is wrong."""
    try:
        return json.loads(data, parse_constant=_constant, parse_float=_float)
    except json.JSONDecodeError as exc:
        raise JsonDataError(exc.msg, exc.lineno, exc.colno) from exc
    except RecursionError as exc:
        raise JsonDataError(
            "the document is nested too deeply to read (keep objects and arrays "
            "under a few hundred levels deep)"
        ) from exc
