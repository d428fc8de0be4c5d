"""The text of a rendered PDF, page by page."""

from __future__ import annotations

from pathlib import Path


def pdf_pages(path: Path) -> list[str]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    try:
        return [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()
