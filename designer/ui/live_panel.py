"""The window side of live fetching: fetch pages, inspect exchanges, dry-run a sync.

:class:`LivePanel` drives a :class:`designer.core.live.LiveSession` for one
resource of a project. Every request runs as a task (``tasks.spawn``), so the
window never waits on the network. The panel emits what it fetched
(``documentFetched``, ``recordsArrived``, ``recordsFetched``); the window
decides where it goes.

The base URL override and page settings are the designer's own settings for
this MiniApp (:class:`LiveSettings`, in QSettings keyed by the MiniApp's
path). They are never written into the MiniApp or an export. Credentials are
asked once per session (:class:`CredentialsDialog`) and kept in the system
keyring when the user asks for it and a keyring exists, else in memory.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from designer.core.live import (
    CredentialStore,
    DetailFetched,
    Exchange,
    LiveError,
    LiveEvent,
    LiveSession,
    PageFetched,
    PageSettings,
    Retrying,
    SyncSummary,
    credential_keys,
    mask_headers,
    save_sample,
)
from designer.core.live.client import scrub
from designer.core.mapping import extract_records
from designer.core.model import Resource
from designer.core.project import Project, SampleError
from designer.ui import app, messages, tasks

log = logging.getLogger(__name__)

#: The inspector shows at most this much of a body.
BODY_PREVIEW_BYTES = 200 * 1024
#: How often the dry-run counters refresh while a run is going.
COUNTER_REFRESH_MS = 250

RecordProvider = Callable[[], int | None]


def _monospace(widget: QWidget) -> None:
    widget.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))


def _read_only_text(placeholder: str) -> QPlainTextEdit:
    text = QPlainTextEdit()
    text.setReadOnly(True)
    text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
    text.setPlaceholderText(placeholder)
    _monospace(text)
    return text


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _human_size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


# --- settings -----------------------------------------------------------------


class LiveSettings:
    """Live-fetch settings of one MiniApp, kept in the designer's QSettings.

    Keys live under ``live/<hash of the MiniApp path>/``; every read passes
    ``type=`` (INI QSettings returns strings otherwise). Nothing here is a
    secret, and nothing here is exported.
    """

    def __init__(self, settings: QSettings, miniapp_path: Path | None) -> None:
        self.settings = settings
        where = str(miniapp_path.resolve()) if miniapp_path else "<unsaved>"
        digest = hashlib.sha1(where.encode("utf-8")).hexdigest()[:16]
        self.group = f"live/{digest}"

    def _get(self, name: str, default: Any, kind: type) -> Any:
        return self.settings.value(f"{self.group}/{name}", default, type=kind)

    def _set(self, name: str, value: object) -> None:
        self.settings.setValue(f"{self.group}/{name}", value)

    @property
    def base_url(self) -> str:
        """The override; empty means the block's own ``baseUrl``."""
        return str(self._get("baseUrl", "", str))

    @base_url.setter
    def base_url(self, value: str) -> None:
        self._set("baseUrl", value.strip())

    @property
    def page_param(self) -> str:
        return str(self._get("pageParam", "page", str)) or "page"

    @page_param.setter
    def page_param(self, value: str) -> None:
        self._set("pageParam", value.strip() or "page")

    @property
    def first_page(self) -> int:
        return int(self._get("firstPage", 1, int))

    @first_page.setter
    def first_page(self, value: int) -> None:
        self._set("firstPage", int(value))

    @property
    def max_pages(self) -> int | None:
        """The page cap of a dry run; None for no cap (stored as 0)."""
        cap = int(self._get("maxPages", 0, int))
        return cap if cap > 0 else None

    @max_pages.setter
    def max_pages(self, value: int | None) -> None:
        self._set("maxPages", int(value or 0))

    def page_settings(self) -> PageSettings:
        return PageSettings(self.page_param, self.first_page, self.max_pages)


# --- credentials ----------------------------------------------------------------


