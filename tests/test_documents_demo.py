"""The organiser's two commands on the demo data: the year's report (PDF and xlsx) and every
certificate, checked against the database, and the workbook opened by LibreOffice.

Slow: the demo releases the eight modules with nbgrader, and LibreOffice starts once.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from typer.testing import CliRunner

from hoctap.awards.selfassessment import seed_demo_self_assessments
from hoctap.cli import app
from hoctap.contest.catalog import find_contest
from hoctap.contest.results import contest_results, database_roster
from hoctap.db.models import Person
from hoctap.demo.activity import DEMO_CONTEST, seed_demo_activity
from hoctap.demo.people import seed_demo
from hoctap.documents.certificate_pdf import SAMPLE_NOTE
from hoctap.documents.official import date_line
from hoctap.grading.course import module_ids, status
from hoctap.grading.gradebook import graded_submissions
from hoctap.people.units import open_province_database
from hoctap.settings import ZONE, Settings
from tests.support.awards import tt22
from tests.support.documents import pdf_pages
from tests.support.sheets import libreoffice_csv

pytestmark = pytest.mark.slow
NOW = datetime(2026, 12, 20, 3, 0, tzinfo=UTC)
runner = CliRunner()


def _run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_the_years_report_and_every_certificate_from_two_commands(tmp_path: Path) -> None:
    db = open_province_database(Settings.from_env())
    try:
        seed_demo(db, people=60)
        seed_demo_self_assessments(db, tt22(), 2026)
        seed_demo_activity(db, 2026, say=lambda _: None, now=NOW)
        with db.session() as session:
            people = session.scalar(select(func.count()).select_from(Person))
        graded = sum(len(m) for m in graded_submissions(db.settings).values())
        passed = {m: [r for r in status(db.settings, m) if r.passed] for m in module_ids()}
        result = contest_results(db, find_contest(db.settings, DEMO_CONTEST), public=True)
        named = [n for n in result.ranking[result.ranking["Giải"] != ""]["Họ và tên"]
                 if not n.startswith("Thí sinh #")]  # fmt: skip
        winners = int((result.ranking["Giải"] != "").sum())
        groups = contest_results(
            db, find_contest(db.settings, DEMO_CONTEST), groups=True, roster=database_roster(db)
        ).groups  # type: ignore[arg-type]
        assert groups is not None
        group_winners = int((groups["Giải"] != "").sum())
    finally:
        db.close()
    today = date_line("Cao Bằng", datetime.now(ZONE).date())

    pdf, xlsx = tmp_path / "bao-cao-2026.pdf", tmp_path / "bao-cao-2026.xlsx"
    _run("awards", "freeze", "--period", "2026", "--by", "Hội đồng thi đua (mẫu)")
    _run("report", "--period", "2026", "--output", str(pdf))
    _run("report", "--period", "2026", "--format", "xlsx", "--output", str(xlsx))
    text = "\n".join(pdf_pages(pdf))
    assert today in text and "Kết quả thực hiện Kế hoạch truyền thông" in text
    assert named and all(name in text for name in named)  # consenting winners, by name
    assert re.search(rf"Toàn tỉnh\s*{people}\b", text)
    assert "đã được chốt ngày" in text and "Hội đồng thi đua (mẫu)" in text  # the frozen ranking
    assert f"số liệu có {people} học viên mẫu (người giả lập" in text

    sheet = load_workbook(xlsx)["Báo cáo"]
    rows = list(sheet.iter_rows(values_only=True))
    module_total = next(r for r in rows if r[1] == "Cộng" and r[4] is not None)
    assert module_total[4] == graded  # "Đã chấm": every graded submission in the gradebook
    province = next(r for r in rows if r[1] == "Toàn tỉnh")
    assert province[2] == people
    assert today in [c for r in rows for c in r]
    opened = libreoffice_csv(xlsx, tmp_path)  # LibreOffice Calc reads it
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in opened and "Toàn tỉnh" in opened

    out = tmp_path / "giay-chung-nhan"
    said = _run("certificates", "all", "--period", "2026", "--output", str(out))
    for module, records in passed.items():
        files = sorted(p for p in (out / module).glob("*.pdf") if p.name != "tat-ca.pdf")
        assert len(files) == len(records), module
        assert len(pdf_pages(out / module / "tat-ca.pdf")) == len(records)
    prize_files = [p for p in (out / DEMO_CONTEST).glob("*.pdf") if p.name != "tat-ca.pdf"]
    assert len(prize_files) == winners
    group_files = [
        p for p in (out / f"{DEMO_CONTEST}-tap-the").glob("*.pdf") if p.name != "tat-ca.pdf"
    ]
    assert len(group_files) == group_winners
    total = sum(len(r) for r in passed.values()) + winners + group_winners
    assert f"({total} cấp mới" in said.replace(".", "")

    # A certificate's own page names its holder and a code that checks out.
    sample = sorted((out / module_ids()[0]).glob("2026-*.pdf"))[0]
    page = pdf_pages(sample)[0]
    code = re.search(r"Mã xác minh: ([0-9A-Z]{4}-[0-9A-Z]{4})", page)
    assert code is not None
    names = {r.name for r in passed[module_ids()[0]]}
    holder = next(name for name in names if name in page)
    assert SAMPLE_NOTE in page  # a demo person's certificate says it is a sample
    checked = _run("certificates", "verify", code.group(1))
    assert "là GIẤY MẪU" in checked and holder in checked

    first = module_ids()[0]
    unit_code, unit_name = next((r.unit_code, r.unit_name) for r in passed[first])
    mine = [r for r in passed[first] if r.unit_code == unit_code]
    _run("certificates", first, "--unit", unit_code, "--output", str(tmp_path / "don-vi"))
    unit_files = [p for p in (tmp_path / "don-vi").glob("*.pdf") if p.name != "tat-ca.pdf"]
    assert len(unit_files) == len(mine)
    assert all(unit_name in pdf_pages(p)[0] for p in unit_files)
    again = _run("certificates", module_ids()[0], "--output", str(out / module_ids()[0]))
    assert f"Đã in {len(passed[module_ids()[0]])} giấy chứng nhận (0 cấp mới" in again
