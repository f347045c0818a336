"""One bridge for messages the user must see, callable from anywhere.

Code that is not a widget never opens a dialog: it calls :func:`info`,
:func:`warning` or :func:`error`, and the main window shows the message
(status bar, or a dialog for errors). Every message is also logged, so a
message posted before any window listens is not lost.
"""

from __future__ import annotations

import enum
import logging

from PySide6.QtCore import QCoreApplication, QObject, Signal

log = logging.getLogger(__name__)


class Level(enum.IntEnum):
    """How much a message matters to the user."""

    INFO = 0
    WARNING = 1
    ERROR = 2


class MessageBridge(QObject):
    """Carries messages to whatever window listens; safe to emit from any thread."""

    #: (level as int, text). Connections from another thread are queued by Qt.
    posted = Signal(int, str)


_bridge: MessageBridge | None = None


def bridge() -> MessageBridge:
    """The process-wide bridge, created on first use (needs a QCoreApplication)."""
    global _bridge
    if _bridge is None:
        _bridge = MessageBridge()
        app = QCoreApplication.instance()
        if app is not None and _bridge.thread() is not app.thread():
            # Created from a worker thread: live in the GUI thread so that
            # listeners receive messages there.
            _bridge.moveToThread(app.thread())
    return _bridge


def post(level: Level, text: str) -> None:
    """Log ``text`` and hand it to the window."""
    log_level = {
        Level.INFO: logging.INFO,
        Level.WARNING: logging.WARNING,
        Level.ERROR: logging.ERROR,
    }[level]
    log.log(log_level, "%s", text)
    bridge().posted.emit(int(level), text)


def info(text: str) -> None:
    """Tell the user something worth a glance (status bar)."""
    post(Level.INFO, text)


def warning(text: str) -> None:
    """Tell the user about something that went wrong but did not stop the work."""
    post(Level.WARNING, text)


def error(text: str) -> None:
    """Tell the user that something failed (shown in a dialog)."""
    post(Level.ERROR, text)
