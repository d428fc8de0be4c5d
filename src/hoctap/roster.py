"""The trainee roster: import from .xlsx/.csv (all or nothing), identity rules, and listing.

A row is the same person as one already stored when, in this order, their Mã học viên, phone or
e-mail match; failing those, when the name and unit match one person whose phone and e-mail do not
contradict the row's. Two people with the same name in one unit and different phones are two
people, as they are in real communes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from hoctap import gradebook
from hoctap.collation import name_key
from hoctap.contacts import ContactError, parse_email, parse_phone
from hoctap.db import Database
from hoctap.db.models import Person, Unit, utcnow
from hoctap.errors import HoctapError, ImportRejected, RowProblem
from hoctap.io.readers import Column, Table, read_table
from hoctap.search import matches
from hoctap.text import fold, normalize, person_name, split_name
from hoctap.units import UnitMatcher, find_unit, load_matcher

ROSTER_COLUMNS = [
    Column(
        "name", "Họ và tên", ("Họ tên", "Họ và tên học viên", "Tên học viên", "Full name"), True
    ),
    Column("unit", "Đơn vị", ("Tên đơn vị", "Đơn vị công tác", "Cơ quan", "Unit"), True),
    Column("role", "Vai trò", ("Chức danh", "Chức vụ", "Role")),
    Column("phone", "Số điện thoại", ("Điện thoại", "SĐT", "Số ĐT", "Di động", "Phone")),
    Column("email", "Email", ("E-mail", "Thư điện tử", "Địa chỉ email")),
    Column("code", "Mã học viên", ("Mã HV", "Mã số học viên", "Student ID", "Username")),
    Column("consent", "Đồng ý công khai", ("Đồng ý công khai tên", "Công khai tên", "Consent")),
]

ROLES = (
    "Báo cáo viên",
    "Tuyên truyền viên",
    "Phóng viên",
    "Biên tập viên",
    "Cán bộ thông tin cơ sở",
    "Cán bộ, công chức, viên chức",
)
"""Canonical spellings of the trainees' roles; other roles are kept as written."""

_YES = {"co", "x", "1", "dong y", "yes", "y", "true", "dong y cong khai"}
_NO = {"khong", "0", "no", "n", "false", "khong dong y", "-"}
_CODE = re.compile(r"[a-z][a-z0-9_.-]{0,63}")
_KEY_LABELS = {"code": "mã học viên", "phone": "số điện thoại", "email": "email"}
_CODE_HINT = "Mã học viên viết thường, không dấu, bắt đầu bằng chữ cái (ví dụ annv-01351)."


_ROLE_KEYS = {fold(role): role for role in ROLES}


def canonical_role(value: str) -> str:
    """A known role in its canonical spelling; another role as written, capitalised."""
    return _ROLE_KEYS.get(fold(value)) or (value[:1].upper() + value[1:])


def parse_consent(value: object) -> bool | None:
    """True/False for a recorded answer, None for an empty cell; ValueError if unreadable."""
    folded = fold(value)
    if not folded:
        return None
    if folded in _YES:
        return True
    if folded in _NO:
        return False
    raise ValueError(value)


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


@dataclass(frozen=True)
class RosterImportReport:
    created: int
    updated: int
    unchanged: int
    students_synced: int


@dataclass
class _Plan:
    """What an import will do, decided before anything is written."""

    matched: dict[int, Person] = field(default_factory=dict)
    """Row number -> the existing person it updates (rows not here create a person)."""
    problems: list[RowProblem] = field(default_factory=list)


