"""`hoctap backup` and `hoctap restore`: everything comes back in an empty data folder.

Runs on SQLite and on PostgreSQL (the restore goes into a new database of the same kind).
"""

from __future__ import annotations

import random
import shutil
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from hoctap.awards.selfassessment import seed_demo_self_assessments
from hoctap.cli import app
from hoctap.contest.sessions import aware
from hoctap.db import Database
from hoctap.db.models import Attempt, AttemptAnswer, Base, Person
from hoctap.demo.activity import (
    _demo_trainees,
    new_tables,
    seed_demo_attempts,
    structure_of,
    submission_rows,
    write_submissions,
)
from hoctap.demo.people import seed_demo
from hoctap.errors import HoctapError
from hoctap.grading.course import gradebook_of
from hoctap.grading.gradebook import graded_submissions
from hoctap.hub.backup import backup, restore
from hoctap.people.units import open_province_database
from hoctap.settings import Settings
from tests.support.awards import tt22

NOW = datetime(2026, 12, 20, 3, 0, tzinfo=UTC)


def empty_folder(request: pytest.FixtureRequest, home: Path, postgresql: bool) -> Settings:
    """An empty data folder at ``home``, on a new PostgreSQL database or on SQLite."""
    if postgresql:
        server = request.getfixturevalue("postgres_server")
        url = server.create_database(template=request.getfixturevalue("postgres_template"))
        return Settings.from_env({"HOCTAP_HOME": str(home), "HOCTAP_DB_URL": url})
    (home / "course").mkdir(parents=True)
    shutil.copyfile(request.getfixturevalue("sqlite_gradebook"), home / "course" / "gradebook.db")
    return Settings.from_env({"HOCTAP_HOME": str(home)})


def _on_postgresql(settings: Settings) -> bool:
    return settings.db_url.startswith("postgresql")


