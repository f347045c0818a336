"""Reading JSON payload files off the GUI thread, with progress and cancel.

Parsing a big file on the GUI thread freezes the window, so :func:`load_json_async`
reads and parses in a thread of ``QThreadPool`` and reports through Qt signals,
which Qt delivers in the GUI thread. The garbage collector is paused while
``json.loads`` builds the objects (with it running a 50 MB load takes about
twice as long), and the result is frozen out of its sight afterwards.
"""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QThreadPool, QTimer, Signal

from designer.core import jsondata

log = logging.getLogger(__name__)

CHUNK_SIZE = 1 << 20


class JsonLoadError(Exception):
    """A payload file could not be read or is not JSON; the message names the place."""

    def __init__(
        self,
        message: str,
        *,
        path: Path,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.path = path
        self.line = line
        self.column = column


class LoadCancelled(Exception):
    """The load was cancelled before it finished."""


_gc_lock = threading.Lock()
_gc_pausers = 0
_gc_was_enabled = False


class _GcPaused:
    """Pause automatic collection; nests across threads (GC is process-wide).

    Restores the state it found: in the designer automatic collection is off
    for good (see designer.ui.collector) and must stay off.
    """

    def __enter__(self) -> None:
        global _gc_pausers, _gc_was_enabled
        with _gc_lock:
            if _gc_pausers == 0:
                _gc_was_enabled = gc.isenabled()
            _gc_pausers += 1
            gc.disable()

    def __exit__(self, *exc: object) -> None:
        global _gc_pausers
        with _gc_lock:
            _gc_pausers -= 1
            if _gc_pausers == 0 and _gc_was_enabled:
                gc.enable()


def read_json(
    path: Path,
    *,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Any:
    """Read and parse ``path``; raise :class:`JsonLoadError` naming file:line:col."""
    try:
        total = path.stat().st_size
        buffer = bytearray()
        with path.open("rb") as stream:
            while chunk := stream.read(CHUNK_SIZE):
                buffer += chunk
                if cancelled is not None and cancelled():
                    raise LoadCancelled
                if progress is not None:
                    progress(len(buffer), total)
    except OSError as exc:
        raise JsonLoadError(
            f"{path}: cannot read the file: {exc.strerror or exc}", path=path
        ) from exc
    try:
        with _GcPaused():
            # No collection here: this may run in a worker thread, and a
            # collection there could destroy Qt objects outside the GUI
            # thread. JsonLoad.start collects in the GUI thread beforehand, so
            # little garbage is frozen below with the document.
            value = jsondata.loads(bytes(buffer))
            # A parsed document has no cycles and lives as long as it is shown,
            # yet each full collection would walk its millions of containers
            # (seconds at 50 MB, landing on the GUI thread's first paint).
            # Freezing moves them out of the collector's sight; reference
            # counting still frees them when the document is dropped.
            gc.freeze()
            return value
    except jsondata.JsonDataError as exc:
        where = f"{path}:{exc.line}:{exc.column}" if exc.line else str(path)
        raise JsonLoadError(
            f"{where}: not valid JSON: {exc.message}. "
            "Check the file at that place, or save the response again.",
            path=path,
            line=exc.line,
            column=exc.column,
        ) from exc
    except UnicodeDecodeError as exc:
        before = bytes(buffer[: exc.start])
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        raise JsonLoadError(
            f"{path}:{line}:{column}: not UTF-8 text (byte {exc.start}). "
            "Save the payload as UTF-8.",
            path=path,
            line=line,
            column=column,
        ) from exc


class JsonLoad(QObject):
    """One file being loaded in a worker thread. Signals arrive in the GUI thread."""

    #: (bytes read, file size in bytes)
    progress = Signal("qlonglong", "qlonglong")
    #: the parsed value
    finished = Signal(object)
    #: a message naming file, line and column
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, path: Path, parent: QObject | None = None) -> None:
        # Owned by a Qt parent, so that the worker thread, which holds a
        # reference while it runs, never destroys it (see workers.Job). It is
        # not deleted when it ends: a deleteLater could drop the queued
        # signals still on their way to the parent.
        super().__init__(parent if parent is not None else QCoreApplication.instance())
        self.path = path
        self._cancel = threading.Event()
        self._done = threading.Event()

    def start(self) -> None:
        # In the GUI thread: clear the garbage that the worker's gc.freeze()
        # would otherwise keep for good.
        gc.collect()
        QThreadPool.globalInstance().start(self._work)

    def cancel(self) -> None:
        """Ask the worker to stop; ``cancelled`` is emitted instead of ``finished``."""
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the worker ended (for tests and shutdown)."""
        return self._done.wait(timeout)

    def _work(self) -> None:
        try:
            self._load()
        except RuntimeError:
            # The owner (and so this object) was deleted meanwhile.
            log.debug("load of %s finished after its owner was deleted", self.path)
        finally:
            self._done.set()

    def _load(self) -> None:
        try:
            value = read_json(
                self.path, progress=self.progress.emit, cancelled=self._cancel.is_set
            )
        except LoadCancelled:
            self.cancelled.emit()
        except JsonLoadError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # a worker must report, never die silently
            log.exception("loading %s failed", self.path)
            self.failed.emit(f"{self.path}: could not load: {exc}")
        else:
            if self._cancel.is_set():
                self.cancelled.emit()
            else:
                self.finished.emit(value)


def load_json_async(path: Path, *, parent: QObject | None = None) -> JsonLoad:
    """Load ``path`` in a worker thread, starting when control returns to Qt.

    The deferred start lets the caller connect the signals first: a signal
    emitted by the worker before a connection exists would be lost.
    """
    load = JsonLoad(path, parent)
    QTimer.singleShot(0, load, load.start)
    return load
