"""Checks on news writing: reading time of a radio script, the elements of a lead, hashtags, links.

These are rules of the craft turned into functions the exercises grade with; each returns what it
found, so the feedback can say exactly what is missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hoctap.text import fold


def word_count(text: str) -> int:
    """Spoken words: Vietnamese writes one syllable per word, separated by spaces."""
    return len(re.findall(r"[^\W_]+", text))


def reading_seconds(text: str, words_per_minute: float) -> float:
    """How long reading the text aloud takes at the given rate."""
    if words_per_minute <= 0:
        raise ValueError("words_per_minute must be positive")
    return word_count(text) * 60.0 / words_per_minute


# Markers of each element of a lead, in folded form (no accents, lower case).
_WHEN = re.compile(
    r"\b(\d{1,2}\s*/\s*\d{1,2}(\s*/\s*\d{2,4})?|ngay\s+\d{1,2}|thang\s+\d{1,2}|nam\s+20\d\d"
    r"|\d{1,2}\s*(gio|h)\b|sang|chieu|toi|hom nay|ngay mai|hom qua|tuan (nay|toi|qua)"
    r"|thu (hai|ba|tu|nam|sau|bay)|chu nhat)\b"
)
_WHERE = re.compile(
    r"\b(tai|o)\s+\w+|\b(xa|phuong|nha van hoa|thu vien|truong|hoi truong|san van dong"
    r"|trung tam|diem buu dien|thon|xom|ban|to dan pho)\b"
)
_WHO = re.compile(
    r"\b(ubnd|uy ban|hoi|doan|so|phong|truong|thu vien|xa|phuong|ban|ho gia dinh|nguoi dan"
    r"|ba con|hoc sinh|can bo|hoi vien|doan vien|thanh nien|phu nu|cong chuc|giao vien"
    r"|cac em|nhan dan)\b"
)


@dataclass(frozen=True)
class LeadElements:
    """Which of the questions a lead must answer it does answer."""

    who: bool
    what: bool
    when: bool
    where: bool

    def missing(self) -> list[str]:
        labels = {"who": "ai", "what": "việc gì", "when": "khi nào", "where": "ở đâu"}
        return [label for key, label in labels.items() if not getattr(self, key)]


def lead_elements(text: str, what: list[str]) -> LeadElements:
    """Find who, what (any of the given key phrases), when and where in a news lead."""
    key = fold(text)
    return LeadElements(
        who=_WHO.search(key) is not None,
        what=any(fold(phrase) in key for phrase in what),
        when=_WHEN.search(key) is not None,
        where=_WHERE.search(key) is not None,
    )


def hashtags(text: str) -> list[str]:
    """The hashtags of a post, as written ("#HocTapSuotDoi")."""
    return re.findall(r"(?<![\w#])#\w+", text)


def links(text: str) -> list[str]:
    """The web addresses of a post."""
    return re.findall(r"https?://[^\s<>\"')]+", text)
