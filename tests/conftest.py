"""Shared test setup: Qt runs offscreen, and a Qt warning fails the test."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

# Before anything imports Qt.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Settings, recovery files and keyrings of the tests never touch the user's
# own: every Qt location (and child processes) points into a throwaway folder.
_HOME = tempfile.mkdtemp(prefix="sync-designer-tests-")
atexit.register(shutil.rmtree, _HOME, ignore_errors=True)
for _name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
    os.environ[_name] = os.path.join(_HOME, _name.lower())

import pytest  # noqa: E402

#: Qt messages that say nothing about our code: the offscreen platform cannot
#: resize windows to their size hints.
QT_NOISE = (r"This plugin does not support propagateSizeHints\(\)",)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # pytest-qt: a Qt message at WARNING or above fails the test that caused
    # it, unless the test sets its own qt_log_level_fail marker. Capturing
    # Qt messages needs pytest's capture: never run the suite with -s.
    for item in items:
        if item.get_closest_marker("qt_log_level_fail") is None:
            item.add_marker(pytest.mark.qt_log_level_fail("WARNING"))
        if item.get_closest_marker("qt_log_ignore") is None:
            item.add_marker(pytest.mark.qt_log_ignore(*QT_NOISE))
