"""Signature checks over the raw bytes, and the diagnosis of each kind of failure."""

from __future__ import annotations

import json
from typing import Any

import pytest

from designer.core.model import Verification
from designer.core.webhook import (
    Delivery,
    Headers,
    VerificationStatus,
    compute_signature,
    verify,
)

SECRET = "test_secret_123"
SECRETS = {"webhookSecret": SECRET}
W1_BODY = rb'{"id":1001,"note":"caf\u00e9 \/ R\u0026D","total":"10.50"}'
W1_BASE64 = "aswiXkLOrhh0Ww0MMj2ZDvShi51fE5IzHBf2xF/cfnw="
W1_HEX = "6acc225e42ceae18745b0d0c323d990ef4a18b9d5f1392331c17f6c45fdc7e7c"
W2_TEXT = '{"name":"Gift 🎁"}'
W2_BASE64 = "akKhuvHPz/SrLMMHLGGPnirWB20D9wor1Y3CV48x+qY="


def config(**kw: Any) -> Verification:
    base = {"type": "hmac-sha256", "headerName": "X-Signature"}
    base["secretKey"] = "webhookSecret"
    base.update(kw)
    return Verification.from_raw(base, ("webhook", "verification"), [])


def delivery(body: bytes, **headers: str) -> Delivery:
    return Delivery(body, Headers((k.replace("_", "-"), v) for k, v in headers.items()))


def test_w1_digests_are_over_the_exact_bytes() -> None:
    assert compute_signature(W1_BODY, SECRET, encoding="base64") == W1_BASE64
    assert compute_signature(W1_BODY, SECRET) == W1_HEX
    hex_ok = verify(config(), delivery(W1_BODY, X_Signature=W1_HEX), SECRETS)
    assert hex_ok.status == VerificationStatus.VALID
    b64 = config(encoding="base64")
    b64_ok = verify(b64, delivery(W1_BODY, X_Signature=W1_BASE64), SECRETS)
    assert b64_ok.status == VerificationStatus.VALID


def test_w1_reserialised_body_fails_and_says_why() -> None:
    # The same JSON decoded and written again (slashes and escapes change).
    rewritten = json.dumps(json.loads(W1_BODY), separators=(",", ":")).encode()
    assert rewritten != W1_BODY
    result = verify(config(), delivery(rewritten, X_Signature=W1_HEX), SECRETS)
    assert result.status == VerificationStatus.INVALID
    assert result.cause == "body-reserialised"
    assert "re-serialised" in result.reason


def test_w1_pretty_printed_body_is_diagnosed() -> None:
    compact = json.dumps({"id": 1, "name": "x"}, separators=(",", ":")).encode()
    pretty = json.dumps(json.loads(compact), indent=2).encode()
    sig = compute_signature(compact, SECRET)
    result = verify(config(), delivery(pretty, X_Signature=sig), SECRETS)
    assert result.status == VerificationStatus.INVALID
    assert result.cause == "body-reserialised"
    assert "re-serialised" in result.reason

    signed_pretty = compute_signature(pretty, SECRET)
    result = verify(config(), delivery(compact, X_Signature=signed_pretty), SECRETS)
    assert result.cause == "body-pretty-printed"
    assert "pretty-printed" in result.reason


def test_w1_newline_added_is_diagnosed() -> None:
    sig = compute_signature(W1_BODY, SECRET)
    result = verify(config(), delivery(W1_BODY + b"\n", X_Signature=sig), SECRETS)
    assert result.status == VerificationStatus.INVALID
    assert result.cause == "newline-added"
    assert "newline" in result.reason


def test_w2_non_ascii_text_is_encoded_as_utf8() -> None:
    typed = Delivery.from_text(W2_TEXT, headers=[("X-Signature", W2_BASE64)])
    assert typed.body == W2_TEXT.encode("utf-8")
    result = verify(config(encoding="base64"), typed, SECRETS)
    assert result.status == VerificationStatus.VALID
    assert compute_signature(W2_TEXT.encode(), SECRET, encoding="base64") == W2_BASE64


def test_w2_ascii_escaped_body_is_diagnosed_as_reserialised() -> None:
    escaped = json.dumps(json.loads(W2_TEXT), separators=(",", ":")).encode()
    assert b"\\ud83c" in escaped
    result = verify(
        config(encoding="base64"), delivery(escaped, X_Signature=W2_BASE64), SECRETS
    )
    assert result.status == VerificationStatus.INVALID
    assert result.cause == "body-reserialised"


def test_wrong_encoding_is_named() -> None:
    result = verify(config(), delivery(W1_BODY, X_Signature=W1_BASE64), SECRETS)
    assert result.status == VerificationStatus.INVALID
    assert result.cause == "wrong-encoding"
    assert "base64" in result.reason
    result = verify(
        config(encoding="base64"), delivery(W1_BODY, X_Signature=W1_HEX), SECRETS
    )
    assert result.cause == "wrong-encoding"


