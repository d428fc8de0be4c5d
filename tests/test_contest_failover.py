"""Two contest workers on two hosts behind nginx, sharing only PostgreSQL on a third: one hangs
and is killed (SIGKILL) in the middle of a contest, and no answer a taker was told is saved is lost.

The hosts are network namespaces on a bridge (tests/support/netns.py). Each worker is one
``hoctap web`` process with its own data folder (the contest's file copied there), the same
HOCTAP_COOKIE_SECRET and the same HOCTAP_DB_URL. nginx (root namespace) balances them as
deploy/nginx/hoctap.conf does. The takers are asyncio clients doing what the page does: enter,
start, then save each change with X-Hoctap-Script and, when a save fails (nginx's 502, a dropped
connection), keep it and send it again after 3 s or at the next change, as contest.js does; a
"stale" answer whose stored revision is at least the one sent counts as saved. The figures
(how long the takers caught on the dying worker waited) are printed: run with -s.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from html import unescape
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
from sqlalchemy import Engine, create_engine, text

import hoctap
from hoctap.settings import ZONE
from hoctap.web.app import SCRIPT_HEADER
from tests.support.netns import (
    NGINX_TEMPLATE,
    Host,
    Lan,
    NamespacedPostgres,
    Nginx,
    lan,
    wait_for,
)
from tests.support.servers import pg_bindir, require

NAME = "thi-chiu-loi"
TAKERS = 60
LOAD_SECONDS = 20.0
KILL_AFTER = 9.0
"""Seconds into the load when the first worker stops answering (SIGSTOP) ..."""
FREEZE_SECONDS = 1.0
"""... and then dies (SIGKILL): a worker that hangs before it dies, so that saves are in flight
on it when it goes (a bare SIGKILL on an idle moment costs the takers nothing: nginx finds the
port closed and moves on), and nginx's 502 and the takers' resending are exercised every run."""
THINK = (0.4, 1.6)
"""Seconds between a taker's changes."""
RETRY_SECONDS = 3.0
"""contest.js: window.setTimeout(send, 3000) after a failed save."""
DRAIN_SECONDS = 25.0
MAX_WAIT_SECONDS = 20.0
"""No change may wait longer than this to be saved, kill or not."""
PORT = 8870
SECRET = "failover-test-cookie-secret-shared-by-both-workers"
CONTEST = """
title: Thi thử chịu lỗi
bank: xa-hoi-hoc-tap
types: [single_choice, multiple_choice, true_false]
draw:
  - {{category: "Chủ trương, chính sách", count: 4}}
  - {{category: Đơn vị học tập, count: 2}}
time_limit_minutes: 30
opens: {opens}
closes: {closes}
attempts: 0
prediction: {{question: dd-001, target: total}}
participants: roster
"""
SOURCE = Path(hoctap.__file__).resolve().parents[1]


# -- one taker, as the page's script --------------------------------------------------------


@dataclass
class Question:
    name: str
    kind: str
    options: list[str]
    rev: int = 0


@dataclass
class Change:
    """One change of an answer on the page: what must end up stored."""

    question: str
    rev: int
    fields: list[tuple[str, str]]
    expected: str
    made: float
    saved: float | None = None
    tries: int = 0


@dataclass
class Request:
    start: float
    end: float
    outcome: str  # ok, stale, failed, refused
    upstream: str


