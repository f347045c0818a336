"""Shared test set-up: Qt runs offscreen, and a Qt warning fails the test."""

from __future__ import annotations

import os
from pathlib import Path

# Before anything imports Qt.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # pytest-qt: a Qt message at WARNING or above fails the test that caused
    # it, unless the test sets its own qt_log_level_fail marker. Capturing
    # Qt messages needs pytest's capture: never run the suite with -s.
    for item in items:
        if item.get_closest_marker("qt_log_level_fail") is None:
            item.add_marker(pytest.mark.qt_log_level_fail("WARNING"))
