"""Literal credentials are found, and redaction writes placeholders instead."""

from __future__ import annotations

from designer.core.secrets import find_literal_secrets, redact


def test_placeholders_are_fine() -> None:
    sync = {
        "headers": {
            "Authorization": "Bearer [[accessToken]]",
            "X-Shopify-Access-Token": "[[accessToken]]",
            "Basic": "Basic [[user]]:[[secret]]",
            "Accept-Language": "ar",
        },
        "resources": {"x": {"description": "Uses the store token to list"}},
    }
    assert find_literal_secrets(sync) == []


def test_literal_bearer_and_token_headers() -> None:
    sync = {
        "headers": {
            "Authorization": "Bearer 9f8e7d6c5b4a39281706f5e4d3c2b1a0",
            "X-Shopify-Access-Token": "shpat_0123456789abcdef0123456789abcdef",
            "Content-Type": "application/json",
        }
    }
    found = {s.path: s for s in find_literal_secrets(sync)}
    assert set(found) == {
        ("sync", "headers", "Authorization"),
        ("sync", "headers", "X-Shopify-Access-Token"),
    }
    assert found[("sync", "headers", "Authorization")].suggestion == (
        "Bearer [[accessToken]]"
    )
    clean = redact(sync, list(found.values()))
    assert clean["headers"]["Authorization"] == "Bearer [[accessToken]]"
    assert clean["headers"]["X-Shopify-Access-Token"] == "[[xShopifyAccessToken]]"
    assert clean["headers"]["Content-Type"] == "application/json"
    assert sync["headers"]["Authorization"].startswith("Bearer 9f8e")  # not mutated


def test_secret_keys_and_token_shapes_anywhere() -> None:
    sync = {
        "resources": {
            "orders": {
                "endpoints": {"list": {"url": "/orders?api_key=ck_" + "a" * 40}},
                "clientSecret": "s3cr3t-value-123",
            }
        }
    }
    paths = {s.path for s in find_literal_secrets(sync)}
    assert ("sync", "resources", "orders", "endpoints", "list", "url") in paths
    assert ("sync", "resources", "orders", "clientSecret") in paths
