"""Certificates: the page as it looks (a PNG snapshot, with a tolerance), the QR code read back,
issuing and printing again with the same number and code, and checking a code."""

from __future__ import annotations

import dataclasses
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hoctap.db import Database
from hoctap.db.models import Unit
from hoctap.documents.certificate_pdf import (
    ALL_IN_ONE,
    SAMPLE_NOTE,
    file_name,
    render_certificates,
)
from hoctap.documents.certificate_records import (
    CODE_ALPHABET,
    Batch,
    Issued,
    Recipient,
    clean_code,
    shown_code,
)
from hoctap.documents.certificates import issue, verify
from hoctap.documents.config import load_documents
from hoctap.errors import HoctapError

SNAPSHOT = Path(__file__).parent / "snapshots" / "certificate-module.png"
ISSUED = datetime(2026, 12, 5, 3, 0, tzinfo=UTC)


def _item(name: str = "Đặng Thị Hồng Ưng", code: str = "K7PX3QMD") -> Issued:
    return Issued(
        kind="module",
        serial="2026-00012/GCN",
        code=code,
        name=name,
        unit="Xã Hưng Đạo",
        subject_title="Dữ liệu và infographic",
        issued=ISSUED,
        fields={
            "ho_ten": name,
            "don_vi": "Xã Hưng Đạo",
            "nam": 2026,
            "hoc_phan": "Dữ liệu và infographic",
            "diem": "87,5",
        },
    )


def _render(path: Path, scale: float = 1.0) -> object:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    try:
        return document[0].render(scale=scale).to_pil().convert("L")
    finally:
        document.close()


def _text(path: Path) -> str:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def test_codes_are_read_however_they_are_typed() -> None:
    assert clean_code(" k7px-3qmd ") == "K7PX3QMD"
    assert clean_code("O1IL-AAAA") == "0111AAAA"  # letters that look like digits
    assert shown_code("K7PX3QMD") == "K7PX-3QMD"
    assert not set("ILOU") & set(CODE_ALPHABET) and len(CODE_ALPHABET) == 32
    assert file_name(_item()) == "2026-00012-dang-thi-hong-ung.pdf"


def test_a_certificate_page_looks_as_approved(tmp_path: Path) -> None:
    """Compared with tests/snapshots/certificate-module.png: at most 0.05% of the pixels (250) may
    differ noticeably (anti-aliasing, a newer renderer). To approve a deliberate change to the
    layout, run once with HOCTAP_UPDATE_SNAPSHOTS=1 and look at the new picture."""
    from PIL import Image, ImageChops

    files = render_certificates([_item()], load_documents(), tmp_path)
    assert [f.name for f in files] == ["2026-00012-dang-thi-hong-ung.pdf", ALL_IN_ONE]
    page = _render(files[0])
    if os.environ.get("HOCTAP_UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.parent.mkdir(exist_ok=True)
        page.save(SNAPSHOT)  # type: ignore[attr-defined]
    approved = Image.open(SNAPSHOT).convert("L")
    assert approved.size == page.size == (842, 596)  # type: ignore[attr-defined]
    difference = ImageChops.difference(page, approved)  # type: ignore[arg-type]
    changed = sum(difference.point(lambda v: 255 if v > 64 else 0).histogram()[255:])
    assert changed / (842 * 596) < 0.0005, f"{changed} pixels differ from the approved snapshot"


def test_the_text_is_real_text_and_the_qr_code_reads_back_the_number_and_code(
    tmp_path: Path,
) -> None:
    import zxingcpp

    files = render_certificates([_item()], load_documents(), tmp_path)
    text = _text(files[0])
    missing = [
        line
        for line in (
            "GIẤY CHỨNG NHẬN",
            "Đặng Thị Hồng Ưng",
            "Đơn vị: Xã Hưng Đạo",
            "Cao Bằng, ngày 05 tháng 12 năm 2026",
            "Số: 2026-00012/GCN",
            "Mã xác minh: K7PX-3QMD",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        )
        if line not in text
    ]
    assert missing == [], text
    found = zxingcpp.read_barcodes(_render(files[0], scale=2.0))
    assert [r.text for r in found] == ["Giấy chứng nhận số 2026-00012/GCN, mã xác minh K7PX-3QMD"]


def test_with_a_public_address_the_qr_code_is_the_verification_page(tmp_path: Path) -> None:
    import zxingcpp

    from hoctap.settings import Settings

    public = Settings.from_env({"HOCTAP_PUBLIC_URL": "https://hoctap.example.vn"}).public_url
    files = render_certificates([_item()], load_documents(), tmp_path, public_url=public)
    found = zxingcpp.read_barcodes(_render(files[0], scale=2.0))
    # The contest service answers at this address (its /xac-minh/<code> page).
    assert [r.text for r in found] == ["https://hoctap.example.vn/xac-minh/K7PX-3QMD"]


def test_a_demo_persons_certificate_says_it_is_a_sample(tmp_path: Path) -> None:
    import dataclasses

    sample = dataclasses.replace(_item("Lô Văn Mẫu"), demo=True)
    files = render_certificates([_item(), sample], load_documents(), tmp_path)
    pages = [_text(files[0]), _text(tmp_path / ALL_IN_ONE)]
    assert "MẪU" not in pages[0] and SAMPLE_NOTE not in pages[0]
    assert pages[1].count(SAMPLE_NOTE) == 1 and "MẪU" in pages[1]


def test_a_long_name_shrinks_to_fit_the_page(tmp_path: Path) -> None:
    long = "Hoàng Thị Phương Thảo Nguyễn Ngọc Minh Châu Lương Thị Hồng Nhung Bế Văn Đông Đạt"
    files = render_certificates([_item(long)], load_documents(), tmp_path)
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(files[0]))
    text = document[0].get_textpage()
    index = text.get_text_range().index(long)
    boxes = [text.get_charbox(i) for i in range(index, index + len(long))]
    document.close()
    assert min(b[0] for b in boxes) > 30 and max(b[2] for b in boxes) < 842 - 30


