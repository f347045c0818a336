"""The HTTP side of live fetching: one ``httpx.AsyncClient``, paced and retried.

* Pacing: ``rateLimitPerSecond`` R schedules the *start* of every request of
  a run (list pages, details, retries) on deadlines 1/R s apart on the
  monotonic clock; the wait loops until the clock has passed the deadline,
  because timers can fire early.
* Timeout: ``syncConfiguration.timeout`` (ms) bounds each request.
* Retries: connection errors, timeouts and 5xx are retried with exponential
  backoff (``RetryPolicy.backoff`` s, doubled each time, at most
  ``backoff_max``), up to ``max_retries`` times. 429 and 503 honour
  ``Retry-After`` (seconds or an HTTP date), capped at ``retry_after_cap`` s
  (60 by default); a capped wait says so in its :class:`Retrying` event.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from designer.core.live.errors import TransportError
from designer.core.live.events import ProgressCallback, Retrying
from designer.core.live.request import PreparedRequest, mask_headers

logger = logging.getLogger(__name__)

#: Bodies larger than this are parsed in a worker thread, off the event loop.
PARSE_IN_THREAD_BYTES = 256 * 1024
DEFAULT_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class PageSettings:
    """How page numbers are sent: not part of the MiniApp format.

    The format documents only the page-size parameter (``pagination.paramName``).
    The designer sends the page number as ``page_param`` (default ``page``),
    starting at ``first_page`` (default 1). These live in the designer's own
    project settings and are never exported. ``max_pages`` caps a run.
    """

    page_param: str = "page"
    first_page: int = 1
    max_pages: int | None = None


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry; see the module docstring."""

    max_retries: int = 4
    backoff: float = 0.5
    backoff_max: float = 30.0
    retry_after_cap: float = 60.0


@dataclass
class Exchange:
    """One request and its response, for the inspector and for samples.

    ``url`` is the URL as sent with credential values replaced by their
    placeholders; ``request_headers`` are masked. ``json`` is the parsed body,
    or None with ``parse_error`` saying why.
    """

    method: str
    url: str
    request_headers: dict[str, str]
    status: int
    reason: str
    elapsed: float
    response_headers: list[tuple[str, str]]
    body: bytes = field(repr=False)
    json: Any = field(default=None, repr=False)
    parse_error: str | None = None
    parse_offset: int | None = None
    parse_line: int | None = None
    parse_column: int | None = None
    #: rel -> URL from the ``Link`` header (rel names lower-cased).
    links: dict[str, str] = field(default_factory=dict)
    #: Secret text as sent -> placeholder, for scrubbing samples. Never shown.
    secrets: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)

    @property
    def size(self) -> int:
        return len(self.body)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def header(self, name: str) -> str | None:
        """A response header by name, without regard to case."""
        lower = name.lower()
        for key, value in self.response_headers:
            if key.lower() == lower:
                return value
        return None

    def to_json(self) -> dict[str, Any]:
        """The exchange without its body, for display or a JSON report."""
        return {
            "method": self.method,
            "url": self.url,
            "requestHeaders": self.request_headers,
            "status": self.status,
            "reason": self.reason,
            "elapsed": round(self.elapsed, 4),
            "size": self.size,
            "responseHeaders": mask_headers(dict(self.response_headers)),
            "parseError": self.parse_error,
        }


#: Secrets shorter than this are replaced only where they stand as a word of
#: their own: a test token such as "demo" or "wrong" must not eat ordinary
#: words of a message. Longer ones are replaced wherever they appear.
SHORT_SECRET = 12


def scrub(text: str, secrets: Mapping[str, str]) -> str:
    """``text`` with every secret value replaced by its placeholder."""
    for value in sorted(secrets, key=len, reverse=True):
        if not value:
            continue
        if len(value) >= SHORT_SECRET:
            text = text.replace(value, secrets[value])
        else:
            pattern = rf"(?<![0-9A-Za-z]){re.escape(value)}(?![0-9A-Za-z])"
            placeholder = secrets[value].replace("\\", "\\\\")
            text = re.sub(pattern, placeholder, text)
    return text


