"""Building requests from the sync block: URLs, placeholders, Basic auth, masking."""

from __future__ import annotations

import asyncio
import base64

import pytest

from designer.core.live import (
    LiveSession,
    PlaceholderError,
    RequestBuildError,
    build_request,
    credential_keys,
    join_url,
    mask_headers,
)
from designer.core.model import Endpoint

from .conftest import TOKEN, envelope, paged, records, sync_block


@pytest.mark.parametrize(
    ("base", "url", "joined"),
    [
        ("https://api.example.com/v2", "/orders", "https://api.example.com/v2/orders"),
        ("https://api.example.com/v2/", "/orders", "https://api.example.com/v2/orders"),
        ("https://api.example.com/v2/", "orders", "https://api.example.com/v2/orders"),
        ("https://api.example.com/v2", "orders", "https://api.example.com/v2/orders"),
        ("https://api.example.com/v2", "", "https://api.example.com/v2"),
        ("https://api.example.com/v2", "?a=1", "https://api.example.com/v2?a=1"),
        (
            "https://api.example.com/v2",
            "https://other.example/x",
            "https://other.example/x",
        ),
        (None, "https://other.example/x", "https://other.example/x"),
    ],
)
def test_join_url(base: str | None, url: str, joined: str) -> None:
    assert join_url(base, url) == joined


def test_relative_url_without_base_url_is_an_error() -> None:
    with pytest.raises(RequestBuildError, match="baseUrl"):
        join_url(None, "/orders")


def test_placeholders_fill_headers_and_whole_values_keep_type() -> None:
    sync = sync_block(
        "https://{{subdomain}}.example.com/api",
        paged(10),
        headers={
            "Authorization": "Bearer [[accessToken]]",
            "X-Store": "{{storeId}}",
            "X-Mixed": "store-{{storeId}}",
        },
    )
    endpoint = Endpoint(url="/items")
    request = build_request(
        sync,
        endpoint,
        credentials={"accessToken": TOKEN},
        inputs={"subdomain": "shop", "storeId": 42},
    )
    assert request.url == "https://shop.example.com/api/items"
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert request.headers["X-Store"] == "42"
    assert request.headers["X-Mixed"] == "store-42"
    assert request.secret_headers == {"Authorization"}
    # The whole-value rule: the filler returns the input's own type.
    from designer.core.live.request import _Filler

    assert _Filler({}, {"n": 42}).fill("{{n}}", "x") == 42
    assert _Filler({"b": True}, {}).fill("[[b]]", "x") is True
    assert _Filler({}, {"n": 42}).fill("n={{n}}", "x") == "n=42"


def test_missing_credential_names_the_header_and_placeholder() -> None:
    sync = sync_block("https://api.example.com", paged(10))
    with pytest.raises(PlaceholderError) as caught:
        build_request(sync, Endpoint(url="/items"), credentials={})
    assert caught.value.where == "header 'Authorization'"
    assert caught.value.placeholder == "[[accessToken]]"
    assert "header 'Authorization'" in str(caught.value)
    assert "[[accessToken]]" in str(caught.value)


def test_missing_input_is_named() -> None:
    sync = sync_block(
        "https://api.example.com", paged(10), headers={"X-Store": "{{storeId}}"}
    )
    with pytest.raises(PlaceholderError, match=r"header 'X-Store'.*\{\{storeId\}\}"):
        build_request(sync, Endpoint(url="/items"), credentials={})


@pytest.mark.parametrize(
    ("template", "credentials", "pair"),
    [
        ("Basic [[user]]:[[secret]]", {"user": "ck_1", "secret": "cs_2"}, "ck_1:cs_2"),
        ("Basic [[apiKey]]:", {"apiKey": "key_77"}, "key_77:"),
    ],
)
def test_basic_auth_is_base64_encoded(
    template: str, credentials: dict[str, str], pair: str
) -> None:
    sync = sync_block(
        "https://api.example.com", paged(10), headers={"Authorization": template}
    )
    request = build_request(sync, Endpoint(url="/items"), credentials=credentials)
    expected = base64.b64encode(pair.encode()).decode()
    assert request.headers["Authorization"] == f"Basic {expected}"
    assert mask_headers(request.headers, request.secret_headers) == {
        "Authorization": "Basic ****"
    }


def test_basic_auth_reaches_a_real_server(samples, provider) -> None:
    folder = samples(items=envelope(records(3)))
    mock = provider(folder, token="key_77")
    sync = sync_block(
        mock.url, paged(10), headers={"Authorization": "Basic [[apiKey]]:"}
    )

    async def go():
        async with LiveSession(sync, credentials={"apiKey": "key_77"}) as session:
            return await session.fetch_page("items")

    exchange = asyncio.run(go())
    assert exchange.status == 200
    sent = mock.requests[0].headers["Authorization"]
    assert sent == "Basic " + base64.b64encode(b"key_77:").decode()
    assert exchange.request_headers["Authorization"] == "Basic ****"


def test_details_url_fills_fields_quoted_and_names_a_missing_one() -> None:
    sync = sync_block("https://api.example.com", paged(10))
    endpoint = Endpoint(url="/stores/{store.id}/items/{id}")
    request = build_request(
        sync,
        endpoint,
        credentials={"accessToken": TOKEN},
        record={"id": "a/b c", "store": {"id": 7}},
    )
    assert request.url == "https://api.example.com/stores/7/items/a%2Fb%20c"
    with pytest.raises(PlaceholderError, match=r"\{store.id\}.*has: id"):
        build_request(
            sync, endpoint, credentials={"accessToken": TOKEN}, record={"id": 1}
        )


def test_page_size_goes_in_param_name_and_never_above_max_limit(
    samples, provider
) -> None:
    folder = samples(items=envelope(records(3)))
    mock = provider(folder, token=TOKEN)
    resource = paged(10)
    resource["pagination"] = {
        "paramName": "limit",
        "defaultLimit": 500,
        "maxLimit": 100,
    }
    sync = sync_block(mock.url, resource)

    async def go():
        async with LiveSession(sync, credentials={"accessToken": TOKEN}) as session:
            return await session.fetch_page("items", 4)

    exchange = asyncio.run(go())
    assert exchange.url.endswith("/items?limit=100&page=4")
    assert mock.requests[0].path == "/items?limit=100&page=4"


def test_mask_headers() -> None:
    masked = mask_headers(
        {
            "Authorization": "Bearer abc",
            "X-Shopify-Access-Token": "shpat_1",
            "X-Custom": "plain[[x]]-filled",
            "Cookie": "s=1",
            "Accept": "application/json",
        },
        secret_headers={"X-Custom"},
    )
    assert masked == {
        "Authorization": "Bearer ****",
        "X-Shopify-Access-Token": "****",
        "X-Custom": "****",
        "Cookie": "****",
        "Accept": "application/json",
    }


def test_credential_keys_in_order() -> None:
    sync = sync_block(
        "https://[[shop]].example.com",
        paged(10),
        headers={"Authorization": "Basic [[user]]:[[secret]]", "X-Other": "[[user]]"},
    )
    assert credential_keys(sync) == ["shop", "user", "secret"]
