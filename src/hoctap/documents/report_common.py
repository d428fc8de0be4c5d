"""What every section of the report shares: shares and means as the tables show them, the
numbering of tables, units grouped by kind, the histogram charts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from hoctap.documents.figures import ReportFigures, UnitInfo, Work
from hoctap.documents.model import (
    Band,
    Cell,
    Chart,
    Column,
    Row,
    Table,
)
from hoctap.people.units import KINDS
from hoctap.text import format_decimal

SOURCE = "nền tảng hoctap"


LAGGING = 50
"""Units with fewer of their members than this (%) taking part are named in the summary."""


SHOWN_LAGGING = 10


def share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def mean(values: Sequence[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def pct(value: float | None) -> str:
    return "–" if value is None else f"{format_decimal(value)}%"


@dataclass
class Numbering:
    """Numbers tables and charts in order: Bảng 1, Bảng 2, Biểu đồ 1, ..."""

    tables: int = 0
    charts: int = 0

    def table(self, title: str) -> str:
        self.tables += 1
        return f"Bảng {self.tables}. {title}"

    def chart(self, title: str) -> str:
        self.charts += 1
        return f"Biểu đồ {self.charts}. {title}"

    def numbered(
        self,
        title: str,
        columns: Sequence[Column],
        rows: Iterable[Row],
        total: tuple[Cell, ...] | None = None,
        note: str = "",
    ) -> Table:
        """A table with its number ("Bảng 3.") and an STT column counting its rows (not the
        bands); ``total`` is the last row, without a number."""
        numbered: list[Row] = []
        number = 0
        for row in rows:
            if isinstance(row, Band):
                numbered.append(row)
            else:
                number += 1
                numbered.append((number, *row))
        return Table(
            self.table(title),
            (Column("STT", kind="int", width=0.75), *columns),
            tuple(numbered),
            total=None if total is None else ("", *total),
            note=note,
        )


@dataclass(frozen=True)
class UnitProgress:
    unit: UnitInfo
    members: int
    started: int
    submitted: int
    completed: int
    """Members who passed every module."""
    average: float | None
    """Mean score of the members' graded submissions (% of the most), as the module table and
    the province's row count it."""


def unit_progress(figures: ReportFigures) -> list[UnitProgress]:
    """Per unit: members, members who started / handed in a module, passed them all, average."""
    by_trainee: dict[str, list[Work]] = {}
    for work in figures.work:
        by_trainee.setdefault(work.trainee, []).append(work)
    modules = {m.id for m in figures.modules}
    rows = []
    for unit in figures.units:
        trainees = figures.members.get(unit.code, ())
        started = submitted = completed = 0
        shares: list[float] = []
        for trainee in trainees:
            works = by_trainee.get(trainee, [])
            started += bool(works)
            submitted += any(w.submitted for w in works)
            completed += bool(modules) and {w.module for w in works if w.passed} >= modules
            shares += [w.share for w in works if w.share is not None]
        rows.append(UnitProgress(unit, len(trainees), started, submitted, completed, mean(shares)))
    return rows


def by_kind(rows: Iterable[UnitProgress]) -> list[tuple[str, list[UnitProgress]]]:
    groups: dict[str, list[UnitProgress]] = {}
    for row in rows:
        groups.setdefault(row.unit.kind, []).append(row)
    order = list(KINDS)
    return [
        (KINDS.get(k, k), groups[k])
        for k in sorted(groups, key=lambda k: (order.index(k) if k in order else len(order), k))
    ]


def short_name(name: str) -> str:
    for prefix in ("Xã ", "Phường "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def histogram(title: str, shares: Sequence[float], source: str) -> Chart:
    bands = [0] * 10
    for share in shares:
        bands[min(int(share // 10), 9)] += 1
    labels = tuple(f"{10 * i}–{10 * i + 10}" for i in range(10))
    return Chart(
        title,
        "histogram",
        labels,
        tuple(float(b) for b in bands),
        source,
        unit="",
        axis="Điểm (% điểm tối đa)",
    )


def period_cap(figures: ReportFigures) -> str:
    label = figures.window.label
    return label[0].upper() + label[1:]


def in_unit(figures: ReportFigures, unit_name: str) -> bool:
    from hoctap.people.units import unit_key

    return figures.unit is None or unit_key(unit_name) == unit_key(figures.unit.name)
