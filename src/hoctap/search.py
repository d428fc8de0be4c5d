"""Accent-insensitive search, used by every lookup: "nguyen van an" finds "Nguyễn Văn An"."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from hoctap.text import fold

T = TypeVar("T")


def matches(query: str, key: str) -> bool:
    """True if every word of the query starts a word of ``key`` (both already folded)."""
    words = key.split()
    return all(any(w.startswith(q) for w in words) for q in query.split())


def search(items: Iterable[T], query: str, key: Callable[[T], str]) -> list[T]:
    """The items whose text ``key(item)`` matches the query, ignoring case, accents and đ/d."""
    folded = fold(query)
    if not folded:
        return list(items)
    return [item for item in items if matches(folded, fold(key(item)))]
