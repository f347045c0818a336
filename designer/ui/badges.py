"""Small status glyphs shared by the preview, the field list and the diagnostics.

Status is never shown by colour alone: each one has its own glyph shape
(a tick, a ring, a slashed ring, a cross, an exclamation mark) drawn into a
small icon, plus a restrained background tint for table cells.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPainter, QPen, QPixmap

#: status -> (glyph, foreground colour, cell background tint)
STYLES: dict[str, tuple[str, str, str | None]] = {
    "ok": ("✓", "#2e7d32", None),
    "missing": ("○", "#757575", "#f3f3f3"),
    "null": ("∅", "#757575", None),
    "warning": ("!", "#a15c00", "#fff6e0"),
    "error": ("✕", "#c62828", "#fdecea"),
    "info": ("i", "#1565c0", None),
}


def glyph(status: str) -> str:
    return STYLES.get(status, ("?", "#000000", None))[0]


@cache
def icon(status: str) -> QIcon:
    """A 14 px icon with the status glyph in its colour (needs a QGuiApplication)."""
    text, colour, _tint = STYLES.get(status, ("?", "#000000", None))
    pixmap = QPixmap(14, 14)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor(colour), 1.2))
    painter.drawEllipse(QRectF(0.8, 0.8, 12.4, 12.4))
    font = QFont()
    font.setPixelSize(10)
    font.setBold(True)
    painter.setFont(font)
    painter.drawText(QRectF(0, 0, 14, 14), Qt.AlignmentFlag.AlignCenter, text)
    painter.end()
    return QIcon(pixmap)


@cache
def foreground(status: str) -> QBrush:
    return QBrush(QColor(STYLES.get(status, ("", "#000000", None))[1]))


@cache
def background(status: str) -> QBrush | None:
    tint = STYLES.get(status, ("", "", None))[2]
    return QBrush(QColor(tint)) if tint else None
