"""Dry-run bulk sync of one resource, and one-shot fetches for the inspector.

A run reads list pages the way the block describes and stops by these rules,
checked in this order after each page:

1. The server repeated a page: the page has the same record ids (or, for
   records without ``id``, the same content) as the one before. Its records
   are not kept, ``repeated_page`` is set and the summary says so.
2. The response has a ``Link`` header: ``rel="next"`` is followed as given;
   no ``rel="next"`` means the end. Link pagination wins over totals.
3. The page is empty.
4. The records fetched reach the announced total (``totalProperty``, or the
   ``X-WP-Total`` / ``X-Total-Count`` header when the body has none).
5. The last page is reached, when the page count is known: ``totalPages``,
   ``total_pages``, ``last_page`` or ``pageCount`` next to the total in the
   body, or the ``X-WP-TotalPages`` header.
6. Only when neither a total nor a page count is known: a short page (fewer
   records than the page size) is the last one. While a total says there is
   more, a short page does *not* end the run.
7. A resource without ``pagination`` and without a ``Link`` header is read as
   one page.
8. The page cap (``PageSettings.max_pages`` or the ``max_pages`` argument).

Records are kept once per ``id``: a record whose id was already seen is
counted in ``duplicates`` and dropped. With ``expandDetails`` each new record
is fetched from ``endpoints.details`` (``{id}`` and any ``{field}`` filled
from the record) and the details *replace* the list record. The details body
is unwrapped like a list page: the object at ``dataProperty`` if there is
one, else the value of a body with a single key holding an object
(``{"product": {...}}``), else the body itself. A failed details call is
reported in ``errors`` and the list record is kept.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from designer.core.live._paths import is_missing, resolve_dotted
from designer.core.live.client import (
    DEFAULT_TIMEOUT_S,
    Exchange,
    LiveClient,
    PageSettings,
    RetryPolicy,
    scrub,
)
from designer.core.live.errors import (
    HttpStatusError,
    LiveError,
    MalformedPageError,
    RequestBuildError,
)
from designer.core.live.events import DetailFetched, PageFetched, ProgressCallback
from designer.core.live.request import PreparedRequest, build_request
from designer.core.model import MiniApp, Resource, ResponseMapping, SyncBlock

logger = logging.getLogger(__name__)

TOTAL_HEADERS = ("X-WP-Total", "X-Total-Count")
TOTAL_PAGES_HEADERS = ("X-WP-TotalPages", "X-Total-Pages")
TOTAL_PAGES_KEYS = ("totalPages", "total_pages", "last_page", "pageCount", "pages")


@dataclass
class SyncSummary:
    """What a dry-run sync of one resource fetched, and why it stopped."""

    resource: str
    pages: int = 0
    requests: int = 0
    #: Unique records kept (the length of ``items``).
    records: int = 0
    #: The total the server announced, if it did.
    total: int | None = None
    duplicates: int = 0
    retries: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)
    stopped_because: str = ""
    repeated_page: bool = False
    cancelled: bool = False
    details: int = 0
    #: The records themselves, in the order fetched.
    items: list[Any] = field(default_factory=list, repr=False)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.cancelled

    def to_json(self, *, include_items: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "resource": self.resource,
            "pages": self.pages,
            "requests": self.requests,
            "records": self.records,
            "total": self.total,
            "duplicates": self.duplicates,
            "retries": self.retries,
            "seconds": round(self.seconds, 3),
            "errors": list(self.errors),
            "stoppedBecause": self.stopped_because,
            "repeatedPage": self.repeated_page,
            "cancelled": self.cancelled,
            "details": self.details,
        }
        if include_items:
            out["items"] = self.items
        return out


@dataclass(frozen=True)
class Page:
    """The records of one list response and what it says about the rest."""

    records: list[Any]
    total: int | None
    total_pages: int | None


def _as_count(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _malformed(exchange: Exchange, message: str) -> MalformedPageError:
    return MalformedPageError(
        f"{exchange.method} {exchange.url} (HTTP {exchange.status}): {message}",
        url=exchange.url,
        status=exchange.status,
        offset=exchange.parse_offset,
        line=exchange.parse_line,
        column=exchange.parse_column,
    )


def _list_keys(body: dict[str, Any]) -> str:
    keys = [k for k, v in body.items() if isinstance(v, list)]
    return ", ".join(repr(k) for k in keys) or "none"


def read_page(exchange: Exchange, mapping: ResponseMapping | None) -> Page:
    """Records, total and page count of a list response, as ``responseMapping`` says."""
    if exchange.parse_error is not None:
        raise _malformed(
            exchange, f"the body is not valid JSON: {exchange.parse_error}"
        )
    body = exchange.json
    data_property = mapping.data_property if mapping else None
    if data_property:
        records = resolve_dotted(body, data_property)
        if is_missing(records):
            keys = _list_keys(body) if isinstance(body, dict) else "none"
            raise _malformed(
                exchange,
                f"no {data_property!r} (responseMapping.dataProperty) in the body; "
                f"arrays in the body: {keys}",
            )
    else:
        records = body
    if not isinstance(records, list):
        where = f"{data_property!r}" if data_property else "the body"
        hint = (
            f"; set responseMapping.dataProperty to one of: {_list_keys(body)}"
            if isinstance(body, dict) and not data_property
            else ""
        )
        raise _malformed(exchange, f"{where} is not an array of records{hint}")

    total: int | None = None
    total_pages: int | None = None
    total_property = mapping.total_property if mapping else None
    if total_property:
        found = resolve_dotted(body, total_property)
        if not is_missing(found):
            total = _as_count(found)
            if total is None:
                logger.warning(
                    "totalProperty %r is %r, not a count; ignored",
                    total_property,
                    found,
                )
        parent_path = total_property.rpartition(".")[0]
        parent = resolve_dotted(body, parent_path) if parent_path else body
        if isinstance(parent, dict):
            for key in TOTAL_PAGES_KEYS:
                if key in parent and _as_count(parent[key]) is not None:
                    total_pages = _as_count(parent[key])
                    break
    if total is None:
        for name in TOTAL_HEADERS:
            total = _as_count(exchange.header(name))
            if total is not None:
                break
    if total_pages is None:
        for name in TOTAL_PAGES_HEADERS:
            total_pages = _as_count(exchange.header(name))
            if total_pages is not None:
                break
    return Page(records, total, total_pages)


def record_id(record: object) -> object:
    """The record's ``id`` if it has one, else None."""
    if isinstance(record, dict):
        return record.get("id")
    return None


