"""Group prizes for units: the share of their members who took part, and their average score."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from hoctap.contest.prizes import award
from hoctap.contest.ranking import rank_entries
from hoctap.contest.rules import GroupRules, RankKey, TieFlag

_RATE = RankKey("participation", "rate", True, "tỷ lệ tham gia cao hơn")
_AVERAGE = RankKey("average", "average", True, "điểm trung bình cao hơn")


def group_standings(
    units: pd.Series,
    scores: pd.Series,
    roster: Mapping[str, int] | None,
    rules: GroupRules,
) -> tuple[pd.DataFrame, list[TieFlag]]:
    """One row per unit: participants, roster size, rate, average score, rank and prize.

    ``units`` holds each entry's unit key, ``scores`` its score, ``roster`` each unit key's
    member count (None: not known, so no rate and ranking by average only).
    """
    frame = pd.DataFrame({"unit": units.to_numpy(), "score": scores.to_numpy()})
    table = frame.groupby("unit", sort=False)["score"].agg(["size", "mean"])
    table = table.rename(columns={"size": "participants", "mean": "average"})
    if roster is not None:
        # A unit on the roster with nobody taking part is in the standings too, at 0%.
        absent = [unit for unit in roster if unit not in table.index]
        table = pd.concat(
            [table, pd.DataFrame({"participants": 0, "average": np.nan}, index=absent)]
        )
        table.index.name = "unit"
        members = [roster.get(str(unit), np.nan) for unit in table.index]
        table["members"] = pd.Series(members, index=table.index, dtype="float64")
        table["rate"] = table["participants"] / table["members"].where(table["members"] > 0)
        eligible = table["members"].notna() & (table["members"] >= max(rules.min_roster, 1))
    else:
        table["members"] = np.nan
        table["rate"] = np.nan
        eligible = pd.Series(True, index=table.index)
    keys = [_RATE, _AVERAGE] if rules.by == "participation" else [_AVERAGE, _RATE]
    ranked = rank_entries(table[eligible].reset_index(), keys)
    prize, flags = award(ranked["rank"], [("Giải tập thể", rules.prizes)])
    ranked["prize"] = prize
    rest = table[~eligible].reset_index()
    rest["rank"] = pd.NA
    rest["prize"] = ""
    standings = pd.concat([ranked, rest], ignore_index=True)
    return standings, flags
