"""A ``Document`` as an A4 portrait PDF laid out like an official document (Nghị định
30/2020/NĐ-CP): margins 20/20/30/15 mm, the issuing body and the national motto side by side, the
page number centred at the top from the second page, text in a 13-point Times-like face."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from hoctap.documents.model import Band, Chart, Document, Paragraph, Table
from hoctap.documents.official import MOTTO, SLOGAN
from hoctap.errors import HoctapError
from hoctap.text import format_int

MM = 72 / 25.4
MARGINS = {"top": 20 * MM, "bottom": 20 * MM, "left": 30 * MM, "right": 15 * MM}


def _styles() -> dict[str, Any]:
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    from hoctap.documents.fonts import BOLD, ITALIC, register_pdf_fonts

    family = register_pdf_fonts()
    body = ParagraphStyle(
        "body",
        fontName=family,
        fontSize=13,
        leading=17,
        alignment=TA_JUSTIFY,
        firstLineIndent=10 * MM,
        spaceBefore=3,
        spaceAfter=3,
    )
    return {
        "body": body,
        "note": ParagraphStyle(
            "note", parent=body, fontName=ITALIC, fontSize=11, leading=14, firstLineIndent=0
        ),
        "heading": ParagraphStyle(
            "heading",
            parent=body,
            fontName=BOLD,
            firstLineIndent=0,
            alignment=TA_LEFT,
            spaceBefore=8,
            keepWithNext=1,
        ),
        "caption": ParagraphStyle(
            "caption",
            parent=body,
            fontName=BOLD,
            fontSize=12,
            leading=15,
            firstLineIndent=0,
            alignment=TA_CENTER,
            spaceBefore=6,
        ),
        "title": ParagraphStyle(
            "title",
            parent=body,
            fontName=BOLD,
            fontSize=14,
            leading=18,
            alignment=TA_CENTER,
            firstLineIndent=0,
            spaceBefore=14,
        ),
        "subject": ParagraphStyle(
            "subject",
            parent=body,
            fontName=BOLD,
            fontSize=13,
            alignment=TA_CENTER,
            firstLineIndent=0,
        ),
        "cell": ParagraphStyle("cell", fontName=family, fontSize=10, leading=12),
        "cell_num": ParagraphStyle(
            "cell_num", fontName=family, fontSize=10, leading=12, alignment=TA_RIGHT
        ),
        "head": ParagraphStyle("head", fontName=BOLD, fontSize=10, leading=12, alignment=TA_CENTER),
        "band": ParagraphStyle("band", fontName=BOLD, fontSize=10, leading=12),
        "recipients": ParagraphStyle("recipients", fontName=family, fontSize=11, leading=13),
        "recipients_head": ParagraphStyle(
            "recipients_head", fontName=f"{family}-BoldItalic", fontSize=12, leading=14
        ),
        "signer": ParagraphStyle(
            "signer", fontName=BOLD, fontSize=13, leading=16, alignment=TA_CENTER
        ),
    }


def _escape(text: str) -> str:
    from xml.sax.saxutils import escape

    return escape(text)


def cell_text(value: object, kind: str) -> str:
    """A cell as the tables print it: 1.234 and 87,5 as Vietnamese writes numbers."""
    if value is None or (isinstance(value, float) and value != value):
        return "–" if kind != "text" else ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, int):
        return format_int(value)
    if isinstance(value, float):
        if kind == "int":
            return format_int(round(value))
        # One decimal in every row of a column, as a printed table should: 80,0 under 86,7.
        return f"{value:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return str(value)


class _Header:
    """The header block: issuing body on the left, national motto on the right, each with the
    short rule under it, then the number and the place and date line."""

    def __init__(self, document: Document, width: float) -> None:
        self.document = document
        self.width = width

    def flowable(self) -> Any:
        from reportlab.platypus import Flowable

        header = self

        class HeaderFlowable(Flowable):  # type: ignore[misc]
            def wrap(self, *_: object) -> tuple[float, float]:
                return header.width, 30 * MM

            def draw(self) -> None:
                header.draw(self.canv)

        return HeaderFlowable()

    def draw(self, canvas: Any) -> None:
        from reportlab.pdfbase.pdfmetrics import stringWidth

        from hoctap.documents.fonts import BOLD, ITALIC, REGULAR

        left_centre = 0.2 * self.width
        right_centre = 0.66 * self.width
        top = 30 * MM
        y = top - 12
        if self.document.parent:
            canvas.setFont(REGULAR, 12)
            canvas.drawCentredString(left_centre, y, self.document.parent)
            y -= 14
        canvas.setFont(BOLD, 12)
        lines = balanced_lines(self.document.issuer, BOLD, 12, 0.4 * self.width)
        for line in lines:
            canvas.drawCentredString(left_centre, y, line)
            y -= 14
        rule = max(stringWidth(line, BOLD, 12) for line in lines) / 3
        canvas.setLineWidth(0.6)
        canvas.line(left_centre - rule / 2, y + 7, left_centre + rule / 2, y + 7)
        canvas.setFont(REGULAR, 13)
        canvas.drawCentredString(left_centre, y - 12, self.document.number)

        canvas.setFont(BOLD, 12)
        canvas.drawCentredString(right_centre, top - 12, MOTTO)
        canvas.setFont(BOLD, 13)
        canvas.drawCentredString(right_centre, top - 27, SLOGAN)
        slogan = stringWidth(SLOGAN, BOLD, 13)
        canvas.line(right_centre - slogan / 2, top - 32, right_centre + slogan / 2, top - 32)
        canvas.setFont(ITALIC, 13)
        canvas.drawCentredString(right_centre, top - 50, self.document.date_line)


def balanced_lines(text: str, font: str, size: float, width: float) -> list[str]:
    """The text on as few lines as fit ``width``, of even lengths ("SỞ THÔNG TIN VÀ" /
    "TRUYỀN THÔNG" rather than "SỞ THÔNG TIN VÀ TRUYỀN" / "THÔNG")."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    words = text.split()
    if stringWidth(text, font, size) <= width or len(words) < 2:
        return [text]
    best = min(
        range(1, len(words)),
        key=lambda cut: max(
            stringWidth(" ".join(words[:cut]), font, size),
            stringWidth(" ".join(words[cut:]), font, size),
        ),
    )
    return [" ".join(words[:best]), " ".join(words[best:])]


