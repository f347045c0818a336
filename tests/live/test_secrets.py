"""Credentials never leak: logs, summaries, errors, saved samples; keyring fallback."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path

import pytest

from designer.core.live import (
    CredentialStore,
    LiveSession,
    SyncSummary,
    credentials_from_env,
    save_sample,
)

from .conftest import TOKEN, envelope, paged, records, sync_block


def _sync_with_token_everywhere(url: str):
    resource = paged(
        5,
        responseMapping={"dataProperty": "data", "totalProperty": "pagination.total"},
        expandDetails=True,
    )
    resource["endpoints"]["list"]["url"] = "/items?access_token=[[accessToken]]"
    resource["endpoints"]["details"] = {
        "url": "/items/{id}?access_token=[[accessToken]]"
    }
    return sync_block(
        url,
        resource,
        headers={
            "Authorization": "Bearer [[accessToken]]",
            "X-Access-Token": "[[accessToken]]",
        },
    )


def test_token_never_in_logs_summary_or_errors(samples, provider, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    items = records(12)
    items[3]["note"] = f"echo {TOKEN}"  # a server that echoes the token back
    mock = provider(
        samples(items=envelope(items)),
        token=TOKEN,
        fail_every=4,
        fail_status=503,
        retry_after="0",
        malformed_page=3,
    )
    sync = _sync_with_token_everywhere(mock.url)
    events: list[object] = []

    async def go() -> tuple[SyncSummary, list[object]]:
        async with LiveSession(
            sync, credentials={"accessToken": TOKEN}, progress=events.append
        ) as session:
            summary = await session.run("items")
            exchange = await session.fetch_page("items")
            return summary, [exchange.to_json(), repr(exchange)]

    summary, shown = asyncio.run(go())
    assert summary.retries >= 1 and summary.errors  # retried, then the malformed page
    assert all(r.headers.get("X-Access-Token") == TOKEN for r in mock.requests)
    logged = caplog.text
    assert "GET http://127.0.0.1" in logged  # the client did log its requests
    assert TOKEN not in logged
    assert TOKEN not in json.dumps(summary.to_json())
    assert TOKEN not in repr(summary)
    assert TOKEN not in repr(events)
    assert TOKEN not in json.dumps(shown[0]) and TOKEN not in shown[1]
    assert "[[accessToken]]" in events[0].url  # type: ignore[attr-defined]


def test_saved_sample_is_scrubbed_and_atomic(samples, provider, tmp_path: Path) -> None:
    items = records(2)
    items[0]["webhook"] = f"https://hooks.example/x?token={TOKEN}"
    mock = provider(samples(items=envelope(items)), token=TOKEN)
    sync = _sync_with_token_everywhere(mock.url)

    async def go():
        async with LiveSession(sync, credentials={"accessToken": TOKEN}) as session:
            return await session.fetch_page("items")

    exchange = asyncio.run(go())
    assert TOKEN.encode() in exchange.body
    target = save_sample(exchange, tmp_path / "out" / "items.json", meta=True)
    saved = target.read_bytes()
    meta = (tmp_path / "out" / "items.json.meta.json").read_text()
    assert TOKEN.encode() not in saved
    assert b"token=[[accessToken]]" in saved
    assert json.loads(saved)["data"][1] == {"id": 2, "name": "item 2"}
    assert TOKEN not in meta and "access_token=[[accessToken]]" in meta
    assert sorted(p.name for p in target.parent.iterdir()) == [
        "items.json",
        "items.json.meta.json",
    ]  # no temporary file left behind


def test_basic_token_is_scrubbed_too(samples, provider, tmp_path: Path) -> None:
    import base64

    encoded = base64.b64encode(f"ck_user:{TOKEN}".encode()).decode()
    items = [{"id": 1, "auth": f"Basic {encoded}"}]
    mock = provider(samples(items=envelope(items)), token=TOKEN)
    sync = sync_block(
        mock.url, paged(5), headers={"Authorization": "Basic [[user]]:[[secret]]"}
    )

    async def go():
        async with LiveSession(
            sync, credentials={"user": "ck_user", "secret": TOKEN}
        ) as s:
            return await s.fetch_page("items")

    exchange = asyncio.run(go())
    assert exchange.status == 200
    saved = save_sample(exchange, tmp_path / "basic.json").read_text()
    assert encoded not in saved and "[[basic-auth]]" in saved


def test_credential_store_asks_once_and_keeps_in_memory() -> None:
    store = CredentialStore("salla", use_keyring=False)
    asked: list[str] = []

    def ask(key: str) -> str:
        asked.append(key)
        return "value-" + key

    assert store.resolve(["accessToken"], ask) == {"accessToken": "value-accessToken"}
    assert store.resolve(["accessToken"], ask) == {"accessToken": "value-accessToken"}
    assert asked == ["accessToken"]
    assert store.service == "sync-designer/salla"
    assert not store.persistent
    store.delete("accessToken")
    assert store.get("accessToken") is None


def test_credential_store_falls_back_without_a_keyring_backend() -> None:
    import keyring
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        store = CredentialStore("zid")
        store.set("token", "t1")
        assert not store.persistent
        assert store.get("token") == "t1"
    finally:
        keyring.set_keyring(previous)


def test_credentials_from_env() -> None:
    env = {"SYNC_DESIGNER_TOKEN": "tok", "SYNC_DESIGNER_USER": "u1"}
    assert credentials_from_env(["accessToken"], environ=env) == {"accessToken": "tok"}
    assert credentials_from_env(["user", "secret"], environ=env) == {
        "user": "u1",
        "secret": "tok",
    }
    assert credentials_from_env(["a"], token_env="MY_VAR", environ={"MY_VAR": "x"}) == {
        "a": "x"
    }


@pytest.mark.parametrize("name", ["settings.ini", "miniapp.json"])
def test_nothing_writes_credentials_to_disk_by_itself(
    tmp_path: Path, name: str
) -> None:
    store = CredentialStore("ns", use_keyring=False)
    store.set("accessToken", TOKEN)
    assert list(tmp_path.iterdir()) == []


def test_scrub_leaves_words_that_contain_a_short_secret() -> None:
    from designer.core.live.client import scrub

    secrets = {"wrong": "[[accessToken]]", "0123456789abcdef": "[[apiKey]]"}
    text = "missing or wrong access token; Bearer wrong; key=0123456789abcdefXYZ"
    assert scrub(text, secrets) == (
        "missing or [[accessToken]] access token; Bearer [[accessToken]]; "
        "key=[[apiKey]]XYZ"
    )
    assert scrub("a wrongly spelled word", secrets) == "a wrongly spelled word"
