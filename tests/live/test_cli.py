"""``sync-designer sync`` and ``sync-designer mock-provider`` end to end."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from designer.cli.main import main

from .conftest import TOKEN, envelope, records


def _manifest(tmp_path: Path, base_url: str) -> Path:
    document = {
        "ns": "cli-test",
        "sync": {
            "baseUrl": base_url + "/admin/v2/",
            "headers": {"Authorization": "Bearer [[accessToken]]"},
            "resources": {
                "orders": {
                    "endpoints": {"list": {"url": "/orders", "method": "GET"}},
                    "pagination": {"paramName": "per_page", "defaultLimit": 10},
                    "responseMapping": {
                        "dataProperty": "data",
                        "totalProperty": "pagination.total",
                    },
                }
            },
        },
    }
    path = tmp_path / "app.json"
    path.write_text(json.dumps(document))
    return path


def test_sync_prints_the_summary_as_json(
    samples, provider, tmp_path, capsys, monkeypatch
):
    mock = provider(samples(orders=envelope(records(25))), token=TOKEN)
    monkeypatch.setenv("SYNC_DESIGNER_TOKEN", TOKEN)
    code = main(
        ["sync", str(_manifest(tmp_path, mock.url)), "--resource", "orders", "--json"]
    )
    out, err = capsys.readouterr()
    summary = json.loads(out)
    assert code == 0
    assert {k: summary[k] for k in ("pages", "requests", "records", "total")} == {
        "pages": 3,
        "requests": 3,
        "records": 25,
        "total": 25,
    }
    assert summary["duplicates"] == 0 and summary["retries"] == 0
    assert summary["errors"] == [] and isinstance(summary["seconds"], float)
    assert "page 1: 10 records" in err  # progress on stderr
    assert TOKEN not in out + err


def test_sync_token_env_max_pages_and_failure_exit(
    samples, provider, tmp_path, capsys, monkeypatch
):
    mock = provider(samples(orders=envelope(records(25))), token=TOKEN)
    manifest = str(_manifest(tmp_path, mock.url))
    monkeypatch.delenv("SYNC_DESIGNER_TOKEN", raising=False)
    monkeypatch.setenv("MY_TOKEN", TOKEN)
    args = ["sync", manifest, "--resource", "orders", "--token-env", "MY_TOKEN"]
    assert main([*args, "--max-pages", "1"]) == 0
    out, _ = capsys.readouterr()
    assert "10 records" in out and "page cap reached (1 pages)" in out

    monkeypatch.setenv("MY_TOKEN", "wrong-token-value")
    assert main(args) == 1
    out, _ = capsys.readouterr()
    assert "HTTP 401" in out


def test_sync_unknown_resource_suggests_a_name(
    samples, provider, tmp_path, capsys, monkeypatch
):
    mock = provider(samples(orders=envelope(records(1))), token=TOKEN)
    monkeypatch.setenv("SYNC_DESIGNER_TOKEN", TOKEN)
    assert (
        main(["sync", str(_manifest(tmp_path, mock.url)), "--resource", "order"]) == 1
    )
    assert "Did you mean 'orders'?" in capsys.readouterr().err


def test_mock_provider_command_serves_and_stops_on_ctrl_c(samples) -> None:
    folder = samples(products=records(5))
    env = {**os.environ, "PYTHONPATH": str(Path.cwd())}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "designer",
            "mock-provider",
            str(folder),
            "--port",
            "0",
            "--token",
            TOKEN,
            "--page-size",
            "2",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        url = line.rsplit(" ", 1)[-1].strip()
        assert url.startswith("http://127.0.0.1:")
        denied = httpx.get(url + "/products")
        assert denied.status_code == 401 and denied.json()["success"] is False
        page = httpx.get(
            url + "/products.json?page=3", headers={"Authorization": f"Bearer {TOKEN}"}
        )
        assert page.json() == [{"id": 5, "name": "item 5"}]
        assert (
            page.headers["x-wp-total"] == "5" and page.headers["x-wp-totalpages"] == "3"
        )
        assert (
            'rel="previous"' in page.headers["link"]
            and 'rel="next"' not in page.headers["link"]
        )
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0


def test_sync_reads_a_js_miniapp(samples, provider, tmp_path, capsys, monkeypatch):
    mock = provider(samples(orders=envelope(records(3))), token=TOKEN)
    monkeypatch.setenv("SYNC_DESIGNER_TOKEN", TOKEN)
    path = tmp_path / "app.js"
    path.write_text(
        "module.exports = {\n  ns: 'js-test',\n  sync: {\n"
        f"    baseUrl: '{mock.url}',\n"
        "    headers: { Authorization: 'Bearer [[accessToken]]' },\n"
        "    resources: { orders: {\n"
        "      endpoints: { list: { url: '/orders' } },\n"
        "      pagination: { paramName: 'per_page', defaultLimit: 10 },\n"
        "      responseMapping: {\n"
        "        dataProperty: 'data', totalProperty: 'pagination.total' },\n"
        "    } },\n  },\n};\n"
    )
    assert main(["sync", str(path), "--resource", "orders", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["records"] == 3


def test_ctrl_c_during_sync_prints_the_partial_summary(tmp_path) -> None:
    """SIGINT mid-run: exit 130 and a JSON summary of what was fetched."""
    import json as _json
    import os
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    from designer.core.live.mock_provider import start_mock_provider

    root = Path(__file__).resolve().parents[2]
    samples = root / "samples" / "salla" / "responses"
    mock = start_mock_provider(samples, port=0, token="demo", slow_ms=300)
    try:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "designer",
                "sync",
                str(root / "samples" / "salla" / "salla.miniapp.js"),
                "--resource",
                "orders",
                "--base-url",
                mock.url,
                "--json",
            ],
            cwd=root,
            env=dict(os.environ, SYNC_DESIGNER_TOKEN="demo"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and len(mock.requests) < 3:
            time.sleep(0.05)
        assert len(mock.requests) >= 3
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    finally:
        mock.stop()
    assert proc.returncode == 130, err
    summary = _json.loads(out)
    assert summary["cancelled"] is True
    assert summary["requests"] >= 1
    assert "demo" not in out + err
    assert "Traceback" not in err
