"""A contest ranked by its rules, as tables to show: one row per counted entry, and the units'
group table. Shared by ``hoctap contest rank-forms`` and the platform's own contests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from hoctap.contest.cells import by_distinct
from hoctap.contest.groups import group_standings
from hoctap.contest.prizes import award
from hoctap.contest.ranking import prediction_distance, prediction_truth, rank_entries
from hoctap.contest.rules import (
    DEFAULT_LEVELS,
    DEFAULT_ORDER,
    PREDICT_TOTAL,
    GroupRules,
    TieFlag,
    rank_keys,
)
from hoctap.errors import HoctapError

COLUMNS = [
    "Hạng",
    "Họ và tên",
    "Đơn vị",
    "Số câu đúng",
    "Dự đoán",
    "Chênh lệch dự đoán",
    "Thời điểm nộp",
    "Giải",
]


GROUP_COLUMNS = [
    "Hạng",
    "Đơn vị",
    "Số người dự thi",
    "Số thành viên",
    "Tỷ lệ tham gia (%)",
    "Số câu đúng trung bình",
    "Giải",
]


TIME_FORMAT = "%d/%m/%Y %H:%M:%S"
"""How a submission time is shown in the tables."""
DUPLICATE_COLUMNS = ["Số điện thoại", "Họ và tên", "Số lần nộp", "Lần được tính", "Các lần nộp"]


@dataclass(frozen=True)
class RankingRules:
    """How a contest is ranked (a Forms export or the platform's own); every field has the
    published rules' default."""

    predict: str = PREDICT_TOTAL
    """What the prediction question asks: ``total`` participants or ``perfect`` scorers."""
    prediction_column: str | None = None
    """The prediction question's header, when it does not contain "dự đoán"."""
    keep: str = "first"
    """Of several entries from one phone number: ``first`` (earliest), ``last`` or ``best``."""
    levels: Sequence[tuple[str, int]] = DEFAULT_LEVELS
    min_score: float | None = None
    order: Sequence[str] = DEFAULT_ORDER
    date_order: str | None = None
    """``dmy`` or ``mdy``; None: as the headers' language implies, checked against the data."""
    ignore_columns: Sequence[str] = ()
    """Headers to read past (neither question nor detail), as given with --ignore-column."""
    groups: GroupRules | None = None
    """Rank units for the group prizes too."""


@dataclass
class RankedContest:
    """A ranked contest (a Forms export or the platform's own), ready to print or save."""

    ranking: pd.DataFrame
    """The ``COLUMNS``, one row per counted entry, in rank order."""
    truth: int
    """The prediction's true value, computed from the counted entries."""
    predict: str
    questions: list[str]
    duplicates: pd.DataFrame
    """The ``DUPLICATE_COLUMNS``, one row per phone number that sent more than one entry."""
    flags: list[TieFlag]
    blank_predictions: int
    groups: pd.DataFrame | None = None
    group_flags: list[TieFlag] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Things the organisers should check (Vietnamese): answers that match no response, …"""
    entrants: pd.Series | None = None
    """Per ranking row, the entry's ``entrant`` (a platform contest's entrant id), when given."""


@dataclass(frozen=True)
class Roster:
    """Units' member counts for the group prizes, by unit key (``hoctap.people.units.unit_key``)."""

    members: dict[str, int]
    names: dict[str, str]
    """Each unit key's name as the roster writes it, to show units nobody entered from."""


