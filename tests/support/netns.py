"""Machines for the failover test, made of Linux network namespaces (``ip netns``, as root).

Each namespace is a host of its own with one address on a bridge in the root namespace (a
switch): PostgreSQL in one, each contest worker in another. The root namespace has the bridge's
first address, so the test (and nginx, run there) reaches every host as over a LAN, and the
hosts reach each other without the root namespace forwarding anything. Everything made here is
removed when the ``lan`` context ends, pass or fail: the processes started in the namespaces
(found with ``ip netns pids``), the namespaces, the bridge.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any

from .servers import PostgresServer, free_port, require

NGINX_TEMPLATE = Path(__file__).with_name("nginx-contest.conf.in")


def _ip(*argv: str) -> None:
    done = subprocess.run(["ip", *argv], capture_output=True, text=True)
    if done.returncode:
        raise AssertionError(f"ip {' '.join(argv)}: {done.stderr.strip()}")


def require_netns() -> None:
    """Fail clearly unless ``ip netns`` works here (iproute2, and root for the namespaces)."""
    require(shutil.which("ip") is not None, "iproute2 (the ip command)")
    require(os.geteuid() == 0, "root (network namespaces need it)")
    name = f"hoctap-probe-{os.getpid()}"
    made = subprocess.run(["ip", "netns", "add", name], capture_output=True, text=True)
    if made.returncode == 0:
        subprocess.run(["ip", "netns", "del", name], capture_output=True)
    require(made.returncode == 0, f"network namespaces (ip netns add: {made.stderr.strip()})")


def _free_subnet() -> str:
    """A /24 in 10.231.0.0/16 that no interface here uses: "10.231.N"."""
    shown = subprocess.run(["ip", "-4", "-o", "addr"], capture_output=True, text=True).stdout
    shown += subprocess.run(["ip", "-4", "route"], capture_output=True, text=True).stdout
    for third in range(0, 256):
        prefix = f"10.231.{third}"
        if f"{prefix}." not in shown:
            return prefix
    raise AssertionError("no free /24 in 10.231.0.0/16")


class Host:
    """One namespace: its name, its address, and the processes started in it."""

    def __init__(self, name: str, address: str) -> None:
        self.name = name
        self.address = address
        self.processes: list[subprocess.Popen[bytes]] = []
        self.logs: list[IO[bytes]] = []

    def argv(self, *command: str) -> list[str]:
        return ["ip", "netns", "exec", self.name, *command]

    def run(self, *command: str, **options: Any) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self.argv(*command), check=True, capture_output=True, text=True, **options
        )

    def start(
        self, command: Sequence[str], env: dict[str, str], log_path: Path, cwd: Path | None = None
    ) -> subprocess.Popen[bytes]:
        """A long-running process in this namespace, its output into ``log_path`` (``ip netns
        exec`` execs it: the pid is the command's own, so a signal reaches it directly)."""
        log = log_path.open("wb")
        self.logs.append(log)
        process = subprocess.Popen(
            self.argv(*command), env=env, stdout=log, stderr=subprocess.STDOUT, cwd=cwd
        )
        self.processes.append(process)
        return process

    def kill_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
                process.wait(10)
        # Anything else left in the namespace (PostgreSQL's daemons) is ours too.
        found = subprocess.run(["ip", "netns", "pids", self.name], capture_output=True, text=True)
        for pid in found.stdout.split():
            with suppress(ProcessLookupError):
                os.kill(int(pid), signal.SIGKILL)
        for log in self.logs:
            log.close()


class Lan:
    """A bridge with the root namespace on ``.1`` and one namespace per host after it."""

    def __init__(self) -> None:
        self.tag = f"{os.getpid() % 100000}"
        self.prefix = _free_subnet()
        self.bridge = f"htbr{self.tag}"
        self.gateway = f"{self.prefix}.1"
        self.hosts: list[Host] = []
        _ip("link", "add", self.bridge, "type", "bridge")
        _ip("addr", "add", f"{self.gateway}/24", "dev", self.bridge)
        _ip("link", "set", self.bridge, "up")

    def host(self, role: str) -> Host:
        number = len(self.hosts) + 10
        host = Host(f"hoctap-{self.tag}-{role}", f"{self.prefix}.{number}")
        outside, inside = f"htv{self.tag}h{number}", f"htv{self.tag}n{number}"
        _ip("netns", "add", host.name)
        self.hosts.append(host)
        _ip("link", "add", outside, "type", "veth", "peer", "name", inside)
        _ip("link", "set", inside, "netns", host.name)
        _ip("link", "set", outside, "master", self.bridge, "up")
        _ip("-n", host.name, "link", "set", "lo", "up")
        _ip("-n", host.name, "link", "set", inside, "name", "eth0")
        _ip("-n", host.name, "addr", "add", f"{host.address}/24", "dev", "eth0")
        _ip("-n", host.name, "link", "set", "eth0", "up")
        return host

    def close(self) -> None:
        for host in self.hosts:
            host.kill_all()
        for host in self.hosts:
            for _ in range(50):  # the kernel frees a namespace once its last process is gone
                gone = subprocess.run(["ip", "netns", "del", host.name], capture_output=True)
                if gone.returncode == 0:
                    break
                time.sleep(0.1)
        subprocess.run(["ip", "link", "del", self.bridge], capture_output=True)


@contextmanager
def lan() -> Iterator[Lan]:
    require_netns()
    network = Lan()
    try:
        yield network
    finally:
        network.close()


class NamespacedPostgres(PostgresServer):
    """The throw-away PostgreSQL of servers.py, listening on a host's address in its namespace
    and trusting the LAN (a test server: no password)."""

    def __init__(self, bindir: Path, host: Host, lan_prefix: str) -> None:
        super().__init__(bindir)
        self.host = host
        self.port = 5432  # the namespace's own port space
        self.lan_prefix = lan_prefix

    def start(self) -> None:
        self.initdb()
        with (self.data / "pg_hba.conf").open("a") as hba:
            hba.write(f"host all all {self.lan_prefix}.0/24 trust\n")
        options = self.options(self.host.address)
        pg_ctl = str(self.bindir / "pg_ctl")
        log = str(self.root / "server.log")
        self.host.run(
            "runuser", "-u", "postgres", "--",
            pg_ctl, "-D", str(self.data), "-o", options, "-l", log, "-w", "start",
            cwd=self.root,
        )  # fmt: skip

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@{self.host.address}:{self.port}/{database}"


def wait_for(url: str, process: subprocess.Popen[bytes], seconds: float = 30) -> None:
    """Until ``url`` answers 200, or fail with the process's end."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{process.args} ended with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} did not answer in {seconds} s")


class Nginx:
    """Debian's nginx in the root namespace, from tests/support/nginx-contest.conf.in, balancing
    ``upstreams`` (host:port); clients reach it on 127.0.0.1:``port``."""

    def __init__(self, upstreams: Sequence[str], fail_timeout: int = 10) -> None:
        require(shutil.which("nginx") is not None, "nginx (Debian package nginx)")
        self.port = free_port()
        # nginx's workers run as nobody: their folder must be theirs to enter.
        self.root = Path(tempfile.mkdtemp(prefix="hoctap-nginx-"))
        self.root.chmod(0o755)
        servers = "\n".join(
            f"        server {u} max_fails=1 fail_timeout={fail_timeout}s;" for u in upstreams
        )
        text = NGINX_TEMPLATE.read_text(encoding="utf-8")
        for key, value in {"@ROOT@": str(self.root), "@PORT@": str(self.port)}.items():
            text = text.replace(key, value)
        self.config = self.root / "nginx.conf"
        self.config.write_text(text.replace("@SERVERS@", servers), encoding="utf-8")
        self.log = (self.root / "nginx.out").open("wb")
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        check = subprocess.run(
            ["nginx", "-t", "-p", str(self.root), "-c", str(self.config)],
            capture_output=True,
            text=True,
        )
        assert check.returncode == 0, check.stderr
        self.process = subprocess.Popen(
            ["nginx", "-p", str(self.root), "-c", str(self.config)],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful: the master stops its workers
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.log.close()
        shutil.rmtree(self.root, ignore_errors=True)

    def access_log(self) -> list[str]:
        path = self.root / "access.log"
        return path.read_text(encoding="utf-8").splitlines() if path.exists() else []
