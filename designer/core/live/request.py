"""Requests built from a ``sync`` block exactly as the platform would send them.

* URL: ``baseUrl`` + endpoint ``url`` with one ``/`` between them; an endpoint
  URL that is absolute (has a scheme and host) is used as it is.
* Headers: ``[[key]]`` is filled from credentials, ``{{key}}`` from inputs
  (install-form values, then system values: the caller merges them). A
  placeholder that is the whole value keeps the value's type; inside text it
  is written as text.
* ``Authorization: Basic [[user]]:[[secret]]`` is sent with the filled
  ``user:secret`` base64-encoded; ``Basic [[apiKey]]:`` means an empty password.
* ``{field}`` in an endpoint URL (details: ``/products/{id}``) is filled from
  the record, URL-quoted; a dotted field (``{customer.id}``) is looked up.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

from designer.core.live._paths import is_missing, resolve_dotted
from designer.core.live.errors import PlaceholderError, RequestBuildError
from designer.core.model import Endpoint, Resource, SyncBlock

CREDENTIAL = re.compile(r"\[\[\s*([^\[\]]+?)\s*\]\]")
INPUT = re.compile(r"\{\{\s*([^{}]+?)\s*\}\}")
# One brace each side, not part of a {{key}}.
RECORD_FIELD = re.compile(r"(?<!\{)\{([^{}/?&=\s]+)\}(?!\})")
_BASIC = re.compile(r"^\s*Basic\s+(.*)$", re.IGNORECASE | re.DOTALL)

#: Header names whose value is always a secret, lower-cased.
SECRET_HEADER_NAMES = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
        "x-api-key",
        "api-key",
        "apikey",
    }
)
_SECRET_NAME_PARTS = ("token", "secret", "password", "api-key", "apikey", "signature")
MASK = "****"


@dataclass(frozen=True)
class PreparedRequest:
    """A request ready to send, plus what must never be shown of it."""

    method: str
    url: str
    headers: dict[str, str] = field(repr=False)
    #: Names of the headers whose template held a ``[[credential]]``.
    secret_headers: frozenset[str] = frozenset()
    #: Secret text as sent (credential values, Basic tokens) -> its placeholder.
    secrets: Mapping[str, str] = field(default_factory=dict, repr=False)

    @property
    def masked_headers(self) -> dict[str, str]:
        return mask_headers(self.headers, self.secret_headers)


class _Filler:
    """Fills placeholders and remembers every secret it wrote."""

    def __init__(
        self, credentials: Mapping[str, object], inputs: Mapping[str, object]
    ) -> None:
        self.credentials = credentials
        self.inputs = inputs
        self.secrets: dict[str, str] = {}
        self.used_credential = False

    def _credential(self, key: str, where: str) -> object:
        if key not in self.credentials or self.credentials[key] in (None, ""):
            raise PlaceholderError(
                where,
                f"[[{key}]]",
                f"Enter the credential '{key}' (kept in the system keyring), or "
                "for the command line set it in an environment variable "
                "(see --token-env).",
            )
        value = self.credentials[key]
        text = _as_text(value)
        if text:
            self.secrets[text] = f"[[{key}]]"
            self.secrets.setdefault(quote(text, safe=""), f"[[{key}]]")
        self.used_credential = True
        return value

    def _input(self, key: str, where: str) -> object:
        if key not in self.inputs or self.inputs[key] is None:
            raise PlaceholderError(
                where,
                "{{" + key + "}}",
                f"Give a value for the install-form input '{key}'.",
            )
        return self.inputs[key]

    def fill(self, template: object, where: str) -> object:
        """Fill one value; a whole-value placeholder keeps the value's type."""
        if not isinstance(template, str):
            return template
        whole = CREDENTIAL.fullmatch(template.strip())
        if whole:
            return self._credential(whole.group(1), where)
        whole = INPUT.fullmatch(template.strip())
        if whole:
            return self._input(whole.group(1), where)
        text = CREDENTIAL.sub(
            lambda m: _as_text(self._credential(m.group(1), where)), template
        )
        return INPUT.sub(lambda m: _as_text(self._input(m.group(1), where)), text)

    def header(self, name: str, template: object) -> str:
        where = f"header {name!r}"
        if isinstance(template, str):
            basic = _BASIC.match(template)
            if basic and (CREDENTIAL.search(basic.group(1)) or INPUT.search(template)):
                pair = _as_text(self.fill(basic.group(1), where))
                token = base64.b64encode(pair.encode("utf-8")).decode("ascii")
                if self.used_credential:
                    self.secrets[token] = "[[basic-auth]]"
                return f"Basic {token}"
        return _as_text(self.fill(template, where))


