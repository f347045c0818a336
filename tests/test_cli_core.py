"""check, preview and export as a user runs them, on the samples and real fixtures."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from designer.cli.main import main
from designer.core.source import load_miniapp

ROOT = Path(__file__).resolve().parent.parent
SALLA = ROOT / "samples" / "salla" / "salla.miniapp.js"
FIXTURES = ROOT.parent / "shared" / "fixtures"
APPS = ROOT / "tests" / "fixture_apps"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_check_salla_sample_is_clean(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", SALLA, "--json")
    report = json.loads(out)
    assert code == 0, report
    assert report["errors"] == 0


@pytest.mark.parametrize("app", sorted(APPS.glob("*.miniapp.js")), ids=lambda p: p.stem)
def test_check_fixture_apps(capsys: pytest.CaptureFixture[str], app: Path) -> None:
    code, out, _ = run(capsys, "check", app, "--json")
    assert code == 0, out


def test_check_reports_errors_with_locations(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    app = tmp_path / "broken.miniapp.js"
    app.write_text(
        """// a MiniApp with problems
module.exports = {
  ns: 'demo',
  triggers: [{ event: 'order.created' }],
  sync: {
    baseUrl: 'http://api.example.com',
    headers: { Authorization: 'Bearer 0123456789abcdef0123' },
    resources: {
      orders: {
        contentType: 'ecommerce:orders',
        expandDetails: true,
        endpoints: { list: { url: '/orders' } },
        pagination: { paramName: 'per_page', defaultLimit: 100, maxLimit: 50 },
        apiMapping: {
          code: { path: 'id', transform: 'toStrin' },
          total: { transform: 'coalesce' },
        },
      },
    },
    webhooks: {
      handlers: { 'order.create': { resource: 'orders', dataPath: '$.data' } },
    },
  },
};
"""
    )
    code, out, _ = run(capsys, "check", app, "--json")
    assert code == 1
    diags = json.loads(out)["diagnostics"]
    codes = {d["code"] for d in diags}
    assert {
        "insecure-base-url",
        "literal-secret",
        "limit-above-max",
        "details-without-id",
        "unknown-transform",
        "coalesce-without-paths",
        "required-unmapped",
        "event-without-trigger",
    } <= codes
    by_code = {d["code"]: d for d in diags}
    assert by_code["limit-above-max"]["location"]["line"] == 13
    assert "toString" in by_code["unknown-transform"]["message"] + by_code[
        "unknown-transform"
    ].get("fix", "")
    assert "order.created" in by_code["event-without-trigger"]["fix"]
    assert all(d.get("location") for d in diags), diags


def test_check_data_property_against_samples(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = tmp_path / "app"
    shutil.copytree(SALLA.parent, folder)
    text = (
        (folder / SALLA.name)
        .read_text()
        .replace("totalProperty: 'pagination.total'", "totalProperty: 'meta.total'", 1)
    )
    (folder / SALLA.name).write_text(text)
    code, out, _ = run(capsys, "check", folder / SALLA.name, "--json")
    assert code == 1
    found = [d for d in json.loads(out)["diagnostics"] if d["code"] == "total-property"]
    assert found and all("meta.total" in d["message"] for d in found)
    assert all(d["location"]["line"] > 1 for d in found)


def test_check_syntax_error_names_place(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    app = tmp_path / "bad.js"
    app.write_text(
        "module.exports = {\n  sync: { baseUrl: 'x' \n  resources: {} },\n};\n"
    )
    code, _, err = run(capsys, "check", app)
    assert code == 2
    assert f"{app}:" in err and "Traceback" not in err


def test_preview_salla_orders(capsys: pytest.CaptureFixture[str]) -> None:
    body = SALLA.parent / "responses" / "orders.json"
    code, out, _ = run(
        capsys, "preview", SALLA, "--resource", "orders", "--input", body, "--json"
    )
    result = json.loads(out)
    records = result["records"]
    assert code == 0
    assert len(records) == len(json.loads(body.read_text())["data"])
    first = records[0]
    assert isinstance(first["code"], str) and first["code"].isdigit()
    assert first["platformSource"] == "salla"
    assert all("code" in r and "status" in r for r in records)


def test_preview_explain_and_single_record(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    one = tmp_path / "one.json"
    one.write_text('{"id": 1610521604143693812, "name": "x", "price": {"amount": 5}}')
    _code, out, _ = run(
        capsys,
        "preview",
        SALLA,
        "--resource",
        "products",
        "--input",
        one,
        "--explain",
        "--json",
    )
    result = json.loads(out)
    [record] = result["records"]
    assert record["code"]["value"] == "1610521604143693812"
    assert record["code"]["status"] in ("ok", "warning")
    assert "trace" in record["name"]
    assert any(d["code"] == "single-record" for d in result["diagnostics"])


def test_preview_unknown_resource_suggests(capsys: pytest.CaptureFixture[str]) -> None:
    body = SALLA.parent / "responses" / "orders.json"
    code, _, err = run(capsys, "preview", SALLA, "--resource", "order", "--input", body)
    assert code == 2
    assert "Did you mean 'orders'" in err


PREVIEWS = [
    ("shopify", "products", "shopify/products-list-page1.json"),
    ("shopify", "orders", "shopify/orders-list.json"),
    ("shopify", "customers", "shopify/customers-search.json"),
    ("woocommerce", "products", "woocommerce/products-list.json"),
    ("woocommerce", "orders", "woocommerce/orders-list.json"),
    ("woocommerce", "customers", "woocommerce/customers-list.json"),
    ("zid", "products", "zid/products-list.json"),
    ("salla", "orders", "salla/webhook-data-order-created.json"),
]


@pytest.mark.parametrize(("platform", "resource", "fixture"), PREVIEWS)
def test_preview_real_fixtures(
    capsys: pytest.CaptureFixture[str], platform: str, resource: str, fixture: str
) -> None:
    path = FIXTURES / fixture
    if not path.exists():
        pytest.skip(f"fixture {fixture} not in this shared/ copy")
    app = APPS / f"{platform}.miniapp.js"
    code, out, _ = run(
        capsys, "preview", app, "--resource", resource, "--input", path, "--json"
    )
    result = json.loads(out)
    assert code == 0, result["diagnostics"]
    assert result["records"], "no record mapped"
    assert all("code" in r for r in result["records"])


def test_export_js_and_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, "export", SALLA, "--format", "js")
    assert code == 0
    assert out.startswith("sync: {") and "'[[accessToken]]'" not in out
    assert "Bearer [[accessToken]]" in out
    target = tmp_path / "sync.json"
    code, _, _ = run(capsys, "export", SALLA, "--format", "json", "-o", target)
    assert code == 0
    exported = json.loads(target.read_text())
    assert exported == load_miniapp(SALLA).document["sync"] or "resources" in exported


def test_export_in_place_keeps_everything_else(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = tmp_path / "app"
    shutil.copytree(SALLA.parent, folder)
    path = folder / SALLA.name
    before = path.read_bytes()
    source = load_miniapp(path)
    code, _, _ = run(capsys, "export", path, "--in-place")
    assert code == 0
    after = path.read_bytes()
    assert (folder / (SALLA.name + ".bak")).read_bytes() == before
    start, end = source.spans[("sync",)].start, source.spans[("sync",)].end
    prefix = source.text[:start].encode()
    suffix = source.text[end:].encode()
    assert after.startswith(prefix) and after.endswith(suffix)
    assert load_miniapp(path).document["sync"] == source.document["sync"]


def test_export_refuses_literal_secret(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    app = tmp_path / "leaky.json"
    app.write_text(
        json.dumps(
            {
                "sync": {
                    "baseUrl": "https://x.example",
                    "headers": {"Authorization": "Bearer abcdef0123456789"},
                }
            }
        )
    )
    code, out, err = run(capsys, "export", app)
    assert code == 2 and out == ""
    assert "abcdef0123456789" not in err
    assert "Bearer [[accessToken]]" in err
    code, out, _ = run(capsys, "export", app, "--redact", "--format", "json")
    assert code == 0
    assert "abcdef0123456789" not in out and "Bearer [[accessToken]]" in out


def test_check_with_a_missing_samples_folder_says_so(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = run(capsys, "check", SALLA, "--samples", tmp_path / "nope")
    assert code == 2 and out == ""
    assert "no such folder of sample responses" in err
