"""Who is who in a roster import: the identity rules, decided before anything is written.

A row is the same person as one already stored when, in this order, their Mã học viên, phone or
e-mail match; failing those, when the name and unit match one person whose phone and e-mail do not
contradict the row's. Two people with the same name in one unit and different phones are two
people, as they are in real communes. Names compare with their accents (Hà is not Hạ).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from hoctap.db.models import Person, Unit
from hoctap.errors import RowProblem

KEY_LABELS = {"code": "mã học viên", "phone": "số điện thoại", "email": "email"}


@dataclass
class RosterRow:
    """One valid spreadsheet row, normalised."""

    row: int
    full_name: str
    unit: Unit
    role: str
    phone: str | None
    email: str | None
    code: str | None
    consent: bool | None

    @property
    def identity(self) -> tuple[str, int]:
        """Name and unit, for telling people apart: accents count (Hà is not Hạ)."""
        return self.full_name.casefold(), self.unit.id


@dataclass
class Plan:
    """What an import will do, decided before anything is written."""

    matched: dict[int, Person] = field(default_factory=dict)
    """Row number -> the existing person it updates (rows not here create a person)."""
    problems: list[RowProblem] = field(default_factory=list)


def duplicates_in_file(rows: Sequence[RosterRow], header: dict[str, str]) -> list[RowProblem]:
    problems: list[RowProblem] = []
    for key, label in KEY_LABELS.items():
        first: dict[str, int] = {}
        for row in rows:
            value = getattr(row, key)
            if value is None:
                continue
            if value in first:
                problems.append(
                    RowProblem(
                        row.row,
                        header.get(key, key),
                        f"Trùng {label} '{value}' với dòng {first[value]}.",
                        f"Mỗi người chỉ ghi một dòng; hai người không dùng chung {label}.",
                    )
                )
            else:
                first[value] = row.row
    # Same name in the same unit is two people only if their phones or e-mails tell them apart.
    by_name: dict[tuple[str, int], list[RosterRow]] = {}
    for row in rows:
        by_name.setdefault(row.identity, []).append(row)
    for group in by_name.values():
        for i, row in enumerate(group):
            for earlier in group[:i]:
                if not _distinct(row, earlier):
                    problems.append(
                        RowProblem(
                            row.row,
                            header["name"],
                            f"'{row.full_name}' ({row.unit.name}) trùng với dòng {earlier.row}.",
                            "Nếu là hai người khác nhau, ghi số điện thoại, email hoặc mã học viên "
                            "khác nhau cho cả hai dòng; nếu là một người, xoá một dòng.",
                        )
                    )
                    break
    return problems


def _distinct(a: RosterRow, b: RosterRow) -> bool:
    """Two rows with the same name and unit are different people if a key tells them apart."""
    return any(
        x is not None and y is not None and x != y
        for x, y in ((a.code, b.code), (a.phone, b.phone), (a.email, b.email))
    )


def _contradicts(row: RosterRow, person: Person) -> bool:
    return any(
        x is not None and y is not None and x != y
        for x, y in ((row.code, person.code), (row.phone, person.phone), (row.email, person.email))
    )


def match_people(
    rows: Sequence[RosterRow], people: Sequence[Person], header: dict[str, str]
) -> Plan:
    plan = Plan()
    by = {
        "code": {p.code: p for p in people},
        "phone": {p.phone: p for p in people if p.phone},
        "email": {p.email: p for p in people if p.email},
    }
    by_name: dict[tuple[str, int], list[Person]] = {}
    for person in people:
        by_name.setdefault((person.full_name.casefold(), person.unit_id), []).append(person)
    claimed: dict[int, int] = {}  # person id -> row number

    def claim(row: RosterRow, person: Person) -> None:
        if person.id in claimed:
            plan.problems.append(
                RowProblem(
                    row.row,
                    header["name"],
                    f"Dòng này và dòng {claimed[person.id]} cùng là học viên {person.code}.",
                    "Mỗi người chỉ ghi một dòng.",
                )
            )
            return
        claimed[person.id] = row.row
        plan.matched[row.row] = person

    unresolved: list[RosterRow] = []
    for row in rows:
        if row.code is not None and row.code in by["code"]:
            # The code decides; a phone or e-mail it brings along is checked for its owner later.
            claim(row, by["code"][row.code])
            continue
        hits = {key: by[key].get(getattr(row, key)) for key in by if getattr(row, key)}
        found = {p.id: p for p in hits.values() if p is not None}
        if len(found) > 1:
            owners = ", ".join(
                f"{KEY_LABELS[key]} thuộc {p.code} ({p.full_name})" for key, p in hits.items() if p
            )
            plan.problems.append(
                RowProblem(
                    row.row,
                    header["name"],
                    "Mã, số điện thoại và email của dòng này thuộc về những người khác nhau: "
                    f"{owners}.",
                    "Kiểm tra lại thông tin liên hệ của người này.",
                )
            )
        elif found:
            person = next(iter(found.values()))
            if row.code is not None and row.code != person.code:
                key = next(k for k, p in hits.items() if p is person)
                plan.problems.append(
                    RowProblem(
                        row.row,
                        header.get("code", "Mã học viên"),
                        f"Mã học viên '{row.code}' khác mã của người có {KEY_LABELS[key]} này "
                        f"({person.code}, {person.full_name}).",
                        "Mã học viên là tên đăng nhập và không đổi được; ghi đúng mã "
                        f"{person.code}, hoặc sửa {KEY_LABELS[key]}.",
                    )
                )
            else:
                claim(row, person)
        else:
            unresolved.append(row)
    for row in unresolved:
        candidates = [
            p
            for p in by_name.get(row.identity, [])
            if p.id not in claimed and not _contradicts(row, p)
        ]
        if len(candidates) == 1:
            claim(row, candidates[0])
        elif len(candidates) > 1:
            codes = ", ".join(p.code for p in candidates)
            plan.problems.append(
                RowProblem(
                    row.row,
                    header["name"],
                    f"Có {len(candidates)} học viên tên '{row.full_name}' ở {row.unit.name} "
                    f"({codes}).",
                    "Ghi mã học viên hoặc số điện thoại để chỉ rõ người nào.",
                )
            )
    return plan


def free_contacts(
    session: Session,
    rows: Sequence[RosterRow],
    plan: Plan,
    other_kind: Sequence[Person],
    is_demo: bool,
) -> None:
    """Release phones and e-mails that move in this import, before any is set again.

    Two people may swap numbers in one file; and demo data yields to real data: a demo person
    gives up a phone or e-mail a real trainee brings, and a demo row drops one a real person has.
    Freeing first keeps the unique constraints true at every step of the flush.
    """
    held_by_other = {(k, getattr(p, k)): p for p in other_kind for k in ("phone", "email")}
    for row in rows:
        for key in ("phone", "email"):
            value = getattr(row, key)
            other = held_by_other.get((key, value)) if value else None
            if other is not None:
                if is_demo:
                    setattr(row, key, None)
                else:
                    setattr(other, key, None)
            person = plan.matched.get(row.row)
            if person is not None and value and getattr(person, key) not in (None, value):
                setattr(person, key, None)
    session.flush()
