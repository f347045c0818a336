"""Posting a payload to a URL, signed the way the MiniApp's provider signs it.

The body bytes are sent exactly as given. The signature header carries the
plain digest (no ``sha256=`` prefix: the platform strips one if present).
When the MiniApp reads the event from a header or a query parameter, that
header or parameter carries the event; when it reads it from the body, the
body is left as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import httpx

from designer.core.model import MiniApp
from designer.core.webhook.verify import VerificationError, signature_header


class SendError(ValueError):
    """The request cannot be built: no event for an event header, no secret."""


@dataclass(frozen=True, slots=True)
class SignedRequest:
    """What :func:`send` posts: the URL with any event parameter, and headers."""

    url: str
    headers: dict[str, str]
    body: bytes


def build_request(
    app: MiniApp,
    body: bytes,
    url: str,
    *,
    secrets: Mapping[str, str],
    event: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> SignedRequest:
    """Headers and URL for ``body``; ``headers`` are added first and may be replaced."""
    out: dict[str, str] = {"Content-Type": "application/json"}
    out.update(headers or {})
    webhook = app.webhook
    extraction = webhook.event_extraction if webhook else None
    target = httpx.URL(url)
    if extraction is not None and not extraction.composite_parts:
        kind = (extraction.source or "body").lower()
        if kind in ("header", "query") and extraction.path:
            if event is None:
                raise SendError(
                    f"the MiniApp reads the event from {kind} {extraction.path}; "
                    "give the event name to send"
                )
            if kind == "header":
                out[extraction.path] = event
            else:
                target = target.copy_merge_params({extraction.path: event})
    try:
        signed = signature_header(
            webhook.verification if webhook else None, body, secrets
        )
    except VerificationError as exc:
        raise SendError(f"cannot sign the payload: {exc}") from exc
    if signed is not None:
        out[signed[0]] = signed[1]
    return SignedRequest(str(target), out, body)


def send(
    app: MiniApp,
    body: bytes,
    url: str,
    *,
    secrets: Mapping[str, str],
    event: str | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = 30.0,
    client: httpx.Client | None = None,
) -> httpx.Response:
    """POST ``body`` to ``url`` signed per the MiniApp; raises httpx errors."""
    request = build_request(
        app, body, url, secrets=secrets, event=event, headers=headers
    )
    if client is not None:
        return client.post(request.url, content=request.body, headers=request.headers)
    with httpx.Client(timeout=timeout) as own:
        return own.post(request.url, content=request.body, headers=request.headers)


async def send_async(
    app: MiniApp,
    body: bytes,
    url: str,
    *,
    secrets: Mapping[str, str],
    event: str | None = None,
    headers: Mapping[str, str] | None = None,
    client: httpx.AsyncClient,
) -> httpx.Response:
    """The same as :func:`send` on the window's shared async client."""
    request = build_request(
        app, body, url, secrets=secrets, event=event, headers=headers
    )
    return await client.post(request.url, content=request.body, headers=request.headers)
