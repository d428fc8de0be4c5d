"""The report and the certificates from plain figures: official formatting, totals, wording from
grading/documents.yaml, and the PDF and xlsx files read back."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from hoctap.documents.config import load_documents, parse_documents
from hoctap.documents.figures import (
    AwardFigures,
    AwardRow,
    ContestFigures,
    GroupWinner,
    ModuleInfo,
    ReportFigures,
    UnitInfo,
    Winner,
    Work,
    window,
)
from hoctap.documents.model import Band, Paragraph, Table
from hoctap.documents.official import date_line, number_line, roman
from hoctap.documents.pdf import render_pdf
from hoctap.documents.report import build_report
from hoctap.documents.report_common import unit_progress
from hoctap.documents.report_results import target_value
from hoctap.documents.xlsx import render_xlsx
from hoctap.errors import HoctapError
from tests.support.documents import pdf_pages

TODAY = date(2027, 1, 5)


def test_date_line_pads_days_below_ten_and_the_first_two_months() -> None:
    assert date_line("Cao Bằng", date(2026, 2, 5)) == "Cao Bằng, ngày 05 tháng 02 năm 2026"
    assert date_line("Cao Bằng", date(2026, 11, 28)) == "Cao Bằng, ngày 28 tháng 11 năm 2026"
    assert date_line("Cao Bằng", date(2026, 3, 1)) == "Cao Bằng, ngày 01 tháng 3 năm 2026"
    assert number_line("BC", "STTTT").replace("\u00a0", "") == "Số:/BC-STTTT"
    assert [roman(n) for n in (1, 4, 5, 9, 14)] == ["I", "IV", "V", "IX", "XIV"]


def test_window_is_the_year_unless_narrowed_and_refuses_an_end_before_its_start() -> None:
    assert window(2026, None, None, TODAY).label == "năm 2026"
    narrow = window(None, date(2026, 1, 1), date(2026, 6, 30), TODAY)
    assert narrow.label == "từ ngày 01/01/2026 đến ngày 30/06/2026" and narrow.year == 2026
    assert narrow.holds(datetime(2026, 6, 30, 16, 59, tzinfo=UTC))  # 23:59 in Vietnam
    assert not narrow.holds(datetime(2026, 6, 30, 17, 0, tzinfo=UTC))  # 1 July, 00:00
    with pytest.raises(HoctapError, match="trước ngày bắt đầu"):
        window(None, date(2026, 6, 30), date(2026, 1, 1), TODAY)


def _raw() -> dict[str, object]:
    import yaml

    return dict(yaml.safe_load(Path("grading/documents.yaml").read_text(encoding="utf-8")))


def test_the_shipped_wording_loads_and_a_misspelt_field_is_refused_with_the_fields_to_use() -> None:
    settings = load_documents()
    assert settings.place == "Cao Bằng" and settings.targets
    raw = _raw()
    raw["certificates"]["module"]["lines"][0] = "Đơn vị: {{ ten_don_vi }}"  # type: ignore[index]
    raw["targets"][0]["measure"] = "so_luong"  # type: ignore[index]
    with pytest.raises(HoctapError) as caught:
        parse_documents(raw, "documents.yaml")
    message = caught.value.message
    assert "certificates.module.lines[1]: không có ô '{{ ten_don_vi }}'" in message
    assert "don_vi, ho_ten" in message
    assert "targets[1].measure" in message and "2 chỗ cần sửa" in message


def _figures(unit: UnitInfo | None = None) -> ReportFigures:
    units = (
        UnitInfo("04001", "Xã Hưng Đạo", "xa_phuong"),
        UnitInfo("04002", "Phường Thục Phán", "xa_phuong"),
        UnitInfo("S-GD", "Sở Giáo dục và Đào tạo", "so_nganh"),
    )
    members = {"04001": ("a1", "a2", "a3", "a4"), "04002": ("b1", "b2", "b3"), "S-GD": ("c1", "c2")}
    modules = (ModuleInfo("hp1", "Chủ trương, chính sách", 50), ModuleInfo("hp2", "Học tập số", 50))
    work = (
        Work("a1", "hp1", True, True, 90.0, True),
        Work("a1", "hp2", True, True, 70.0, True),
        Work("a2", "hp1", True, True, 40.0, False),
        Work("a3", "hp1", True, False, None, False),
        Work("b1", "hp1", True, True, 100.0, True),
        Work("b1", "hp2", True, True, 80.0, True),
        Work("c1", "hp2", True, True, 60.0, True),
    )
    contest = ContestFigures(
        name="thi",
        title="Cuộc thi tìm hiểu",
        entrants=5,
        shares=(100.0, 90.0, 80.0, 50.0, 100.0),
        perfect=2,
        prizes=(("Nhất", 1), ("Nhì", 1)),
        winners=(
            Winner("Đặng Thị Ưng", "Xã Hưng Đạo", 10, "Nhất"),
            Winner("Thí sinh #7", "Phường Thục Phán", 10, "Nhì"),
        ),
        groups=(GroupWinner("Xã Hưng Đạo", 3, 75.0, "Giải tập thể"),),
        by_unit={"04001": 3, "04002": 1, "S-GD": 1},
        hidden_names=1,
    )
    awards = AwardFigures(
        (
            AwardRow("04001", "Xã Hưng Đạo", "xa_phuong", 88.5, "Tốt", 1),
            AwardRow("04002", "Phường Thục Phán", "xa_phuong", 45.0, "Không đạt", 3),
            AwardRow("S-GD", "Sở Giáo dục và Đào tạo", "so_nganh", 72.0, "Khá", 2),
        ),
        criteria=("Xã, phường: Mô phỏng theo thang điểm Thông tư 22/2020 (mô phỏng).",),
        simulated=True,
    )
    return ReportFigures(
        window=window(2026, None, None, TODAY),
        units=units if unit is None else tuple(u for u in units if u == unit),
        members=members if unit is None else {unit.code: members[unit.code]},
        modules=modules,
        work=work,
        contests=(contest,),
        awards=awards,
        self_values={"cong_dan_hoc_tap": {"04001": 70.0, "S-GD": 40.0}},
        unit=unit,
    )


def test_units_count_members_who_started_handed_in_and_passed_every_module() -> None:
    progress = {p.unit.code: p for p in unit_progress(_figures())}
    commune = progress["04001"]
    assert (commune.members, commune.started, commune.submitted, commune.completed) == (4, 3, 2, 1)
    assert commune.average == pytest.approx((90 + 70 + 40) / 3, abs=0.05)  # per submission
    assert progress["S-GD"].completed == 0  # passed one of the two modules


def test_targets_are_measured_as_documents_yaml_says() -> None:
    figures = _figures()
    value, how = target_value("recognised_share:xa_phuong", figures)
    assert value == 50.0 and how.startswith("1/2 đơn vị")
    # Self-assessed shares weigh each unit by its members: (70 x 4 + 40 x 2) / 6.
    value, how = target_value("self:cong_dan_hoc_tap", figures)
    assert value == 60.0 and "2 đơn vị" in how


def _blocks(document: object) -> list[object]:
    return [block for section in document.sections for block in section.blocks]  # type: ignore[attr-defined]


def test_the_report_has_the_official_parts_numbered_sections_and_tables_that_add_up() -> None:
    document = build_report(_figures(), load_documents(), TODAY)
    assert (document.parent, document.issuer) == (
        "UBND TỈNH CAO BẰNG",
        "SỞ THÔNG TIN VÀ TRUYỀN THÔNG",
    )
    assert document.date_line == "Cao Bằng, ngày 05 tháng 01 năm 2027"
    assert "năm 2026" in document.subject and document.recipients[0].startswith("UBND tỉnh")
    titles = [s.title for s in document.sections]
    assert [t.split(".")[0] for t in titles] == ["I", "II", "III", "IV", "V"]
    tables = [b for b in _blocks(document) if isinstance(b, Table)]
    assert [t.title.split(".")[0] for t in tables] == [
        f"Bảng {n}" for n in range(1, len(tables) + 1)
    ]
    by_unit = next(t for t in tables if "theo đơn vị" in t.title)
    assert by_unit.grouped and {b.label for b in by_unit.rows if isinstance(b, Band)} == {
        "Xã, phường",
        "Sở, ngành",
    }
    by_module = tables[0]
    assert by_unit.total == ("", "Toàn tỉnh", 9, 5, 4, 2, 22.2, by_module.total[-1])
    assert by_module.total == (
        "",
        "Cộng",
        7,
        6,
        6,
        5,
        "",
        round((90 + 70 + 40 + 100 + 80 + 60) / 6, 1),
    )
    winners = next(
        t for t in tables if t.title.startswith("Bảng") and "Cá nhân đạt giải" in t.title
    )
    assert winners.rows[0][1] == "Đặng Thị Ưng" and "91/2025/QH15" in winners.note
    targets = next(t for t in tables if "chỉ tiêu" in t.title)
    assert [row[-1] for row in targets.rows] == ["Chưa đạt", "Đạt"]
    said = [b.text for b in _blocks(document) if isinstance(b, Paragraph)]
    criteria = next(t for t in said if t.startswith("Bộ tiêu chí đã dùng"))
    assert "Mô phỏng theo thang điểm" in criteria and "không phải điểm theo văn bản" in criteria
    summary = [b.text for b in document.sections[-1].blocks if isinstance(b, Paragraph)]
    assert summary[0].startswith("- Bồi dưỡng: 5/9 học viên (55,6%)")
    assert "dưới 50% học viên tham gia, cần đôn đốc: Phường Thục Phán (33,3%)." in summary[0]


def test_a_report_on_demo_people_says_it_is_a_sample() -> None:
    import dataclasses

    real = build_report(_figures(), load_documents(), TODAY)
    assert not any("học viên mẫu" in line for line in real.text_lines())
    sample = build_report(dataclasses.replace(_figures(), demo_people=9), load_documents(), TODAY)
    first = sample.sections[0].blocks[0]
    assert isinstance(first, Paragraph) and first.note
    assert first.text.startswith("Lưu ý: số liệu có 9 học viên mẫu (người giả lập")


def test_a_commune_reports_in_its_own_name() -> None:
    unit = UnitInfo("04001", "Xã Hưng Đạo", "xa_phuong")
    document = build_report(_figures(unit), load_documents(), TODAY)
    assert (document.parent, document.issuer) == ("", "UBND XÃ HƯNG ĐẠO")
    tables = [b for b in _blocks(document) if isinstance(b, Table)]
    winners = next(t for t in tables if "Cá nhân đạt giải" in t.title)
    assert [row[1] for row in winners.rows] == ["Đặng Thị Ưng"]  # not the other unit's winner


def test_the_pdf_is_a4_portrait_numbered_from_page_two_with_the_text_readable(
    tmp_path: Path,
) -> None:
    import pypdfium2 as pdfium

    path = tmp_path / "bao-cao.pdf"
    render_pdf(build_report(_figures(), load_documents(), TODAY), path)
    pages = pdf_pages(path)
    first = pages[0]
    missing = [
        text
        for text in (
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "Cao Bằng, ngày 05 tháng 01 năm 2027",
            "SỞ THÔNG TIN VÀ",
            "BÁO CÁO",
            "I. KẾT QUẢ BỒI DƯỠNG",
        )
        if text not in first
    ]
    assert missing == [], first
    everything = "\n".join(pages)
    assert "Đặng Thị Ưng" in everything and "Nơi nhận:" in everything
    assert len(pages) >= 2 and pages[1].lstrip().startswith("2")
    assert not first.lstrip().startswith("1")
    document = pdfium.PdfDocument(str(path))
    width, height = document[0].get_size()
    document.close()
    assert (round(width), round(height)) == (595, 842)


def test_the_workbook_prints_on_a4_portrait_with_merged_titles_and_numbers_as_numbers(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bao-cao.xlsx"
    render_xlsx(build_report(_figures(), load_documents(), TODAY), path)
    book = load_workbook(path)
    assert book.sheetnames == ["Báo cáo", "Chi tiết theo học phần"]
    sheet = book["Báo cáo"]
    values = [c.value for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in values
    assert "Cao Bằng, ngày 05 tháng 01 năm 2027" in values
    merged = {str(r) for r in sheet.merged_cells.ranges}
    group_title = next(
        c for row in sheet.iter_rows() for c in row if c.value == "Số học viên tham gia"
    )
    assert any(r.startswith(group_title.coordinate + ":") for r in merged)
    total = next(row for row in sheet.iter_rows(values_only=True) if row[1] == "Toàn tỉnh")
    assert total[2:6] == (9, 5, 4, 2)  # numbers, not text
    assert sheet.page_setup.orientation == "portrait" and int(sheet.page_setup.paperSize) == 9
    assert "&P" in sheet.oddFooter.center.text
    detail = book["Chi tiết theo học phần"]
    assert detail.max_row == 1 + 3 * 2  # a row per unit and module


BAD_COMMANDS = {
    "an unknown report format": (
        ["report", "-o", "{out}/x.doc"],
        "Thêm --format pdf hoặc --format xlsx.",
    ),
    "a date that is not one": (
        ["report", "-o", "{out}/x.pdf", "--from", "31/31/2026"],
        "dạng 31/12/2026",
    ),
    "an unknown unit": (
        ["report", "-o", "{out}/x.pdf", "--unit", "Không Có"],
        "Không tìm thấy đơn vị",
    ),
    "an unknown module": (["certificates", "khong-co"], "Hoặc 'all' để cấp tất cả."),
    "verify without a code": (["certificates", "verify"], "Thiếu mã xác minh."),
    "verify with a bad code": (["certificates", "verify", "12"], "không phải mã xác minh"),
}


@pytest.mark.parametrize(("argv", "said"), BAD_COMMANDS.values(), ids=BAD_COMMANDS.keys())
def test_the_commands_say_what_to_fix_and_write_nothing_on_bad_input(
    tmp_path: Path, argv: list[str], said: str
) -> None:
    from typer.testing import CliRunner

    from hoctap.cli import app

    out = tmp_path / "out"
    args = [a.format(out=out) for a in argv]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1 and said in result.output, (args, result.output)
    assert "Traceback" not in result.output
    assert not out.exists()


def test_certificates_for_all_with_nobody_passed_say_so(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from hoctap.cli import app

    out = tmp_path / "out"
    empty = CliRunner().invoke(app, ["certificates", "all", "-o", str(out / "gcn")])
    assert empty.exit_code == 0 and "Chưa có ai đạt" in empty.output