def _table(table: Table, styles: dict[str, Any], width: float) -> list[Any]:
    from reportlab.lib import colors
    from reportlab.platypus import CondPageBreak, TableStyle
    from reportlab.platypus import Paragraph as Para
    from reportlab.platypus import Table as Grid

    columns = table.columns
    total = sum(c.width for c in columns)
    widths = [width * c.width / total for c in columns]
    head_rows = 2 if table.grouped else 1
    data: list[list[Any]] = []
    commands: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, head_rows - 1), colors.HexColor("#EDEDED")),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if table.grouped:
        top: list[Any] = []
        bottom: list[Any] = []
        index = 0
        while index < len(columns):
            column = columns[index]
            if not column.group:
                top.append(Para(_escape(column.title), styles["head"]))
                bottom.append("")
                commands.append(("SPAN", (index, 0), (index, 1)))
                index += 1
                continue
            end = index
            while end + 1 < len(columns) and columns[end + 1].group == column.group:
                end += 1
            for position in range(index, end + 1):
                top.append(Para(_escape(column.group), styles["head"]) if position == index else "")
                bottom.append(Para(_escape(columns[position].title), styles["head"]))
            commands.append(("SPAN", (index, 0), (end, 0)))
            index = end + 1
        data += [top, bottom]
    else:
        data.append([Para(_escape(c.title), styles["head"]) for c in columns])
    for row in table.rows:
        if isinstance(row, Band):
            commands.append(("SPAN", (0, len(data)), (-1, len(data))))
            commands.append(
                ("BACKGROUND", (0, len(data)), (-1, len(data)), colors.HexColor("#F6F6F6"))
            )
            data.append([Para(_escape(row.label), styles["band"])] + [""] * (len(columns) - 1))
            continue
        data.append(_cells(row, table, styles, bold=False))
    if table.total is not None:
        data.append(_cells(table.total, table, styles, bold=True))
    grid = Grid(data, colWidths=widths, repeatRows=head_rows, hAlign="CENTER")
    grid.setStyle(TableStyle(commands))
    # A caption never ends a page: start a new one unless there is room for a few rows.
    parts: list[Any] = [CondPageBreak(45 * MM), Para(_escape(table.title), styles["caption"]), grid]
    if table.note:
        parts.append(Para(_escape(table.note), styles["note"]))
    return parts