def _batch(names: list[str], unit_id: int | None = None, demo: bool = False) -> Batch:
    recipients = tuple(
        Recipient(
            f"entrant:{n}",
            name,
            "Xã Hưng Đạo",
            "Nhất",
            {"giai": "Nhất", "cuoc_thi": "Cuộc thi", "diem": "10", "hang": 1},
            unit_id=unit_id,
            demo=demo,
        )
        for n, name in enumerate(names, start=1)
    )
    return Batch("contest", "thi-thu", "Cuộc thi thử", recipients)


def test_issuing_again_keeps_number_code_and_date_and_a_code_checks_out(db: Database) -> None:
    from sqlalchemy import select

    settings = load_documents()
    with db.session() as session:
        unit_id = session.scalars(select(Unit.id).where(Unit.kind == "xa_phuong")).first()
    first = issue(db, _batch(["Nông Văn Dũng", "Đàm Thị Ánh"], unit_id), settings, ISSUED)
    assert [i.serial for i in first] == ["2026-00001/GCN", "2026-00002/GCN"]
    assert all(i.new for i in first) and len({i.code for i in first}) == 2
    later = datetime(2027, 1, 10, tzinfo=UTC)
    again = issue(db, _batch(["Nông Văn Dũng", "Đàm Thị Ánh Tuyết", "Bế Văn Ước"]), settings, later)
    assert [(i.serial, i.code, i.new) for i in again[:2]] == [
        (i.serial, i.code, False) for i in first
    ]
    assert again[0].issued == ISSUED and again[2].serial == "2027-00001/GCN" and again[2].new
    found = verify(db, shown_code(first[1].code).lower())
    assert found.holder_name == "Đàm Thị Ánh Tuyết"  # the corrected name
    lines = found.lines()
    assert "2026-00002/GCN" in lines[0] and "đạt giải Nhất – Cuộc thi thử" in lines[2]
    assert lines[3] == "Ngày cấp: 05/12/2026."
    assert not found.demo and "là giấy thật" in lines[0]
    sample = issue(
        db, dataclasses.replace(_batch(["Lô Văn Mẫu"], demo=True), subject="mau"), settings, later
    )
    assert "là GIẤY MẪU" in verify(db, sample[0].code).lines()[0]
    with pytest.raises(HoctapError, match="Không có giấy chứng nhận nào"):
        verify(db, "ZZZZ-ZZZZ")
    with pytest.raises(HoctapError, match="không phải mã xác minh"):
        verify(db, "12345")


def test_module_certificates_come_from_the_typed_status_not_its_shown_headers(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``module_batch`` reads ``course.status``'s records by field: renaming a column people see
    (``hoctap course status``) does not change who earns a certificate."""
    from hoctap.documents.certificates import module_batch
    from hoctap.grading import course
    from tests.support.contests import person

    person(db, "hv001", "Nguyễn Văn An", None)
    person(db, "hv002", "Trần Thị Bình", None)
    module = course.module_ids()[0]
    unit_name = "Xã Mẫu"

    def line(
        code: str, name: str, score: float | None, passed: bool, manual: bool = False
    ) -> course.TraineeStatus:
        graded = score is not None
        return course.TraineeStatus(
            code=code, name=name, unit_code="01351", unit_name=unit_name, fetched=True,
            submitted=graded, graded=graded, score=score, max_score=8.0 if graded else None,
            needs_manual=manual, passed=passed, has_feedback=False,
        )  # fmt: skip

    records = [
        line("hv001", "Nguyễn Văn An", 7.0, True),
        line("hv002", "Trần Thị Bình", 2.0, False, manual=True),  # waits for the trainer
        line("hv-x", "", 8.0, True),  # not in the roster: no certificate
    ]
    monkeypatch.setattr(course, "status", lambda settings, module, unit=None: records)

    batch = module_batch(db, module)
    assert [(r.name, r.unit, r.detail, r.fields["diem"]) for r in batch.recipients] == [
        ("Nguyễn Văn An", unit_name, "87,5%", "87,5")
    ]
    assert batch.recipients[0].person_id is not None and not batch.recipients[0].demo
    assert len(batch.notes) == 1 and "1 bài còn chờ chấm tay" in batch.notes[0]
    renamed = [f"{header} (đổi tên)" for header in course.STATUS_COLUMNS]
    monkeypatch.setattr(course, "STATUS_COLUMNS", renamed)
    assert course.shown_rows(records)[0]["Đạt (đổi tên)"] is True
    assert module_batch(db, module) == batch
