"""Ranking by the published rules, prizes and group prizes: table tests on plain data."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from hoctap.contest.groups import group_standings
from hoctap.contest.prizes import award
from hoctap.contest.ranking import prediction_distance, prediction_truth, rank_entries
from hoctap.contest.rules import DEFAULT_LEVELS, DEFAULT_ORDER, GroupRules, parse_levels, rank_keys

NAN = math.nan
T = pd.Timestamp


def entries(rows: list[tuple[str, float, float, float, str]]) -> pd.DataFrame:
    """(name, score, prediction distance, duration in s, submission time) per entry."""
    return pd.DataFrame(
        {
            "name": [r[0] for r in rows],
            "score": [r[1] for r in rows],
            "prediction_distance": [r[2] for r in rows],
            "duration": [r[3] for r in rows],
            "submitted": [T(r[4]) for r in rows],
        }
    )


def ranking(rows: list[tuple[str, float, float, float, str]], order=DEFAULT_ORDER) -> list:
    ranked = rank_entries(entries(rows), rank_keys(order))
    return list(zip(ranked["name"], ranked["rank"], strict=True))


# Each case: the entries, then the expected (name, rank) in rank order.
CASES = {
    "more correct answers first": (
        [("a", 8, 0, 100, "2026-11-01 08:00"), ("b", 9, 50, 900, "2026-11-02 08:00")],
        [("b", 1), ("a", 2)],
    ),
    "same score: the closer prediction": (
        [("a", 9, 12, 100, "2026-11-01 08:00"), ("b", 9, 3, 900, "2026-11-02 08:00")],
        [("b", 1), ("a", 2)],
    ),
    "same score and prediction: the shorter time": (
        [("a", 9, 3, 301, "2026-11-01 08:00"), ("b", 9, 3, 300, "2026-11-02 08:00")],
        [("b", 1), ("a", 2)],
    ),
    "same on three keys: the earlier submission": (
        [("a", 9, 3, 300, "2026-11-01 08:00:01"), ("b", 9, 3, 300, "2026-11-01 08:00:00")],
        [("b", 1), ("a", 2)],
    ),
    "equal on every key: the same rank, the next one skips (1, 2, 2, 4)": (
        [
            ("a", 10, 0, 100, "2026-11-01 08:00"),
            ("b", 9, 3, 300, "2026-11-01 09:00"),
            ("c", 9, 3, 300, "2026-11-01 09:00"),
            ("d", 8, 0, 100, "2026-11-01 07:00"),
        ],
        [("a", 1), ("b", 2), ("c", 2), ("d", 4)],
    ),
    "a blank prediction ranks after every given one": (
        [
            ("blank", 9, NAN, 10, "2026-11-01 07:00"),
            ("far", 9, 5000, 900, "2026-11-03 07:00"),
            ("lower", 8, 0, 10, "2026-11-01 07:00"),
        ],
        [("far", 1), ("blank", 2), ("lower", 3)],
    ),
    "two blank predictions tie on that key": (
        [("a", 9, NAN, 300, "2026-11-01 08:00"), ("b", 9, NAN, 300, "2026-11-01 08:00")],
        [("a", 1), ("b", 1)],
    ),
    "scores that add to the same number tie": (
        [("a", 0.1 + 0.2, 0, 1, "2026-11-01 08:00"), ("b", 0.3, 0, 1, "2026-11-01 08:00")],
        [("a", 1), ("b", 1)],
    ),
}


@pytest.mark.parametrize("rows, expected", CASES.values(), ids=CASES.keys())
def test_ranking_keys_in_order(rows, expected) -> None:
    assert ranking(rows) == expected


def test_the_order_of_keys_is_the_contest_s_choice() -> None:
    rows = [("a", 9, 10, 100, "2026-11-01 08:00"), ("b", 9, 3, 900, "2026-11-02 08:00")]
    assert ranking(rows) == [("b", 1), ("a", 2)]
    assert ranking(rows, ("score", "duration", "prediction")) == [("a", 1), ("b", 2)]
    assert ranking(rows, ("score", "submitted")) == [("a", 1), ("b", 2)]


def test_a_key_without_data_is_skipped() -> None:
    frame = entries([("a", 9, 3, NAN, "2026-11-01 08:01"), ("b", 9, 3, NAN, "2026-11-01 08:00")])
    ranked = rank_entries(frame, rank_keys(DEFAULT_ORDER))
    assert list(ranked["name"]) == ["b", "a"]  # no durations: submission time decides


def test_unknown_key_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match="Không có tiêu chí xếp hạng: speed"):
        rank_keys(["score", "speed"])


@pytest.mark.parametrize(
    "kind, expected", [("total", 5), ("perfect", 2)], ids=["participants", "perfect scorers"]
)
def test_the_prediction_s_true_value_comes_from_the_data(kind: str, expected: int) -> None:
    scores = pd.Series([20, 19, 20, 3, 0])
    assert prediction_truth(kind, scores, full_score=20) == expected


def test_prediction_distance_is_absolute_and_blank_is_missing() -> None:
    distance = prediction_distance(pd.Series([90, 110, None]), 100)
    assert distance.iloc[:2].tolist() == [10, 10] and math.isnan(distance.iloc[2])


def prizes(ranks: list[int], levels=DEFAULT_LEVELS, scores=None, min_score=None):
    given, flags = award(pd.Series(ranks), levels, scores, min_score)
    return given.tolist(), [(f.level, f.rank, f.entries, f.prizes) for f in flags]


PRIZE_CASES = {
    "no ties: counts as set": (
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
        ["Nhất", "Nhì", "Nhì", "Ba", "Ba", "Ba"] + ["Khuyến khích"] * 5 + [""],
        [],
    ),
    "a tie inside a level changes nothing": (
        [1, 2, 2, 4, 5, 6, 7],
        ["Nhất", "Nhì", "Nhì", "Ba", "Ba", "Ba", "Khuyến khích"],
        [],
    ),
    "a tie across the first cut: both get Nhất, flagged": (
        [1, 1, 3, 4, 5],
        ["Nhất", "Nhất", "Nhì", "Ba", "Ba"],
        [("Nhất", 1, 2, 1)],
    ),
    "a tie across the Nhì cut: all three get Nhì": (
        [1, 2, 3, 3, 5],
        ["Nhất", "Nhì", "Nhì", "Nhì", "Ba"],
        [("Nhì", 3, 2, 2)],
    ),
    "a tie across the last cut: all get the prize, none is dropped silently": (
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 11, 11],
        ["Nhất", "Nhì", "Nhì", "Ba", "Ba", "Ba"] + ["Khuyến khích"] * 7,
        [("Khuyến khích", 11, 3, 5)],
    ),
}


@pytest.mark.parametrize("ranks, expected, flags", PRIZE_CASES.values(), ids=PRIZE_CASES.keys())
def test_prizes_by_counts_and_ties_across_a_cut(ranks, expected, flags) -> None:
    assert prizes(ranks) == (expected, flags)


def test_a_minimum_score_bars_every_prize() -> None:
    given, _ = prizes([1, 2, 3], scores=pd.Series([10, 6, 4]), min_score=5)
    assert given == ["Nhất", "Nhì", ""]


def test_a_tie_flag_says_what_to_decide() -> None:
    _, flags = award(pd.Series([1, 1]), [("Nhất", 1)])
    assert flags[0].message == (
        "Giải Nhất: 2 người đồng hạng 1 nên 2 người nhận giải (cơ cấu 1 giải). "
        "Ban tổ chức cần quyết định."
    )


@pytest.mark.parametrize(
    "text, error",
    [
        ("Nhất=1,Nhì", "phải có dạng Tên giải=số giải"),
        ("Nhất=một", "phải là số nguyên"),
        ("Nhất=-1", "không được âm"),
        ("", "Chưa có giải nào"),
    ],
)
def test_prize_levels_are_checked(text: str, error: str) -> None:
    with pytest.raises(ValueError, match=error):
        parse_levels(text)


def test_prize_levels_read_in_order() -> None:
    assert parse_levels("Nhất=1, Nhì=2,Ba=3,Khuyến khích=5") == list(DEFAULT_LEVELS)


def test_group_prizes_by_participation_then_average() -> None:
    units = pd.Series(["a"] * 8 + ["b"] * 5 + ["c"] * 9 + ["d"] * 2)
    scores = pd.Series([10] * 8 + [20] * 5 + [15] * 9 + [20] * 2)
    roster = {"a": 10, "b": 10, "c": 30, "d": 5}
    table, flags = group_standings(units, scores, roster, GroupRules(prizes=2, min_roster=10))
    rows = {r.unit: (r.rank, r.prize, round(r.rate, 2)) for r in table.itertuples()}
    assert rows["a"] == (1, "Giải tập thể", 0.8)  # 8 of 10 took part
    assert rows["b"] == (2, "Giải tập thể", 0.5)
    assert rows["c"] == (3, "", 0.3)
    assert rows["d"][0] is pd.NA and rows["d"][1] == ""  # 5 members: below the minimum
    assert flags == []


def test_group_prizes_by_average_when_the_rules_say_so() -> None:
    units = pd.Series(["a"] * 8 + ["b"] * 5)
    scores = pd.Series([10] * 8 + [20] * 5)
    rules = GroupRules(prizes=1, min_roster=0, by="average")
    table, _ = group_standings(units, scores, {"a": 10, "b": 10}, rules)
    assert table.loc[table["prize"] != "", "unit"].tolist() == ["b"]


def test_group_prizes_without_a_roster_rank_by_average() -> None:
    units = pd.Series(["a", "a", "b"])
    scores = pd.Series([5, 7, 9])
    table, _ = group_standings(units, scores, None, GroupRules(prizes=1))
    assert table["unit"].tolist() == ["b", "a"] and table["prize"].tolist() == ["Giải tập thể", ""]


def test_a_level_left_empty_by_a_tie_above_is_flagged() -> None:
    given, flags = prizes([1, 1, 1, 4], levels=(("Nhất", 1), ("Nhì", 1), ("Ba", 1)))
    assert given == ["Nhất", "Nhất", "Nhất", ""]
    assert flags == [("Nhất", 1, 3, 1), ("Nhì", 0, 0, 1), ("Ba", 0, 0, 1)]
    _, found = award(pd.Series([1, 1, 3]), [("Nhất", 1), ("Nhì", 1)])
    assert "Giải Nhì: không có người nhận" in found[1].message


def test_an_empty_rank_order_is_refused() -> None:
    with pytest.raises(ValueError, match="Cần ít nhất một tiêu chí"):
        rank_keys([])


def test_units_on_the_roster_nobody_entered_from_are_listed() -> None:
    table, _ = group_standings(
        pd.Series(["a", "a"]), pd.Series([5, 6]), {"a": 10, "b": 20, "c": 0}, GroupRules(1, 0)
    )
    rows = {r.unit: (r.participants, r.rate) for r in table.itertuples()}
    assert rows["a"] == (2, 0.2) and rows["b"] == (0, 0.0)
    assert math.isnan(rows["c"][1])  # no members on the roster: no rate, not infinity
