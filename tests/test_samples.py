"""The bundled samples and the fixture MiniApps load and map cleanly.

Every sample MiniApp is read with the real source reader, every resource's
``apiMapping`` is run by the real mapping engine over its sample records,
and every webhook handler over its sample delivery: no required field of the
content type may be missing and no field may be in error.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from designer.core.catalogue import load_catalogue
from designer.core.mapping import (
    FieldStatus,
    MappedRecord,
    compile_mapping,
    extract_records,
)
from designer.core.model import MiniApp
from designer.core.paths import MISSING, evaluate_one
from designer.core.source import load_miniapp
from designer.core.values import Code

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
FIXTURE_APPS = ROOT / "tests" / "fixture_apps"
FIXTURES = Path("/work/shared/fixtures")
SAMPLE_APPS = sorted(SAMPLES.glob("*/*.miniapp.js"))
ALL_APPS = SAMPLE_APPS + sorted(FIXTURE_APPS.glob("*.miniapp.js"))
CATALOGUE = load_catalogue()


def _ids(paths: list[Path]) -> list[str]:
    return [str(p.relative_to(ROOT)) for p in paths]


def _app(path: Path) -> MiniApp:
    return MiniApp.from_document(load_miniapp(path).document)


def _raw(app: MiniApp) -> dict[str, Any]:
    sync = app.document["sync"]
    assert isinstance(sync, dict)
    return sync


def _problems(record: MappedRecord, required: set[str]) -> list[str]:
    """Required fields that are missing or null, and any field in error."""
    out = []
    for name in sorted(required):
        result = record.fields.get(name)
        if result is None or result.value is MISSING or result.value is None:
            out.append(
                f"required {name} missing ({result.trace if result else 'no rule'})"
            )
    for name, result in record.fields.items():
        if result.status is FieldStatus.ERROR:
            out.append(f"{name}: {result.trace}")
        for item in result.items or ():
            out.extend(f"{name}[]: {p}" for p in _problems(item, set()))
    return out


def _required(content_type_id: str) -> set[str]:
    content_type = CATALOGUE.get(content_type_id)
    assert content_type is not None, content_type_id
    return {f.name for f in content_type.required}


def _resource_mapping(sync: dict[str, Any], resource: str) -> tuple[Any, set[str]]:
    raw = sync["resources"][resource]
    compiled = compile_mapping(raw["apiMapping"], where=("sync", "resources", resource))
    assert not compiled.diagnostics, [d.message for d in compiled.diagnostics]
    return compiled, _required(raw["contentType"])


def _data_property(sync: dict[str, Any], resource: str) -> str | None:
    mapping = sync["resources"][resource].get("responseMapping") or {}
    value = mapping.get("dataProperty")
    return value if isinstance(value, str) else None


# --------------------------------------------------------------------- JSON files


@pytest.mark.parametrize(
    "path", sorted(SAMPLES.rglob("*.json")), ids=_ids(sorted(SAMPLES.rglob("*.json")))
)
def test_every_sample_json_parses(path: Path) -> None:
    json.loads(path.read_bytes())


def test_salla_sample_has_the_promised_files() -> None:
    salla = SAMPLES / "salla"
    for name in ("products", "customers", "orders"):
        body = json.loads((salla / "responses" / f"{name}.json").read_bytes())
        assert body["status"] == 200 and body["success"] is True
        assert body["pagination"]["total"] == len(body["data"]) >= 10
    order_ids = {
        o["id"]
        for o in json.loads((salla / "responses/orders.json").read_bytes())["data"]
    }
    details = {int(p.stem) for p in (salla / "responses/orders-details").glob("*.json")}
    assert details == order_ids, "orders use expandDetails: every order needs details"
    assert len(list((salla / "responses/products-details").glob("*.json"))) >= 2
    assert len(list((salla / "responses/customers-details").glob("*.json"))) >= 2


def test_salla_edge_cases_are_present() -> None:
    responses = SAMPLES / "salla" / "responses"
    products = json.loads((responses / "products.json").read_bytes())["data"]
    customers = json.loads((responses / "customers.json").read_bytes())["data"]
    orders = [
        json.loads(p.read_bytes())["data"]
        for p in (responses / "orders-details").glob("*.json")
    ]
    assert any("sale_price" not in p for p in products)
    assert any(p.get("sale_price", {}).get("amount") == 0 for p in products)
    assert any(not c["email"] for c in customers)
    assert all(
        isinstance(c["mobile"], int) and c["mobile_code"].startswith("+")
        for c in customers
    )
    assert any(o["amounts"]["discounts"] == [] for o in orders)
    assert all(o["id"] < 2**31 for o in orders)


def test_salla_order_amounts_add_up() -> None:
    for path in (SAMPLES / "salla/responses/orders-details").glob("*.json"):
        order = json.loads(path.read_bytes())["data"]
        a = order["amounts"]
        discount = sum(float(d["discount"]) for d in a["discounts"])
        expected = (
            a["sub_total"]["amount"]
            - discount
            + a["tax"]["amount"]["amount"]
            + a["shipping_cost"]["amount"]
            + a["cash_on_delivery"]["amount"]
        )
        assert a["total"]["amount"] == pytest.approx(expected, abs=0.011), path.name
        lines = sum(i["amounts"]["total"]["amount"] for i in order["items"])
        assert a["sub_total"]["amount"] == pytest.approx(lines, abs=0.011), path.name


WEBHOOK_FILES = sorted(SAMPLES.glob("*/webhooks/*.json"))


@pytest.mark.parametrize("path", WEBHOOK_FILES, ids=_ids(WEBHOOK_FILES))
def test_webhook_bodies_are_raw_compact_bytes(path: Path) -> None:
    data = path.read_bytes()
    assert b"\n" not in data, "a delivery body is one line, with no newline at the end"
    body = json.loads(data)
    assert json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode() == data


# --------------------------------------------------------------------- MiniApp sources


@pytest.mark.parametrize("path", ALL_APPS, ids=_ids(ALL_APPS))
def test_miniapp_loads_and_handlers_match_triggers(path: Path) -> None:
    app = _app(path)
    assert not app.diagnostics, [d.message for d in app.diagnostics]
    assert app.sync is not None
    events = {t.event for t in app.triggers}
    handlers = set(_raw(app)["webhooks"]["handlers"])
    assert handlers == events
    for key in (
        "ns",
        "name",
        "type",
        "title",
        "label",
        "description",
        "shortDescription",
        "status",
        "version",
        "category",
        "icon",
        "logo",
        "docsUrl",
        "auth",
    ):
        assert isinstance(app.document.get(key), str | dict), key
    assert app.document["category"] == "ecommerce"
    assert app.namespace and all(
        t.type == f"miniapps:{app.namespace}" for t in app.triggers
    )


def _code_paths(value: Any, where: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, Code):
        return [where]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _code_paths(v, (*where, k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _code_paths(v, (*where, i))]
    return []


@pytest.mark.parametrize("path", SAMPLE_APPS, ids=_ids(SAMPLE_APPS))
def test_code_stays_only_where_it_belongs(path: Path) -> None:
    document = load_miniapp(path).document
    code = _code_paths(document)
    assert all(p[0] in ("actions", "functions") for p in code), code


def test_salla_sample_reads_constants_and_comments_right() -> None:
    source = load_miniapp(SAMPLES / "salla" / "salla.miniapp.js")
    document = source.document
    sync = document["sync"]
    assert isinstance(sync, dict)
    assert sync["baseUrl"] == "https://api.salla.dev/admin/v2"
    orders = sync["resources"]["orders"]
    assert orders["pagination"] == {
        "paramName": "per_page",
        "defaultLimit": 60,
        "maxLimit": 60,
    }
    handler = sync["webhooks"]["handlers"]["order.created"]
    assert (
        handler["mapping"]["items"]["mapping"]
        == orders["apiMapping"]["items"]["mapping"]
    )
    assert isinstance(document["actions"][0]["buildUrl"], Code)
    assert isinstance(document["functions"]["formatSar"]["code"], str)
    webhook = document["webhook"]
    assert webhook["verification"]["headerName"] == "X-Salla-Signature"
    assert webhook["customerExtraction"]["overrides"]["customer.created"] == {
        "basePath": "$.data"
    }


# --------------------------------------------------------------- mapping the samples


def _sample_records(
    sample: Path, sync: dict[str, Any], resource: str
) -> list[tuple[str, Any]]:
    """(label, record) for the list page and every details file of a resource."""
    responses = sample / "responses"
    prop = _data_property(sync, resource)
    out = []
    body = json.loads((responses / f"{resource}.json").read_bytes())
    out += [
        (f"{resource}.json[{i}]", r)
        for i, r in enumerate(extract_records(body, prop).records)
    ]
    for path in sorted((responses / f"{resource}-details").glob("*.json")):
        body = json.loads(path.read_bytes())
        (record,) = extract_records(body, prop).records
        out.append((f"{resource}-details/{path.name}", record))
    return out


RESOURCE_CASES = [
    (app, name) for app in SAMPLE_APPS for name in _raw(_app(app))["resources"]
]


@pytest.mark.parametrize(
    ("app_path", "resource"),
    RESOURCE_CASES,
    ids=[f"{p.parent.name}-{r}" for p, r in RESOURCE_CASES],
)
def test_sample_records_map_without_missing_required_fields(
    app_path: Path, resource: str
) -> None:
    sync = _raw(_app(app_path))
    compiled, required = _resource_mapping(sync, resource)
    records = _sample_records(app_path.parent, sync, resource)
    assert len(records) >= 3
    problems = {}
    for label, record in records:
        found = _problems(compiled.evaluate(record), required)
        if found:
            problems[label] = found
    assert not problems


def _handler_payload(sample: Path, event: str) -> Any:
    name = event.replace("/", "-")
    return json.loads((sample / "webhooks" / f"{name}.json").read_bytes())


def _map_handler(sync: dict[str, Any], event: str, payload: Any) -> list[str]:
    handler = sync["webhooks"]["handlers"][event]
    if "resource" in handler:
        compiled, required = _resource_mapping(sync, handler["resource"])
        match = evaluate_one(handler["dataPath"], payload)
        assert match.count == 1, handler["dataPath"]
        return _problems(compiled.evaluate(match.value), required)
    content_type = CATALOGUE.by_record_type(handler["recordType"])
    assert content_type is not None
    compiled = compile_mapping(handler["mapping"], where=("handlers", event))
    assert not compiled.diagnostics, [d.message for d in compiled.diagnostics]
    return _problems(
        compiled.evaluate(payload), {f.name for f in content_type.required}
    )


def test_salla_webhooks_map_with_their_handlers() -> None:
    sample = SAMPLES / "salla"
    sync = _raw(_app(sample / "salla.miniapp.js"))
    for event in sync["webhooks"]["handlers"]:
        payload = _handler_payload(sample, event)
        assert payload["event"] == event
        assert isinstance(payload["merchant"], int)
        assert not _map_handler(sync, event, payload), event


def test_salla_order_created_gives_the_expected_record() -> None:
    sample = SAMPLES / "salla"
    sync = _raw(_app(sample / "salla.miniapp.js"))
    mapping = compile_mapping(sync["webhooks"]["handlers"]["order.created"]["mapping"])
    record = mapping.evaluate_values(_handler_payload(sample, "order.created"))
    assert record["code"] == "1627850114"
    assert record["orderNumber"] == "91093302"
    assert record["customerPhone"] == "+966555208814"
    assert record["discountCodes"] == "EID15"
    assert record["createdAt"] == "2026-05-28T10:34:41Z"  # 13:34:41 in Asia/Riyadh
    assert [i["sku"] for i in record["items"]] == ["DT-ABY-BLK-S", "DT-ROSE-TAIF-30"]


def test_salla_status_update_maps_the_order_not_the_status_change() -> None:
    sample = SAMPLES / "salla"
    sync = _raw(_app(sample / "salla.miniapp.js"))
    compiled, _ = _resource_mapping(sync, "orders")
    payload = _handler_payload(sample, "order.status.updated")
    order = evaluate_one(
        sync["webhooks"]["handlers"]["order.status.updated"]["dataPath"], payload
    )
    record = compiled.evaluate_values(order.value)
    assert record["code"] == "1627791102" != str(payload["data"]["id"])
    assert record["status"] == "تم الشحن"


def test_shopify_big_ids_stay_exact() -> None:
    sync = _raw(_app(SAMPLES / "shopify" / "shopify.miniapp.js"))
    compiled, _ = _resource_mapping(sync, "products")
    body = json.loads((SAMPLES / "shopify/responses/products.json").read_bytes())
    record = compiled.evaluate_values(extract_records(body, "products").records[0])
    assert record["code"] == "1610521604143693812"
    assert record["productVariants"][0]["externalId"] == "1610521604143693813"


def test_other_sample_webhooks_map() -> None:
    for sample, event in (
        ("woocommerce", "order.created"),
        ("shopify", "orders/create"),
    ):
        sync = _raw(_app(SAMPLES / sample / f"{sample}.miniapp.js"))
        assert not _map_handler(sync, event, _handler_payload(SAMPLES / sample, event))


# --------------------------------------------------------------------- fixture apps

# resource or handler -> fixture file, as listed in tests/fixture_apps/README.md
FIXTURE_RESOURCES = [
    ("salla", "orders", "salla/webhook-data-order-created.json"),
    ("salla", "customers", "salla/webhook-data-customer-created.json"),
    ("shopify", "products", "shopify/products-list-page1.json"),
    ("shopify", "products", "shopify/products-list-page2.json"),
    ("shopify", "orders", "shopify/orders-list.json"),
    ("shopify", "customers", "shopify/customers-search.json"),
    ("shopify", "checkouts", "shopify/checkouts-list.json"),
    ("woocommerce", "products", "woocommerce/products-list.json"),
    ("woocommerce", "orders", "woocommerce/orders-list.json"),
    ("woocommerce", "customers", "woocommerce/customers-list.json"),
    ("zid", "products", "zid/products-list.json"),
    ("zid", "orders", "zid/orders-list-simple.json"),
    ("zid", "orders", "zid/orders-list-default.json"),
    ("zid", "customers", "zid/customers-list.json"),
]
FIXTURE_HANDLERS = [
    ("salla", "order.created", "salla/webhook-data-order-created.json"),
    ("salla", "order.status.updated", "salla/webhook-data-order-status-updated.json"),
    ("salla", "customer.created", "salla/webhook-data-customer-created.json"),
    ("salla", "abandoned.cart", "salla/webhook-data-abandoned-cart.json"),
    ("shopify", "orders/create", "shopify/order-retrieve.json"),
    ("shopify", "customers/create", "shopify/customer-retrieve.json"),
    ("shopify", "checkouts/create", "shopify/abandoned-checkout-retrieve.json"),
    ("woocommerce", "order.updated", "woocommerce/order-retrieve.json"),
    ("woocommerce", "customer.created", "woocommerce/customer-retrieve.json"),
    ("woocommerce", "product.updated", "woocommerce/product-retrieve.json"),
    ("zid", "order.create", "zid/order-retrieve.json"),
    ("zid", "product.update", "zid/product-retrieve.json"),
]
needs_fixtures = pytest.mark.skipif(not FIXTURES.is_dir(), reason="no shared fixtures")


def test_fixture_readme_lists_every_pair() -> None:
    readme = (FIXTURE_APPS / "README.md").read_text(encoding="utf-8")
    for _, name, fixture in FIXTURE_RESOURCES + FIXTURE_HANDLERS:
        assert f"`{name}`" in readme and f"`{fixture}`" in readme, (name, fixture)
    for platform in ("salla", "shopify", "woocommerce", "zid"):
        sync = _raw(_app(FIXTURE_APPS / f"{platform}.miniapp.js"))
        listed = {
            n for p, n, _ in FIXTURE_RESOURCES + FIXTURE_HANDLERS if p == platform
        }
        assert set(sync["resources"]) | set(sync["webhooks"]["handlers"]) == listed


@needs_fixtures
@pytest.mark.parametrize(
    ("platform", "resource", "fixture"),
    FIXTURE_RESOURCES,
    ids=[f"{p}-{r}-{Path(f).stem}" for p, r, f in FIXTURE_RESOURCES],
)
def test_fixture_resources_map(platform: str, resource: str, fixture: str) -> None:
    sync = _raw(_app(FIXTURE_APPS / f"{platform}.miniapp.js"))
    compiled, required = _resource_mapping(sync, resource)
    body = json.loads((FIXTURES / fixture).read_bytes())
    prop = None if platform == "salla" else _data_property(sync, resource)
    records = extract_records(body, prop).records
    assert records
    for i, record in enumerate(records):
        assert not _problems(compiled.evaluate(record), required), (fixture, i)


@needs_fixtures
@pytest.mark.parametrize(
    ("platform", "event", "fixture"),
    FIXTURE_HANDLERS,
    ids=[f"{p}-{e}" for p, e, _ in FIXTURE_HANDLERS],
)
def test_fixture_handlers_map(platform: str, event: str, fixture: str) -> None:
    sync = _raw(_app(FIXTURE_APPS / f"{platform}.miniapp.js"))
    payload = json.loads((FIXTURES / fixture).read_bytes())
    if platform == "salla":  # the Salla files are only the delivery's data object
        payload = {"event": event, "data": payload}
    problems = _map_handler(sync, event, payload)
    if (platform, event) == ("salla", "order.status.updated"):
        # The fixture's data.order lost its amounts upstream; an update needs none.
        problems = [p for p in problems if "totalAmount" not in p]
    assert not problems


# --------------------------------------------------------------------- node

NODE = shutil.which("node")
JS_APPS = [p for p in ALL_APPS if "export default" not in p.read_text(encoding="utf-8")]
ESM_APPS = [p for p in ALL_APPS if p not in JS_APPS]

_CHECK = """
const m = {load};
const events = m.triggers.map((t) => t.event).sort();
const handlers = Object.keys(m.sync.webhooks.handlers).sort();
if (JSON.stringify(events) !== JSON.stringify(handlers)) {{
  console.error('handlers', handlers, 'triggers', events);
  process.exit(1);
}}
"""


@pytest.mark.skipif(NODE is None, reason="node is not installed")
@pytest.mark.parametrize("path", ALL_APPS, ids=_ids(ALL_APPS))
def test_node_runs_the_miniapp(path: Path, tmp_path: Path) -> None:
    assert NODE is not None
    if path in ESM_APPS:
        # Node decides the module kind by extension: give it an .mjs copy.
        copy = tmp_path / (path.stem + ".mjs")
        copy.write_bytes(path.read_bytes())
        script = f"import m0 from {json.dumps(str(copy))};" + _CHECK.format(load="m0")
        args = [NODE, "--input-type=module", "-e", script]
    else:
        script = _CHECK.format(load=f"require({json.dumps(str(path))})")
        args = [NODE, "-e", script]
    done = subprocess.run(args, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
