"""The live panel against the real mock provider serving the Salla sample."""

from __future__ import annotations

import asyncio
import json
import logging
import shutil
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from designer.core.live import CredentialStore
from designer.core.live.mock_provider import start_mock_provider
from designer.core.project import open_project
from designer.ui import app, messages
from designer.ui.live_panel import LivePanel

SALLA = Path(__file__).resolve().parents[2] / "samples" / "salla"
TOKEN = "salla_tok_7QwErTy9Zx"


@pytest.fixture
def salla_dir(tmp_path: Path) -> Path:
    target = tmp_path / "salla"
    shutil.copytree(SALLA, target)
    return target


@pytest.fixture
def mock_options() -> dict:
    """Extra mock provider options; a test parametrizes it to change them."""
    return {}


@pytest.fixture
def mock(salla_dir: Path, mock_options: dict):
    """The mock provider over the copied Salla responses, checking the token."""
    provider = start_mock_provider(salla_dir / "responses", token=TOKEN, **mock_options)
    yield provider
    provider.stop()


@pytest.fixture
def settings_file(tmp_path: Path) -> Path:
    return tmp_path / "designer.ini"


class Seen:
    """What the panel emitted and posted."""

    def __init__(self, panel: LivePanel) -> None:
        self.documents: list[tuple[object, str]] = []
        self.arrived: list[dict] = []
        self.fetched: list[list] = []
        self.messages: list[tuple[int, str]] = []
        panel.documentFetched.connect(
            lambda body, label: self.documents.append((body, label))
        )
        panel.recordsArrived.connect(self.arrived.extend)
        panel.recordsFetched.connect(self.fetched.append)
        messages.bridge().posted.connect(
            lambda level, text: self.messages.append((level, text))
        )


@pytest.fixture
def panel(qtbot, aio, salla_dir: Path, mock, settings_file: Path):
    project = open_project(salla_dir / "salla.miniapp.js")
    settings = QSettings(str(settings_file), QSettings.Format.IniFormat)
    widget = LivePanel(
        project,
        settings,
        credential_store=CredentialStore(project.app.namespace, use_keyring=False),
    )
    qtbot.addWidget(widget)
    widget.set_base_url(mock.url)
    widget.set_resource("orders")
    widget.show()
    widget.seen = Seen(widget)
    settings.sync()
    yield widget
    aio.run(app.shutdown())  # while the widget still exists, as the window does


def enter_token(aio, panel: LivePanel, token: str = TOKEN) -> None:
    aio.wait_until(lambda: panel.credentials_dialog is not None)
    dialog = panel.credentials_dialog
    assert list(dialog.fields) == ["accessToken"]
    assert (
        dialog.fields["accessToken"].echoMode()
        == dialog.fields["accessToken"].EchoMode.Password
    )
    dialog.set_value("accessToken", token)
    dialog.accept()


def test_fetches_first_page_next_page_and_details(
    aio, panel, mock, salla_dir, settings_file, caplog
):
    caplog.set_level(logging.DEBUG)
    seen = panel.seen
    panel.fetch_first_page()
    enter_token(aio, panel)
    aio.wait_until(lambda: len(seen.documents) == 1 and not panel.is_busy())

    body, label = seen.documents[0]
    assert label == "orders · page 1 (live)"
    assert body["success"] is True and len(body["data"]) == 10
    assert body["pagination"]["total"] == 10
    assert "HTTP 200" in panel.inspector.status_label.text()
    assert "Authorization: Bearer ****" in panel.inspector.request_headers.toPlainText()
    assert panel.inspector.request_label.text().startswith(f"GET {mock.url}/orders?")
    assert json.loads(panel.inspector.body.toPlainText()) == body  # indented
    panel.inspector.pretty_box.setChecked(False)  # the body as sent
    raw = panel.last_exchange.body.decode()
    assert panel.inspector.body.toPlainText() == raw

    # Credentials are asked once per session: no dialog this time.
    panel.set_current_record_provider(lambda: 2)
    panel.fetch_current_details()
    assert panel.credentials_dialog is None
    aio.wait_until(lambda: len(seen.documents) == 2 and not panel.is_busy())
    body, label = seen.documents[1]
    first_page = seen.documents[0][0]["data"]
    record_id = first_page[2]["id"]
    assert label == f"orders · details of record 2 (id {record_id}) (live)"
    expected = json.loads(
        (salla_dir / f"responses/orders-details/{record_id}.json").read_text()
    )
    assert body == expected
    assert mock.requests[-1].path.split("?")[0].endswith(f"/orders/{record_id}")

    panel.fetch_next_page()
    aio.wait_until(lambda: len(seen.documents) == 3 and not panel.is_busy())
    body, label = seen.documents[2]
    assert label == "orders · page 2 (live)"
    assert "page=2" in mock.requests[-1].path
    assert body["data"] == []

    # No secret anywhere the user or a log can see.
    QSettings(str(settings_file), QSettings.Format.IniFormat).sync()
    assert TOKEN not in panel.inspector.text()
    assert TOKEN not in settings_file.read_text(encoding="utf-8")
    assert mock.url in settings_file.read_text(encoding="utf-8")
    assert TOKEN not in caplog.text
    assert all(TOKEN not in text for _, text in seen.messages)
    assert all(
        r.headers.get("Authorization") == f"Bearer {TOKEN}" for r in mock.requests
    )


