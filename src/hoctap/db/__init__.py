"""The database: engine and sessions for HOCTAP_DB_URL, at the latest schema from first use."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from hoctap.errors import DatabaseUnavailable
from hoctap.settings import Settings

VERSION_TABLE = "hoctap_alembic_version"
POOL_ENV = "HOCTAP_DB_POOL"
"""Set to "none" for processes that must not keep database connections open (Voilà's kernels),
or to a number: at most that many connections, kept open (a contest service's worker)."""
_MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def create_db_engine(url: str) -> Engine:
    pool = os.environ.get(POOL_ENV, "")
    if pool == "none":
        # A Voilà page's kernel: one per viewer. Keeping a connection open in each would
        # exhaust PostgreSQL's (100 by default); it connects only while it works.
        engine = create_engine(url, future=True, poolclass=NullPool)
    elif pool.isdigit() and int(pool) > 0 and not url.startswith("sqlite"):
        # A contest worker: a fixed number of connections, as many as its threads, so N
        # workers hold at most N times that (PostgreSQL allows 100 by default).
        engine = create_engine(url, future=True, pool_pre_ping=True, pool_size=int(pool),
                               max_overflow=0, pool_timeout=30)  # fmt: skip
    else:
        # A server's connections may outlive a database restart: test each before use, so the
        # first request after the database comes back works instead of failing.
        engine = create_engine(url, future=True, pool_pre_ping=not url.startswith("sqlite"))
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def alembic_config(engine: Engine) -> object:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    config.set_main_option("version_table", VERSION_TABLE)
    config.attributes["engine"] = engine
    return config


@contextmanager
def _migration_lock(engine: Engine, home: Path) -> Iterator[None]:
    """Serialise first-use migrations of several processes (a server and a command at once)."""
    home.mkdir(parents=True, exist_ok=True)
    with open(home / ".migrate.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if engine.dialect.name == "postgresql":
                with engine.connect() as conn:
                    conn.execute(text("SELECT pg_advisory_lock(80400)"))
                    try:
                        yield
                    finally:
                        conn.execute(text("SELECT pg_advisory_unlock(80400)"))
            else:
                yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _current_and_head(engine: Engine) -> tuple[str | None, str | None]:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()  # type: ignore[arg-type]
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE})
        return context.get_current_revision(), head


def _has_units(engine: Engine) -> bool:
    from sqlalchemy import select

    from hoctap.db.models import Unit

    with engine.connect() as conn:
        return conn.execute(select(Unit.id).limit(1)).first() is not None


@dataclass
class Database:
    """An open, migrated database and the settings it came from."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits when the block ends normally and rolls back otherwise.

        A lost or refused connection to the database becomes a HoctapError that says so in
        Vietnamese (nothing of the block was written); other database errors pass unchanged.
        """
        from sqlalchemy.exc import InterfaceError, OperationalError

        try:
            with self.sessions.begin() as session:
                yield session
        except (OperationalError, InterfaceError) as error:
            raise DatabaseUnavailable(
                "Chưa lưu được: mất kết nối với cơ sở dữ liệu, hoặc cơ sở dữ liệu đang bận. "
                "Thao tác vừa rồi chưa được ghi.",
                "Thử lại sau ít phút; những gì đã lưu trước đó vẫn còn nguyên.",
            ) from error

    def close(self) -> None:
        self.engine.dispose()


Seeder = Callable[[Session], object]
"""Fills a new database with what every installation starts with, in the session it is given."""


def open_database(settings: Settings | None = None, seed: Seeder | None = None) -> Database:
    """Open HOCTAP_DB_URL; on first use create HOCTAP_HOME, migrate, and run ``seed``.

    The caller gives the seed (the province's units: ``hoctap.people.units.seed_units``), so
    the database layer does not import the people who fill it; ``seed`` runs while the
    database has no unit. Set-up runs under a lock and is checked again inside it, so two
    processes starting on a new data folder at once (a server and a command) do not both
    migrate or both seed.
    """
    from alembic import command

    settings = settings or Settings.from_env()
    settings.home.mkdir(parents=True, exist_ok=True)
    engine = create_db_engine(settings.db_url)
    db = Database(settings, engine, sessionmaker(engine, expire_on_commit=False))
    current, head = _current_and_head(engine)
    if current == head and (seed is None or _has_units(engine)):
        return db
    with _migration_lock(engine, settings.home):
        command.upgrade(alembic_config(engine), "head")  # type: ignore[arg-type]
        if seed is not None and not _has_units(engine):
            with db.session() as session:
                seed(session)
    return db
