"""Certificates: who earns one, issuing them (a serial number and a verification code kept in the
database), and checking a code.

- a module: every roster trainee whose graded submission reaches the module's pass mark;
- a contest: every prize winner of the contest's own ranking, and every unit with a group prize.

Issuing is idempotent: a certificate already issued to the same holder for the same module or
contest keeps its serial number, code and date when printed again; only a corrected name, unit or
result is brought up to date.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from hoctap.contest.sessions import aware
from hoctap.db import Database
from hoctap.db.models import Certificate
from hoctap.documents.certificate_pdf import render_certificates
from hoctap.documents.certificate_records import (
    CODE_ALPHABET,
    CODE_LENGTH,
    Batch,
    Issued,
    Recipient,
    clean_code,
    new_code,
    shown_code,
)
from hoctap.documents.config import DocumentSettings
from hoctap.errors import HoctapError
from hoctap.settings import ZONE
from hoctap.text import format_decimal

KIND_NAMES = {"module": "Hoàn thành học phần", "contest": "Đạt giải", "group": "Đạt giải tập thể"}


# -- who earns one ---------------------------------------------------------------------------


def module_batch(db: Database, module: str, unit: str | None = None) -> Batch:
    """The trainees who passed a module (of one unit, or all)."""
    from hoctap.db.models import Person, Unit
    from hoctap.grading.course import check_module, status
    from hoctap.people.units import find_unit

    info = check_module(module)
    unit_code = find_unit(db, unit).code if unit else None
    records = status(db.settings, module, unit_code)
    passed = [r for r in records if r.passed and r.name]
    waiting = sum(1 for r in records if r.needs_manual and not r.passed)
    with db.session() as session:
        rows = session.execute(
            select(Person.code, Person.id, Unit.id, Person.is_demo).join(
                Unit, Unit.id == Person.unit_id
            )
        ).all()
    ids = {code: (person, unit_id, demo) for code, person, unit_id, demo in rows}
    recipients = []
    for record in passed:
        person, unit_id, demo = ids[record.code]
        assert record.score is not None and record.max_score  # passed: graded, out of a most
        share = 100 * record.score / record.max_score
        score = format_decimal(share)
        recipients.append(
            Recipient(
                holder=f"person:{person}",
                name=record.name,
                unit=record.unit_name,
                detail=f"{score}%",
                fields={"hoc_phan": info.title, "diem": score},
                person_id=person,
                unit_id=unit_id,
                demo=bool(demo),
            )
        )
    notes = (
        (f"{info.title}: {waiting} bài còn chờ chấm tay; chấm xong thì chạy lại lệnh để cấp thêm.",)
        if waiting
        else ()
    )
    return Batch("module", module, info.title, tuple(recipients), notes)


def contest_batches(db: Database, contest: str, unit: str | None = None) -> list[Batch]:
    """The contest's prize winners (people), then its units with a group prize."""
    from hoctap.contest.catalog import find_contest
    from hoctap.contest.results import contest_results, database_roster
    from hoctap.people.units import find_unit, unit_key

    loaded = find_contest(db.settings, contest)
    title = loaded.contest.title
    result = contest_results(db, loaded, groups=True, roster=database_roster(db))
    only = unit_key(find_unit(db, unit).name) if unit else None
    people = _entrants(db, loaded.contest.name)
    ranking = result.ranking
    won = ranking[ranking["Giải"] != ""]
    recipients = []
    for position, row in won.iterrows():
        entrant = int(result.entrants[position]) if result.entrants is not None else None
        if entrant is None or (only and unit_key(str(row["Đơn vị"])) != only):
            continue
        person, unit_id, demo = people.get(entrant, (None, None, False))
        prize = str(row["Giải"])
        recipients.append(
            Recipient(
                holder=f"person:{person}" if person else f"entrant:{entrant}",
                name=str(row["Họ và tên"]),
                unit=str(row["Đơn vị"]),
                detail=prize,
                fields={
                    "giai": prize,
                    "cuoc_thi": title,
                    "diem": format_decimal(float(row["Điểm"])),
                    "hang": int(row["Hạng"]),
                },
                person_id=person,
                unit_id=unit_id,
                demo=demo,
            )
        )
    batches = [Batch("contest", loaded.contest.name, title, tuple(recipients))]
    # A unit's standing counts its entrants: with demo people among them it is a sample too.
    sample = any(demo for _, _, demo in people.values())
    groups = result.groups
    if groups is not None:
        units = _units_by_key(db)
        chosen = []
        for _, row in groups[groups["Giải"].astype(str) != ""].iterrows():
            key = unit_key(str(row["Đơn vị"]))
            if only and key != only:
                continue
            rate = row["Tỷ lệ tham gia (%)"]
            shown_rate = "" if rate != rate else format_decimal(float(rate))
            chosen.append(
                Recipient(
                    holder=f"unit:{key}",
                    name=str(row["Đơn vị"]),
                    unit=str(row["Đơn vị"]),
                    detail=str(row["Giải"]),
                    fields={
                        "giai": str(row["Giải"]),
                        "cuoc_thi": title,
                        "ty_le": shown_rate,
                        "hang": int(row["Hạng"]),
                    },
                    unit_id=units.get(key),
                    demo=sample,
                )
            )
        batches.append(Batch("group", loaded.contest.name, title, tuple(chosen)))
    return batches


