"""The criteria the award tests score with, by name, so they hold whatever the default is."""

from __future__ import annotations

from hoctap.awards.selection import Selection, select_criteria

TT22 = "thong-tu-22-2020"


def tt22(period: int = 2026) -> Selection:
    """Thông tư 22/2020's criteria for every unit (as ``--criteria thong-tu-22-2020``)."""
    return select_criteria(TT22, period)