def _parse_rows(table: Table, matcher: UnitMatcher) -> tuple[list[RosterRow], list[RowProblem]]:
    header = table.headers
    rows: list[RosterRow] = []
    problems: list[RowProblem] = []

    def problem(number: int, key: str, message: str, hint: str = "") -> None:
        problems.append(RowProblem(number, header.get(key, key), message, hint))

    for number, cells in table.rows:
        ok = True
        name = person_name(cells.get("name"), table.encoding)
        if not name:
            problem(number, "name", "Thiếu họ và tên.", "Mỗi dòng cần họ và tên đầy đủ.")
            ok = False
        unit_text = normalize(cells.get("unit"), table.encoding)
        unit: Unit | None = None
        if not unit_text:
            problem(number, "unit", "Thiếu đơn vị.", "Ghi tên xã, phường hoặc cơ quan.")
            ok = False
        else:
            found = matcher.find(unit_text)
            if len(found) == 1:
                unit = found[0]
            elif found:
                names = ", ".join(f"{u.name} ({u.code})" for u in found)
                problem(
                    number,
                    "unit",
                    f"'{unit_text}' có thể là nhiều đơn vị: {names}.",
                    "Ghi rõ tên đầy đủ hoặc mã đơn vị.",
                )
                ok = False
            else:
                close = matcher.suggest(unit_text)
                hint = f"Có phải: {', '.join(close)}?" if close else "Xem: hoctap units list"
                problem(number, "unit", f"Không có đơn vị '{unit_text}'.", hint)
                ok = False
        try:
            phone = parse_phone(cells.get("phone")) or None
        except ContactError as exc:
            problem(number, "phone", str(exc), exc.hint)
            phone, ok = None, False
        try:
            email = parse_email(cells.get("email")) or None
        except ContactError as exc:
            problem(number, "email", str(exc), exc.hint)
            email, ok = None, False
        code = normalize(cells.get("code")).lower() or None
        if code and not _CODE.fullmatch(code):
            problem(
                number,
                "code",
                f"Mã học viên '{code}' không dùng được làm tên đăng nhập.",
                _CODE_HINT,
            )
            ok = False
        try:
            consent = parse_consent(cells.get("consent"))
        except ValueError:
            problem(
                number,
                "consent",
                f"Không hiểu giá trị '{cells.get('consent')}'.",
                "Ghi 'Có' nếu người này đồng ý công khai tên, 'Không' nếu không.",
            )
            consent, ok = None, False
        if ok and unit is not None:
            role = canonical_role(normalize(cells.get("role"), table.encoding))
            rows.append(RosterRow(number, name, unit, role, phone, email, code, consent))
    return rows, problems


def _duplicates_in_file(rows: Sequence[RosterRow], header: dict[str, str]) -> list[RowProblem]:
    problems: list[RowProblem] = []
    for key, label in _KEY_LABELS.items():
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


def _match_people(
    rows: Sequence[RosterRow], people: Sequence[Person], header: dict[str, str]
) -> _Plan:
    plan = _Plan()
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
                f"{_KEY_LABELS[key]} thuộc {p.code} ({p.full_name})" for key, p in hits.items() if p
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
                        f"Mã học viên '{row.code}' khác mã của người có {_KEY_LABELS[key]} này "
                        f"({person.code}, {person.full_name}).",
                        "Mã học viên là tên đăng nhập và không đổi được; ghi đúng mã "
                        f"{person.code}, hoặc sửa {_KEY_LABELS[key]}.",
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


def _ascii_slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(text))


def _new_code(row: RosterRow, taken: set[str]) -> str:
    """A stable, ASCII user name: given name + initials + unit code ("annv-01351")."""
    family, middle, given = split_name(row.full_name)
    initials = "".join(_ascii_slug(w)[:1] for w in f"{family} {middle}".split())
    stem = (_ascii_slug(given) or "hv") + initials
    if not stem[0].isalpha():
        stem = "hv" + stem
    base = f"{stem[:20]}-{_ascii_slug(row.unit.code)}"
    code, n = base, 2
    while code in taken:
        code, n = f"{base}-{n}", n + 1
    taken.add(code)
    return code


