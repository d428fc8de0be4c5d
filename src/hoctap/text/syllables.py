"""Vietnamese syllable structure: parsing, validity, and the one canonical tone-mark placement.

A written syllable is initial consonant + vowel cluster + final consonant, with at most one tone
mark on one vowel of the cluster. Two placements are in use for open "oa", "oe", "uy" ("Hòa" and
"Hoà", "Thủy" and "Thuỷ"); we store the traditional one, which official documents and the
province's plan use ("Hòa", "Thủy", "Ủy ban").
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Combining tone marks (NFD): huyền, sắc, ngã, hỏi, nặng.
TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
# Combining letter marks that make new vowels: circumflex (â ê ô), breve (ă), horn (ơ ư).
LETTER_MARKS = frozenset("\u0302\u0306\u031b")

_INITIALS = (
    "ngh", "ng", "gh", "gi", "kh", "nh", "ph", "th", "tr", "ch", "qu",
    "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x",
)  # fmt: skip
_FINALS = frozenset({"", "c", "ch", "m", "n", "ng", "nh", "p", "t"})
_VOWELS = frozenset("aăâeêioôơuưy")
# Vowel clusters (tone marks removed) that Vietnamese spelling allows.
_CLUSTERS = frozenset(
    [
        "a",
        "ă",
        "â",
        "e",
        "ê",
        "i",
        "o",
        "ô",
        "ơ",
        "u",
        "ư",
        "y",
        "ai",
        "ao",
        "au",
        "âu",
        "ay",
        "ây",
        "eo",
        "êu",
        "ia",
        "iê",
        "iu",
        "oa",
        "oă",
        "oe",
        "oi",
        "ôi",
        "ơi",
        "oo",
        "ua",
        "uâ",
        "uê",
        "ui",
        "uô",
        "uơ",
        "uy",
        "ưa",
        "ưi",
        "ươ",
        "ưu",
        "yê",
        "iêu",
        "oai",
        "oay",
        "oeo",
        "uây",
        "uôi",
        "uya",
        "uyê",
        "uyu",
        "ươi",
        "ươu",
        "yêu",
    ]
)
# Clusters that only occur before a final consonant (iê, yê, uô, ươ, oă, uâ, uyê) or only open.
_NEEDS_FINAL = frozenset({"iê", "yê", "uô", "ươ", "oă", "uâ", "uyê", "oo"})
_OPEN_ONLY = frozenset(
    {"ai", "ao", "au", "âu", "ay", "ây", "eo", "êu", "ia", "iu", "oi", "ôi", "ơi", "ua", "ưa",
     "ui", "ưi", "ưu", "iêu", "yêu", "oai", "oay", "oeo", "uây", "uôi", "uya", "uyu", "ươi",
     "ươu"}
)  # fmt: skip
# After a stop final (c, ch, p, t) only sắc or nặng is possible.
_STOP_FINALS = frozenset({"c", "ch", "p", "t"})
# Spelling of /k/, /ŋ/, /ɣ/: k, gh, ngh before e, ê, i, y; c, ng, g elsewhere.
_FRONT_VOWELS = frozenset("eêiy")
_FRONT_ONLY_INITIALS = frozenset({"k", "gh", "ngh"})
_NOT_FRONT_INITIALS = {"c": _FRONT_VOWELS, "ng": _FRONT_VOWELS, "g": frozenset("eê")}
# Finals after the last vowel: -nh/-ch only after a, ê, i, y ("anh", "ếch", "inh", "huynh");
# -ng/-c never after i or y (written -nh/-ch: "tinh", not "ting").
_PALATAL_FINALS = frozenset({"nh", "ch"})
_VELAR_FINALS = frozenset({"ng", "c"})


@dataclass(frozen=True)
class Letter:
    """One written letter: its base character, its letter marks and its tone mark, if any."""

    base: str
    marks: str
    tone: str

    @property
    def plain(self) -> str:
        """The letter without its tone, composed and lower-cased (e.g. "ơ", "đ", "a")."""
        return unicodedata.normalize("NFC", self.base + self.marks).lower()

    def render(self, tone: str) -> str:
        return unicodedata.normalize("NFC", self.base + self.marks + tone)


@dataclass(frozen=True)
class Syllable:
    """A parsed syllable: letters, and where its vowel cluster starts and ends."""

    letters: tuple[Letter, ...]
    vowel_start: int
    vowel_end: int
    initial: str
    final: str

    @property
    def cluster(self) -> str:
        return "".join(letter.plain for letter in self.letters[self.vowel_start : self.vowel_end])

    @property
    def tones(self) -> list[str]:
        return [letter.tone for letter in self.letters if letter.tone]


def split_letters(word: str) -> tuple[Letter, ...] | None:
    """Split a word into letters; None if it holds anything but letters and combining marks."""
    letters: list[Letter] = []
    for ch in unicodedata.normalize("NFD", word):
        if unicodedata.combining(ch):
            if not letters:
                return None
            last = letters[-1]
            if ch in TONE_MARKS:
                if last.tone:
                    return None
                letters[-1] = Letter(last.base, last.marks, ch)
            else:
                letters[-1] = Letter(last.base, last.marks + ch, last.tone)
        elif ch.isalpha():
            letters.append(Letter(ch, "", ""))
        else:
            return None
    return tuple(letters) if letters else None


def parse(word: str) -> Syllable | None:
    """Parse one word as a Vietnamese syllable, or return None if it cannot be one."""
    letters = split_letters(word)
    if letters is None:
        return None
    plain = "".join(letter.plain for letter in letters)
    for initial in (*_INITIALS, ""):
        if not plain.startswith(initial):
            continue
        start = len(initial)
        end = start
        while end < len(plain) and plain[end] in _VOWELS:
            end += 1
        final = plain[end:]
        # "gi" and "qu" keep their vowel letter only when another vowel follows ("già", "quả");
        # otherwise the i or u is the syllable's vowel ("gìn" = g + in, "gì" = g + i).
        if end == start or final not in _FINALS:
            continue
        return Syllable(letters, start, end, initial, final)
    return None


def tone_position(syllable: Syllable) -> int:
    """Index (into the syllable's letters) of the vowel that carries the tone, traditional style."""
    start, end = syllable.vowel_start, syllable.vowel_end
    vowels = syllable.letters[start:end]
    marked = [i for i, letter in enumerate(vowels) if letter.marks]
    if marked:
        # ươ, iê, uô, ... : the tone goes on the (last) vowel with a letter mark.
        return start + marked[-1]
    if len(vowels) == 1:
        return start
    if syllable.final:
        return end - 1  # "hoàng", "toán", "tuýt": on the last vowel before the final.
    if len(vowels) == 3:
        return start + 1  # "hoài", "xoáy", "khuỷu": on the middle vowel.
    return start  # open two-vowel clusters: "hòa", "thủy", "khỏe", "mía", "múa".


@lru_cache(maxsize=1 << 16)
def is_valid(word: str) -> bool:
    """True if the word is a well-formed Vietnamese syllable with its tone on a possible vowel."""
    syllable = parse(word)
    if syllable is None or syllable.cluster not in _CLUSTERS:
        return False
    if syllable.final and syllable.cluster in _OPEN_ONLY:
        return False
    if not syllable.final and syllable.cluster in _NEEDS_FINAL:
        return False
    first_vowel = syllable.letters[syllable.vowel_start].plain
    if syllable.initial in _FRONT_ONLY_INITIALS and first_vowel not in _FRONT_VOWELS:
        return False
    if first_vowel in _NOT_FRONT_INITIALS.get(syllable.initial, frozenset()):
        return False
    last_vowel = syllable.letters[syllable.vowel_end - 1].plain
    if syllable.final in _PALATAL_FINALS and last_vowel not in "aêiy":
        return False
    if syllable.final in _VELAR_FINALS and last_vowel in "iy":
        return False
    tones = syllable.tones
    if len(tones) > 1:
        return False
    if tones and syllable.final in _STOP_FINALS and tones[0] not in ("\u0301", "\u0323"):
        return False
    if tones:
        # Either placement in use is acceptable: the canonical one, or the last vowel of an
        # open oa/oe/uy (the "new" placement).
        position = next(i for i, letter in enumerate(syllable.letters) if letter.tone)
        canonical = tone_position(syllable)
        new_style = syllable.cluster in ("oa", "oe", "uy") and position == syllable.vowel_end - 1
        if position != canonical and not new_style:
            return False
    return True


@lru_cache(maxsize=1 << 16)
def place_tone(word: str) -> str:
    """Move a word's tone mark to its canonical vowel; other words are returned unchanged."""
    syllable = parse(word)
    if syllable is None:
        return word
    tones = syllable.tones
    if len(tones) != 1:
        return word
    target = tone_position(syllable)
    rendered = [
        letter.render(tones[0] if i == target else "") for i, letter in enumerate(syllable.letters)
    ]
    return "".join(rendered)
