"""The designer window (PySide6). Importing this package applies Qt workarounds."""

from designer.ui import _workarounds

_workarounds.apply()
