"""How an indicator's value becomes points: linear between bounds, threshold steps, yes/no.

Pure functions, each saying in Vietnamese how it decided, so a judge can read why a unit got the
points it got. A missing value (no self-assessment sent) earns nothing and says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from hoctap.text import format_decimal


@dataclass(frozen=True)
class Linear:
    """``points`` at ``high`` or above, 0 at ``low`` or below, proportionally in between."""

    low: float
    high: float
    points: float

    def score(self, value: float) -> float:
        if value <= self.low:
            return 0.0
        if value >= self.high:
            return self.points
        return self.points * (value - self.low) / (self.high - self.low)

    def describe(self) -> str:
        return (
            f"tỷ lệ thuận: {format_decimal(self.low)} → 0 điểm, "
            f"{format_decimal(self.high)} trở lên → {format_decimal(self.points)} điểm"
        )


@dataclass(frozen=True)
class Steps:
    """The points of the highest threshold the value reaches (thresholds ascending)."""

    steps: tuple[tuple[float, float], ...]
    """(threshold, points) pairs: a value ≥ threshold earns points."""

    def score(self, value: float) -> float:
        earned = 0.0
        for threshold, points in self.steps:
            if value >= threshold:
                earned = points
        return earned

    def describe(self) -> str:
        return "theo mức: " + "; ".join(
            f"từ {format_decimal(t)} → {format_decimal(p)} điểm" for t, p in self.steps
        )


@dataclass(frozen=True)
class YesNo:
    """``points`` when the unit has it (value 1), nothing otherwise."""

    points: float

    def score(self, value: float) -> float:
        return self.points if value >= 1 else 0.0

    def describe(self) -> str:
        return f"có → {format_decimal(self.points)} điểm, không → 0"


Rule = Linear | Steps | YesNo


def most(rule: Rule) -> float:
    """The most points a rule can give."""
    if isinstance(rule, Steps):
        return max((p for _, p in rule.steps), default=0.0)
    return rule.points


def points_for(rule: Rule, value: float | None) -> float:
    """The points a value earns; a missing value earns 0 (and is shown as missing)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return 0.0
    return round(rule.score(value), 2)
