"""The one way in for text: every string from outside passes ``normalize`` before use or storage.

``normalize`` repairs legacy encodings (TCVN3, VNI, UTF-8 read as Windows-1252), composes to NFC,
puts tone marks in one canonical place and tidies spaces. ``person_name`` also title-cases.
``fold`` gives the accent-, case- and đ-insensitive key that searches compare.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from hoctap.text import legacy, syllables
from hoctap.text.legacy import Encoding

__all__ = [
    "fold",
    "format_decimal",
    "format_int",
    "normalize",
    "normalize_lines",
    "person_name",
    "person_names",
    "split_name",
    "title_case",
]

# Invisible or odd spaces that arrive from Word, Excel and web forms.
_SPACES = re.compile(r"[\s\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]+")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


# Names and answers are made of a few thousand distinct words: place each word's tone once.
_place_tone = lru_cache(maxsize=1 << 16)(syllables.place_tone)


def _place_tones(text: str) -> str:
    return _WORD.sub(lambda m: _place_tone(m.group(0)), text)


def normalize(value: object, prefer: Encoding = "unicode") -> str:
    """Clean one value from outside: legacy encodings, NFC, tone placement, spacing.

    ``prefer`` breaks ties when a short text reads equally well in two encodings; importers pass
    the encoding most cells of the same file were detected in.
    """
    if value is None:
        return ""
    return _normalize(str(value), prefer)


# Rosters repeat the same names, units and roles thousands of times: remember recent results.
@lru_cache(maxsize=1 << 16)
def _normalize(text: str, prefer: Encoding) -> str:
    if not text.strip():
        return ""
    if text.isascii():  # nothing to repair, compose or re-place: only the spacing to tidy
        return " ".join(_SPACES.split(text)).strip()
    # Repair before tidying spaces: in UTF-8 mojibake a no-break space is half of "à" ("Ã\xa0").
    text = legacy.repair(text, prefer)
    if "Ð" in text or "ð" in text:  # after repair: TCVN3 uses Ð for é
        text = text.translate(legacy.ETH_AS_D)
    return " ".join(_token(token) for token in _SPACES.split(text) if token)


# Even when whole texts differ (every full name is new), their words repeat: do each word once.
@lru_cache(maxsize=1 << 16)
def _token(token: str) -> str:
    """One space-free piece of text composed (NFC) and with its tone marks in place."""
    return _place_tones(unicodedata.normalize("NFC", token))


def normalize_lines(value: object, prefer: Encoding = "unicode") -> str:
    """``normalize`` line by line: multi-line texts (question stems, feedback) keep their breaks."""
    if value is None:
        return ""
    lines = [normalize(line, prefer) for line in str(value).splitlines()]
    return "\n".join(lines).strip("\n")


# Latin letters as Vietnamese names use them (not the digraphs ǅ/ǈ/ǋ, whose title case differs):
# for these, str.title does what title_case does, in C.
_LATIN = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u01c3\u01cd-\u024f\u1e00-\u1eff"
_LETTER_WORDS = re.compile(f"[{_LATIN}]+(?:[ -][{_LATIN}]+)*")


def title_case(text: str) -> str:
    """Capitalise each word (and each part of a hyphenated word), lower-case the rest."""
    if _LETTER_WORDS.fullmatch(text):  # letters, spaces and hyphens only: str.title agrees
        return text.title()

    def cap(word: str) -> str:
        return "-".join(part[:1].upper() + part[1:].lower() for part in word.split("-"))

    return " ".join(cap(word) for word in text.split(" "))


def person_name(value: object, prefer: Encoding = "unicode") -> str:
    """A personal name as stored: normalised, title case ("NGUYỄN văn an" -> "Nguyễn Văn An")."""
    return title_case(normalize(value, prefer))


def person_names(values: Iterable[object]) -> list[str]:
    """``person_name`` of each value, faster on long lists of distinct names.

    A name with letters only Unicode Vietnamese has (or plain ASCII) needs no legacy repair, so it
    is done word by word, and a province's names share a few thousand words.
    """
    names = []
    for value in values:
        text = "" if value is None else str(value)
        if text.isascii() or legacy.has_unicode_vietnamese(text):
            if "Ð" in text or "ð" in text:
                text = text.translate(legacy.ETH_AS_D)
            names.append(" ".join(_name_word(word) for word in _SPACES.split(text) if word))
        else:
            names.append(person_name(text))
    return names


@lru_cache(maxsize=1 << 16)
def _name_word(word: str) -> str:
    return title_case(_token(word))


def split_name(full_name: str) -> tuple[str, str, str]:
    """Family, middle and given name of a Vietnamese full name ("Nguyễn Thị Minh Khai")."""
    words = full_name.split()
    if not words:
        return "", "", ""
    if len(words) == 1:
        return "", "", words[0]
    return words[0], " ".join(words[1:-1]), words[-1]


def fold(value: object) -> str:
    """Search key: no diacritics, đ -> d, lower case, punctuation as spaces, spaces collapsed."""
    return _fold(normalize(value))


@lru_cache(maxsize=1 << 16)
def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    bare = re.sub(r"[^\w]+|_", " ", bare.casefold())
    return " ".join(bare.split())


def format_int(number: int) -> str:
    """An integer as Vietnamese writes it, with dots between thousands ("5.000")."""
    return f"{number:,}".replace(",", ".")


def format_decimal(number: float) -> str:
    """One decimal at most, with a decimal comma, as Vietnamese writes it: 93,5 and 90."""
    text = f"{number:.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")
