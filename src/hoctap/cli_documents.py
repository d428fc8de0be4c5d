"""``hoctap report`` and ``hoctap certificates``: the documents organisers hand in and hand out."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from hoctap.cli_common import err, fail, opened
from hoctap.errors import HoctapError


class DocumentFormat(StrEnum):
    pdf = "pdf"
    xlsx = "xlsx"


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value.strip(), pattern).date()
        except ValueError:
            continue
    fail(HoctapError(f"{option} '{value}' không phải ngày.", "Viết ngày dạng 31/12/2026."))


def report(
    output: Annotated[Path, typer.Option("--output", "-o", help="Tệp cần ghi (.pdf hoặc .xlsx).")],
    fmt: Annotated[
        DocumentFormat | None,
        typer.Option("--format", "-f", help="pdf hoặc xlsx (mặc định: theo đuôi tệp --output)."),
    ] = None,
    period: Annotated[
        int | None, typer.Option("--period", help="Năm báo cáo (mặc định: năm nay).")
    ] = None,
    first: Annotated[
        str | None, typer.Option("--from", help="Từ ngày (dd/mm/yyyy), trong năm báo cáo.")
    ] = None,
    last: Annotated[str | None, typer.Option("--to", help="Đến ngày (dd/mm/yyyy).")] = None,
    unit: Annotated[
        str | None, typer.Option("--unit", "-u", help="Chỉ một đơn vị (tên hoặc mã).")
    ] = None,
) -> None:
    """Báo cáo định kỳ gửi UBND tỉnh: bồi dưỡng, thi tìm hiểu, “Đơn vị học tập”, chỉ tiêu.

    Lời văn, cơ quan ban hành, người ký: grading/documents.yaml.
    """
    from hoctap.documents.report import write_report

    chosen = fmt.value if fmt else output.suffix.lower().lstrip(".")
    if chosen not in ("pdf", "xlsx"):
        fail(HoctapError("Chưa rõ định dạng.", "Thêm --format pdf hoặc --format xlsx."))
    with opened() as db:
        document = write_report(
            db, chosen, output, period, _day(first, "--from"), _day(last, "--to"), unit
        )
    typer.echo(f"Đã ghi báo cáo {document.subject} vào {output}.")
    if not document.signer_name:
        err("Chưa có tên người ký (grading/documents.yaml, report.signer.name): chừa chỗ ký tay.")