def _cells(row: tuple[object, ...], table: Table, styles: dict[str, Any], bold: bool) -> list[Any]:
    from reportlab.platypus import Paragraph as Para

    cells = []
    for value, column in zip(row, table.columns, strict=True):
        text = _escape(cell_text(value, column.kind))
        style = styles["cell" if column.kind == "text" else "cell_num"]
        cells.append(Para(f"<b>{text}</b>" if bold else text, style))
    return cells


def _chart(chart: Chart, styles: dict[str, Any], width: float) -> list[Any]:
    from reportlab.platypus import Image, KeepTogether
    from reportlab.platypus import Paragraph as Para

    from hoctap.documents.charts import chart_png

    png, ratio = chart_png(chart)
    image = Image(io.BytesIO(png), width=width, height=width * ratio)
    return [KeepTogether([Para(_escape(chart.title), styles["caption"]), image])]


def _closing(document: Document, styles: dict[str, Any], width: float) -> Any:
    from reportlab.platypus import Paragraph as Para
    from reportlab.platypus import Spacer
    from reportlab.platypus import Table as Grid

    left: list[Any] = [Para("Nơi nhận:", styles["recipients_head"])]
    left += [Para(_escape(f"- {line}"), styles["recipients"]) for line in document.recipients]
    right: list[Any] = [Para(_escape(line), styles["signer"]) for line in document.signer_title]
    right.append(Spacer(1, 26 * MM))
    if document.signer_name:
        right.append(Para(_escape(document.signer_name), styles["signer"]))
    block = Grid([[left, right]], colWidths=[0.45 * width, 0.55 * width])
    block.setStyle([("VALIGN", (0, 0), (-1, -1), "TOP")])
    return block


def render_pdf(document: Document, output: Path) -> None:
    """Write the document as a PDF."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import KeepTogether, SimpleDocTemplate, Spacer
    from reportlab.platypus import Paragraph as Para

    from hoctap.documents.fonts import REGULAR

    styles = _styles()
    buffer = io.BytesIO()
    template = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        topMargin=MARGINS["top"],
        bottomMargin=MARGINS["bottom"],
        leftMargin=MARGINS["left"],
        rightMargin=MARGINS["right"],
        title=f"{document.title} {document.subject}",
        author=document.issuer,
        creator="hoctap",
    )
    width = template.width
    story: list[Any] = [_Header(document, width).flowable()]
    story.append(Para(_escape(document.title), styles["title"]))
    story.append(Para(_escape(document.subject), styles["subject"]))
    story.append(Spacer(1, 6))
    if document.opening:
        story.append(Para(_escape(document.opening), styles["body"]))
    for section in document.sections:
        story.append(Para(_escape(section.title), styles["heading"]))
        for block in section.blocks:
            if isinstance(block, Paragraph):
                story.append(Para(_escape(block.text), styles["note" if block.note else "body"]))
            elif isinstance(block, Table):
                story += _table(block, styles, width)
            else:
                story += _chart(block, styles, width)
    # The signature never stands alone on the last page: the last paragraph goes with it.
    last = [story.pop()] if document.sections else []
    story.append(KeepTogether([*last, Spacer(1, 10), _closing(document, styles, width)]))

    def number_page(canvas: Any, doc: Any) -> None:
        # The first page has no number (Nghị định 30/2020/NĐ-CP); the others at the top centre.
        canvas.saveState()
        canvas.setFont(REGULAR, 13)
        canvas.drawCentredString(
            A4[0] / 2 + (MARGINS["left"] - MARGINS["right"]) / 2, A4[1] - 12 * MM, str(doc.page)
        )
        canvas.restoreState()

    template.build(story, onLaterPages=number_page)
    output.parent.mkdir(parents=True, exist_ok=True)
    try:
        output.write_bytes(buffer.getvalue())
    except OSError as error:
        raise HoctapError(f"Không ghi được {output}: {error.strerror}.") from error
