"""The application bootstrap: the one place that sets up Qt and the asyncio loop.

:func:`run` is the entry the CLI calls. :func:`run_window` creates the
QApplication and the qasync loop, builds the window before the loop runs (so
work a window starts in its constructor is queued and starts once the loop is
up, case A1), and when the last window closes cancels every task and awaits
the shutdown hooks while the loop still runs (case A2).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import traceback
from collections.abc import Awaitable, Callable
from pathlib import Path
from types import TracebackType
from typing import Any

import qasync
from PySide6.QtCore import QEvent, QObject, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QWidget

from designer.ui import collector, messages, tasks

log = logging.getLogger(__name__)

#: Seconds each shutdown hook may take before the program quits without it.
SHUTDOWN_HOOK_TIMEOUT = 1.5
#: Seconds ``--smoke`` waits for the first paint of the window.
SMOKE_TIMEOUT = 20.0

ShutdownHook = Callable[[], Awaitable[None]]
_shutdown_hooks: list[ShutdownHook] = []


def on_shutdown(hook: ShutdownHook) -> ShutdownHook:
    """Await ``hook`` at shutdown, while the loop still runs (e.g. ``client.aclose``).

    Hooks run in reverse order of registration, after every task was cancelled.
    """
    _shutdown_hooks.append(hook)
    return hook


async def shutdown() -> None:
    """Cancel all tasks, then await the shutdown hooks (each with a time limit)."""
    await tasks.cancel_all()
    while _shutdown_hooks:
        hook = _shutdown_hooks.pop()
        try:
            await asyncio.wait_for(hook(), SHUTDOWN_HOOK_TIMEOUT)
        except TimeoutError:
            log.warning("shutdown hook %r took too long; skipped", hook)
        except Exception:
            log.exception("shutdown hook %r failed", hook)


def run(argv: list[str]) -> int:
    """Open the designer window; ``argv`` excludes the program name."""
    args = _parse_args(argv)
    _configure_logging()
    problem = _no_display()
    if problem:
        print(f"sync-designer: {problem}", file=sys.stderr)
        return 2

    def make_window() -> QWidget:
        # Imported here so that `--help` does not pay for the widgets.
        from designer.ui.main_window import MainWindow

        window = MainWindow()
        path = Path(args.file) if args.file is not None else _bundled_sample()
        if path is not None:
            window.open_file(path)
        return window

    return run_window(make_window, smoke=args.smoke)


def _no_display() -> str | None:
    """Why no window can open here, before Qt aborts the process over it."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return None
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return (
        "no display to open the window on (DISPLAY is not set). Run it on a "
        "desktop, under `xvfb-run`, or use the headless commands "
        "(sync-designer check/preview/export/...; see --help)."
    )


def _bundled_sample() -> Path | None:
    """The Salla sample MiniApp shipped with the designer, if it is there."""
    try:
        from designer.resources import bundled_sample
    except ImportError:
        root = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parents[2]))
        candidate = root / "samples" / "salla" / "salla.miniapp.js"
        return candidate if candidate.is_file() else None
    return bundled_sample()


def run_window(make_window: Callable[[], QWidget], *, smoke: bool = False) -> int:
    """Run the Qt and asyncio loop around the window ``make_window`` builds."""
    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    app.setApplicationName("Sync Designer")
    app.setOrganizationName("Karzoun")
    # The loop must outlive the last window: cleanup awaits come after it.
    app.setQuitOnLastWindowClosed(False)
    messages.bridge()  # created in the GUI thread, before any worker posts
    collector.install(app)  # cyclic GC only in the GUI thread

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    loop.set_exception_handler(_report_loop_exception)
    tasks.set_loop(loop)
    previous_hook = sys.excepthook
    sys.excepthook = _report_exception
    previous_qt_handler = qInstallMessageHandler(_qt_message)
    # Listen before anything runs: a window may close before _main starts.
    closed = asyncio.Event()
    app.lastWindowClosed.connect(closed.set)
    try:
        window = make_window()
        window.show()
        exit_code = loop.run_until_complete(_main(window, closed, smoke=smoke))
        loop.run_until_complete(loop.shutdown_asyncgens())
    finally:
        sys.excepthook = previous_hook
        qInstallMessageHandler(previous_qt_handler)
        app.lastWindowClosed.disconnect(closed.set)
        tasks.set_loop(None)
        asyncio.set_event_loop(None)
        loop.close()
    return exit_code


async def _main(window: QWidget, closed: asyncio.Event, *, smoke: bool) -> int:
    exit_code = 0
    if smoke:
        exit_code = await _smoke(window)
        window.close()
    await closed.wait()
    await shutdown()
    return exit_code


class _PaintWatcher(QObject):
    def __init__(self, painted: asyncio.Future[None]) -> None:
        super().__init__()
        self._painted = painted

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self._painted.done():
            self._painted.set_result(None)
        return False


async def _smoke(window: QWidget) -> int:
    """Wait until the window has painted once; 0 if it did, 1 if not in time."""
    painted: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    watcher = _PaintWatcher(painted)
    window.installEventFilter(watcher)
    window.update()
    try:
        await asyncio.wait_for(painted, SMOKE_TIMEOUT)
    except TimeoutError:
        log.error("smoke check: the window did not paint in %.0f s", SMOKE_TIMEOUT)
        return 1
    finally:
        window.removeEventFilter(watcher)
    print("smoke check: window shown and painted")
    return 0


def _report_exception(
    exc_type: type[BaseException],
    exc: BaseException,
    tb: TracebackType | None,
) -> None:
    """sys.excepthook: a windowed program has no console, so show it."""
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    log.error(
        "unexpected error:\n%s", "".join(traceback.format_exception(exc_type, exc, tb))
    )
    messages.error(f"Unexpected error: {exc_type.__name__}: {exc}. See the log.")


def _report_loop_exception(
    loop: asyncio.AbstractEventLoop, context: dict[str, Any]
) -> None:
    exc = context.get("exception")
    if isinstance(exc, BaseException):
        _report_exception(type(exc), exc, exc.__traceback__)
    else:
        log.error("event loop error: %s", context.get("message"))
        messages.error(f"Unexpected error: {context.get('message')}")


# Messages Qt prints that say nothing a user or developer can act on.
_QT_NOISE = ("This plugin does not support propagateSizeHints()",)


def _qt_message(msg_type: QtMsgType, context: object, text: str) -> None:
    """Route Qt's own messages into logging."""
    logger = logging.getLogger("qt")
    if any(noise in text for noise in _QT_NOISE) or msg_type in (
        QtMsgType.QtDebugMsg,
        QtMsgType.QtInfoMsg,
    ):
        logger.debug("%s", text)
    elif msg_type == QtMsgType.QtWarningMsg:
        logger.warning("%s", text)
    else:
        logger.error("%s", text)


def _configure_logging() -> None:
    if not logging.getLogger().handlers:
        logging.basicConfig(
            level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
        )
    # httpx logs every request at INFO.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)


def _parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="sync-designer", description="Open the Sync Designer window."
    )
    parser.add_argument(
        "file", nargs="*", metavar="[open] FILE", help="a JSON payload to show"
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="open the window, wait until it is painted, close it and exit 0",
    )
    args = parser.parse_args(argv)
    words = list(args.file)
    if words and words[0] == "open":
        words.pop(0)
    if len(words) > 1:
        parser.error("give one FILE")
    args.file = words[0] if words else None
    return args


if __name__ == "__main__":
    raise SystemExit(run(sys.argv[1:]))
