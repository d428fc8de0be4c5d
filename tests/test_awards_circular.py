"""The criteria files against their texts: a self-assessment sheet scored by hand.

Thông tư 22/2020/TT-BGDĐT, Điều 5 gives each line its most points; the hand-made sheets below are
scored line by line here, in the comments, and ``hoctap awards rank`` must give the same points,
criterion by criterion. The province's own "xuất sắc" file adds platform activity on top.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from hoctap.awards.criteria import load_criteria, parse_criteria
from hoctap.awards.scoring import score_units
from hoctap.awards.selection import select_criteria
from hoctap.cli import app
from hoctap.db import Database
from hoctap.errors import HoctapError
from tests.support.awards import TT22
from tests.support.sheets import write_xlsx

FOLDER = Path(__file__).resolve().parents[1] / "grading" / "awards"

# One column per line of the circular's self-assessment, named as the criteria file names them,
# in the order of Điều 5 (khoản 1, 2, 3).
SHEET = ["Đơn vị", "Năm", *(i.name for i in load_criteria(TT22).indicators)]
HEALTH = ("Sở Y tế", 2023, "Có", "Không", 7, 100, 100, 80, 60, 100, "Có", 4)
# By hand, Điều 5:
#   khoản 1 (30): plan 10 + rules 0 + resources 7 (self-scored of 10)          = 17
#   khoản 2 (30): self-study plans 100% 10 + discipline 100% 5
#                 + mandatory training 80% of 10 = 8 + "Lao động tiên tiến" 60% of 5 = 3  = 26
#   khoản 3 (40): "Công dân học tập" 100% 25 + "Tập thể LĐTT" 10 + sharing 4 (of 5)  = 39
#   total 82: Khá (70 to under 85), 3 points short of Tốt.
HEALTH_POINTS = {"dieu_kien": 17, "ket_qua_hoc_tap": 26, "tac_dong": 39}
FINANCE = ("Sở Tài chính", 2023, "Có", "Có", 10, 100, 100, 100, 100, 40, "Không", 0)
# khoản 1: 30; khoản 2: 30; khoản 3: 40% of 25 = 10, no title 0, sharing 0: 10. Total 70: Khá
# exactly at the bound.
FINANCE_POINTS = {"dieu_kien": 30, "ket_qua_hoc_tap": 30, "tac_dong": 10}


def ranked(tmp_path: Path, *extra: str) -> list[dict[str, str]]:
    out = tmp_path / "xep-loai.csv"
    result = CliRunner().invoke(
        app, ["awards", "rank", "--period", "2023", "-f", "csv", "-o", str(out), *extra]
    )
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def points_by_criterion(row: dict[str, str], criteria_name: str) -> dict[str, float]:
    criteria = load_criteria(criteria_name)
    return {
        group.key: round(sum(float(row[f"{i.name} (điểm)"]) for i in group.indicators), 2)
        for group in criteria.groups
    }


@pytest.fixture
def sheets(db: Database, tmp_path: Path) -> Database:
    path = write_xlsx(tmp_path / "tu-danh-gia-2023.xlsx", [HEALTH, FINANCE], header=SHEET)
    result = CliRunner().invoke(app, ["awards", "import-self-assessment", str(path)])
    assert result.exit_code == 0, result.output
    return db


def test_the_default_for_2023_scores_the_sheet_as_the_circular_does(
    sheets: Database, tmp_path: Path
) -> None:
    rows = {r["Đơn vị"]: r for r in ranked(tmp_path)}
    health, finance = rows["Sở Y tế"], rows["Sở Tài chính"]
    assert health["Bộ tiêu chí"] == finance["Bộ tiêu chí"] == TT22
    assert points_by_criterion(health, TT22) == HEALTH_POINTS
    assert (float(health["Tổng điểm"]), health["Xếp loại"]) == (82.0, "Khá")
    assert health["Còn thiếu để lên mức"] == "3 điểm để đạt Tốt"
    assert points_by_criterion(finance, TT22) == FINANCE_POINTS
    assert (float(finance["Tổng điểm"]), finance["Xếp loại"]) == (70.0, "Khá")
    assert (health["Hạng trong loại"], finance["Hạng trong loại"]) == ("1", "2")
    # The mandatory training line is the unit's own figure, not the platform's modules.
    assert (
        health["Thành viên hoàn thành chương trình học tập, bồi dưỡng bắt buộc (%) (giá trị)"]
        == "80.0"
    )


def test_the_table_says_which_criteria_and_text_made_it(sheets: Database, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["awards", "rank", "--period", "2023"])
    assert result.exit_code == 0, result.output
    said = result.stderr
    assert "Thông tư số 22/2020/TT-BGDĐT" in said and "theo văn bản" in said
    assert "Xã, phường: Mô phỏng" in said and "không áp dụng cho UBND xã" in said
    assert "các học phần trên hoctap được tính là chương trình bồi dưỡng bắt buộc: không" in (
        said.lower()
    )
    later = CliRunner().invoke(app, ["awards", "rank", "--period", "2026"])
    assert later.exit_code == 0 and "Thông tư số 24/2023/TT-BGDĐT" in later.stderr
    assert "Xã, phường" in later.stderr.split("Thông tư số 24/2023")[0]  # UBND xã are in its scope
    assert "mô phỏng" in later.stderr and "thong-tu-22-2020.yaml" not in later.stderr


def test_the_province_s_own_award_adds_platform_activity_on_top() -> None:
    own = load_criteria("xuat-sac-tinh")
    circular = load_criteria(TT22)
    assert own.status == "tinh" and own.total == 120 and own.unit_kinds == ()
    assert [g.key for g in own.groups[:3]] == [g.key for g in circular.groups]
    values = dict(zip([i.key for i in circular.indicators],
                      [1, 0, 7, 100, 100, 80, 60, 100, 1, 4], strict=True))  # fmt: skip
    # The platform's measures, on top: modules completed 50% of 5 = 2.5; module average 75%
    # (from 50 to 100) = 2.5; every member took the contest = 5; contest average 80% = 4.
    platform = {"hoc_phan_hoan_thanh": 50, "diem_hoc_phan": 75, "du_thi_tim_hieu": 100,
                "ket_qua_thi": 80}  # fmt: skip
    yes_no = ("ke_hoach_hoc_tap", "quy_dinh_khuyen_khich", "tap_the_tien_tien")
    full = {i.key: (1 if i.key in yes_no else 100) for i in own.indicators}
    full |= {"kinh_phi_thiet_bi": 10, "chia_se_tri_thuc": 5, "diem_hoc_phan": 100}
    units = pd.DataFrame(
        [
            {"code": "yt", "name": "Sở Y tế", "kind": "so_nganh", **values, **platform},
            {"code": "tc", "name": "Sở Tài chính", "kind": "so_nganh", **full},
        ]
    )
    scored = score_units(units, own).set_index("code")
    assert scored.loc["yt", "total"] == 82 + 14 and scored.loc["yt", "level"] == "Không đạt"
    assert scored.loc["tc", "total"] == 120 and scored.loc["tc", "level"] == "Xuất sắc"
    circular_only = score_units(units, circular).set_index("code")
    assert circular_only.loc["yt", "total"] == 82  # the circular's score is unchanged beneath


def test_the_province_may_count_its_modules_as_mandatory_training_only_by_saying_so() -> None:
    text = (FOLDER / f"{TT22}.yaml").read_text(encoding="utf-8")
    default = parse_criteria(text)
    line = next(i for i in default.indicators if i.key == "hoan_thanh_boi_duong")
    assert line.measure == "self:hoan_thanh_boi_duong" and line.chosen_by
    switched = parse_criteria(text.replace("    value: false", "    value: true", 1))
    line = next(i for i in switched.indicators if i.key == "hoan_thanh_boi_duong")
    assert line.measure == "modules_completed"
    assert "hoan_thanh_boi_duong" not in switched.self_keys
    assert switched.digest != default.digest
    assert "chương trình bồi dưỡng bắt buộc: có" in switched.choices[0].describe()


def test_each_kind_has_the_text_in_force_for_the_year() -> None:
    past = select_criteria(None, 2023)
    assert past.for_kind("so_nganh").name == TT22  # type: ignore[union-attr]
    assert past.for_kind("xa_phuong").status == "mo_phong"  # type: ignore[union-attr]
    now = select_criteria(None, 2026)
    assert {c.status for c in now.files} == {"mo_phong"} and now.simulated
    assert all("Mô phỏng" in line for line in now.lines())
    assert not select_criteria(TT22, 2026).simulated
    assert select_criteria("xuat-sac-tinh", 2026).simulated  # not the circular's score
    with pytest.raises(HoctapError) as caught:
        select_criteria("khong-co", 2026)
    assert "thong-tu-22-2020" in caught.value.hint


def test_two_defaults_for_one_kind_and_year_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for path in FOLDER.glob("*.yaml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    second = tmp_path / "xuat-sac-tinh.yaml"
    second.write_text(
        second.read_text(encoding="utf-8").replace("unit_kinds: []", "unit_kinds: [so_nganh]"),
        encoding="utf-8",
    )
    monkeypatch.setenv("HOCTAP_AWARDS", str(tmp_path))
    with pytest.raises(HoctapError) as caught:
        select_criteria(None, 2026)
    assert "Sở, ngành" in caught.value.message and "unit_kinds" in caught.value.hint
    assert select_criteria(None, 1990).unscored  # no file for that year: said, not silent


@pytest.mark.parametrize(
    "old, new, message",
    [
        ("status: van_ban", "status: chinh_thuc", "status: ghi một trong"),
        ("years: {from: 2020, to: 2023}", "years: {from: 2023, to: 2020}", "years: 'to'"),
        ("    value: false", "    value: có lẽ", "value: ghi true"),
        ("{hoc_phan_la_boi_duong_bat_buoc: modules_completed}", "{khac: modules_completed}",
         "không có lựa chọn này"),
    ],
)  # fmt: skip
def test_a_criteria_file_with_a_mistake_says_where(old: str, new: str, message: str) -> None:
    text = (FOLDER / f"{TT22}.yaml").read_text(encoding="utf-8")
    assert old in text
    with pytest.raises(HoctapError) as caught:
        parse_criteria(text.replace(old, new, 1))
    assert message in caught.value.message, caught.value.message


def test_a_simulation_must_say_why(tmp_path: Path) -> None:
    text = (FOLDER / "thong-tu-24-2023-mo-phong.yaml").read_text(encoding="utf-8")
    start = text.index("status_note:")
    end = text.index("extends:")
    with pytest.raises(HoctapError) as caught:
        parse_criteria(text[:start] + text[end:], base=load_criteria(TT22))
    assert "status_note" in caught.value.message


def test_a_frozen_ranking_records_the_criteria_by_name(sheets: Database) -> None:
    from hoctap.awards.snapshots import freeze

    snapshot = freeze(sheets, select_criteria(None, 2023), 2023, "Trưởng ban")
    assert snapshot.criteria_name.startswith("mặc định: ")
    assert TT22 in snapshot.criteria_name
    named = freeze(sheets, select_criteria("xuat-sac-tinh", 2023), 2023, "Trưởng ban")
    assert (
        named.criteria_name == "xuat-sac-tinh" and named.criteria_digest != snapshot.criteria_digest
    )
    result = CliRunner().invoke(app, ["awards", "diff", "--period", "2023"])
    assert result.exit_code == 0 and "xuat-sac-tinh" in result.stderr
    assert not math.isnan(float(named.table.iloc[0]["Tổng điểm"]))


def test_a_sheet_with_the_earlier_column_names_still_reads(db: Database, tmp_path: Path) -> None:
    from hoctap.awards.selfassessment import import_self_assessment

    earlier = ["Đơn vị", "Năm", "Có kế hoạch học tập của đơn vị",
               "Thành viên chấp hành kỷ luật lao động (%)"]  # fmt: skip
    path = write_xlsx(tmp_path / "cu.xlsx", [("Sở Y tế", 2023, "Có", 90)], header=earlier)
    report = import_self_assessment(db, path, select_criteria(TT22, 2023))
    assert (report.units, report.lines) == (1, 2)
