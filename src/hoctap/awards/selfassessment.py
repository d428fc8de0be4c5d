"""Units' self-assessment sheets: one row per unit, one column per ``self:`` line of the criteria.

All or nothing, like the roster: every bad cell is reported with its row and column, and nothing
is written unless the whole sheet is right. A row replaces that unit's earlier lines for the year.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import delete

from hoctap.awards.criteria import Indicator
from hoctap.awards.points import Linear, YesNo
from hoctap.awards.selection import Selection
from hoctap.db import Database
from hoctap.db.models import SelfAssessment
from hoctap.errors import ImportRejected, RowProblem
from hoctap.io.readers import Column, read_table
from hoctap.text import fold, normalize

_YES = {"co", "x", "1", "yes", "dat", "co ke hoach", "da co"}
_NO = {"khong", "0", "no", "chua", "chua co"}


@dataclass(frozen=True)
class SelfAssessmentReport:
    units: int
    lines: int
    period: int


def columns(criteria: Selection) -> list[Column]:
    """The sheet's columns: unit, year, then each self-assessed indicator (by name or key)."""
    fixed = [
        Column("unit", "Đơn vị", ("Tên đơn vị", "Mã đơn vị", "Unit"), True),
        Column("period", "Năm", ("Năm đánh giá", "Kỳ", "Period")),
    ]
    lines = [
        Column(i.key, i.name, (i.measure.split(":", 1)[1], i.key, *i.aliases))
        for i in sheet_lines(criteria)
    ]
    return fixed + lines


def sheet_lines(criteria: Selection) -> list[Indicator]:
    """The self-assessed indicators, one per sheet line (files sharing a line share a column)."""
    found: dict[str, Indicator] = {}
    for indicator in criteria.indicators:
        if indicator.self_assessed:
            found.setdefault(indicator.measure, indicator)
    return list(found.values())


def _value(indicator: Indicator, raw: object) -> tuple[float | None, str]:
    """The number a cell means, or a message saying what to write instead."""
    if isinstance(indicator.rule, YesNo):
        word = fold(raw)
        if word in _YES:
            return 1.0, ""
        if word in _NO:
            return 0.0, ""
        return None, "ghi Có hoặc Không"
    text = normalize(raw).replace("%", "").replace(",", ".").strip()
    try:
        number = float(text)
    except ValueError:
        return None, "ghi một số"
    high = indicator.rule.high if isinstance(indicator.rule, Linear) else 100.0
    if not 0 <= number <= high:
        return None, f"ghi một số từ 0 đến {high:g}"
    return number, ""


