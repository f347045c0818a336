"""Cold start: launching the designer until its window has painted.

Times ``python -m designer.ui.app --smoke FILE`` on the Salla sample's orders
response, as a subprocess, against a bare PySide6 window started the same way
in the same run. Medians; prints only, never asserts.
Run: ``python benchmarks/bench_start.py [--quick]`` from the repository root.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import Row, median_seconds, print_table

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "salla" / "responses" / "orders.json"

#: The smallest program that shows a Qt window and waits for it to paint.
BARE_WINDOW = """
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

class Painted(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            QTimer.singleShot(0, app.quit)
        return False

app = QApplication([])
window = QMainWindow()
window.resize(1280, 800)
watcher = Painted()
window.installEventFilter(watcher)
window.show()
app.exec()
"""


def _launch(command: list[str]) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{command[:3]} failed: {done.stderr.strip()[-500:]}")


def run(quick: bool = False) -> list[Row]:
    """Median start-to-painted time of the designer and of a bare window."""
    runs = 3 if quick else 7
    designer = [sys.executable, "-m", "designer.ui.app", "--smoke", str(SAMPLE)]
    bare = [sys.executable, "-c", BARE_WINDOW]
    _launch(designer)  # warm the file cache and the .pyc files for both
    _launch(bare)
    t_designer = median_seconds(lambda: _launch(designer), runs)
    t_bare = median_seconds(lambda: _launch(bare), runs)
    return [
        Row(
            "cold start to a painted window (Salla orders)",
            t_designer * 1000,
            "ms",
            "bare PySide6 window, same way",
            t_bare * 1000,
            t_designer / t_bare,
            "lower is better",
        )
    ]


def main() -> None:
    print_table(run(quick="--quick" in sys.argv))


if __name__ == "__main__":
    main()
