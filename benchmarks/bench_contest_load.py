"""Benchmark: 60 people take a contest at once while 10 judges reload the leaderboard.

Goal (issue 8): with 60 quiz takers at the same time and 10 judges reloading the leaderboard,
every attempt is saved exactly once, handed in, with every answer; the time to answer a question
(p95), the leaderboard's load time and the memory of each Voilà kernel are recorded. Baselines in
the same run, on the same server before the load: takers alone, one after the other, and one
judge alone.

It builds a data folder with `hoctap demo` on a throw-away PostgreSQL server (what a province
runs; `--sqlite` for SQLite), writes a contest open now with the sample contest's rules (10
drawn questions and the prediction question, one attempt), and starts `hoctap serve --no-lab` on
127.0.0.1. Takers start spread over `--ramp` seconds; each identifies with a trainee code and
phone tail, answers every question after a think time, and hands in. `--browser-takers` of them
are Chromium pages (Playwright, one headless Debian Chromium, a context per person); the others
drive the same page's widgets through its kernel's websocket (`voila_client.py`), because sixty
Chromium pages take more of the two cores than the server they measure. The time to answer is
from the answer (Chromium: the click or Enter in the page; websocket: the widget's new state
sent) to the kernel's "Đã lưu câu trả lời lúc …" shown (received), which the kernel sends after
the answer is committed. The judges, in Chromium, reload while any taker works, timing navigation
to `table.hoctap-ranking` visible. A thread samples the resident memory of Voilà and of every
kernel it started, and the CPU time of each side. Afterwards the database must hold no lost or
duplicated answer and one handed-in attempt per taker who finished; PASS/FAIL lines, exit status
1 otherwise. A watchdog stops everything the run started at `--time-limit`, or when the machine
has less than `--min-free-gb` of memory left.

    .venv/bin/python benchmarks/bench_contest_load.py [--takers 60] [--browser-takers 5]
        [--judges 10] [--people 5000] [--ramp 30] [--think 3] [--judge-pause 5] [--sqlite]
        [--iopub-timeout S]
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import psutil
import yaml

import hoctap

sys.path.insert(0, str(Path(__file__).resolve().parent))

from contest_takers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    Taker,
    judge_loads,
    take_contest,
    take_contest_socket,
)
from load_server import TOKEN, Sampler, Server, Stopper, database, log_problems, start_server

CONTEST = "thi-tai-dong-thoi"
SAMPLE_CONTEST = "thi-tim-hieu-mau"


def hoctap_run(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "hoctap", *args], env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise SystemExit(f"hoctap {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def write_contest(settings: Any) -> Any:
    """The sample contest's rules, open from yesterday to tomorrow, one attempt each."""
    from hoctap.contest.catalog import contest_folders, find_contest
    from hoctap.settings import ZONE

    sample = next(f / f"{SAMPLE_CONTEST}.yaml" for f in contest_folders(settings)
                  if (f / f"{SAMPLE_CONTEST}.yaml").is_file())  # fmt: skip
    rules = yaml.safe_load(sample.read_text(encoding="utf-8"))
    now = datetime.now(ZONE)
    rules.update(
        title="Thi thử tải: nhiều người cùng làm bài",
        opens=f"{now - timedelta(days=1):%d/%m/%Y %H:%M}",
        closes=f"{now + timedelta(days=1):%d/%m/%Y %H:%M}",
        attempts=1,
    )
    folder = settings.home / "contests"
    folder.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(rules, allow_unicode=True, sort_keys=False)
    (folder / f"{CONTEST}.yaml").write_text(text, encoding="utf-8")
    return find_contest(settings, CONTEST)


def pick_people(settings: Any, count: int) -> list[tuple[str, str]]:
    """(code, last four digits of the phone) of demo trainees spread over the roster."""
    from sqlalchemy import select

    from hoctap.db.models import Person
    from hoctap.people.units import open_province_database

    db = open_province_database(settings)
    try:
        with db.session() as session:
            people = session.execute(
                select(Person.code, Person.phone)
                .where(Person.is_demo.is_(True), Person.phone.is_not(None))
                .order_by(Person.code)
            ).all()
    finally:
        db.close()
    if len(people) < count:
        raise SystemExit(f"only {len(people)} demo trainees with a phone; use --people")
    step = len(people) // count
    return [(code, str(phone)[-4:]) for code, phone in people[::step][:count]]