def test_dry_run_of_orders_runs_to_completion(aio, panel, mock):
    seen = panel.seen
    panel.start_dry_run()
    enter_token(aio, panel)
    aio.wait_until(lambda: seen.fetched and not panel.is_busy(), timeout=30)

    summary = panel.last_summary
    assert (summary.pages, summary.records, summary.total) == (1, 10, 10)
    # One list page, then the details of each order (expandDetails: true).
    assert (summary.requests, summary.details, summary.duplicates) == (11, 10, 0)
    assert summary.retries == 0 and summary.errors == [] and not summary.cancelled
    assert summary.stopped_because == "total reached (10 of 10 records)"
    # rateLimitPerSecond 2: eleven request starts take at least five seconds.
    assert summary.seconds >= 4.9

    (records,) = seen.fetched
    assert len(records) == 10
    assert all("items" in r for r in records), "details replace the list records"
    assert seen.arrived == records, "the progressive records add up to the whole"
    text = panel.dry_run.summary.text()
    assert "Pages 1 · requests 11 · records 10 · total 10 · duplicates 0" in text
    assert "Stopped because total reached (10 of 10 records)." in text
    assert panel.dry_run.progress.value() == 10
    assert panel.dry_run.progress.maximum() == 10
    assert panel.dry_run.counters["records"].text() == "10"


@pytest.mark.parametrize("mock_options", [{"slow_ms": 150, "total": 130}])
def test_cancel_stops_a_slow_dry_run_and_keeps_what_was_fetched(aio, panel, mock):
    seen = panel.seen
    panel.start_dry_run()
    enter_token(aio, panel)
    aio.wait_until(lambda: len(seen.arrived) >= 2)
    assert panel.cancel_button.isEnabled()
    assert panel.dry_run.progress.maximum() == 130  # the announced total
    panel.cancel()
    aio.wait_until(lambda: seen.fetched and not panel.is_busy())

    (records,) = seen.fetched
    assert 2 <= len(records) < 130
    summary = panel.last_summary
    assert summary.cancelled and summary.records == len(records)
    assert panel.dry_run.progress.format().startswith("Cancelled")
    assert panel.status_label.text() == (
        f"Dry run of orders cancelled: kept {len(records)} records from 1 page."
    )
    requests_at_cancel = len(mock.requests)
    aio.run(asyncio.sleep(0.5))
    assert len(mock.requests) == requests_at_cancel, "no request after Cancel"
    assert panel.fetch_button.isEnabled() and not panel.cancel_button.isEnabled()


def test_a_401_is_shown_as_a_readable_message(aio, panel, mock, caplog):
    seen = panel.seen
    panel.fetch_first_page()
    enter_token(aio, panel, token="not-the-token")
    aio.wait_until(lambda: not panel.is_busy() and panel.last_exchange is not None)

    assert seen.documents == []
    text = panel.status_label.text()
    assert f"GET {mock.url}/orders" in text
    assert "answered HTTP 401 Unauthorized: missing or wrong access token" in text
    assert "refused the credentials" in text
    assert (int(messages.Level.WARNING), text) in seen.messages
    assert panel.inspector.error_label.text() == text
    assert "HTTP 401" in panel.inspector.status_label.text()
    assert "not-the-token" not in panel.inspector.text()
    assert "not-the-token" not in caplog.text

    # Forgetting the credentials asks for them again.
    panel.forget_credentials()
    panel.fetch_first_page()
    enter_token(aio, panel)
    aio.wait_until(lambda: seen.documents and not panel.is_busy())


def test_keep_as_sample_writes_the_body_into_the_samples_folder(aio, panel, salla_dir):
    seen = panel.seen
    panel.fetch_first_page()
    enter_token(aio, panel)
    aio.wait_until(lambda: seen.documents and not panel.is_busy())
    assert panel.keep_button.isEnabled()

    written = panel.keep_as_sample()
    assert written == salla_dir / "responses" / "orders.json"
    assert json.loads(written.read_text(encoding="utf-8")) == seen.documents[0][0]
    assert TOKEN not in written.read_text(encoding="utf-8")
    assert any("Kept the response as sample" in text for _, text in seen.messages)

    panel.set_current_record_provider(lambda: 0)
    panel.fetch_current_details()
    aio.wait_until(lambda: len(seen.documents) == 2 and not panel.is_busy())
    record_id = seen.documents[0][0]["data"][0]["id"]
    written = panel.keep_as_sample()
    assert written == salla_dir / "responses" / "orders-details" / f"{record_id}.json"


@pytest.mark.parametrize("mock_options", [{"slow_ms": 10_000}])
def test_shutdown_during_a_request_cancels_it_and_closes_the_client(aio, panel, mock):
    """Case A2 for the panel: its shutdown hook runs while the loop still runs."""
    panel.fetch_first_page()
    enter_token(aio, panel)
    aio.wait_until(lambda: mock.requests or panel._session is not None)
    aio.run(asyncio.sleep(0.2))
    assert panel.is_busy()
    client = panel._session.client._http

    started = time.monotonic()
    aio.run(app.shutdown())
    assert time.monotonic() - started < 2
    assert not panel.is_busy()
    assert client.is_closed
    assert panel.seen.documents == []