def _record_key(record: object) -> str:
    rid = record_id(record)
    if rid is not None:
        return "id:" + json.dumps(rid, sort_keys=True, default=str)
    text = json.dumps(record, sort_keys=True, default=str)
    return "hash:" + hashlib.sha1(text.encode("utf-8")).hexdigest()


def unwrap_details(body: Any, mapping: ResponseMapping | None) -> Any:
    """The record inside a details response (see the module docstring)."""
    if mapping and mapping.data_property:
        found = resolve_dotted(body, mapping.data_property)
        if isinstance(found, dict):
            return found
    if isinstance(body, dict) and len(body) == 1:
        (only,) = body.values()
        if isinstance(only, dict):
            return only
    return body


def _excerpt(body: bytes, secrets: Mapping[str, str], limit: int = 200) -> str:
    text = scrub(body[: limit * 4].decode("utf-8", "replace"), secrets)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


class LiveSession:
    """Live calls for one MiniApp's ``sync`` block over one HTTP client.

    Use ``async with LiveSession(...) as session`` or await :meth:`aclose`.
    Every method is a coroutine and can be cancelled.
    """

    def __init__(
        self,
        sync: SyncBlock,
        *,
        credentials: Mapping[str, object] | None = None,
        inputs: Mapping[str, object] | None = None,
        page_settings: PageSettings | None = None,
        retry: RetryPolicy | None = None,
        progress: ProgressCallback | None = None,
        base_url: str | None = None,
        timeout: float | None = None,
        rate_limit: float | None = None,
    ) -> None:
        """``timeout`` (s) and ``rate_limit`` (/s) override ``syncConfiguration``."""
        self.sync = sync
        self.credentials = dict(credentials or {})
        self.inputs = dict(inputs or {})
        self.page_settings = page_settings or PageSettings()
        self.progress = progress
        self.base_url = base_url
        config = sync.sync_configuration
        if timeout is None:
            timeout = (
                config.timeout / 1000
                if config and config.timeout and config.timeout > 0
                else DEFAULT_TIMEOUT_S
            )
        if rate_limit is None and config and config.rate_limit_per_second:
            rate_limit = float(config.rate_limit_per_second)
        self.client = LiveClient(
            timeout=timeout, rate_limit=rate_limit, retry=retry, progress=progress
        )

    @classmethod
    def for_miniapp(cls, miniapp: MiniApp, **options: Any) -> LiveSession:
        if miniapp.sync is None:
            raise RequestBuildError("the MiniApp has no sync block")
        return cls(miniapp.sync, **options)

    async def __aenter__(self) -> LiveSession:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.client.aclose()

    # --- building ---------------------------------------------------------------

    def resource(self, resource: Resource | str) -> Resource:
        if isinstance(resource, Resource):
            return resource
        if resource not in self.sync.resources:
            from designer.core.diagnostics import closest

            known = list(self.sync.resources)
            guess = closest(resource, known)
            hint = f" Did you mean {guess!r}?" if guess else ""
            raise RequestBuildError(
                f"no resource {resource!r} in sync.resources "
                f"(has: {', '.join(known) or 'none'}).{hint}"
            )
        return self.sync.resources[resource]

    def list_request(self, resource: Resource, page: int | None) -> PreparedRequest:
        endpoint = resource.list_endpoint
        if endpoint is None:
            raise RequestBuildError(
                f"resource {resource.key!r} has no endpoints.list; add its URL"
            )
        params: dict[str, object] = {}
        pagination = resource.pagination
        if pagination is not None:
            size = pagination.page_size
            if pagination.param_name and size is not None:
                params[pagination.param_name] = size
            if page is not None:
                params[self.page_settings.page_param] = page
        return build_request(
            self.sync,
            endpoint,
            credentials=self.credentials,
            inputs=self.inputs,
            params=params,
            base_url=self.base_url,
            where=f"resources.{resource.key}.endpoints.list",
        )

    def details_request(self, resource: Resource, record: object) -> PreparedRequest:
        endpoint = resource.details_endpoint
        if endpoint is None:
            raise RequestBuildError(
                f"resource {resource.key!r} has no endpoints.details; add its URL "
                "or turn expandDetails off"
            )
        return build_request(
            self.sync,
            endpoint,
            credentials=self.credentials,
            inputs=self.inputs,
            record=record,
            base_url=self.base_url,
            where=f"resources.{resource.key}.endpoints.details",
        )

    # --- one-shot calls -----------------------------------------------------------

    async def fetch_page(
        self, resource: Resource | str, page: int | None = None
    ) -> Exchange:
        """One list page (``page`` defaults to the first) for the inspector."""
        res = self.resource(resource)
        number = self.page_settings.first_page if page is None else page
        return await self.client.send(self.list_request(res, number))

    async def fetch_details(self, resource: Resource | str, record: object) -> Exchange:
        """The details of one record for the inspector."""
        res = self.resource(resource)
        return await self.client.send(self.details_request(res, record))

    # --- bulk ---------------------------------------------------------------------

    async def run(
        self,
        resource: Resource | str,
        *,
        max_pages: int | None = None,
        into: SyncSummary | None = None,
    ) -> SyncSummary:
        """Fetch every page of ``resource`` (a dry run: nothing is written).

        Pass ``into`` to keep the partial summary when the task is cancelled:
        it holds every record fetched so far, and ``cancelled`` is set before
        the cancellation propagates.
        """
        res = self.resource(resource)
        summary = into if into is not None else SyncSummary(resource=res.key)
        cap = max_pages if max_pages is not None else self.page_settings.max_pages
        started = time.monotonic()
        requests0, retries0 = self.client.requests, self.client.retries
        try:
            await self._run(res, summary, cap)
        except asyncio.CancelledError:
            summary.cancelled = True
            summary.stopped_because = f"cancelled after {summary.pages} pages"
            raise
        except LiveError as exc:
            summary.errors.append(str(exc))
            summary.stopped_because = f"stopped by an error after {summary.pages} pages"
            logger.debug("sync of %s stopped: %s", res.key, exc)
        finally:
            summary.requests = self.client.requests - requests0
            summary.retries = self.client.retries - retries0
            summary.seconds = time.monotonic() - started
        return summary

    async def _run(self, res: Resource, summary: SyncSummary, cap: int | None) -> None:
        settings = self.page_settings
        page_size = res.pagination.page_size if res.pagination else None
        page_number = settings.first_page
        first = self.list_request(res, page_number)
        next_url: str | None = None
        previous_keys: set[str] | None = None
        seen_ids: set[str] = set()
        fetched = 0
        while True:
            if cap is not None and summary.pages >= cap:
                summary.stopped_because = f"page cap reached ({cap} pages)"
                return
            if next_url is not None:
                request = replace(first, url=next_url)
            elif summary.pages == 0:
                request = first
            else:
                request = self.list_request(res, page_number)
            exchange = await self.client.send(request)
            n = summary.pages + 1
            if not exchange.ok:
                raise HttpStatusError(
                    f"page {n}: {exchange.method} {exchange.url} answered HTTP "
                    f"{exchange.status} {exchange.reason}: "
                    f"{_excerpt(exchange.body, exchange.secrets)}",
                    url=exchange.url,
                    status=exchange.status,
                )
            try:
                page = read_page(exchange, res.response_mapping)
            except MalformedPageError as exc:
                raise MalformedPageError(
                    f"page {n}: {exc}",
                    url=exc.url,
                    status=exc.status,
                    offset=exc.offset,
                    line=exc.line,
                    column=exc.column,
                ) from None
            summary.pages = n
            if page.total is not None:
                summary.total = page.total
            self._emit(
                PageFetched(
                    n,
                    len(page.records),
                    exchange.url,
                    exchange.status,
                    exchange.elapsed,
                )
            )

            keys = [_record_key(r) for r in page.records]
            if previous_keys is not None and keys and set(keys) == previous_keys:
                summary.repeated_page = True
                summary.duplicates += sum(1 for k in keys if k.startswith("id:"))
                summary.stopped_because = (
                    f"the server repeated a page: page {n} has the same records as "
                    f"page {n - 1}"
                )
                return
            previous_keys = set(keys)
            for record, key in zip(page.records, keys, strict=True):
                if key.startswith("id:"):
                    if key in seen_ids:
                        summary.duplicates += 1
                        continue
                    seen_ids.add(key)
                if res.expand_details:
                    record = await self._expand(res, record, summary)
                summary.items.append(record)
                summary.records = len(summary.items)
            fetched += len(page.records)

            if exchange.links or exchange.header("Link") is not None:
                if "next" in exchange.links:
                    next_url = exchange.links["next"]
                    continue
                summary.stopped_because = (
                    f'no rel="next" in the Link header of page {n}'
                )
                return
            if not page.records:
                summary.stopped_because = f"page {n} is empty"
                return
            if summary.total is not None and fetched >= summary.total:
                summary.stopped_because = (
                    f"total reached ({fetched} of {summary.total} records)"
                )
                return
            index = page_number - settings.first_page + 1
            if page.total_pages is not None and index >= page.total_pages:
                summary.stopped_because = (
                    f"last page reached ({page.total_pages} pages)"
                )
                return
            if summary.total is None and page.total_pages is None:
                if res.pagination is None:
                    summary.stopped_because = "the resource has no pagination: one page"
                    return
                if page_size is not None and len(page.records) < page_size:
                    summary.stopped_because = (
                        f"short page {n} ({len(page.records)} < page size "
                        f"{page_size}) and no total or Link header"
                    )
                    return
            page_number += 1

    async def _expand(self, res: Resource, record: Any, summary: SyncSummary) -> Any:
        try:
            exchange = await self.client.send(self.details_request(res, record))
        except LiveError as exc:
            summary.errors.append(f"details of record {record_id(record)!r}: {exc}")
            return record
        self._emit(
            DetailFetched(
                record_id(record), exchange.url, exchange.status, exchange.elapsed
            )
        )
        if not exchange.ok:
            summary.errors.append(
                f"details of record {record_id(record)!r}: {exchange.method} "
                f"{exchange.url} answered HTTP {exchange.status}: "
                f"{_excerpt(exchange.body, exchange.secrets)}"
            )
            return record
        if exchange.parse_error is not None:
            summary.errors.append(
                f"details of record {record_id(record)!r}: {exchange.url} "
                f"(HTTP {exchange.status}) is not valid JSON: {exchange.parse_error}"
            )
            return record
        summary.details += 1
        return unwrap_details(exchange.json, res.response_mapping)

    def _emit(self, event: PageFetched | DetailFetched) -> None:
        if self.progress is not None:
            self.progress(event)


def save_sample(
    exchange: Exchange, path: str | os.PathLike[str], *, meta: bool = False
) -> Path:
    """Write the response body to ``path`` atomically, with secrets scrubbed.

    Any credential value that appears in the body (as sent, or URL-quoted) is
    replaced by its placeholder. With ``meta`` a ``<path>.meta.json`` beside it
    keeps the method, URL (scrubbed), status and masked headers.
    """
    target = Path(path)
    body = exchange.body
    if exchange.secrets:
        text = body.decode("utf-8", "surrogateescape")
        body = scrub(text, exchange.secrets).encode("utf-8", "surrogateescape")
    _write_atomic(target, body)
    if meta:
        info = exchange.to_json()
        info["url"] = scrub(info["url"], exchange.secrets)
        text = json.dumps(info, indent=2, ensure_ascii=False) + "\n"
        _write_atomic(
            target.with_name(target.name + ".meta.json"), text.encode("utf-8")
        )
    return target


def _write_atomic(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
