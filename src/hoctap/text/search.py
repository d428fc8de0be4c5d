"""Accent-insensitive search, used by every lookup: "nguyen van an" finds "Nguyễn Văn An"."""

from __future__ import annotations


def matches(query: str, key: str) -> bool:
    """True if every word of the query starts a word of ``key`` (both already folded)."""
    words = key.split()
    return all(any(w.startswith(q) for w in words) for q in query.split())
