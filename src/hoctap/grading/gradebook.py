"""nbgrader's gradebook, used through nbgrader's own API: trainees become its students."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hoctap.errors import HoctapError
from hoctap.settings import Settings


@dataclass(frozen=True)
class StudentRecord:
    """What nbgrader keeps about a student."""

    id: str
    first_name: str
    """Middle and given name ("Văn An"): nbgrader shows "last, first"."""
    last_name: str
    """Family name ("Nguyễn")."""
    email: str | None


def _alembic_on_path() -> None:
    # nbgrader runs the `alembic` command (found on PATH) when it creates a gradebook itself and in
    # `nbgrader db upgrade`; it lives beside this interpreter, which is not on PATH when
    # .venv/bin/hoctap is run directly.
    bindir = str(Path(sys.executable).parent)
    path = os.environ.get("PATH", "")
    if bindir not in path.split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join(filter(None, (bindir, path)))


_READY: set[str] = set()
"""Gradebooks this process has made sure exist."""


def prepare(settings: Settings) -> None:
    """Make sure the gradebook exists: alembic on PATH, its own PostgreSQL schema if it has one,
    and nbgrader's tables with nbgrader's alembic version, created by one process at a time.

    Two processes opening a new gradebook at once (the leaderboard's two preheated kernels, a
    command beside a server) would both create nbgrader's tables, and one fails with "table
    already exists"; a lock file in the data folder makes the second wait and find them.
    """
    import fcntl

    _alembic_on_path()
    if settings.gradebook_url in _READY:
        return
    settings.home.mkdir(parents=True, exist_ok=True)
    with open(settings.home / ".gradebook.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            _create(settings)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    _READY.add(settings.gradebook_url)


def _create(settings: Settings) -> None:
    schema = settings.gradebook_schema
    if schema is None:
        settings.course_dir.mkdir(parents=True, exist_ok=True)
    else:
        from sqlalchemy import create_engine, text

        engine = create_engine(settings.gradebook_url)
        try:
            with engine.begin() as conn:
                conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        finally:
            engine.dispose()
    _create_tables(settings.gradebook_url)
    with nbgrader_api().Gradebook(settings.gradebook_url):
        pass  # nbgrader finds its tables, adds any it misses and its course row


def _create_tables(url: str) -> None:
    """On an empty database, what nbgrader's ``Gradebook()`` does there, without its subprocess.

    nbgrader creates its tables from its SQLAlchemy metadata, then asks the `alembic heads`
    command, in a new process, for the head of its migrations, and stamps it in an
    ``alembic_version`` table without primary key: 3–5 s on this machine. Here the same metadata
    makes the same tables, and alembic's Python API reads the head from nbgrader's own script
    directory and stamps it in a table of the same shape, in this process. nbgrader (``Gradebook``,
    `nbgrader db upgrade`) then finds a gradebook at its head. A database that has any table is
    left to nbgrader, as nbgrader leaves it: it adds the tables it misses and stamps nothing.
    """
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from sqlalchemy import create_engine, inspect

    api = nbgrader_api()
    from nbgrader.dbutil import ALEMBIC_DIR

    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            if inspect(conn).get_table_names():
                return
            api.Base.metadata.create_all(conn)
            script = ScriptDirectory(ALEMBIC_DIR)
            head = script.get_current_head()  # one head, or alembic says there are several
            if head is None:
                raise RuntimeError(f"nbgrader's migrations ({ALEMBIC_DIR}) have no revision")
            context = MigrationContext.configure(conn, opts={"version_table_pk": False})
            context.stamp(script, head)
    finally:
        engine.dispose()


def nbgrader_api() -> Any:
    from hoctap.grading.imports import defer_iri_grammar

    defer_iri_grammar()
    import nbgrader.api

    return nbgrader.api


def _shown(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def sync_students(settings: Settings, students: Iterable[StudentRecord]) -> int:
    """Create or update these students in one transaction; returns how many changed."""
    from sqlalchemy.exc import SQLAlchemyError

    api = nbgrader_api()
    Gradebook, Student = api.Gradebook, api.Student  # noqa: N806
    try:
        prepare(settings)
        changed = 0
        with Gradebook(settings.gradebook_url) as gradebook:
            existing = {s.id: s for s in gradebook.db.query(Student)}
            for record in students:
                student = existing.get(record.id)
                if student is None:
                    gradebook.db.add(
                        Student(
                            id=record.id,
                            first_name=record.first_name,
                            last_name=record.last_name,
                            email=record.email,
                        )
                    )
                    changed += 1
                    continue
                wanted = (record.first_name, record.last_name, record.email)
                if (student.first_name, student.last_name, student.email) != wanted:
                    student.first_name, student.last_name, student.email = wanted
                    changed += 1
            gradebook.db.commit()
    except (SQLAlchemyError, OSError, subprocess.CalledProcessError) as exc:
        raise HoctapError(
            f"Không ghi được sổ điểm nbgrader ({_shown(settings.gradebook_url)}): {exc}",
            "Kiểm tra HOCTAP_GRADEBOOK_URL và quyền ghi vào thư mục khoá học; chưa có gì được "
            "ghi vào danh sách học viên.",
        ) from exc
    return changed


def students(settings: Settings) -> dict[str, StudentRecord]:
    """Every student in the gradebook."""
    api = nbgrader_api()
    Gradebook, Student = api.Gradebook, api.Student  # noqa: N806
    prepare(settings)
    with Gradebook(settings.gradebook_url) as gradebook:
        return {
            s.id: StudentRecord(s.id, s.first_name, s.last_name, s.email)
            for s in gradebook.db.query(Student)
        }


@dataclass(frozen=True)
class Graded:
    """One submission as the gradebook scores it."""

    score: float
    """nbgrader's score minus its late penalty, which nbgrader keeps apart."""
    most: float
    needs_manual: bool
    """A cell still waits for a trainer's grade."""


