"""Units' self-assessment sheets: all or nothing, every bad cell by row and column."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from hoctap.awards.selfassessment import import_self_assessment
from hoctap.cli import app
from hoctap.db import Database
from hoctap.db.models import SelfAssessment
from hoctap.errors import ImportRejected
from tests.support.awards import tt22
from tests.support.sheets import SELF_ASSESSMENT_HEADER as HEADER
from tests.support.sheets import write_xlsx


def lines(db: Database) -> dict[tuple[int, int, str], float]:
    with db.session() as session:
        rows = session.scalars(select(SelfAssessment)).all()
        return {(r.unit_id, r.period, r.key): r.value for r in rows}


def test_a_good_sheet_is_imported_and_a_blank_cell_stays_missing(db: Database, tmp_path: Path):
    rows = [
        ("UBND xã Hưng Đạo", 2026, "Có", "x", 8, "95%", 80),
        ("Sở Y tế", 2026, "Không", "Có", "", 60, "70,5"),
    ]
    path = write_xlsx(tmp_path / "tu-danh-gia.xlsx", rows, header=HEADER)
    report = import_self_assessment(db, path, tt22())
    assert (report.units, report.lines, report.period) == (2, 9, 2026)
    saved = lines(db)
    assert sorted(v for (_, _, k), v in saved.items() if k == "ke_hoach_hoc_tap") == [0.0, 1.0]
    assert sorted(v for (_, _, k), v in saved.items() if k == "cong_dan_hoc_tap") == [70.5, 80.0]
    # The same sheet again replaces, it does not add.
    import_self_assessment(db, path, tt22())
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(SelfAssessment)) == 9


def test_bad_cells_are_listed_and_nothing_is_written(db: Database, tmp_path: Path) -> None:
    rows = [
        ("Xã Không Có Thật", 2026, "Có", "Có", 5, 50, 50),
        ("Sở Y tế", 2026, "có lẽ", "Có", 12, 150, "nhiều"),
        ("Sở Tài chính", 2026, "Có", "Có", 5, 50, 50),
    ]
    path = write_xlsx(tmp_path / "tu-danh-gia.xlsx", rows, header=HEADER)
    with pytest.raises(ImportRejected) as caught:
        import_self_assessment(db, path, tt22())
    found = {(p.row, p.column): p for p in caught.value.problems}
    assert (2, "Đơn vị") in found and "không tìm thấy đơn vị" in found[(2, "Đơn vị")].message
    assert "Có hoặc Không" in found[(3, HEADER[2])].hint
    assert "từ 0 đến 10" in found[(3, HEADER[4])].hint
    assert "từ 0 đến 100" in found[(3, HEADER[5])].hint
    assert "Ghi một số" in found[(3, HEADER[6])].hint
    assert lines(db) == {}


def test_the_command_reports_rows(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "tu-danh-gia.xlsx", [("Sở Y tế", 2026, "hmm", "Có", 5, 5, 5)],
                      header=HEADER)  # fmt: skip
    result = CliRunner().invoke(app, ["awards", "import-self-assessment", str(path)])
    assert result.exit_code == 1 and "Dòng 2" in result.output and "Traceback" not in result.output


def test_demo_self_assessments_spread_and_leave_real_sheets_alone(db: Database, tmp_path: Path):
    from hoctap.awards.report import award_table
    from hoctap.awards.selfassessment import DEMO_SOURCE, seed_demo_self_assessments

    criteria = tt22()
    import_self_assessment(
        db, write_xlsx(tmp_path / "t.xlsx", [("Sở Y tế", 2026, "Không", "Không", 0, 0, 0)],
                       header=HEADER), criteria,
    )  # fmt: skip
    written = seed_demo_self_assessments(db, criteria, 2026)
    assert written > 0 and seed_demo_self_assessments(db, criteria, 2026) == 0  # once only
    table = award_table(db, criteria, 2026)
    assert table[table["Đơn vị"] == "Sở Y tế"].iloc[0]["Tổng điểm"] == 0  # the real sheet stands
    assert {"Khá", "Trung bình", "Không đạt"} <= set(table["Xếp loại"])
    assert (table["Chưa có số liệu"] != "").any()
    with db.session() as session:
        sources = set(session.scalars(select(SelfAssessment.source)))
    assert DEMO_SOURCE in sources
