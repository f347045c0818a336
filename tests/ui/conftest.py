"""Fixtures for the designer window pieces: a copy of the test MiniApp per test."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import qasync

from designer.core.project import open_project
from designer.ui import app, tasks
from designer.ui.document import DesignerDocument

DATA = Path(__file__).resolve().parent.parent / "data" / "ui_shop"


@pytest.fixture
def shop_dir(tmp_path: Path) -> Path:
    target = tmp_path / "shop"
    shutil.copytree(DATA, target)
    return target


@pytest.fixture
def document(qtbot, shop_dir: Path, tmp_path: Path) -> DesignerDocument:
    project = open_project(shop_dir / "shop.miniapp.js")
    doc = DesignerDocument(project, recovery_dir=tmp_path / "recovery")
    yield doc
    doc.undo_stack.clear()
    doc.deleteLater()


class AsyncLoop:
    """A qasync loop for one test: run it until a condition holds.

    Between calls the loop is stopped, so the test can poke widgets (fill a
    dialog, click a button) and then run the loop again.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop

    def run(self, coro: Any, timeout: float = 20.0) -> Any:
        return self.loop.run_until_complete(asyncio.wait_for(coro, timeout))

    def wait_until(
        self, predicate: Callable[[], object], timeout: float = 20.0
    ) -> None:
        async def poll() -> None:
            while not predicate():
                await asyncio.sleep(0.01)

        try:
            self.run(poll(), timeout)
        except TimeoutError:
            raise AssertionError(f"not true within {timeout} s: {predicate}") from None


@pytest.fixture
def aio(qapp) -> Iterator[AsyncLoop]:
    """A qasync event loop set up as the app bootstrap does; shut down afterwards.

    Teardown runs :func:`designer.ui.app.shutdown` (cancel every task, await
    the shutdown hooks) while the loop runs, the way closing the window does.
    """
    qapp.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    tasks.set_loop(loop)
    try:
        yield AsyncLoop(loop)
        loop.run_until_complete(app.shutdown())
    finally:
        tasks.set_loop(None)
        asyncio.set_event_loop(None)
        loop.close()


@pytest.fixture(autouse=True, scope="session")
def _gui_thread_collector(qapp):
    """Collect cyclic garbage in the GUI thread only, as the designer does.

    Without it, a worker thread's allocation can start a collection that
    destroys a widget left over from an earlier test outside the GUI thread.
    """
    from designer.ui import collector

    installed = collector.install(qapp)
    yield installed