def graded_submissions(
    settings: Settings,
    module: str | None = None,
    between: tuple[datetime, datetime] | None = None,
) -> dict[str, dict[str, Graded]]:
    """Student -> module -> their submission's score, of every module or of one; with
    ``between`` (aware times, end excluded), only submissions handed in then, or at a time
    nbgrader did not record.

    Three grouped queries over nbgrader's own expressions (``Grade.score``,
    ``Assignment.max_score``): loading each submission's ``score`` property instead runs
    sub-queries per submission, minutes for a province's thousands.
    """
    from sqlalchemy import and_, case, func, or_, select

    api = nbgrader_api()
    Assignment, Grade = api.Assignment, api.Grade  # noqa: N806
    Submission, Notebook = api.SubmittedAssignment, api.SubmittedNotebook  # noqa: N806
    prepare(settings)
    with api.Gradebook(settings.gradebook_url) as gradebook:
        session = gradebook.db
        wanted = [Assignment.name == module] if module else []
        most = {row[0]: float(row[1]) for row in session.execute(
            select(Assignment.name, Assignment.max_score).where(*wanted))}  # fmt: skip
        if between is not None:
            start, end = (moment.astimezone(UTC).replace(tzinfo=None) for moment in between)
            wanted.append(
                or_(
                    Submission.timestamp.is_(None),
                    and_(Submission.timestamp >= start, Submission.timestamp < end),
                )
            )
        penalties = {
            row[0]: float(row[1] or 0.0)
            for row in session.execute(
                select(Notebook.assignment_id, func.sum(Notebook.late_submission_penalty)).group_by(
                    Notebook.assignment_id
                )
            )
        }
        manual = func.max(case((Grade.needs_manual_grade, 1), else_=0))
        totals = session.execute(
            select(
                Submission.id,
                Submission.student_id,
                Assignment.name,
                func.coalesce(func.sum(Grade.score), 0.0),
                manual,
            )
            .join(Assignment, Assignment.id == Submission.assignment_id)
            .outerjoin(Notebook, Notebook.assignment_id == Submission.id)
            .outerjoin(Grade, Grade.notebook_id == Notebook.id)
            .where(*wanted)
            .group_by(Submission.id, Submission.student_id, Assignment.name)
        )
        result: dict[str, dict[str, Graded]] = {}
        for submission, student, name, score, needs in totals:
            result.setdefault(student, {})[name] = Graded(
                float(score) - penalties.get(submission, 0.0), most.get(name, 0.0), bool(needs)
            )
    return result
