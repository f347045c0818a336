"""What changed between two deliveries of the same event, path by path."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from designer.core.webhook.delivery import Delivery

_NOTHING = object()


@dataclass(frozen=True, slots=True)
class Change:
    """One difference: ``kind`` is ``added``, ``removed`` or ``changed``."""

    path: str
    kind: str
    old: Any = None
    new: Any = None

    def __str__(self) -> str:
        if self.kind == "added":
            return f"+ {self.path}: {brief(self.new)}"
        if self.kind == "removed":
            return f"- {self.path}: {brief(self.old)}"
        return f"~ {self.path}: {brief(self.old)} -> {brief(self.new)}"

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "kind": self.kind, "old": self.old, "new": self.new}


def brief(value: Any, limit: int = 60) -> str:
    """A value as short JSON text, cut with an ellipsis past ``limit`` characters."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _key_path(base: str, key: str) -> str:
    if key.isidentifier():
        return f"{base}.{key}"
    return f"{base}[{json.dumps(key, ensure_ascii=False)}]"


def _walk(old: Any, new: Any, path: str, out: list[Change]) -> None:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in old:
            child = _key_path(path, key)
            if key in new:
                _walk(old[key], new[key], child, out)
            else:
                out.append(Change(child, "removed", old[key]))
        for key in new:
            if key not in old:
                out.append(Change(_key_path(path, key), "added", None, new[key]))
        return
    if isinstance(old, list) and isinstance(new, list):
        for i in range(max(len(old), len(new))):
            child = f"{path}[{i}]"
            if i >= len(new):
                out.append(Change(child, "removed", old[i]))
            elif i >= len(old):
                out.append(Change(child, "added", None, new[i]))
            else:
                _walk(old[i], new[i], child, out)
        return
    # 1 and 1.0 and True differ in JSON; compare types as well as values.
    if type(old) is not type(new) or old != new:
        out.append(Change(path, "changed", old, new))


def diff_json(old: Any, new: Any) -> list[Change]:
    """Changes from ``old`` to ``new`` as JSONPath-like paths from ``$``."""
    out: list[Change] = []
    _walk(old, new, "$", out)
    return out


def diff_deliveries(old: Delivery, new: Delivery) -> list[Change]:
    """JSON diff of two bodies; a body that is not JSON is compared as text."""
    if old.parsed.ok and new.parsed.ok:
        return diff_json(old.parsed.value, new.parsed.value)
    if old.body == new.body:
        return []
    return [
        Change(
            "$",
            "changed",
            old.body.decode("utf-8", "replace"),
            new.body.decode("utf-8", "replace"),
        )
    ]


def previous_of(
    history: Sequence[tuple[str | None, Delivery]], event: str | None, before: int
) -> Delivery | None:
    """The latest delivery of ``event`` in ``history[:before]`` (event, delivery)."""
    for past_event, delivery in reversed(history[:before]):
        if past_event == event:
            return delivery
    return None