def import_self_assessment(
    db: Database,
    path: Path,
    criteria: Selection,
    period: int | None = None,
    sheet: str | None = None,
) -> SelfAssessmentReport:
    """Read a sheet and store its lines for the year; ImportRejected listing every bad cell."""
    from hoctap.people.units import load_matcher

    table = read_table(path, columns(criteria), sheet)
    wanted = {i.key: i for i in sheet_lines(criteria)}
    year_default = period or datetime.now().year
    problems: list[RowProblem] = []
    rows: list[tuple[int, int, dict[str, float]]] = []
    with db.session() as session:
        matcher = load_matcher(session)
        seen: dict[tuple[int, int], int] = {}
        for number, cells in table.rows:
            unit_text = normalize(cells.get("unit"))
            found = matcher.find(unit_text)
            if len(found) != 1:
                close = matcher.suggest(unit_text)
                problems.append(
                    RowProblem(
                        number,
                        table.headers["unit"],
                        f"không tìm thấy đơn vị '{unit_text}'"
                        if not found
                        else f"'{unit_text}' có thể là nhiều đơn vị",
                        ("Có phải: " + ", ".join(close) + "?")
                        if close
                        else "Ghi tên hoặc mã đơn vị.",
                    )
                )
                continue
            year = year_default
            if "period" in table.headers and normalize(cells.get("period")):
                try:
                    year = int(float(normalize(cells.get("period"))))
                except ValueError:
                    problems.append(
                        RowProblem(
                            number,
                            table.headers["period"],
                            "năm không đọc được",
                            "Ghi năm, ví dụ 2026.",
                        )
                    )
                    continue
            values: dict[str, float] = {}
            for key, indicator in wanted.items():
                if key not in table.headers or not normalize(cells.get(key)):
                    continue  # a line left blank is missing, shown as such, not a zero
                value, fix = _value(indicator, cells.get(key))
                if value is None:
                    problems.append(
                        RowProblem(
                            number,
                            table.headers[key],
                            f"'{normalize(cells.get(key))}' không đọc được",
                            fix[:1].upper() + fix[1:] + ".",
                        )
                    )
                else:
                    values[indicator.measure.split(":", 1)[1]] = value
            unit_id = found[0].id
            if (unit_id, year) in seen:
                problems.append(
                    RowProblem(
                        number,
                        table.headers["unit"],
                        f"đơn vị đã có ở dòng {seen[(unit_id, year)]}",
                        "Mỗi đơn vị một dòng cho một năm.",
                    )
                )
                continue
            seen[(unit_id, year)] = number
            rows.append((unit_id, year, values))
        if problems:
            raise ImportRejected(f"bảng tự đánh giá {table.source}", problems)
        lines = 0
        for unit_id, year, values in rows:
            session.execute(
                delete(SelfAssessment).where(
                    SelfAssessment.unit_id == unit_id, SelfAssessment.period == year
                )
            )
            for key, value in values.items():
                session.add(
                    SelfAssessment(
                        unit_id=unit_id, period=year, key=key, value=value, source=table.source
                    )
                )
                lines += 1
    periods = {year for _, year, _ in rows}
    return SelfAssessmentReport(len(rows), lines, min(periods) if periods else year_default)


DEMO_SOURCE = "dữ liệu mẫu (giả lập)"


DEMO_STRENGTHS = (0.35, 0.55, 0.7, 0.8, 0.9, 0.97)


def demo_strength(period: int, unit_code: str) -> tuple[random.Random, bool, float]:
    """A demo unit's draw for the year: its random stream, whether it sent its self-assessment
    (nine in ten do), and how strong it is (0–1), which the demo's module grades and contest
    attempts follow too, so a unit's indicators agree with each other."""
    rng = random.Random(f"{period}:{unit_code}:self")
    sent = rng.random() >= 0.1
    return rng, sent, rng.choice(DEMO_STRENGTHS)


def seed_demo_self_assessments(db: Database, criteria: Selection, period: int) -> int:
    """Generated self-assessments for the demo: every level represented, some units missing.

    Only units without a real sheet for the period get one, so a province's own data is never
    overwritten; each unit's lines are drawn from its own random stream (seeded by its code).
    """
    from sqlalchemy import select

    from hoctap.db.models import Unit

    written = 0
    with db.session() as session:
        have = {
            unit_id
            for (unit_id,) in session.execute(
                select(SelfAssessment.unit_id).where(SelfAssessment.period == period)
            )
        }
        for unit in session.scalars(select(Unit).where(Unit.kind != "tinh").order_by(Unit.code)):
            if unit.id in have:
                continue
            rng, sent, strength = demo_strength(period, unit.code)
            own = criteria.for_kind(unit.kind)
            if not sent or own is None:
                continue  # one unit in ten has not sent its sheet
            for indicator in own.indicators:
                if not indicator.self_assessed or rng.random() < 0.05:
                    continue  # now and then a line left blank
                if isinstance(indicator.rule, YesNo):
                    value = 1.0 if rng.random() < strength + 0.1 else 0.0
                else:
                    high = indicator.rule.high if isinstance(indicator.rule, Linear) else 100.0
                    share = min(1.0, max(0.0, rng.gauss(strength, 0.08)))
                    value = round(high * share, 1)
                session.add(
                    SelfAssessment(
                        unit_id=unit.id,
                        period=period,
                        key=indicator.measure.split(":", 1)[1],
                        value=value,
                        source=DEMO_SOURCE,
                    )
                )
                written += 1
    return written