@dataclass
class Taker:
    base: str
    code: str
    tail: str
    rng: random.Random
    client: httpx.AsyncClient = field(init=False)
    xsrf: str = ""
    attempt: str = ""
    questions: list[Question] = field(default_factory=list)
    pending: dict[str, Change] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    stopping: bool = False
    keep: list[float] = field(default_factory=list)
    """From when (and, once set, until when) a question changed stays as it is: the saves caught
    by the failure are then the ones the database must hold at the end, not overwritten later."""
    wake: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        self.client = httpx.AsyncClient(base_url=self.base, follow_redirects=True, timeout=30)

    async def post(
        self, path: str, items: list[tuple[str, str]], script: bool = False
    ) -> httpx.Response:
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if script:
            headers[SCRIPT_HEADER] = "1"
        body = urlencode([*items, ("_xsrf", self.xsrf)])
        return await self.client.post(path, content=body, headers=headers)

    def read_token(self, page: str) -> None:
        found = re.search(r'name="_xsrf" value="([^"]+)"', page)
        assert found, page[:500]
        self.xsrf = unescape(found.group(1))

    async def enter(self) -> None:
        page = await self.client.get(f"thi/{NAME}")
        self.read_token(page.text)
        entry = [("ma", self.code), ("so_cuoi", self.tail), ("dong_y", "1")]
        start = await self.post(f"thi/{NAME}/vao", entry)
        assert "Bắt đầu làm bài" in start.text, start.text[-800:]
        paper = await self.post(f"thi/{NAME}/bai", [])
        self.read_paper(paper.text)

    def read_paper(self, page: str) -> None:
        self.read_token(page)
        for form in re.finditer(
            r'class="question" id="cau-\d+"\s+data-q="([^"]+)" data-rev="(\d+)">(.*?)</form>',
            page,
            re.S,
        ):
            body = form.group(3)
            self.attempt = re.search(r'name="bai" value="(\d+)"', body).group(1)  # type: ignore[union-attr]
            kind = "radio" if 'type="radio"' in body else "checkbox"
            if "<select" in body:
                continue  # no matching questions are drawn (types:), none answered
            if 'name="tra_loi"' in body:
                kind = "text"
            options = [
                unescape(o).strip()
                for o in re.findall(r'name="chon" value="\d+"[^>]*> (.*?)</label>', body, re.S)
            ]
            name, rev = unescape(form.group(1)), int(form.group(2))
            self.questions.append(Question(name, kind, options, rev))
        assert len(self.questions) == 7, page[-800:]

    def kept(self, question: Question) -> bool:
        if not self.keep:
            return False
        until = self.keep[1] if len(self.keep) > 1 else float("inf")
        return any(
            c.question == question.name and self.keep[0] <= c.made <= until for c in self.changes
        )

    def change(self) -> None:
        free = [q for q in self.questions if not self.kept(q)]
        if not free:
            return
        question = self.rng.choice(free)
        question.rev += 1
        if question.kind == "radio":
            pick = self.rng.randrange(len(question.options))
            chosen, expected = [("chon", str(pick))], question.options[pick]
        elif question.kind == "checkbox":
            picks = sorted(self.rng.sample(range(len(question.options)), 2))
            chosen = [("chon", str(p)) for p in picks]
            expected = ";".join(question.options[p] for p in picks)
        else:
            expected = str(self.rng.randrange(1, 5000))
            chosen = [("tra_loi", expected)]
        fields = [("bai", self.attempt), ("q", question.name), ("rev", str(question.rev)), *chosen]
        item = Change(question.name, question.rev, fields, expected, time.monotonic())
        self.pending[question.name] = item
        self.changes.append(item)
        self.wake.set()

    async def think(self, until: float) -> None:
        while time.monotonic() < until:
            await asyncio.sleep(self.rng.uniform(*THINK))
            self.change()
        self.stopping = True
        self.wake.set()

    async def send(self) -> None:
        """contest.js's send(): one save at a time, the failed ones kept and sent again."""
        while True:
            if not self.pending:
                if self.stopping:
                    return
                self.wake.clear()
                await self.wake.wait()
                continue
            name = next(iter(self.pending))
            item = self.pending[name]
            item.tries += 1
            start = time.monotonic()
            upstream = ""
            try:
                response = await self.post(f"thi/{NAME}/tra-loi", item.fields, script=True)
                upstream = response.headers.get("X-Hoctap-Upstream", "")
                answer = response.json()
            except (httpx.HTTPError, ValueError) as error:
                self.requests.append(Request(start, time.monotonic(), "failed", upstream))
                # nginx's own page when the worker died with the request (not JSON), or worse.
                got = isinstance(error, ValueError)
                self.errors.append(str(response.status_code) if got else repr(error)[:200])
                self.wake.clear()
                # A new change sends again at once, as the script's change() does.
                with suppress(TimeoutError):
                    await asyncio.wait_for(self.wake.wait(), RETRY_SECONDS)
                continue
            end = time.monotonic()
            stale = answer.get("stale")
            done = answer.get("ok") is True or (stale is not None and stale >= item.rev)
            outcome = "ok" if answer.get("ok") else "stale" if done else "refused"
            self.requests.append(Request(start, end, outcome, upstream))
            if self.pending.get(name) is item:
                del self.pending[name]
            if done:
                for earlier in self.changes:
                    if earlier.question == name and earlier.rev <= item.rev and not earlier.saved:
                        earlier.saved = end
            else:
                self.refusals.append(f"{response.status_code} {answer}")

    def stored(self) -> dict[str, tuple[int, str]]:
        """What must be in the database: each changed question's last revision and answer."""
        last: dict[str, Change] = {}
        for item in self.changes:
            last[item.question] = item
        return {q: (c.rev, c.expected) for q, c in last.items()}


