"""The core stays free of Qt: checked by importing it in a clean interpreter."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import designer.core

ROOT = Path(__file__).resolve().parent.parent


def test_core_imports_no_qt() -> None:
    modules = [
        m.name for m in pkgutil.walk_packages(designer.core.__path__, "designer.core.")
    ]
    assert modules, "no core modules found"
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('PySide6', 'shiboken6', 'qasync', 'PyQt5', 'PyQt6'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "", f"core imported Qt: {out.stdout}"
