"""Credentials for ``[[key]]`` placeholders: asked once, kept in the keyring.

Values live in the system keyring under the service ``sync-designer/<ns>``
(user name = the credential key). Where no keyring backend works (the
``fail`` backend, a locked or missing Secret Service), they are kept in
memory for the session only. A credential is never written to the MiniApp,
an export, the settings file, a log line or a saved sample.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Protocol

logger = logging.getLogger(__name__)

SERVICE_PREFIX = "sync-designer/"
#: The command line's default environment variable for a single credential.
DEFAULT_TOKEN_ENV = "SYNC_DESIGNER_TOKEN"


class CredentialStore:
    """Credential values of one MiniApp namespace.

    ``use_keyring=False`` keeps everything in memory (tests, or a user who
    does not want the keyring touched).
    """

    def __init__(self, namespace: str, *, use_keyring: bool = True) -> None:
        self.service = SERVICE_PREFIX + (namespace or "default")
        self._memory: dict[str, str] = {}
        self._keyring = _usable_keyring() if use_keyring else None

    @property
    def persistent(self) -> bool:
        """True when values survive the session (a real keyring backend)."""
        return self._keyring is not None

    def get(self, key: str) -> str | None:
        if key in self._memory:
            return self._memory[key]
        if self._keyring is None:
            return None
        try:
            value = self._keyring.get_password(self.service, key)
        except Exception as exc:  # keyring backends raise their own types
            logger.warning(
                "keyring unavailable, keeping credentials in memory: %s", exc
            )
            self._keyring = None
            return None
        if value is not None:
            self._memory[key] = value
        return value

    def set(self, key: str, value: str) -> None:
        self._memory[key] = value
        if self._keyring is None:
            return
        try:
            self._keyring.set_password(self.service, key, value)
        except Exception as exc:
            logger.warning(
                "keyring unavailable, keeping credentials in memory: %s", exc
            )
            self._keyring = None

    def delete(self, key: str) -> None:
        self._memory.pop(key, None)
        if self._keyring is None:
            return
        try:
            self._keyring.delete_password(self.service, key)
        except Exception as exc:
            logger.debug("could not delete %s from the keyring: %s", key, exc)

    def resolve(
        self, keys: Iterable[str], ask: Callable[[str], str | None] | None = None
    ) -> dict[str, str]:
        """Values for ``keys``: stored ones, else asked once with ``ask`` and kept."""
        values: dict[str, str] = {}
        for key in keys:
            value = self.get(key)
            if value is None and ask is not None:
                value = ask(key)
                if value:
                    self.set(key, value)
            if value:
                values[key] = value
        return values


def _usable_keyring() -> _Backend | None:
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return None
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring):
        logger.debug("no keyring backend; credentials stay in memory")
        return None
    return backend


class _Backend(Protocol):
    """The part of a keyring backend this module uses."""

    def get_password(self, service: str, username: str) -> str | None: ...
    def set_password(self, service: str, username: str, password: str) -> None: ...
    def delete_password(self, service: str, username: str) -> None: ...


def env_name(key: str) -> str:
    """``SYNC_DESIGNER_<KEY>``: the variable the CLI reads for credential ``key``."""
    return "SYNC_DESIGNER_" + re.sub(r"[^A-Za-z0-9]+", "_", key).strip("_").upper()


def credentials_from_env(
    keys: Iterable[str],
    *,
    token_env: str = DEFAULT_TOKEN_ENV,
    environ: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Credential values from the environment, for the command line.

    Each key is read from ``SYNC_DESIGNER_<KEY>``; the first key that has no
    such variable is read from ``token_env`` (so a block with one credential
    needs only ``SYNC_DESIGNER_TOKEN``).
    """
    env = os.environ if environ is None else environ
    values: dict[str, str] = {}
    token_used = False
    for key in keys:
        value = env.get(env_name(key))
        if not value and not token_used and env.get(token_env):
            value = env[token_env]
            token_used = True
        if value:
            values[key] = value
    return values
