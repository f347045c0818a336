"""The real ``sync-designer webhook`` / ``listen`` / ``send`` commands."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from designer.cli.main import main
from designer.core.webhook import compute_signature
from tests.webhook.salla import SALLA_DOCUMENT, SECRET

W1_BODY = rb'{"id":1001,"note":"caf\u00e9 \/ R\u0026D","total":"10.50"}'
W1_HEX = "6acc225e42ceae18745b0d0c323d990ef4a18b9d5f1392331c17f6c45fdc7e7c"


@pytest.fixture
def manifest(tmp_path: Path) -> Path:
    path = tmp_path / "salla.json"
    path.write_text(json.dumps(SALLA_DOCUMENT), "utf-8")
    return path


@pytest.fixture
def payload(tmp_path: Path, order_created: bytes) -> Path:
    path = tmp_path / "order.json"
    path.write_bytes(order_created)
    return path


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, Any]:
    code = main(list(argv))
    return code, json.loads(capsys.readouterr().out)


def test_webhook_json_valid(
    manifest: Path,
    payload: Path,
    order_created: bytes,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SALLA_SECRET", SECRET)
    sig = compute_signature(order_created, SECRET)
    code, out = run_json(
        capsys,
        "webhook", str(manifest), "--payload", str(payload),
        "--header", f"X-Salla-Signature: {sig}",
        "--secret-env", "SALLA_SECRET", "--json",
    )  # fmt: skip
    assert code == 0
    assert out["event"] == "order.created"
    assert out["verification"]["status"] == "valid"
    assert out["verification"]["reason"]
    assert out["transactionId"]["value"] == "123456789_2116149737"
    assert out["customer"]["values"]["code"] == "225167971"
    assert out["handler"] == "order.created"
    assert out["operation"] == "create"
    assert out["record"]["code"] == 2116149737
    assert "coupon" not in out["record"]
    assert isinstance(out["diagnostics"], list)


def test_webhook_invalid_signature_exits_1(
    manifest: Path,
    payload: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SALLA_SECRET", "wrong")
    code, out = run_json(
        capsys,
        "webhook", str(manifest), "--payload", str(payload),
        "--header", "X-Salla-Signature: 00ff", "--secret-env", "SALLA_SECRET",
        "--json",
    )  # fmt: skip
    assert code == 1
    assert out["verification"]["status"] == "invalid"
    assert out["verification"]["cause"] == "wrong-secret"
    assert "wrong" not in json.dumps(out["verification"]["details"])


def test_webhook_w1_bytes_from_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = json.loads(json.dumps(SALLA_DOCUMENT))
    doc["webhook"]["verification"]["headerName"] = "X-Signature"
    path = tmp_path / "app.json"
    path.write_text(json.dumps(doc), "utf-8")
    body = tmp_path / "w1.json"
    body.write_bytes(W1_BODY)
    monkeypatch.setenv("S", SECRET)
    code, out = run_json(
        capsys,
        "webhook", str(path), "--payload", str(body), "--event", "order.created",
        "--header", f"X-Signature: sha256={W1_HEX}", "--secret-env", "S", "--json",
    )  # fmt: skip
    assert out["verification"]["status"] == "valid"
    assert out["event"] == "order.created"
    assert code == 0


def test_webhook_no_handler_exits_1_and_text_output(
    manifest: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = tmp_path / "p.json"
    body.write_bytes(b'{"event":"order.create","data":{"id":1}}')
    code = main(["webhook", str(manifest), "--payload", str(body)])
    out = capsys.readouterr().out
    assert code == 1
    assert "handler: none" in out
    assert "order.created" in out and "webhook-no-handler" in out


def test_webhook_bad_input_exits_2(
    manifest: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = str(tmp_path / "nope.json")
    assert main(["webhook", str(manifest), "--payload", missing]) == 2
    assert "cannot read payload" in capsys.readouterr().err
    assert main(["webhook", missing, "--payload", missing]) == 2
    assert (
        main(["webhook", str(manifest), "--payload", str(manifest), "--header", "bad"])
        == 2
    )
    assert main(
        ["webhook", str(manifest), "--payload", str(manifest),
         "--secret-env", "SURELY_NOT_SET_1234"]
    ) == 2  # fmt: skip


def test_webhook_reads_a_js_manifest(
    tmp_path: Path, payload: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    js = tmp_path / "app.js"
    js.write_text("export default " + json.dumps(SALLA_DOCUMENT) + ";\n", "utf-8")
    code, out = run_json(
        capsys, "webhook", str(js), "--payload", str(payload), "--json"
    )
    assert out["verification"]["status"] == "skipped"
    assert out["handler"] == "order.created"
    assert code == 0


def test_listen_and_send_commands(
    manifest: Path, payload: Path, tmp_path: Path
) -> None:
    env = {**os.environ, "SALLA_SECRET": SECRET}
    save = tmp_path / "saved"
    listener = subprocess.Popen(
        [sys.executable, "-m", "designer", "listen", str(manifest), "--port", "0",
         "--secret-env", "SALLA_SECRET", "--save-dir", str(save), "--count", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    try:
        assert listener.stdout is not None
        first = listener.stdout.readline()
        assert first.startswith("listening on http://127.0.0.1:"), first
        url = first.split()[-1]
        sent = subprocess.run(
            [sys.executable, "-m", "designer", "send", str(manifest),
             "--payload", str(payload), "--to", url, "--secret-env", "SALLA_SECRET"],
            capture_output=True, text=True, env=env, timeout=60,
        )  # fmt: skip
        assert sent.returncode == 0, sent.stderr
        assert sent.stdout.startswith("200 OK")
        line = listener.stdout.readline()
        assert listener.wait(timeout=30) == 0
    finally:
        if listener.poll() is None:
            listener.kill()
            listener.wait()
    assert "#1 POST /" in line
    assert "event=order.created" in line
    assert "verification=valid" in line
    assert "handler=order.created" in line
    assert (save / "001-order.created.body").read_bytes() == payload.read_bytes()


def test_send_to_nowhere_exits_1(
    manifest: Path,
    payload: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    args = [
        "send",
        str(manifest),
        "--payload",
        str(payload),
        "--to",
        "http://127.0.0.1:9/",
    ]
    assert main(args) == 2
    assert "cannot sign" in capsys.readouterr().err
    monkeypatch.setenv("S", SECRET)
    assert main([*args, "--secret-env", "S"]) == 1
    assert "cannot send to http://127.0.0.1:9/" in capsys.readouterr().err
