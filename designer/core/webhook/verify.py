"""Signature checks per ``webhook.verification``, and why a check failed.

The HMAC is computed over the body bytes exactly as received: a body that
was pretty-printed, re-serialised or given a trailing newline no longer
matches, and the diagnosis says so. Secrets are looked up by the NAME in
``secretKey``; no secret value and no computed digest is logged or reported.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from designer.core.diagnostics import closest
from designer.core.model import Verification
from designer.core.webhook.delivery import Delivery
from designer.core.webhook.results import VerificationResult, VerificationStatus

log = logging.getLogger(__name__)

#: The value saved in place of a secret header (see ``designer.core.webhook.store``).
MASKED = "<masked>"

HMAC_TYPES = {"hmac-sha256": "sha256", "hmac-sha1": "sha1"}
TYPES = (*HMAC_TYPES, "header-token", "none")
ENCODINGS = ("hex", "base64")


class VerificationError(ValueError):
    """The verification settings cannot be used to sign (unknown type, no secret)."""


def compute_signature(
    body: bytes,
    secret: str | bytes,
    *,
    algorithm: str = "sha256",
    encoding: str = "hex",
) -> str:
    """HMAC of ``body`` with ``secret`` (text is UTF-8), as hex or base64 text."""
    key = secret.encode("utf-8") if isinstance(secret, str) else secret
    digest = hmac.new(key, body, algorithm).digest()
    if encoding == "base64":
        return base64.b64encode(digest).decode("ascii")
    return digest.hex()


def _as_bytes(text: str) -> bytes:
    # Never raise on odd header text (lone surrogates, latin-1 from the server).
    return text.encode("utf-8", "replace")


def _matches(expected: str, provided: bytes) -> bool:
    return hmac.compare_digest(expected.encode("ascii"), provided)


def strip_prefix(value: str) -> str:
    """Header text without surrounding space and a ``sha256=`` / ``sha1=`` prefix."""
    value = value.strip()
    for prefix in ("sha256=", "sha1="):
        if value[: len(prefix)].lower() == prefix:
            return value[len(prefix) :].strip()
    return value


def _looks_like(value: str) -> str:
    if value and all(c in "0123456789abcdefABCDEF" for c in value):
        return f"hex, {len(value)} characters"
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return f"neither hex nor base64, {len(value)} characters"
    return f"base64 of {len(raw)} bytes"


@dataclass(frozen=True, slots=True)
class _Variant:
    body: bytes
    description: str
    #: ``body-pretty-printed``, ``body-reserialised``, ``newline-added``, ...
    cause: str


def _body_variants(body: bytes, parsed: Any, is_json: bool) -> Iterator[_Variant]:
    """Other byte forms of the same payload a sender may have signed instead."""
    seen = {body}

    def fresh(candidate: bytes, description: str, cause: str) -> Iterator[_Variant]:
        if candidate not in seen:
            seen.add(candidate)
            yield _Variant(candidate, description, cause)

    stripped = body.rstrip(b"\r\n")
    yield from fresh(
        stripped,
        "a newline seems to have been added at the end of the body after signing",
        "newline-added",
    )
    yield from fresh(
        body + b"\n",
        "a trailing newline seems to have been removed from the body after signing",
        "newline-removed",
    )
    if not is_json:
        return
    forms: list[tuple[str, dict[str, Any], str]] = [
        ("compact", {"separators": (",", ":")}, "body-reserialised"),
        ("with spaces after , and :", {}, "body-reserialised"),
        ("indented by 2", {"indent": 2}, "body-pretty-printed"),
        ("indented by 4", {"indent": 4}, "body-pretty-printed"),
    ]
    for ensure_ascii in (False, True):
        for name, kwargs, cause in forms:
            text = json.dumps(parsed, ensure_ascii=ensure_ascii, **kwargs)
            escaped = "non-ASCII escaped" if ensure_ascii else "non-ASCII as is"
            for newline in ("", "\n"):
                encoded = (text + newline).encode("utf-8")
                what = f"{name}, {escaped}{', newline at end' if newline else ''}"
                verb = (
                    "pretty-printed"
                    if cause == "body-pretty-printed"
                    else ("re-serialised")
                )
                yield from fresh(
                    encoded,
                    f"the body seems to have been {verb}: the signature matches the "
                    f"same JSON written {what}",
                    cause,
                )
        # PHP's json_encode escapes '/' as '\/' (Salla, WooCommerce), and with
        # the JSON_HEX_* flags also & < > ' (only strings can hold them).
        php = json.dumps(parsed, ensure_ascii=ensure_ascii, separators=(",", ":"))
        php = php.replace("/", "\\/")
        yield from fresh(
            php.encode("utf-8"),
            "the body seems to have been re-serialised: the signature matches the "
            "same JSON written compact with '/' escaped as '\\/' (as PHP writes it)",
            "body-reserialised",
        )
        for char, escape in _PHP_HEX.items():
            php = php.replace(char, escape)
        yield from fresh(
            php.encode("utf-8"),
            "the body seems to have been re-serialised: the signature matches the "
            "same JSON written compact with '/', '&', '<', '>' and quotes escaped "
            "(as PHP writes it with its JSON_HEX flags)",
            "body-reserialised",
        )


_PHP_HEX = {"&": "\\u0026", "<": "\\u003C", ">": "\\u003E", "'": "\\u0027"}


class _Check:
    """One verification run over one delivery."""

    def __init__(
        self, config: Verification, delivery: Delivery, secrets: Mapping[str, str]
    ) -> None:
        self.config = config
        self.delivery = delivery
        self.secrets = secrets
        self.type = (config.type or "none").strip().lower()
        self.encoding = (config.encoding or "hex").strip().lower()
        self.details: dict[str, Any] = {"type": self.type}
        if config.timestamp_header:
            self.details["timestampHeader"] = (
                f"{config.timestamp_header} is set, but the platform does not "
                "document its effect; it is not checked"
            )

    def result(
        self, status: VerificationStatus, reason: str, cause: str | None = None
    ) -> VerificationResult:
        return VerificationResult(status, reason, self.details, cause)

    def run(self) -> VerificationResult:
        if self.type == "none":
            return self.result(
                VerificationStatus.SKIPPED, "verification type is 'none'"
            )
        if self.type not in TYPES:
            hint = closest(self.type, list(TYPES))
            return self.result(
                VerificationStatus.SKIPPED,
                f"unknown verification type {self.config.type!r}"
                + (f"; did you mean {hint!r}?" if hint else ""),
                "unknown-type",
            )
        if self.encoding not in ENCODINGS:
            return self.result(
                VerificationStatus.SKIPPED,
                f"unknown encoding {self.config.encoding!r}; use 'hex' or 'base64'",
                "unknown-encoding",
            )
        secret_key = self.config.secret_key
        if not secret_key:
            return self.result(
                VerificationStatus.SKIPPED,
                "verification.secretKey is not set: there is no secret to check with",
                "secret-missing",
            )
        secret = self.secrets.get(secret_key)
        if secret is None:
            return self.result(
                VerificationStatus.SKIPPED,
                f"no value for the secret {secret_key!r}, so the signature was not "
                "checked; give it (the window's Secret… button, or --secret-env "
                "VAR on the command line) to check signatures",
                "secret-missing",
            )
        header_name = self.config.header_name
        if not header_name:
            return self.result(
                VerificationStatus.INVALID,
                "verification.headerName is not set",
                "header-name-missing",
            )
        self.details["header"] = header_name
        raw_value = self.delivery.headers.get(header_name)
        if raw_value is None:
            return self._header_missing(header_name)
        if raw_value == MASKED:
            return self.result(
                VerificationStatus.SKIPPED,
                f"header {header_name} was masked when the delivery was saved",
                "header-masked",
            )
        if self.type == "header-token":
            return self._header_token(raw_value, secret)
        return self._hmac(raw_value, secret)

    def _header_missing(self, header_name: str) -> VerificationResult:
        names = self.delivery.headers.names()
        lowered = {n.lower(): n for n in names}
        hint = closest(header_name.lower(), list(lowered))
        self.details["headersPresent"] = names
        reason = f"header {header_name} is missing"
        if hint:
            self.details["closestHeader"] = lowered[hint]
            reason += f"; did you mean {lowered[hint]}?"
        else:
            like = [
                n
                for n in names
                if any(w in n.lower() for w in ("signature", "hmac", "token", "auth"))
            ]
            if like:
                reason += f"; headers that look like one: {', '.join(like)}"
        return self.result(VerificationStatus.INVALID, reason, "header-missing")

    def _header_token(self, value: str, secret: str) -> VerificationResult:
        header = self.details["header"]
        if hmac.compare_digest(_as_bytes(value), _as_bytes(secret)):
            return self.result(
                VerificationStatus.VALID, f"{header} equals the stored secret"
            )
        near: list[tuple[str, str, str]] = [
            (value.strip(), "surrounding whitespace", "token-whitespace"),
            (
                value.strip().removeprefix("Bearer ").strip(),
                "a 'Bearer ' prefix",
                "token-prefix",
            ),
        ]
        for candidate, what, cause in near:
            if candidate != value and hmac.compare_digest(
                _as_bytes(candidate), _as_bytes(secret)
            ):
                return self.result(
                    VerificationStatus.INVALID,
                    f"{header} holds the secret with {what}; the platform compares "
                    "the header with the secret exactly",
                    cause,
                )
        return self.result(
            VerificationStatus.INVALID,
            f"{header} does not equal the stored secret "
            f"{self.config.secret_key!r}; check the secret",
            "token-mismatch",
        )

    def _hmac(self, raw_value: str, secret: str) -> VerificationResult:
        header = self.details["header"]
        algorithm = HMAC_TYPES[self.type]
        value = strip_prefix(raw_value)
        provided = _as_bytes(value)
        body = self.delivery.body
        self.details["encoding"] = self.encoding
        expected = compute_signature(
            body, secret, algorithm=algorithm, encoding=self.encoding
        )
        if _matches(expected, provided):
            return self.result(
                VerificationStatus.VALID,
                f"{header} matches the {self.type} of the raw body ({self.encoding})",
            )
        self.details["signatureFormat"] = _looks_like(value)
        reason, cause = self._diagnose(value, provided, secret, algorithm)
        log.debug("verification failed: %s", cause)
        return self.result(
            VerificationStatus.INVALID, f"{header} does not match: {reason}", cause
        )

    def _diagnose(
        self, value: str, provided: bytes, secret: str, algorithm: str
    ) -> tuple[str, str]:
        body = self.delivery.body
        other = "base64" if self.encoding == "hex" else "hex"
        if _matches(
            compute_signature(body, secret, algorithm=algorithm, encoding=other),
            provided,
        ):
            return (
                f"the signature is {other}-encoded but verification.encoding is "
                f"{self.encoding!r}; set encoding: '{other}'",
                "wrong-encoding",
            )
        if self.encoding == "hex" and _matches(
            compute_signature(body, secret, algorithm=algorithm),
            _as_bytes(value.lower()),
        ):
            return (
                "the hex digest is in upper case; the platform compares exactly",
                "hex-case",
            )
        other_algorithm = "sha1" if algorithm == "sha256" else "sha256"
        for encoding in ENCODINGS:
            if _matches(
                compute_signature(
                    body, secret, algorithm=other_algorithm, encoding=encoding
                ),
                provided,
            ):
                return (
                    f"the signature is an HMAC-{other_algorithm.upper()} ({encoding}); "
                    f"set type: 'hmac-{other_algorithm}'",
                    "wrong-algorithm",
                )
        parsed = self.delivery.parsed
        for variant in _body_variants(body, parsed.value, parsed.ok):
            for encoding in (self.encoding, other):
                candidate = compute_signature(
                    variant.body, secret, algorithm=algorithm, encoding=encoding
                )
                if _matches(candidate, provided):
                    return (
                        f"{variant.description}. The signature is over the raw "
                        "bytes, so send the body exactly as it was signed",
                        variant.cause,
                    )
        if hmac.compare_digest(provided, _as_bytes(secret)):
            return (
                "the header holds the secret itself; use type: 'header-token'",
                "token-not-hmac",
            )
        for name, other_secret in self.secrets.items():
            if name == self.config.secret_key:
                continue
            for encoding in ENCODINGS:
                candidate = compute_signature(
                    body, other_secret, algorithm=algorithm, encoding=encoding
                )
                if _matches(candidate, provided):
                    return (
                        f"the signature matches the secret stored as {name!r}; "
                        f"set secretKey: '{name}'",
                        "wrong-secret-key",
                    )
        reason = (
            "no encoding and no re-serialised form of the body matches, so the "
            f"secret {self.config.secret_key!r} is probably wrong"
        )
        if parsed.ok and _is_library_output(body, parsed.value):
            reason += (
                "; or the body was re-serialised on the way: these bytes are exactly "
                "what a JSON library writes, and escapes such as \\u00e9 or \\/ in "
                "the original cannot be rebuilt"
            )
        return reason, "wrong-secret"


def _is_library_output(body: bytes, parsed: Any) -> bool:
    """True when ``body`` is byte for byte a common JSON library's output."""
    text = body.decode("utf-8", "replace").rstrip("\n")
    for ensure_ascii in (False, True):
        for kwargs in ({"separators": (",", ":")}, {}, {"indent": 2}, {"indent": 4}):
            if json.dumps(parsed, ensure_ascii=ensure_ascii, **kwargs) == text:
                return True
    return False


