"""Prizes by counts per level, and the ties the organisers must decide about.

A level's prizes go to the entries ranked within its cumulative count (Nhất=1, Nhì=2: ranks 1 to
3 win). Entries tied across a cut all get the higher prize and are flagged, never broken silently;
the levels below then hold fewer, since the ranks they cover are already taken.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from hoctap.contest.rules import TieFlag


def award(
    ranks: pd.Series,
    levels: Sequence[tuple[str, int]],
    scores: pd.Series | None = None,
    min_score: float | None = None,
) -> tuple[pd.Series, list[TieFlag]]:
    """Each entry's prize ("" for none) and the flagged ties.

    ``ranks`` are competition ranks; ``min_score`` (with ``scores``) bars lower scores from every
    prize.
    """
    rank_values = ranks.to_numpy(dtype=np.int64)
    prize = np.full(len(rank_values), "", dtype=object)
    eligible = np.ones(len(rank_values), dtype=bool)
    if min_score is not None and scores is not None:
        eligible = scores.round(6).to_numpy() >= round(min_score, 6)
    flags: list[TieFlag] = []
    cut = 0
    for name, count in levels:
        cut += count
        if count == 0:
            continue
        # A level covers the ranks up to its cut that a higher level has not taken.
        wins = eligible & (prize == "") & (rank_values <= cut) & (rank_values > 0)
        prize[wins] = name
        winners = int(wins.sum())
        if winners == 0:
            if (prize == "").any():  # someone was left without a prize: say why this level is empty
                flags.append(TieFlag(name, 0, 0, count, 0))
            continue
        # The group that straddles the cut: its rank is within it, its last member beyond it.
        straddling = pd.Series(rank_values[wins]).value_counts()
        for rank, size in straddling.items():
            if int(rank) + int(size) - 1 > cut:
                flags.append(TieFlag(name, int(rank), int(size), count, winners))
    return pd.Series(prize, index=ranks.index, dtype=object), flags
