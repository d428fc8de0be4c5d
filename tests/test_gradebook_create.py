"""A new gradebook as hoctap creates it (in process) is the one nbgrader creates (`alembic heads`
in a subprocess): the same tables, columns, constraints and alembic version, and nbgrader uses it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from hoctap.grading import gradebook
from hoctap.settings import Settings


@dataclass(frozen=True)
class NewGradebooks:
    ours: Settings
    """A data folder whose gradebook does not exist yet: hoctap creates it."""
    nbgrader_url: str
    """Another empty database (SQLite file or PostgreSQL schema) for nbgrader's own Gradebook."""


@pytest.fixture
def new(settings: Settings, tmp_path: Path) -> NewGradebooks:
    """Two empty gradebook databases beside the fixture's (which already holds one)."""
    home = tmp_path / "new-home"
    if settings.gradebook_schema is None:
        ours = Settings.from_env({"HOCTAP_HOME": str(home)})
        folder = tmp_path / "nbgrader-own"
        folder.mkdir()
        return NewGradebooks(ours, f"sqlite:///{folder / 'gradebook.db'}")
    tag = uuid.uuid4().hex[:8]
    ours = Settings(home, settings.db_url, _in_schema(settings.db_url, f"ours_{tag}"))
    theirs = _in_schema(settings.db_url, f"nbgrader_{tag}")
    engine = create_engine(settings.db_url)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "nbgrader_{tag}"'))
    engine.dispose()
    return NewGradebooks(ours, theirs)


def _in_schema(db_url: str, schema: str) -> str:
    url = make_url(db_url).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


def _alembic_on_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """nbgrader's own code runs the `alembic` command, which lives beside this interpreter."""
    path = os.environ.get("PATH", "")
    monkeypatch.setenv(
        "PATH", os.pathsep.join(filter(None, (str(Path(sys.executable).parent), path)))
    )


def _by_nbgrader(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _alembic_on_path(monkeypatch)
    with gradebook.nbgrader_api().Gradebook(url):
        pass


def _by_hoctap_without_subprocess(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """hoctap's ``prepare``, with every way of starting a process made to fail loudly."""
    started: list[str] = []

    def forbidden(name: str) -> Any:
        def start(*args: object, **kwargs: object) -> Any:
            started.append(f"{name}{args!r}")
            raise AssertionError(f"creating the gradebook started a process: {name}{args!r}")

        return start

    with monkeypatch.context() as guard:
        guard.setattr(subprocess, "Popen", forbidden("subprocess.Popen"))
        for name in ("system", "fork", "forkpty", "posix_spawn", "posix_spawnp", "execv", "execve"):
            guard.setattr(os, name, forbidden(f"os.{name}"))
        gradebook.prepare(settings)
    assert started == []


def _schema(url: str) -> dict[str, Any]:
    """Everything SQLAlchemy's inspector sees of a gradebook, its alembic version and course."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            inspector = inspect(conn)
            tables: dict[str, Any] = {}
            for name in inspector.get_table_names():
                pk = inspector.get_pk_constraint(name)
                tables[name] = {
                    "columns": [
                        (c["name"], str(c["type"]), c["nullable"], c.get("default"))
                        for c in inspector.get_columns(name)
                    ],
                    "primary key": (pk.get("name"), pk["constrained_columns"]),
                    "foreign keys": sorted(
                        (
                            str(fk.get("name")),
                            fk["constrained_columns"],
                            fk["referred_table"],
                            fk["referred_columns"],
                            sorted((fk.get("options") or {}).items()),
                        )
                        for fk in inspector.get_foreign_keys(name)
                    ),
                    "unique": sorted(
                        (str(u.get("name")), u["column_names"])
                        for u in inspector.get_unique_constraints(name)
                    ),
                    "indexes": sorted(
                        (str(i.get("name")), i["column_names"], i["unique"])
                        for i in inspector.get_indexes(name)
                    ),
                    "checks": sorted(
                        str(c["sqltext"]) for c in inspector.get_check_constraints(name)
                    ),
                }
            version = list(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
            courses = list(conn.execute(text("SELECT id FROM course")).scalars())
            ddl = None
            if conn.dialect.name == "sqlite":  # SQLite keeps each table's DDL as written
                rows = conn.execute(text("SELECT type, name, sql FROM sqlite_master"))
                ddl = sorted((kind, name, _spaced(sql)) for kind, name, sql in rows)
    finally:
        engine.dispose()
    return {"tables": tables, "alembic version": version, "courses": courses, "sqlite ddl": ddl}


def _spaced(sql: str | None) -> str | None:
    """The DDL with its layout made uniform: nbgrader writes alembic_version's on one line."""
    if sql is None:
        return None
    return re.sub(r"\(\s+", "(", re.sub(r"\s+\)", ")", " ".join(sql.split())))


def _nbgrader_head() -> str:
    from alembic.script import ScriptDirectory
    from nbgrader.dbutil import ALEMBIC_DIR

    head = ScriptDirectory(ALEMBIC_DIR).get_current_head()
    assert head is not None
    return head


def test_same_gradebook_as_nbgrader_creates(
    new: NewGradebooks, monkeypatch: pytest.MonkeyPatch
) -> None:
    _by_nbgrader(new.nbgrader_url, monkeypatch)
    _by_hoctap_without_subprocess(new.ours, monkeypatch)

    theirs, ours = _schema(new.nbgrader_url), _schema(new.ours.gradebook_url)
    assert {"student", "assignment", "grade", "course", "alembic_version"} <= set(theirs["tables"])
    assert theirs["alembic version"] == [_nbgrader_head()]  # what `alembic heads` said
    assert theirs["tables"]["alembic_version"]["primary key"][1] == []  # nbgrader's own shape
    assert ours == theirs


def test_nbgrader_uses_the_gradebook_hoctap_created(
    new: NewGradebooks, monkeypatch: pytest.MonkeyPatch
) -> None:
    _by_hoctap_without_subprocess(new.ours, monkeypatch)
    url = new.ours.gradebook_url
    before = _schema(url)
    assert before["alembic version"] == [_nbgrader_head()]

    api = gradebook.nbgrader_api()
    with api.Gradebook(url) as gb:
        gb.add_student("annv-01351", first_name="Văn An", last_name="Nguyễn", email="an@x.vn")
        gb.add_assignment("m01")
    with api.Gradebook(url) as gb:
        student = gb.find_student("annv-01351")
        assert (student.first_name, student.last_name, student.email) == (
            "Văn An",
            "Nguyễn",
            "an@x.vn",
        )
        assert [a.name for a in gb.assignments] == ["m01"]
    assert gradebook.students(new.ours)["annv-01351"].last_name == "Nguyễn"

    # `nbgrader db upgrade` runs nbgrader's migrations with alembic: at the head, it changes nothing
    # (stamped at an older revision, it would re-run migrations on existing tables and fail).
    _alembic_on_path(monkeypatch)
    from nbgrader.dbutil import upgrade

    upgrade(url.replace("%", "%%"))  # nbgrader writes the URL into an .ini: "%3D" must be "%%3D"
    assert _schema(url) == before
