"""The report's figures, read from the roster, nbgrader's gradebook, the exchange, the contests'
attempts, the award rankings and the self-assessments, into plain data (``ReportFigures``) that
``hoctap.documents.report`` turns into a document without touching a database."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from hoctap.awards.levels import DEFAULT_LEVELS, NOT_REACHED
from hoctap.db import Database
from hoctap.documents.official import short_date
from hoctap.errors import HoctapError
from hoctap.settings import ZONE


@dataclass(frozen=True)
class Window:
    """The period a report covers: whole days, Vietnam time, ``last`` included."""

    first: date
    last: date
    year: int
    """The award year (self-assessments and rankings are yearly)."""

    @property
    def label(self) -> str:
        if (self.first, self.last) == (date(self.year, 1, 1), date(self.year, 12, 31)):
            return f"năm {self.year}"
        return f"từ ngày {short_date(self.first)} đến ngày {short_date(self.last)}"

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time(), ZONE)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time(), ZONE)

    def holds(self, moment: datetime | None) -> bool:
        return moment is None or self.start <= moment < self.end


def window(period: int | None, first: date | None, last: date | None, today: date) -> Window:
    """The year by default (this year if none is given); ``--from``/``--to`` narrow it."""
    year = period or (last or first or today).year
    start = first or date(year, 1, 1)
    end = last or date(year, 12, 31)
    if end < start:
        raise HoctapError(
            f"Ngày kết thúc ({short_date(end)}) trước ngày bắt đầu ({short_date(start)}).",
            "Sửa --from/--to.",
        )
    return Window(start, end, year)


@dataclass(frozen=True)
class UnitInfo:
    code: str
    name: str
    kind: str


@dataclass(frozen=True)
class ModuleInfo:
    id: str
    title: str
    pass_percent: float


@dataclass(frozen=True)
class Work:
    """One trainee's progress in one module during the period."""

    trainee: str
    module: str
    started: bool
    submitted: bool
    share: float | None
    """Score as a percentage of the most, once graded."""
    passed: bool


@dataclass(frozen=True)
class Winner:
    name: str
    unit: str
    score: float
    prize: str


@dataclass(frozen=True)
class GroupWinner:
    unit: str
    participants: int
    rate: float | None
    prize: str


@dataclass(frozen=True)
class ContestFigures:
    name: str
    title: str
    entrants: int
    """People whose attempt counted in the period."""
    shares: tuple[float, ...]
    """Each counted attempt's score as a percentage of its paper's most."""
    perfect: int
    prizes: tuple[tuple[str, int], ...]
    winners: tuple[Winner, ...]
    groups: tuple[GroupWinner, ...]
    by_unit: Mapping[str, int]
    """Unit code -> roster members whose attempt counted."""
    hidden_names: int = 0
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class AwardRow:
    code: str
    name: str
    kind: str
    total: float
    level: str
    rank: int


@dataclass(frozen=True)
class AwardFigures:
    rows: tuple[AwardRow, ...]
    frozen_by: str = ""
    frozen_at: datetime | None = None
    thresholds: tuple[tuple[str, float], ...] = DEFAULT_LEVELS
    """Each level and its lowest total, highest first (the criteria files' ``levels``)."""
    criteria: tuple[str, ...] = ()
    """Which criteria produced the table, one sentence per file (``Selection.lines``)."""
    simulated: bool = False
    """Whether any of them simulates or is the province's own, not a text's criteria."""

    @property
    def recognised(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.thresholds)

    @property
    def levels(self) -> tuple[str, ...]:
        return (*self.recognised, NOT_REACHED)


@dataclass(frozen=True)
class ReportFigures:
    window: Window
    units: tuple[UnitInfo, ...]
    members: Mapping[str, tuple[str, ...]]
    """Unit code -> its trainees' codes."""
    modules: tuple[ModuleInfo, ...]
    work: tuple[Work, ...]
    contests: tuple[ContestFigures, ...]
    awards: AwardFigures | None
    self_values: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    """Self-assessment key -> unit code -> value, for the period's year."""
    unit: UnitInfo | None = None
    """The one unit reported on, or None for the province."""
    demo_people: int = 0
    """Generated demo trainees among the members (``hoctap demo``)."""


