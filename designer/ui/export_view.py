"""The ``sync`` block as it will be exported, in JavaScript and in JSON.

The text is re-rendered shortly after the last edit (debounced), highlighted
with pygments into a read-only browser. JSON cannot hold code values; when
the block has one, the JSON tab says which value instead of failing.
"""

from __future__ import annotations

import logging
from pathlib import Path

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import JavascriptLexer, JsonLexer
from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from designer.core import jswriter
from designer.ui import messages
from designer.ui.document import DesignerDocument, DocumentError

log = logging.getLogger(__name__)

RENDER_DELAY_MS = 150
#: Above this many characters the text is shown without highlighting (speed).
HIGHLIGHT_LIMIT = 400_000

_FORMATTER = HtmlFormatter(noclasses=True, nowrap=False, style="default")


def _html(text: str, lexer: JavascriptLexer | JsonLexer) -> str:
    if len(text) > HIGHLIGHT_LIMIT:
        from html import escape

        return f"<pre>{escape(text)}</pre>"
    return highlight(text, lexer, _FORMATTER)


class ExportView(QWidget):
    """Shows the block as JS and JSON; copy, save as, or write back into the MiniApp."""

    #: The block was written (the path), by Save as… or Write back.
    written = Signal(object)

    JS_TAB, JSON_TAB = 0, 1

    def __init__(self, document: DesignerDocument, parent: QWidget | None = None):
        super().__init__(parent)
        self._document = document
        self.js_text = ""
        #: The JSON text, or None when the block cannot be JSON (see json_error).
        self.json_text: str | None = ""
        self.json_error: str | None = None

        self.tabs = QTabWidget(self)
        self.js_view = QTextBrowser()
        self.json_view = QTextBrowser()
        for view in (self.js_view, self.json_view):
            view.setReadOnly(True)
            view.setOpenLinks(False)
            view.setLineWrapMode(QTextBrowser.LineWrapMode.NoWrap)
        self.tabs.addTab(self.js_view, "JavaScript")
        self.tabs.addTab(self.json_view, "JSON")

        self.copy_button = QPushButton("Copy")
        self.copy_button.setToolTip("Copy the text of the shown tab")
        self.copy_button.clicked.connect(self.copy)
        self.save_button = QPushButton("Save as…")
        self.save_button.clicked.connect(self._save_as_dialog)
        self.write_button = QPushButton("Write back into the MiniApp")
        self.write_button.setToolTip(
            "Replace the sync block in the MiniApp file; everything else is kept"
        )
        self.write_button.clicked.connect(self._write_back)
        buttons = QHBoxLayout()
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        buttons.addWidget(self.write_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(RENDER_DELAY_MS)
        self._timer.timeout.connect(self.render_now)
        document.mappingChanged.connect(self._timer.start)
        document.saved.connect(self._timer.start)
        self.render_now()

    def render_now(self) -> None:
        """Render both texts from the document at once."""
        self._timer.stop()
        sync = self._document.sync_raw()
        if sync is None:
            self.js_text = ""
            self.json_text = ""
            self.js_view.setPlainText("The MiniApp has no sync block.")
            self.json_view.setPlainText("The MiniApp has no sync block.")
            return
        self.js_text = "sync: " + jswriter.to_js(sync, level=0) + ","
        self.js_view.setHtml(_html(self.js_text, JavascriptLexer()))
        try:
            self.json_text = jswriter.to_json(sync)
            self.json_error = None
        except jswriter.ExportError as exc:
            self.json_text = None
            self.json_error = str(exc)
            self.json_view.setPlainText(
                f"This block cannot be written as JSON:\n\n{exc}\n\nUse the JavaScript "
                "form, or replace the code value with data."
            )
        else:
            self.json_view.setHtml(_html(self.json_text, JsonLexer()))

    def current_text(self) -> str | None:
        if self.tabs.currentIndex() == self.JSON_TAB:
            return self.json_text
        return self.js_text

    def copy(self) -> None:
        text = self.current_text()
        if text is None:
            messages.warning(f"Nothing copied: {self.json_error}")
            return
        QGuiApplication.clipboard().setText(text)
        messages.info("Copied the sync block to the clipboard.")

    def save_as(self, path: str | Path, *, as_json: bool | None = None) -> Path:
        """Write the block to ``path`` (JSON for ``.json`` files); atomic."""
        self.render_now()
        path = Path(path)
        if as_json is None:
            as_json = path.suffix.lower() == ".json"
        text = self.json_text if as_json else self.js_text
        if text is None:
            raise DocumentError(f"{path}: not written: {self.json_error}")
        try:
            jswriter.write_atomic(path, text + "\n", backup=True)
        except jswriter.WriteError as exc:
            raise DocumentError(str(exc)) from exc
        self.written.emit(path)
        return path

    def _save_as_dialog(self) -> None:
        start = str(self._document.path.parent) if self._document.path else ""
        path, _filter = QFileDialog.getSaveFileName(
            self,
            "Save the sync block",
            start,
            "JavaScript (*.js);;JSON (*.json);;All files (*)",
        )
        if not path:
            return
        try:
            self.save_as(path)
        except DocumentError as exc:
            messages.error(str(exc))
            return
        messages.info(f"Saved the sync block to {path}.")

    def write_back(self) -> str:
        """Write the block into the MiniApp; returns the message shown to the user.

        Raises :class:`designer.ui.document.DocumentError` when it cannot.
        """
        result = self._document.save_into_file()
        self.written.emit(result.path)
        text = f"Wrote the sync block into {result.path}."
        if result.comments_dropped:
            text += (
                f" {result.comments_dropped} comment(s) inside the old block could not "
                "be kept"
            )
            text += (
                f" (the previous file is in {result.backup})." if result.backup else "."
            )
        return text

    def _write_back(self) -> None:
        try:
            text = self.write_back()
        except DocumentError as exc:
            QMessageBox.warning(self, "Not written", str(exc))
            messages.warning(str(exc))
            return
        messages.info(text)
