"""The contest rules' vocabulary, without pandas: ranking keys, prize levels, group-prize rules.

Contest definitions and the contest pages need these names and checks but none of the table
work, so they live here and a contest worker stays small.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class RankKey:
    """One ranking key: a column of the entries' table and its direction."""

    name: str
    """The key's name in a contest's rules (``score``, ``prediction``, ``duration``, …)."""
    column: str
    """The entries' column it reads."""
    descending: bool
    """True when more is better (the score); a missing value always ranks last."""
    label: str
    """Vietnamese, for messages and documents."""


KEYS = {
    "score": RankKey("score", "score", True, "điểm (số câu đúng) cao hơn"),
    "prediction": RankKey("prediction", "prediction_distance", False, "dự đoán gần đúng hơn"),
    "duration": RankKey("duration", "duration", False, "thời gian làm bài ngắn hơn"),
    "submitted": RankKey("submitted", "submitted", False, "nộp bài sớm hơn"),
}
DEFAULT_ORDER = ("score", "prediction", "duration", "submitted")

PREDICT_TOTAL = "total"
PREDICT_PERFECT = "perfect"
PREDICTIONS = {
    PREDICT_TOTAL: "số người tham gia",
    PREDICT_PERFECT: "số người trả lời đúng tất cả các câu",
}


def rank_keys(names: Sequence[str]) -> list[RankKey]:
    """The keys named, in order; unknown names raise ValueError naming the known ones."""
    if not names:
        raise ValueError(f"Cần ít nhất một tiêu chí xếp hạng: {', '.join(KEYS)}.")
    unknown = [n for n in names if n not in KEYS]
    if unknown:
        raise ValueError(
            f"Không có tiêu chí xếp hạng: {', '.join(unknown)}. Dùng: {', '.join(KEYS)}."
        )
    return [KEYS[n] for n in names]


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


@dataclass(frozen=True)
class GroupRules:
    """How units are ranked for the group prizes (configuration, not code)."""

    prizes: int = 3
    """How many units win a group prize."""
    min_roster: int = 10
    """Units with fewer members on the roster are listed but not ranked for a prize."""
    by: str = "participation"
    """``participation`` (rate first, then average score) or ``average`` (the other way)."""
