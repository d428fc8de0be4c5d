"""Fixtures: a fresh HOCTAP_HOME, a throw-away PostgreSQL server, databases on both backends.

Every fixture the tests share is defined here; the plain helpers are in tests/support/.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from hoctap.contest.catalog import LoadedContest, find_contest
from hoctap.db import Database
from hoctap.grading import gradebook
from hoctap.people.units import open_province_database
from hoctap.settings import Settings
from tests.support.contests import contest_file, person
from tests.support.servers import PostgresServer, pg_bindir, require


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    bindir = pg_bindir()
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
    """A new, empty gradebook made once (nbgrader's schema at its head), copied into tests."""
    root = tmp_path_factory.mktemp("gradebook-template")
    path = root / "gradebook.db"
    gradebook.students(Settings(root, f"sqlite:///{root / 'x.db'}", f"sqlite:///{path}"))
    return path


@pytest.fixture(scope="session")
def postgres_template(postgres_server: PostgresServer) -> str:
    """A database migrated by hoctap, with nbgrader's gradebook schema at nbgrader's head."""
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


@pytest.fixture
def contest(db: Database, tmp_path: Path) -> LoadedContest:
    """The test contest (tests/support/contests.py), with two people on the roster to take it."""
    person(db, "hv001", "Nguyễn Văn An", "0912345678")
    person(db, "hv002", "Trần Thị Bình", None)
    return find_contest(db.settings, str(contest_file(tmp_path)))
