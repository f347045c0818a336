"""What every benchmark returns, and the one table that prints them."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    """One figure next to the baseline measured in the same run.

    ``ratio`` is how the figure compares, in the direction its goal is written
    (for times: figure / baseline; for rates: as the goal text says).
    """

    name: str
    value: float
    unit: str
    baseline: str
    baseline_value: float
    ratio: float
    goal: str


def median_seconds(function: Callable[[], object], runs: int) -> float:
    """The median wall time of ``runs`` calls of ``function``."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _number(value: float) -> str:
    if value >= 1000:
        return f"{value:,.0f}"
    if value >= 100:
        return f"{value:.0f}"
    return f"{value:.3g}" if value < 10 else f"{value:.1f}"


def format_table(rows: Sequence[Row]) -> str:
    """The rows as an aligned plain-text table."""
    header = ("benchmark", "figure", "baseline", "baseline figure", "ratio", "goal")
    lines = [
        (
            row.name,
            f"{_number(row.value)} {row.unit}",
            row.baseline,
            f"{_number(row.baseline_value)} {row.unit}",
            f"{row.ratio:.2f}x",
            row.goal,
        )
        for row in rows
    ]
    widths = [max(len(str(cells[i])) for cells in [header, *lines]) for i in range(6)]
    out = []
    for number, cells in enumerate([header, *lines]):
        out.append("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)))
        if number == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in out)


def print_table(rows: Sequence[Row]) -> None:
    print(format_table(rows), flush=True)
