"""The real program in a subprocess: start-up, async work, shutdown (A1, A2)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

ROOT = Path(__file__).resolve().parents[2]
BAD_OUTPUT = re.compile(
    r"Event loop is closed|Task was destroyed but it is pending|no running event loop"
    r"|Traceback|Fatal Python error"
)


def run_program(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_smoke_opens_paints_and_exits_cleanly(tmp_path):
    payload = tmp_path / "orders.json"
    payload.write_text(json.dumps({"data": [{"id": 1}]}), encoding="utf-8")
    result = run_program("-m", "designer.ui.app", "--smoke", "open", str(payload))
    assert result.returncode == 0, result.stderr
    assert "window shown and painted" in result.stdout
    assert result.stderr == ""


def test_a1_work_started_in_a_constructor_runs_once_the_loop_is_up():
    result = run_program("-m", "tests.ui.app_programs", "a1", timeout=30)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["work ran"]
    assert not BAD_OUTPUT.search(result.stderr), result.stderr


class SlowHandler(BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        SlowHandler.requests.append(self.path)
        time.sleep(10)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def slow_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), SlowHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/orders"
    server.shutdown()
    server.server_close()


def test_a2_closing_during_a_request_cancels_it_and_exits_quickly(slow_server):
    result = run_program("-m", "tests.ui.app_programs", "a2", slow_server, timeout=30)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:2] == ["request started", lines[1]]
    assert "request cancelled" in lines and "client closed" in lines
    assert lines.index("request cancelled") < lines.index("client closed")
    assert "request finished (unexpected)" not in lines
    closing = float(next(x for x in lines if x.startswith("closing at")).split()[-1])
    exited = float(next(x for x in lines if x.startswith("exited at")).split()[-1])
    assert exited - closing < 2.0
    assert SlowHandler.requests == ["/orders"]
    assert not BAD_OUTPUT.search(result.stderr), result.stderr


def test_unexpected_error_in_a_slot_is_shown_and_logged():
    result = run_program("-m", "tests.ui.app_programs", "excepthook", timeout=30)
    assert result.returncode == 0, result.stderr
    assert "message 2: Unexpected error: ValueError: boom in a slot" in result.stdout
    assert "boom in a slot" in result.stderr  # the log has the traceback


def test_cli_help_and_bad_arguments():
    result = run_program("-m", "designer.ui.app", "--help")
    assert result.returncode == 0
    assert "--smoke" in result.stdout
    result = run_program("-m", "designer.ui.app", "a.json", "b.json")
    assert result.returncode == 2
    assert "give one FILE" in result.stderr
