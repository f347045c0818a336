"""Errors of live fetching.

::

    LiveError
     ├── RequestBuildError        the block cannot make a request yet
     │    └── PlaceholderError    a [[key]] / {{key}} / {field} has no value
     ├── ResponseError            a response that cannot be used
     │    ├── HttpStatusError     4xx / 5xx after retries
     │    └── MalformedPageError  the body is not valid JSON, or not the shape
     └── TransportError           no response at all (connection, timeout)

Each error carries the place it is about (header, URL, status) and says what
to do next. None carries a credential value.
"""

from __future__ import annotations


class LiveError(Exception):
    """Base class of every error raised by :mod:`designer.core.live`."""


class RequestBuildError(LiveError):
    """The sync block cannot produce a request (bad URL, missing endpoint)."""


class PlaceholderError(RequestBuildError):
    """A placeholder has no value: names the place and the placeholder."""

    def __init__(self, where: str, placeholder: str, hint: str) -> None:
        self.where = where
        self.placeholder = placeholder
        super().__init__(f"{where}: no value for {placeholder}. {hint}")


class ResponseError(LiveError):
    """A response arrived but cannot be used."""

    def __init__(self, message: str, *, url: str, status: int | None) -> None:
        self.url = url
        self.status = status
        super().__init__(message)


class HttpStatusError(ResponseError):
    """The server answered with an error status (after any retries)."""


class MalformedPageError(ResponseError):
    """A body that is not valid JSON, or has no records where the block says."""

    def __init__(
        self,
        message: str,
        *,
        url: str,
        status: int | None,
        offset: int | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.offset = offset
        self.line = line
        self.column = column
        super().__init__(message, url=url, status=status)


class TransportError(LiveError):
    """No response: connection refused, reset, or the timeout ran out."""

    def __init__(self, message: str, *, url: str) -> None:
        self.url = url
        super().__init__(message)
