"""``hoctap roster``: the trainees, imported from spreadsheets."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hoctap.cli.common import (
    Format,
    FormatOption,
    OutputOption,
    SheetOption,
    export,
    group,
    opened,
)

if TYPE_CHECKING:
    pass


app = group("Danh sách học viên: nhập từ Excel/CSV, xem và xuất.")


@app.command("import")
def roster_import(
    file: Annotated[
        Path,
        typer.Argument(
            help="Tệp .xlsx hoặc .csv. Cột bắt buộc: Họ và tên, Đơn "
            "vị; cột tuỳ chọn: Vai trò, Số điện thoại, Email, Mã học viên, Đồng ý công "
            "khai."
        ),
    ],
    sheet: SheetOption = None,
) -> None:
    """Nhập danh sách học viên. Có dòng lỗi thì không nhập gì và liệt kê từng lỗi theo số dòng."""
    from hoctap.people.roster import import_roster

    with opened() as db:
        report = import_roster(db, file, sheet)
    typer.echo(
        f"Đã nhập {file.name}: {report.created} học viên mới, {report.updated} cập nhật, "
        f"{report.unchanged} không đổi; sổ điểm nbgrader: {report.students_synced} học viên "
        "được thêm hoặc cập nhật."
    )


@app.command("list")
def roster_list(
    unit: Annotated[
        str | None, typer.Option("--unit", "-u", help="Chỉ học viên của đơn vị này (tên hoặc mã).")
    ] = None,
    search: Annotated[
        str | None,
        typer.Option("--search", "-s", help="Tìm theo họ tên hoặc mã, không phân biệt dấu."),
    ] = None,
    private: Annotated[
        bool,
        typer.Option(
            "--private",
            help="Kèm số điện thoại, email và việc "
            "đồng ý công khai (dữ liệu cá nhân: chỉ dùng nội bộ).",
        ),
    ] = False,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
) -> None:
    """Liệt kê học viên theo tên (tên, tên đệm, họ), theo thứ tự chữ cái tiếng Việt."""
    from hoctap.people.roster import list_people

    with opened() as db:
        records, columns = list_people(db, unit, search, private)
        export(records, columns, fmt, output, "Danh sách học viên")
