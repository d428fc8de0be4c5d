"""Migrations: models and Alembic history agree; an empty database is set up on first use."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, inspect, select, text

from hoctap.db import VERSION_TABLE, Database
from hoctap.db.models import Base, Unit
from hoctap.grading import gradebook
from hoctap.people.units import open_province_database, seed_catalogue
from hoctap.settings import Settings
from tests.support.servers import PostgresServer


def test_models_match_the_migrations(db: Database) -> None:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE})
        assert compare_metadata(context, Base.metadata) == []


def test_opening_twice_does_not_migrate_again(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database at the latest revision with its units opens without the lock, Alembic or seeds."""
    from alembic import command

    import hoctap.db
    import hoctap.people.units

    def units(database: Database) -> list[tuple[int, str, str]]:
        with database.session() as session:
            return [(u.id, u.code, u.name) for u in session.scalars(select(Unit).order_by(Unit.id))]

    def version(database: Database) -> list[tuple[object, ...]]:
        with database.engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(f"SELECT * FROM {VERSION_TABLE}"))]

    before_units, before_version = units(db), version(db)
    assert len(before_units) == len(seed_catalogue()) and len(before_version) == 1
    steps: list[str] = []

    def refused(step: str) -> Callable[..., None]:
        def run(*args: object, **kwargs: object) -> None:
            steps.append(step)
            raise AssertionError(f"opening again ran {step}")

        return run

    monkeypatch.setattr(command, "upgrade", refused("alembic upgrade"))
    monkeypatch.setattr(hoctap.db, "_migration_lock", refused("the migration lock"))
    monkeypatch.setattr(hoctap.people.units, "seed_units", refused("seed_units"))
    again = open_province_database(db.settings)
    try:
        assert steps == []
        assert units(again) == before_units  # the same rows, not seeded anew
        assert version(again) == before_version
        with again.session() as session:
            assert session.scalar(select(func.count()).select_from(Unit)) == len(seed_catalogue())
    finally:
        again.close()


def test_fresh_sqlite_home_is_created_migrated_and_seeded(home: Path) -> None:
    assert not home.exists()
    db = open_province_database()
    tables = set(inspect(db.engine).get_table_names())
    db.close()
    assert {"units", "unit_aliases", "people", VERSION_TABLE} <= tables
    assert (home / "hoctap.db").is_file()


@pytest.mark.slow
def test_gradebook_is_created_by_nbgrader_on_sqlite(home: Path) -> None:
    settings = Settings.from_env()
    assert gradebook.students(settings) == {}
    tables = set(inspect(open_province_database(settings).engine).get_table_names())
    assert "student" not in tables  # nbgrader's tables live in their own file
    assert (settings.course_dir / "gradebook.db").is_file()


@pytest.mark.slow
def test_empty_postgresql_gets_both_schemas(postgres_server: PostgresServer, home: Path) -> None:
    url = postgres_server.create_database()
    settings = Settings.from_env({"HOCTAP_HOME": str(home), "HOCTAP_DB_URL": url})
    assert settings.gradebook_schema == "nbgrader"
    db = open_province_database(settings)
    gradebook.sync_students(
        settings, [gradebook.StudentRecord("annv-01351", "Văn An", "Nguyễn", None)]
    )
    inspector = inspect(db.engine)
    assert {"units", "people", VERSION_TABLE} <= set(inspector.get_table_names(schema="public"))
    nbgrader_tables = set(inspector.get_table_names(schema="nbgrader"))
    assert {"student", "assignment", "alembic_version"} <= nbgrader_tables
    db.close()
    assert gradebook.students(settings)["annv-01351"].last_name == "Nguyễn"


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def test_processes_starting_together_on_a_new_database(
    home: Path, request: pytest.FixtureRequest, backend: str
) -> None:
    env = dict(os.environ, HOCTAP_HOME=str(home))
    if backend == "postgresql":
        server: PostgresServer = request.getfixturevalue("postgres_server")
        env["HOCTAP_DB_URL"] = server.create_database()
    code = "from hoctap.people.units import open_province_database as o; o().close()"
    starts = [
        subprocess.Popen([sys.executable, "-c", code], env=env, stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    errors = [p.communicate()[1] for p in starts]
    assert [p.returncode for p in starts] == [0, 0, 0, 0], errors
    db = open_province_database(Settings.from_env(env))
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Unit)) == len(seed_catalogue())
    db.close()