def test_wrong_secret_is_the_remaining_cause() -> None:
    result = verify(
        config(), delivery(W1_BODY, X_Signature=W1_HEX), {"webhookSecret": "nope"}
    )
    assert result.status == VerificationStatus.INVALID
    assert result.cause == "wrong-secret"
    assert "secret" in result.reason
    assert "nope" not in json.dumps(result.to_json())


def test_secret_stored_under_another_name_is_found() -> None:
    secrets = {"webhookSecret": "nope", "clientSecret": SECRET}
    result = verify(config(), delivery(W1_BODY, X_Signature=W1_HEX), secrets)
    assert result.cause == "wrong-secret-key"
    assert "clientSecret" in result.reason


def test_prefix_and_surrounding_space_are_stripped() -> None:
    for value in (f"sha256={W1_HEX}", f"  SHA256={W1_HEX} "):
        result = verify(config(), delivery(W1_BODY, X_Signature=value), SECRETS)
        assert result.status == VerificationStatus.VALID, value


def test_sha1_and_wrong_algorithm() -> None:
    sha1 = compute_signature(W1_BODY, SECRET, algorithm="sha1")
    ok = verify(config(type="hmac-sha1"), delivery(W1_BODY, X_Signature=sha1), SECRETS)
    assert ok.status == VerificationStatus.VALID
    bad = verify(config(), delivery(W1_BODY, X_Signature=f"sha1={sha1}"), SECRETS)
    assert bad.cause == "wrong-algorithm"


@pytest.mark.parametrize(
    "value",
    [
        "café",
        "   ",
        "",
        "sha256=",
        "zz" * 40,
        W1_HEX[:-1],
        W1_HEX + "00",
        "\udcff",
        "é" * 64,
    ],
)
def test_odd_header_text_never_raises(value: str) -> None:
    result = verify(config(), delivery(W1_BODY, X_Signature=value), SECRETS)
    assert result.status == VerificationStatus.INVALID


def test_missing_header_lists_headers_and_closest_name() -> None:
    d = delivery(W1_BODY, X_Signatur=W1_HEX, Content_Type="application/json")
    result = verify(config(), d, SECRETS)
    assert result.status == VerificationStatus.INVALID
    assert result.cause == "header-missing"
    assert result.details["closestHeader"] == "X-Signatur"
    assert "Content-Type" in result.details["headersPresent"]


def test_header_name_is_case_insensitive() -> None:
    d = delivery(W1_BODY, x_signature=W1_HEX)
    assert verify(config(), d, SECRETS).status == VerificationStatus.VALID


def test_header_token() -> None:
    token = config(type="header-token", headerName="X-WC-Token")
    ok = verify(token, delivery(b"{}", X_WC_Token=SECRET), SECRETS)
    assert ok.status == VerificationStatus.VALID
    bad = verify(token, delivery(b"{}", X_WC_Token="other"), SECRETS)
    assert bad.status == VerificationStatus.INVALID
    assert bad.cause == "token-mismatch"
    assert SECRET not in json.dumps(bad.to_json())
    spaced = verify(token, delivery(b"{}", X_WC_Token=f" {SECRET} "), SECRETS)
    assert spaced.cause == "token-whitespace"


def test_hmac_config_with_token_in_header() -> None:
    result = verify(config(), delivery(b"{}", X_Signature=SECRET), SECRETS)
    assert result.cause == "token-not-hmac"


def test_skipped_without_a_secret_or_a_config() -> None:
    d = delivery(W1_BODY, X_Signature=W1_HEX)
    assert verify(None, d, SECRETS).status == VerificationStatus.SKIPPED
    assert verify(config(type="none"), d, SECRETS).status == VerificationStatus.SKIPPED
    missing = verify(config(), d, {})
    assert missing.status == VerificationStatus.SKIPPED
    assert missing.cause == "secret-missing"
    assert "webhookSecret" in missing.reason
    unknown = verify(config(type="hmac-sha265"), d, SECRETS)
    assert unknown.status == VerificationStatus.SKIPPED
    assert "hmac-sha256" in unknown.reason


def test_wrong_secret_on_library_output_mentions_reserialising() -> None:
    body = json.dumps({"id": 1, "url": "https://x/y"}, indent=2).encode()
    sig = compute_signature(b"something else", SECRET)
    result = verify(config(), delivery(body, X_Signature=sig), SECRETS)
    assert result.cause == "wrong-secret"
    assert "re-serialised on the way" in result.reason


def test_no_secret_in_logs(caplog: pytest.LogCaptureFixture) -> None:
    import logging

    from designer.core.model import MiniApp
    from designer.core.webhook import process

    caplog.set_level(logging.DEBUG)
    app = MiniApp.from_document(
        {"webhook": {"verification": {"type": "header-token",
                                      "headerName": "X-Token",
                                      "secretKey": "webhookSecret"}}}
    )  # fmt: skip
    for value in (SECRET, "bad", f" {SECRET} "):
        result = process(app, delivery(b"{}", X_Token=value), secrets=SECRETS)
        assert SECRET not in json.dumps(result.to_json())
    assert SECRET not in caplog.text