def _as_text(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def join_url(base: str | None, url: str | None) -> str:
    """``base`` + ``url`` with exactly one slash between; an absolute ``url`` wins."""
    url = url or ""
    parts = urlsplit(url)
    if parts.scheme and parts.netloc:
        return url
    if not base:
        if not url:
            raise RequestBuildError("no URL: the sync block has no baseUrl")
        raise RequestBuildError(
            f"endpoint URL {url!r} is relative and the sync block has no baseUrl; "
            "add baseUrl or write the full URL"
        )
    if not url:
        return base
    if url.startswith(("?", "#")):
        return base + url
    return base.rstrip("/") + "/" + url.lstrip("/")


def fill_record_fields(url: str, record: object, *, where: str = "details URL") -> str:
    """Fill ``{field}`` from ``record``, URL-quoted; a missing field is an error."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        found = resolve_dotted(record, name)
        if is_missing(found) or found is None:
            keys = ", ".join(sorted(record)) if isinstance(record, dict) else ""
            hint = (
                f"The record has: {keys}." if keys else "The record is not an object."
            )
            raise PlaceholderError(where, "{" + name + "}", hint)
        return quote(_as_text(found), safe="")

    return RECORD_FIELD.sub(value, url)


def build_request(
    sync: SyncBlock,
    endpoint: Endpoint,
    *,
    credentials: Mapping[str, object],
    inputs: Mapping[str, object] | None = None,
    record: object = None,
    params: Mapping[str, object] | None = None,
    base_url: str | None = None,
    where: str = "endpoint",
) -> PreparedRequest:
    """The request for ``endpoint``: URL, method and headers filled from the block."""
    filler = _Filler(credentials, inputs or {})
    base = base_url if base_url is not None else sync.base_url
    base_text = _as_text(filler.fill(base, "baseUrl")) if base else None
    url_text = _as_text(filler.fill(endpoint.url or "", f"{where} url"))
    if record is not None:
        url_text = fill_record_fields(url_text, record, where=f"{where} url")
    elif RECORD_FIELD.search(url_text):
        raise RequestBuildError(
            f"{where} url {endpoint.url!r} needs a record to fill "
            f"{RECORD_FIELD.search(url_text).group(0)}"  # type: ignore[union-attr]
        )
    url = join_url(base_text, url_text)
    if params:
        url = add_params(url, params)
    headers: dict[str, str] = {}
    secret_headers: set[str] = set()
    for name, template in (sync.headers or {}).items():
        headers[name] = filler.header(name, template)
        if isinstance(template, str) and CREDENTIAL.search(template):
            secret_headers.add(name)
    return PreparedRequest(
        endpoint.http_method, url, headers, frozenset(secret_headers), filler.secrets
    )


def add_params(url: str, params: Mapping[str, object]) -> str:
    """``url`` with ``params`` set in its query (replacing the same names)."""
    import httpx  # local: keeps this module cheap to import for the checker

    clean = {k: _as_text(v) for k, v in params.items() if v is not None}
    return str(httpx.URL(url).copy_merge_params(clean))


def is_secret_header(name: str, secret_headers: Iterable[str] = ()) -> bool:
    lower = name.lower()
    if lower in SECRET_HEADER_NAMES or lower in {h.lower() for h in secret_headers}:
        return True
    return any(part in lower for part in _SECRET_NAME_PARTS)


def mask_headers(
    headers: Mapping[str, str], secret_headers: Iterable[str] = ()
) -> dict[str, str]:
    """Headers for display and logs: every credential value replaced by ``****``.

    A value with an auth scheme keeps the scheme (``Bearer ****``).
    """
    secret = set(secret_headers)
    masked: dict[str, str] = {}
    for name, value in headers.items():
        if not is_secret_header(name, secret):
            masked[name] = value
            continue
        scheme, _, rest = value.partition(" ")
        if rest and scheme.isalpha() and len(scheme) <= 10:
            masked[name] = f"{scheme} {MASK}"
        else:
            masked[name] = MASK
    return masked


def credential_keys(sync: SyncBlock, resource: Resource | None = None) -> list[str]:
    """The ``[[key]]`` names the block's requests need, in order of appearance."""
    texts: list[Any] = [sync.base_url, *(sync.headers or {}).values()]
    resources = [resource] if resource else list(sync.resources.values())
    for res in resources:
        texts.extend(e.url for e in res.endpoints.values())
    keys: list[str] = []
    for text in texts:
        if isinstance(text, str):
            for key in CREDENTIAL.findall(text):
                if key not in keys:
                    keys.append(key)
    return keys
