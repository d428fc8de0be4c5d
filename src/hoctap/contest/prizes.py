"""Prizes by counts per level, and the ties the organisers must decide about.

A level's prizes go to the entries ranked within its cumulative count (Nhất=1, Nhì=2: ranks 1 to
3 win). Entries tied across a cut all get the higher prize and are flagged, never broken silently;
the levels below then hold fewer, since the ranks they cover are already taken.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

DEFAULT_LEVELS = (("Nhất", 1), ("Nhì", 2), ("Ba", 3), ("Khuyến khích", 5))


@dataclass(frozen=True)
class TieFlag:
    """A level the organisers must look at: a tie across its cut, or no winner at all."""

    level: str
    rank: int
    entries: int
    """How many entries share ``rank``."""
    prizes: int
    """How many prizes the level has."""
    winners: int
    """How many entries get the level's prize."""

    @property
    def message(self) -> str:
        if self.winners == 0:
            return (
                f"Giải {self.level}: không có người nhận (cơ cấu {self.prizes} giải): các thứ hạng "
                "của giải đã thuộc về người đồng hạng ở giải cao hơn, hoặc không ai đủ điều kiện. "
                "Ban tổ chức cần quyết định."
            )
        return (
            f"Giải {self.level}: {self.entries} người đồng hạng {self.rank} nên {self.winners} "
            f"người nhận giải (cơ cấu {self.prizes} giải). Ban tổ chức cần quyết định."
        )


def parse_levels(text: str) -> list[tuple[str, int]]:
    """``"Nhất=1,Nhì=2,Ba=3,Khuyến khích=5"`` -> [("Nhất", 1), …]; ValueError says what is wrong."""
    levels: list[tuple[str, int]] = []
    for piece in text.split(","):
        if not piece.strip():
            continue
        name, equals, count = piece.partition("=")
        if not equals or not name.strip():
            raise ValueError(f"'{piece.strip()}' phải có dạng Tên giải=số giải, ví dụ Nhất=1.")
        try:
            number = int(count.strip())
        except ValueError:
            raise ValueError(
                f"Số giải '{count.strip()}' của giải {name.strip()} phải là số nguyên."
            ) from None
        if number < 0:
            raise ValueError(f"Số giải của giải {name.strip()} không được âm.")
        levels.append((name.strip(), number))
    if not levels:
        raise ValueError("Chưa có giải nào; ví dụ: Nhất=1,Nhì=2,Ba=3,Khuyến khích=5.")
    return levels


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
