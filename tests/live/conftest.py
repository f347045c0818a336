"""Fixtures for live fetching: sample folders and a real mock provider on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from designer.core.live.mock_provider import MockProvider, start_mock_provider
from designer.core.model import MiniApp, SyncBlock

TOKEN = "tok_9f3Kq2LmZx81Pw"


def envelope(records: list[dict[str, Any]]) -> dict[str, Any]:
    """A Salla-style list envelope."""
    return {
        "status": 200,
        "success": True,
        "data": records,
        "pagination": {
            "count": len(records),
            "total": len(records),
            "perPage": 15,
            "currentPage": 1,
            "totalPages": 1,
            "links": {},
        },
    }


def records(n: int, start: int = 1) -> list[dict[str, Any]]:
    return [{"id": i, "name": f"item {i}"} for i in range(start, start + n)]


@pytest.fixture
def samples(tmp_path: Path) -> Callable[..., Path]:
    """Write ``name=body`` samples into a fresh folder and return it."""

    def write(**bodies: Any) -> Path:
        folder = tmp_path / "samples"
        folder.mkdir(exist_ok=True)
        for name, body in bodies.items():
            (folder / f"{name}.json").write_text(json.dumps(body), encoding="utf-8")
        return folder

    return write


@pytest.fixture
def provider() -> Iterator[Callable[..., MockProvider]]:
    """Start mock providers (``provider(folder, **options)``); all stop afterwards."""
    started: list[MockProvider] = []

    def start(folder: Path, **options: Any) -> MockProvider:
        mock = start_mock_provider(folder, **options)
        started.append(mock)
        return mock

    yield start
    for mock in started:
        mock.stop()


def sync_block(
    base_url: str,
    resource: dict[str, Any],
    *,
    name: str = "items",
    headers: dict[str, Any] | None = None,
    config: dict[str, Any] | None = None,
) -> SyncBlock:
    document = {
        "ns": "test",
        "sync": {
            "baseUrl": base_url,
            "headers": headers
            if headers is not None
            else {"Authorization": "Bearer [[accessToken]]"},
            "syncConfiguration": config or {"timeout": 5000},
            "resources": {name: resource},
        },
    }
    miniapp = MiniApp.from_document(document)
    assert not miniapp.diagnostics, miniapp.diagnostics
    assert miniapp.sync is not None
    return miniapp.sync


def paged(size: int, **extra: Any) -> dict[str, Any]:
    """A resource reading ``/items`` with ``per_page`` = ``size``."""
    return {
        "endpoints": {"list": {"url": "/items", "method": "GET"}},
        "pagination": {"paramName": "per_page", "defaultLimit": size, "maxLimit": 250},
        **extra,
    }
