"""Regenerate the user guide's screenshots by driving the real designer window.

Run ``make screenshots`` (or ``python docs/make_screenshots.py``). With no
display it starts its own Xvfb (Debian's ``xvfb``; ``packaging/system-deps.sh
--gui`` installs it) so the window is a real X11 window, then opens the
bundled Salla sample, performs each step of the guide through the window's
own widgets and models, and writes one PNG per step into ``docs/images/``.
Nothing is faked: the pictures are renders of the window after each step.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Where the pictures go; the test suite points this elsewhere.
OUT = Path(os.environ.get("SYNC_DESIGNER_SHOTS_DIR", ROOT / "docs" / "images"))
SIZE = (1500, 920)


def _start_xvfb() -> subprocess.Popen[bytes] | None:
    """A private Xvfb on a free display number, when there is no display."""
    if os.environ.get("DISPLAY") or not shutil.which("Xvfb"):
        return None
    for number in range(90, 110):
        if Path(f"/tmp/.X11-unix/X{number}").exists():
            continue
        server = subprocess.Popen(
            ["Xvfb", f":{number}", "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(50):
            if Path(f"/tmp/.X11-unix/X{number}").exists():
                os.environ["DISPLAY"] = f":{number}"
                return server
            time.sleep(0.1)
        server.terminate()
    return None


def main() -> int:
    server = _start_xvfb()
    if not os.environ.get("DISPLAY"):
        print("no display and no Xvfb: rendering offscreen instead", file=sys.stderr)
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    # A throwaway settings folder: the screenshots never depend on (or change)
    # the user's own recent files and layout.
    home = tempfile.mkdtemp(prefix="sync-designer-shots-")
    os.environ["XDG_CONFIG_HOME"] = home
    os.environ["XDG_DATA_HOME"] = home
    try:
        return _shoot()
    finally:
        if server is not None:
            server.terminate()
            server.wait()
        shutil.rmtree(home, ignore_errors=True)


def _shoot() -> int:
    import qasync
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    sys.path.insert(0, str(ROOT))
    from designer.ui import collector, tasks
    from designer.ui.document import MappingTarget
    from designer.ui.fields import FieldRef
    from designer.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    app.setApplicationName("Sync Designer")
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    tasks.set_loop(loop)
    collector.install(app)

    work = Path(tempfile.mkdtemp(prefix="sync-designer-sample-"))
    shutil.copytree(ROOT / "samples" / "salla", work / "salla")
    window = MainWindow(recovery_dir=work / "recovery")
    window.resize(*SIZE)
    window.show()
    OUT.mkdir(parents=True, exist_ok=True)

    def settle(
        predicate: Callable[[], bool] = lambda: True, seconds: float = 5
    ) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            app.processEvents()
            if predicate():
                break
            time.sleep(0.02)
        for _ in range(20):
            app.processEvents()
            time.sleep(0.01)

    def shot(name: str) -> None:
        settle()
        path = OUT / f"{name}.png"
        window.grab().save(str(path))
        print(f"wrote {path}")

    assert window.open_miniapp(work / "salla" / "salla.miniapp.js")
    settle(lambda: window.preview.model.is_complete())
    shot("01-overview")

    # Map a field by dragging: the orders' paymentMethod, from the second record.
    orders = MappingTarget.resource("orders")
    window.outline.select(orders)
    window.select_target(orders)
    document = window.document
    document.remove_rule(orders, "paymentMethod")
    settle(lambda: window.preview.model.is_complete())
    model = window.payload_view.model
    source = model.index_for_path(("data", 1, "payment_method"))
    window.payload_view.select_path(("data", 1, "payment_method"))
    fields = window.fields.model
    target = fields.index_of(FieldRef("paymentMethod"))
    window.fields.select_field(FieldRef("paymentMethod"))
    fields.dropMimeData(
        model.mimeData([source]), Qt.DropAction.CopyAction, -1, -1, target
    )
    settle(lambda: window.preview.model.is_complete())
    column = window.preview.model.columns.index("paymentMethod")
    window.preview.view.scrollTo(window.preview.model.index(0, column))
    window.preview.view.selectColumn(column)
    shot("02-mapped-by-dragging")

    window.diagnostics_dock.raise_()
    shot("03-problems")
    window.export_dock.raise_()
    window.export_view.render_now()
    shot("04-export")
    window.preview_dock.raise_()

    window.center_tabs.setCurrentIndex(1)
    shot("05-live-api")

    bench = window.webhook_view
    window.center_tabs.setCurrentIndex(2)
    body = (work / "salla" / "webhooks" / "order.created.json").read_text("utf-8")
    bench.set_secret(bench.secret_key or "webhookSecret", "demo-secret")
    bench.set_body_text(body)
    bench.sign()
    bench.refresh()
    shot("06-webhooks")

    window.document.undo_stack.setClean()
    window.close()
    loop.run_until_complete(asyncio.sleep(0))
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
