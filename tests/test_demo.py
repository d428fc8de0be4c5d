"""The demo: generated people in every kind of unit, labelled as demo; a rerun changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from hoctap.db import Database
from hoctap.db.models import Person, Unit
from hoctap.demo.people import seed_demo
from hoctap.grading import gradebook
from hoctap.people.units import import_units
from tests.support.roster import snapshot
from tests.support.sheets import write_xlsx


def test_demo_is_idempotent_and_labelled(db: Database) -> None:
    first = seed_demo(db, people=300)
    assert (first.people_created, first.people_total) == (300, 300)
    before = snapshot(db), gradebook.students(db.settings)
    second = seed_demo(db, people=300)
    assert (second.units_added, second.people_created, second.people_updated) == (0, 0, 0)
    assert second.people_unchanged == 300
    assert (snapshot(db), gradebook.students(db.settings)) == before
    with db.session() as session:
        assert session.scalar(select(func.count()).where(Person.is_demo.is_(False))) == 0
        kinds = set(session.scalars(select(Unit.kind).join(Person, Person.unit_id == Unit.id)))
    assert {"xa_phuong", "so_nganh", "bao_chi", "doan_the", "co_quan_dang"} <= kinds
    assert len(before[1]) == 300


def test_demo_is_stable_when_units_are_added(db: Database, tmp_path: Path) -> None:
    seed_demo(db, people=120)
    before = snapshot(db)
    path = write_xlsx(tmp_path / "don-vi.xlsx", [["T-HND", "Hội Nông dân tỉnh", "doan_the"]],
                      header=["Mã đơn vị", "Tên đơn vị", "Loại đơn vị"])  # fmt: skip
    import_units(db, path)
    again = seed_demo(db, people=120)
    assert (again.people_created, again.people_updated, again.people_unchanged) == (0, 0, 120)
    assert snapshot(db) == before


@pytest.mark.parametrize("people", [0, 1, 60])
def test_demo_makes_exactly_the_people_asked_for(db: Database, people: int) -> None:
    assert seed_demo(db, people=people).people_total == people
