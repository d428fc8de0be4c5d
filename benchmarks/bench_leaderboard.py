"""Benchmark: the judges' leaderboard in Chromium, on province-scale demo data.

Goal (issue 7): with preheated kernels, the ranking table is visible within 1.5 s of navigation,
and a filter change updates it within 0.3 s. Baselines in the same run: the same first view
(title and table) as a static HTML file served from 127.0.0.1, and, for a few loads, the same
page with preheating turned off. Medians.

It builds a data folder with `hoctap demo` (every unit, 5,000 generated trainees with module
grades, contest attempts and self-assessments), starts `hoctap serve --no-lab` on 127.0.0.1 and
drives Debian's Chromium with Playwright, a new tab for every load (one browser profile: Voilà's
scripts come from the browser's cache after the first visit, as for a judge who comes back).
Between loads it waits until Voilà has refilled its pool of preheated kernels, as a judge
arriving a little later would find it.

    .venv/bin/python benchmarks/bench_leaderboard.py [--people 5000] [--runs 7] [--fresh-runs 3]
        [--cold-runs 3] [--settle 20]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

GOAL_VISIBLE_S = 1.5
GOAL_FILTER_S = 0.3
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
FILLED = "Kernel pool of leaderboard.ipynb is filled"
# The visible ranking: the first view's table until a filter changes, then the widgets' own.
VISIBLE_ROWS = """() => {
  const tables = [...document.querySelectorAll('table')].filter(
    t => t.offsetParent !== null && t.innerText.includes('Hạng chung'));
  return tables.length ? tables[0].querySelectorAll('tbody tr').length : -1;
}"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def hoctap(home: Path, *args: str) -> str:
    env = dict(os.environ, HOCTAP_HOME=str(home))
    result = subprocess.run(
        [sys.executable, "-m", "hoctap", *args], env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise SystemExit(f"hoctap {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


@contextmanager
def serving(home: Path, preheat: bool = True) -> Iterator[tuple[str, Path]]:
    """Voilà as `hoctap serve --no-lab` starts it, on a free port; yields the leaderboard's URL
    and Voilà's log. Without ``preheat``, the same with preheating turned off (a command-line
    option wins over hoctap's voila.json)."""
    from hoctap.hub.serve import child_env, voila_service
    from hoctap.settings import Settings

    settings = Settings.from_env({"HOCTAP_HOME": str(home)})
    service = voila_service(settings, free_port())
    if not preheat:
        service.argv.append("--VoilaConfiguration.preheat_kernel=False")
    if service.log_path.exists():
        service.log_path.unlink()
    service.start(child_env(settings))
    try:
        deadline = time.monotonic() + 240
        while "Voilà is running at" not in service.log_tail(200):
            if not service.running() or time.monotonic() > deadline:
                raise SystemExit("Voilà did not start; see " + str(service.log_path))
            time.sleep(0.3)
        yield service.show_url.replace("overview.ipynb", "leaderboard.ipynb"), service.log_path
    finally:
        service.stop()


def wait_filled(log: Path, count: int, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while log.read_text(errors="replace").count(FILLED) < count:
        if time.monotonic() > deadline:
            raise SystemExit(f"Voilà's kernel pool was not refilled within {timeout:.0f} s")
        time.sleep(0.2)


def load(
    browser: Any, url: str, units: int, communes: int, filters: bool = True
) -> tuple[float, float | None]:
    """Seconds from navigation to the full table; seconds for a filter to communes (None on a
    page without filters)."""
    page = browser.new_page()
    try:
        start = time.perf_counter()
        page.goto(url, wait_until="commit")
        page.wait_for_function(f"() => ({VISIBLE_ROWS})() === {units}", timeout=120_000, polling=10)
        visible = time.perf_counter() - start
        if not filters:
            return visible, None
        kind = page.locator("select").nth(1)  # after the year
        kind.wait_for(timeout=60_000)
        page.wait_for_timeout(300)  # let the widgets settle, as a judge reads before clicking
        start = time.perf_counter()
        kind.select_option(label="Xã, phường")
        page.wait_for_function(
            f"() => ({VISIBLE_ROWS})() === {communes}", timeout=30_000, polling="raf"
        )
        return visible, time.perf_counter() - start
    finally:
        page.close()


def static_page(home: Path, folder: Path) -> tuple[str, int, int]:
    """The first view as a static file (the baseline); returns its file name and row counts."""
    env = dict(os.environ, HOCTAP_HOME=str(home))
    code = (
        "from hoctap.apps.leaderboard import build\n"
        "page = build()\n"
        "title, table, _ = page.first_view()\n"
        "import sys\n"
        "sys.stdout.write(f'{len(page.table)} '"
        ' f\'{int((page.table["Loại đơn vị"] == "Xã, phường").sum())}\\n{title}{table}\')\n'
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    counts, html = out.split("\n", 1)
    units, communes = (int(n) for n in counts.split())
    (folder / "leaderboard.html").write_text(
        f"<!DOCTYPE html><html lang='vi'><head><meta charset='utf-8'></head><body>{html}"
        "</body></html>",
        encoding="utf-8",
    )
    return "leaderboard.html", units, communes


@contextmanager
def static_server(folder: Path) -> Iterator[int]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--cold-runs", type=int, default=3)
    parser.add_argument("--fresh-runs", type=int, default=3)
    parser.add_argument(
        "--settle",
        type=float,
        default=20.0,
        help="seconds to wait after Voilà starts a kernel for its pool: the kernel then runs "
        "the notebook (about 10 s with 5,000 trainees)",
    )
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="hoctap-bench-board-"))
    home = work / "home"
    started = time.perf_counter()
    hoctap(home, "demo", "--people", str(args.people))
    print(f"demo data: {time.perf_counter() - started:.1f} s")
    name, units, communes = static_page(home, work)
    print(f"{units} units, {communes} communes")

    results: dict[str, list[float]] = {
        "static": [], "preheated": [], "filter": [], "fresh": [], "cold": []
    }  # fmt: skip
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        browser = chromium.new_context()
        with static_server(work) as port:
            for _ in range(args.runs):
                static = f"http://127.0.0.1:{port}/{name}"
                seconds, _ = load(browser, static, units, communes, filters=False)
                results["static"].append(seconds)
        with serving(home) as (url, log):
            fills = 1
            wait_filled(log, fills)
            time.sleep(args.settle)
            load(browser, url, units, communes)  # warm-up: Chromium's cache of Voilà's assets
            for _ in range(args.runs):
                fills += 1
                wait_filled(log, fills)
                time.sleep(args.settle)
                visible, changed = load(browser, url, units, communes)
                results["preheated"].append(visible)
                assert changed is not None
                results["filter"].append(changed)
            for _ in range(args.fresh_runs):
                # A judge's first visit: a new browser profile, nothing cached.
                fills += 1
                wait_filled(log, fills)
                time.sleep(args.settle)
                fresh = chromium.new_context()
                visible, _ = load(fresh, url, units, communes, filters=False)
                fresh.close()
                results["fresh"].append(visible)
        if args.cold_runs:
            # The same page without preheating: the notebook runs when the judge arrives.
            with serving(home, preheat=False) as (url, _log):
                for _ in range(args.cold_runs):
                    visible, _ = load(browser, url, units, communes, filters=False)
                    results["cold"].append(visible)
        chromium.close()

    def median(key: str) -> float:
        return statistics.median(results[key])

    python = platform.python_version()
    print(f"\nmachine: {platform.machine()}, {os.cpu_count()} cores, Python {python}")
    print(f"{'':44}{'median s':>9}{'runs':>18}")
    rows = [
        ("static HTML, same first view (baseline)", "static"),
        ("leaderboard, preheated: table visible", "preheated"),
        ("leaderboard, preheated: filter to communes", "filter"),
        ("leaderboard, preheated, first visit: visible", "fresh"),
        ("leaderboard, not preheated: table visible", "cold"),
    ]
    for label, key in rows:
        if results[key]:
            runs = " ".join(f"{v:.2f}" for v in results[key])
            print(f"{label:44}{median(key):9.2f}   {runs}")
    ratio = median("preheated") / median("static")
    print(f"\npreheated / static: {ratio:.1f}x")
    met = median("preheated") <= GOAL_VISIBLE_S and median("filter") <= GOAL_FILTER_S
    print(
        f"goal (visible <= {GOAL_VISIBLE_S} s, filter <= {GOAL_FILTER_S} s): "
        + ("met" if met else "NOT met")
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