def _entrants(db: Database, contest: str) -> dict[int, tuple[int | None, int | None, bool]]:
    """Entrant id -> (roster person, unit, whether the person is a generated demo person)."""
    from hoctap.db.models import Entrant, Person

    with db.session() as session:
        rows = session.execute(
            select(Entrant.id, Entrant.person_id, Entrant.unit_id, Person.is_demo)
            .outerjoin(Person, Person.id == Entrant.person_id)
            .where(Entrant.contest == contest)
        ).all()
    return {row[0]: (row[1], row[2], bool(row[3])) for row in rows}


def _units_by_key(db: Database) -> dict[str, int]:
    from hoctap.db.models import Unit
    from hoctap.people.units import unit_key

    with db.session() as session:
        return {
            unit_key(name): unit_id for unit_id, name in session.execute(select(Unit.id, Unit.name))
        }


# -- issuing ---------------------------------------------------------------------------------


def issue(
    db: Database, batch: Batch, settings: DocumentSettings, now: datetime | None = None
) -> list[Issued]:
    """A certificate for each recipient: the one issued before, or a new serial and code."""
    moment = now or datetime.now(UTC)
    year = moment.astimezone(ZONE).year
    issued: list[Issued] = []
    try:
        with db.session() as session:
            existing = {
                c.holder: c
                for c in session.scalars(
                    select(Certificate).where(
                        Certificate.kind == batch.kind, Certificate.subject == batch.subject
                    )
                )
            }
            number = (
                session.scalar(select(func.max(Certificate.number)).where(Certificate.year == year))
                or 0
            )
            codes = set(session.scalars(select(Certificate.code)))
            for recipient in batch.recipients:
                row = existing.get(recipient.holder)
                new = row is None
                if row is None:
                    number += 1
                    code = new_code()
                    while code in codes:
                        code = new_code()
                    codes.add(code)
                    serial = settings.render(settings.serial, {"nam": year, "so_thu_tu": number})
                    row = Certificate(
                        year=year,
                        number=number,
                        serial=serial,
                        code=code,
                        kind=batch.kind,
                        subject=batch.subject,
                        holder=recipient.holder,
                        issued_at=moment,
                    )
                    session.add(row)
                row.subject_title = batch.title
                row.person_id = recipient.person_id
                row.unit_id = recipient.unit_id
                row.holder_name = recipient.name
                row.unit_name = recipient.unit
                row.detail = recipient.detail
                row.demo = recipient.demo
                row.printed_at = moment
                issued_at = aware(row.issued_at)
                fields = {
                    "ho_ten": recipient.name,
                    "don_vi": recipient.unit,
                    "nam": issued_at.astimezone(ZONE).year,
                    **recipient.fields,
                }
                issued.append(
                    Issued(
                        batch.kind,
                        row.serial,
                        row.code,
                        recipient.name,
                        recipient.unit,
                        batch.title,
                        issued_at,
                        fields,
                        new,
                        recipient.demo,
                    )
                )
    except IntegrityError as error:  # another organiser issued the same numbers meanwhile
        raise HoctapError(
            "Có người khác đang cấp giấy chứng nhận cùng lúc; chưa có giấy nào được ghi.",
            "Chạy lại lệnh sau ít phút: giấy đã cấp giữ nguyên số và mã.",
        ) from error
    return issued


