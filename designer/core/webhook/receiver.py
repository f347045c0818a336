"""A local webhook receiver on 127.0.0.1 that captures each delivery as sent.

It runs :class:`http.server.ThreadingHTTPServer` on a thread of its own.
Each delivery is processed as the platform would, answered, kept in memory
and handed to ``on_delivery`` on the server's thread: a window must marshal
the call to its GUI thread itself.

Answers: 401 when the signature check fails (as the platform does), the
``challengeResponse`` answer to a handshake, else ``webhook.response``
(default ``200 {"ok": true}``). A body over the size limit gets 413 without
being kept in memory.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from designer.core.diagnostics import Diagnostic, Severity
from designer.core.model import MiniApp
from designer.core.webhook._paths import lookup
from designer.core.webhook.delivery import Delivery, Headers
from designer.core.webhook.process import process
from designer.core.webhook.results import (
    VerificationResult,
    VerificationStatus,
    WebhookResult,
)
from designer.core.webhook.store import save_delivery

log = logging.getLogger(__name__)

DEFAULT_MAX_BODY = 5 * 1024 * 1024
DEFAULT_RESPONSE: dict[str, Any] = {"ok": True}
_CHUNK = 64 * 1024
#: How much of an oversized body is read and thrown away so that the client
#: sees the 413 instead of a reset connection.
_DISCARD_LIMIT = 64 * 1024 * 1024


class ReceiverError(OSError):
    """The receiver cannot start (the port is taken, the address is invalid)."""


@dataclass(frozen=True, slots=True)
class ReceivedDelivery:
    """One captured delivery, what processing found, and what was answered."""

    number: int
    delivery: Delivery
    result: WebhookResult
    status_code: int
    challenge: bool = False


class _TooLarge(Exception):
    def __init__(self, size: int | None) -> None:
        self.size = size


def _response_of(app: MiniApp) -> tuple[int, bytes]:
    config = app.webhook.response if app.webhook else None
    status = 200
    body: object = DEFAULT_RESPONSE
    if config:
        code = config.get("statusCode")
        if isinstance(code, int) and not isinstance(code, bool) and 100 <= code < 600:
            status = code
        if "body" in config:
            body = config["body"]
    if isinstance(body, str):
        return status, body.encode("utf-8")
    return status, json.dumps(body, default=str).encode("utf-8")


def _challenge_answer(app: MiniApp, delivery: Delivery) -> bytes | None:
    config = app.webhook.challenge_response if app.webhook else None
    if not config or not delivery.parsed.ok:
        return None
    field, expected = config.get("identifyField"), config.get("identifyValue")
    path, answer_field = config.get("challengePath"), config.get("responseField")
    if not isinstance(field, str) or not isinstance(path, str):
        return None
    found = lookup(delivery.parsed.value, field)
    if not found.found or found.value != expected:
        return None
    challenge = lookup(delivery.parsed.value, path)
    key = answer_field if isinstance(answer_field, str) else "challenge"
    return json.dumps({key: challenge.value}).encode("utf-8")


def _failed_result(exc: Exception) -> WebhookResult:
    reason = f"processing failed: {type(exc).__name__}: {exc}"
    return WebhookResult(
        None,
        None,
        VerificationResult(VerificationStatus.SKIPPED, reason),
        diagnostics=[Diagnostic(Severity.ERROR, "webhook-internal-error", reason)],
    )


class Receiver:
    """A running receiver: ``url``, ``port``, ``deliveries`` and ``stop()``."""

    def __init__(
        self,
        app: MiniApp,
        *,
        host: str,
        port: int,
        secrets: Mapping[str, str],
        on_delivery: Callable[[ReceivedDelivery], None] | None,
        max_body: int,
        save_dir: Path | None,
    ) -> None:
        self._lock = threading.Lock()
        self._app = app
        self._secrets = dict(secrets)
        self._deliveries: list[ReceivedDelivery] = []
        self._count = 0
        self.on_delivery = on_delivery
        self.max_body = max_body
        self.save_dir = save_dir
        try:
            self._server = ThreadingHTTPServer((host, port), _make_handler(self))
        except OSError as exc:
            raise ReceiverError(
                f"cannot listen on {host}:{port}: {exc.strerror or exc}; "
                "pick another port or 0 for any free one"
            ) from exc
        self._server.daemon_threads = True
        self.host = host
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"webhook-receiver-{self.port}",
            daemon=True,
        )
        self._thread.start()
        log.debug("webhook receiver listening on %s", self.url)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    @property
    def deliveries(self) -> list[ReceivedDelivery]:
        with self._lock:
            return list(self._deliveries)

    def set_app(self, app: MiniApp) -> None:
        """Process later deliveries with an edited MiniApp."""
        with self._lock:
            self._app = app

    def set_secrets(self, secrets: Mapping[str, str]) -> None:
        with self._lock:
            self._secrets = dict(secrets)

    def stop(self) -> None:
        """Stop listening and wait for the server thread; safe to call twice."""
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join(timeout=5)
        self._server.server_close()

    def __enter__(self) -> Receiver:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _handle(self, delivery: Delivery) -> tuple[int, bytes]:
        """Process, keep, save and announce one delivery; returns the answer."""
        with self._lock:
            app, secrets = self._app, self._secrets
            self._count += 1
            number = self._count
        challenge = _challenge_answer(app, delivery)
        try:
            result = process(app, delivery, secrets=secrets)
        except Exception as exc:  # a bad delivery must never stop the receiver
            log.exception("processing delivery %d failed", number)
            result = _failed_result(exc)
        if challenge is not None:
            status, body = 200, challenge
        elif result.verification.status == VerificationStatus.INVALID:
            status, body = 401, b'{"error": "signature verification failed"}'
        else:
            status, body = _response_of(app)
        received = ReceivedDelivery(
            number, delivery, result, status, challenge is not None
        )
        with self._lock:
            self._deliveries.append(received)
        if self.save_dir is not None:
            try:
                save_delivery(
                    self.save_dir, number, delivery, event=result.event, app=app
                )
            except OSError:
                log.exception("cannot save delivery %d in %s", number, self.save_dir)
        # Announced before the answer goes out, so a sender that got its answer
        # can rely on the delivery having been seen.
        self._notify(received)
        return status, body

    def _notify(self, received: ReceivedDelivery) -> None:
        if self.on_delivery is None:
            return
        try:
            self.on_delivery(received)
        except Exception:
            log.exception("the on_delivery callback failed")


def _make_handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "SyncDesignerReceiver"

        def log_message(self, format: str, *args: Any) -> None:
            log.debug("%s " + format, self.address_string(), *args)

        def _send(self, status: int, body: bytes, close: bool = False) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            if close:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            self.wfile.write(body)

        def _declared_length(self) -> int | None:
            text = self.headers.get("Content-Length")
            if text is None:
                return None
            return int(text.strip())

        def _refuse_large(self, size: int | None) -> None:
            message = {
                "error": "body too large",
                "limit": receiver.max_body,
                "size": size,
                "message": f"the receiver accepts bodies up to {receiver.max_body} "
                "bytes; raise the limit to capture this delivery",
            }
            self._send(413, json.dumps(message).encode("utf-8"), close=True)

        def handle_expect_100(self) -> bool:
            try:
                length = self._declared_length()
            except ValueError:
                length = None
            if length is not None and length > receiver.max_body:
                self._refuse_large(length)
                return False
            return super().handle_expect_100()

        def _read_body(self) -> bytes:
            chunked = "chunked" in (self.headers.get("Transfer-Encoding") or "").lower()
            if chunked:
                return self._read_chunked()
            length = self._declared_length()
            if length is None or length <= 0:
                return b""
            if length > receiver.max_body:
                raise _TooLarge(length)
            return self.rfile.read(length)

        def _read_chunked(self) -> bytes:
            parts: list[bytes] = []
            total = 0
            while True:
                size_line = self.rfile.readline(1024).split(b";")[0].strip()
                size = int(size_line, 16)
                if size == 0:
                    while self.rfile.readline(1024).strip():
                        pass  # trailers
                    return b"".join(parts)
                total += size
                if total > receiver.max_body:
                    raise _TooLarge(None)
                parts.append(self.rfile.read(size))
                self.rfile.readline(8)

        def _discard_rest(self, size: int | None) -> None:
            left = min(size if size is not None else _DISCARD_LIMIT, _DISCARD_LIMIT)
            self.connection.settimeout(2)
            try:
                while left > 0:
                    chunk = self.rfile.read1(min(_CHUNK, left))
                    if not chunk:
                        break
                    left -= len(chunk)
            except OSError:
                pass

        def _receive(self) -> None:
            try:
                body = self._read_body()
            except _TooLarge as too_large:
                log.warning("refused a webhook body over %d bytes", receiver.max_body)
                self._refuse_large(too_large.size)
                self._discard_rest(too_large.size)
                return
            except ValueError:
                self._send(400, b'{"error": "bad Content-Length or chunk size"}', True)
                return
            delivery = Delivery.from_bytes(
                body,
                headers=Headers(self.headers.items()),
                url=self.path,
                method=self.command,
            )
            status, answer = receiver._handle(delivery)
            self._send(status, answer)

        do_POST = do_PUT = do_PATCH = do_GET = do_DELETE = _receive

    return Handler


def start_receiver(
    app: MiniApp,
    *,
    port: int = 0,
    secrets: Mapping[str, str],
    on_delivery: Callable[[ReceivedDelivery], None] | None = None,
    max_body: int = DEFAULT_MAX_BODY,
    save_dir: Path | str | None = None,
    host: str = "127.0.0.1",
) -> Receiver:
    """Listen on ``host:port`` (0 = any free port; read it from ``.port``)."""
    return Receiver(
        app,
        host=host,
        port=port,
        secrets=secrets,
        on_delivery=on_delivery,
        max_body=max_body,
        save_dir=Path(save_dir) if save_dir is not None else None,
    )
