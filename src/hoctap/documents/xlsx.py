"""A ``Document`` as an Excel workbook that prints like the PDF: one sheet "Báo cáo" with the
header block, numbered sections, tables with merged title cells, the charts as pictures and the
signature, on A4 portrait with the page number in the footer; then the wide data sheets.

Numbers stay numbers (so a reader can add them up); the font is Times New Roman, which
LibreOffice replaces with the metric-compatible Liberation Serif.
"""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import Any

from hoctap.documents.model import Band, Chart, Document, Paragraph, Table
from hoctap.documents.official import MOTTO, SLOGAN
from hoctap.errors import HoctapError

FONT = "Times New Roman"
FIRST_WIDTH, LABEL_WIDTH, OTHER_WIDTH = 6.0, 34.0, 12.5
MIN_COLUMNS = 8
POINTS_PER_LINE = 15.0


class _Sheet:
    def __init__(self, sheet: Any, columns: int) -> None:
        from openpyxl.utils import get_column_letter

        self.sheet = sheet
        self.columns = columns
        self.row = 1
        self.last = get_column_letter(columns)
        widths = [FIRST_WIDTH, LABEL_WIDTH] + [OTHER_WIDTH] * (columns - 2)
        self.widths = widths
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        self.chars_per_line = sum(widths) * 1.05

    def font(self, **options: Any) -> Any:
        from openpyxl.styles import Font

        return Font(name=FONT, size=options.pop("size", 12), **options)

    def merged(
        self,
        text: str,
        first: int = 1,
        last: int | None = None,
        row: int | None = None,
        align: str = "center",
        wrap: bool = True,
        **font: Any,
    ) -> Any:
        from openpyxl.styles import Alignment

        row = row or self.row
        last = last or self.columns
        cell = self.sheet.cell(row=row, column=first, value=text)
        if last > first:
            self.sheet.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
        cell.font = self.font(**font)
        cell.alignment = Alignment(horizontal=align, vertical="center", wrap_text=wrap)
        return cell

    def paragraph(self, text: str, **font: Any) -> None:
        self.merged(text, align="justify" if not font.get("bold") else "left", **font)
        size = font.get("size", 12)
        lines = max(1, math.ceil(len(text) * size / 12 / self.chars_per_line))
        self.sheet.row_dimensions[self.row].height = lines * POINTS_PER_LINE * size / 12 + 3
        self.row += 1

    def header(self, document: Document) -> None:
        split = 3
        self.merged(document.parent, 1, split, size=12)
        self.merged(MOTTO, split + 1, row=1, bold=True, size=12)
        self.merged(document.issuer, 1, split, row=2, bold=True, size=12)
        self.merged(SLOGAN, split + 1, row=2, bold=True, underline="single", size=13)
        self.merged(document.number, 1, split, row=3, size=13)
        self.merged(document.date_line, split + 1, row=3, italic=True, size=13)
        self.row = 5
        self.paragraph(document.title, bold=True, size=14)
        self.sheet.cell(row=self.row - 1, column=1).alignment = self._centre()
        self.paragraph(document.subject, bold=True, size=13)
        self.sheet.cell(row=self.row - 1, column=1).alignment = self._centre()
        self.row += 1

    def _centre(self) -> Any:
        from openpyxl.styles import Alignment

        return Alignment(horizontal="center", vertical="center", wrap_text=True)

    def table(self, table: Table) -> None:
        from openpyxl.styles import Alignment, Border, PatternFill, Side

        thin = Side(style="thin", color="000000")
        border = Border(left=thin, right=thin, top=thin, bottom=thin)
        head_fill = PatternFill("solid", fgColor="EDEDED")
        self.merged(table.title, bold=True)
        self.row += 1
        columns = table.columns
        head_rows = 2 if table.grouped else 1
        for offset in range(head_rows):
            for index in range(len(columns)):
                cell = self.sheet.cell(row=self.row + offset, column=index + 1)
                cell.border = border
                cell.fill = head_fill
        index = 0
        while index < len(columns):
            column = columns[index]
            if not table.grouped or not column.group:
                self._head(self.row, index + 1, column.title)
                if table.grouped:
                    self.sheet.merge_cells(
                        start_row=self.row,
                        start_column=index + 1,
                        end_row=self.row + 1,
                        end_column=index + 1,
                    )
                index += 1
                continue
            end = index
            while end + 1 < len(columns) and columns[end + 1].group == column.group:
                end += 1
            self._head(self.row, index + 1, column.group)
            if end > index:
                self.sheet.merge_cells(
                    start_row=self.row, start_column=index + 1, end_row=self.row, end_column=end + 1
                )
            for position in range(index, end + 1):
                self._head(self.row + 1, position + 1, columns[position].title)
            index = end + 1
        heads = [(c.group or c.title) if table.grouped else c.title for c in columns]
        self.sheet.row_dimensions[self.row].height = self._height(heads, 11)
        if table.grouped:
            self.sheet.row_dimensions[self.row + 1].height = self._height(
                [c.title for c in columns], 11
            )
        self.row += head_rows
        rows: list[Any] = list(table.rows)
        if table.total is not None:
            rows.append(("__total__", table.total))
        for row in rows:
            if isinstance(row, Band):
                cell = self.merged(row.label, 1, len(columns), align="left", bold=True, size=11)
                for position in range(len(columns)):
                    self.sheet.cell(row=self.row, column=position + 1).border = border
                cell.fill = PatternFill("solid", fgColor="F6F6F6")
                self.row += 1
                continue
            bold = isinstance(row, tuple) and len(row) == 2 and row[0] == "__total__"
            values = row[1] if bold else row
            # Calc and Excel do not grow a row for wrapped text they did not wrap themselves.
            self.sheet.row_dimensions[self.row].height = self._height(
                [v if isinstance(v, str) else "" for v in values], 11
            )
            for position, (value, column) in enumerate(zip(values, columns, strict=True)):
                shown = None if isinstance(value, float) and value != value else value
                cell = self.sheet.cell(row=self.row, column=position + 1, value=shown)
                if isinstance(shown, str) and shown.startswith("="):
                    cell.data_type = "s"
                cell.border = border
                cell.font = self.font(size=11, bold=bold)
                if column.kind == "text":
                    cell.alignment = Alignment(vertical="center", wrap_text=True)
                else:
                    cell.alignment = Alignment(horizontal="right", vertical="center")
                    cell.number_format = "#,##0" if column.kind == "int" else "#,##0.0"
            self.row += 1
        if table.note:
            self.paragraph(table.note, italic=True, size=11)
        self.row += 1

    def _height(self, texts: list[str], size: float) -> float:
        """A row's height (points) for its longest wrapped cell."""
        lines = max(
            [1]
            + [
                math.ceil(len(text) * size / 11 / max(self.widths[i] - 1, 1))
                for i, text in enumerate(texts)
                if text
            ]
        )
        return lines * size * 1.3 + 4

    def _head(self, row: int, column: int, text: str) -> None:
        cell = self.sheet.cell(row=row, column=column, value=text)
        cell.font = self.font(size=11, bold=True)
        cell.alignment = self._centre()

    def chart(self, chart: Chart) -> None:
        from openpyxl.drawing.image import Image

        from hoctap.documents.charts import chart_png

        self.merged(chart.title, bold=True)
        self.row += 1
        png, ratio = chart_png(chart)
        image = Image(io.BytesIO(png))
        width_px = int(self.chars_per_line * 7)
        image.width, image.height = width_px, int(width_px * ratio)
        self.sheet.add_image(image, f"A{self.row}")
        self.row += math.ceil(image.height / 20) + 1

    def closing(self, document: Document) -> None:
        self.row += 1
        start = self.row
        self.merged("Nơi nhận:", 1, 2, align="left", bold=True, italic=True, wrap=False)
        for line in document.recipients:
            self.row += 1
            self.merged(f"- {line}", 1, 2, align="left", size=11, wrap=False)
        right = 4
        row = start
        for line in document.signer_title:
            self.merged(line, right, row=row, bold=True, size=13)
            row += 1
        if document.signer_name:
            self.merged(document.signer_name, right, row=row + 4, bold=True, size=13)
            row += 4
        self.row = max(self.row, row) + 1


