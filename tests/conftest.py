"""Fixtures: a fresh HOCTAP_HOME, a throw-away PostgreSQL server, databases on both backends."""

from __future__ import annotations

import csv
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from hoctap.db import Database
from hoctap.grading import gradebook
from hoctap.people.roster import ROSTER_COLUMNS
from hoctap.people.units import open_province_database
from hoctap.settings import Settings


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


def _pg_bindir() -> Path | None:
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

    def start(self) -> None:
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
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
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


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    bindir = _pg_bindir()
    require(bindir is not None, "PostgreSQL server (Debian package postgresql)")
    assert bindir is not None
    server = PostgresServer(bindir)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own data folder; no test touches the checkout's var/."""
    path = tmp_path / "hoctap-home"
    monkeypatch.setenv("HOCTAP_HOME", str(path))
    for name in ("HOCTAP_DB_URL", "HOCTAP_GRADEBOOK_URL"):
        monkeypatch.delenv(name, raising=False)
    return path


@pytest.fixture(scope="session")
def sqlite_gradebook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new, empty gradebook made once by nbgrader itself (5 s: nbgrader runs `alembic heads`)."""
    root = tmp_path_factory.mktemp("gradebook-template")
    path = root / "gradebook.db"
    gradebook.students(Settings(root, f"sqlite:///{root / 'x.db'}", f"sqlite:///{path}"))
    return path


@pytest.fixture(scope="session")
def postgres_template(postgres_server: PostgresServer) -> str:
    """A database migrated by hoctap, with nbgrader's gradebook schema made by nbgrader."""
    url = postgres_server.create_database()
    home = Path(tempfile.mkdtemp(prefix="hoctap-pg-template-"))
    settings = Settings.from_env({"HOCTAP_HOME": str(home), "HOCTAP_DB_URL": url})
    open_province_database(settings).close()
    gradebook.students(settings)
    shutil.rmtree(home, ignore_errors=True)
    return url.rsplit("/", 1)[1]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def settings(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, home: Path
) -> Settings:
    """Settings for a fresh database, once on SQLite and once on a real PostgreSQL server.

    Each test gets its own copy of a gradebook nbgrader created once for the session.
    """
    if request.param == "postgresql":
        server: PostgresServer = request.getfixturevalue("postgres_server")
        template = request.getfixturevalue("postgres_template")
        monkeypatch.setenv("HOCTAP_DB_URL", server.create_database(template=template))
    else:
        template_file: Path = request.getfixturevalue("sqlite_gradebook")
        (home / "course").mkdir(parents=True)
        shutil.copyfile(template_file, home / "course" / "gradebook.db")
    return Settings.from_env()


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    database = open_province_database(settings)
    try:
        yield database
    finally:
        database.close()


ROSTER_HEADER = [column.header for column in ROSTER_COLUMNS]


def write_xlsx(
    path: Path,
    rows: Sequence[Sequence[object]],
    header: Sequence[str] = ROSTER_HEADER,
    title: str | None = None,
    sheet: str = "Danh sách",
) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    worksheet.title = sheet
    if title:
        worksheet.append([title])
    worksheet.append(list(header))
    for row in rows:
        worksheet.append(list(row))
    workbook.save(path)
    return path


def write_csv(
    path: Path,
    rows: Sequence[Sequence[object]],
    header: Sequence[str] = ROSTER_HEADER,
    encoding: str = "utf-8-sig",
    delimiter: str = ",",
) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def libreoffice_csv(path: Path, folder: Path) -> str:
    """The workbook as LibreOffice Calc reads it, saved as UTF-8 CSV."""
    import shutil
    import subprocess

    soffice = shutil.which("soffice")
    require(soffice is not None, "LibreOffice Calc (Debian package libreoffice-calc-nogui)")
    assert soffice is not None
    out = folder / "libreoffice"
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{folder / 'lo-profile'}", "--headless",
         "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(out),
         str(path)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    return (out / f"{path.stem}.csv").read_text(encoding="utf-8")