def verify(
    config: Verification | None, delivery: Delivery, secrets: Mapping[str, str]
) -> VerificationResult:
    """Check ``delivery`` as the platform would; never raises on odd input."""
    if config is None:
        return VerificationResult(
            VerificationStatus.SKIPPED, "the MiniApp has no webhook.verification"
        )
    return _Check(config, delivery, secrets).run()


def signature_header(
    config: Verification | None, body: bytes, secrets: Mapping[str, str]
) -> tuple[str, str] | None:
    """The header a provider would send with ``body``, or None for ``none``.

    Raises :class:`VerificationError` when the settings cannot sign.
    """
    if config is None:
        return None
    kind = (config.type or "none").strip().lower()
    if kind == "none":
        return None
    if kind not in TYPES:
        raise VerificationError(f"unknown verification type {config.type!r}")
    if not config.header_name:
        raise VerificationError("verification.headerName is not set")
    if not config.secret_key or config.secret_key not in secrets:
        raise VerificationError(
            f"no secret named {config.secret_key!r} to sign with; provide it"
        )
    secret = secrets[config.secret_key]
    if kind == "header-token":
        return config.header_name, secret
    encoding = (config.encoding or "hex").strip().lower()
    if encoding not in ENCODINGS:
        raise VerificationError(f"unknown encoding {config.encoding!r}")
    value = compute_signature(
        body, secret, algorithm=HMAC_TYPES[kind], encoding=encoding
    )
    return config.header_name, value