def render_xlsx(document: Document, output: Path) -> None:
    """Write the document as an .xlsx workbook."""
    from openpyxl import Workbook
    from openpyxl.worksheet.properties import PageSetupProperties

    from hoctap.io.writers import fill_sheet

    tables = [b for s in document.sections for b in s.blocks if isinstance(b, Table)]
    columns = max([MIN_COLUMNS] + [len(t.columns) for t in tables])
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Báo cáo"
    page = _Sheet(sheet, columns)
    page.header(document)
    if document.opening:
        page.paragraph(document.opening)
    for section in document.sections:
        page.paragraph(section.title, bold=True)
        for block in section.blocks:
            if isinstance(block, Paragraph):
                page.paragraph(block.text, italic=block.note, size=11 if block.note else 12)
            elif isinstance(block, Table):
                page.table(block)
            else:
                page.chart(block)
    page.closing(document)
    sheet.page_setup.orientation = "portrait"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_margins.left, sheet.page_margins.right = 30 / 25.4, 15 / 25.4
    sheet.page_margins.top, sheet.page_margins.bottom = 20 / 25.4, 20 / 25.4
    footer = sheet.oddFooter
    assert footer is not None
    footer.center.text = "Trang &P/&N"
    sheet.print_area = f"A1:{page.last}{page.row}"
    sheet.sheet_view.showGridLines = False
    for data in document.data_sheets:
        fill_sheet(workbook.create_sheet(data.title[:31]), list(data.records), list(data.columns))
    output.parent.mkdir(parents=True, exist_ok=True)
    try:
        workbook.save(output)
    except OSError as error:
        raise HoctapError(f"Không ghi được {output}: {error.strerror}.") from error
