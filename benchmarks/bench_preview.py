"""Time the live preview: how soon after an edit are the mapped values shown?

Builds invented Salla-like order lists of 1,000 and 10,000 records, opens a
real :class:`designer.ui.preview.PreviewModel` (offscreen Qt), changes a rule
and measures the wall time until the values are current (the fast pass) and
until every trace is current (the trace pass), while the event loop runs. It
also reports the longest single stretch the GUI thread was busy, which is
what a user feels as a freeze.

Medians of 5 edits. Prints only; never asserts on timing.
Run: ``python benchmarks/bench_preview.py`` from the repository root.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication

from benchmarks._common import Row, median_seconds, print_table
from designer.core.mapping import compile_mapping
from designer.core.project import open_project
from designer.ui.document import DesignerDocument, MappingTarget
from designer.ui.preview import PreviewModel

ROOT = Path(__file__).resolve().parents[1]
SHOP = ROOT / "tests" / "data" / "ui_shop"
ORDERS = MappingTarget.resource("orders")
EDITS = 5

RULES = {
    "orderNumber": {"path": "reference_id", "transform": "toString"},
    "status": "status.name",
    "totalAmount": {
        "paths": ["amounts.total.amount", "total"],
        "transform": "coalesce",
    },
    "currency": "amounts.total.currency",
    "customerName": {
        "transform": "compute",
        "fn": "concat",
        "paths": ["customer.first_name", "customer.last_name"],
    },
    "items": {
        "path": "items",
        "transform": "mapItems",
        "mapping": {"sku": "sku", "quantity": "quantity", "unitPrice": "price.amount"},
    },
}


def records(n: int) -> list[dict[str, object]]:
    return [
        {
            "id": 1610521604143693812 + i,
            "reference_id": 41000000 + i,
            "status": {"name": ("paid", "pending", "shipped")[i % 3]},
            "amounts": {
                "total": {
                    "amount": round(i * 1.25, 2) if i % 9 else None,
                    "currency": "SAR",
                }
            },
            "total": f"{i}.00",
            "customer": {"first_name": "Sara", "last_name": f"N{i}"},
            "items": [
                {"sku": f"S-{i}-{k}", "quantity": k + 1, "price": {"amount": 10 + k}}
                for k in range(3)
            ],
        }
        for i in range(n)
    ]


class BusyMeter:
    """Longest gap between ticks of a 1 ms timer: the longest GUI freeze."""

    def __init__(self) -> None:
        self.last = time.perf_counter()
        self.longest = 0.0
        self.timer = QTimer()
        self.timer.setInterval(1)
        self.timer.timeout.connect(self.tick)
        self.timer.start()

    def tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self.last)
        self.last = now

    def reset(self) -> None:
        self.last = time.perf_counter()
        self.longest = 0.0


def wait(condition, timeout: float = 60.0) -> None:
    end = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > end:
            raise TimeoutError("the preview did not finish")
        QCoreApplication.processEvents()


def measure(
    n: int, folder: Path, edits: int = EDITS
) -> tuple[float, float, float, float]:
    """Medians (seconds) for ``n`` records: values current, traces current,
    longest GUI stall; and the core's own evaluation of the same records."""
    shop = folder / f"shop{n}"
    shutil.copytree(SHOP, shop)
    body = records(n)
    (shop / "responses" / "orders.json").write_text(json.dumps({"data": body}))
    doc = DesignerDocument(open_project(shop / "shop.miniapp.js"), recovery_dir=folder)
    for field, rule in RULES.items():
        doc.set_rule(ORDERS, field, rule)
    model = PreviewModel(doc)
    model.set_target(ORDERS)
    wait(model.is_complete)
    meter = BusyMeter()
    values, traces, freezes = [], [], []
    for k in range(edits):
        meter.reset()
        started = time.perf_counter()
        doc.set_rule(ORDERS, "platformSource", {"value": f"shop-{k}"})
        wait(model.is_current)
        values.append(time.perf_counter() - started)
        wait(model.is_complete)
        traces.append(time.perf_counter() - started)
        freezes.append(meter.longest)
    meter.timer.stop()
    compiled = compile_mapping(doc.rules(ORDERS))
    bare = median_seconds(lambda: [compiled.evaluate_values(r) for r in body], edits)
    return (
        statistics.median(values),
        statistics.median(traces),
        statistics.median(freezes),
        bare,
    )


def run(quick: bool = False) -> list[Row]:
    """Rows for ``python -m benchmarks``: the preview against the bare evaluation."""
    QApplication.instance() or QApplication([])
    rows: list[Row] = []
    sizes = (1_000,) if quick else (1_000, 10_000)
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            values, traces, stall, bare = measure(n, Path(tmp), 3 if quick else EDITS)
            goal = "<= 100 ms" if n == 1_000 else "no freeze"
            rows.append(
                Row(
                    f"preview {n:,} records: values current after an edit",
                    values * 1000,
                    "ms",
                    "core evaluate_values, same records",
                    bare * 1000,
                    values / bare if bare else float("inf"),
                    goal,
                )
            )
            rows.append(
                Row(
                    f"preview {n:,} records: longest GUI stall",
                    stall * 1000,
                    "ms",
                    "traces current after the edit",
                    traces * 1000,
                    stall / traces if traces else float("inf"),
                    "short next to the whole",
                )
            )
    return rows


def main() -> None:
    print_table(run(quick="--quick" in sys.argv))


if __name__ == "__main__":
    main()
