"""The serve supervisor on real child processes: a failed start and a crash are reported."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import pytest

from hoctap.errors import HoctapError
from hoctap.hub.serve import Service, run
from hoctap.settings import Settings
from tests.support.servers import free_port


def service(tmp_path: Path, name: str, code: str, port: int) -> Service:
    url = f"http://127.0.0.1:{port}/"
    argv = [sys.executable, "-c", code]
    return Service(name, argv, tmp_path, url, url, tmp_path / f"{name}.log")


def test_a_child_that_dies_at_start_is_reported(tmp_path: Path) -> None:
    code = "import sys; print('cổng đã bị dùng'); sys.exit(3)"
    broken = service(tmp_path, "Hỏng", code, free_port())
    with pytest.raises(HoctapError) as error:
        run(Settings.from_env(), [broken], say=lambda _: None, ready_timeout=30)
    assert "Hỏng dừng ngay khi khởi động" in error.value.message
    assert "cổng đã bị dùng" in error.value.message


def test_a_crash_after_start_stops_the_others_and_fails(tmp_path: Path) -> None:
    port_a, port_b = free_port(), free_port()
    serve_code = (
        "import http.server as h; "
        "h.HTTPServer(('127.0.0.1', {}), h.SimpleHTTPRequestHandler).serve_forever()"
    )
    steady = service(tmp_path, "Bền", serve_code.format(port_a), port_a)
    fragile = service(tmp_path, "Yếu", serve_code.format(port_b), port_b)
    said: list[str] = []

    def crash() -> None:
        assert fragile.process is not None
        fragile.process.kill()

    status = run(Settings.from_env(), [steady, fragile], say=said.append, on_ready=crash)
    assert status == 1
    assert any("Yếu đã dừng bất thường" in line for line in said)
    assert said[-1] == "Đã dừng Bền và Yếu."
    assert steady.process is not None and steady.process.poll() is not None


def test_a_crashed_service_is_started_again_until_its_restarts_run_out(tmp_path: Path) -> None:
    port = free_port()
    code = (
        "import http.server as h; "
        f"h.HTTPServer(('127.0.0.1', {port}), h.SimpleHTTPRequestHandler).serve_forever()"
    )
    fragile = service(tmp_path, "Yếu", code, port)
    pids: list[int] = []
    said: list[str] = []

    def crash() -> None:
        assert fragile.process is not None
        pids.append(fragile.process.pid)
        fragile.process.kill()

    def say(line: str) -> None:
        said.append(line)
        if line == "Yếu đã chạy lại.":
            crash()  # and once more: no restart left

    status = run(Settings.from_env(), [fragile], say=say, on_ready=crash, restarts=1)
    assert status == 1
    assert len(pids) == 2 and pids[0] != pids[1]  # a new process answered in between
    assert any(line.startswith("Đang khởi động lại Yếu (lần 1/1)") for line in said)
    assert sum("Yếu đã dừng bất thường" in line for line in said) == 2
    assert said[-1] == "Đã dừng Yếu."


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_ctrl_c_kill_or_closed_terminal_stops_the_children(tmp_path: Path, sig: int) -> None:
    port = free_port()
    code = (
        "import http.server as h; "
        f"h.HTTPServer(('127.0.0.1', {port}), h.SimpleHTTPRequestHandler).serve_forever()"
    )
    child = service(tmp_path, "Con", code, port)
    said: list[str] = []
    status = run(
        Settings.from_env(), [child], say=said.append, on_ready=lambda: os.kill(os.getpid(), sig)
    )
    assert status == 0
    assert said[-1] == "Đã dừng Con."
    assert child.process is not None and child.process.poll() is not None
