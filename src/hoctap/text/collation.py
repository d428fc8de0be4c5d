"""Vietnamese alphabetical order (ICU's ``vi`` collation): A Ă Â B C D Đ E Ê ... O Ô Ơ ... Ư ... Y.

Python's own sort puts Đ, Ơ, Ư and accented capitals after Z; lists people read use this instead.
"""

from __future__ import annotations

from functools import cache


@cache
def _collator() -> object:
    import icu

    return icu.Collator.createInstance(icu.Locale("vi"))


def sort_key(text: str) -> bytes:
    """A key that sorts strings in Vietnamese order."""
    return _collator().getSortKey(text)  # type: ignore[attr-defined,no-any-return]


def name_key(family: str, middle: str, given: str) -> tuple[bytes, bytes, bytes]:
    """Vietnamese name lists sort by given name, then middle name, then family name."""
    return sort_key(given), sort_key(middle), sort_key(family)
