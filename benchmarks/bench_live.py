"""Live fetching against the mock provider: pacing accuracy and per-page cost.

Prints, never asserts. Run from the repo root:
``python benchmarks/bench_live.py [--quick]``, or ``python -m benchmarks``.

1. With ``rateLimitPerSecond`` R, the achieved request rate (server-side
   arrival times) should be within 5% of R and never above it.
2. With no limit, the time the client spends per page (request start to
   parsed page) against the time the server spends on it.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import Row, print_table
from designer.core.live import LiveSession, PageFetched
from designer.core.live.mock_provider import start_mock_provider
from designer.core.model import MiniApp


def _sync(base_url: str, rate: float | None, page_size: int, details: bool):
    config: dict[str, object] = {"timeout": 10000}
    if rate:
        config["rateLimitPerSecond"] = rate
    resource = {
        "endpoints": {"list": {"url": "/items"}, "details": {"url": "/items/{id}"}},
        "expandDetails": details,
        "pagination": {"paramName": "per_page", "defaultLimit": page_size},
        "responseMapping": {
            "dataProperty": "data",
            "totalProperty": "pagination.total",
        },
    }
    doc = {
        "sync": {
            "baseUrl": base_url,
            "syncConfiguration": config,
            "resources": {"items": resource},
        }
    }
    sync = MiniApp.from_document(doc).sync
    assert sync is not None
    return sync


async def _run(sync, events):
    async with LiveSession(sync, progress=events.append) as session:
        return await session.run("items")


def bench_rate(
    folder: Path, rate: float, requests: int, *, verbose: bool = True
) -> Row:
    with start_mock_provider(folder, total=requests * 2) as mock:
        # expandDetails: list pages and details calls share one pace.
        sync = _sync(mock.url, rate, page_size=2, details=True)
        pages = requests // 3
        sync.resources["items"].pagination.default_limit = 2  # type: ignore[union-attr]
        from designer.core.live import PageSettings

        starts: list[float] = []

        async def go():
            settings = PageSettings(max_pages=pages)
            async with LiveSession(sync, page_settings=settings) as s:
                wait = s.client.pacer.wait

                async def timed_wait() -> None:
                    await wait()
                    starts.append(time.monotonic())

                s.client.pacer.wait = timed_wait  # type: ignore[method-assign]
                return await s.run("items")

        summary = asyncio.run(go())
        arrivals = sorted(r.arrived for r in mock.requests)
    client_rate = (len(starts) - 1) / (starts[-1] - starts[0])
    client_gap = min(b - a for a, b in itertools.pairwise(starts))
    span = arrivals[-1] - arrivals[0]
    achieved = (len(arrivals) - 1) / span if span else float("inf")
    # The first request also opens the connection: measure from the second too.
    warm = (len(arrivals) - 2) / (arrivals[-1] - arrivals[1])
    # The table uses the warm rate: the first request's connection setup
    # delays its arrival and so shortens the measured span.
    row = Row(
        f"live: server-side request rate, rateLimitPerSecond={rate:g}",
        warm,
        "req/s",
        "rateLimitPerSecond",
        rate,
        warm / rate,
        "0.95x-1.00x (never above R)",
    )
    if not verbose:
        return row
    print(
        f"rate limit {rate:g}/s, client side: request starts at {client_rate:.3f}/s "
        f"({100 * (client_rate - rate) / rate:+.2f}% of R), "
        f"smallest gap {client_gap * 1000:.2f} ms"
    )
    print(f"  server side without the first (connection setup): {warm:.2f}/s")
    gaps = [b - a for a, b in itertools.pairwise(arrivals)]
    worst_window = max(
        sum(1 for t in arrivals if start <= t < start + 1.0) for start in arrivals
    )
    print(
        f"  server side: {len(arrivals)} requests ({summary.requests} sent) "
        f"in {span:.3f} s -> achieved {achieved:.2f}/s "
        f"({100 * (achieved - rate) / rate:+.2f}% of R)"
    )
    print(
        f"  gaps: min {min(gaps) * 1000:.1f} ms, median "
        f"{statistics.median(gaps) * 1000:.1f} ms, max {max(gaps) * 1000:.1f} ms "
        f"(1/R = {1000 / rate:.1f} ms); most requests in any 1 s window: {worst_window}"
    )
    return row


def bench_unlimited(
    folder: Path, pages: int, page_size: int, *, verbose: bool = True
) -> Row:
    with start_mock_provider(folder, total=pages * page_size) as mock:
        sync = _sync(mock.url, None, page_size=page_size, details=False)
        events: list[object] = []
        started = time.perf_counter()
        summary = asyncio.run(_run(sync, events))
        wall = time.perf_counter() - started
        served = [r.served - r.arrived for r in mock.requests]
    client = [e.elapsed for e in events if isinstance(e, PageFetched)]
    row = Row(
        f"live: time per page, no limit ({page_size} records/page)",
        statistics.median(client) * 1000,
        "ms",
        "mock server's own time per page",
        statistics.median(served) * 1000,
        statistics.median(client) / statistics.median(served),
        "lower is better (client overhead)",
    )
    if not verbose:
        return row
    print(
        f"no limit: {summary.pages} pages x {page_size} records in {wall:.3f} s "
        f"({summary.pages / wall:.0f} pages/s)"
    )
    print(
        f"  per page: client {statistics.mean(client) * 1000:.2f} ms "
        f"(median {statistics.median(client) * 1000:.2f}), server "
        f"{statistics.mean(served) * 1000:.2f} ms "
        f"(median {statistics.median(served) * 1000:.2f}); "
        "client overhead "
        f"{(statistics.mean(client) - statistics.mean(served)) * 1000:.2f} ms"
    )
    print(
        "  whole run per page (incl. parsing, stop rules): "
        f"{wall / summary.pages * 1000:.2f} ms"
    )
    return row


def run(quick: bool = False, *, verbose: bool = False) -> list[Row]:
    """Achieved request rates against their limit, and the client's cost per page.

    The rate figures are over one run of many requests each (the rate is their
    average); the per-page figures are medians over all pages of one run.
    """
    scale = 0.5 if quick else 1.0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sample = {
            "status": 200,
            "success": True,
            "data": [{"id": 1, "name": "item", "price": {"amount": 10}}],
            "pagination": {"total": 1, "totalPages": 1, "links": {}},
        }
        (folder / "items.json").write_text(json.dumps(sample))
        return [
            bench_rate(folder, 20, int(90 * scale), verbose=verbose),
            bench_rate(folder, 50, int(150 * scale), verbose=verbose),
            bench_unlimited(folder, int(200 * scale), 50, verbose=verbose),
        ]


def main() -> None:
    rows = run(quick="--quick" in sys.argv, verbose=True)
    print()
    print_table(rows)


if __name__ == "__main__":
    main()