def _free_contacts(
    session: Session,
    rows: Sequence[RosterRow],
    plan: _Plan,
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


def _apply(row: RosterRow, person: Person) -> bool:
    """Copy a row onto a person; True if anything changed."""
    family, middle, given = split_name(row.full_name)
    wanted: dict[str, object] = {
        "full_name": row.full_name,
        "family_name": family,
        "middle_name": middle,
        "given_name": given,
        "search_key": fold(row.full_name),
        "unit_id": row.unit.id,
        "role": row.role or person.role or "",
    }
    if row.phone is not None:
        wanted["phone"] = row.phone
    if row.email is not None:
        wanted["email"] = row.email
    if row.consent is not None and row.consent != person.consent_publish:
        wanted["consent_publish"] = row.consent
        wanted["consent_updated_at"] = utcnow()
    changed = False
    for attribute, value in wanted.items():
        if getattr(person, attribute) != value:
            setattr(person, attribute, value)
            changed = True
    if changed:
        person.updated_at = utcnow()
    return changed


def _student(person: Person) -> gradebook.StudentRecord:
    first = " ".join(p for p in (person.middle_name, person.given_name) if p)
    return gradebook.StudentRecord(person.code, first, person.family_name, person.email)


def import_rows(
    db: Database, session: Session, table: Table, is_demo: bool = False
) -> RosterImportReport:
    """Import a read table inside the caller's transaction (which rolls back if this raises)."""
    matcher = load_matcher(session)
    rows, problems = _parse_rows(table, matcher)
    problems += _duplicates_in_file(rows, table.headers)
    refused = {p.row for p in problems}
    everyone = list(session.scalars(select(Person)))
    # Demo people and real people never match each other (a generated phone number may be a
    # real trainee's): each import only sees its own kind.
    people = [p for p in everyone if p.is_demo == is_demo]
    # Rows already refused are not matched too: one problem, one message.
    plan = _match_people([r for r in rows if r.row not in refused], people, table.headers)
    problems += plan.problems
    refused |= {p.row for p in plan.problems}
    # A changed phone or e-mail must not take one that belongs to someone this file leaves alone.
    owners = {("phone", p.phone): p for p in people if p.phone}
    owners.update({("email", p.email): p for p in people if p.email})
    updated_ids = {p.id for p in plan.matched.values()}
    for row in (r for r in rows if r.row not in refused):
        mine = plan.matched.get(row.row)
        for key in ("phone", "email"):
            owner = owners.get((key, getattr(row, key)))
            if owner is not None and owner is not mine and owner.id not in updated_ids:
                problems.append(
                    RowProblem(
                        row.row,
                        table.headers.get(key, key),
                        f"{_KEY_LABELS[key].capitalize()} này đã thuộc về học viên {owner.code} "
                        f"({owner.full_name}).",
                        "Mỗi số điện thoại, email chỉ thuộc về một người.",
                    )
                )
    if problems:
        raise ImportRejected(f"danh sách học viên {table.source}", problems)

    _free_contacts(session, rows, plan, [p for p in everyone if p.is_demo != is_demo], is_demo)
    taken = {p.code for p in everyone} | {r.code for r in rows if r.code}
    created = updated = unchanged = 0
    in_file: list[Person] = []
    for row in rows:
        person = plan.matched.get(row.row)
        if person is None:
            person = Person(
                code=row.code or _new_code(row, taken),
                is_demo=is_demo,
                consent_publish=bool(row.consent),
                role="",
            )
            if row.consent is not None:
                person.consent_updated_at = utcnow()
            _apply(row, person)
            session.add(person)
            created += 1
        elif _apply(row, person):
            updated += 1
        else:
            unchanged += 1
        in_file.append(person)
    try:
        session.flush()
    except IntegrityError as exc:
        raise HoctapError(
            f"Không nhập được {table.source}: số điện thoại, email hoặc mã học viên bị trùng "
            "giữa các học viên sau khi cập nhật. Chưa có gì được ghi.",
            "Kiểm tra các dòng đổi số điện thoại hoặc email sang số, email của người khác.",
        ) from exc
    # Everyone in the file, not only the changed: a gradebook that missed an earlier import
    # catches up (the sync only writes what differs).
    synced = gradebook.sync_students(db.settings, [_student(p) for p in in_file])
    return RosterImportReport(created, updated, unchanged, synced)


def import_roster(db: Database, path: Path, sheet: str | None = None) -> RosterImportReport:
    """Import trainees from a spreadsheet: all rows, or nothing and a list of every problem."""
    table = read_table(path, ROSTER_COLUMNS, sheet)
    if not table.rows:
        raise HoctapError(f"Tệp {table.source} không có dòng học viên nào dưới dòng tiêu đề.")
    with db.session() as session:
        return import_rows(db, session, table)


# --- listing ---------------------------------------------------------------------------------

PUBLIC_COLUMNS = ["Mã học viên", "Họ và tên", "Mã đơn vị", "Đơn vị", "Vai trò"]
PRIVATE_COLUMNS = [*PUBLIC_COLUMNS, "Số điện thoại", "Email", "Đồng ý công khai"]


def list_people(
    db: Database, unit: str | None = None, query: str | None = None, private: bool = False
) -> tuple[list[dict[str, object]], list[str]]:
    """The roster as records, in Vietnamese name order (given, middle, family), and its columns."""
    statement = select(Person).options(selectinload(Person.unit))
    if unit:
        statement = statement.where(Person.unit_id == find_unit(db, unit).id)
    with db.session() as session:
        people = list(session.scalars(statement))
    if query:
        folded = fold(query)
        people = [p for p in people if matches(folded, p.search_key) or folded == p.code]
    people.sort(key=lambda p: (name_key(p.family_name, p.middle_name, p.given_name), p.code))
    columns = PRIVATE_COLUMNS if private else PUBLIC_COLUMNS
    records: list[dict[str, object]] = []
    for p in people:
        record: dict[str, object] = {
            "Mã học viên": p.code,
            "Họ và tên": p.full_name,
            "Mã đơn vị": p.unit.code,
            "Đơn vị": p.unit.name,
            "Vai trò": p.role,
        }
        if private:
            record.update(
                {
                    "Số điện thoại": p.phone or "",
                    "Email": p.email or "",
                    "Đồng ý công khai": p.consent_publish,
                }
            )
        records.append(record)
    return records, columns
