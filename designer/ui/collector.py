"""Python's cyclic garbage collector, run from the GUI thread only.

Automatic collection starts in whichever thread happens to allocate, so a
worker parsing JSON could collect a dead widget caught in a reference cycle
and destroy it outside the GUI thread: Qt warns "Timers cannot be stopped
from another thread" and may crash. While the designer runs, automatic
collection is off and this collector runs the same generational schedule
from a GUI-thread timer (the approach qutebrowser takes for the same reason).
"""

from __future__ import annotations

import gc
import logging

from PySide6.QtCore import QCoreApplication, QObject, QTimer

log = logging.getLogger(__name__)

#: How often the GUI thread looks at the allocation counts.
INTERVAL_MS = 500

_installed: GuiCollector | None = None


class GuiCollector(QObject):
    """Collects on a timer in the GUI thread, by the interpreter's own thresholds."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        self._timer = QTimer(self)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self.check)

    def start(self) -> None:
        gc.disable()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        gc.enable()

    def check(self) -> int:
        """Collect the generations whose thresholds are passed; the objects freed."""
        counts = gc.get_count()
        if counts[0] <= self._thresholds[0]:
            return 0
        generation = 0
        for level in (1, 2):
            if counts[level] > self._thresholds[level]:
                generation = level
        return gc.collect(generation)


def install(app: QCoreApplication) -> GuiCollector:
    """Start the GUI-thread collector for ``app`` (once; later calls return it)."""
    global _installed
    if _installed is None:
        _installed = GuiCollector(app)
        _installed.start()
        app.aboutToQuit.connect(_installed.stop)
        log.debug("cyclic garbage collection now runs from the GUI thread")
    return _installed


def collect_now() -> None:
    """A full collection, in the calling (GUI) thread."""
    gc.collect()
