"""Render resources/icons/sync-designer.svg to the PNG, ICO and ICNS the packages use.

Run from the repository root after editing the SVG:
``QT_QPA_PLATFORM=offscreen python packaging/make_icons.py``. Uses Qt's own SVG
renderer and image writers (the ico and icns plugins ship with PySide6), so it
needs no other dependency. The outputs are committed; the build does not run this.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
NAME = "sync-designer"


def render(renderer: QSvgRenderer, size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def main() -> int:
    _app = QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(str(ICONS / f"{NAME}.svg"))
    if not renderer.isValid():
        print(f"{ICONS / NAME}.svg: Qt cannot read this SVG", file=sys.stderr)
        return 1
    outputs = {
        "png": render(renderer, 256),
        # Windows picks the 256 px entry and scales it down where needed.
        "ico": render(renderer, 256),
        "icns": render(renderer, 512),
    }
    failed = False
    for suffix, image in outputs.items():
        target = ICONS / f"{NAME}.{suffix}"
        if image.save(str(target), suffix.upper()):
            print(f"wrote {target} ({target.stat().st_size} bytes)")
        else:
            print(f"{target}: Qt could not write {suffix}", file=sys.stderr)
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