# -- the hosts -----------------------------------------------------------------------------


def worker_env(home: Path, db_url: str) -> dict[str, str]:
    env = dict(os.environ, HOCTAP_HOME=str(home), HOCTAP_DB_URL=db_url)
    env.update(HOCTAP_COOKIE_SECRET=SECRET, PYTHONPATH=str(SOURCE), LANG="C.UTF-8")
    env.update(PYTHONUNBUFFERED="1")
    env.pop("HOCTAP_GRADEBOOK_URL", None)
    return env


def contest_text() -> str:
    now = datetime.now(ZONE)
    moment = "%d/%m/%Y %H:%M"
    return CONTEST.format(
        opens=(now - timedelta(days=1)).strftime(moment),
        closes=(now + timedelta(days=1)).strftime(moment),
    )


@pytest.fixture
def network() -> Iterator[Lan]:
    with lan() as made:
        yield made


def start_worker(host: Host, home: Path, db_url: str, logs: Path) -> subprocess.Popen[bytes]:
    (home / "contests").mkdir(parents=True)
    (home / "contests" / f"{NAME}.yaml").write_text(contest_text(), encoding="utf-8")
    argv = [sys.executable, "-m", "hoctap", "web", "--host", host.address, "--port", str(PORT)]
    argv.append("--proxied")  # behind nginx: the taker's address is nginx's X-Forwarded-For entry
    return host.start(argv, worker_env(home, db_url), logs / f"{host.name}.log", cwd=SOURCE)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


