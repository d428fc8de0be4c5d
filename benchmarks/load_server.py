"""The server side of the load benchmark: PostgreSQL, `hoctap serve`, and what they use.

A throw-away PostgreSQL server (as the slow tests run it), `hoctap serve --no-lab` in its own
session, a thread sampling the memory and CPU of Voilà and its kernels, Voilà's log read for
errors, and one place that stops all of it, at the end or when a limit is reached.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.servers import PostgresServer, free_port, pg_bindir  # noqa: E402

FILLED = "Kernel pool of leaderboard.ipynb is filled"
TOKEN = "bench-" + secrets.token_urlsafe(12)
"""Voilà's token for the run (`hoctap serve --token`), as organisers are told to run it."""


class Stopper:
    """What the run started, stopped once in reverse order: at the end, or by the watchdog."""

    def __init__(self) -> None:
        self._steps: list[Callable[[], None]] = []
        self._lock = threading.Lock()

    def add(self, step: Callable[[], None]) -> None:
        with self._lock:
            self._steps.append(step)

    def stop_all(self) -> None:
        with self._lock:
            steps, self._steps = self._steps, []
        for step in reversed(steps):
            try:
                step()
            except Exception as error:  # a failed step must not keep the others running
                print(f"cleanup: {error!r}", file=sys.stderr)

    def abort(self, reason: str) -> None:
        """Kill every process this run started, stop the rest, and exit (from any thread)."""
        print(f"\nFAIL: {reason}; stopping everything", flush=True)
        for child in psutil.Process().children():
            kill_tree(child.pid)
        self.stop_all()
        os._exit(3)


def kill_tree(pid: int) -> None:
    """SIGKILL a process this run started and everything under it, by pid."""
    try:
        root = psutil.Process(pid)
        procs = [*root.children(recursive=True), root]
    except psutil.NoSuchProcess:
        return
    for proc in procs:
        with suppress(psutil.NoSuchProcess):
            proc.kill()
    psutil.wait_procs(procs, timeout=10)


def database(use_sqlite: bool, stopper: Stopper) -> tuple[dict[str, str], str, int | None]:
    """Environment for hoctap's database, its name, and PostgreSQL's server pid if it is that.

    PostgreSQL (a throw-away server, as the slow tests run it) whenever it is installed.
    """
    bindir = None if use_sqlite else pg_bindir()
    if bindir is None:
        return {}, "SQLite" + ("" if use_sqlite else " (PostgreSQL is not installed)"), None
    server = PostgresServer(bindir)
    server.start()
    stopper.add(server.stop)
    version = subprocess.run(
        [str(bindir / "postgres"), "--version"], capture_output=True, text=True
    ).stdout.split()[2]
    postmaster = int((server.data / "postmaster.pid").read_text().split()[0])
    url = server.create_database()
    return {"HOCTAP_DB_URL": url}, f"PostgreSQL {version}, default settings", postmaster


