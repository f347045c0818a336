"""The bundled catalogue loads, and user catalogues extend it with clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from designer.core.catalogue import CatalogueError, load_catalogue


def test_bundled_types_and_required_fields() -> None:
    catalogue = load_catalogue()
    orders = catalogue.get("ecommerce:orders")
    assert orders is not None
    assert {f.name for f in orders.required} >= {"code", "orderNumber", "status"}
    assert all(f.source for f in orders.fields), "every field says where it came from"
    items = orders.field("items")
    assert items is not None and items.item_fields
    assert catalogue.get("core:product") is not None
    assert catalogue.get("core:customer") is not None
    assert catalogue.by_record_type("abandonedCart") is not None
    assert catalogue.suggest("core:products") == "core:product"


def test_user_catalogue_extends(tmp_path: Path) -> None:
    extra = tmp_path / "mine.json"
    extra.write_text(
        json.dumps(
            {
                "contentTypes": [
                    {
                        "id": "acme:ticket",
                        "fields": [{"name": "code", "required": True}],
                    }
                ]
            }
        )
    )
    catalogue = load_catalogue([extra])
    ticket = catalogue.get("acme:ticket")
    assert ticket is not None and [f.name for f in ticket.required] == ["code"]


def test_bad_catalogue_names_file_and_place(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"contentTypes": [ {"id": 3} ]}')
    with pytest.raises(CatalogueError, match=r"bad.json: contentTypes\[0\]"):
        load_catalogue([bad])
    broken = tmp_path / "broken.json"
    broken.write_text('{"contentTypes": [\n  {,}]}')
    with pytest.raises(CatalogueError, match=r"broken.json:2:4"):
        load_catalogue([broken])
