"""Ranking entries by the published rules: ordered keys, competition ranking, the prediction.

The rules ("thể lệ") rank by most correct answers, then the prediction closest to the true value,
then the shortest time, then the earliest submission; entries equal on every key share a rank and
the next rank skips (1, 2, 2, 4). A blank prediction ranks after every given one. The order of
the keys is each contest's choice.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from hoctap.contest.rules import (
    PREDICT_PERFECT,
    PREDICT_TOTAL,
    PREDICTIONS,
    RankKey,
)


def prediction_truth(kind: str, scores: pd.Series, full_score: float) -> int:
    """The prediction's true value, from the entries themselves (after duplicates are dropped)."""
    if kind == PREDICT_TOTAL:
        return len(scores)
    if kind == PREDICT_PERFECT:
        return int((scores.round(6) >= round(full_score, 6)).sum())
    raise ValueError(f"Câu dự đoán chỉ có: {', '.join(PREDICTIONS)}.")


def prediction_distance(predictions: pd.Series, truth: float) -> pd.Series:
    """How far each prediction is from the truth; NaN (ranked last) for a blank one."""
    return (pd.to_numeric(predictions, errors="coerce") - truth).abs()


def _sortable(column: pd.Series) -> pd.Series:
    # Floats are rounded so sums like 0.1 + 0.2 tie with 0.3, as a person reading scores expects.
    if pd.api.types.is_float_dtype(column):
        return column.round(6)
    return column


def rank_entries(entries: pd.DataFrame, keys: Sequence[RankKey]) -> pd.DataFrame:
    """The entries sorted by the keys, with a ``rank`` column (competition ranking).

    A key whose column is absent, or empty in every entry, is skipped: a Google Forms export has
    no duration. Entries equal on every key keep their input order and share a rank.
    """
    used = [k for k in keys if k.column in entries and entries[k.column].notna().any()]
    if not used or entries.empty:
        ranked = entries.copy()
        ranked["rank"] = np.ones(len(entries), dtype=np.int64)
        return ranked
    values = pd.DataFrame({f"_k{i}": _sortable(entries[k.column]) for i, k in enumerate(used)})
    order = values.sort_values(
        list(values.columns),
        ascending=[not k.descending for k in used],
        na_position="last",
        kind="stable",
    ).index
    ranked = entries.loc[order].copy()
    sorted_values = values.loc[order]
    # An entry starts a new rank when any key differs from the entry before it (NaN equals NaN).
    new = np.zeros(len(ranked), dtype=bool)
    new[0] = True
    for name in sorted_values.columns:
        column = sorted_values[name]
        current, previous = column.iloc[1:].to_numpy(), column.iloc[:-1].to_numpy()
        both_missing = pd.isna(current) & pd.isna(previous)
        differs = ~both_missing & ((current != previous) | pd.isna(current) | pd.isna(previous))
        new[1:] |= differs
    positions = np.arange(1, len(ranked) + 1)
    ranked["rank"] = np.maximum.accumulate(np.where(new, positions, 0))
    return ranked