def check_database(settings: Any, takers: list[Taker], questions: int) -> list[str]:
    """Losses and duplicates in what was saved. Each taker has at most one entrant and one
    attempt; every answer the page confirmed is saved, as chosen; a confirmed hand-in is handed
    in; a taker who finished has one attempt with every question answered. Nobody else entered.
    """
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from hoctap.db.models import Attempt, Entrant, Person
    from hoctap.people.units import open_province_database
    from hoctap.text import normalize

    problems = []
    db = open_province_database(settings)
    try:
        with db.session() as session:
            codes = {p.id: p.code for p in session.scalars(select(Person))}
            entrants = session.scalars(
                select(Entrant)
                .where(Entrant.contest == CONTEST)
                .options(selectinload(Entrant.attempts).selectinload(Attempt.answers))
            ).all()
            by_code: dict[str, list[Any]] = {}
            for entrant in entrants:
                by_code.setdefault(codes.get(entrant.person_id or -1, "?"), []).append(entrant)
            strangers = set(by_code) - {t.code for t in takers}
            if strangers:
                problems.append(f"entrants nobody sent: {sorted(strangers)}")
            for taker in takers:
                found = by_code.get(taker.code, [])
                attempts = [a for e in found for a in e.attempts]
                finished = taker.error is None
                if len(found) > 1 or len(attempts) > 1 or (finished and len(attempts) != 1):
                    problems.append(
                        f"{taker.code}: {len(found)} entrants, {len(attempts)} attempts"
                    )
                if len(attempts) != 1:
                    continue
                attempt = attempts[0]
                names = json.loads(attempt.questions)
                saved = {a.question: a.answer for a in attempt.answers}
                if (finished or taker.handed_in is not None) and attempt.submitted_at is None:
                    problems.append(f"{taker.code}: attempt not handed in")
                if finished and (len(names) != questions or len(attempt.answers) != questions):
                    problems.append(
                        f"{taker.code}: {len(attempt.answers)} answers saved for "
                        f"{len(names)} questions (expected {questions})"
                    )
                confirmed = taker.chosen[: len(taker.saves)]
                for name, chosen in zip(names, confirmed, strict=False):
                    if normalize(saved.get(name, "")) != normalize(chosen):
                        problems.append(f"{taker.code}: {name} saved {saved.get(name)!r}, "
                                        f"chosen {chosen!r}")  # fmt: skip
    finally:
        db.close()
    return problems


# -- the run -----------------------------------------------------------------------------------


