"""Write a list of records as a terminal table, CSV for Excel (UTF-8 with BOM) or a formatted .xlsx.

One writer per format, registered in ``WRITERS``; every list command offers the same formats.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from hoctap.errors import HoctapError

Record = Mapping[str, object]


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    return value


def _write_table(
    records: Sequence[Record], columns: Sequence[str], output: Path | None, title: str
) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, show_lines=False, header_style="bold")
    for column in columns:
        table.add_column(column)
    for record in records:
        table.add_row(*(str(_cell(record.get(c))) for c in columns))
    if output is None:
        console = Console()
        if not console.is_terminal:  # piped or redirected: no terminal width to wrap at
            console = Console(width=200)
        console.print(table)
        return
    with output.open("w", encoding="utf-8") as handle:
        Console(file=handle, width=200).print(table)


def _write_csv_to(handle: TextIO, records: Sequence[Record], columns: Sequence[str]) -> None:
    writer = csv.writer(handle, lineterminator="\r\n")
    writer.writerow(columns)
    for record in records:
        writer.writerow([_cell(record.get(c)) for c in columns])


def _write_csv(
    records: Sequence[Record], columns: Sequence[str], output: Path | None, title: str
) -> None:
    # Excel reads a CSV as UTF-8 only when it starts with a byte-order mark.
    if output is None:
        buffer = io.StringIO()
        _write_csv_to(buffer, records, columns)
        sys.stdout.buffer.write(b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))
        sys.stdout.flush()
        return
    with output.open("w", encoding="utf-8-sig", newline="") as handle:
        _write_csv_to(handle, records, columns)


def fill_sheet(sheet: Any, records: Sequence[Record], columns: Sequence[str]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    sheet.append(list(columns))
    for record in records:
        sheet.append([_cell(record.get(c)) for c in columns])
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:  # a name or answer starting with "=" is text, not a formula
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    sample = records[:2000]  # widths from the first rows: enough, and fast on long lists
    for index, column in enumerate(columns, start=1):
        longest = max([len(str(column))] + [len(str(_cell(r.get(column)))) for r in sample])
        sheet.column_dimensions[get_column_letter(index)].width = min(max(10, longest + 2), 60)
    sheet.freeze_panes = "A2"
    if records:
        sheet.auto_filter.ref = sheet.dimensions
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = "1:1"


def write_sheets(
    sheets: Sequence[tuple[str, Sequence[Record], Sequence[str]]], output: Path
) -> None:
    """A workbook with one formatted sheet per (title, records, columns)."""
    from openpyxl import Workbook

    workbook = Workbook()
    first = workbook.active
    assert first is not None
    workbook.remove(first)
    for title, records, columns in sheets:
        fill_sheet(workbook.create_sheet((title or "Danh sách")[:31]), records, columns)
    output.parent.mkdir(parents=True, exist_ok=True)
    try:
        workbook.save(output)
    except OSError as error:
        raise HoctapError(f"Không ghi được {output}: {error.strerror}.") from error


def _write_xlsx(
    records: Sequence[Record], columns: Sequence[str], output: Path | None, title: str
) -> None:
    if output is None:
        raise HoctapError(
            "Định dạng xlsx cần tên tệp để ghi.", "Thêm --output TEN_TEP.xlsx vào lệnh."
        )
    write_sheets([(title, records, columns)], output)


WRITERS: dict[str, Callable[[Sequence[Record], Sequence[str], Path | None, str], None]] = {
    "table": _write_table,
    "csv": _write_csv,
    "xlsx": _write_xlsx,
}


def write_records(
    records: Sequence[Record],
    columns: Sequence[str],
    fmt: str,
    output: Path | None = None,
    title: str = "",
) -> None:
    """Write the records' columns in the given format, to ``output`` or to the terminal."""
    writer = WRITERS.get(fmt)
    if writer is None:
        raise HoctapError(f"Không có định dạng '{fmt}'.", f"Chọn một trong: {', '.join(WRITERS)}.")
    writer(records, columns, Path(output) if output else None, title)