@pytest.mark.slow
def test_killing_a_worker_loses_no_saved_answer(network: Lan, tmp_path: Path) -> None:
    began = time.monotonic()
    bindir = pg_bindir()
    require(bindir is not None, "PostgreSQL server (Debian package postgresql)")
    assert bindir is not None
    pg_host, first, second = network.host("pg"), network.host("w1"), network.host("w2")
    database = NamespacedPostgres(bindir, pg_host, network.prefix)
    database.start()
    nginx: Nginx | None = None
    engine: Engine | None = None
    try:
        db_url = database.create_database()
        # People first (from the root namespace, over the bridge): `hoctap demo` migrates too.
        seed = subprocess.run(
            [sys.executable, "-m", "hoctap", "demo", "--people", "300", "--no-activity"],
            env=worker_env(tmp_path / "seed", db_url),
            capture_output=True,
            text=True,
            cwd=SOURCE,
        )
        assert seed.returncode == 0, seed.stderr[-2000:]
        engine = create_engine(db_url)
        with engine.connect() as conn:
            people = conn.execute(
                text(
                    "SELECT code, phone FROM people WHERE phone IS NOT NULL ORDER BY code LIMIT :n"
                ),
                {"n": TAKERS},
            ).all()
        assert len(people) == TAKERS
        workers = [
            start_worker(host, tmp_path / f"home-{host.name}", db_url, tmp_path)
            for host in (first, second)
        ]
        for host, process in zip((first, second), workers, strict=True):
            wait_for(f"http://{host.address}:{PORT}/suc-khoe", process)
        killed, survivor = f"{first.address}:{PORT}", f"{second.address}:{PORT}"
        nginx = Nginx([killed, survivor])
        nginx.start()
        base = f"http://127.0.0.1:{nginx.port}/"
        assert nginx.process is not None
        wait_for(base + "suc-khoe", nginx.process)
        ready = time.monotonic()

        takers, kill_moment = asyncio.run(drive(base, people, workers[0]))
        finished = time.monotonic()

        assert workers[0].wait(10) == -signal.SIGKILL
        assert workers[1].poll() is None, "the surviving worker stopped"
        stored = stored_answers(engine, [t.attempt for t in takers])
        log = nginx.access_log()
    finally:
        if engine is not None:
            engine.dispose()
        if nginx is not None:
            nginx.stop()
        database.stop()

    requests = [r for t in takers for r in t.requests]
    changes = [c for t in takers for c in t.changes]
    print(figures(takers, stored, log, kill_moment, f"set-up {ready - began:.1f} s, "
                  f"load and drain {finished - ready:.1f} s"))  # fmt: skip
    # The kill took effect: both workers served saves before it, only the survivor after.
    before = [r for r in requests if r.end < kill_moment]
    after = [
        r
        for r in requests
        if r.start > kill_moment + FREEZE_SECONDS + 0.5 and r.outcome != "failed"
    ]
    assert any(r.upstream == killed for r in before) and any(r.upstream == survivor for r in before)
    assert after and all(r.upstream.endswith(survivor) for r in after)
    # Saves were caught on the dying worker, and their takers sent them again.
    assert any(r.outcome == "failed" for r in requests)
    # Nothing refused, nothing left unsaved, and the database holds exactly what each taker was
    # told is saved: one row per question, its last revision, its last answer.
    assert [m for t in takers for m in t.refusals] == []
    assert {e for t in takers for e in t.errors} <= {"502"}, "failures other than nginx's 502"
    assert all(c.saved is not None for c in changes), "changes never saved"
    lost = []
    for taker in takers:
        expected = {(taker.attempt, q): v for q, v in taker.stored().items()}
        got = {k: v for k, v in stored.items() if k[0] == taker.attempt}
        if got != expected:
            lost.append((taker.code, sorted(set(expected.items()) ^ set(got.items()))))
    assert lost == [], lost[:5]
    # Among them, answers whose save failed at the failure and was sent again: the database was
    # checked on them (the takers left those questions alone afterwards).
    last = {(t.code, c.question): c for t in takers for c in t.changes}
    resent = [c for c in last.values() if c.tries > 1]
    print(f"  answers in the database that were sent again after a failure: {len(resent)}")
    assert resent, "no save caught by the failure is left for the database to show"
    assert max(c.saved - c.made for c in changes if c.saved) < MAX_WAIT_SECONDS


def figures(
    takers: list[Taker],
    stored: dict[tuple[str, str], tuple[int, str]],
    log: list[str],
    kill: float,
    timing: str,
) -> str:
    """What the run measured, in a few lines (printed before the assertions)."""
    requests = [r for t in takers for r in t.requests]
    changes = [c for t in takers for c in t.changes]
    waits = [c.saved - c.made for c in changes if c.saved is not None]
    resent = [c.saved - c.made for c in changes if c.tries > 1 and c.saved is not None]
    first = [c.saved - c.made for c in changes if c.tries == 1 and c.saved is not None]
    normal = statistics.median(first) if first else 0.0
    extra = [wait - normal for wait in resent]
    near = [c.saved - c.made for c in changes if c.saved and kill - 1 <= c.made <= kill + 5]
    hit = {t.code for t in takers if any(r.outcome == "failed" for r in t.requests)}
    count = {o: sum(r.outcome == o for r in requests) for o in ("ok", "stale", "failed", "refused")}
    timeline = []
    for second in range(-3, 8):
        inside = [r for r in requests if second <= r.start - kill < second + 1]
        timeline.append(
            f"{second:+d}s:{sum(r.outcome in ('ok', 'stale') for r in inside)}"
            f"/{sum(r.outcome == 'failed' for r in inside)}"
        )
    ms = 1000
    return (
        f"\nfailover: {len(takers)} takers, {len(changes)} changes, {len(requests)} saves sent "
        f"(ok {count['ok']}, stale {count['stale']}, failed {count['failed']}, refused "
        f"{count['refused']}), {len(stored)} answers stored, "
        f"{sum(c.saved is None for c in changes)} changes never saved; {timing}\n"
        f"  a change's wait until saved: median {percentile(waits, 0.5) * ms:.0f} ms, "
        f"p95 {percentile(waits, 0.95) * ms:.0f} ms, max {max(waits, default=0) * ms:.0f} ms\n"
        f"  changes made from 1 s before to 5 s after the worker froze: {len(near)}, wait p95 "
        f"{percentile(near, 0.95) * ms:.0f} ms, max {max(near, default=0) * ms:.0f} ms\n"
        f"  takers with a failed save: {len(hit)}; changes sent again: {len(resent)}, their wait "
        f"median {percentile(resent, 0.5):.2f} s, max {max(resent, default=0):.2f} s; beyond "
        f"the usual wait: p95 {percentile(extra, 0.95):.2f} s, max {max(extra, default=0):.2f} s\n"
        f"  saves started per second from the freeze (0 s; SIGKILL at +{FREEZE_SECONDS:.0f} s), "
        f"saved/failed: {' '.join(timeline)}\n"
        f"  nginx: {sum(' 502 ' in line for line in log)} answered 502, "
        f"{sum(', ' in line for line in log)} moved on to the other worker"
    )


