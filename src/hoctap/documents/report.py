"""The periodic report to the UBND tỉnh (mục IV of the province's communication plan): training,
the knowledge contests, "Đơn vị học tập", progress against the targets, and a short summary.

``build_report`` is a pure function of the figures (``hoctap.documents.figures``) and the
wording (``grading/documents.yaml``); ``write_report`` gathers, builds and renders. The sections are
built in ``report_training`` (I) and ``report_results`` (II-IV), on ``report_common``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from hoctap.db import Database
from hoctap.documents.config import DocumentSettings
from hoctap.documents.figures import ReportFigures
from hoctap.documents.model import (
    Document,
    Paragraph,
    Section,
)
from hoctap.documents.official import date_line, number_line, roman, upper
from hoctap.documents.report_common import Numbering
from hoctap.documents.report_results import award_section, contest_section, target_section
from hoctap.documents.report_training import training_section
from hoctap.errors import HoctapError
from hoctap.text import format_int


def build_report(figures: ReportFigures, settings: DocumentSettings, today: date) -> Document:
    """The report as a document, ready for ``render_pdf`` or ``render_xlsx``."""
    count = Numbering()
    issuer = settings.issuer
    parent, issuer_name = issuer.parent, issuer.name
    label = figures.window.label
    if figures.unit is not None:
        # A unit reports in its own name; a commune's People's Committee has no parent line.
        unit = figures.unit
        commune = unit.kind == "xa_phuong"
        parent, issuer_name = ("", f"UBND {unit.name}") if commune else (parent, unit.name)
        label = f"{label} của {unit.name}"
    fields = {"ky": label, "co_quan": issuer_name}
    training, training_text, detail = training_section(figures, count)
    if figures.demo_people:
        training.insert(
            0,
            Paragraph(
                f"Lưu ý: số liệu có {format_int(figures.demo_people)} học viên mẫu (người giả lập, "
                "do hoctap demo tạo), không phải người thật; báo cáo này là báo cáo mẫu.",
                note=True,
            ),
        )
    contests, contest_text = contest_section(figures, count)
    awards, award_text = award_section(figures, count)
    targets, target_texts = target_section(figures, settings, count)
    parts = [
        ("KẾT QUẢ BỒI DƯỠNG ĐỘI NGŨ BÁO CÁO VIÊN, TUYÊN TRUYỀN VIÊN CƠ SỞ", training),
        ("CUỘC THI TÌM HIỂU", contests),
        ("XÂY DỰNG “ĐƠN VỊ HỌC TẬP”", awards),
        ("KẾT QUẢ SO VỚI CHỈ TIÊU", targets),
    ]
    sections = [
        Section(f"{roman(number)}. {title}", tuple(blocks))
        for number, (title, blocks) in enumerate(parts, start=1)
    ]
    summary = [training_text, contest_text, award_text, *target_texts]
    sections.append(
        Section(
            f"{roman(len(parts) + 1)}. ĐÁNH GIÁ CHUNG",
            tuple(Paragraph(f"- {line}") for line in summary),
        )
    )
    return Document(
        parent=upper(parent),
        issuer=upper(issuer_name),
        number=number_line("BC", issuer.abbreviation if figures.unit is None else ""),
        date_line=date_line(settings.place, today),
        title=settings.report_title,
        subject=settings.render(settings.report_subject, fields),
        opening=settings.render(settings.report_opening, fields),
        sections=tuple(sections),
        recipients=settings.recipients,
        signer_title=settings.report_signer.title,
        signer_name=settings.report_signer.name,
        data_sheets=(detail,),
    )


def _renderers() -> dict[str, Callable[[Document, Path], None]]:
    from hoctap.documents.pdf import render_pdf
    from hoctap.documents.xlsx import render_xlsx

    return {"pdf": render_pdf, "xlsx": render_xlsx}


def write_report(
    db: Database,
    fmt: str,
    output: Path,
    period: int | None = None,
    first: date | None = None,
    last: date | None = None,
    unit: str | None = None,
    today: date | None = None,
    settings: DocumentSettings | None = None,
) -> Document:
    """Gather the figures, build the report and write it as ``pdf`` or ``xlsx``."""
    from hoctap.documents.config import load_documents
    from hoctap.documents.figures import gather, window
    from hoctap.settings import ZONE

    renderers = _renderers()
    if fmt not in renderers:
        raise HoctapError(
            f"Không có định dạng '{fmt}'.", f"Chọn một trong: {', '.join(renderers)}."
        )
    from datetime import datetime

    settings = settings or load_documents()
    day = today or datetime.now(ZONE).date()
    figures = gather(db, window(period, first, last, day), unit)
    document = build_report(figures, settings, day)
    renderers[fmt](document, output)
    return document
