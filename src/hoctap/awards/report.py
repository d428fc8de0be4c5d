"""The award table: every unit's values and points per indicator, total, level and ranks."""

from __future__ import annotations

import math

import pandas as pd
from sqlalchemy import select

from hoctap.awards.criteria import SELF, Indicator
from hoctap.awards.measures import platform_measures
from hoctap.awards.scoring import score_units
from hoctap.awards.selection import Selection
from hoctap.db import Database
from hoctap.db.models import SelfAssessment, Unit
from hoctap.people.units import KINDS

FIXED_COLUMNS = [
    "Mã đơn vị", "Đơn vị", "Loại đơn vị", "Tổng điểm", "Xếp loại", "Hạng trong loại", "Hạng chung",
]  # fmt: skip
CRITERIA_COLUMN = "Bộ tiêu chí"
"""The file that scored the unit (``hoctap awards rank --criteria`` takes the same name)."""


def unit_values(db: Database, indicators: list[Indicator], period: int) -> pd.DataFrame:
    """One row per unit (not the province): code, name, kind and each indicator's value."""
    measured = platform_measures(db, period)
    with db.session() as session:
        units = session.scalars(select(Unit).where(Unit.kind != "tinh")).all()
        lines = session.execute(
            select(Unit.code, SelfAssessment.key, SelfAssessment.value)
            .join(Unit, Unit.id == SelfAssessment.unit_id)
            .where(SelfAssessment.period == period)
        ).all()
        rows: list[dict[str, object]] = [
            {"code": u.code, "name": u.name, "kind": u.kind} for u in units
        ]
    assessed: dict[str, dict[str, float]] = {}
    for code, key, value in lines:
        assessed.setdefault(code, {})[key] = value
    for row in rows:
        for indicator in indicators:
            found: float | None
            if indicator.self_assessed:
                found = assessed.get(str(row["code"]), {}).get(indicator.measure[len(SELF) :])
            else:
                found = measured.get(str(row["code"]), {}).get(indicator.measure)
            row[indicator.key] = math.nan if found is None else found
    return pd.DataFrame(rows)


def _points(value: float) -> str:
    """Points as Vietnamese writes them, to two decimals: 1,18 and 4."""
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def award_table(
    db: Database, selection: Selection, period: int, kind: str | None = None
) -> pd.DataFrame:
    """The table ``hoctap awards rank`` prints, in rank order; the points add up to the total.

    Each unit is scored by its kind's criteria; "Hạng chung" ranks the units scored by the same
    criteria, and an indicator another file scores is left empty.
    """
    values = unit_values(db, selection.indicators, period)
    parts = []
    for criteria in selection.files:
        kinds = selection.kinds_of(criteria)
        mine = values if kinds is None else values[values["kind"].isin(kinds)]
        if not mine.empty:
            scored = score_units(mine, criteria)
            scored[CRITERIA_COLUMN] = criteria.name
            scored["_gap"] = [
                f"{_points(gap)} điểm để đạt {level}" if level else ""
                for level, gap in zip(scored["next_level"], scored["points_to_next"], strict=True)
            ]
            parts.append(scored)
    if not parts:
        return pd.DataFrame(columns=[*FIXED_COLUMNS, CRITERIA_COLUMN])
    scored = pd.concat(parts) if len(parts) > 1 else parts[0]
    if len(parts) > 1:
        scored = scored.sort_values("total", ascending=False, kind="stable")
    if kind:
        scored = scored[scored["kind"] == kind]
    table = pd.DataFrame(
        {
            "Mã đơn vị": scored["code"],
            "Đơn vị": scored["name"],
            "Loại đơn vị": [KINDS.get(k, k) for k in scored["kind"]],
            "Tổng điểm": scored["total"],
            "Xếp loại": scored["level"],
            "Hạng trong loại": scored["rank_kind"].astype(int),
            "Hạng chung": scored["rank_all"].astype(int),
            CRITERIA_COLUMN: scored[CRITERIA_COLUMN],
        }
    )
    for indicator in selection.indicators:
        points = scored[f"{indicator.key}:points"]
        # A unit another file scores has no value here, even if its sheet has the line.
        values_of = scored[indicator.key].astype(float).round(2).where(points.notna())
        table[f"{indicator.name} (giá trị)"] = values_of.astype(object).where(
            values_of.notna(), None
        )
        table[f"{indicator.name} (điểm)"] = points.astype(object).where(points.notna(), None)
    table["Còn thiếu để lên mức"] = scored["_gap"]
    table["Chưa có số liệu"] = scored["missing"]
    return table.reset_index(drop=True)