def test_the_deployed_nginx_balances_as_the_test_does() -> None:
    """deploy/nginx/hoctap.conf's upstream and location for the contest service carry the
    directives this test's nginx runs with (tests/support/nginx-contest.conf.in)."""
    tested = NGINX_TEMPLATE.read_text(encoding="utf-8")
    deployed = (Path(__file__).parents[1] / "deploy" / "nginx" / "hoctap.conf").read_text(
        encoding="utf-8"
    )
    upstream = re.search(r"upstream hoctap_thi \{(.*?)\}", deployed, re.S)
    location = re.search(r"location /services/hoctap-thi/ \{(.*?)\n    \}", deployed, re.S)
    assert upstream and location
    for directive in ("least_conn;", "keepalive 32;"):
        assert directive in tested and directive in upstream.group(1)
    assert upstream.group(1).count("max_fails=1 fail_timeout=10s;") == 2
    for directive in (
        "proxy_pass http://hoctap_thi;",
        "proxy_http_version 1.1;",
        'proxy_set_header Connection "";',
        "proxy_set_header X-Real-IP $remote_addr;",
        "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        "proxy_set_header X-Forwarded-Proto $scheme;",
        "proxy_next_upstream error timeout http_502 http_503;",
        "proxy_next_upstream_tries 2;",
    ):
        assert directive in tested and directive in location.group(1), directive


async def drive(
    base: str, people: list[tuple[str, str]], victim: subprocess.Popen[bytes]
) -> tuple[list[Taker], float]:
    takers = [
        Taker(base, code, phone[-4:], random.Random(index))
        for index, (code, phone) in enumerate(people)
    ]
    try:
        await asyncio.gather(*(t.enter() for t in takers))
        until = time.monotonic() + LOAD_SECONDS
        senders = [asyncio.create_task(t.send()) for t in takers]
        thinkers = [asyncio.create_task(t.think(until)) for t in takers]
        await asyncio.sleep(KILL_AFTER - 2)
        for taker in takers:
            taker.keep.append(time.monotonic())
        await asyncio.sleep(2)
        victim.send_signal(signal.SIGSTOP)
        kill_moment = time.monotonic()
        await asyncio.sleep(FREEZE_SECONDS)
        victim.send_signal(signal.SIGKILL)
        await asyncio.sleep(1)
        for taker in takers:
            taker.keep.append(time.monotonic())
        await asyncio.gather(*thinkers)
        done, left = await asyncio.wait(senders, timeout=DRAIN_SECONDS)
        for task in left:
            task.cancel()
        for task in done:
            task.result()
        return takers, kill_moment
    finally:
        await asyncio.gather(*(t.client.aclose() for t in takers))


def stored_answers(engine: Engine, attempts: list[str]) -> dict[tuple[str, str], tuple[int, str]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT attempt_id, question, revision, answer FROM attempt_answers "
                "WHERE attempt_id = ANY(:ids)"
            ),
            {"ids": [int(a) for a in attempts]},
        ).all()
    found: dict[tuple[str, str], tuple[int, str]] = {}
    for attempt, question, revision, answer in rows:
        key = (str(attempt), question)
        assert key not in found, f"two rows for {key}"
        found[key] = (revision, answer)
    return found
