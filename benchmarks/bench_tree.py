"""Time from opening a big JSON file to the first painted payload tree.

Prints medians against ``json.loads`` of the same bytes (goal: within 2x).
Never asserts. Run: ``python benchmarks/bench_tree.py [--quick]`` (offscreen by
default), or ``python -m benchmarks`` for every benchmark in one table.
"""

from __future__ import annotations

import gc
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QEvent, QObject, qInstallMessageHandler
from PySide6.QtWidgets import QApplication

from benchmarks._common import Row, print_table
from designer.ui.payload_view import PayloadView

RUNS = 5


def salla_like_orders(target_bytes: int) -> bytes:
    """A Salla-like order list response of about ``target_bytes``."""
    rng = random.Random(7)
    orders = []
    size = 0
    while size < target_bytes:
        number = len(orders) + 1
        order = {
            "id": 1_610_521_604 + number,
            "reference_id": 200_000 + number,
            "status": {
                "id": 566146469,
                "name": "بإنتظار المراجعة",
                "slug": "under_review",
            },
            "amounts": {
                "sub_total": {"amount": rng.randint(10, 900), "currency": "SAR"},
                "total": {"amount": round(rng.uniform(10, 999), 2), "currency": "SAR"},
            },
            "customer": {
                "id": rng.randint(1, 10**9),
                "first_name": "Noor",
                "email": f"user{number}@example.com",
                "mobile": 966500000000,
            },
            "items": [
                {
                    "id": rng.randint(1, 10**9),
                    "name": f"Product {k}",
                    "sku": f"SKU-{number}-{k}",
                    "quantity": rng.randint(1, 4),
                    "amounts": {"price_without_tax": {"amount": 50, "currency": "SAR"}},
                }
                for k in range(rng.randint(1, 4))
            ],
            "created_at": {
                "date": "2024-01-02 10:11:12.000000",
                "timezone": "Asia/Riyadh",
            },
        }
        if number % 5 == 0:
            order["sale_price"] = None
        orders.append(order)
        size += 800
    body = {
        "status": 200,
        "success": True,
        "data": orders,
        "pagination": {"count": len(orders), "total": len(orders), "currentPage": 1},
    }
    return json.dumps(body, ensure_ascii=False).encode()


class _Painted(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.painted = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.painted = True
        return False


def _quiet_qt(_kind: object, _context: object, text: str) -> None:
    # The offscreen platform says this for every shown window.
    if "propagateSizeHints" not in text:
        print(text, file=sys.stderr)


def time_to_first_paint(app: QApplication, path: Path) -> float:
    view = PayloadView()
    view.resize(1000, 700)
    view.show()
    app.processEvents()
    watcher = _Painted()
    start = time.perf_counter()
    view.open_file(path)
    loaded = []
    view.document_loaded.connect(lambda _doc: loaded.append(True))
    while not loaded:
        app.processEvents()
        time.sleep(0.001)
    view.tree.viewport().installEventFilter(watcher)
    view.tree.viewport().update()
    while not watcher.painted:
        app.processEvents()
    elapsed = time.perf_counter() - start
    # Let the coverage job (started after the paint) end before the next run,
    # or it competes with it for the GIL; then drop this run's document.
    deadline = time.monotonic() + 120
    while view.model.coverage_of(("data", 0, "id")) is None:
        if time.monotonic() > deadline:
            print("bench_tree: coverage did not finish in 120 s", file=sys.stderr)
            break
        app.processEvents()
        time.sleep(0.005)
    view.close()
    view.deleteLater()
    app.processEvents()
    del view
    gc.collect()
    return elapsed


def run(quick: bool = False) -> list[Row]:
    """Open-to-first-painted-tree against ``json.loads`` of the same bytes."""
    sizes, runs = ((5,), 3) if quick else ((10, 50), RUNS)
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    qInstallMessageHandler(_quiet_qt)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for megabytes in sizes:
            data = salla_like_orders(megabytes * 1_000_000)
            path = Path(tmp) / f"orders-{megabytes}mb.json"
            path.write_bytes(data)
            del data
            loads = []
            for _ in range(runs):
                start = time.perf_counter()
                json.loads(path.read_bytes())
                loads.append(time.perf_counter() - start)
            tree = [time_to_first_paint(app, path) for _ in range(runs)]
            base, shown = statistics.median(loads), statistics.median(tree)
            rows.append(
                Row(
                    f"payload tree: open {path.stat().st_size / 1e6:.0f} MB "
                    "to first paint",
                    shown * 1000,
                    "ms",
                    "json.loads of the same bytes",
                    base * 1000,
                    shown / base,
                    "<= 2x",
                )
            )
    return rows


def main() -> None:
    print_table(run(quick="--quick" in sys.argv))


if __name__ == "__main__":
    main()