@dataclass(frozen=True)
class Verified:
    serial: str
    code: str
    kind: str
    holder_name: str
    unit_name: str
    subject_title: str
    detail: str
    issued_at: datetime
    demo: bool = False

    def lines(self) -> list[str]:
        when = self.issued_at.astimezone(ZONE).strftime("%d/%m/%Y")
        what = {
            "module": f"hoàn thành học phần “{self.subject_title}” ({self.detail} số điểm)",
            "contest": f"đạt giải {self.detail} – {self.subject_title}",
            "group": f"{self.detail} – {self.subject_title}",
        }[self.kind]
        if self.demo:
            first = (
                f"Giấy chứng nhận số {self.serial} (mã {shown_code(self.code)}) là GIẤY MẪU: "
                "hoctap cấp cho người giả lập của dữ liệu mẫu, không phải cho người thật."
            )
        else:
            first = (
                f"Giấy chứng nhận số {self.serial} (mã {shown_code(self.code)}) là giấy thật, "
                "do hoctap cấp."
            )
        return [
            first,
            f"Cấp cho: {self.holder_name}"
            + (f" – {self.unit_name}" if self.unit_name != self.holder_name else ""),
            f"Nội dung: {what}.",
            f"Ngày cấp: {when}.",
        ]


def verify(db: Database, text: str) -> Verified:
    """The certificate a code belongs to, or a clear error."""
    code = clean_code(text)
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        raise HoctapError(
            f"'{text}' không phải mã xác minh.",
            "Mã xác minh có 8 chữ và số, in dưới mã QR của giấy chứng nhận (ví dụ K7PX-3QMD).",
        )
    with db.session() as session:
        row = session.scalars(select(Certificate).where(Certificate.code == code)).first()
        if row is None:
            raise HoctapError(
                f"Không có giấy chứng nhận nào mang mã {shown_code(code)}.",
                "Kiểm tra lại mã in trên giấy; nếu đúng mã mà không thấy, giấy này không do "
                "hoctap cấp.",
            )
        issued = aware(row.issued_at)
        return Verified(
            row.serial,
            row.code,
            row.kind,
            row.holder_name,
            row.unit_name,
            row.subject_title,
            row.detail,
            issued,
            row.demo,
        )


# -- the command -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Produced:
    folder: Path
    issued: int
    new: int
    files: tuple[Path, ...]
    notes: tuple[str, ...]


def batches_for(db: Database, target: str, unit: str | None, period: int) -> list[Batch]:
    """The batches a target names: a module, a contest, or ``all`` (every module, and every
    contest that opened in the year or has no opening time)."""
    from hoctap.contest.catalog import list_contests
    from hoctap.grading.course import module_ids

    modules = module_ids()
    loaded_contests = list_contests(db.settings)
    contests = [c.contest.name for c in loaded_contests]
    if target in modules:
        return [module_batch(db, target, unit)]
    if target in contests:
        return contest_batches(db, target, unit)
    if target in ("all", "tat-ca"):
        found = [module_batch(db, module, unit) for module in modules]
        for loaded in loaded_contests:
            opens = loaded.contest.opens
            if opens is None or opens.astimezone(ZONE).year == period:
                found += contest_batches(db, loaded.contest.name, unit)
        return found
    raise HoctapError(
        f"Không có học phần hay cuộc thi nào tên '{target}'.",
        f"Học phần: {', '.join(modules)}. Cuộc thi: {', '.join(contests) or '(chưa có)'}. "
        "Hoặc 'all' để cấp tất cả.",
    )


def produce(
    db: Database,
    target: str,
    output: Path,
    unit: str | None = None,
    period: int | None = None,
    settings: DocumentSettings | None = None,
    progress: Callable[[int, int], None] | None = None,
    now: datetime | None = None,
) -> Produced:
    """Issue and print the certificates a target names into ``output``: one PDF per
    certificate in a folder per module or contest, and one file with them all for printing."""
    from hoctap.documents.config import load_documents

    settings = settings or load_documents()
    moment = now or datetime.now(UTC)
    year = period or moment.astimezone(ZONE).year
    batches = batches_for(db, target, unit, year)
    issued = [(batch, issue(db, batch, settings, moment)) for batch in batches]
    total = sum(len(items) for _, items in issued)
    done = 0
    files: list[Path] = []

    def step() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total)

    for batch, items in issued:
        if not items:
            continue
        folder = output / _folder_name(batch) if len(batches) > 1 else output
        files += render_certificates(items, settings, folder, step, db.settings.public_url)
    notes = tuple(note for batch in batches for note in batch.notes)
    if total == 0:
        what = batches[0].title if len(batches) == 1 else "các học phần và cuộc thi"
        notes += (f"Chưa có ai đạt để cấp giấy chứng nhận: {what}.",)
    new = sum(1 for _, items in issued for item in items if item.new)
    return Produced(output, total, new, tuple(files), notes)


def _folder_name(batch: Batch) -> str:
    return batch.subject if batch.kind != "group" else f"{batch.subject}-tap-the"
