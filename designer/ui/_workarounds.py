"""Workarounds for defects of the Qt bindings, applied once at import.

WORKAROUND(PySide6 6.12.0 on CPython 3.11): every call from Python to a Qt
method that returns nothing (``setText``, ``QTimer.stop``, ``setData``...)
releases one reference to ``None`` that it never took; after a few thousand
calls CPython aborts with "none_dealloc: deallocating None" (and, through the
same path, "bool_dealloc"). CPython 3.12 made these singletons immortal, so
there the defect is harmless. Here they get a reference count no program can
exhaust, which is what 3.12 does. Measured in this project; remove this when
the bindings are fixed or the project requires Python 3.12.
"""

from __future__ import annotations

import ctypes
import logging
import sys

log = logging.getLogger(__name__)

_HEADROOM = 1 << 40
_applied = False


def _drops_none_references() -> bool:
    from PySide6.QtCore import QByteArray

    probe = QByteArray()
    before = sys.getrefcount(None)
    for _ in range(8):
        probe.clear()
    return sys.getrefcount(None) < before


def apply() -> None:
    """Make None, True and False unkillable if the bindings drop references."""
    global _applied
    if _applied or sys.version_info >= (3, 12) or not _drops_none_references():
        return
    for singleton in (None, True, False):
        # ob_refcnt is the first field of every object in a release build.
        ctypes.c_ssize_t.from_address(id(singleton)).value += _HEADROOM
    _applied = True
    log.debug("applied the PySide6 6.12 / CPython 3.11 None refcount workaround")
