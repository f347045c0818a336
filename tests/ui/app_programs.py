"""Small programs run in a subprocess by test_app.py, through the real bootstrap.

python -m tests.ui.app_programs a1            work started in a constructor runs
python -m tests.ui.app_programs a2 URL        close while a request is in flight
python -m tests.ui.app_programs excepthook    an error in a slot reaches the user
"""

from __future__ import annotations

import asyncio
import sys
import time

import httpx
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QWidget

from designer.ui import app, messages, tasks


def say(text: str) -> None:
    print(text, flush=True)


class StartsWorkInConstructor(QLabel):
    def __init__(self) -> None:
        super().__init__("A1")
        tasks.spawn(self.work(), name="constructor work")

    async def work(self) -> None:
        await asyncio.sleep(0.01)
        say("work ran")
        self.close()


class ClosesDuringRequest(QLabel):
    def __init__(self, url: str) -> None:
        super().__init__("A2")
        self.client = httpx.AsyncClient(timeout=30)
        app.on_shutdown(self.close_client)
        tasks.spawn(self.fetch(url), name="slow request")

    async def fetch(self, url: str) -> None:
        say("request started")
        try:
            await self.client.get(url)
        except asyncio.CancelledError:
            say("request cancelled")
            raise
        say("request finished (unexpected)")

    async def close_client(self) -> None:
        await self.client.aclose()
        say("client closed")


class RaisesInSlot(QLabel):
    def __init__(self) -> None:
        super().__init__("excepthook")
        messages.bridge().posted.connect(self.report)
        QTimer.singleShot(0, self.fail)

    def fail(self) -> None:
        raise ValueError("boom in a slot")

    def report(self, level: int, text: str) -> None:
        say(f"message {level}: {text}")
        self.close()


def main(argv: list[str]) -> int:
    mode = argv[0]
    if mode == "a1":
        return app.run_window(StartsWorkInConstructor)
    if mode == "a2":
        window: QWidget | None = None

        def make() -> QWidget:
            nonlocal window
            window = ClosesDuringRequest(argv[1])
            return window

        def close_soon() -> None:
            say(f"closing at {time.monotonic():.3f}")
            assert window is not None
            window.close()

        QTimer.singleShot(700, close_soon)
        code = app.run_window(make)
        say(f"exited at {time.monotonic():.3f}")
        return code
    if mode == "excepthook":
        return app.run_window(RaisesInSlot)
    raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    from PySide6.QtWidgets import QApplication

    QApplication([sys.argv[0]])  # QTimer.singleShot above needs an application
    raise SystemExit(main(sys.argv[1:]))