def quantile(values: list[float], q: float) -> float:
    """Linear interpolation between order statistics (numpy's default)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


async def drive(
    args: argparse.Namespace, server: Server, people: list[tuple[str, str]], questions: int,
    postmaster: int | None, guard: Callable[[], None],
) -> dict[str, Any]:  # fmt: skip
    """The baselines, then the load; returns what was measured."""
    from playwright.async_api import async_playwright

    base = f"http://127.0.0.1:{server.port}"
    quiz = server.url(f"quiz.ipynb?contest={CONTEST}")
    board = server.url("leaderboard.ipynb")
    out: dict[str, Any] = {"board_errors": []}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )

        async def take(taker: Taker, think: float) -> None:
            if taker.client == "Chromium":
                await take_contest(browser, quiz, taker, questions, think)
            else:
                await take_contest_socket(
                    base, f"quiz.ipynb?contest={CONTEST}&token={TOKEN}", taker, questions, think
                )

        await server.wait_filled(1)
        await asyncio.sleep(args.settle)
        # Baselines: takers alone, one after the other, with each client (their kernel's memory
        # sampled meanwhile), then one judge alone, each load after Voilà refilled its pool.
        alone = Sampler(server, postmaster, guard)
        alone.start()
        count = args.baseline_takers
        out["alone"] = [
            Taker(code, tail, "socket" if i < count else "Chromium")
            for i, (code, tail) in enumerate(people[: 2 * count])
        ]
        for taker in out["alone"]:
            await take(taker, args.baseline_think)
        alone.halt.set()
        alone.join()
        out["alone_memory"] = alone.largest.get("quiz", float("nan"))
        fills = server.pool_fills()
        warm: list[float] = []  # the first visit fills Chromium's cache, as for the judges later
        await judge_loads(browser, board, warm, lambda: False, 0, out["board_errors"], count=1)
        out["board_alone"] = []
        for _ in range(args.baseline_loads):
            fills += 1
            await server.wait_filled(fills)
            await asyncio.sleep(args.settle)
            await judge_loads(
                browser, board, out["board_alone"], lambda: False, 0, out["board_errors"], 1
            )
        await server.wait_filled(fills + 1)
        await asyncio.sleep(args.settle)

        # The load: judges reload while any taker works; takers start spread over the ramp,
        # every (takers / browser_takers)-th of them in Chromium.
        rest = people[2 * count :]
        every = len(rest) // args.browser_takers if args.browser_takers else len(rest) + 1
        takers = [
            Taker(code, tail, "Chromium" if i % every == 0 and i // every < args.browser_takers
                  else "socket")
            for i, (code, tail) in enumerate(rest)
        ]  # fmt: skip
        working = len(takers)

        async def one(index: int, taker: Taker) -> None:
            nonlocal working
            await asyncio.sleep(args.ramp * index / len(takers))
            try:
                await take(taker, args.think)
            finally:
                working -= 1

        loads: list[float] = []
        sampler = Sampler(server, postmaster, guard)
        sampler.sample()  # the CPU counters' starting point
        sampler.start()
        started = time.perf_counter()
        judges = [
            judge_loads(browser, board, loads, lambda: working == 0, args.judge_pause,
                        out["board_errors"])
            for _ in range(args.judges)
        ]  # fmt: skip
        everything = asyncio.gather(*(one(i, t) for i, t in enumerate(takers)), *judges)
        try:
            await asyncio.wait_for(everything, args.load_limit)
        except TimeoutError:
            for taker in takers:  # cancelled where they were
                if taker.error is None and taker.handed_in is None:
                    taker.error = f"not finished within --load-limit {args.load_limit:.0f} s"
        out["load_seconds"] = time.perf_counter() - started
        sampler.halt.set()
        sampler.join()
        out.update(takers=takers, loads=loads, sampler=sampler)
        await browser.close()
    await asyncio.sleep(3)  # the last pages' shutdown requests reach Voilà
    out["kernels_left"] = Sampler(server, None).sample().kernels
    return out


def report(args: argparse.Namespace, db_name: str, out: dict[str, Any], wall: float) -> None:
    alone: list[Taker] = out["alone"]
    takers: list[Taker] = out["takers"]
    done = [t for t in takers if t.error is None]
    sampler: Sampler = out["sampler"]
    python = platform.python_version()
    memory = psutil.virtual_memory().total / 2**30
    browsers = sum(t.client == "Chromium" for t in takers)
    print(f"\nmachine: {platform.machine()}, {os.cpu_count()} cores, {memory:.0f} GB, Python "
          f"{python}; database: {db_name}")  # fmt: skip
    print(
        f"takers: {len(done)}/{len(takers)} finished ({browsers} in Chromium, the others "
        f"through the kernel's websocket), started over {args.ramp:.0f} s, thinking "
        f"{args.think:.1f} s ± 50 % before each answer; judges in Chromium: {args.judges}, "
        f"reading {args.judge_pause:.0f} s between reloads; load phase: "
        f"{out['load_seconds']:.0f} s"
    )

    def pick(group: list[Taker], client: str, value: Callable[[Taker], Any]) -> list[float]:
        found: list[float] = []
        for taker in group:
            if taker.client == client:
                got = value(taker)
                found += got if isinstance(got, list) else [got] if got is not None else []
        return found

    def row(label: str, values: list[float]) -> None:
        if values:
            print(f"{label:60}{median(values):8.2f}{quantile(values, 0.95):8.2f}{len(values):7d}")

    print(f"\n{'seconds':60}{'p50':>8}{'p95':>8}{'n':>7}")
    rows: list[tuple[str, Callable[[Taker], Any]]] = [
        ("answer saved", lambda t: t.saves),
        ("next question shown", lambda t: t.moves),
        ("page to identification form", lambda t: t.ready),
        ("'Vào thi' to first question", lambda t: t.entered),
        ("'Nộp bài' to result", lambda t: t.handed_in),
    ]
    for label, value in rows:
        for client in ("socket", "Chromium"):
            row(f"{label}, {client}, alone (baseline)", pick(alone, client, value))
            row(f"{label}, {client}, {len(takers)} at once", pick(done, client, value))
    row("leaderboard table visible, a judge alone (baseline)", out["board_alone"])
    row(f"leaderboard table visible, {args.judges} judges during the load", out["loads"])
    saves = {c: quantile(pick(done, c, lambda t: t.saves), 0.95) for c in ("socket", "Chromium")}
    base = {c: quantile(pick(alone, c, lambda t: t.saves), 0.95) for c in ("socket", "Chromium")}
    print(
        f"\np95 answer saved, at once / alone: {saves['socket'] / base['socket']:.1f}x "
        f"(socket), {saves['Chromium'] / base['Chromium']:.1f}x (Chromium); median leaderboard "
        f"load, during the load / alone: {median(out['loads']) / median(out['board_alone']):.1f}x"
    )

    print("\nresident memory, MB")
    print(f"  one quiz kernel, a taker alone (baseline): {out['alone_memory']:.0f}")
    peak = sampler.peak
    if peak is not None:
        for kind in ("quiz", "leaderboard", "other"):
            sizes = peak.rss(kind)
            if sizes:
                print(f"  at peak, {len(sizes)} {kind} kernels: median {median(sizes):.0f}, "
                      f"max {max(sizes):.0f}, total {sum(sizes):.0f}")  # fmt: skip
        print(f"  at peak, the Voilà server process: {peak.voila:.0f}; kernels and server: "
              f"{peak.kernel_total + peak.voila:.0f} (proportional set size, shared pages "
              f"counted once: {peak.pss_total:.0f})")  # fmt: skip
    print(f"  largest kernel seen: quiz {sampler.largest.get('quiz', 0):.0f}, leaderboard "
          f"{sampler.largest.get('leaderboard', 0):.0f}")  # fmt: skip
    cpu = {side: sampler.cpu_seconds(side) for side in ("server", "database", "browser")}
    print(
        f"CPU seconds during the load (approximate): Voilà and its kernels {cpu['server']:.0f}, "
        f"PostgreSQL {cpu['database']:.0f}, load generator (Chromium, Playwright, this script) "
        f"{cpu['browser']:.0f}; available {2 * out['load_seconds']:.0f} (2 cores)"
    )
    if sampler.postmaster:
        print(f"PostgreSQL client connections at most: {sampler.connections} (max_connections 100)")
    left = Counter(kind for kind, _ in out["kernels_left"].values())
    print(f"kernels left after every page closed: {sum(left.values())} {dict(left)}")
    if out["board_errors"]:
        print(f"judges' errors: {Counter(out['board_errors'])}")
    print(f"wall time: {wall:.0f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--takers", type=int, default=60)
    parser.add_argument("--judges", type=int, default=10)
    parser.add_argument("--people", type=int, default=5000, help="demo trainees")
    parser.add_argument("--ramp", type=float, default=30.0, help="seconds to start every taker")
    parser.add_argument(
        "--think", type=float, default=3.0, help="mean seconds before each answer (±50 %%)"
    )
    parser.add_argument(
        "--judge-pause", type=float, default=5.0, help="seconds a judge reads before reloading"
    )
    parser.add_argument(
        "--browser-takers",
        type=int,
        default=5,
        help="how many of the takers use Chromium; the others the kernel's websocket",
    )
    parser.add_argument(
        "--baseline-takers", type=int, default=3, help="takers alone, with each client"
    )
    parser.add_argument(
        "--baseline-think", type=float, default=0.5, help="think time of the takers alone"
    )
    parser.add_argument("--baseline-loads", type=int, default=3)
    parser.add_argument(
        "--settle",
        type=float,
        default=20.0,
        help="seconds for a refilled leaderboard kernel to run its notebook",
    )
    parser.add_argument("--sqlite", action="store_true", help="SQLite instead of PostgreSQL")
    parser.add_argument(
        "--iopub-timeout",
        type=int,
        default=None,
        help="seconds Voilà waits for a cell's outputs after it ran (VoilaExecutor.iopub_timeout,"
        " through a voila.json on JUPYTER_CONFIG_PATH); default: Voilà's own, 4",
    )
    parser.add_argument(
        "--load-limit",
        type=float,
        default=600.0,
        help="seconds for the load; takers still working then count as not finished",
    )
    parser.add_argument(
        "--time-limit",
        type=float,
        default=1200.0,
        help="seconds for the whole run; then everything it started is stopped",
    )
    parser.add_argument(
        "--min-free-gb", type=float, default=3.0, help="stop everything below this free memory"
    )
    parser.add_argument("--keep", action="store_true", help="keep the data folder")
    args = parser.parse_args()

    stopper = Stopper()
    timer = threading.Timer(
        args.time_limit, stopper.abort, [f"time limit of {args.time_limit:.0f} s reached"]
    )
    timer.daemon = True
    timer.start()

    def guard() -> None:
        free = psutil.virtual_memory().available / 2**30
        if free < args.min_free_gb:  # the machine is shared: never push it into swap or OOM
            stopper.abort(f"only {free:.1f} GB of memory left (--min-free-gb)")

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    work = Path(tempfile.mkdtemp(prefix="hoctap-bench-load-"))
    print(f"data folder and logs: {work} (removed if the run passes, unless --keep)")
    passed = False

    def tidy() -> None:
        if passed and not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    stopper.add(tidy)
    home = work / "home"
    began = time.perf_counter()
    try:
        db_env, db_name, postmaster = database(args.sqlite, stopper)
        print(f"database: {db_name}")
        env = dict(os.environ, HOCTAP_HOME=str(home), **db_env)
        env.pop("HOCTAP_GRADEBOOK_URL", None)
        if args.iopub_timeout is not None:
            # An experiment with Voilà's configuration; hoctap's own voila.json stays as it is.
            extra = work / "jupyter_config"
            extra.mkdir()
            config = {"VoilaExecutor": {"iopub_timeout": args.iopub_timeout}}
            (extra / "voila.json").write_text(json.dumps(config), encoding="utf-8")
            env["JUPYTER_CONFIG_PATH"] = ":".join(
                [str(extra), *filter(None, env.get("JUPYTER_CONFIG_PATH", "").split(":"))]
            )
            print(f"Voilà: VoilaExecutor.iopub_timeout = {args.iopub_timeout} s")
        # A normal install has bytecode; this machine sets PYTHONDONTWRITEBYTECODE.
        compileall.compile_dir(str(Path(hoctap.__file__).parent), quiet=1)
        started = time.perf_counter()
        hoctap_run(env, "demo", "--people", str(args.people))
        print(f"demo data ({args.people} trainees): {time.perf_counter() - started:.0f} s")

        from hoctap.contest.definition import draw_questions
        from hoctap.settings import Settings

        settings = Settings.from_env(env)
        loaded = write_contest(settings)
        questions = len(draw_questions(loaded.contest, loaded.questions, "any"))
        people = pick_people(settings, 2 * args.baseline_takers + args.takers)
        print(f"contest {CONTEST}: {questions} questions each (the prediction included)")
        server = start_server(home, env, stopper)
        out = asyncio.run(drive(args, server, people, questions, postmaster, guard))
        server.stop()  # nothing writes while the database is checked
        everyone: list[Taker] = [*out["alone"], *out["takers"]]
        report(args, db_name, out, time.perf_counter() - began)
        logged = log_problems(server.voila_log)
        print(f"Voilà's log: {dict(logged) or 'no errors'} ({server.voila_log})")
        failed = [f"{t.code} ({t.client}): {t.error}" for t in everyone if t.error]
        problems = check_database(settings, everyone, questions)
        print()
        checks = [
            ("no answer lost or saved twice: at most one attempt a taker, every answer the page "
             "confirmed saved as chosen, every confirmed hand-in handed in, nobody else "
             "entered", problems),
            (f"every taker finished ({len(everyone) - len(failed)}/{len(everyone)}): one "
             "attempt, handed in, every question answered", failed),
        ]  # fmt: skip
        for label, found in checks:
            print(("PASS: " if not found else "FAIL: ") + label)
            for line in found[:10]:
                print(f"  {line}")
            if len(found) > 10:
                print(f"  … and {len(found) - 10} more")
        passed = not failed and not problems
        return 0 if passed else 1
    finally:
        stopper.stop_all()


if __name__ == "__main__":
    sys.exit(main())
