"""Legacy Vietnamese encodings still found in office files: detect them per cell and convert.

Spreadsheets typed with the old 8-bit fonts keep their text as Latin-1 characters that only look
Vietnamese in the right font: TCVN3/ABC (".VnTime": "NguyÔn V¨n An") and VNI ("Nguyeãn Vaên
An"). A UTF-8 file opened as Windows-1252 gives a third kind of mojibake ("Nguyá»…n"). Which
reading is right is decided by counting the words that are valid Vietnamese syllables.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

from hoctap.text import syllables

Encoding = Literal["unicode", "tcvn3", "vni", "utf8-as-cp1252"]

# TCVN3 (TCVN 5712:1993, VN3 "ABC" fonts): one byte per letter. Byte value -> letter.
_TCVN3_BYTES = {
    0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
    0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ",
    0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á", 0xB9: "ạ",
    0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ", 0xC6: "ặ",
    0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ",
    0xCC: "è", 0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é", 0xD1: "ẹ",
    0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ",
    0xD7: "ì", 0xD8: "ỉ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị",
    0xDF: "ò", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ",
    0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ",
    0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ",
    0xEF: "ù", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ",
    0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ", 0xF9: "ự",
    0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ",
}  # fmt: skip
_TCVN3 = str.maketrans({chr(byte): letter for byte, letter in _TCVN3_BYTES.items()})

# VNI Windows: a base letter followed by a mark byte, plus a few one-byte letters.
# Mark byte (lower-case form) -> what it adds: a tone, a letter mark, or both.
_VNI_TONES = {"ù": "\u0301", "ø": "\u0300", "û": "\u0309", "õ": "\u0303", "ï": "\u0323"}
_VNI_CIRCUMFLEX = {
    "â": "",
    "á": "\u0301",
    "à": "\u0300",
    "å": "\u0309",
    "ã": "\u0303",
    "ä": "\u0323",
}
_VNI_BREVE = {"ê": "", "é": "\u0301", "è": "\u0300", "ú": "\u0309", "ü": "\u0303", "ë": "\u0323"}
_VNI_SINGLE = {
    "ñ": "đ", "Ñ": "Đ", "ô": "ơ", "Ô": "Ơ", "ö": "ư", "Ö": "Ư",
    "ò": "ị", "Ò": "Ị", "ó": "ĩ", "Ó": "Ĩ", "æ": "ỉ", "Æ": "Ỉ", "î": "ỵ", "Î": "Ỵ",
}  # fmt: skip


def _vni_pairs() -> dict[str, str]:
    import unicodedata

    pairs: dict[str, str] = {}

    def add(base: str, mark: str, combining: str) -> None:
        for b, m in ((base, mark), (base.upper(), mark.upper())):
            pairs[b + m] = unicodedata.normalize("NFC", b + combining)

    for vowel in "aeouy":
        for mark, tone in _VNI_TONES.items():
            add(vowel, mark, tone)
    for horn_byte, horn in (("ô", "\u031b"), ("ö", "\u031b")):
        base = "o" if horn_byte == "ô" else "u"
        for mark, tone in _VNI_TONES.items():
            for b, m in ((horn_byte, mark), (horn_byte.upper(), mark.upper())):
                letter = base if b.islower() else base.upper()
                pairs[b + m] = unicodedata.normalize("NFC", letter + horn + tone)
    for vowel in "aeo":
        for mark, tone in _VNI_CIRCUMFLEX.items():
            add(vowel, mark, "\u0302" + tone)
    for mark, tone in _VNI_BREVE.items():
        add("a", mark, "\u0306" + tone)
    return pairs


_VNI_PAIRS = _vni_pairs()
_VNI_PATTERN = re.compile(
    "|".join(re.escape(k) for k in sorted(_VNI_PAIRS, key=len, reverse=True) + list(_VNI_SINGLE))
)

# Letters that mark real Unicode Vietnamese: nothing in the 8-bit encodings produces them.
_UNICODE_VIETNAMESE = re.compile(
    "[ĂăĐđĨĩŨũƠơƯư\u1ea0-\u1ef9\u0300\u0301\u0302\u0303\u0306\u0309\u031b\u0323]"
)
# The Icelandic Eth (Ð, ð) looks like Đ and is often typed for it.
ETH_AS_D = str.maketrans({"Ð": "Đ", "ð": "đ"})
_WORD_EDGE_PUNCTUATION = "\"'“”‘’()[]{},.;:!?–—-/"


_LATIN_1 = re.compile("[\x00-\xff]*")


def has_unicode_vietnamese(text: str) -> bool:
    """True if the text holds letters only Unicode Vietnamese has (ă, ơ, ư, đ, ạ, ...)."""
    return _UNICODE_VIETNAMESE.search(text) is not None


def _cp1252_byte(ch: str) -> int | None:
    code = ord(ch)
    if code < 0x100:
        return code
    try:
        return ch.encode("cp1252")[0]
    except UnicodeEncodeError:
        return None


def _from_utf8_mojibake(text: str) -> str | None:
    try:
        data = text.encode("latin-1")  # the usual case, done in C
    except UnicodeEncodeError:
        buffer = bytearray()
        for ch in text:
            byte = _cp1252_byte(ch)
            if byte is None:
                return None
            buffer.append(byte)
        data = bytes(buffer)
    try:
        decoded = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return decoded if decoded != text else None


def from_tcvn3(text: str) -> str:
    """Read text typed in a TCVN3 (ABC) font."""
    return text.translate(_TCVN3)


def from_vni(text: str) -> str:
    """Read text typed in a VNI font."""
    return _VNI_PATTERN.sub(lambda m: _VNI_PAIRS.get(m.group(0)) or _VNI_SINGLE[m.group(0)], text)


def score(text: str) -> int:
    """Number of whitespace-separated words that are valid Vietnamese syllables (or not words)."""
    return sum(_valid_token(token) for token in text.split())


@lru_cache(maxsize=1 << 16)
def _valid_token(token: str) -> bool:
    word = token.strip(_WORD_EDGE_PUNCTUATION)
    if not word or word.isdigit():
        return False
    parts = [p for p in re.split(r"[-/]", word) if p]
    return bool(parts) and all(syllables.is_valid(p) for p in parts)


def candidates(text: str) -> dict[Encoding, str]:
    """Every reading of the text that its characters allow, keyed by encoding."""
    readings: dict[Encoding, str] = {"unicode": text}
    if text.isascii() or has_unicode_vietnamese(text):
        return readings
    if _LATIN_1.fullmatch(text):
        readings["tcvn3"] = from_tcvn3(text)
        readings["vni"] = from_vni(text)
    mojibake = _from_utf8_mojibake(text)
    if mojibake is not None:
        readings["utf8-as-cp1252"] = mojibake
    return readings


def detect(text: str, prefer: Encoding = "unicode") -> Encoding:
    """The encoding whose reading gives the most valid Vietnamese words.

    A tie goes to ``prefer`` (the encoding a file is clearly written in), else to Unicode:
    "Ma Thò Lan" is valid Unicode and valid VNI (Ma Thị Lan), "Hoà" is Unicode Hòa and VNI Hồ;
    only the rest of the file can tell, and without it the text is left as typed.
    """
    readings = candidates(text)
    if len(readings) == 1:
        return "unicode"
    scores = {enc: score(reading) for enc, reading in readings.items()}
    scores["unicode"] = score(text.translate(ETH_AS_D))
    best = max(scores.values())
    winners = [enc for enc, score in scores.items() if score == best]
    if prefer in winners:
        return prefer
    if "unicode" in winners:
        return "unicode"
    return winners[0]


def repair(text: str, prefer: Encoding = "unicode") -> str:
    """Convert text from the legacy encoding it was detected in; Unicode text is unchanged."""
    readings = candidates(text)
    if len(readings) == 1:  # Unicode Vietnamese or plain ASCII: nothing to choose between
        return text
    return readings[detect(text, prefer)]
