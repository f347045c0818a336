"""The catalogue of content types: which fields a record of each type has.

The platform does not publish its field lists. The bundled catalogue
(``data/content_types.json``) records, for each field, where its definition
came from; users can add catalogue files of the same shape, whose types
replace or extend the bundled ones.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from designer.core.diagnostics import closest


class CatalogueError(Exception):
    """A catalogue file cannot be read; the message names the file and the place."""


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    type: str
    description: str = ""
    required: bool = False
    source: str = ""
    #: For array fields mapped with mapItems: the fields of one item.
    item_fields: tuple[FieldSpec, ...] = ()


@dataclass(frozen=True, slots=True)
class ContentType:
    id: str
    label: str
    record_type: str
    fields: tuple[FieldSpec, ...]
    aliases: tuple[str, ...] = ()

    def field(self, name: str) -> FieldSpec | None:
        for spec in self.fields:
            if spec.name == name:
                return spec
        return None

    @property
    def required(self) -> tuple[FieldSpec, ...]:
        return tuple(f for f in self.fields if f.required)

    def field_types(self) -> dict[str, str]:
        """Field name -> type, for checking mapped values."""
        return {f.name: f.type for f in self.fields}

    def item_field_types(self) -> dict[str, dict[str, str]]:
        """For each array field with item fields: item field name -> type."""
        return {
            f.name: {item.name: item.type for item in f.item_fields}
            for f in self.fields
            if f.item_fields
        }


@dataclass
class Catalogue:
    types: dict[str, ContentType] = field(default_factory=dict)
    #: Files the types came from, in load order.
    sources: list[str] = field(default_factory=list)

    def get(self, type_id: str) -> ContentType | None:
        found = self.types.get(type_id)
        if found is not None:
            return found
        for content_type in self.types.values():
            if type_id in content_type.aliases:
                return content_type
        return None

    def by_record_type(self, record_type: str) -> ContentType | None:
        for content_type in self.types.values():
            if content_type.record_type == record_type:
                return content_type
        return None

    def suggest(self, type_id: str) -> str | None:
        return closest(type_id, list(self.types))

    def add_file(self, path: str | Path) -> None:
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise CatalogueError(f"{path}: cannot read catalogue: {exc}") from exc
        except json.JSONDecodeError as exc:
            raise CatalogueError(
                f"{path}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}"
            ) from exc
        self._add(data, str(path))

    def _add(self, data: Any, origin: str) -> None:
        if not isinstance(data, dict) or not isinstance(data.get("contentTypes"), list):
            raise CatalogueError(
                f"{origin}: a catalogue is an object with a 'contentTypes' array"
            )
        for i, raw in enumerate(data["contentTypes"]):
            content_type = _content_type(raw, f"{origin}: contentTypes[{i}]")
            self.types[content_type.id] = content_type
        self.sources.append(origin)


def _field(raw: Any, where: str) -> FieldSpec:
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
        raise CatalogueError(f"{where}: a field needs at least a string 'name'")
    items = raw.get("itemFields") or []
    return FieldSpec(
        name=raw["name"],
        type=str(raw.get("type", "string")),
        description=str(raw.get("description", "")),
        required=bool(raw.get("required", False)),
        source=str(raw.get("source", "")),
        item_fields=tuple(
            _field(item, f"{where}.itemFields[{j}]") for j, item in enumerate(items)
        ),
    )


def _content_type(raw: Any, where: str) -> ContentType:
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
        raise CatalogueError(f"{where}: a content type needs a string 'id'")
    fields = raw.get("fields")
    if not isinstance(fields, list):
        raise CatalogueError(f"{where}: 'fields' must be an array")
    return ContentType(
        id=raw["id"],
        label=str(raw.get("label", raw["id"])),
        record_type=str(raw.get("recordType", raw["id"].split(":")[-1])),
        fields=tuple(_field(f, f"{where}.fields[{j}]") for j, f in enumerate(fields)),
        aliases=tuple(str(a) for a in raw.get("aliases", [])),
    )


@functools.cache
def bundled_catalogue() -> Catalogue:
    """The bundled catalogue, read once (treat it as read-only)."""
    return load_catalogue()


def load_catalogue(extra: list[str | Path] | tuple[str | Path, ...] = ()) -> Catalogue:
    """The bundled catalogue, then each extra file in order."""
    catalogue = Catalogue()
    text = (
        resources.files("designer.core")
        .joinpath("data/content_types.json")
        .read_text(encoding="utf-8")
    )
    catalogue._add(json.loads(text), "bundled content_types.json")
    for path in extra:
        catalogue.add_file(path)
    return catalogue
