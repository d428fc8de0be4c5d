"""A contest for the tests: its file, the people who take it, the server's clock, what was saved."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from hoctap.db import Database
from hoctap.db.models import AttemptAnswer, Person, Unit
from hoctap.settings import ZONE
from hoctap.text import fold

CONTEST = """
title: Cuộc thi thử
bank: xa-hoi-hoc-tap
draw:
  - {category: "Chủ trương, chính sách", count: 3}
  - {category: Đơn vị học tập, count: 2}
time_limit_minutes: 15
opens: 01/12/2026 08:00
closes: 15/12/2026 17:00
attempts: 2
prediction: {question: dd-001, target: total}
participants: PARTICIPANTS
"""
OPENING = datetime(2026, 12, 1, 8, 0, tzinfo=ZONE)


class Clock:
    """The server's clock, moved by the test."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


def contest_file(tmp_path: Path, participants: str = "roster", text: str = CONTEST) -> Path:
    path = tmp_path / "thi-thu.yaml"
    path.write_text(text.replace("PARTICIPANTS", participants), encoding="utf-8")
    return path


def person(db: Database, code: str, name: str, phone: str | None) -> None:
    with db.session() as session:
        unit = session.scalar(select(Unit).where(Unit.kind == "xa_phuong").limit(1))
        assert unit is not None
        family, *middle, given = name.split()
        session.add(
            Person(
                code=code,
                full_name=name,
                family_name=family,
                middle_name=" ".join(middle),
                given_name=given,
                search_key=fold(name),
                unit_id=unit.id,
                phone=phone,
            )
        )


def saved(db: Database, attempt_id: int) -> dict[str, str]:
    with db.session() as session:
        rows = session.scalars(select(AttemptAnswer).where(AttemptAnswer.attempt_id == attempt_id))
        return {row.question: row.answer for row in rows}