def rank_table(
    entries: pd.DataFrame,
    full_score: float,
    questions: list[str],
    rules: RankingRules,
    roster: Roster | None = None,
    notes: list[str] | None = None,
    duplicates: pd.DataFrame | None = None,
    score_label: str = "Số câu đúng",
) -> RankedContest:
    """Rank one entry per participant by the rules: the part ``rank-forms`` and the platform's
    own contests share.

    ``entries`` has ``name``, ``unit``, ``score``, ``prediction``, ``submitted``, ``shown_time``
    and, when known, ``duration`` (seconds).
    """
    try:
        keys = rank_keys(rules.order)
    except ValueError as error:
        raise HoctapError(str(error)) from None
    notes = notes if notes is not None else []
    entries = entries.copy()
    truth = prediction_truth(rules.predict, entries["score"], full_score)
    entries["prediction_distance"] = prediction_distance(entries["prediction"], truth)
    ranked = rank_entries(entries, keys)
    prizes, flags = award(ranked["rank"], rules.levels, ranked["score"], rules.min_score)
    given = ranked["prediction"].notna()
    ranked = ranked.reset_index(drop=True)
    columns: dict[str, object] = {
        "Hạng": ranked["rank"],
        "Họ và tên": ranked["name"],
        "Đơn vị": ranked["unit"],
        score_label: ranked["score"],
    }
    if "duration" in ranked:
        columns["Thời gian làm bài (giây)"] = _shown(ranked["duration"])
    columns |= {
        "Dự đoán": _shown(ranked["prediction"]),
        "Chênh lệch dự đoán": _shown(ranked["prediction_distance"]),
        "Thời điểm nộp": ranked["shown_time"],
        "Giải": prizes.reset_index(drop=True),
    }
    table = pd.DataFrame(columns)
    result = RankedContest(
        ranking=table,
        truth=truth,
        predict=rules.predict,
        questions=questions,
        duplicates=duplicates
        if duplicates is not None
        else pd.DataFrame(columns=DUPLICATE_COLUMNS),
        flags=flags,
        blank_predictions=int((~given).sum()),
        notes=notes,
    )
    if "entrant" in ranked:
        result.entrants = ranked["entrant"].reset_index(drop=True)
    if rules.groups is not None:
        result.groups, result.group_flags = _groups(ranked, roster, rules.groups)
        groups = result.groups
        over = (groups["Số người dự thi"] > groups["Số thành viên"]).fillna(False)
        overfull = groups[over.astype(bool)]
        for unit, taking, members in overfull[
            ["Đơn vị", "Số người dự thi", "Số thành viên"]
        ].itertuples(index=False):
            notes.append(
                f"Đơn vị {unit}: {taking} người dự thi, nhiều hơn số thành viên ({members}) trong "
                "danh sách: kiểm tra lại danh sách đơn vị."
            )
    return result


def _shown(values: pd.Series) -> pd.Series:
    """Whole numbers for the table, halves rounded up (2.5 -> 3), blanks kept blank."""
    return np.floor(values + 0.5).astype("Int64")


def _groups(
    ranked: pd.DataFrame, roster: Roster | None, rules: GroupRules
) -> tuple[pd.DataFrame, list[TieFlag]]:
    from hoctap.people.units import unit_key

    keys = by_distinct(ranked["unit"], lambda u: unit_key(str(u)) or "", "object")
    names = pd.Series(ranked["unit"].to_numpy()).groupby(keys).agg(lambda s: s.mode().iloc[0])
    members = roster.members if roster is not None else None
    standings, flags = group_standings(pd.Series(keys), ranked["score"], members, rules)
    display = {**(roster.names if roster is not None else {}), **names.to_dict()}
    table = pd.DataFrame(
        {
            "Hạng": standings["rank"].astype("Int64").reset_index(drop=True),
            "Đơn vị": [display.get(k) or k or "(không ghi đơn vị)" for k in standings["unit"]],
            "Số người dự thi": standings["participants"].to_numpy(),
            "Số thành viên": standings["members"].astype("Int64").reset_index(drop=True),
            "Tỷ lệ tham gia (%)": (standings["rate"] * 100).round(1).to_numpy(),
            "Số câu đúng trung bình": standings["average"].round(2).to_numpy(),
            "Giải": standings["prize"].to_numpy(),
        }
    )
    return table, flags
