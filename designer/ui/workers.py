"""Run a plain function in Qt's thread pool and get its result as a signal."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QThreadPool, QTimer, Signal

log = logging.getLogger(__name__)


class Job(QObject):
    """One call running in a worker thread; signals are delivered in the GUI thread."""

    done = Signal(object)
    failed = Signal(str)

    def __init__(self, function: Callable[[], Any], parent: QObject | None = None):
        # Always owned by a Qt parent: the worker thread holds a reference to
        # this object, and a QObject whose last Python reference goes away in
        # a worker thread would be destroyed there (Qt warns, and may crash).
        super().__init__(parent if parent is not None else QCoreApplication.instance())
        self._function = function

    def start(self) -> None:
        QThreadPool.globalInstance().start(self._work)

    def _work(self) -> None:
        try:
            result = self._function()
        except Exception as exc:  # a worker reports, never dies silently
            log.exception("background job failed")
            self._emit(self.failed, f"{type(exc).__name__}: {exc}")
        else:
            self._emit(self.done, result)

    def _emit(self, signal: Any, value: Any) -> None:
        try:
            signal.emit(value)
        except RuntimeError:
            # The job's owner was deleted meanwhile (window closed): nobody
            # is left to tell.
            log.debug("background job finished after its owner was deleted")


def run_job(function: Callable[[], Any], *, parent: QObject | None = None) -> Job:
    """Run ``function()`` in the thread pool once control returns to Qt.

    Connect to the returned job's signals right away (the deferred start makes
    that safe) and keep it referenced until it reports.
    """
    job = Job(function, parent)
    QTimer.singleShot(0, job, job.start)
    return job
