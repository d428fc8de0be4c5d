"""``hoctap units``: the province's units."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

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

app = group("Đơn vị: tỉnh, xã/phường, sở/ngành, cơ quan báo chí, cơ quan Đảng, đoàn thể.")


@app.command("list")
def units_list(
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind", "-k", help="Chỉ loại đơn vị này (ví dụ: xa_phuong, so_nganh, 'Đoàn thể')."
        ),
    ] = None,
    search: Annotated[
        str | None,
        typer.Option("--search", "-s", help="Tìm theo tên hoặc mã, không phân biệt dấu."),
    ] = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
) -> None:
    """Liệt kê đơn vị theo loại, theo thứ tự chữ cái tiếng Việt."""
    from hoctap.people.units import UNIT_COLUMNS, list_units

    with opened() as db:
        records = list_units(db, kind, search)
        export(records, UNIT_COLUMNS, fmt, output, "Danh sách đơn vị")


@app.command("import")
def units_import(
    file: Annotated[
        Path,
        typer.Argument(
            help="Tệp .xlsx hoặc .csv có các cột: Mã đơn vị, Tên đơn "
            "vị, Loại đơn vị, Đơn vị cấp trên, Tên gọi khác."
        ),
    ],
    sheet: SheetOption = None,
) -> None:
    """Thêm đơn vị hoặc đổi tên đơn vị (theo mã) từ bảng tính. Có lỗi thì không nhập gì."""
    from hoctap.people.units import import_units

    with opened() as db:
        report = import_units(db, file, sheet)
    typer.echo(
        f"Đã nhập {file.name}: {report.created} đơn vị mới, {report.updated} đơn vị cập nhật "
        f"({report.renamed} đổi tên), {report.unchanged} không đổi."
    )
