"""Live fetching through a MiniApp's ``sync`` block (Qt-free, asyncio).

The window drives these coroutines through qasync; the CLI through
``asyncio.run``. Start with :class:`LiveSession`.
"""

from designer.core.live.client import Exchange, PageSettings, RetryPolicy
from designer.core.live.credentials import CredentialStore, credentials_from_env
from designer.core.live.errors import (
    HttpStatusError,
    LiveError,
    MalformedPageError,
    PlaceholderError,
    RequestBuildError,
    ResponseError,
    TransportError,
)
from designer.core.live.events import (
    DetailFetched,
    LiveEvent,
    PageFetched,
    ProgressCallback,
    Retrying,
)
from designer.core.live.request import (
    PreparedRequest,
    build_request,
    credential_keys,
    join_url,
    mask_headers,
)
from designer.core.live.sync import LiveSession, SyncSummary, read_page, save_sample

__all__ = [
    "CredentialStore",
    "DetailFetched",
    "Exchange",
    "HttpStatusError",
    "LiveError",
    "LiveEvent",
    "LiveSession",
    "MalformedPageError",
    "PageFetched",
    "PageSettings",
    "PlaceholderError",
    "PreparedRequest",
    "ProgressCallback",
    "RequestBuildError",
    "ResponseError",
    "RetryPolicy",
    "Retrying",
    "SyncSummary",
    "TransportError",
    "build_request",
    "credential_keys",
    "credentials_from_env",
    "join_url",
    "mask_headers",
    "read_page",
    "save_sample",
]