@pytest.fixture
def empty(settings: Settings, request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """A second, empty data folder on the same kind of database."""
    return empty_folder(request, tmp_path / "restored", _on_postgresql(settings))


@pytest.fixture
def other(settings: Settings, request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """An empty data folder on the other kind of database (SQLite <-> PostgreSQL)."""
    return empty_folder(request, tmp_path / "moved", not _on_postgresql(settings))


def fill(db: Database) -> None:
    """People, self-assessments, contest attempts, two graded submissions, a submitted file."""
    seed_demo(db, people=60)
    seed_demo_self_assessments(db, tt22(), 2026)
    seed_demo_attempts(db, 2026, _demo_trainees(db), NOW)
    students = sorted(_people(db))[:2]
    with gradebook_of(db.settings) as book:
        book.update_or_create_assignment("hp1-chu-truong-chinh-sach")
        book.update_or_create_notebook("bai", "hp1-chu-truong-chinh-sach")
        for cell, most in (("cau-1", 2.0), ("cau-2", 3.0)):
            book.update_or_create_grade_cell(
                cell, "bai", "hp1-chu-truong-chinh-sach", max_score=most, cell_type="code"
            )
        module = structure_of(book, ["hp1-chu-truong-chinh-sach"])["hp1-chu-truong-chinh-sach"]
        tables = new_tables()
        for student, share in zip(students, (0.9, 0.4), strict=True):
            submission_rows(random.Random(student), student, module, share, NOW, tables)
        write_submissions(book.db, tables)
        book.db.commit()
    submitted = db.settings.course_dir / "submitted" / students[0] / "hp1-chu-truong-chinh-sach"
    submitted.mkdir(parents=True)
    (submitted / "bai.ipynb").write_text('{"cells": [], "tên": "Bùi Thị Ánh"}', "utf-8")


def _people(db: Database) -> list[str]:
    with db.session() as session:
        return list(session.scalars(select(Person.code)))


def counts(db: Database) -> dict[str, int]:
    with db.session() as session:
        return {
            table.name: session.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
        }


def answers(db: Database) -> list[tuple[str, str, str]]:
    with db.session() as session:
        rows = session.execute(
            select(Attempt.seed, AttemptAnswer.question, AttemptAnswer.answer)
            .join(Attempt, Attempt.id == AttemptAnswer.attempt_id)
            .order_by(Attempt.seed, AttemptAnswer.question)
        )
        return [(row[0], row[1], row[2]) for row in rows]


def test_a_backup_restores_into_an_empty_folder(db: Database, empty: Settings, tmp_path: Path):
    fill(db)
    zip_path = tmp_path / "sao-luu.zip"
    report = backup(db.settings, zip_path)
    assert report.rows["gradebook/submitted_assignment"] == 2 and report.files >= 1
    assert oct(zip_path.stat().st_mode)[-3:] == "600"  # personal data
    restore(empty, zip_path)

    again = open_province_database(empty)
    try:
        assert counts(again) == counts(db) and counts(again)["attempts"] > 0
        assert answers(again) == answers(db)
        assert graded_submissions(empty) == graded_submissions(db.settings)
        with again.session() as session:
            names = set(session.scalars(select(Person.full_name)))
        assert names == {n for n in names if n} and len(names) > 10
        # A new row after the restore gets a new id (PostgreSQL's sequences moved on).
        seed_demo(again, people=61)
        assert counts(again)["people"] == 61
    finally:
        again.close()
    restored = next(empty.course_dir.glob("submitted/*/hp1-chu-truong-chinh-sach/bai.ipynb"))
    assert "Bùi Thị Ánh" in restored.read_text("utf-8")

    with pytest.raises(HoctapError, match="đã có dữ liệu"):
        restore(empty, zip_path)  # never over data


def test_a_damaged_backup_is_refused_and_nothing_is_written(
    db: Database, empty: Settings, tmp_path: Path
) -> None:
    fill(db)
    good = tmp_path / "sao-luu.zip"
    backup(db.settings, good)
    bad = tmp_path / "hong.zip"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(bad, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "db/people.jsonl":
                data = data.replace("Thị".encode(), b"Thi", 1)
            target.writestr(info, data)
    with pytest.raises(HoctapError, match=r"db/people\.jsonl bị hỏng"):
        restore(empty, bad)
    check = open_province_database(empty)
    try:
        assert counts(check)["people"] == 0
    finally:
        check.close()
    assert not list(empty.course_dir.glob("submitted/*"))


def test_the_commands_say_what_they_did(db: Database, tmp_path: Path) -> None:
    fill(db)
    runner = CliRunner()
    out = tmp_path / "b.zip"
    made = runner.invoke(app, ["backup", "-o", str(out)])
    assert made.exit_code == 0, made.output
    assert "60 học viên" in made.stdout and "2 bài nộp" in made.stdout
    refused = runner.invoke(app, ["restore", str(out)])
    assert refused.exit_code == 1 and "đã có dữ liệu" in refused.stderr
    missing = runner.invoke(app, ["restore", str(tmp_path / "khong-co.zip")])
    assert missing.exit_code == 1 and "Không mở được" in missing.stderr


@pytest.mark.slow
def test_a_backup_moves_between_sqlite_and_postgresql(
    db: Database, other: Settings, tmp_path: Path
) -> None:
    fill(db)
    zip_path = tmp_path / "sao-luu.zip"
    backup(db.settings, zip_path)
    restore(other, zip_path)
    moved = open_province_database(other)
    try:
        assert moved.engine.dialect.name != db.engine.dialect.name
        assert counts(moved) == counts(db) and answers(moved) == answers(db)
        assert graded_submissions(other) == graded_submissions(db.settings)
        with db.session() as a, moved.session() as b:
            started = select(Attempt.seed, Attempt.started_at).order_by(Attempt.seed)
            before = [(row[0], aware(row[1])) for row in a.execute(started)]
            after = [(row[0], aware(row[1])) for row in b.execute(started)]
        assert before == after  # the same instants, whatever each database keeps
    finally:
        moved.close()
