"""The values a MiniApp document holds once read.

A document is plain JSON data (``dict``, ``list``, ``str``, ``int``, ``float``,
``bool``, ``None``) plus :class:`Code`: a JavaScript expression that is not
data (a function, an arrow function, a template literal with substitutions)
and is kept as its exact source text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeAlias

#: One value of a document. ``Any`` because JSON is recursive; see the module doc.
Value: TypeAlias = Any


@dataclass(frozen=True, slots=True)
class Code:
    """A JavaScript expression kept as source: shown as code, written back as is."""

    text: str
    #: What kind of expression it is, as the JS grammar names it
    #: (``arrow_function``, ``function_expression``, ``template_string``, ...).
    kind: str = "expression"

    def __repr__(self) -> str:
        return f"Code({self.text!r})"


#: The integers a JavaScript runtime reads exactly as numbers.
JS_SAFE_INTEGER = 2**53 - 1


def is_unsafe_integer(value: object) -> bool:
    """True for an int that a JS runtime reading it as a number would round."""
    return (
        isinstance(value, int)
        and not isinstance(value, bool)
        and abs(value) > JS_SAFE_INTEGER
    )
