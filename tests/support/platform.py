"""Run `hoctap serve` as a real process for tests, and Debian's Chromium through Playwright."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .servers import free_port, free_ports, require

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class Platform:
    """A `hoctap serve` process on free ports; ``stop`` sends Ctrl-C (SIGINT) as a user would."""

    def __init__(self, home: Path, *flags: str, command: str = "serve") -> None:
        self.home = home
        # The hub takes its port and the next five (proxy API, hub, pages, course, contests).
        self.lab_port = free_ports(6) if command == "hub" else free_port()
        self.voila_port = free_port()
        self.web_port = self.lab_port + 5 if command == "hub" else free_port()
        env = dict(os.environ, HOCTAP_HOME=str(home))
        env.pop("HOCTAP_DB_URL", None)
        env.pop("HOCTAP_GRADEBOOK_URL", None)
        if command == "hub":  # the hub takes its port and the next two
            ports = ["--port", str(self.lab_port)]
        else:
            ports = ["--lab-port", str(self.lab_port), "--voila-port", str(self.voila_port)]
            if "--no-web" not in flags:
                ports += ["--web-port", str(self.web_port)]
        argv = [sys.executable, "-m", "hoctap", command, *ports, *flags]
        self.process = subprocess.Popen(
            argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        self._lines: list[str] = []
        # A thread drains the pipe: select() on a buffered text pipe misses lines already read.
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self._lines)

    def wait_ready(self, timeout: float = 240.0) -> None:
        deadline = time.monotonic() + timeout
        while "Nhấn Ctrl-C để dừng." not in self.output:
            if self.process.poll() is not None:
                self._reader.join(timeout=10)
                raise AssertionError(f"hoctap serve exited early:\n{self.output}")
            if time.monotonic() > deadline:
                raise AssertionError(f"hoctap serve not ready after {timeout} s:\n{self.output}")
            time.sleep(0.2)

    @property
    def token(self) -> str:
        return (self.home / "lab-token").read_text(encoding="utf-8").strip()

    def lab_url(self, path: str = "/lab") -> str:
        return f"http://127.0.0.1:{self.lab_port}{path}?token={self.token}"

    def voila_url(self, name: str = "overview.ipynb") -> str:
        return f"http://127.0.0.1:{self.voila_port}/voila/render/{name}"

    def web_url(self, path: str = "") -> str:
        """The contest service (``hoctap serve``'s, not behind the hub)."""
        return f"http://127.0.0.1:{self.web_port}/{path}"

    def stop(self, timeout: float = 60.0) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._reader.join(timeout=10)
        if self.process.stdout is not None:
            self.process.stdout.close()
        return self.process.returncode


@contextmanager
def running(home: Path, *flags: str, command: str = "serve") -> Iterator[Platform]:
    platform = Platform(home, *flags, command=command)
    try:
        platform.wait_ready()
        yield platform
    finally:
        platform.stop()


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Debian Chromium driven by Playwright (no browser download)."""
    require(shutil.which(CHROMIUM) is not None, "Chromium (Debian package chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()