def retry_after_seconds(
    value: str | None, *, now: datetime | None = None
) -> float | None:
    """A ``Retry-After`` value (seconds or an HTTP date) as seconds from now."""
    if not value:
        return None
    value = value.strip()
    if re.fullmatch(r"\d+(\.\d+)?", value):
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class Pacer:
    """Paces request starts to ``rate`` per second from monotonic deadlines.

    Request k of a steady run starts no earlier than k / rate s after the
    first, so the rate over any stretch never exceeds ``rate``. A start that
    wakes late does not delay the next deadline (the average holds at
    ``rate``); after an idle spell the schedule restarts from now.
    """

    def __init__(
        self, rate: float | None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.interval = 1.0 / rate if rate and rate > 0 else 0.0
        self.clock = clock
        self._next = 0.0

    async def wait(self) -> None:
        slot = max(self.clock(), self._next)
        if self.interval:
            self._next = slot + self.interval
        await sleep_until(slot, self.clock)

    def hold_until(self, deadline: float) -> None:
        """No request starts before ``deadline`` (after a Retry-After)."""
        self._next = max(self._next, deadline)


async def sleep_until(
    deadline: float, clock: Callable[[], float] = time.monotonic
) -> None:
    while (remaining := deadline - clock()) > 0:
        await asyncio.sleep(remaining)


def parse_json_body(
    body: bytes,
) -> tuple[Any, str | None, int | None, int | None, int | None]:
    """(value, error, byte offset, line, column) for a response body."""
    if not body.strip():
        return None, "the body is empty", 0, 1, 1
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, f"the body is not UTF-8 ({exc.reason})", exc.start, None, None
    try:
        return json.loads(text), None, None, None, None
    except json.JSONDecodeError as exc:
        offset = len(text[: exc.pos].encode("utf-8"))
        message = f"{exc.msg} at line {exc.lineno} column {exc.colno} (byte {offset})"
        return None, message, offset, exc.lineno, exc.colno


class _ScrubSecrets(logging.Filter):
    """Replaces live credential values in third-party log records.

    httpx logs every request URL at INFO, and a URL may carry a token in its
    query (``?access_token=[[accessToken]]``); httpcore traces at DEBUG. The
    filter sits on those loggers, so no handler ever sees the value.
    """

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[str, str] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secrets:
            message = record.getMessage()
            scrubbed = scrub(message, self.secrets)
            if scrubbed != message:
                record.msg, record.args = scrubbed, None
        return True


_SCRUBBER = _ScrubSecrets()
for _name in ("httpx", "httpcore.http11", "httpcore.http2", "httpcore.connection"):
    logging.getLogger(_name).addFilter(_SCRUBBER)


class LiveClient:
    """One HTTP client for a session or a run; close it with :meth:`aclose`."""

    def __init__(
        self,
        *,
        timeout: float | None = DEFAULT_TIMEOUT_S,
        rate_limit: float | None = None,
        retry: RetryPolicy | None = None,
        progress: ProgressCallback | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self.progress = progress
        self.pacer = Pacer(rate_limit)
        self.requests = 0
        self.retries = 0
        self._http = httpx.AsyncClient(
            timeout=timeout, follow_redirects=True, transport=transport
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    def _emit(self, event: Retrying) -> None:
        if self.progress is not None:
            self.progress(event)

    def _wait_for(self, attempt: int, retry_after: str | None) -> tuple[float, bool]:
        asked = retry_after_seconds(retry_after)
        if asked is None:
            return min(self.retry.backoff * 2**attempt, self.retry.backoff_max), False
        if asked > self.retry.retry_after_cap:
            return self.retry.retry_after_cap, True
        return asked, False

    async def send(self, request: PreparedRequest) -> Exchange:
        """Send ``request`` with pacing and retries; any HTTP status is returned.

        Raises :class:`TransportError` when no response came after the retries.
        """
        _SCRUBBER.secrets.update(request.secrets)
        shown_url = scrub(request.url, request.secrets)
        attempt = 0
        while True:
            await self.pacer.wait()
            self.requests += 1
            started = time.monotonic()
            response: httpx.Response | None = None
            try:
                response = await self._http.request(
                    request.method, request.url, headers=request.headers
                )
            except httpx.UnsupportedProtocol as exc:
                raise TransportError(
                    f"{shown_url}: {exc}; the URL needs http:// or https://",
                    url=shown_url,
                ) from None
            except httpx.TimeoutException:
                reason = f"no answer within {self.timeout:g} s (timeout)"
            except httpx.TransportError as exc:
                reason = f"connection failed: {type(exc).__name__}: {exc}"
            elapsed = time.monotonic() - started
            retry_after: str | None = None
            if response is not None:
                logger.debug(
                    "%s %s -> %s in %.3f s",
                    request.method,
                    shown_url,
                    response.status_code,
                    elapsed,
                )
                status = response.status_code
                if not (status == 429 or status >= 500):
                    return await self._exchange(request, shown_url, response, elapsed)
                reason = f"HTTP {status} {response.reason_phrase}".rstrip()
                if status in (429, 503):
                    retry_after = response.headers.get("retry-after")
            else:
                logger.debug("%s %s failed: %s", request.method, shown_url, reason)
            if attempt >= self.retry.max_retries:
                if response is not None:
                    return await self._exchange(request, shown_url, response, elapsed)
                raise TransportError(
                    f"{request.method} {shown_url}: {reason}; gave up after "
                    f"{attempt + 1} tries. Check the URL and that the server is up.",
                    url=shown_url,
                )
            wait, capped = self._wait_for(attempt, retry_after)
            if capped:
                reason += (
                    f" (Retry-After {retry_after} capped to "
                    f"{self.retry.retry_after_cap:g} s)"
                )
            elif retry_after:
                reason += f" (Retry-After {retry_after})"
            attempt += 1
            self.retries += 1
            self._emit(Retrying(reason, wait, attempt, shown_url, capped))
            deadline = time.monotonic() + wait
            self.pacer.hold_until(deadline)
            await sleep_until(deadline)

    async def _exchange(
        self,
        request: PreparedRequest,
        shown_url: str,
        response: httpx.Response,
        elapsed: float,
    ) -> Exchange:
        body = response.content
        if len(body) > PARSE_IN_THREAD_BYTES:
            parsed = await asyncio.to_thread(parse_json_body, body)
        else:
            parsed = parse_json_body(body)
        links: dict[str, str] = {}
        for key, link in response.links.items():
            url = link.get("url")
            if url:
                links[str(key).lower()] = str(response.url.join(url))
        return Exchange(
            method=request.method,
            url=shown_url,
            request_headers=request.masked_headers,
            status=response.status_code,
            reason=response.reason_phrase,
            elapsed=elapsed,
            response_headers=list(response.headers.multi_items()),
            body=body,
            json=parsed[0],
            parse_error=parsed[1],
            parse_offset=parsed[2],
            parse_line=parsed[3],
            parse_column=parsed[4],
            links=links,
            secrets=request.secrets,
        )