class CredentialsDialog(QDialog):
    """Asks for each ``[[key]]`` credential; values are typed in password mode."""

    def __init__(
        self,
        keys: list[str],
        *,
        keyring_available: bool,
        title: str = "Credentials",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.fields: dict[str, QLineEdit] = {}

        intro = QLabel(
            "The sync block's requests use these credentials. They are sent only "
            "to the API and never written to the MiniApp, an export, a sample or "
            "the settings file."
        )
        intro.setWordWrap(True)
        form = QFormLayout()
        for key in keys:
            edit = QLineEdit()
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setPlaceholderText(f"value of [[{key}]]")
            edit.setObjectName(f"credential-{key}")
            edit.textChanged.connect(self._update_ok)
            form.addRow(f"[[{key}]]", edit)
            self.fields[key] = edit
        self.remember_box = QCheckBox("Remember in the system keyring")
        if keyring_available:
            self.remember_box.setChecked(True)
        else:
            self.remember_box.setEnabled(False)
            self.remember_box.setText(
                "Remember in the system keyring (none available: kept for this "
                "session only)"
            )
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.remember_box)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(440)
        self._update_ok()

    def _update_ok(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(all(edit.text() for edit in self.fields.values()))

    def set_value(self, key: str, value: str) -> None:
        self.fields[key].setText(value)

    def values(self) -> dict[str, str]:
        return {key: edit.text() for key, edit in self.fields.items() if edit.text()}

    @property
    def remember(self) -> bool:
        return self.remember_box.isEnabled() and self.remember_box.isChecked()


# --- inspector ------------------------------------------------------------------


class ExchangeInspector(QWidget):
    """One request and its response: line, headers (masked), status, timing, body."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.request_label = QLabel("No request yet.")
        self.request_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self.request_label.setWordWrap(True)
        _monospace(self.request_label)
        self.status_label = QLabel("")
        self.error_label = QLabel("")
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.hide()

        self.request_headers = _read_only_text("Request headers (secrets masked)")
        self.response_headers = _read_only_text("Response headers")
        self.body = _read_only_text("Response body (first 200 KB)")
        self.pretty_box = QCheckBox("Indent JSON")
        self.pretty_box.setToolTip("Show a JSON body indented instead of as sent")
        self.pretty_box.setChecked(True)
        self.pretty_box.toggled.connect(self._show_body)
        self._exchange: Exchange | None = None
        self.tabs = QTabWidget()
        self.tabs.addTab(self.body, "Body")
        self.tabs.addTab(self.response_headers, "Response headers")
        self.tabs.addTab(self.request_headers, "Request headers")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.request_label)
        status_row = QHBoxLayout()
        status_row.addWidget(self.status_label, 1)
        status_row.addWidget(self.pretty_box)
        layout.addLayout(status_row)
        layout.addWidget(self.error_label)
        layout.addWidget(self.tabs, 1)

    def clear(self) -> None:
        self._exchange = None
        self.request_label.setText("No request yet.")
        self.status_label.clear()
        self.error_label.clear()
        self.error_label.hide()
        for text in (self.request_headers, self.response_headers, self.body):
            text.clear()

    def show_exchange(self, exchange: Exchange, *, error: str | None = None) -> None:
        """Show ``exchange``; ``error`` is a readable reason it could not be used."""
        self.request_label.setText(f"{exchange.method} {exchange.url}")
        self.status_label.setText(
            f"HTTP {exchange.status} {exchange.reason} · "
            f"{exchange.elapsed * 1000:.0f} ms · {_human_size(exchange.size)}"
        )
        self.request_headers.setPlainText(
            "\n".join(f"{k}: {v}" for k, v in exchange.request_headers.items())
        )
        # One header at a time: a response may repeat a name (Set-Cookie).
        lines = []
        for name, value in exchange.response_headers:
            for shown_name, shown in mask_headers({name: value}).items():
                lines.append(f"{shown_name}: {scrub(shown, exchange.secrets)}")
        self.response_headers.setPlainText("\n".join(lines))
        self._exchange = exchange
        self._show_body()
        self._set_error(error)

    def _show_body(self) -> None:
        exchange = self._exchange
        if exchange is None:
            return
        if (
            self.pretty_box.isChecked()
            and exchange.parse_error is None
            and exchange.size <= BODY_PREVIEW_BYTES
        ):
            text = json.dumps(exchange.json, indent=2, ensure_ascii=False)
        else:
            text = exchange.body[:BODY_PREVIEW_BYTES].decode("utf-8", "replace")
            if exchange.size > BODY_PREVIEW_BYTES:
                rest = _human_size(exchange.size - BODY_PREVIEW_BYTES)
                text += f"\n… ({rest} more not shown)"
        self.body.setPlainText(scrub(text, exchange.secrets))

    def show_failure(self, text: str, *, request: str = "") -> None:
        """A request that got no usable response (connection, placeholder)."""
        self.clear()
        if request:
            self.request_label.setText(request)
        self.status_label.setText("No response")
        self._set_error(text)

    def _set_error(self, text: str | None) -> None:
        self.error_label.setText(text or "")
        self.error_label.setVisible(bool(text))

    def text(self) -> str:
        """Everything the inspector shows, as plain text."""
        return "\n".join(
            [
                self.request_label.text(),
                self.status_label.text(),
                self.error_label.text(),
                self.request_headers.toPlainText(),
                self.response_headers.toPlainText(),
                self.body.toPlainText(),
            ]
        )


# --- dry run --------------------------------------------------------------------


class DryRunView(QWidget):
    """Progress, live counters, errors and the final summary of a dry-run sync."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat("Not started")

        self.counters: dict[str, QLabel] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(18)
        for column, (key, title) in enumerate(
            [
                ("pages", "Pages"),
                ("records", "Records"),
                ("rate", "Requests/s"),
                ("retries", "Retries"),
            ]
        ):
            caption = QLabel(title)
            caption.setEnabled(False)
            value = QLabel("–")
            value.setObjectName(f"counter-{key}")
            font = value.font()
            font.setPointSizeF(font.pointSizeF() * 1.3)
            font.setBold(True)
            value.setFont(font)
            grid.addWidget(caption, 0, column)
            grid.addWidget(value, 1, column)
            self.counters[key] = value

        self.errors = QListWidget()
        self.errors.setMaximumHeight(90)
        self.errors.setWordWrap(True)
        self.errors.hide()
        self.summary = QLabel("Run a dry-run sync to see how the block pages.")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
        )

        layout = QVBoxLayout(self)
        layout.addWidget(self.progress)
        layout.addLayout(grid)
        layout.addWidget(self.errors)
        layout.addWidget(self.summary)
        layout.addStretch(1)

    def start(self) -> None:
        self.progress.setRange(0, 0)  # busy until a total is announced
        self.progress.setFormat("Starting…")
        for label in self.counters.values():
            label.setText("0")
        self.errors.clear()
        self.errors.hide()
        self.summary.setText("Fetching…")

    def show_progress(self, summary: SyncSummary, rate: float, retries: int) -> None:
        self.counters["pages"].setText(str(summary.pages))
        self.counters["records"].setText(str(summary.records))
        self.counters["rate"].setText(f"{rate:.1f}")
        self.counters["retries"].setText(str(retries))
        if summary.total:
            self.progress.setRange(0, summary.total)
            self.progress.setValue(min(summary.records, summary.total))
            self.progress.setFormat(f"%v of {summary.total} records")
        else:
            self.progress.setFormat(f"{summary.records} records")

    def add_error(self, text: str) -> None:
        self.errors.addItem(text)
        self.errors.show()

    def finish(self, summary: SyncSummary) -> None:
        total = summary.total if summary.total is not None else "not announced"
        if summary.total:
            self.progress.setRange(0, summary.total)
            self.progress.setValue(min(summary.records, summary.total))
        else:
            self.progress.setRange(0, 1)
            self.progress.setValue(1 if not summary.cancelled else 0)
        state = "Cancelled" if summary.cancelled else "Done"
        self.progress.setFormat(f"{state}: {summary.records} records")
        self.counters["pages"].setText(str(summary.pages))
        self.counters["records"].setText(str(summary.records))
        self.counters["retries"].setText(str(summary.retries))
        if summary.seconds > 0:
            self.counters["rate"].setText(f"{summary.requests / summary.seconds:.1f}")
        self.errors.clear()
        for error in summary.errors:
            self.add_error(error)
        self.errors.setVisible(bool(summary.errors))
        details = f", details {summary.details}" if summary.details else ""
        self.summary.setText(
            f"Pages {summary.pages} · requests {summary.requests} · records "
            f"{summary.records} · total {total} · duplicates {summary.duplicates} · "
            f"retries {summary.retries}{details} · {summary.seconds:.1f} s\n"
            f"Stopped because {summary.stopped_because or 'it was cancelled'}."
        )


