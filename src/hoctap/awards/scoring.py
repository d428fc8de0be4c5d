"""Scoring units against the criteria: points per indicator, total, level, ranks; all explained.

``score_units`` is a pure function of a table of indicator values. Each indicator's points are
rounded to two decimals before they are added, so the points shown always add up to the total.
"""

from __future__ import annotations

import math

import pandas as pd

from hoctap.awards.criteria import Criteria
from hoctap.awards.levels import classify, to_next
from hoctap.awards.points import points_for
from hoctap.contest.ranking import rank_entries
from hoctap.contest.rules import RankKey
from hoctap.text.collation import sort_key

_TOTAL = RankKey("total", "total", True, "tổng điểm cao hơn")


def score_units(units: pd.DataFrame, criteria: Criteria) -> pd.DataFrame:
    """One row per unit: its values and points per indicator, total, level, ranks, gaps.

    ``units`` has ``code``, ``name``, ``kind`` and a column per indicator key holding its value
    (NaN: not known, e.g. no self-assessment sent). Ranks are competition ranks (1, 2, 2, 4),
    within the unit's kind and overall.
    """
    table = units.copy()
    totals = pd.Series(0.0, index=table.index)
    missing: list[list[str]] = [[] for _ in range(len(table))]
    for indicator in criteria.indicators:
        values = (
            table[indicator.key]
            if indicator.key in table
            else pd.Series(math.nan, index=table.index)
        )
        points = [points_for(indicator.rule, v) for v in values]
        table[f"{indicator.key}:points"] = points
        totals += pd.Series(points, index=table.index)
        for position, value in enumerate(values):
            if value is None or (isinstance(value, float) and math.isnan(value)):
                missing[position].append(indicator.name)
    table["total"] = totals.round(2)
    table["level"] = [classify(t, criteria.levels) for t in table["total"]]
    table["missing"] = ["; ".join(m) for m in missing]
    gaps = [to_next(t, criteria.levels) for t in table["total"]]
    table["next_level"] = [g[0] if g else "" for g in gaps]
    table["points_to_next"] = [g[1] if g else math.nan for g in gaps]
    overall = rank_entries(table, [_TOTAL])
    table["rank_all"] = overall["rank"].reindex(table.index)
    table["rank_kind"] = 0
    for _, members in table.groupby("kind", sort=False):
        ranked = rank_entries(members, [_TOTAL])
        table.loc[ranked.index, "rank_kind"] = ranked["rank"]
    # Ties in Vietnamese alphabetical order (ICU), not code-point order ("Tài" before "Thông").
    table["_name"] = [sort_key(str(n)) for n in table["name"]]
    ordered = table.sort_values(["total", "_name"], ascending=[False, True], kind="stable")
    return ordered.drop(columns="_name")
