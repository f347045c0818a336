"""Time from opening a big JSON file to the first painted payload tree.

Prints medians against ``json.loads`` of the same bytes (goal: within 2x).
Never asserts. Run: QT_QPA_PLATFORM=offscreen python benchmarks/bench_tree.py
"""

from __future__ import annotations

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

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication

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
        size += 620
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
    view.close()
    view.deleteLater()
    app.processEvents()
    return elapsed


def main() -> None:
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        for megabytes in (10, 50):
            data = salla_like_orders(megabytes * 1_000_000)
            path = Path(tmp) / f"orders-{megabytes}mb.json"
            path.write_bytes(data)
            loads = []
            for _ in range(RUNS):
                start = time.perf_counter()
                json.loads(path.read_bytes())
                loads.append(time.perf_counter() - start)
            tree = [time_to_first_paint(app, path) for _ in range(RUNS)]
            base, shown = statistics.median(loads), statistics.median(tree)
            print(
                f"{len(data) / 1e6:5.1f} MB: json.loads {base * 1000:7.1f} ms, "
                f"open to first painted tree {shown * 1000:7.1f} ms "
                f"({shown / base:.2f}x)"
            )


if __name__ == "__main__":
    main()
