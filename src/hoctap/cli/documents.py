"""``hoctap report`` and ``hoctap certificates``: the documents organisers hand in and hand out."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from hoctap.cli.common import err, opened
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
    raise HoctapError(f"{option} '{value}' không phải ngày.", "Viết ngày dạng 31/12/2026.")


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
        raise HoctapError("Chưa rõ định dạng.", "Thêm --format pdf hoặc --format xlsx.")
    with opened() as db:
        document = write_report(
            db, chosen, output, period, _day(first, "--from"), _day(last, "--to"), unit
        )
    typer.echo(f"Đã ghi báo cáo {document.subject} vào {output}.")
    if not document.signer_name:
        err("Chưa có tên người ký (grading/documents.yaml, report.signer.name): chừa chỗ ký tay.")


def certificates(
    target: Annotated[
        str,
        typer.Argument(
            help="Tên học phần hoặc cuộc thi; 'all' để cấp tất cả; 'verify' để kiểm tra một mã.",
            show_default=False,
        ),
    ],
    code: Annotated[
        str | None, typer.Argument(help="Mã xác minh (chỉ với verify).", show_default=False)
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Thư mục ghi (mặc định: giay-chung-nhan/TÊN)."),
    ] = None,
    unit: Annotated[
        str | None, typer.Option("--unit", "-u", help="Chỉ một đơn vị (tên hoặc mã).")
    ] = None,
    period: Annotated[
        int | None,
        typer.Option("--period", help="Với 'all': năm của các cuộc thi (mặc định: năm nay)."),
    ] = None,
) -> None:
    """Giấy chứng nhận: hoàn thành học phần, đạt giải cá nhân, đạt giải tập thể.

    Mỗi giấy một tệp PDF và tệp tat-ca.pdf để in; in lại vẫn giữ số và mã xác minh.
    Kiểm tra một giấy: hoctap certificates verify MÃ
    """
    from hoctap.documents.certificates import produce, verify

    if target == "verify":
        if not code:
            raise HoctapError("Thiếu mã xác minh.", "Ví dụ: hoctap certificates verify K7PX-3QMD")
        with opened() as db:
            found = verify(db, code)
        for line in found.lines():
            typer.echo(line)
        return
    if code:
        raise HoctapError(f"Thừa '{code}'.", "Mã xác minh chỉ dùng với: hoctap certificates verify")
    folder = output or Path("giay-chung-nhan") / target
    from rich.progress import Progress

    with opened() as db, Progress(transient=True) as bar:
        task = bar.add_task("Đang in giấy chứng nhận", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        produced = produce(db, target, folder, unit, period, progress=progress)
    again = produced.issued - produced.new
    if produced.issued == 0:
        for note in produced.notes:
            typer.echo(note)
        return
    typer.echo(
        f"Đã in {produced.issued} giấy chứng nhận ({produced.new} cấp mới, {again} in lại với số "
        f"và mã cũ) vào {produced.folder}; in tất cả một lần: tệp tat-ca.pdf trong từng thư mục."
    )
    for note in produced.notes:
        err(f"Lưu ý: {note}")
