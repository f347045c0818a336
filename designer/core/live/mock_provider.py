"""A local store API serving sample data, for trying a sync block offline.

Samples: ``SAMPLES_DIR/<resource>.json`` holds either a list envelope (Salla
style ``{"status", "success", "data": [...], "pagination": {...}}``; the
records are under ``data`` or else the first array in the object) or a bare
array. ``SAMPLES_DIR/<resource>-details/<id>.json``, when present, is the
details body of record ``<id>``; otherwise details are the list record (in
the same envelope, ``data`` holding the one record).

Routes (any path prefix, optional ``.json`` suffix): ``.../<resource>`` is the
list, ``.../<resource>/<id>`` the details. A list honours the page number
(``page``) and a page-size parameter (``per_page``, ``limit``, ``page_size``,
``perPage`` or ``pageSize``). An envelope keeps its shape with its
``pagination`` object updated (count, total, perPage, currentPage, totalPages,
links); a bare array gets ``X-WP-Total``, ``X-WP-TotalPages`` and a ``Link``
header. ``--total N`` clones the sample records to N with new ids.

Faults on request: a bearer token (401 JSON error otherwise), a rate limit
(429 with ``Retry-After``), slowness, random or periodic failures, a page
with invalid JSON, a last page served again past the end.
"""

from __future__ import annotations

import argparse
import base64
import copy
import json
import logging
import random
import threading
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

logger = logging.getLogger(__name__)

SIZE_PARAMS = ("per_page", "limit", "page_size", "perPage", "pageSize")


@dataclass
class MockOptions:
    """How the mock provider behaves; each field has a command-line flag."""

    token: str | None = None
    #: Requests per second before answering 429 (a sliding one-second window).
    rate_limit: float | None = None
    slow_ms: int = 0
    fail_rate: float = 0.0
    fail_every: int | None = None
    fail_status: int = 503
    #: ``Retry-After`` sent with 429/503: seconds (``"2"``), or ``"date:N"`` for
    #: an HTTP date N seconds ahead, or None for no header.
    retry_after: str | None = "1"
    malformed_page: int | None = None
    repeat_last_page: bool = False
    total: int | None = None
    page_param: str = "page"
    default_page_size: int = 20
    #: Page number -> its size, for a short page in the middle.
    short_pages: dict[int, int] = field(default_factory=dict)
    #: Announce no total and no page count (body and headers).
    hide_total: bool = False
    #: ``page``, ``cursor`` (``page_info``, Shopify style) or ``none``;
    #: None: ``page`` for bare arrays, ``none`` for envelopes.
    link: str | None = None
    seed: int = 0


@dataclass(frozen=True)
class SeenRequest:
    """One request as the mock received it (for tests and benchmarks)."""

    method: str
    path: str
    headers: dict[str, str]
    arrived: float
    served: float


class _Dataset:
    def __init__(self, name: str, body: Any, details_dir: Path) -> None:
        self.name = name
        self.details_dir = details_dir
        if isinstance(body, list):
            self.envelope: dict[str, Any] | None = None
            self.data_key: str | None = None
            self.records = body
        elif isinstance(body, dict):
            self.envelope = body
            key = "data" if isinstance(body.get("data"), list) else None
            if key is None:
                key = next((k for k, v in body.items() if isinstance(v, list)), None)
            if key is None:
                raise ValueError(f"{name}.json: no array of records in the object")
            self.data_key = key
            self.records = body[key]
        else:
            raise ValueError(f"{name}.json: neither an array nor an object")

    def grow(self, total: int) -> None:
        """Clone records (new ids) until there are ``total`` of them."""
        base = self.records or [{}]
        ints = [
            r["id"] for r in base if isinstance(r, dict) and type(r.get("id")) is int
        ]
        next_int = max(ints, default=0) + 1
        grown = list(self.records[:total])
        k = 0
        while len(grown) < total:
            clone = copy.deepcopy(base[k % len(base)])
            if isinstance(clone, dict):
                old = clone.get("id")
                if type(old) is int or old is None:
                    clone["id"] = next_int
                    next_int += 1
                else:
                    clone["id"] = f"{old}-{k + 1}"
            grown.append(clone)
            k += 1
        self.records = grown

    def find(self, record_id: str) -> Any:
        for record in self.records:
            if isinstance(record, dict) and str(record.get("id")) == record_id:
                return record
        return None