# --- the panel ------------------------------------------------------------------


class LivePanel(QWidget):
    """Live fetching for one resource of a project: fetch, inspect, dry-run, keep."""

    #: (parsed body, label) of a fetched page or details response
    documentFetched = Signal(object, str)
    #: new records of a running dry run (details already applied)
    recordsArrived = Signal(list)
    #: every record of a dry run, when it ends (also when cancelled)
    recordsFetched = Signal(list)
    #: True while a request or a dry run is going
    busyChanged = Signal(bool)

    def __init__(
        self,
        project: Project,
        settings: QSettings,
        *,
        credential_store: CredentialStore | None = None,
        session_options: Mapping[str, Any] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """``session_options`` are extra :class:`LiveSession` keywords (retry…)."""
        super().__init__(parent)
        self.project = project
        self.live_settings = LiveSettings(settings, project.path)
        self.store = credential_store or CredentialStore(project.app.namespace or "")
        self.session_options = dict(session_options or {})
        self.resource_key: str | None = None
        self.credentials: dict[str, str] = {}
        self.credentials_dialog: CredentialsDialog | None = None
        self.last_exchange: Exchange | None = None
        self.last_summary: SyncSummary | None = None
        self._last_sample_name: str | None = None
        self._page_records: list[Any] | None = None
        self._page: int | None = None
        self._record_provider: RecordProvider | None = None
        self._session: LiveSession | None = None
        self._session_key: tuple[Any, ...] | None = None
        self._task: asyncio.Task[Any] | None = None
        self._run: SyncSummary | None = None
        self._run_started = 0.0
        self._run_requests0 = 0
        self._run_retries0 = 0
        self._emitted = 0
        self._counter_timer = QTimer(self)
        self._counter_timer.setInterval(COUNTER_REFRESH_MS)
        self._counter_timer.timeout.connect(self._refresh_counters)

        self._build()
        self._load_settings()
        app.on_shutdown(self.aclose)
        self._update_buttons()

    # -- layout ---------------------------------------------------------------

    def _build(self) -> None:
        self.resource_label = QLabel("Choose a resource in the outline.")
        font = self.resource_label.font()
        font.setBold(True)
        self.resource_label.setFont(font)

        connection = QGroupBox("Connection (designer settings, not exported)")
        self.base_url_edit = QLineEdit()
        self.base_url_edit.setClearButtonEnabled(True)
        self.base_url_edit.setToolTip(
            "Send requests here instead of the block's baseUrl, e.g. the mock "
            "provider at http://127.0.0.1:8765. Empty: the block's baseUrl."
        )
        self.page_param_edit = QLineEdit()
        self.page_param_edit.setPlaceholderText("page")
        self.page_param_edit.setToolTip("Query parameter that carries the page number")
        self.page_param_edit.setMaximumWidth(160)
        self.first_page_spin = QSpinBox()
        self.first_page_spin.setRange(0, 1_000_000)
        self.first_page_spin.setToolTip(
            "Number of the first page (1, or 0 for some APIs)"
        )
        self.max_pages_spin = QSpinBox()
        self.max_pages_spin.setRange(0, 1_000_000)
        self.max_pages_spin.setSpecialValueText("no cap")
        self.max_pages_spin.setToolTip("Stop a dry run after this many pages")
        pages_row = QHBoxLayout()
        pages_row.addWidget(QLabel("parameter"))
        pages_row.addWidget(self.page_param_edit)
        pages_row.addSpacing(8)
        pages_row.addWidget(QLabel("first"))
        pages_row.addWidget(self.first_page_spin)
        pages_row.addSpacing(8)
        pages_row.addWidget(QLabel("cap"))
        pages_row.addWidget(self.max_pages_spin)
        pages_row.addStretch(1)
        form = QFormLayout(connection)
        form.addRow("Base URL", self.base_url_edit)
        form.addRow("Pages", pages_row)
        self.credentials_label = QLabel("")
        self.credentials_label.setWordWrap(True)
        self.forget_button = QPushButton("Forget credentials")
        self.forget_button.setToolTip("Ask for the credentials again at the next fetch")
        self.forget_button.clicked.connect(self.forget_credentials)
        credentials_row = QHBoxLayout()
        credentials_row.addWidget(self.credentials_label, 1)
        credentials_row.addWidget(self.forget_button)
        form.addRow("Credentials", credentials_row)

        self.fetch_button = QPushButton("Fetch first page")
        self.next_button = QPushButton("Next page")
        self.details_button = QPushButton("Details of current record")
        self.dry_run_button = QPushButton("Dry-run sync")
        self.cancel_button = QPushButton("Cancel")
        self.keep_button = QPushButton("Keep as sample")
        self.fetch_button.setToolTip("GET the resource's list endpoint, first page")
        self.details_button.setToolTip(
            "GET endpoints.details for the record highlighted in the payload"
        )
        self.dry_run_button.setToolTip(
            "Fetch every page as the platform would, writing nothing"
        )
        self.keep_button.setToolTip(
            "Save the last response as the resource's sample (credentials scrubbed)"
        )
        self.fetch_button.clicked.connect(self.fetch_first_page)
        self.next_button.clicked.connect(self.fetch_next_page)
        self.details_button.clicked.connect(self.fetch_current_details)
        self.dry_run_button.clicked.connect(self.start_dry_run)
        self.cancel_button.clicked.connect(self.cancel)
        self.keep_button.clicked.connect(self.keep_as_sample)
        buttons = QHBoxLayout()
        for button in (
            self.fetch_button,
            self.next_button,
            self.details_button,
            self.dry_run_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.keep_button)

        self.status_label = QLabel("")
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
        )

        self.inspector = ExchangeInspector()
        inspector_box = QGroupBox("Last exchange")
        QVBoxLayout(inspector_box).addWidget(self.inspector)
        self.dry_run = DryRunView()
        dry_run_box = QGroupBox("Dry-run sync")
        QVBoxLayout(dry_run_box).addWidget(self.dry_run)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(inspector_box)
        splitter.addWidget(dry_run_box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        layout.addWidget(self.resource_label)
        layout.addWidget(connection)
        layout.addLayout(buttons)
        layout.addWidget(self.status_label)
        layout.addWidget(splitter, 1)

    def _load_settings(self) -> None:
        sync = self.project.app.sync
        block_url = sync.base_url if sync and isinstance(sync.base_url, str) else ""
        self.base_url_edit.setPlaceholderText(block_url or "https://api.example.com")
        s = self.live_settings
        self.base_url_edit.setText(s.base_url)
        self.page_param_edit.setText(s.page_param)
        self.first_page_spin.setValue(s.first_page)
        self.max_pages_spin.setValue(s.max_pages or 0)
        self.base_url_edit.editingFinished.connect(self._save_settings)
        self.page_param_edit.editingFinished.connect(self._save_settings)
        self.first_page_spin.valueChanged.connect(self._save_settings)
        self.max_pages_spin.valueChanged.connect(self._save_settings)

    def _save_settings(self) -> None:
        s = self.live_settings
        s.base_url = self.base_url_edit.text()
        s.page_param = self.page_param_edit.text()
        s.first_page = self.first_page_spin.value()
        s.max_pages = self.max_pages_spin.value() or None

    # -- public API -------------------------------------------------------------

    def set_resource(self, key: str | None) -> None:
        """Fetch for resource ``key`` of the sync block from now on (None: none)."""
        if key == self.resource_key:
            return
        self.resource_key = key
        self._page = None
        self._page_records = None
        resource = self._resource()
        if resource is None:
            self.resource_label.setText("Choose a resource in the outline.")
        else:
            title = resource.display_name or resource.key
            self.resource_label.setText(f"Live: {title} ({resource.key})")
        self._update_buttons()

    def set_current_record_provider(self, provider: RecordProvider | None) -> None:
        """``provider()`` gives the 0-based record now highlighted, or None."""
        self._record_provider = provider

    def set_base_url(self, url: str) -> None:
        """Set the base URL override (and keep it in the settings)."""
        self.base_url_edit.setText(url)
        self._save_settings()

    def set_page_settings(self, settings: PageSettings) -> None:
        self.page_param_edit.setText(settings.page_param)
        self.first_page_spin.setValue(settings.first_page)
        self.max_pages_spin.setValue(settings.max_pages or 0)
        self._save_settings()

    def is_busy(self) -> bool:
        return self._task is not None and not self._task.done()

    def fetch_first_page(self) -> None:
        self._start(self._fetch_page(None), "Fetch first page")

    def fetch_next_page(self) -> None:
        first = self.live_settings.first_page
        page = first if self._page is None else self._page + 1
        self._start(self._fetch_page(page), "Fetch next page")

    def fetch_current_details(self) -> None:
        index = self._record_provider() if self._record_provider else None
        self._start(self._fetch_details(0 if index is None else index), "Fetch details")

    def start_dry_run(self) -> None:
        self._start(self._dry_run(), "Dry-run sync")

    def cancel(self) -> None:
        """Stop the request or dry run in flight; a dry run keeps what it fetched."""
        if self.is_busy():
            assert self._task is not None
            self._task.cancel()

    def forget_credentials(self) -> None:
        """Drop the credentials of this session and from the keyring."""
        for key in list(self.credentials):
            self.store.delete(key)
        self.credentials.clear()
        self._drop_session()
        self._update_buttons()
        messages.info("Credentials forgotten; they will be asked at the next fetch.")

    def keep_as_sample(self) -> Path | None:
        """Save the last response body as a sample; returns the file written."""
        exchange = self.last_exchange
        if exchange is None or self._last_sample_name is None:
            messages.warning("Nothing to keep: fetch a page or details first.")
            return None
        folder = self._samples_dir()
        if folder is None:
            chosen, _ = QFileDialog.getSaveFileName(
                self, "Keep as sample", self._last_sample_name, "JSON (*.json)"
            )
            if not chosen:
                return None
            target = Path(chosen)
        else:
            target = folder / self._last_sample_name
        try:
            written = save_sample(exchange, target)
        except OSError as exc:
            messages.error(f"Could not save the sample {target}: {exc.strerror or exc}")
            return None
        # The project caches samples; drop the stale one.
        if self.resource_key is not None:
            self.project._samples.pop(self.resource_key, None)
        messages.info(f"Kept the response as sample {written}.")
        return written

    async def aclose(self) -> None:
        """Cancel work in flight and close the HTTP client (a shutdown hook)."""
        task = self._task
        if task is not None and not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        if shiboken6.isValid(self):
            self._counter_timer.stop()
        if self._session is not None:
            session, self._session = self._session, None
            await session.aclose()

    # -- plumbing ---------------------------------------------------------------

    def _resource(self) -> Resource | None:
        sync = self.project.app.sync
        if sync is None or self.resource_key is None:
            return None
        return sync.resources.get(self.resource_key)

    def _miniapp_name(self) -> str:
        name = self.project.app.document.get("name")
        if isinstance(name, str) and name:
            return name
        return self.project.app.namespace or "the MiniApp"

    def _samples_dir(self) -> Path | None:
        if self.project.samples_dir is not None:
            return self.project.samples_dir
        if self.project.path is not None:
            return self.project.path.parent / "responses"
        return None

    def _update_buttons(self) -> None:
        resource = self._resource()
        busy = self.is_busy()
        idle = resource is not None and not busy
        self.fetch_button.setEnabled(idle)
        self.next_button.setEnabled(
            idle and resource is not None and resource.pagination is not None
        )
        self.details_button.setEnabled(
            idle and resource is not None and resource.details_endpoint is not None
        )
        self.dry_run_button.setEnabled(idle)
        self.cancel_button.setEnabled(busy)
        self.keep_button.setEnabled(not busy and self.last_exchange is not None)
        sync = self.project.app.sync
        keys = credential_keys(sync, resource) if sync is not None else []
        if not keys:
            self.credentials_label.setText("none needed")
        else:
            names = ", ".join(f"[[{k}]]" for k in keys)
            have = all(k in self.credentials for k in keys)
            where = "keyring" if self.store.persistent else "this session"
            self.credentials_label.setText(
                f"{names}: entered ({where})"
                if have
                else f"{names}: asked at first fetch"
            )
        self.forget_button.setEnabled(bool(self.credentials) and not busy)

    def _start(self, coro: Any, name: str) -> None:
        if self.is_busy() or self._resource() is None:
            coro.close()
            return
        self._task = tasks.spawn(self._guard(coro), name=name)
        self._update_buttons()
        self.busyChanged.emit(True)

    async def _guard(self, coro: Any) -> None:
        try:
            await coro
        finally:
            # The task is still the current one here; clear it first so that
            # the buttons see the panel as idle.
            self._task = None
            # At shutdown the window may already be gone.
            if shiboken6.isValid(self):
                self._counter_timer.stop()
                self._update_buttons()
                self.busyChanged.emit(False)

    def _set_status(self, text: str, *, error: bool = False) -> None:
        self.status_label.setStyleSheet("color: #b00020;" if error else "")
        self.status_label.setText(text)

    async def _ask_credentials(self, keys: list[str]) -> bool:
        """Fill ``self.credentials`` for ``keys``; False if the user cancelled."""
        missing = []
        for key in keys:
            if key in self.credentials:
                continue
            stored = self.store.get(key)
            if stored:
                self.credentials[key] = stored
            else:
                missing.append(key)
        if not missing:
            return True
        dialog = CredentialsDialog(
            missing,
            keyring_available=self.store.persistent,
            title=f"Credentials for {self._miniapp_name()}",
            parent=self,
        )
        self.credentials_dialog = dialog
        done: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        def finished(result: int) -> None:
            if not done.done():
                done.set_result(result)

        dialog.finished.connect(finished)
        # open(), not exec(): a nested event loop would stall the asyncio loop.
        dialog.open()
        try:
            result = await done
        finally:
            self.credentials_dialog = None
            dialog.hide()
            dialog.deleteLater()
        if result != QDialog.DialogCode.Accepted:
            return False
        values = dialog.values()
        for key, value in values.items():
            self.credentials[key] = value
            if dialog.remember:
                self.store.set(key, value)
        self._update_buttons()
        return all(key in self.credentials for key in keys)

    async def _session_for(self, resource: Resource) -> LiveSession | None:
        sync = self.project.app.sync
        assert sync is not None
        if not await self._ask_credentials(credential_keys(sync, resource)):
            self._set_status("Cancelled: the request needs the credentials.")
            return None
        base_url = self.live_settings.base_url or None
        page_settings = self.live_settings.page_settings()
        key = (base_url, page_settings, tuple(sorted(self.credentials.items())))
        if self._session is None or key != self._session_key:
            self._drop_session()
            self._session = LiveSession(
                sync,
                credentials=self.credentials,
                page_settings=page_settings,
                progress=self._on_event,
                base_url=base_url,
                **self.session_options,
            )
            self._session_key = key
        return self._session

    def _drop_session(self) -> None:
        if self._session is not None:
            session, self._session = self._session, None
            self._session_key = None
            tasks.spawn(session.aclose(), name="Close HTTP client")

    def _show_exchange(self, exchange: Exchange, label: str, sample: str) -> bool:
        """Inspect ``exchange``; emit its body if usable. True when it was."""
        self.last_exchange = exchange
        self._last_sample_name = sample
        if not exchange.ok:
            text = _status_message(exchange)
            self.inspector.show_exchange(exchange, error=text)
            self._set_status(text, error=True)
            messages.warning(text)
            return False
        if exchange.parse_error is not None:
            text = (
                f"{exchange.method} {exchange.url} (HTTP {exchange.status}): the body "
                f"is not valid JSON: {exchange.parse_error}"
            )
            self.inspector.show_exchange(exchange, error=text)
            self._set_status(text, error=True)
            messages.warning(text)
            return False
        self.inspector.show_exchange(exchange)
        self._set_status(
            f"{label}: HTTP {exchange.status} in {exchange.elapsed * 1000:.0f} ms"
        )
        self.documentFetched.emit(exchange.json, label)
        return True

    def _failed(self, exc: LiveError, request: str) -> None:
        text = str(exc)
        self.inspector.show_failure(text, request=request)
        self._set_status(text, error=True)
        messages.warning(text)

    async def _fetch_page(self, page: int | None) -> None:
        resource = self._resource()
        assert resource is not None
        session = await self._session_for(resource)
        if session is None:
            return
        number = session.page_settings.first_page if page is None else page
        label = f"{resource.key} · page {number} (live)"
        self._set_status(f"Fetching {resource.key}, page {number}…")
        try:
            exchange = await session.fetch_page(resource, number)
        except LiveError as exc:
            self._failed(exc, f"GET {resource.key} page {number}")
            return
        if self._show_exchange(exchange, label, f"{resource.key}.json"):
            self._page = number
            data_property = (
                resource.response_mapping.data_property
                if resource.response_mapping
                else None
            )
            self._page_records = extract_records(exchange.json, data_property).records

    def _records_for_details(self, resource: Resource) -> list[Any]:
        if self._page_records is not None:
            return self._page_records
        try:
            body = self.project.sample(resource.key)
        except SampleError as exc:
            log.debug("no sample records for details: %s", exc)
            return []
        if body is None:
            return []
        mapping = resource.response_mapping
        return extract_records(body, mapping.data_property if mapping else None).records

    async def _fetch_details(self, index: int) -> None:
        resource = self._resource()
        assert resource is not None
        records = self._records_for_details(resource)
        if not 0 <= index < len(records):
            self._set_status(
                f"No record {index} to fetch details for: fetch a page first "
                f"(it has {len(records)} records).",
                error=True,
            )
            return
        session = await self._session_for(resource)
        if session is None:
            return
        record = records[index]
        record_id = record.get("id") if isinstance(record, dict) else None
        shown_id = f" (id {record_id})" if record_id is not None else ""
        label = f"{resource.key} · details of record {index}{shown_id} (live)"
        self._set_status(f"Fetching details of record {index}{shown_id}…")
        try:
            exchange = await session.fetch_details(resource, record)
        except LiveError as exc:
            self._failed(exc, f"GET {resource.key} details of record {index}")
            return
        name = f"{record_id}.json" if record_id is not None else f"record-{index}.json"
        self._show_exchange(exchange, label, f"{resource.key}-details/{name}")

    # -- dry run ------------------------------------------------------------------

    async def _dry_run(self) -> None:
        resource = self._resource()
        assert resource is not None
        session = await self._session_for(resource)
        if session is None:
            return
        summary = SyncSummary(resource=resource.key)
        self._run = summary
        self._emitted = 0
        self._run_started = time.monotonic()
        self._run_requests0 = session.client.requests
        self._run_retries0 = session.client.retries
        self.dry_run.start()
        self._counter_timer.start()
        self._set_status(f"Dry-run sync of {resource.key}…")
        try:
            await session.run(resource, into=summary)
        except asyncio.CancelledError:
            summary.cancelled = True
            self._end_dry_run(summary)
            raise
        self._end_dry_run(summary)

    def _end_dry_run(self, summary: SyncSummary) -> None:
        self._run = None
        self._counter_timer.stop()
        self._flush_records(summary)
        self.last_summary = summary
        self.dry_run.finish(summary)
        if summary.cancelled:
            text = (
                f"Dry run of {summary.resource} cancelled: kept "
                f"{_count(summary.records, 'record')} from "
                f"{_count(summary.pages, 'page')}."
            )
        elif summary.errors:
            text = f"Dry run of {summary.resource} stopped: {summary.errors[0]}"
        else:
            text = (
                f"Dry run of {summary.resource}: {_count(summary.records, 'record')} "
                f"in {_count(summary.pages, 'page')}; stopped because "
                f"{summary.stopped_because}."
            )
        self._set_status(text, error=bool(summary.errors))
        if summary.errors:
            messages.warning(text)
        else:
            messages.info(text)
        self.recordsFetched.emit(list(summary.items))

    def _flush_records(self, summary: SyncSummary) -> None:
        new = summary.items[self._emitted :]
        if new:
            self._emitted = len(summary.items)
            self.recordsArrived.emit(list(new))

    def _on_event(self, event: LiveEvent) -> None:
        """Progress from the session (called on the loop, i.e. the GUI thread)."""
        summary = self._run
        if isinstance(event, Retrying):
            self._set_status(
                f"Retrying in {event.wait:.1f} s (try {event.attempt + 1}): "
                f"{event.reason}"
            )
        if summary is None:
            return
        if isinstance(event, PageFetched | DetailFetched):
            self._flush_records(summary)
        if isinstance(event, DetailFetched) and not 200 <= event.status < 300:
            self.dry_run.add_error(f"details {event.record_id!r}: HTTP {event.status}")
        self._refresh_counters()

    def _refresh_counters(self) -> None:
        summary = self._run
        session = self._session
        if summary is None or session is None:
            return
        elapsed = max(time.monotonic() - self._run_started, 1e-6)
        requests = session.client.requests - self._run_requests0
        retries = session.client.retries - self._run_retries0
        self.dry_run.show_progress(summary, requests / elapsed, retries)


def _status_message(exchange: Exchange) -> str:
    """A readable line for an error status, with what to do about it."""
    base = f"{exchange.method} {exchange.url} answered HTTP {exchange.status}"
    base += f" {exchange.reason}".rstrip()
    detail = ""
    if isinstance(exchange.json, dict):
        for key in ("error", "message", "detail", "errors"):
            value = exchange.json.get(key)
            if isinstance(value, dict):
                value = value.get("message") or value.get("code")
            if isinstance(value, str) and value:
                detail = scrub(value, exchange.secrets)
                break
    if detail:
        base += f": {detail}"
    if exchange.status in (401, 403):
        base += (
            ". The server refused the credentials: check them (Forget credentials, "
            "then fetch again) and the base URL."
        )
    elif exchange.status == 404:
        base += ". Check the base URL and the endpoint's url."
    return base
