"""Free ports, a throw-away PostgreSQL server, and failing clearly when a system part is missing."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def free_ports(count: int) -> int:
    """A free port on 127.0.0.1 whose next ``count - 1`` are free too (the hub takes five)."""
    for _ in range(100):
        base = free_port()
        if base + count <= 65536 and all(_bindable(base + i) for i in range(1, count)):
            return base
    raise AssertionError(f"no {count} free ports in a row on 127.0.0.1")


def _bindable(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def require(condition: bool, what: str) -> None:
    """Fail clearly if a system part the slow tests use is missing: `make test` installs it.

    Never a skip: plain `pytest` deselects the slow tests, and a skipped one would prove nothing.
    """
    if not condition:
        pytest.fail(f"{what} is missing; `make test` installs it (scripts/sysdeps.sh test).")


def pg_bindir() -> Path | None:
    pg_ctl = shutil.which("pg_ctl")
    if pg_ctl:
        return Path(pg_ctl).resolve().parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: p.parts[-3])
    return versions[-1].parent if versions else None


class PostgresServer:
    """A PostgreSQL server in a temporary directory on a free port, run as `postgres` under root."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="hoctap-pg-"))
        self.data = self.root / "data"
        self.user: str | None = "postgres" if os.geteuid() == 0 else None
        if self.user:
            shutil.chown(self.root, self.user, self.user)
            self.root.chmod(0o700)

    def _run(self, *argv: str) -> None:
        subprocess.run(
            argv, check=True, capture_output=True, cwd=self.root, user=self.user, group=self.user
        )

    def initdb(self) -> None:
        """A new cluster in the temporary directory: superuser postgres, trusted, UTF-8."""
        self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-locale",
        )

    def options(self, address: str = "127.0.0.1") -> str:
        """pg_ctl's server options: the port, the socket folder, the address, no fsync."""
        return (
            f"-p {self.port} -k {self.root} -c listen_addresses={address} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )

    def start(self) -> None:
        self.initdb()
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            self.options(),
            "-l",
            str(self.root / "server.log"),
            "-w",
            "start",
        )

    def stop(self) -> None:
        try:
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, template: str = "template0") -> str:
        name = f"t_{uuid.uuid4().hex[:12]}"
        engine = create_engine(self.url(), isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
        engine.dispose()
        return self.url(name)
