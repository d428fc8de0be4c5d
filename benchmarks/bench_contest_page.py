"""Benchmark: the contest page on a phone over a mobile network, against the old Voilà quiz page.

Goal (issue 19): on a 360×740 touch screen, over an emulated mobile network (150 ms round trip,
1.6 Mbit/s down, 750 kbit/s up) with the CPU slowed 4×, the first question is visible within 2 s
and the page is at most 50 KB (compressed, as transferred) in at most 5 requests.

It builds a data folder (SQLite) with a small bank, a contest open now and trainees
(tests/support/contest_site.py), and starts, on 127.0.0.1, the contest service as an organiser
does (`python -m hoctap web`) and, in the same run, Voilà on benchmarks/baseline/ (the old quiz
page, `quiz.ipynb?contest=NAME`, hoctap's Voilà configuration and template). Each load is a new
Chromium context (empty cache, no cookies) with its own DevTools session:
Network.emulateNetworkConditions and Emulation.setCPUThrottlingRate before the first request.

For each page, ``--loads`` times (median quoted; the two pages alternately, after one untimed
load of each), three steps as a trainee goes through them:

* entry: the contest's address opened -> the code field visible;
* paper: the click that shows the paper (new page: "Bắt đầu làm bài", after "Vào thi" on the
  entry page and the start page; old page: "Vào thi") -> the first question visible, and -> an
  answer can be chosen (new page: an option visible and the page's script running, so a choice is
  saved at once; old page: the first option's widget visible and enabled);
* cold paper (new page only): the paper's address opened in a new context holding only the
  taker's cookies (a reload on a phone that kept nothing else).

Bytes are CDP Network.loadingFinished encodedDataLength (and each redirect's response), that is
compressed bytes on the wire, headers included; requests count every request the step sent over
the network (redirects included; not those the browser's cache answered), until no request has
been in flight for 1 s. The old page also talks over its kernel's websocket: its frames' payload
bytes are counted apart.

    .venv/bin/python benchmarks/bench_contest_page.py [--loads 5] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.contest_site import NAME, code, hoctap_web, seed, tail  # noqa: E402
from tests.support.platform import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.support.servers import free_port  # noqa: E402

BASELINE = ROOT / "benchmarks" / "baseline"
NETWORK = {
    "offline": False,
    "latency": 150,  # ms, round trip
    "downloadThroughput": 1_600_000 / 8,  # bytes per second
    "uploadThroughput": 750_000 / 8,
}
CPU_SLOWDOWN = 4
PHONE: dict[str, Any] = {
    "viewport": {"width": 360, "height": 740},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}
WAIT_MS = 120_000
# In the page, before any of its scripts, from the document's start: the wall-clock time (ms since
# the epoch) at which each condition was first seen to hold, checked before every frame is drawn.
CONDITIONS = {
    "new entry": "visible('#ma')",
    "new question": "visible('form.question:not([hidden]) legend')",
    # An option on screen and the page's script running: a choice is saved at once.
    "new choosable": "visible('form.question:not([hidden]) label.option')"
    " && document.documentElement.classList.contains('js')",
    "old entry": "visible(\"input[placeholder='ví dụ: hv001']\")",
    "old question": "visible('.question')",
    "old choosable": "visible('.widget-radio-box input')"
    " && !document.querySelector('.widget-radio-box input').disabled",
}
WATCH = """
(() => {
  const visible = (selector) => {
    const e = document.querySelector(selector);
    if (!e) return false;
    const box = e.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && getComputedStyle(e).visibility !== 'hidden';
  };
  const tests = {TESTS};
  window.__hoctapSeen = {};
  const look = () => {
    for (const [name, test] of Object.entries(tests)) {
      if (window.__hoctapSeen[name] !== undefined) continue;
      let ok = false;
      try { ok = test(); } catch (e) { ok = false; }
      if (ok) window.__hoctapSeen[name] = performance.timeOrigin + performance.now();
    }
    requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
})();
""".replace("TESTS", ", ".join(f"{json.dumps(n)}: () => {t}" for n, t in CONDITIONS.items()))


@dataclass
class Traffic:
    """What one step sent and received, from the DevTools protocol's Network events."""

    requests: int = 0
    bytes: int = 0
    socket_bytes: int = 0
    urls: list[str] = field(default_factory=list)
    in_flight: set[str] = field(default_factory=set)
    last_change: float = field(default_factory=time.monotonic)

    def reset(self) -> None:
        self.requests, self.bytes, self.socket_bytes = 0, 0, 0
        self.urls = []
        self.last_change = time.monotonic()


def watch_traffic(session: Any) -> Traffic:
    traffic = Traffic()

    def sent(event: dict[str, Any]) -> None:
        if event["request"]["url"].startswith("data:"):
            return
        redirect = event.get("redirectResponse")
        if redirect is not None:
            traffic.bytes += int(redirect.get("encodedDataLength", 0))
        traffic.requests += 1
        traffic.urls.append(event["request"]["url"].split("?")[0].rsplit("/", 1)[-1])
        traffic.in_flight.add(event["requestId"])
        traffic.last_change = time.monotonic()

    def finished(event: dict[str, Any]) -> None:
        if event["requestId"] in traffic.in_flight:
            traffic.bytes += int(event.get("encodedDataLength", 0))
        traffic.in_flight.discard(event["requestId"])
        traffic.last_change = time.monotonic()

    def failed(event: dict[str, Any]) -> None:
        traffic.in_flight.discard(event["requestId"])
        traffic.last_change = time.monotonic()

    def cached(event: dict[str, Any]) -> None:  # the browser's cache answered: not sent
        if event["requestId"] in traffic.in_flight:
            traffic.requests -= 1
            traffic.urls.append("(cached)")

    def frame(event: dict[str, Any]) -> None:
        traffic.socket_bytes += len(event["response"].get("payloadData", "").encode())

    session.on("Network.requestWillBeSent", sent)
    session.on("Network.loadingFinished", finished)
    session.on("Network.loadingFailed", failed)
    session.on("Network.requestServedFromCache", cached)
    session.on("Network.webSocketFrameReceived", frame)
    session.on("Network.webSocketFrameSent", frame)
    return traffic


def quiet(page: Any, traffic: Traffic, idle: float = 1.0, limit: float = 60.0) -> None:
    """Wait until no request has been in flight for ``idle`` seconds."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if not traffic.in_flight and time.monotonic() - traffic.last_change >= idle:
            return
        page.wait_for_timeout(100)
    raise RuntimeError(f"requests still in flight after {limit} s: {traffic.in_flight}")


def phone_page(browser: Any, storage: Any = None) -> tuple[Any, Any, Traffic]:
    context = browser.new_context(**PHONE, storage_state=storage)
    context.set_default_timeout(WAIT_MS)
    context.add_init_script(WATCH)
    page = context.new_page()
    session = context.new_cdp_session(page)
    session.send("Network.enable")
    session.send("Network.setCacheDisabled", {"cacheDisabled": False})
    session.send("Network.emulateNetworkConditions", NETWORK)
    session.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    return context, page, watch_traffic(session)


def seen_after(page: Any, started_ms: float, condition: str) -> float:
    """Seconds from ``started_ms`` (epoch) until ``condition`` (of CONDITIONS) first held in the
    current document."""
    seen = page.wait_for_function(
        "(name) => window.__hoctapSeen && window.__hoctapSeen[name]", arg=condition
    )
    return float((seen.json_value() - started_ms) / 1000)


def now_ms() -> float:
    return time.time() * 1000


@dataclass
class Step:
    seconds: float
    seconds_choosable: float | None
    requests: int
    bytes: int
    socket_bytes: int
    urls: list[str]


def taken(traffic: Traffic, seconds: float, choosable: float | None) -> Step:
    """What a step measured, copied from the traffic seen so far."""
    return Step(
        seconds,
        choosable,
        traffic.requests,
        traffic.bytes,
        traffic.socket_bytes,
        list(traffic.urls),
    )


def new_page_loads(browser: Any, base: str, number: int) -> dict[str, Step]:
    """The contest service's pages: entry, paper after starting, the paper cold."""
    steps: dict[str, Step] = {}
    context, page, traffic = phone_page(browser)
    try:
        started = now_ms()
        page.goto(f"{base}thi/{NAME}", wait_until="commit")
        seconds = seen_after(page, started, "new entry")
        quiet(page, traffic)
        steps["entry"] = taken(traffic, seconds, None)
        page.locator("#ma").fill(code(number))
        page.locator("#so_cuoi").fill(tail(number))
        page.get_by_role("button", name="Vào thi").first.click()
        page.get_by_role("button", name="Bắt đầu làm bài").wait_for()
        quiet(page, traffic)
        traffic.reset()
        started = now_ms()
        page.get_by_role("button", name="Bắt đầu làm bài").click()
        page.wait_for_url("**/bai", wait_until="commit")
        seconds = seen_after(page, started, "new question")
        choosable = seen_after(page, started, "new choosable")
        quiet(page, traffic)
        steps["paper"] = taken(traffic, seconds, choosable)
        storage = context.storage_state()
    finally:
        context.close()
    context, page, traffic = phone_page(browser, storage)
    try:
        started = now_ms()
        page.goto(f"{base}thi/{NAME}/bai", wait_until="commit")
        seconds = seen_after(page, started, "new question")
        choosable = seen_after(page, started, "new choosable")
        quiet(page, traffic)
        steps["paper_cold"] = taken(traffic, seconds, choosable)
    finally:
        context.close()
    return steps


def old_page_loads(browser: Any, voila: str, number: int) -> dict[str, Step]:
    """The Voilà quiz page: entry (the notebook run in a new kernel), then "Vào thi"."""
    steps: dict[str, Step] = {}
    context, page, traffic = phone_page(browser)
    try:
        started = now_ms()
        page.goto(f"{voila}?contest={NAME}", wait_until="commit")
        field_ = "input[placeholder='ví dụ: hv001']"
        seconds = seen_after(page, started, "old entry")
        quiet(page, traffic)
        steps["entry"] = taken(traffic, seconds, None)
        page.locator(field_).fill(code(number))
        page.get_by_placeholder("nếu đơn vị đã khai số điện thoại").fill(tail(number))
        quiet(page, traffic)
        traffic.reset()
        started = now_ms()
        page.get_by_role("button", name="Vào thi").first.click()
        seconds = seen_after(page, started, "old question")
        choosable = seen_after(page, started, "old choosable")
        quiet(page, traffic)
        steps["paper"] = taken(traffic, seconds, choosable)
    finally:
        page.close(run_before_unload=True)
        context.close()
    return steps


def start_voila(home: Path, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """Voilà on benchmarks/baseline/ with hoctap's configuration (as `hoctap serve` ran it)."""
    from hoctap.hub.serve import child_env
    from hoctap.settings import Settings

    settings = Settings.from_env({"HOCTAP_HOME": str(home)})
    env = child_env(settings)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(BASELINE), *filter(None, env.get("PYTHONPATH", "").split(os.pathsep))]
    )
    env["HOCTAP_DB_POOL"] = "none"
    port = free_port()
    argv = [
        sys.executable,
        "-m",
        "voila",
        str(BASELINE),
        "--no-browser",
        "--Voila.ip=127.0.0.1",
        f"--Voila.port={port}",
        "--Voila.port_retries=0",
        "--VoilaConfiguration.show_tracebacks=False",
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/voila/render/quiz.ipynb"
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/voila/static/", timeout=5):
                return process, url
        except urllib.error.HTTPError:  # it answers
            return process, url
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                log_text = log.read_text(errors="replace")
                raise SystemExit(f"Voilà did not start:\n{log_text}") from None
            time.sleep(0.3)


def medians(runs: list[dict[str, Step]]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for name in runs[0]:
        steps = [run[name] for run in runs]

        def median(get: Callable[[Step], float | None], steps: list[Step] = steps) -> float | None:
            values = [v for v in map(get, steps) if v is not None]
            return statistics.median(values) if values else None

        out[name] = {
            "seconds": median(lambda s: s.seconds),
            "seconds_max": max(s.seconds for s in steps),
            "seconds_choosable": median(lambda s: s.seconds_choosable),
            "requests": median(lambda s: s.requests),
            "kb": (median(lambda s: s.bytes) or 0) / 1000,
            "socket_kb": (median(lambda s: s.socket_bytes) or 0) / 1000,
            "urls": steps[-1].urls,
        }
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    if not 1 <= args.loads <= 20:
        raise SystemExit("--loads: 1 to 20")
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="hoctap-bench-page-"))
    home = work / "home"
    seed(home, people=2 * args.loads + 2)
    voila = None
    try:
        voila, voila_url = start_voila(home, work / "voila.log")
        with hoctap_web(home) as base, sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
            )
            # One untimed load of each first: the server's first answers (templates compiled,
            # the contest file read; Voilà's first kernel) are not what a taker waits for.
            new_page_loads(browser, base, 2 * args.loads + 1)
            old_page_loads(browser, voila_url, 2 * args.loads + 2)
            new_runs, old_runs = [], []
            # Alternately, so that the machine's noise falls on both alike.
            for load in range(args.loads):
                new_runs.append(new_page_loads(browser, base, 1 + load))
                old_runs.append(old_page_loads(browser, voila_url, 1 + args.loads + load))
                print(
                    f"load {load + 1}: new entry {new_runs[-1]['entry'].seconds:.2f} s, "
                    f"paper {new_runs[-1]['paper'].seconds:.2f} s; "
                    f"old entry {old_runs[-1]['entry'].seconds:.2f} s, "
                    f"paper {old_runs[-1]['paper'].seconds:.2f} s",
                    flush=True,
                )
            version = browser.version
            browser.close()
    finally:
        if voila is not None:
            voila.terminate()
            try:
                voila.wait(timeout=30)
            except subprocess.TimeoutExpired:
                voila.kill()
        shutil.rmtree(work, ignore_errors=True)
    figures = {
        "new": medians(new_runs),
        "old": medians(old_runs),
        "loads": args.loads,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, Chromium {version}",
        "network": NETWORK,
        "cpu_slowdown": CPU_SLOWDOWN,
    }
    report(figures)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, ensure_ascii=False), "utf-8")
    paper = figures["new"]["paper_cold"]
    ok = paper["seconds"] <= 2.0 and paper["kb"] <= 50 and paper["requests"] <= 5
    entry = figures["new"]["entry"]
    ok = ok and entry["seconds"] <= 2.0 and entry["kb"] <= 50 and entry["requests"] <= 5
    print(("PASS" if ok else "FAIL") + ": first question ≤ 2 s, page ≤ 50 KB in ≤ 5 requests")
    return 0 if ok else 1


def report(figures: dict[str, Any]) -> None:
    print(f"\n{figures['machine']}; median of {figures['loads']} loads each")
    print("page, step: s to shown (max) | s to choosable | requests | KB | websocket KB")
    for page in ("new", "old"):
        for step, f in figures[page].items():
            choosable = f["seconds_choosable"]
            print(
                f"{page:3} {step:10}: {f['seconds']:6.2f} ({f['seconds_max']:.2f}) | "
                f"{'-' if choosable is None else f'{choosable:.2f}':>6} | "
                f"{f['requests']:4g} | {f['kb']:8.1f} | {f['socket_kb']:7.1f}"
            )
        print("   ", {step: f["urls"] for step, f in figures[page].items() if page == "new"})


if __name__ == "__main__":
    raise SystemExit(main())