@dataclass
class Server:
    """`hoctap serve --no-lab` in its own session; Voilà is its child."""

    process: subprocess.Popen[bytes]
    port: int
    voila_log: Path

    @property
    def voila_pid(self) -> int:
        for child in psutil.Process(self.process.pid).children():
            if "voila" in " ".join(child.cmdline()):
                return int(child.pid)
        raise SystemExit("no Voilà process under hoctap serve")

    def url(self, notebook: str) -> str:
        joiner = "&" if "?" in notebook else "?"
        return f"http://127.0.0.1:{self.port}/voila/render/{notebook}{joiner}token={TOKEN}"

    def stop(self) -> None:
        """Ctrl-C, as an organiser would; whatever is left after a minute is killed."""
        if self.process.poll() is None:
            leftovers = [self.process.pid, self.voila_pid]
            self.process.send_signal(signal.SIGINT)
            with suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=60)
            for pid in leftovers:
                kill_tree(pid)

    def pool_fills(self) -> int:
        return self.voila_log.read_text(errors="replace").count(FILLED)

    async def wait_filled(self, count: int, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while self.pool_fills() < count:
            if time.monotonic() > deadline:
                raise SystemExit(f"Voilà's kernel pool was not refilled within {timeout:.0f} s")
            await asyncio.sleep(0.2)


def start_server(home: Path, env: dict[str, str], stopper: Stopper) -> Server:
    port = free_port()
    log = home / "serve.log"
    voila_log = home / "logs" / "voila.log"
    voila_log.unlink(missing_ok=True)
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "hoctap", "serve", "--no-lab", "--voila-port", str(port),
             "--token", TOKEN],
            env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
    server = Server(process, port, voila_log)
    stopper.add(server.stop)
    deadline = time.monotonic() + 240
    while "Nhấn Ctrl-C để dừng." not in log.read_text(errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("hoctap serve did not start:\n" + log.read_text(errors="replace"))
        time.sleep(0.3)
    return server


def pss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


@dataclass
class Sample:
    """Resident memory (MB) at one moment: Voilà, and each kernel by the page it serves."""

    voila: float
    kernels: dict[int, tuple[str, float]]
    pss_total: float = 0.0

    @property
    def kernel_total(self) -> float:
        return sum(rss for _, rss in self.kernels.values())

    def rss(self, kind: str) -> list[float]:
        return [rss for k, rss in self.kernels.values() if k == kind]


class Sampler(threading.Thread):
    """Samples Voilà and its kernels every ``interval`` s: the peak, the largest kernel of each
    kind, and the CPU time used since the first sample by each side of the test."""

    def __init__(
        self,
        server: Server,
        postmaster: int | None,
        guard: Callable[[], None] | None = None,
        interval: float = 2.0,
    ) -> None:
        super().__init__(daemon=True)
        self.guard = guard
        self.serve_pid, self.voila_pid = server.process.pid, server.voila_pid
        self.postmaster, self.interval = postmaster, interval
        self.kinds: dict[int, str] = {}
        self.cpu: dict[int, tuple[str, float, float]] = {}  # pid: side, first, last
        self.peak: Sample | None = None
        self.largest: dict[str, float] = {}
        self.connections = 0
        """The most client connections PostgreSQL had at once."""
        self.halt = threading.Event()

    def kind(self, proc: psutil.Process) -> str:
        """The page a kernel serves, from the environment Voilà started it with."""
        if proc.pid not in self.kinds:
            env = proc.environ()
            page = env.get("SCRIPT_NAME", "")
            self.kinds[proc.pid] = (
                "quiz" if page.endswith("quiz.ipynb")
                else "leaderboard" if env.get("VOILA_PREHEAT") == "True" or "leaderboard" in page
                else "other"
            )  # fmt: skip
        return self.kinds[proc.pid]

    def _cpu(self, side: str, procs: list[psutil.Process]) -> None:
        for proc in procs:
            try:
                times = proc.cpu_times()
            except psutil.NoSuchProcess:
                continue
            used = times.user + times.system
            if proc.pid in self.cpu:
                first = self.cpu[proc.pid][1]
            else:  # counted from the first sample; a process started since, from its start
                first = used if self.peak is None else 0.0
            self.cpu[proc.pid] = (side, first, used)

    def sample(self) -> Sample:
        voila = psutil.Process(self.voila_pid)
        under = voila.children(recursive=True)
        kernels: dict[int, tuple[str, float]] = {}
        for proc in under:
            try:
                if "ipykernel" in " ".join(proc.cmdline()):
                    kernels[proc.pid] = (self.kind(proc), proc.memory_info().rss / 2**20)
            except psutil.NoSuchProcess:
                continue
        taken = Sample(voila.memory_info().rss / 2**20, kernels)
        for kind, rss in kernels.values():
            self.largest[kind] = max(rss, self.largest.get(kind, 0.0))
        self._cpu("server", [voila, *under])
        if self.postmaster:
            postgres = psutil.Process(self.postmaster)
            backends = postgres.children()
            self._cpu("database", [postgres, *backends])
            clients = sum("127.0.0.1(" in " ".join(b.cmdline()) for b in backends)
            self.connections = max(self.connections, clients)
        me = psutil.Process()
        client = [me]
        for child in me.children():
            if child.pid != self.serve_pid:
                client += [child, *child.children(recursive=True)]
        self._cpu("browser", client)
        if self.peak is None or taken.kernel_total > self.peak.kernel_total:
            taken.pss_total = pss_mb(self.voila_pid) + sum(pss_mb(pid) for pid in kernels)
            self.peak = taken
        return taken

    def run(self) -> None:
        while not self.halt.wait(self.interval):
            try:
                self.sample()
            except psutil.Error:
                continue
            if self.guard:
                self.guard()

    def cpu_seconds(self, side: str) -> float:
        return sum(last - first for s, first, last in self.cpu.values() if s == side)


def log_problems(log: Path) -> Counter[str]:
    """Errors in Voilà's log (its kernels write there too), by kind; a traceback by the
    exception that ends it."""
    kinds = {
        "too many clients": "PostgreSQL: too many clients",
        "Timeout waiting for IOPub output": "outputs dropped (Timeout waiting for IOPub output)",
        "Kernel died": "kernels died",
        "_xsrf' argument missing from POST": "kernel shutdowns refused (403, no _xsrf)",
        "[Voila] ERROR": "Voilà errors",
    }
    found: Counter[str] = Counter()
    lines = log.read_text(errors="replace").splitlines()
    for number, line in enumerate(lines):
        if line.startswith("[Voila] WARNING | wrote error"):
            continue  # the same 403 again
        for needle, kind in kinds.items():
            if needle in line:
                found[kind] += 1
        if line.startswith("Traceback"):
            end = next((x for x in lines[number + 1 :] if x and not x.startswith(" ")), "?")
            if not end.startswith(("During handling", "The above exception")):
                found["traceback: " + end.split(":")[0]] += 1
    return found
