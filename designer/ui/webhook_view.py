"""The webhook workbench: paste, open or capture a delivery and see what it does.

The left side is the input (body, headers, event override, the local
receiver and the send form); the right side is what processing found:
verification, event, routing, the mapped record, the payload tree and the
diagnostics. Everything is re-processed a moment after each edit, and at
once when :meth:`WebhookWorkbench.refresh` is called after a mapping edit.

The body is kept as bytes. Bytes read from a file or captured by the
receiver stay exactly as they arrived until the body is edited; typed text
is encoded as UTF-8 exactly as typed, never re-serialised, because the
signature covers the raw bytes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from designer.core.diagnostics import Severity, closest
from designer.core.live.credentials import CredentialStore
from designer.core.project import Project
from designer.core.webhook import (
    Delivery,
    Headers,
    ParsedBody,
    ReceivedDelivery,
    Receiver,
    ReceiverError,
    SendError,
    StoreError,
    VerificationResult,
    VerificationStatus,
    WebhookResult,
    build_request,
    diff_deliveries,
    load_deliveries,
    previous_of,
    process,
    save_deliveries,
    send_async,
    signature_header,
    start_receiver,
)
from designer.core.webhook.diff import brief
from designer.core.webhook.store import masked_headers
from designer.core.webhook.verify import VerificationError
from designer.ui import badges, messages, tasks
from designer.ui.app import on_shutdown
from designer.ui.payload_view import PayloadView

log = logging.getLogger(__name__)

DEFAULT_PORT = 8787
#: How long typing must pause before the delivery is processed again.
PROCESS_DELAY_MS = 150
#: The folder beside the MiniApp where captured deliveries are saved.
CAPTURED_DIR = "captured"
SEND_TIMEOUT = 30.0

SecretsProvider = Callable[[], Mapping[str, str]]

#: verification status -> (badge text, text colour, background)
VERIFICATION_BADGES: dict[VerificationStatus, tuple[str, str, str]] = {
    VerificationStatus.VALID: ("✓ valid", "#1b5e20", "#e8f5e9"),
    VerificationStatus.INVALID: ("✕ invalid", "#b71c1c", "#fdecea"),
    VerificationStatus.SKIPPED: ("– skipped", "#424242", "#eeeeee"),
}

_RECEIVER_COLUMNS = ("#", "Time", "Event", "Verification", "Handler", "Status")


def editor_text(edit: QPlainTextEdit) -> str:
    """The text exactly as typed.

    ``toPlainText`` turns a no-break space into a plain space and a line
    separator into a newline, which changes the bytes and breaks the
    signature; the raw text keeps them and marks line breaks with U+2029.
    """
    return edit.document().toRawText().replace("\u2029", "\n")


def parse_header_lines(text: str) -> tuple[Headers, list[str]]:
    """Headers from ``Name: value`` lines, and a message for each bad line."""
    items: list[tuple[str, str]] = []
    problems: list[str] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        name, sep, value = line.partition(":")
        if not sep or not name.strip():
            problems.append(f"line {number}: {line.strip()!r} is not 'Name: value'")
            continue
        items.append((name.strip(), value.strip()))
    return Headers(items), problems


def header_lines(headers: Headers) -> str:
    return "\n".join(f"{name}: {value}" for name, value in headers)


def _mono() -> QFont:
    return QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)


def _value_text(value: Any) -> str:
    return brief(value, 200) if not isinstance(value, str) else value


@dataclass
class CapturedDelivery:
    """A delivery in the workbench's list: received live or loaded from disk."""

    number: int
    delivery: Delivery
    result: WebhookResult
    #: What the receiver answered; None for a delivery loaded from disk.
    status_code: int | None = None


class _Resources:
    """The receiver and HTTP client, closed at shutdown even if the widget is gone."""

    def __init__(self) -> None:
        self.receiver: Receiver | None = None
        self._client: httpx.AsyncClient | None = None
        self._hooked = False

    def hook(self) -> None:
        if not self._hooked:
            on_shutdown(self.aclose)
            self._hooked = True

    def client(self) -> httpx.AsyncClient:
        if self._client is None or self._client.is_closed:
            self._client = httpx.AsyncClient(timeout=SEND_TIMEOUT)
            self.hook()
        return self._client

    def stop_receiver(self) -> None:
        if self.receiver is not None:
            self.receiver.stop()
            self.receiver = None

    async def aclose(self) -> None:
        self.stop_receiver()
        if self._client is not None:
            await self._client.aclose()
            self._client = None


class VerificationBadge(QLabel):
    """The verification status as text on a tinted background (never colour alone)."""

    def set_status(self, status: VerificationStatus | None) -> None:
        if status is None:
            self.setText("")
            self.setStyleSheet("")
            return
        text, colour, background = VERIFICATION_BADGES[status]
        self.setText(text)
        self.setStyleSheet(
            f"QLabel {{ color: {colour}; background: {background}; "
            f"border: 1px solid {colour}; border-radius: 4px; padding: 1px 8px; "
            "font-weight: bold; }"
        )


