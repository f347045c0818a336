"""Time the mapping engine against hand-written Python doing the same mapping.

Builds 10,000 invented Salla-like order records, maps them with a 12-field
``apiMapping`` (coalesce, mapItems, joinCodes, toString, toNumberOrNull, a
compute fn) and prints records per second for:

* ``CompiledMapping.evaluate_values`` (the bulk path),
* a hand-written function producing the same dicts,
* ``CompiledMapping.evaluate`` (full traces, as the preview uses).

Medians of 5 runs. Prints only; never asserts on timing.
Run: ``python benchmarks/bench_mapping.py [--quick]`` from the repository root, or
``python -m benchmarks`` for every benchmark in one table.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import Row, median_seconds, print_table
from designer.core.compute import js_string, parse_number
from designer.core.mapping import compile_mapping

RECORDS = 10_000
RUNS = 5

API_MAPPING: dict[str, Any] = {
    "code": {"path": "id", "transform": "toString"},
    "orderNumber": {"path": "reference_id", "transform": "toString"},
    "status": "status.slug",
    "statusName": "status.name",
    "currency": "amounts.total.currency",
    "totalAmount": {"path": "amounts.total.amount", "transform": "toNumberOrNull"},
    "shippingCost": {
        "paths": ["amounts.shipping_cost.amount", "amounts.shipping_cost_fallback"],
        "transform": "coalesce",
    },
    "customerCode": {"path": "customer.id", "transform": "toString"},
    "customerEmail": "customer.email",
    "customerPhone": {
        "transform": "compute",
        "fn": "joinPhone",
        "paths": ["customer.mobile_code", "customer.mobile"],
    },
    "couponCodes": {"path": "amounts.discounts", "transform": "joinCodes"},
    "items": {
        "path": "items",
        "transform": "mapItems",
        "mapping": {
            "sku": "sku",
            "name": "name",
            "quantity": "quantity",
            "unitPrice": {
                "path": "amounts.price.amount",
                "transform": "toNumberOrNull",
            },
        },
    },
}


def make_records(count: int, seed: int = 7) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    statuses = [("under_review", "بإنتظار المراجعة"), ("completed", "تم التنفيذ")]
    records = []
    for i in range(count):
        slug, name = statuses[i % 2]
        items = [
            {
                "name": f"Product {j}",
                "sku": f"SKU-{rng.randint(100, 999)}",
                "quantity": rng.randint(1, 4),
                "amounts": {
                    "price": {"amount": f"{rng.randint(5, 500)}.00", "currency": "SAR"}
                },
            }
            for j in range(rng.randint(1, 4))
        ]
        discounts = [
            {"title": "Offer", "type": "special", "code": f"C{k}", "discount": "5.00"}
            for k in range(rng.randint(0, 2))
        ]
        shipping: dict[str, Any] = {"amount": 15, "currency": "SAR"}
        if i % 5 == 0:
            shipping = {"amount": None, "currency": "SAR"}
        records.append(
            {
                "id": 2116149737 + i,
                "reference_id": 41027662 + i,
                "date": {
                    "date": "2026-01-30 15:56:02.000000",
                    "timezone": "Asia/Riyadh",
                },
                "status": {"id": 566146469, "name": name, "slug": slug},
                "currency": "SAR",
                "amounts": {
                    "sub_total": {"amount": 186, "currency": "SAR"},
                    "shipping_cost": shipping,
                    "shipping_cost_fallback": 0,
                    "discounts": discounts,
                    "total": {"amount": rng.randint(20, 2000), "currency": "SAR"},
                },
                "customer": {
                    "id": 225167971 + i,
                    "first_name": "Sara",
                    "last_name": "Ali",
                    "mobile": 580000000 + i,
                    "mobile_code": "+966",
                    "email": f"user{i}@example.com",
                },
                "items": items,
            }
        )
    return records


def _num(value: Any) -> Any:
    return parse_number(value)[0]


def _phone(code: Any, number: Any) -> Any:
    if number is None:
        return None
    digits = "".join(ch for ch in str(number) if ch.isdigit())
    prefix = str(code).lstrip("+")
    if digits.startswith(prefix) and len(digits) - len(prefix) >= 7:
        return "+" + digits
    return "+" + prefix + digits.lstrip("0")


def hand_written(r: dict[str, Any]) -> dict[str, Any]:
    """The same mapping as API_MAPPING, written by hand for these records."""
    amounts = r["amounts"]
    customer = r["customer"]
    shipping = amounts["shipping_cost"]["amount"]
    if shipping is None or shipping == "":
        shipping = amounts["shipping_cost_fallback"]
    codes = ",".join(d["code"] for d in amounts["discounts"]) or None
    return {
        "code": js_string(r["id"]),
        "orderNumber": js_string(r["reference_id"]),
        "status": r["status"]["slug"],
        "statusName": r["status"]["name"],
        "currency": amounts["total"]["currency"],
        "totalAmount": _num(amounts["total"]["amount"]),
        "shippingCost": shipping,
        "customerCode": js_string(customer["id"]),
        "customerEmail": customer["email"],
        "customerPhone": _phone(customer["mobile_code"], customer["mobile"]),
        "couponCodes": codes,
        "items": [
            {
                "sku": it["sku"],
                "name": it["name"],
                "quantity": it["quantity"],
                "unitPrice": _num(it["amounts"]["price"]["amount"]),
            }
            for it in r["items"]
        ],
    }


def run(quick: bool = False) -> list[Row]:
    """Records per second of the engine and of hand-written code, same records."""
    count, runs = (2_000, 3) if quick else (RECORDS, RUNS)
    records = make_records(count)
    mapping = compile_mapping(API_MAPPING)
    assert not mapping.diagnostics, mapping.diagnostics
    engine = [mapping.evaluate_values(r) for r in records]
    by_hand = [hand_written(r) for r in records]
    if engine != by_hand:
        first = next(
            i
            for i, pair in enumerate(zip(engine, by_hand, strict=True))
            if pair[0] != pair[1]
        )
        print(f"MISMATCH at record {first}:")
        print(f"  engine {engine[first]}")
        print(f"  hand   {by_hand[first]}")

    t_hand = median_seconds(lambda: [hand_written(r) for r in records], runs)
    t_engine = median_seconds(
        lambda: [mapping.evaluate_values(r) for r in records], runs
    )
    t_traced = median_seconds(lambda: [mapping.evaluate(r) for r in records], runs)
    fields = len(API_MAPPING)
    hand = f"hand-written Python, {fields} fields"
    return [
        Row(
            f"mapping {count:,} records: evaluate_values",
            count / t_engine,
            "records/s",
            hand,
            count / t_hand,
            t_engine / t_hand,
            "time ratio, lower is better",
        ),
        Row(
            f"mapping {count:,} records: evaluate (traced, preview)",
            count / t_traced,
            "records/s",
            hand,
            count / t_hand,
            t_traced / t_hand,
            "time ratio, lower is better",
        ),
    ]


def main() -> None:
    print_table(run(quick="--quick" in sys.argv))


if __name__ == "__main__":
    main()
