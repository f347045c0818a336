"""Dry-run sync against a real mock provider: every stop rule, retries, faults."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest

from designer.core.live import (
    DetailFetched,
    LiveSession,
    PageFetched,
    PageSettings,
    Retrying,
    RetryPolicy,
    SyncSummary,
)
from designer.core.live.mock_provider import _cursor

from .conftest import TOKEN, envelope, paged, records, sync_block

FAST = RetryPolicy(max_retries=3, backoff=0.01, backoff_max=0.05, retry_after_cap=5)


def run(
    sync, resource="items", *, events=None, retry=FAST, **options: Any
) -> SyncSummary:
    async def go() -> SyncSummary:
        async with LiveSession(
            sync,
            credentials={"accessToken": TOKEN},
            retry=retry,
            progress=events.append if events is not None else None,
            **options,
        ) as session:
            return await session.run(resource)

    return asyncio.run(go())


def envelope_resource(size: int, **extra: Any) -> dict[str, Any]:
    return paged(
        size,
        responseMapping={"dataProperty": "data", "totalProperty": "pagination.total"},
        **extra,
    )


def test_g1_short_page_in_the_middle_does_not_end_the_run(samples, provider) -> None:
    mock = provider(
        samples(items=envelope(records(149))), token=TOKEN, short_pages={2: 49}
    )
    events: list[Any] = []
    summary = run(sync_block(mock.url, envelope_resource(50)), events=events)
    assert [e.records for e in events if isinstance(e, PageFetched)] == [50, 49, 50]
    assert (summary.records, summary.requests, summary.pages) == (149, 3, 3)
    assert summary.total == 149
    assert summary.errors == []
    assert [r["id"] for r in summary.items] == list(range(1, 150))


def test_g2_repeated_last_page_stops_and_says_so(samples, provider) -> None:
    mock = provider(
        samples(items=records(100)),
        token=TOKEN,
        repeat_last_page=True,
        hide_total=True,
        link="none",
    )
    summary = run(sync_block(mock.url, paged(50)))
    assert summary.records == 100
    assert len({r["id"] for r in summary.items}) == 100
    assert summary.repeated_page is True
    assert "repeated a page" in summary.stopped_because
    assert summary.requests == 3
    assert summary.duplicates == 50
    assert summary.to_json()["repeatedPage"] is True


def test_g3_link_header_next_is_followed_and_no_next_ends(samples, provider) -> None:
    mock = provider(
        samples(items=records(7)), token=TOKEN, link="cursor", hide_total=True
    )
    resource = paged(3)
    resource["pagination"]["paramName"] = "limit"
    summary = run(sync_block(mock.url, resource))
    paths = [r.path for r in mock.requests]
    cursor2, cursor3 = _cursor(2), _cursor(3)
    # The first request numbers the page; the next ones are the links as given,
    # read from a header sent as lower-case "link" with rel="previous" too.
    assert paths == [
        "/items?limit=3&page=1",
        f"/items?limit=3&page_info={cursor2}",
        f"/items?limit=3&page_info={cursor3}",
    ]
    assert summary.records == 7
    assert 'no rel="next"' in summary.stopped_because


def test_link_pagination_with_page_numbers_and_header_totals(samples, provider) -> None:
    mock = provider(
        samples(items=records(45)), token=TOKEN
    )  # bare array: Link + X-WP-*
    summary = run(sync_block(mock.url, paged(20)))
    assert (summary.records, summary.pages, summary.total) == (45, 3, 45)
    assert 'no rel="next"' in summary.stopped_because


def test_header_total_without_link_stops_at_total(samples, provider) -> None:
    mock = provider(samples(items=records(40)), token=TOKEN, link="none")
    summary = run(sync_block(mock.url, paged(20)))
    assert summary.total == 40  # from X-WP-Total
    assert (summary.records, summary.requests) == (40, 2)
    assert "total reached" in summary.stopped_because


def test_total_reached_in_the_body(samples, provider) -> None:
    mock = provider(samples(items=envelope(records(45))), token=TOKEN)
    summary = run(sync_block(mock.url, envelope_resource(20)))
    assert (summary.records, summary.requests, summary.total) == (45, 3, 45)
    assert "total reached" in summary.stopped_because


def test_total_as_a_string_counts(samples, provider) -> None:
    body = {"items": records(5), "meta": {"total": "5"}}
    mock = provider(samples(items=body), token=TOKEN)
    resource = paged(
        20, responseMapping={"dataProperty": "items", "totalProperty": "meta.total"}
    )
    summary = run(sync_block(mock.url, resource))
    assert (summary.total, summary.records, summary.requests) == (5, 5, 1)


def test_empty_page_ends_the_run(samples, provider) -> None:
    mock = provider(
        samples(items=records(40)), token=TOKEN, hide_total=True, link="none"
    )
    summary = run(sync_block(mock.url, paged(20)))
    assert (summary.records, summary.requests) == (40, 3)
    assert summary.stopped_because == "page 3 is empty"


def test_short_page_ends_the_run_only_without_total(samples, provider) -> None:
    mock = provider(
        samples(items=records(45)), token=TOKEN, hide_total=True, link="none"
    )
    summary = run(sync_block(mock.url, paged(20)))
    assert (summary.records, summary.requests) == (45, 3)
    assert summary.stopped_because.startswith("short page 3 (5 < page size 20)")


def test_page_cap(samples, provider) -> None:
    mock = provider(samples(items=envelope(records(100))), token=TOKEN)
    summary = run(
        sync_block(mock.url, envelope_resource(10)),
        page_settings=PageSettings(max_pages=2),
    )
    assert (summary.records, summary.requests) == (20, 2)
    assert summary.stopped_because == "page cap reached (2 pages)"


def test_page_param_and_first_page_come_from_settings(samples, provider) -> None:
    mock = provider(samples(items=envelope(records(30))), token=TOKEN, page_param="p")
    summary = run(
        sync_block(mock.url, envelope_resource(10)),
        page_settings=PageSettings(page_param="p", first_page=1),
    )
    assert summary.records == 30
    assert [r.path for r in mock.requests][-1] == "/items?per_page=10&p=3"


def test_429_retry_after_seconds(samples, provider) -> None:
    mock = provider(
        samples(items=envelope(records(20))),
        token=TOKEN,
        fail_every=2,
        fail_status=429,
        retry_after="1",
    )
    events: list[Any] = []
    started = time.monotonic()
    summary = run(sync_block(mock.url, envelope_resource(10)), events=events)
    retries = [e for e in events if isinstance(e, Retrying)]
    assert summary.records == 20 and summary.errors == []
    assert summary.retries == len(retries) == 1
    assert all(r.wait == 1.0 and "Retry-After 1" in r.reason for r in retries)
    assert time.monotonic() - started >= 1.0


def test_429_retry_after_http_date(samples, provider) -> None:
    mock = provider(
        samples(items=envelope(records(10))),
        token=TOKEN,
        fail_every=1,
        fail_status=429,
        retry_after="date:1",
    )
    events: list[Any] = []

    async def go() -> SyncSummary:
        async with LiveSession(
            sync_block(mock.url, envelope_resource(10)),
            credentials={"accessToken": TOKEN},
            retry=FAST,
            progress=events.append,
        ) as session:
            task = asyncio.ensure_future(session.run("items"))
            while not events:
                await asyncio.sleep(0.01)
            mock.options.fail_every = None  # the next try succeeds
            return await task

    summary = asyncio.run(go())
    retry = events[0]
    assert isinstance(retry, Retrying)
    assert "GMT" in retry.reason
    assert 0.0 <= retry.wait <= 1.0
    assert summary.records == 10 and summary.retries == 1


def test_retry_after_is_capped_and_says_so(samples, provider) -> None:
    mock = provider(
        samples(items=envelope(records(5))),
        token=TOKEN,
        fail_every=1,
        fail_status=503,
        retry_after="120",
    )
    events: list[Any] = []
    policy = RetryPolicy(max_retries=1, backoff=0.01, retry_after_cap=0.1)
    summary = run(
        sync_block(mock.url, envelope_resource(10)), events=events, retry=policy
    )
    (retry,) = [e for e in events if isinstance(e, Retrying)]
    assert retry.capped and retry.wait == 0.1
    assert "capped to 0.1 s" in retry.reason
    assert summary.requests == 2
    assert "HTTP 503" in summary.errors[0]


def test_server_errors_are_retried_with_backoff(samples, provider) -> None:
    mock = provider(
        samples(items=envelope(records(50))),
        token=TOKEN,
        fail_every=3,
        fail_status=500,
        retry_after=None,
    )
    events: list[Any] = []
    summary = run(sync_block(mock.url, envelope_resource(10)), events=events)
    assert summary.records == 50 and summary.errors == []
    waits = [e.wait for e in events if isinstance(e, Retrying)]
    assert waits and all(w == FAST.backoff for w in waits)
    assert summary.requests == 5 + summary.retries


def test_timeout_is_reported(samples, provider) -> None:
    mock = provider(samples(items=envelope(records(5))), token=TOKEN, slow_ms=400)
    sync = sync_block(mock.url, envelope_resource(10), config={"timeout": 100})
    summary = run(sync, retry=RetryPolicy(max_retries=1, backoff=0.01))
    assert summary.requests == 2 and summary.retries == 1
    assert "within 0.1 s (timeout)" in summary.errors[0]
    assert summary.pages == 0


def test_malformed_page_keeps_pages_so_far(samples, provider) -> None:
    mock = provider(samples(items=envelope(records(30))), token=TOKEN, malformed_page=2)
    summary = run(sync_block(mock.url, envelope_resource(10)))
    assert summary.pages == 1 and summary.records == 10
    (error,) = summary.errors
    assert error.startswith("page 2: GET ")
    assert "/items?per_page=10&page=2 (HTTP 200)" in error
    assert "not valid JSON" in error and "(byte " in error and "line 1 column" in error


def test_missing_data_property_is_clear(samples, provider) -> None:
    mock = provider(samples(items=envelope(records(3))), token=TOKEN)
    resource = paged(10, responseMapping={"dataProperty": "results"})
    summary = run(sync_block(mock.url, resource))
    assert "no 'results' (responseMapping.dataProperty)" in summary.errors[0]
    assert "'data'" in summary.errors[0]


def test_http_error_stops_with_status_and_body(samples, provider) -> None:
    mock = provider(samples(items=envelope(records(3))), token="another-token-value")
    summary = run(sync_block(mock.url, envelope_resource(10)))
    assert "HTTP 401" in summary.errors[0] and "Unauthorized" in summary.errors[0]
    assert not summary.ok


def test_cancel_keeps_what_was_fetched(samples, provider) -> None:
    mock = provider(samples(items=envelope(records(100))), token=TOKEN, slow_ms=30)
    summary = SyncSummary(resource="items")

    async def go() -> None:
        async with LiveSession(
            sync_block(mock.url, envelope_resource(10)),
            credentials={"accessToken": TOKEN},
            progress=lambda e: e.n == 2 and task.cancel(),  # type: ignore[union-attr]
        ) as session:
            task = asyncio.ensure_future(session.run("items", into=summary))
            with pytest.raises(asyncio.CancelledError):
                await task

    asyncio.run(go())
    assert summary.cancelled
    assert summary.pages == 2 and summary.records == 20
    assert summary.stopped_because == "cancelled after 2 pages"
    assert len(mock.requests) <= 3


def test_expand_details_replaces_list_records(samples, provider, tmp_path) -> None:
    folder = samples(items=envelope(records(4)))
    (folder / "items-details").mkdir()
    for i in (1, 2):
        detail = {"status": 200, "success": True, "data": {"id": i, "sku": f"SKU-{i}"}}
        (folder / "items-details" / f"{i}.json").write_text(json.dumps(detail))
    mock = provider(folder, token=TOKEN)
    resource = envelope_resource(10, expandDetails=True)
    resource["endpoints"]["details"] = {"url": "/items/{id}", "method": "GET"}
    events: list[Any] = []
    summary = run(sync_block(mock.url, resource), events=events)
    assert summary.items[:2] == [{"id": 1, "sku": "SKU-1"}, {"id": 2, "sku": "SKU-2"}]
    assert summary.items[2] == {"id": 3, "name": "item 3"}  # synthesized details
    assert summary.details == 4 and summary.requests == 5
    assert [e.record_id for e in events if isinstance(e, DetailFetched)] == [1, 2, 3, 4]
    assert [r.path for r in mock.requests][1:] == [f"/items/{i}" for i in (1, 2, 3, 4)]


def test_rate_limit_paces_all_requests(samples, provider) -> None:
    mock = provider(samples(items=envelope(records(6))), token=TOKEN)
    resource = envelope_resource(2, expandDetails=True)
    resource["endpoints"]["details"] = {"url": "/items/{id}"}
    sync = sync_block(mock.url, resource, config={"rateLimitPerSecond": 40})
    summary = run(sync)
    arrivals = [r.arrived for r in mock.requests]
    assert summary.requests == len(arrivals) == 9
    # 9 requests at 40/s: the first and the last are at least 8/40 s apart.
    assert arrivals[-1] - arrivals[0] >= 8 / 40 - 0.01


def test_duplicates_across_pages_are_counted_once(samples, provider, tmp_path) -> None:
    items = records(10) + records(5, start=8)  # ids 8, 9, 10 appear twice
    mock = provider(samples(items=envelope(items)), token=TOKEN)
    summary = run(sync_block(mock.url, envelope_resource(5)))
    assert summary.duplicates == 3
    assert summary.records == 12
    assert summary.total == 15
