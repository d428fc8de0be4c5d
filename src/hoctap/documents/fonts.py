"""The font every document uses: Liberation Serif, shipped with hoctap (SIL Open Font License,
``data/fonts/OFL.txt``). It has every Vietnamese letter precomposed and the metrics of Times New
Roman, the face Nghị định 30/2020/NĐ-CP asks official documents to use."""

from __future__ import annotations

from functools import cache
from pathlib import Path

FONT_DIR = Path(__file__).resolve().parents[1] / "data" / "fonts"
FAMILY = "HoctapSerif"
FACES = {
    FAMILY: "LiberationSerif-Regular.ttf",
    f"{FAMILY}-Bold": "LiberationSerif-Bold.ttf",
    f"{FAMILY}-Italic": "LiberationSerif-Italic.ttf",
    f"{FAMILY}-BoldItalic": "LiberationSerif-BoldItalic.ttf",
}
REGULAR, BOLD, ITALIC, BOLD_ITALIC = FACES


@cache
def register_pdf_fonts() -> str:
    """Register the faces with ReportLab once; returns the family name."""
    from reportlab import rl_config
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    from hoctap.errors import HoctapError

    # Binary streams: ASCII85 adds a quarter to every file and to the time to write it.
    rl_config.useA85 = 0
    for name, file in FACES.items():
        try:
            pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / file)))
        except (OSError, Exception) as error:
            raise HoctapError(
                f"Không đọc được phông chữ {file}: {error}",
                "Cài lại hoctap (pip install -e .) để có lại thư mục hoctap/data/fonts.",
            ) from error
    addMapping(FAMILY, 0, 0, REGULAR)
    addMapping(FAMILY, 1, 0, BOLD)
    addMapping(FAMILY, 0, 1, ITALIC)
    addMapping(FAMILY, 1, 1, BOLD_ITALIC)
    return FAMILY


@cache
def chart_font() -> str:
    """Add the faces to matplotlib's font list; returns the family name it knows them by."""
    from matplotlib import font_manager

    for file in FACES.values():
        font_manager.fontManager.addfont(str(FONT_DIR / file))
    return "Liberation Serif"
