"""The trainee roster: import from .xlsx/.csv (all or nothing) and listing.

Who is who (codes, phones, e-mails, names) is decided in hoctap.people.identity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from hoctap.db import Database
from hoctap.db.models import Person, Unit, utcnow
from hoctap.errors import ContactError, HoctapError, ImportRejected, RowProblem
from hoctap.grading import gradebook
from hoctap.io.readers import Column, Table, read_table
from hoctap.people.contacts import parse_email, parse_phone
from hoctap.people.identity import (
    KEY_LABELS,
    RosterRow,
    duplicates_in_file,
    free_contacts,
    match_people,
)
from hoctap.people.units import UnitMatcher, find_unit, load_matcher
from hoctap.text import fold, normalize, person_name, split_name
from hoctap.text.collation import name_key
from hoctap.text.search import matches

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


@dataclass(frozen=True)
class RosterImportReport:
    created: int
    updated: int
    unchanged: int
    students_synced: int


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
    problems += duplicates_in_file(rows, table.headers)
    refused = {p.row for p in problems}
    everyone = list(session.scalars(select(Person)))
    # Demo people and real people never match each other (a generated phone number may be a
    # real trainee's): each import only sees its own kind.
    people = [p for p in everyone if p.is_demo == is_demo]
    # Rows already refused are not matched too: one problem, one message.
    plan = match_people([r for r in rows if r.row not in refused], people, table.headers)
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
                        f"{KEY_LABELS[key].capitalize()} này đã thuộc về học viên {owner.code} "
                        f"({owner.full_name}).",
                        "Mỗi số điện thoại, email chỉ thuộc về một người.",
                    )
                )
    if problems:
        raise ImportRejected(f"danh sách học viên {table.source}", problems)

    free_contacts(session, rows, plan, [p for p in everyone if p.is_demo != is_demo], is_demo)
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
