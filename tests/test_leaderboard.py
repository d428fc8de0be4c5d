"""The judges' leaderboard, driven in-process: filters, a unit's breakdown, the Excel export."""

from __future__ import annotations

import base64
import io
from html import escape
from pathlib import Path

from hoctap.apps.leaderboard import Leaderboard, detail_html, filtered
from hoctap.awards.criteria import load_criteria
from hoctap.awards.report import award_table
from hoctap.awards.selfassessment import import_self_assessment
from hoctap.db import Database
from hoctap.errors import HoctapError
from hoctap.grading.policy import load_policy
from tests.support.awards import TT22, tt22
from tests.support.sheets import SELF_ASSESSMENT_HEADER as HEADER
from tests.support.sheets import write_xlsx


def board(db: Database, tmp_path: Path) -> Leaderboard:
    criteria = tt22()
    rows = [
        ("Xã Hưng Đạo", 2026, "Có", "Có", 10, 100, 100),
        ("Xã Thông Nông", 2026, "Có", "Không", 5, 50, 60),
        ("Sở Y tế", 2026, "Có", "Có", 10, 90, 90),
    ]
    import_self_assessment(db, write_xlsx(tmp_path / "t.xlsx", rows, header=HEADER), criteria)
    return Leaderboard(award_table(db, criteria, 2026), criteria, 2026)


def test_filters_change_the_table(db: Database, tmp_path: Path) -> None:
    page = board(db, tmp_path)
    # The first view is plain HTML; the widgets stay empty (and hidden) until a change.
    title, table, charts = page.first_view()
    assert "Xã Hưng Đạo" in table and "Sở Y tế" in table and "năm 2026" in title
    assert "đơn vị điểm cao nhất" in charts and page.ranking.value == ""
    page.kind.value = "Sở, ngành"
    assert "display:none !important" in page.ranking.value  # the first view gives way
    assert "Sở Y tế" in page.ranking.value and "Xã Hưng Đạo" not in page.ranking.value
    page.kind.value = "Tất cả"
    page.search.value = "thong nong"
    assert "Xã Thông Nông" in page.ranking.value and "Sở Y tế" not in page.ranking.value
    assert (
        "<table class='hoctap-ranking'>" in page.ranking.value
        and "class='badge'" in page.ranking.value
    )


def test_a_unit_s_breakdown_explains_every_point(db: Database, tmp_path: Path) -> None:
    page = board(db, tmp_path)
    code = page.table[page.table["Đơn vị"] == "Xã Thông Nông"].iloc[0]["Mã đơn vị"]
    page.unit.value = code
    detail = page.detail.value
    criteria = tt22()
    for indicator in criteria.indicators:
        assert escape(indicator.name) in detail  # every indicator, with its rule and document
    assert "Thông tư 22/2020/TT-BGDĐT" in detail and "chưa có số liệu" in detail
    assert "Còn thiếu" in detail and "để đạt Trung bình" in detail
    assert "(mất 10 điểm)" in detail  # where the points were lost, largest first


def test_the_excel_export_reads_back(db: Database, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    page = board(db, tmp_path)
    page.level.value = "Không đạt"
    page.export_view()
    link = page.link.value
    data = base64.b64decode(link.split("base64,", 1)[1].split("'", 1)[0])
    sheet = load_workbook(io.BytesIO(data)).active
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["Mã đơn vị", "Đơn vị", "Loại đơn vị", "Tổng điểm", "Xếp loại"]
    levels = {row[4] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert levels == {"Không đạt"}
    assert sheet.max_row - 1 == len(filtered(page.table, level="Không đạt"))


def test_detail_needs_no_database() -> None:
    criteria = load_criteria(TT22)
    row = {"Đơn vị": "Xã A", "Tổng điểm": 84.0, "Xếp loại": "Khá", "Hạng trong loại": 2,
           "Hạng chung": 3, "Loại đơn vị": "Xã, phường",
           "Còn thiếu để lên mức": "1 điểm để đạt Tốt"}  # fmt: skip
    html = detail_html(row, criteria)
    assert "Còn thiếu 1 điểm để đạt Tốt" in html and "84 điểm" in html


def test_a_unit_s_members_show_names_only_with_consent(db: Database, tmp_path: Path) -> None:
    from sqlalchemy import select

    from hoctap.apps.leaderboard import roster_members
    from hoctap.db.models import Person, Unit
    from hoctap.text import fold

    page = board(db, tmp_path)
    code = page.table[page.table["Đơn vị"] == "Xã Hưng Đạo"].iloc[0]["Mã đơn vị"]
    with db.session() as session:
        unit = session.scalar(select(Unit).where(Unit.code == code))
        assert unit is not None
        for person_code, name, phone, consent in [
            ("hv101", "Nguyễn Văn An", "0912345678", True),
            ("hv102", "Trần Thị Bình", "0987654321", False),
        ]:
            family, *middle, given = name.split()
            session.add(Person(code=person_code, full_name=name, family_name=family,
                               middle_name=" ".join(middle), given_name=given,
                               search_key=fold(name), unit_id=unit.id, phone=phone,
                               consent_publish=consent))  # fmt: skip
    page.members = roster_members(db, 2026)
    page.unit.value = code
    detail = page.detail.value
    assert "Nguyễn Văn An" in detail and "Trần Thị Bình" not in detail and "hv102" in detail
    assert "0912•••678" in detail and "0912345678" not in detail
    modules = len(load_policy().modules)  # every module of grading/policy.yaml, none passed yet
    assert "Học viên (2)" in detail and f"0/{modules}" in detail


def test_choosing_another_year_scores_it_again(db: Database, tmp_path: Path) -> None:
    from hoctap.apps.leaderboard import periods_with_data

    criteria = tt22()
    rows = [("Xã Hưng Đạo", 2025, "Có", "Có", 10, 100, 100)]
    import_self_assessment(db, write_xlsx(tmp_path / "t.xlsx", rows, header=HEADER), criteria)
    years = periods_with_data(db)
    assert 2025 in years
    asked: list[int] = []

    def load(year: int, name: str):
        asked.append(year)
        return award_table(db, criteria, year), None, criteria

    page = Leaderboard(award_table(db, criteria, 2026), criteria, 2026, None, years, load)
    before = float(page.table.loc[page.table["Đơn vị"] == "Xã Hưng Đạo", "Tổng điểm"].iloc[0])
    page.year.value = 2025
    after = float(page.table.loc[page.table["Đơn vị"] == "Xã Hưng Đạo", "Tổng điểm"].iloc[0])
    assert asked == [2025] and after > before and "năm 2025" in page.title.value
    page.reload.click()
    assert asked == [2025, 2025]

    def broken(year: int, name: str):
        raise HoctapError("Sổ điểm không mở được.", "Kiểm tra HOCTAP_GRADEBOOK_URL.")

    page.load = broken
    page.reload.click()  # the page says so and keeps the table it had
    assert "Sổ điểm không mở được." in page.summary.value and not page.table.empty