def _module_work(
    db: Database, modules: list[ModuleInfo], span: Window, known: set[str]
) -> list[Work]:
    from hoctap.grading.course import exchange_records
    from hoctap.grading.gradebook import graded_submissions

    settings = db.settings
    graded = graded_submissions(settings, between=(span.start, span.end))
    work = []
    for module in modules:
        fetched = {
            s for s, t in exchange_records(settings, "fetched", module.id).items() if span.holds(t)
        }
        handed = {
            s for s, t in exchange_records(settings, "inbound", module.id).items() if span.holds(t)
        }
        scores = {s: m[module.id] for s, m in graded.items() if module.id in m}
        for trainee in sorted((fetched | handed | set(scores)) & known):
            grade = scores.get(trainee)
            share = 100 * grade.score / grade.most if grade is not None and grade.most else None
            work.append(
                Work(
                    trainee,
                    module.id,
                    started=True,
                    submitted=trainee in handed or grade is not None,
                    share=share,
                    passed=share is not None and share >= module.pass_percent,
                )
            )
    return work


def _contests(db: Database, span: Window, unit_of: Mapping[int, str]) -> list[ContestFigures]:
    from sqlalchemy import select

    from hoctap.contest.catalog import list_contests
    from hoctap.contest.results import contest_results, counted_attempts, database_roster
    from hoctap.db.models import Entrant

    roster = database_roster(db)
    found = []
    for loaded in list_contests(db.settings):
        table, _, notes = counted_attempts(db, loaded)
        if table.empty:
            continue
        inside = [span.holds(moment) for moment in table["submitted"]]
        table = table[inside]
        if table.empty:
            continue
        with db.session() as session:
            people = {
                row[0]: row[1]
                for row in session.execute(
                    select(Entrant.id, Entrant.person_id).where(
                        Entrant.contest == loaded.contest.name
                    )
                )
            }
        by_unit: dict[str, int] = {}
        for entrant in table["entrant"]:
            person = people.get(int(entrant))
            if person is not None and person in unit_of:
                by_unit[unit_of[person]] = by_unit.get(unit_of[person], 0) + 1
        shares = tuple(
            100 * float(s) / float(f) if f else 0.0
            for s, f in zip(table["score"], table["full"], strict=True)
        )
        result = contest_results(db, loaded, public=True, groups=True, roster=roster)
        ranking = result.ranking
        won = ranking[ranking["Giải"] != ""]
        winners = tuple(
            Winner(str(r["Họ và tên"]), str(r["Đơn vị"]), float(r["Điểm"]), str(r["Giải"]))
            for _, r in won.iterrows()
        )
        prizes = tuple(
            (level, int((won["Giải"] == level).sum())) for level, _ in loaded.contest.prizes
        )
        groups: tuple[GroupWinner, ...] = ()
        if result.groups is not None:
            frame = result.groups
            prize_column = "Giải" if "Giải" in frame else None
            if prize_column:
                chosen = frame[frame[prize_column].astype(str) != ""]
                groups = tuple(
                    GroupWinner(
                        str(r["Đơn vị"]),
                        int(r["Số người dự thi"]),
                        _rate(r.get("Tỷ lệ tham gia (%)")),
                        str(r[prize_column]),
                    )
                    for _, r in chosen.iterrows()
                )
        found.append(
            ContestFigures(
                name=loaded.contest.name,
                title=loaded.contest.title,
                entrants=len(table),
                shares=shares,
                perfect=sum(1 for s in shares if s >= 100 - 1e-9),
                prizes=prizes,
                winners=winners,
                groups=groups,
                by_unit=by_unit,
                hidden_names=sum(1 for w in winners if w.name.startswith("Thí sinh #")),
                notes=tuple(notes),
            )
        )
    return found