def load_samples(samples_dir: Path, total: int | None = None) -> dict[str, _Dataset]:
    datasets: dict[str, _Dataset] = {}
    for file in sorted(samples_dir.glob("*.json")):
        name = file.stem
        try:
            body = json.loads(file.read_text(encoding="utf-8"))
            dataset = _Dataset(name, body, samples_dir / f"{name}-details")
        except ValueError as exc:
            logger.warning("%s is not a list sample, skipped: %s", file, exc)
            continue
        if total is not None:
            dataset.grow(total)
        datasets[name] = dataset
    return datasets


class _State:
    def __init__(self, datasets: dict[str, _Dataset], options: MockOptions) -> None:
        self.datasets = datasets
        self.options = options
        self.lock = threading.Lock()
        self.count = 0
        self.window: deque[float] = deque()
        self.random = random.Random(options.seed)
        self.requests: list[SeenRequest] = []
        self.stopping = threading.Event()


def _layout(options: MockOptions, size: int, count: int) -> list[tuple[int, int]]:
    """(start, end) of each page, honouring ``short_pages``."""
    pages: list[tuple[int, int]] = []
    start = 0
    number = 1
    while start < count:
        end = min(count, start + max(1, options.short_pages.get(number, size)))
        pages.append((start, end))
        start = end
        number += 1
    return pages


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body in one write, no Nagle: otherwise every keep-alive
    # answer waits ~40 ms for a delayed ACK.
    wbufsize = 64 * 1024
    disable_nagle_algorithm = True
    server_version = "SyncDesignerMock/1"
    state: _State

    def log_message(self, format: str, *args: Any) -> None:
        # The request line is not logged: its query may carry a token.
        pass

    def do_GET(self) -> None:
        arrived = time.monotonic()
        try:
            self._serve()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test): nothing to answer
        finally:
            logger.debug("mock: %s %s", self.command, urlsplit(self.path).path)
            with self.state.lock:
                self.state.requests.append(
                    SeenRequest(
                        self.command,
                        self.path,
                        dict(self.headers),
                        arrived,
                        time.monotonic(),
                    )
                )

    do_POST = do_GET

    # --- answers -------------------------------------------------------------

    def _send(
        self, status: int, body: bytes, headers: Sequence[tuple[str, str]] = ()
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _json(
        self, status: int, value: Any, headers: Sequence[tuple[str, str]] = ()
    ) -> None:
        self._send(status, json.dumps(value, ensure_ascii=False).encode(), headers)

    def _error(
        self,
        status: int,
        code: str,
        message: str,
        extra: Sequence[tuple[str, str]] = (),
    ) -> None:
        body = {
            "status": status,
            "success": False,
            "error": {"code": code, "message": message},
        }
        self._json(status, body, extra)

    def _retry_after(self) -> list[tuple[str, str]]:
        value = self.state.options.retry_after
        if value is None:
            return []
        if value.startswith("date:"):
            when = time.time() + float(value[5:])
            return [("Retry-After", formatdate(when, usegmt=True))]
        return [("Retry-After", value)]

    def _serve(self) -> None:
        state, options = self.state, self.state.options
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        if options.slow_ms:
            state.stopping.wait(options.slow_ms / 1000)
        with state.lock:
            state.count += 1
            number = state.count
            now = time.monotonic()
            limited = False
            if options.rate_limit:
                while state.window and now - state.window[0] >= 1.0:
                    state.window.popleft()
                limited = len(state.window) >= options.rate_limit
                if not limited:
                    state.window.append(now)
            failing = (
                options.fail_every is not None and number % options.fail_every == 0
            ) or (options.fail_rate > 0 and state.random.random() < options.fail_rate)
        if limited:
            self._error(
                429, "TooManyRequests", "rate limit reached", self._retry_after()
            )
            return
        if failing:
            extra = self._retry_after() if options.fail_status in (429, 503) else []
            self._error(options.fail_status, "Unavailable", "injected failure", extra)
            return
        if options.token is not None and not self._authorized(options.token):
            self._error(401, "Unauthorized", "missing or wrong access token")
            return
        self._route()

    def _authorized(self, token: str) -> bool:
        header = self.headers.get("Authorization") or ""
        scheme, _, value = header.partition(" ")
        if scheme.lower() == "bearer":
            return value.strip() == token
        if scheme.lower() == "basic":
            try:
                user, _, password = base64.b64decode(value).decode().partition(":")
            except ValueError:
                return False
            return token in (user, password)
        return False

    def _route(self) -> None:
        parts = urlsplit(self.path)
        segments = [s for s in parts.path.split("/") if s]
        if segments and segments[-1].endswith(".json"):
            segments[-1] = segments[-1][: -len(".json")]
        query = dict(parse_qsl(parts.query))
        datasets = self.state.datasets
        if segments and segments[-1] in datasets:
            self._list(datasets[segments[-1]], query, parts.path)
        elif len(segments) >= 2 and segments[-2] in datasets:
            self._details(datasets[segments[-2]], segments[-1])
        else:
            names = ", ".join(f"/{n}" for n in datasets) or "none (no samples)"
            self._error(404, "NotFound", f"no route {parts.path}; routes: {names}")

    def _details(self, dataset: _Dataset, record_id: str) -> None:
        file = dataset.details_dir / f"{record_id}.json"
        if file.is_file():
            self._send(200, file.read_bytes())
            return
        record = dataset.find(record_id)
        if record is None:
            self._error(
                404, "NotFound", f"no {dataset.name} record with id {record_id}"
            )
        elif dataset.envelope is not None:
            self._json(200, {"status": 200, "success": True, "data": record})
        else:
            self._json(200, record)

    def _list(self, dataset: _Dataset, query: dict[str, str], path: str) -> None:
        options = self.state.options
        size_param = next((p for p in SIZE_PARAMS if p in query), "per_page")
        try:
            size = int(query.get(size_param, options.default_page_size))
            if "page_info" in query:
                cursor = query["page_info"]
                text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
                page = int(text.decode().removeprefix("page:"))
            else:
                page = int(query.get(options.page_param, 1))
        except ValueError:
            self._error(400, "BadRequest", "page and page size must be whole numbers")
            return
        size = max(1, size)
        layout = _layout(options, size, len(dataset.records))
        total_pages = len(layout)
        served = page
        if page > total_pages and options.repeat_last_page and layout:
            served = total_pages
        if 1 <= served <= total_pages:
            start, end = layout[served - 1]
            records = dataset.records[start:end]
        else:
            records = []
        total = len(dataset.records)

        def url_for(number: int) -> str:
            params = dict(query)
            if link_style == "cursor":
                params.pop(options.page_param, None)
                params["page_info"] = _cursor(number)
            else:
                params[options.page_param] = str(number)
            host = self.headers.get("Host", "127.0.0.1")
            return f"http://{host}{path}?{urlencode(params)}"

        link_style = options.link or ("page" if dataset.envelope is None else "none")
        headers: list[tuple[str, str]] = []
        if link_style != "none":
            links = []
            if page > 1:
                links.append(f'<{url_for(page - 1)}>; rel="previous"')
            if page < total_pages:
                links.append(f'<{url_for(page + 1)}>; rel="next"')
            if links:
                # Lower-case on purpose: clients must match header names in any case.
                headers.append(
                    ("link" if link_style == "cursor" else "Link", ", ".join(links))
                )

        if dataset.envelope is None:
            if not options.hide_total:
                headers += [
                    ("X-WP-Total", str(total)),
                    ("X-WP-TotalPages", str(total_pages)),
                ]
            body: Any = records
        else:
            body = dict(dataset.envelope)
            assert dataset.data_key is not None
            body[dataset.data_key] = records
            if isinstance(body.get("pagination"), dict):
                pagination = dict(body["pagination"])
                pagination.update(
                    count=len(records),
                    perPage=size,
                    currentPage=page,
                    total=total,
                    totalPages=total_pages,
                )
                page_links: dict[str, str] = {}
                if page < total_pages:
                    page_links["next"] = url_for(page + 1)
                if page > 1:
                    page_links["previous"] = url_for(page - 1)
                pagination["links"] = page_links
                if options.hide_total:
                    pagination.pop("total", None)
                    pagination.pop("totalPages", None)
                body["pagination"] = pagination
        data = json.dumps(body, ensure_ascii=False).encode()
        if options.malformed_page is not None and page == options.malformed_page:
            data = data[: max(1, len(data) // 2)]
        self._send(200, data, headers)


def _cursor(page: int) -> str:
    """An opaque page cursor, like Shopify's ``page_info``."""
    return base64.urlsafe_b64encode(f"page:{page}".encode()).decode().rstrip("=")


class MockProvider:
    """A running mock provider (in a background thread); :meth:`stop` ends it."""

    def __init__(self, server: ThreadingHTTPServer, state: _State) -> None:
        self._server = server
        self._state = state
        host, port = server.server_address[:2]
        self.port = int(port)
        self.url = f"http://{host!s}:{port}"
        self._thread: threading.Thread | None = None

    @property
    def options(self) -> MockOptions:
        """The live options: tests may change them between requests."""
        return self._state.options

    @property
    def requests(self) -> list[SeenRequest]:
        with self._state.lock:
            return list(self._state.requests)

    def start(self) -> MockProvider:
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="mock-provider",
            daemon=True,
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def stop_serving(self) -> None:
        """Close the socket after :meth:`serve_forever` returned (Ctrl-C)."""
        self._state.stopping.set()
        self._server.server_close()

    def stop(self) -> None:
        """Stop the background thread started by :meth:`start` and close."""
        self._state.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> MockProvider:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def make_mock_provider(
    samples_dir: str | Path, options: MockOptions | None = None, *, port: int = 0
) -> MockProvider:
    """A mock provider on 127.0.0.1 (``port`` 0: any free port), not yet serving."""
    options = options or MockOptions()
    folder = Path(samples_dir)
    if not folder.is_dir():
        raise FileNotFoundError(f"samples folder {folder} does not exist")
    state = _State(load_samples(folder, options.total), options)
    handler = type("Handler", (_Handler,), {"state": state})
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    return MockProvider(server, state)


def start_mock_provider(
    samples_dir: str | Path,
    options: MockOptions | None = None,
    *,
    port: int = 0,
    **flags: Any,
) -> MockProvider:
    """Start a mock provider in a thread; ``flags`` are :class:`MockOptions` fields."""
    if flags:
        options = MockOptions(**{**(vars(options) if options else {}), **flags})
    return make_mock_provider(samples_dir, options, port=port).start()


# --- command line ----------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "samples_dir", metavar="SAMPLES_DIR", help="folder of <resource>.json samples"
    )
    parser.add_argument(
        "--port", type=int, default=8765, help="port on 127.0.0.1 (0: any)"
    )
    parser.add_argument(
        "--token", help="require 'Authorization: Bearer TOKEN' (or Basic with it)"
    )
    parser.add_argument(
        "--rate-limit", type=float, metavar="R", help="answer 429 above R requests/s"
    )
    parser.add_argument(
        "--slow", type=int, default=0, metavar="MS", help="delay every answer"
    )
    fail = parser.add_mutually_exclusive_group()
    fail.add_argument(
        "--fail-rate",
        type=float,
        default=0.0,
        metavar="P",
        help="fail with probability P",
    )
    fail.add_argument(
        "--fail-every", type=int, metavar="N", help="fail every Nth request"
    )
    parser.add_argument(
        "--fail-status", type=int, default=503, help="status of injected failures"
    )
    parser.add_argument(
        "--retry-after", default="1", help="Retry-After seconds, or date:N"
    )
    parser.add_argument(
        "--malformed-page", type=int, metavar="N", help="page N is invalid JSON"
    )
    parser.add_argument(
        "--repeat-last-page",
        action="store_true",
        help="serve the last page again past the end",
    )
    parser.add_argument(
        "--total", type=int, metavar="N", help="clone sample records to N records"
    )
    parser.add_argument("--page-param", default="page", help="page number parameter")
    parser.add_argument(
        "--page-size", type=int, default=20, help="page size when the request has none"
    )
    parser.add_argument("--hide-total", action="store_true", help="announce no total")
    parser.add_argument(
        "--link", choices=("page", "cursor", "none"), help="Link header style"
    )


def options_from_args(args: argparse.Namespace) -> MockOptions:
    return MockOptions(
        token=args.token,
        rate_limit=args.rate_limit,
        slow_ms=args.slow,
        fail_rate=args.fail_rate,
        fail_every=args.fail_every,
        fail_status=args.fail_status,
        retry_after=args.retry_after or None,
        malformed_page=args.malformed_page,
        repeat_last_page=args.repeat_last_page,
        total=args.total,
        page_param=args.page_param,
        default_page_size=args.page_size,
        hide_total=args.hide_total,
        link=args.link,
    )
