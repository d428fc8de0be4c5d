"""Certificates as PDF: A4 landscape, a double frame, the issuing body and the national motto,
the title, the holder's name, the wording of ``grading/documents.yaml``, the date and the signer,
and in the corner the serial number, the verification code and a QR code.

Each certificate is a file of its own (to send by e-mail), and ``tat-ca.pdf`` holds them all, one
per page, for printing. Long names and lines shrink to fit rather than run off the page.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from hoctap.documents.certificate_records import Issued, shown_code
from hoctap.documents.config import DocumentSettings
from hoctap.documents.official import MOTTO, SLOGAN, date_line, upper
from hoctap.errors import HoctapError
from hoctap.settings import ZONE

MM = 72 / 25.4
RED = (0.62, 0.08, 0.08)
GOLD = (0.72, 0.55, 0.18)
ALL_IN_ONE = "tat-ca.pdf"


def _fit(text: str, font: str, size: float, width: float, smallest: float = 9) -> float:
    """The largest size up to ``size`` at which the text fits ``width``."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    while size > smallest and stringWidth(text, font, size) > width:
        size -= 0.5
    return size


def qr_text(settings: DocumentSettings, item: Issued, public_url: str = "") -> str:
    """What the QR code holds: the wording's own template; else, with a public address, the
    address of the certificate's verification page; else its number and code."""
    shown = shown_code(item.code)
    if settings.qr:
        return settings.render(settings.qr, {"ma": item.code, "so": item.serial})
    if public_url:
        return f"{public_url}xac-minh/{shown}"
    return f"Giấy chứng nhận số {item.serial}, mã xác minh {shown}"


def qr_matrix(text: str) -> tuple[tuple[int, ...], ...]:
    """The QR code's modules (1 dark), error correction level M, with its quiet zone."""
    import segno

    code = segno.make(text, error="m", boost_error=False)
    return tuple(tuple(row) for row in code.matrix_iter(scale=1, border=2))


def qr_path(matrix: Sequence[Sequence[int]]) -> str:
    """PDF path operators filling the dark modules, one rectangle per horizontal run, in a unit
    square per module with the origin at the bottom left (a shape per module made 1,000
    certificates take minutes)."""
    size = len(matrix)
    rects = []
    for row_index, row in enumerate(matrix):
        bottom = size - row_index - 1
        start = None
        for column, dark in enumerate([*row, 0]):
            if dark and start is None:
                start = column
            elif not dark and start is not None:
                rects.append(f"{start} {bottom} {column - start} 1 re")
                start = None
    return "\n".join(rects) + "\nf"


def draw_qr(canvas: Any, matrix: Sequence[Sequence[int]], x: float, y: float, size: float) -> None:
    """The QR code's modules scaled to ``size`` at (x, y)."""
    canvas.saveState()
    canvas.translate(x, y)
    canvas.scale(size / len(matrix), size / len(matrix))
    canvas.setFillColorRGB(0, 0, 0)
    canvas._code.append(qr_path(matrix))  # integers only: no float formatting per module
    canvas.restoreState()