def _rate(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if number != number else number


def _awards(db: Database, year: int) -> AwardFigures | None:
    from hoctap.awards.report import award_table
    from hoctap.awards.selection import DEFAULT, select_criteria
    from hoctap.awards.snapshots import Snapshot, latest

    frozen_by, frozen_at, name = "", None, None
    snapshot: Snapshot | None
    try:
        snapshot = latest(db, year)
    except HoctapError:
        snapshot = None
    if snapshot is not None:
        frozen_by, frozen_at = snapshot.frozen_by, snapshot.frozen_at
        if snapshot.criteria_name and not snapshot.criteria_name.startswith(DEFAULT):
            name = snapshot.criteria_name
    try:
        criteria = select_criteria(name, year)
    except HoctapError:
        criteria = None
    if snapshot is not None:
        table = snapshot.table
    elif criteria is not None:
        table = award_table(db, criteria, year)
    else:
        return None  # no criteria for the year and nothing frozen: nothing to report
    if table.empty:
        return None
    from hoctap.people.units import KINDS

    kinds = {label: key for key, label in KINDS.items()}
    rows = tuple(
        AwardRow(
            str(r["Mã đơn vị"]),
            str(r["Đơn vị"]),
            kinds.get(str(r["Loại đơn vị"]), str(r["Loại đơn vị"])),
            float(r["Tổng điểm"]),
            str(r["Xếp loại"]),
            int(r["Hạng chung"]),
        )
        for _, r in table.iterrows()
    )
    if criteria is None:
        assert snapshot is not None
        return AwardFigures(
            rows, frozen_by, frozen_at, criteria=(f"Bộ tiêu chí: {snapshot.criteria_name}.",)
        )
    levels: list[tuple[str, float]] = []
    for used in criteria.files:
        levels += [lv for lv in used.levels if lv[0] not in {n for n, _ in levels}]
    return AwardFigures(
        rows,
        frozen_by,
        frozen_at,
        tuple(levels),
        tuple(criteria.lines()),
        criteria.simulated,
    )


def gather(db: Database, span: Window, unit: str | None = None) -> ReportFigures:
    """Everything the report says, for the province or for one unit."""
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from hoctap.db.models import Person, SelfAssessment, Unit
    from hoctap.grading.policy import load_policy
    from hoctap.people.units import find_unit

    only = find_unit(db, unit) if unit else None
    with db.session() as session:
        units = [
            UnitInfo(u.code, u.name, u.kind)
            for u in session.scalars(select(Unit).where(Unit.kind != "tinh").order_by(Unit.code))
            if only is None or u.code == only.code
        ]
        people = session.scalars(select(Person).options(selectinload(Person.unit))).all()
        members: dict[str, list[str]] = {u.code: [] for u in units}
        unit_of: dict[int, str] = {}
        demo_people = 0
        for person in people:
            if person.unit.code in members:
                members[person.unit.code].append(person.code)
                unit_of[person.id] = person.unit.code
                demo_people += person.is_demo
        lines = session.execute(
            select(SelfAssessment.key, Unit.code, SelfAssessment.value)
            .join(Unit, Unit.id == SelfAssessment.unit_id)
            .where(SelfAssessment.period == span.year)
        ).all()
    self_values: dict[str, dict[str, float]] = {}
    for key, code, value in lines:
        if code in members:
            self_values.setdefault(key, {})[code] = float(value)
    policy = load_policy()
    modules = [ModuleInfo(m.id, m.title, m.pass_percent) for m in policy.modules.values()]
    known = {code for codes in members.values() for code in codes}
    awards = _awards(db, span.year)
    if awards is not None and only is not None:
        mine = tuple(r for r in awards.rows if r.code == only.code)
        awards = replace(awards, rows=mine)
    return ReportFigures(
        window=span,
        units=tuple(units),
        members={code: tuple(codes) for code, codes in members.items()},
        modules=tuple(modules),
        work=tuple(_module_work(db, modules, span, known)),
        contests=tuple(_contests(db, span, unit_of)),
        awards=awards,
        self_values=self_values,
        unit=UnitInfo(only.code, only.name, only.kind) if only else None,
        demo_people=demo_people,
    )
