"""The award table: every unit's values and points per indicator, total, level and ranks."""

from __future__ import annotations

import math

import pandas as pd
from sqlalchemy import select

from hoctap.awards.criteria import SELF, Criteria
from hoctap.awards.measures import platform_measures
from hoctap.awards.scoring import score_units
from hoctap.db import Database
from hoctap.db.models import SelfAssessment, Unit
from hoctap.people.units import KINDS

FIXED_COLUMNS = [
    "Mã đơn vị", "Đơn vị", "Loại đơn vị", "Tổng điểm", "Xếp loại", "Hạng trong loại", "Hạng chung",
]  # fmt: skip


def unit_values(db: Database, criteria: Criteria, period: int) -> pd.DataFrame:
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
        for indicator in criteria.indicators:
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
    db: Database, criteria: Criteria, period: int, kind: str | None = None
) -> pd.DataFrame:
    """The table ``hoctap awards rank`` prints, in rank order; the points add up to the total."""
    scored = score_units(unit_values(db, criteria, period), criteria)
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
        }
    )
    for indicator in criteria.indicators:
        values = scored[indicator.key].astype(float).round(2)
        table[f"{indicator.name} (giá trị)"] = values.astype(object).where(values.notna(), None)
        table[f"{indicator.name} (điểm)"] = scored[f"{indicator.key}:points"]
    table["Còn thiếu để lên mức"] = [
        f"{_points(gap)} điểm để đạt {level}" if level else ""
        for level, gap in zip(scored["next_level"], scored["points_to_next"], strict=True)
    ]
    table["Chưa có số liệu"] = scored["missing"]
    return table.reset_index(drop=True)