def draw_certificate(
    canvas: Any, item: Issued, settings: DocumentSettings, qr: Sequence[Sequence[int]] = ()
) -> None:
    """One certificate on the current page of a ReportLab canvas (``qr``: its QR matrix, when
    already computed)."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from hoctap.documents.fonts import BOLD, ITALIC, REGULAR, register_pdf_fonts

    register_pdf_fonts()
    width, height = landscape(A4)
    text = settings.certificates[item.kind]
    fields = item.fields

    canvas.setStrokeColorRGB(*RED)
    canvas.setLineWidth(3)
    canvas.rect(10 * MM, 10 * MM, width - 20 * MM, height - 20 * MM)
    canvas.setStrokeColorRGB(*GOLD)
    canvas.setLineWidth(1)
    canvas.rect(13 * MM, 13 * MM, width - 26 * MM, height - 26 * MM)

    if item.demo:
        draw_sample_mark(canvas, width, height)
    canvas.setFillColorRGB(0, 0, 0)
    canvas.setStrokeColorRGB(0, 0, 0)
    left, right = 0.27 * width, 0.68 * width
    top = height - 28 * MM
    issuer = settings.certificate_issuer
    y = top
    if issuer.parent:
        canvas.setFont(REGULAR, 12)
        canvas.drawCentredString(left, y, upper(issuer.parent))
        y -= 15
    name = upper(issuer.name)
    canvas.setFont(BOLD, _fit(name, BOLD, 12, 0.36 * width))
    canvas.drawCentredString(left, y, name)
    canvas.setLineWidth(0.6)
    rule = min(stringWidth(name, BOLD, 12), 0.36 * width) / 3
    canvas.line(left - rule / 2, y - 8, left + rule / 2, y - 8)
    canvas.setFont(BOLD, 12)
    canvas.drawCentredString(right, top, MOTTO)
    canvas.setFont(BOLD, 13)
    canvas.drawCentredString(right, top - 15, SLOGAN)
    slogan = stringWidth(SLOGAN, BOLD, 13)
    canvas.line(right - slogan / 2, top - 21, right + slogan / 2, top - 21)

    centre = width / 2
    usable = width - 60 * MM
    canvas.setFillColorRGB(*RED)
    title = settings.render(text.title, fields)
    canvas.setFont(BOLD, _fit(title, BOLD, 34, usable))
    canvas.drawCentredString(centre, height - 62 * MM, title)
    subtitle = settings.render(text.subtitle, fields)
    if subtitle:
        canvas.setFont(BOLD, _fit(subtitle, BOLD, 18, usable))
        canvas.drawCentredString(centre, height - 73 * MM, subtitle)
    canvas.setFillColorRGB(0, 0, 0)
    canvas.setFont(ITALIC, 14)
    canvas.drawCentredString(centre, height - 86 * MM, "Chứng nhận")
    recipient = settings.render(text.recipient, fields)
    canvas.setFillColorRGB(*RED)
    canvas.setFont(BOLD, _fit(recipient, BOLD, 26, usable))
    canvas.drawCentredString(centre, height - 99 * MM, recipient)
    canvas.setFillColorRGB(0, 0, 0)
    y = height - 111 * MM
    for line in text.lines:
        shown = settings.render(line, fields)
        size = _fit(shown, REGULAR, 14, usable)
        canvas.setFont(REGULAR, size)
        canvas.drawCentredString(centre, y, shown)
        y -= size + 5

    signer = settings.certificate_signer
    sign_x = 0.7 * width
    y = 58 * MM
    canvas.setFont(ITALIC, 13)
    canvas.drawCentredString(sign_x, y, date_line(settings.place, item.issued.astimezone(ZONE)))
    y -= 17
    canvas.setFont(BOLD, 13)
    for line in signer.title:
        canvas.drawCentredString(sign_x, y, upper(line))
        y -= 16
    if signer.name:
        canvas.drawCentredString(sign_x, 22 * MM, signer.name)

    draw_qr(canvas, qr or qr_matrix(qr_text(settings, item)), 22 * MM, 27 * MM, 26 * MM)
    canvas.setFont(REGULAR, 10)
    canvas.drawString(22 * MM, 22 * MM, f"Số: {item.serial}")
    canvas.drawString(22 * MM, 17.5 * MM, f"Mã xác minh: {shown_code(item.code)}")


SAMPLE_NOTE = (
    "Giấy mẫu: người nhận là người giả lập của dữ liệu mẫu (hoctap demo), không có giá trị."
)


def draw_sample_mark(canvas: Any, width: float, height: float) -> None:
    """A demo person's certificate: "MẪU" across the page, behind the text, and a line saying
    why, so a printed sample is never taken for a real certificate."""
    from hoctap.documents.fonts import BOLD, ITALIC

    canvas.saveState()
    canvas.setFillColorRGB(0.9, 0.9, 0.9)
    canvas.translate(width / 2, height / 2)
    canvas.rotate(20)
    canvas.setFont(BOLD, 170)
    canvas.drawCentredString(0, -55, "MẪU")
    canvas.restoreState()
    canvas.saveState()
    canvas.setFillColorRGB(0.45, 0.45, 0.45)
    canvas.setFont(ITALIC, 10)
    canvas.drawCentredString(width / 2, 16 * MM, SAMPLE_NOTE)
    canvas.restoreState()


def _slug(text: str) -> str:
    from hoctap.text import fold

    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")[:60]


def file_name(item: Issued) -> str:
    """ "2026-00012-nguyen-van-an.pdf": the serial first, so the folder sorts in issue order."""
    return f"{_slug(item.serial.split('/')[0])}-{_slug(item.name)}.pdf"


def _canvas(target: Any, title: str) -> Any:
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(target, pagesize=landscape(A4), pageCompression=1)
    canvas.setTitle(title)
    canvas.setCreator("hoctap")
    return canvas


def render_certificates(
    items: Sequence[Issued],
    settings: DocumentSettings,
    folder: Path,
    step: Callable[[], None] | None = None,
    public_url: str = "",
) -> list[Path]:
    """One PDF per certificate in ``folder``, and ``tat-ca.pdf`` with them all; returns the
    files written. With ``public_url``, each QR code is the certificate's verification page."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise HoctapError(f"Không tạo được thư mục {folder}: {error.strerror}.") from error
    files = []
    everything = _canvas(str(folder / ALL_IN_ONE), "Giấy chứng nhận")
    for item in items:
        buffer = io.BytesIO()
        single = _canvas(buffer, f"Giấy chứng nhận {item.serial} – {item.name}")
        matrix = qr_matrix(qr_text(settings, item, public_url))
        draw_certificate(single, item, settings, matrix)
        single.showPage()
        single.save()
        path = folder / file_name(item)
        try:
            path.write_bytes(buffer.getvalue())
        except OSError as error:
            raise HoctapError(f"Không ghi được {path}: {error.strerror}.") from error
        files.append(path)
        draw_certificate(everything, item, settings, matrix)
        everything.showPage()
        if step is not None:
            step()
    everything.save()
    files.append(folder / ALL_IN_ONE)
    return files
