"""What the platform measures per unit, and the award table built from it and self-assessments."""

from __future__ import annotations

import math
from pathlib import Path

from typer.testing import CliRunner

from hoctap.awards.measures import contest_measures, module_measures
from hoctap.awards.report import FIXED_COLUMNS, award_table
from hoctap.awards.selfassessment import import_self_assessment
from hoctap.cli import app
from hoctap.db import Database
from tests.support.awards import tt22
from tests.support.sheets import SELF_ASSESSMENT_HEADER as HEADER
from tests.support.sheets import write_xlsx

MEMBERS = {"a1": "A", "a2": "A", "a3": "A", "a4": "A", "b1": "B", "c1": "C"}
MARKS = {"hp1": 50.0, "hp2": 50.0}


def test_module_completion_and_average_per_unit() -> None:
    scores = {
        "a1": {"hp1": (8, 10), "hp2": (6, 10)},  # passed both: 70 %
        "a2": {"hp1": (8, 10), "hp2": (4, 10)},  # failed hp2: 60 %
        "a3": {"hp1": (10, 10)},  # hp2 not done: 100 %
        "b1": {"hp1": (5, 10), "hp2": (5, 10)},  # exactly the pass mark: passed
    }
    measured = module_measures(scores, MEMBERS, MARKS)
    assert measured["A"]["modules_completed"] == 25.0  # 1 of 4 members
    assert measured["A"]["module_average"] == (70 + 60 + 100) / 3  # a4 has nothing graded
    assert measured["B"] == {"modules_completed": 100.0, "module_average": 50.0}
    assert measured["C"]["modules_completed"] == 0.0 and math.isnan(measured["C"]["module_average"])


def test_contest_participation_and_average_per_unit() -> None:
    measured = contest_measures({"a1": 80.0, "a2": 60.0, "c1": 100.0}, MEMBERS)
    assert measured["A"] == {"contest_participation": 50.0, "contest_average": 70.0}
    assert measured["B"]["contest_participation"] == 0.0
    assert math.isnan(measured["B"]["contest_average"])


def test_the_award_table_adds_up_and_shows_what_is_missing(db: Database, tmp_path: Path) -> None:
    criteria = tt22()
    rows = [("Xã Hưng Đạo", 2026, "Có", "Có", 10, 100, 100), ("Sở Y tế", 2026, "Có", "", 5, 50, 50)]
    import_self_assessment(db, write_xlsx(tmp_path / "t.xlsx", rows, header=HEADER), criteria)
    table = award_table(db, criteria, 2026)
    assert list(table.columns[: len(FIXED_COLUMNS)]) == FIXED_COLUMNS
    point_columns = [c for c in table.columns if c.endswith("(điểm)")]
    assert len(point_columns) == len(criteria.indicators)
    for row in table.to_dict("records"):  # every unit's points add up to its total
        assert round(sum(row[c] for c in point_columns), 2) == row["Tổng điểm"], row["Đơn vị"]
    top = table.iloc[0]
    assert top["Đơn vị"] == "Xã Hưng Đạo" and top["Hạng chung"] == 1
    assert top["Tổng điểm"] == 30 + 10 + 25  # group 1, self-study plans, "Công dân học tập"
    health = table[table["Đơn vị"] == "Sở Y tế"].iloc[0]
    assert "Có quy định động viên, khuyến khích thành viên học tập" in health["Chưa có số liệu"]
    assert health["Hạng trong loại"] == 1  # the only department with points
    assert "để đạt Trung bình" in health["Còn thiếu để lên mức"]


def test_awards_rank_command_writes_every_indicator(db: Database, tmp_path: Path) -> None:
    out = tmp_path / "xep-loai.csv"
    result = CliRunner().invoke(
        app, ["awards", "rank", "--period", "2026", "--kind", "xa", "-f", "csv", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    header = out.read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("Mã đơn vị,Đơn vị,Loại đơn vị,Tổng điểm,Xếp loại")
    assert "(giá trị)" in header and "(điểm)" in header
    assert out.read_text(encoding="utf-8-sig").count("\n") == 57  # the header and 56 communes


def test_a_frozen_ranking_stands_when_the_data_changes(db: Database, tmp_path: Path) -> None:
    from hoctap.awards.snapshots import diff, freeze, latest

    criteria = tt22()
    sheet = tmp_path / "t.xlsx"
    import_self_assessment(
        db, write_xlsx(sheet, [("Xã Hưng Đạo", 2026, "Có", "Có", 10, 100, 100)], header=HEADER),
        criteria,
    )  # fmt: skip
    frozen = freeze(db, criteria, 2026, "Trưởng ban giám khảo")
    top = frozen.table.iloc[0]
    assert (top["Đơn vị"], top["Tổng điểm"]) == ("Xã Hưng Đạo", 65.0)
    # The unit's self-assessment is corrected after the freeze: the snapshot does not move.
    import_self_assessment(
        db, write_xlsx(sheet, [("Xã Hưng Đạo", 2026, "Không", "Có", 10, 100, 100)], header=HEADER),
        criteria,
    )  # fmt: skip
    again = latest(db, 2026)
    assert again.table.iloc[0]["Tổng điểm"] == 65.0 and again.frozen_by == "Trưởng ban giám khảo"
    assert again.criteria_digest == criteria.digest
    _, changes = diff(db, criteria, 2026)
    assert {"Mã đơn vị": top["Mã đơn vị"], "Đơn vị": "Xã Hưng Đạo", "Đã chốt": 65.0,
            "Hiện nay": 55.0, "Thay đổi": "Tổng điểm"} in changes  # fmt: skip
    result = CliRunner().invoke(app, ["awards", "diff", "--period", "2026", "-f", "csv"])
    assert result.exit_code == 0 and "Xã Hưng Đạo" in result.output
