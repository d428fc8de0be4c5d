"""What makes a document official in Vietnam (Nghị định 30/2020/NĐ-CP, Phụ lục I): the national
motto, the place and date line, the number line, section numbering. Pure functions."""

from __future__ import annotations

from datetime import date

MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
SLOGAN = "Độc lập - Tự do - Hạnh phúc"


def date_line(place: str, day: date) -> str:
    """ "Cao Bằng, ngày 05 tháng 02 năm 2026": days below 10 and the months 1 and 2 take a
    leading zero (Nghị định 30/2020/NĐ-CP, Phụ lục I, mục II.5)."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def number_line(kind: str, abbreviation: str) -> str:
    """ "Số:      /BC-STTTT": the clerk writes the number when the document is issued."""
    suffix = f"-{abbreviation}" if abbreviation else ""
    return f"Số:\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/{kind}{suffix}"


_ROMAN = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def roman(number: int) -> str:
    """Section numbers: I, II, III, IV, ... (up to 39, enough for a report)."""
    if not 0 < number < 40:
        raise ValueError(number)
    text = ""
    for value, letters in _ROMAN:
        while number >= value:
            text += letters
            number -= value
    return text


def upper(text: str) -> str:
    """Upper case for an issuing body's name, keeping Vietnamese letters composed."""
    import unicodedata

    return unicodedata.normalize("NFC", text.upper())


def short_date(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"
