"""Classification by total points: Tốt, Khá, Trung bình, Không đạt (thresholds configurable)."""

from __future__ import annotations

from collections.abc import Sequence

DEFAULT_LEVELS = (("Tốt", 85.0), ("Khá", 70.0), ("Trung bình", 50.0))
"""Thông tư 22/2020/TT-BGDĐT: Tốt 85–100, Khá 70–<85, Trung bình 50–<70, else Không đạt."""
NOT_REACHED = "Không đạt"


def classify(total: float, levels: Sequence[tuple[str, float]] = DEFAULT_LEVELS) -> str:
    """The highest level whose lower bound the total reaches (84.99 is Khá, 85.00 is Tốt)."""
    for name, bound in levels:
        if round(total, 2) >= bound:
            return name
    return NOT_REACHED


def to_next(
    total: float, levels: Sequence[tuple[str, float]] = DEFAULT_LEVELS
) -> tuple[str, float] | None:
    """The next level up and the points still missing, or None at the top."""
    reached = classify(total, levels)
    higher = [(name, bound) for name, bound in levels if bound > round(total, 2)]
    if not higher:
        return None
    name, bound = higher[-1]
    if name == reached:
        return None
    return name, round(bound - total, 2)
