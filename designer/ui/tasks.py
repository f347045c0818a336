"""The registry of the window's asyncio tasks.

asyncio keeps only weak references to tasks, so a task nobody holds can be
collected mid-flight ("Task was destroyed but it is pending"). Every task the
UI starts goes through :func:`spawn`, which keeps it until it ends, reports
its failure through the message bridge, and lets :func:`cancel_all` stop
them all while the loop still runs.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

from designer.ui import messages

log = logging.getLogger(__name__)

_tasks: set[asyncio.Task[Any]] = set()
_loop: asyncio.AbstractEventLoop | None = None


class TaskError(Exception):
    """A task could not be started."""


def set_loop(loop: asyncio.AbstractEventLoop | None) -> None:
    """Name the loop that tasks spawned before it runs will start on.

    Called by the app bootstrap. ``loop.create_task`` on a loop that is not
    running yet queues the task; it starts once the loop is up, which is what
    a window that starts work in its constructor needs (case A1).
    """
    global _loop
    _loop = loop


def spawn(coro: Coroutine[Any, Any, Any], *, name: str) -> asyncio.Task[Any]:
    """Start ``coro`` as a task that is kept referenced until it ends."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        loop = _loop
    if loop is None or loop.is_closed():
        coro.close()
        raise TaskError(
            f"cannot start {name!r}: no event loop; start the UI through "
            "designer.ui.app.run()"
        )
    task = loop.create_task(coro, name=name)
    _tasks.add(task)
    task.add_done_callback(_finished)
    log.debug("started task %s", name)
    return task


def _finished(task: asyncio.Task[Any]) -> None:
    _tasks.discard(task)
    if task.cancelled():
        log.debug("task %s cancelled", task.get_name())
        return
    exc = task.exception()
    if exc is not None:
        log.error("task %s failed", task.get_name(), exc_info=exc)
        messages.error(f"{task.get_name()} failed: {exc}")


def running() -> list[asyncio.Task[Any]]:
    """The tasks that have not ended yet."""
    return [task for task in _tasks if not task.done()]


async def cancel_all() -> None:
    """Cancel every task and wait until each has ended."""
    # Tasks may spawn others while they unwind; repeat until none is left.
    me = asyncio.current_task()
    while pending := [task for task in running() if task is not me]:
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
