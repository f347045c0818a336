"""Diagnostics: what the core reports about a MiniApp, with where and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

#: A place inside the MiniApp document, as keys and indexes from its root,
#: for example ``("sync", "resources", "orders", "apiMapping", "code")``.
DocPath = tuple[str | int, ...]


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class SourceLocation:
    """A 1-based line and column in a file (file is None for unsaved text)."""

    file: str | None
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file or '<text>'}:{self.line}:{self.column}"

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "column": self.column}


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding: a stable ``code``, what is wrong, and what to do about it."""

    severity: Severity
    code: str
    message: str
    fix: str | None = None
    field: str | None = None
    path: DocPath | None = None
    location: SourceLocation | None = None

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        text = f"{where}{self.severity}: {self.message} [{self.code}]"
        if self.fix:
            text += f"\n  fix: {self.fix}"
        return text

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "severity": str(self.severity),
            "code": self.code,
            "message": self.message,
        }
        if self.fix:
            out["fix"] = self.fix
        if self.field is not None:
            out["field"] = self.field
        if self.path is not None:
            out["path"] = list(self.path)
        if self.location is not None:
            out["location"] = self.location.to_json()
        return out


def closest(name: str, candidates: list[str] | tuple[str, ...]) -> str | None:
    """The candidate closest to ``name``, for "did you mean ...?" hints."""
    import difflib

    matches = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    if matches:
        return matches[0]
    lowered = {c.lower(): c for c in candidates}
    return lowered.get(name.lower())
