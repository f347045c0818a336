"""Finding secrets written literally where a ``[[placeholder]]`` belongs.

A MiniApp must never carry a credential: headers name stored credentials
with ``[[key]]`` (install credentials) or ``{{key}}`` (install form). This
module finds values that look like credentials and are not placeholders,
and builds the placeholder that should replace them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from designer.core.diagnostics import DocPath

PLACEHOLDER = re.compile(r"\[\[[^\[\]]+\]\]|\{\{[^{}]+\}\}")

#: Header names whose whole value is a credential.
_SECRET_HEADER = re.compile(
    r"(^authorization$|token|api[-_]?key|secret|password|^cookie$|signature)", re.I
)
#: Object keys (anywhere in the block) whose value is a credential.
_SECRET_KEY = re.compile(
    r"(token|secret|password|passwd|api[-_]?key|apikey|client[-_]?secret|private[-_]?key)",
    re.I,
)
_AUTH_SCHEME = re.compile(r"^\s*(Bearer|Basic|Token|Bot|Digest)\s+(.*)$", re.I)
#: Shapes of well-known tokens, matched in any string value.
_TOKEN_SHAPES = re.compile(
    r"\b(shpat_[0-9a-f]{16,}|shpss_[0-9a-f]{16,}|sk_live_[0-9A-Za-z]{10,}"
    r"|ck_[0-9a-f]{30,}|cs_[0-9a-f]{30,}|ghp_[0-9A-Za-z]{30,}"
    r"|eyJ[0-9A-Za-z_-]{10,}\.[0-9A-Za-z_-]{10,}\.[0-9A-Za-z_-]{5,})"
)


@dataclass(frozen=True, slots=True)
class LiteralSecret:
    """A credential written as a literal value at ``path``."""

    path: DocPath
    #: The placeholder-based value to write instead.
    suggestion: str
    reason: str


def _placeholder_name(name: str) -> str:
    words = re.split(r"[^0-9A-Za-z]+", name)
    words = [w for w in words if w]
    if not words:
        return "accessToken"
    head, *rest = words
    return head.lower() + "".join(w[:1].upper() + w[1:].lower() for w in rest)


def _check_header(name: str, value: str, path: DocPath) -> LiteralSecret | None:
    if PLACEHOLDER.search(value) or not value.strip():
        return None
    scheme = _AUTH_SCHEME.match(value)
    if scheme and name.lower() == "authorization":
        word, credential = scheme.group(1), scheme.group(2).strip()
        if not credential:
            return None
        if word.lower() == "basic":
            suggestion = "Basic [[username]]:[[password]]"
        else:
            suggestion = f"{word} [[accessToken]]"
        return LiteralSecret(
            path, suggestion, f"header {name} holds a literal {word} credential"
        )
    if _SECRET_HEADER.search(name):
        return LiteralSecret(
            path,
            f"[[{_placeholder_name(name)}]]",
            f"header {name} holds a literal credential",
        )
    if _TOKEN_SHAPES.search(value):
        return LiteralSecret(path, "[[accessToken]]", f"header {name} holds a token")
    return None


def find_literal_secrets(sync: Any, base: DocPath = ("sync",)) -> list[LiteralSecret]:
    """Every literal credential in a raw ``sync`` block."""
    found: list[LiteralSecret] = []
    if not isinstance(sync, dict):
        return found
    headers = sync.get("headers")
    if isinstance(headers, dict):
        for name, value in headers.items():
            if isinstance(value, str):
                hit = _check_header(name, value, (*base, "headers", name))
                if hit:
                    found.append(hit)
    seen = {hit.path for hit in found}
    for path, key, value in _walk(sync, base):
        if path in seen or not isinstance(value, str) or PLACEHOLDER.search(value):
            continue
        if _TOKEN_SHAPES.search(value):
            found.append(
                LiteralSecret(path, "[[accessToken]]", "a token is written here")
            )
        elif key is not None and _SECRET_KEY.search(key) and len(value) >= 8:
            if " " in value.strip():
                continue  # prose, such as a description of the field
            found.append(
                LiteralSecret(
                    path,
                    f"[[{_placeholder_name(key)}]]",
                    f"{key} holds a literal secret",
                )
            )
    return found


def _walk(
    value: Any, path: DocPath, key: str | None = None
) -> Iterator[tuple[DocPath, str | None, Any]]:
    yield path, key, value
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _walk(v, (*path, k), str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _walk(v, (*path, i), key)


def redact(sync: Any, secrets: list[LiteralSecret], base: DocPath = ("sync",)) -> Any:
    """A copy of ``sync`` with each literal secret replaced by its suggestion."""
    import copy

    out = copy.deepcopy(sync)
    for secret in secrets:
        rel = secret.path[len(base) :]
        target = out
        for seg in rel[:-1]:
            target = target[seg]
        target[rel[-1]] = secret.suggestion
    return out
