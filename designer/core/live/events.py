"""Progress events of a live run, given to the ``progress`` callback in order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class PageFetched:
    """A list page arrived and was read: its number (1-based count), records, URL."""

    n: int
    records: int
    url: str
    status: int
    elapsed: float


@dataclass(frozen=True)
class Retrying:
    """A request failed in a way worth retrying; the next try is ``wait`` s away."""

    reason: str
    wait: float
    attempt: int
    url: str
    #: True when the server asked for a longer wait than the cap allows.
    capped: bool = False


@dataclass(frozen=True)
class DetailFetched:
    """One record was enriched from ``endpoints.details``."""

    record_id: object
    url: str
    status: int
    elapsed: float


LiveEvent = PageFetched | Retrying | DetailFetched
ProgressCallback = Callable[[LiveEvent], None]
