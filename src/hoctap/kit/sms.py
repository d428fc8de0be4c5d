"""How many SMS a text takes: GSM 7-bit or UCS-2, as 3GPP TS 23.038 and TS 23.040 define them.

One SMS carries 140 octets: 160 characters of the GSM 7-bit default alphabet, or 70 UTF-16 code
units in UCS-2. A text longer than that is sent in parts of 153 (GSM-7) or 67 (UCS-2)
characters, because each part carries a 6-octet header. Any character outside the GSM alphabet
(most Vietnamese letters with diacritics: ă, ơ, ư, đ, ế, ...) makes the whole text UCS-2.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

# GSM 03.38 default alphabet (TS 23.038, 6.2.1) and its extension table, which costs two septets.
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")

SINGLE = {"GSM-7": 160, "UCS-2": 70}
PART = {"GSM-7": 153, "UCS-2": 67}


@dataclass(frozen=True)
class SmsSize:
    """How a text travels as SMS."""

    encoding: str
    """"GSM-7" or "UCS-2"."""
    length: int
    """Characters as the network counts them (GSM extension characters count 2)."""
    parts: int
    """Number of SMS the text is split into (0 for an empty text)."""

    @property
    def limit(self) -> int:
        """Characters one SMS holds in this encoding."""
        return SINGLE[self.encoding]


def sms_size(text: str) -> SmsSize:
    """Encoding, length and number of SMS parts of a text (in NFC, as phones send it)."""
    text = unicodedata.normalize("NFC", text)
    if all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text):
        encoding = "GSM-7"
        length = sum(2 if ch in GSM7_EXTENSION else 1 for ch in text)
    else:
        encoding = "UCS-2"
        length = len(text.encode("utf-16-le")) // 2  # an emoji takes two code units
    if length == 0:
        parts = 0
    elif length <= SINGLE[encoding]:
        parts = 1
    else:
        parts = -(-length // PART[encoding])
    return SmsSize(encoding, length, parts)


def strip_diacritics(text: str) -> str:
    """Vietnamese without diacritics, as sent to fit GSM-7 ("Ngày Sách" -> "Ngay Sach")."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize(
        "NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    )