class WebhookWorkbench(QWidget):
    """Test one webhook delivery against the project's MiniApp."""

    #: the event of the handler a delivery now routes to (select it in the outline)
    handlerSelected = Signal(str)
    #: the :class:`WebhookResult` of the current delivery, after each processing
    resultChanged = Signal(object)
    #: a :class:`ReceivedDelivery` the local receiver captured (GUI thread)
    deliveryReceived = Signal(object)
    # Carries deliveries from the receiver's thread to the GUI thread (queued).
    _arrived = Signal(object)

    def __init__(
        self,
        project: Project,
        *,
        secrets: SecretsProvider | None = None,
        credentials: CredentialStore | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._project = project
        self._secrets_provider = secrets
        self._credentials = credentials
        self._entered_secrets: dict[str, str] = {}
        self._resources = _Resources()
        self._captured: list[CapturedDelivery] = []
        #: The exact bytes of a delivery read from a file or captured, until edited.
        self._raw_body: bytes | None = None
        self._base: Delivery | None = None
        self._loading = False
        self._result: WebhookResult | None = None
        self._delivery: Delivery | None = None
        self._shown_body: bytes | None = None
        self._last_handler: str | None = None
        self._send_task: asyncio.Task[Any] | None = None

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PROCESS_DELAY_MS)
        self._timer.timeout.connect(self.refresh)

        self._build_input()
        self._build_receiver()
        self._build_send()
        self._build_results()
        self._layout()
        self._connect()
        self._fill_samples()
        self._update_secret_label()
        self.refresh()

    # -- building ------------------------------------------------------------

    def _build_input(self) -> None:
        self.input_box = QGroupBox("Delivery", self)
        self.sample_combo = QComboBox(self)
        self.sample_combo.setToolTip(
            "A delivery body from webhooks/ beside the MiniApp"
        )
        self.open_button = QPushButton("Open file…", self)
        self.open_button.setToolTip("Read a payload file byte for byte")
        self.source_label = QLabel(self)
        self.source_label.setWordWrap(True)
        self.source_label.setEnabled(False)

        self.body_edit = QPlainTextEdit(self)
        self.body_edit.setFont(_mono())
        self.body_edit.setPlaceholderText(
            "Paste the raw body here. It is sent and checked exactly as typed."
        )
        self.headers_edit = QPlainTextEdit(self)
        self.headers_edit.setFont(_mono())
        self.headers_edit.setPlaceholderText("X-Salla-Signature: 3f1a…\n(one per line)")
        self.headers_edit.setMaximumHeight(110)
        self.headers_error = QLabel(self)
        self.headers_error.setStyleSheet("color: #b71c1c;")
        self.headers_error.setWordWrap(True)
        self.headers_error.hide()

        self.event_combo = QComboBox(self)
        self.event_combo.setEditable(True)
        self.event_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        line = self.event_combo.lineEdit()
        assert line is not None  # editable combo boxes have one
        line.setPlaceholderText("read from the delivery")
        line.setClearButtonEnabled(True)
        self.event_combo.setToolTip(
            "Leave empty to read the event as webhook.eventExtraction says"
        )
        self.sign_button = QPushButton("Sign", self)
        self.sign_button.setToolTip(
            "Set the signature header the provider would send for this body"
        )
        self.secret_button = QPushButton("Secret…", self)
        self.secret_label = QLabel(self)

    def _build_receiver(self) -> None:
        self.receiver_box = QGroupBox("Local receiver", self)
        self.port_spin = QSpinBox(self)
        self.port_spin.setRange(0, 65535)
        self.port_spin.setValue(DEFAULT_PORT)
        self.port_spin.setToolTip("0 picks any free port")
        self.receiver_button = QPushButton("Start", self)
        self.receiver_label = QLabel("Stopped", self)
        self.receiver_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self.follow_check = QCheckBox("Show newest", self)
        self.follow_check.setChecked(True)
        self.follow_check.setToolTip("Load each delivery into the view as it arrives")

        self.deliveries_table = QTableWidget(0, len(_RECEIVER_COLUMNS), self)
        self.deliveries_table.setHorizontalHeaderLabels(list(_RECEIVER_COLUMNS))
        self.deliveries_table.verticalHeader().hide()
        self.deliveries_table.setSelectionBehavior(
            QAbstractItemView.SelectionBehavior.SelectRows
        )
        self.deliveries_table.setSelectionMode(
            QAbstractItemView.SelectionMode.SingleSelection
        )
        self.deliveries_table.setEditTriggers(
            QAbstractItemView.EditTrigger.NoEditTriggers
        )
        header = self.deliveries_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.save_button = QPushButton("Save…", self)
        self.save_button.setToolTip("Save the deliveries with the project")
        self.load_button = QPushButton("Load…", self)
        self.clear_button = QPushButton("Clear", self)
        self.changes_label = QLabel("Changes from the previous delivery", self)
        self.changes_list = QListWidget(self)
        self.changes_list.setFont(_mono())
        self.changes_list.setMaximumHeight(90)

    def _build_send(self) -> None:
        self.send_box = QGroupBox("Send", self)
        self.send_url_edit = QLineEdit(self)
        self.send_url_edit.setPlaceholderText("the local receiver's URL")
        self.send_event_edit = QLineEdit(self)
        self.send_event_edit.setPlaceholderText("the delivery's event")
        self.send_button = QPushButton("Send", self)
        self.send_button.setToolTip(
            "POST the body signed as the provider would sign it"
        )
        self.send_result = QLabel(self)
        self.send_result.setWordWrap(True)
        self.send_result.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
        )

    def _build_results(self) -> None:
        self.result_box = QGroupBox("Result", self)
        self.body_error_label = QLabel(self)
        self.body_error_label.setWordWrap(True)
        self.body_error_label.setStyleSheet(
            "QLabel { color: #8a4b00; background: #fff6e0; padding: 4px; }"
        )
        self.body_error_label.hide()
        self.badge = VerificationBadge(self)
        self.verification_label = QLabel(self)
        self.verification_label.setWordWrap(True)
        self.event_label = QLabel(self)
        self.transaction_label = QLabel(self)
        self.customer_label = QLabel(self)
        self.customer_label.setWordWrap(True)
        self.handler_label = QLabel(self)
        self.handler_label.setWordWrap(True)
        self.operation_label = QLabel(self)
        for label in (
            self.verification_label,
            self.event_label,
            self.transaction_label,
            self.customer_label,
        ):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.record_table = QTableWidget(0, 4, self)
        self.record_table.setHorizontalHeaderLabels(
            ["Field", "Value", "Status", "Trace"]
        )
        self.record_table.verticalHeader().hide()
        self.record_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.record_table.setWordWrap(False)
        header = self.record_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(0, 150)
        header.resizeSection(2, 90)
        header.resizeSection(3, 220)

        self.payload_view = PayloadView(self)
        self.raw_body_view = QPlainTextEdit(self)
        self.raw_body_view.setReadOnly(True)
        self.raw_body_view.setFont(_mono())
        self.raw_info = QLabel(self)
        self.raw_headers_view = QPlainTextEdit(self)
        self.raw_headers_view.setReadOnly(True)
        self.raw_headers_view.setFont(_mono())
        self.raw_headers_view.setMaximumHeight(140)
        self.diagnostics_list = QListWidget(self)
        self.diagnostics_list.setWordWrap(True)
        self.tabs = QTabWidget(self)

    def _layout(self) -> None:
        # Input
        source_row = QHBoxLayout()
        source_row.addWidget(QLabel("Sample:", self))
        source_row.addWidget(self.sample_combo, 1)
        source_row.addWidget(self.open_button)
        event_row = QHBoxLayout()
        event_row.addWidget(QLabel("Event:", self))
        event_row.addWidget(self.event_combo, 1)
        secret_row = QHBoxLayout()
        secret_row.addWidget(self.secret_label, 1)
        secret_row.addWidget(self.secret_button)
        secret_row.addWidget(self.sign_button)
        box = QVBoxLayout(self.input_box)
        box.addLayout(source_row)
        box.addWidget(self.source_label)
        box.addWidget(QLabel("Body", self))
        box.addWidget(self.body_edit, 1)
        box.addWidget(QLabel("Headers (Name: value, one per line)", self))
        box.addWidget(self.headers_edit)
        box.addWidget(self.headers_error)
        box.addLayout(event_row)
        box.addLayout(secret_row)

        # Receiver
        top = QHBoxLayout()
        top.addWidget(QLabel("Port:", self))
        top.addWidget(self.port_spin)
        top.addWidget(self.receiver_button)
        top.addWidget(self.receiver_label, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.follow_check)
        bottom.addStretch(1)
        bottom.addWidget(self.save_button)
        bottom.addWidget(self.load_button)
        bottom.addWidget(self.clear_button)
        box = QVBoxLayout(self.receiver_box)
        box.addLayout(top)
        box.addWidget(self.deliveries_table, 1)
        box.addLayout(bottom)
        box.addWidget(self.changes_label)
        box.addWidget(self.changes_list)

        # Send
        form = QFormLayout(self.send_box)
        form.addRow("URL:", self.send_url_edit)
        form.addRow("Event:", self.send_event_edit)
        form.addRow(self.send_button, self.send_result)

        left = QSplitter(Qt.Orientation.Vertical, self)
        left.addWidget(self.input_box)
        left.addWidget(self.receiver_box)
        left.addWidget(self.send_box)
        left.setStretchFactor(0, 3)
        left.setStretchFactor(1, 2)
        left.setStretchFactor(2, 0)

        # Results
        badge_row = QHBoxLayout()
        badge_row.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignTop)
        badge_row.addWidget(self.verification_label, 1)
        form = QFormLayout()
        form.addRow("Verification:", badge_row)
        form.addRow("Event:", self.event_label)
        form.addRow("Handler:", self.handler_label)
        form.addRow("Operation:", self.operation_label)
        form.addRow("Transaction id:", self.transaction_label)
        form.addRow("Customer:", self.customer_label)
        box = QVBoxLayout(self.result_box)
        box.addWidget(self.body_error_label)
        box.addLayout(form)

        raw = QWidget(self)
        raw_box = QVBoxLayout(raw)
        raw_box.addWidget(self.raw_info)
        raw_box.addWidget(self.raw_body_view, 1)
        raw_box.addWidget(QLabel("Headers (secret values masked)", self))
        raw_box.addWidget(self.raw_headers_view)
        self.tabs.addTab(self.record_table, "Record")
        self.tabs.addTab(self.payload_view, "Payload")
        self.tabs.addTab(raw, "Raw")
        self.tabs.addTab(self.diagnostics_list, "Diagnostics")

        right = QSplitter(Qt.Orientation.Vertical, self)
        right.addWidget(self.result_box)
        right.addWidget(self.tabs)
        right.setStretchFactor(1, 1)
        right.setSizes([230, 500])

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.splitter)

    def _connect(self) -> None:
        self.body_edit.textChanged.connect(self._body_edited)
        self.headers_edit.textChanged.connect(self._schedule)
        self.event_combo.editTextChanged.connect(self._schedule)
        self.sample_combo.activated.connect(self._sample_chosen)
        self.open_button.clicked.connect(self._choose_file)
        self.sign_button.clicked.connect(self.sign)
        self.secret_button.clicked.connect(self._ask_secret)
        self.receiver_button.clicked.connect(self._toggle_receiver)
        self.deliveries_table.itemSelectionChanged.connect(self._delivery_selected)
        self.save_button.clicked.connect(self._choose_save_dir)
        self.load_button.clicked.connect(self._choose_load_dir)
        self.clear_button.clicked.connect(self.clear_captured)
        self.send_button.clicked.connect(self._send_clicked)
        self.handler_label.linkActivated.connect(self.handlerSelected.emit)
        self._arrived.connect(self._add_received)

    # -- project and secrets -------------------------------------------------

    @property
    def project(self) -> Project:
        return self._project

    def set_project(self, project: Project) -> None:
        """Work on another project; captured deliveries are kept."""
        self._project = project
        self._fill_samples()
        self._update_secret_label()
        self.refresh()

    def _fill_samples(self) -> None:
        self.sample_combo.clear()
        self.sample_combo.addItem("Choose a sample…", None)
        for path in self._project.webhook_samples():
            self.sample_combo.addItem(path.stem, str(path))
        self.sample_combo.setEnabled(self.sample_combo.count() > 1)
        current = self.event_combo.currentText()
        self.event_combo.blockSignals(True)
        self.event_combo.clear()
        self.event_combo.addItem("")
        sync = self._project.app.sync
        for event in sync.handlers if sync else {}:
            self.event_combo.addItem(event)
        self.event_combo.setEditText(current)
        self.event_combo.blockSignals(False)

    @property
    def secret_key(self) -> str | None:
        """The secret name ``webhook.verification.secretKey`` gives, if any."""
        webhook = self._project.app.webhook
        verification = webhook.verification if webhook else None
        return verification.secret_key if verification else None

    def secrets(self) -> dict[str, str]:
        """Secret name -> value: the provider's, the credential store's, typed ones."""
        values = dict(self._secrets_provider() if self._secrets_provider else {})
        key = self.secret_key
        if key and key not in values and self._credentials is not None:
            stored = self._credentials.get(key)
            if stored is not None:
                values[key] = stored
        values.update(self._entered_secrets)
        return values

    def set_secret(self, name: str, value: str) -> None:
        """Use ``value`` for the secret ``name`` (kept in the credential store too)."""
        self._entered_secrets[name] = value
        if self._credentials is not None:
            self._credentials.set(name, value)
        if self._resources.receiver is not None:
            self._resources.receiver.set_secrets(self.secrets())
        self._update_secret_label()
        self.refresh()

    def _update_secret_label(self) -> None:
        key = self.secret_key
        has_key = bool(key)
        self.secret_button.setEnabled(has_key)
        if not key:
            self.secret_label.setText("No webhook secret to check with")
        elif key in self.secrets():
            self.secret_label.setText(f"Secret {key!r}: set")
        else:
            self.secret_label.setText(f"Secret {key!r}: not set — signatures unchecked")

    def _ask_secret(self) -> None:
        key = self.secret_key
        if not key:
            return
        value, ok = QInputDialog.getText(
            self,
            "Webhook secret",
            f"Value of the secret {key!r} (webhook.verification.secretKey).\n"
            "It is kept in memory"
            + (" and in the system keyring." if self._credentials else "."),
            QLineEdit.EchoMode.Password,
        )
        if ok and value:
            self.set_secret(key, value)

    # -- input ---------------------------------------------------------------

    def set_body_text(self, text: str) -> None:
        """Replace the body with typed text (encoded as UTF-8 exactly)."""
        self.body_edit.setPlainText(text)

    def set_headers_text(self, text: str) -> None:
        self.headers_edit.setPlainText(text)

    def set_event_override(self, event: str | None) -> None:
        self.event_combo.setEditText(event or "")

    def event_override(self) -> str | None:
        return self.event_combo.currentText().strip() or None

    def load_delivery(self, delivery: Delivery, *, source: str = "") -> None:
        """Show ``delivery`` with its exact bytes and headers, then process it."""
        self._loading = True
        try:
            self._raw_body = delivery.body
            self._base = delivery
            self.body_edit.setPlainText(delivery.body.decode("utf-8", "replace"))
            self.headers_edit.setPlainText(header_lines(delivery.headers))
            self.event_combo.setEditText("")
        finally:
            self._loading = False
        exact = "" if self._is_utf8(delivery.body) else " — not UTF-8, shown with �"
        self.source_label.setText(
            f"{source or 'Loaded delivery'}: {len(delivery.body)} bytes kept exactly "
            f"until you edit the body{exact}"
        )
        self.refresh()

    def open_payload_file(self, path: Path | str) -> None:
        """Read a payload file as bytes; the headers typed so far are kept."""
        path = Path(path)
        try:
            body = path.read_bytes()
        except OSError as exc:
            messages.warning(f"{path}: cannot read: {exc.strerror or exc}")
            return
        headers, _problems = parse_header_lines(editor_text(self.headers_edit))
        self.load_delivery(Delivery.from_bytes(body, headers=headers), source=path.name)

    @staticmethod
    def _is_utf8(body: bytes) -> bool:
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return True

    def _sample_chosen(self, row: int) -> None:
        path = self.sample_combo.itemData(row)
        if path:
            self.open_payload_file(path)
            self.sample_combo.setCurrentIndex(0)

    def _choose_file(self) -> None:
        start = str(self._project.path.parent) if self._project.path else ""
        name, _ = QFileDialog.getOpenFileName(
            self, "Open a webhook payload", start, "JSON (*.json);;All files (*)"
        )
        if name:
            self.open_payload_file(name)

    def _body_edited(self) -> None:
        if self._loading:
            return
        if self._raw_body is not None:
            self._raw_body = None
            self.source_label.setText("Typed body: encoded as UTF-8 exactly as typed")
        self._schedule()

    def _schedule(self) -> None:
        if not self._loading:
            self._timer.start()

    def body_bytes(self) -> bytes:
        """The body as it will be processed and sent."""
        if self._raw_body is not None:
            return self._raw_body
        return editor_text(self.body_edit).encode("utf-8")

    def current_delivery(self) -> Delivery:
        """The delivery the input describes now."""
        headers, problems = parse_header_lines(editor_text(self.headers_edit))
        self.headers_error.setText("\n".join(problems))
        self.headers_error.setVisible(bool(problems))
        base = self._base
        if base is None:
            return Delivery(self.body_bytes(), headers)
        return Delivery(
            self.body_bytes(), headers, base.query, base.method, base.path,
            base.received_at,
        )  # fmt: skip

    def sign(self) -> None:
        """Put the signature header the provider would send into the headers."""
        webhook = self._project.app.webhook
        body = self.body_bytes()
        try:
            signed = signature_header(
                webhook.verification if webhook else None, body, self.secrets()
            )
        except VerificationError as exc:
            messages.warning(f"Cannot sign: {exc}")
            return
        if signed is None:
            messages.info("The MiniApp does not verify webhooks: nothing to sign")
            return
        headers, _ = parse_header_lines(editor_text(self.headers_edit))
        self.headers_edit.setPlainText(header_lines(headers.with_header(*signed)))

    # -- processing ----------------------------------------------------------

    @property
    def result(self) -> WebhookResult | None:
        """What the last processing found."""
        return self._result

    @property
    def delivery(self) -> Delivery | None:
        """The delivery the last processing looked at."""
        return self._delivery

    def refresh(self) -> None:
        """Process the current delivery now (call after a mapping edit)."""
        self._timer.stop()
        # TODO(performance): a body of several MB is parsed on the GUI thread
        # here; move processing to designer.ui.workers if that proves slow.
        receiver = self._resources.receiver
        if receiver is not None:
            receiver.set_app(self._project.app)
        delivery = self.current_delivery()
        self._delivery = delivery
        if not delivery.body.strip() and not len(delivery.headers):
            self._result = None
            self._show_empty()
            return
        try:
            result = process(
                self._project.app,
                delivery,
                secrets=self.secrets(),
                event_override=self.event_override(),
            )
        except Exception as exc:  # a bug in processing must not take the window
            log.exception("processing the delivery failed")
            messages.error(f"Processing the delivery failed: {exc}")
            return
        self._result = result
        self._show(delivery, result)
        self.resultChanged.emit(result)
        if result.handler is not None and result.handler != self._last_handler:
            self.handlerSelected.emit(result.handler)
        self._last_handler = result.handler

    def _show_empty(self) -> None:
        self.badge.set_status(None)
        for label in (
            self.verification_label,
            self.event_label,
            self.handler_label,
            self.operation_label,
            self.transaction_label,
            self.customer_label,
        ):
            label.setText("")
        self.verification_label.setText("Paste a body, open a file or pick a sample.")
        self.body_error_label.hide()
        self.record_table.setRowCount(0)
        self.diagnostics_list.clear()
        self.raw_body_view.setPlainText("")
        self.raw_headers_view.setPlainText("")
        self.raw_info.setText("")
        self._show_payload(b"", None)

    def _show(self, delivery: Delivery, result: WebhookResult) -> None:
        self._show_verification(result.verification)
        if result.body_error:
            self.body_error_label.setText(
                f"{result.body_error}. The signature is still checked over these "
                "bytes; the record cannot be mapped."
            )
        self.body_error_label.setVisible(bool(result.body_error))

        if result.event is None:
            self.event_label.setText("— not found (see Diagnostics)")
        else:
            self.event_label.setText(f"{result.event}   ({result.event_source})")
        self._show_handler(result)
        self.operation_label.setText(result.operation or "—")
        tid = result.transaction_id
        if tid is None or tid.value is None:
            self.transaction_label.setText("—")
        else:
            generated = "  (generated: no path gave a value)" if tid.generated else ""
            self.transaction_label.setText(f"{tid.value}{generated}")
        customer = result.customer
        if customer is None:
            self.customer_label.setText("— (no customerExtraction)")
        elif not customer.found:
            self.customer_label.setText(f"not found at {customer.base_path}")
        else:
            self.customer_label.setText(
                ", ".join(f"{k}={_value_text(v)}" for k, v in customer.values.items())
                or "found, no values"
            )
        self._show_record(result)
        self._show_diagnostics(result)
        self._show_raw(delivery)
        self._show_payload(delivery.body, delivery.parsed)

    def _show_verification(self, verification: VerificationResult) -> None:
        self.badge.set_status(verification.status)
        cause = f"  [{verification.cause}]" if verification.cause else ""
        self.verification_label.setText(f"{verification.reason}{cause}")

    def _show_handler(self, result: WebhookResult) -> None:
        if result.handler is not None:
            shape = f" — {result.handler_shape} shape" if result.handler_shape else ""
            self.handler_label.setText(
                f'<a href="{result.handler}">{result.handler}</a>{shape}'
            )
            self.handler_label.setToolTip("Select this handler to edit its mapping")
            return
        self.handler_label.setToolTip("")
        if result.event is None:
            self.handler_label.setText("— no event, so no handler")
            return
        sync = self._project.app.sync
        names = list(sync.handlers) if sync else []
        near = closest(result.event, names)
        text = f"✕ no handler for {result.event!r}"
        if near:
            text += f"; closest: {near!r}"
        elif names:
            text += f"; handlers: {', '.join(repr(n) for n in names[:5])}"
        self.handler_label.setText(text)

    def _show_record(self, result: WebhookResult) -> None:
        table = self.record_table
        table.setRowCount(len(result.fields))
        for row, field in enumerate(result.fields):
            value = _value_text(field.value) if field.present else "—"
            cells = [
                QTableWidgetItem(field.field),
                QTableWidgetItem(value),
                QTableWidgetItem(field.status),
                QTableWidgetItem(" → ".join(field.trace)),
            ]
            cells[1].setFont(_mono())
            cells[1].setToolTip(value[:2000])
            cells[2].setIcon(badges.icon(field.status))
            cells[2].setForeground(badges.foreground(field.status))
            cells[3].setToolTip("\n".join(field.trace))
            tint = badges.background(field.status)
            for column, cell in enumerate(cells):
                if tint is not None:
                    cell.setBackground(tint)
                table.setItem(row, column, cell)
        label = "Record" if result.record is None else f"Record ({len(result.fields)})"
        self.tabs.setTabText(self.tabs.indexOf(table), label)

    def _show_diagnostics(self, result: WebhookResult) -> None:
        self.diagnostics_list.clear()
        for diagnostic in result.diagnostics:
            status = {
                Severity.ERROR: "error",
                Severity.WARNING: "warning",
                Severity.INFO: "info",
            }[diagnostic.severity]
            text = f"{diagnostic.severity}: {diagnostic.message}"
            if diagnostic.fix:
                text += f"\n   Fix: {diagnostic.fix}"
            item = QListWidgetItem(badges.icon(status), text)
            item.setData(Qt.ItemDataRole.UserRole, diagnostic)
            self.diagnostics_list.addItem(item)
        count = len(result.diagnostics)
        index = self.tabs.indexOf(self.diagnostics_list)
        self.tabs.setTabText(
            index, f"Diagnostics ({count})" if count else "Diagnostics"
        )

    def _show_raw(self, delivery: Delivery) -> None:
        body = delivery.body
        utf8 = self._is_utf8(body)
        self.raw_body_view.setPlainText(body.decode("utf-8", "replace"))
        self.raw_info.setText(
            f"{len(body)} bytes, exactly as checked"
            + ("" if utf8 else " — not UTF-8: undecodable bytes are shown as �")
        )
        masked = masked_headers(delivery.headers, self._project.app)
        self.raw_headers_view.setPlainText(header_lines(masked))

    def _show_payload(self, body: bytes, parsed: ParsedBody | None) -> None:
        if body == self._shown_body:
            return
        self._shown_body = body
        if parsed is not None and parsed.ok:
            self.payload_view.set_document(parsed.value)
        else:
            self.payload_view.model.clear()
            self.payload_view.status_label.setText(
                "No JSON to show" if body.strip() else "No body"
            )

    # -- receiver ------------------------------------------------------------

    @property
    def receiver(self) -> Receiver | None:
        return self._resources.receiver

    def start_receiver(self, port: int | None = None) -> Receiver | None:
        """Listen on 127.0.0.1 (``port`` or the spin box's); None if it cannot."""
        if self._resources.receiver is not None:
            return self._resources.receiver
        wanted = self.port_spin.value() if port is None else port
        try:
            receiver = start_receiver(
                self._project.app,
                port=wanted,
                secrets=self.secrets(),
                on_delivery=self._arrived.emit,
            )
        except ReceiverError as exc:
            self.receiver_label.setText(f"Not started: {exc}")
            messages.warning(str(exc))
            return None
        self._resources.receiver = receiver
        self._resources.hook()
        self.receiver_button.setText("Stop")
        self.port_spin.setEnabled(False)
        self.receiver_label.setText(f"Listening on {receiver.url}")
        self.send_url_edit.setPlaceholderText(receiver.url)
        return receiver

    def stop_receiver(self) -> None:
        self._resources.stop_receiver()
        self.receiver_button.setText("Start")
        self.port_spin.setEnabled(True)
        self.receiver_label.setText("Stopped")
        self.send_url_edit.setPlaceholderText("the local receiver's URL")

    def _toggle_receiver(self) -> None:
        if self._resources.receiver is None:
            self.start_receiver()
        else:
            self.stop_receiver()

    def _add_received(self, received: ReceivedDelivery) -> None:
        captured = CapturedDelivery(
            received.number, received.delivery, received.result, received.status_code
        )
        self._append_captured(captured)
        self.deliveryReceived.emit(received)
        if self.follow_check.isChecked():
            self.deliveries_table.selectRow(self.deliveries_table.rowCount() - 1)

    def _append_captured(self, captured: CapturedDelivery) -> None:
        self._captured.append(captured)
        table = self.deliveries_table
        row = table.rowCount()
        table.insertRow(row)
        result = captured.result
        status = result.verification.status
        text, colour, _background = VERIFICATION_BADGES[status]
        when = captured.delivery.received_at.astimezone().strftime("%H:%M:%S")
        code = captured.status_code
        cells = [
            str(captured.number),
            when,
            result.event or "—",
            text,
            result.handler or "✕ none",
            str(code) if code is not None else "saved",
        ]
        for column, value in enumerate(cells):
            item = QTableWidgetItem(value)
            if column == 3:
                item.setForeground(QColor(colour))
                item.setToolTip(result.verification.reason)
            table.setItem(row, column, item)

    @property
    def captured(self) -> list[CapturedDelivery]:
        """The deliveries in the list, oldest first."""
        return list(self._captured)

    def clear_captured(self) -> None:
        self._captured.clear()
        self.deliveries_table.setRowCount(0)
        self.changes_list.clear()

    def select_captured(self, row: int) -> None:
        self.deliveries_table.selectRow(row)

    def _delivery_selected(self) -> None:
        rows = {index.row() for index in self.deliveries_table.selectedIndexes()}
        if len(rows) != 1:
            return
        row = rows.pop()
        if not 0 <= row < len(self._captured):
            return
        captured = self._captured[row]
        self.load_delivery(captured.delivery, source=f"Delivery #{captured.number}")
        self._show_changes(row)

    def _show_changes(self, row: int) -> None:
        captured = self._captured[row]
        event = captured.result.event
        history = [(c.result.event, c.delivery) for c in self._captured]
        previous = previous_of(history, event, row)
        self.changes_list.clear()
        name = event or "unknown event"
        if previous is None:
            self.changes_label.setText(f"First delivery of {name}: nothing to compare")
            return
        number = next(c.number for c in self._captured if c.delivery is previous)
        changes = diff_deliveries(previous, captured.delivery)
        self.changes_label.setText(
            f"Changes from delivery #{number} of {name}: {len(changes)}"
        )
        for change in changes:
            self.changes_list.addItem(str(change))

    def default_captured_dir(self) -> Path | None:
        path = self._project.path
        return path.parent / CAPTURED_DIR if path else None

    def save_captured(self, directory: Path | str | None = None) -> list[Path]:
        """Save the listed deliveries (masked secret headers) with the project."""
        folder = Path(directory) if directory else self.default_captured_dir()
        if folder is None:
            messages.warning("Save the MiniApp first: captured deliveries go beside it")
            return []
        try:
            written = save_deliveries(
                folder,
                [(c.result.event, c.delivery) for c in self._captured],
                app=self._project.app,
            )
        except OSError as exc:
            messages.warning(f"{folder}: cannot save deliveries: {exc}")
            return []
        messages.info(f"Saved {len(written)} deliveries in {folder}")
        return written

    def load_captured(self, directory: Path | str | None = None) -> int:
        """Replace the list with the deliveries saved in ``directory``."""
        folder = Path(directory) if directory else self.default_captured_dir()
        if folder is None or not folder.is_dir():
            messages.warning(f"{folder}: no such folder of saved deliveries")
            return 0
        try:
            saved = load_deliveries(folder)
        except StoreError as exc:
            messages.warning(str(exc))
            return 0
        self.clear_captured()
        secrets = self.secrets()
        for item in saved:
            result = process(self._project.app, item.delivery, secrets=secrets)
            self._append_captured(CapturedDelivery(item.number, item.delivery, result))
        return len(saved)

    def _choose_save_dir(self) -> None:
        start = self.default_captured_dir()
        name = QFileDialog.getExistingDirectory(
            self, "Save deliveries in", str(start or "")
        )
        if name:
            self.save_captured(name)

    def _choose_load_dir(self) -> None:
        start = self.default_captured_dir()
        name = QFileDialog.getExistingDirectory(
            self, "Load deliveries from", str(start or "")
        )
        if name:
            self.load_captured(name)

    # -- send ----------------------------------------------------------------

    def send(
        self, url: str | None = None, event: str | None = None
    ) -> asyncio.Task[Any] | None:
        """POST the current body, signed as the provider would; None if it cannot."""
        receiver = self._resources.receiver
        url = (
            url
            or self.send_url_edit.text().strip()
            or (receiver.url if receiver else "")
        )
        if not url:
            self.send_result.setText("Give a URL, or start the local receiver.")
            return None
        if event is None:
            event = self.send_event_edit.text().strip() or (
                self._result.event if self._result else None
            )
        body = self.body_bytes()
        secrets = self.secrets()
        app = self._project.app
        try:
            build_request(app, body, url, secrets=secrets, event=event)
        except (SendError, httpx.InvalidURL) as exc:
            self.send_result.setText(f"Not sent: {exc}")
            return None
        self.send_button.setEnabled(False)
        self.send_result.setText(f"Sending {len(body)} bytes to {url}…")

        async def post() -> httpx.Response | None:
            try:
                response = await send_async(
                    app,
                    body,
                    url,
                    secrets=secrets,
                    event=event,
                    client=self._resources.client(),
                )
            except httpx.HTTPError as exc:
                self._sent(f"Failed: {type(exc).__name__}: {exc}")
                return None
            except asyncio.CancelledError:
                self._sent("Cancelled")
                raise
            self._sent(
                f"HTTP {response.status_code} {response.reason_phrase} — "
                f"{brief(response.text, 160)}"
            )
            return response

        self._send_task = tasks.spawn(post(), name="Send webhook")
        return self._send_task

    def _sent(self, text: str) -> None:
        self.send_result.setText(text)
        self.send_button.setEnabled(True)

    def _send_clicked(self) -> None:
        self.send()

    # -- shutdown ------------------------------------------------------------

    async def aclose(self) -> None:
        """Stop the receiver and close the HTTP client (also done at shutdown)."""
        await self._resources.aclose()
        self.receiver_button.setText("Start")
        self.port_spin.setEnabled(True)
        self.receiver_label.setText("Stopped")
