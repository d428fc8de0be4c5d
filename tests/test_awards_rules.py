"""Award criteria: each point rule, each threshold edge, and a config that does not add up."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from hoctap.awards.criteria import load_criteria, parse_criteria
from hoctap.awards.levels import classify, to_next
from hoctap.awards.points import Linear, Steps, YesNo, points_for
from hoctap.errors import HoctapError
from tests.support.awards import TT22

RULES = [
    (Linear(0, 100, 10), 0, 0.0),
    (Linear(0, 100, 10), 50, 5.0),
    (Linear(0, 100, 10), 100, 10.0),
    (Linear(0, 100, 10), 130, 10.0),
    (Linear(50, 100, 5), 40, 0.0),
    (Linear(50, 100, 5), 75, 2.5),
    (Linear(0, 100, 10), 33.333, 3.33),
    (Steps(((50, 5), (80, 10))), 49.99, 0.0),
    (Steps(((50, 5), (80, 10))), 50, 5.0),
    (Steps(((50, 5), (80, 10))), 80, 10.0),
    (YesNo(10), 1, 10.0),
    (YesNo(10), 0, 0.0),
    (YesNo(10), None, 0.0),
    (Linear(0, 100, 10), math.nan, 0.0),
]


@pytest.mark.parametrize("rule, value, points", RULES)
def test_each_point_rule(rule, value, points: float) -> None:
    assert points_for(rule, value) == points


@pytest.mark.parametrize(
    "total, level",
    [(100, "Tốt"), (85.0, "Tốt"), (84.99, "Khá"), (70, "Khá"), (69.99, "Trung bình"),
     (50, "Trung bình"), (49.99, "Không đạt"), (0, "Không đạt")],
)  # fmt: skip
def test_classification_at_each_threshold(total: float, level: str) -> None:
    assert classify(total) == level


def test_how_far_from_the_next_level() -> None:
    assert to_next(81) == ("Tốt", 4.0)
    assert to_next(69.5) == ("Khá", 0.5)
    assert to_next(10) == ("Trung bình", 40.0)
    assert to_next(90) is None


def test_the_default_criteria_follow_the_circular() -> None:
    criteria = load_criteria(TT22)
    assert [(g.key, g.points) for g in criteria.groups] == [
        ("dieu_kien", 30), ("ket_qua_hoc_tap", 30), ("tac_dong", 40),
    ]  # fmt: skip
    assert all(i.note for i in criteria.indicators)
    assert "ke_hoach_hoc_tap" in criteria.self_keys
    assert len(criteria.digest) == 64


GOOD = (Path(__file__).resolve().parents[1] / "grading" / "awards" / f"{TT22}.yaml").read_text(
    "utf-8"
)
BAD = {
    "indicators that do not add up to the group": (
        ("rule: {yes_no: 10}", "rule: {yes_no: 9}", 1),
        "các chỉ số cộng lại 29 điểm, không bằng 30",
    ),
    "groups that do not add up to 100": (("points: 40", "points: 45", 1), "tổng phải là 100"),
    "an unknown measure": (
        ("measure: self:ke_hoach_hoc_tap", "measure: tien_do", 1),
        "'tien_do' không có",
    ),
    "a threshold out of range": (("Tốt: 85", "Tốt: 185", 1), "levels: ngưỡng phải giảm dần"),
    "thresholds out of order": (("Khá: 70", "Khá: 90", 1), "levels: ngưỡng phải giảm dần"),
    "an unknown rule": (("rule: {yes_no: 10}", "rule: {maybe: 10}", 1), "không có kiểu 'maybe'"),
}


@pytest.mark.parametrize("change, message", BAD.values(), ids=BAD.keys())
def test_a_config_with_a_mistake_is_refused(change, message: str) -> None:
    old, new, count = change
    assert old in GOOD
    with pytest.raises(HoctapError) as caught:
        parse_criteria(GOOD.replace(old, new, count))
    assert message in caught.value.message, caught.value.message


def test_scoring_explains_every_point_and_ranks_within_kind() -> None:
    import pandas as pd

    from hoctap.awards.scoring import score_units

    criteria = load_criteria(TT22)
    full = {
        i.key: (1 if i.rule.__class__.__name__ == "YesNo" else 100) for i in criteria.indicators
    }
    full["kinh_phi_thiet_bi"] = 10
    units = pd.DataFrame(
        [
            {"code": "a", "name": "Xã A", "kind": "xa_phuong", **full},
            {"code": "b", "name": "Xã B", "kind": "xa_phuong", **full, "cong_dan_hoc_tap": 40},
            {"code": "c", "name": "Sở C", "kind": "so_nganh", **full, "cong_dan_hoc_tap": 40},
            {"code": "d", "name": "Xã D", "kind": "xa_phuong", **full, "ke_hoach_hoc_tap": None},
        ]
    )
    scored = score_units(units, criteria).set_index("code")
    assert scored.loc["a", "total"] == 100 and scored.loc["a", "level"] == "Tốt"
    assert scored.loc["b", "total"] == 85.0 and scored.loc["b", "level"] == "Tốt"
    assert (
        scored.loc["d", "total"] == 90.0 and "kế hoạch cho thành viên" in scored.loc["d", "missing"]
    )
    for code, row in scored.iterrows():  # the points shown add up to the total, on every unit
        shown = sum(row[f"{i.key}:points"] for i in criteria.indicators)
        assert round(shown, 2) == row["total"], code
    assert (scored.loc["a", "rank_all"], scored.loc["a", "rank_kind"]) == (1, 1)
    assert (scored.loc["b", "rank_all"], scored.loc["c", "rank_all"]) == (3, 3)  # a tie overall
    assert (scored.loc["b", "rank_kind"], scored.loc["c", "rank_kind"]) == (3, 1)
