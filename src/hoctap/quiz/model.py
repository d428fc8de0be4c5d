"""A bank's questions, independent of the format they came in."""

from __future__ import annotations

from dataclasses import dataclass, field

TYPES = (
    "single_choice",
    "multiple_choice",
    "true_false",
    "short_answer",
    "numeric",
    "matching",
    "essay",
    "prediction",
)


@dataclass
class Answer:
    """One answer. ``fraction`` is the share of the points it earns, in [-1, 1] (Moodle's weights).

    Choice and short answers use ``text``; numeric ones ``value`` and ``tolerance`` or ``low`` and
    ``high`` (none of them: any other number, for feedback); matching ones ``text`` (left) and
    ``match`` (right; a right side without a left is a distractor).
    """

    text: str = ""
    fraction: float = 0.0
    feedback: str = ""
    value: float | None = None
    tolerance: float = 0.0
    low: float | None = None
    high: float | None = None
    match: str = ""


@dataclass
class Question:
    type: str
    text: str
    name: str = ""
    category: str = ""
    points: float = 1.0
    answers: list[Answer] = field(default_factory=list)
    feedback: str = ""
    """General feedback, shown after answering whatever the answer."""
    text_format: str = ""
    """GIFT's ``[markdown]``, ``[html]``, ``[plain]`` or ``[moodle]``, when the source says."""
    level: str = ""
    """Difficulty as the bank's author names it ("Nhận biết", "Thông hiểu", "Vận dụng")."""
    source: str = ""
    """The document (and clause) the question's facts come from."""
    ignore_case: bool = True
    """Short answers: "Hà Nội" and "hà nội" are the same answer."""
    ignore_accents: bool = False
    """Short answers: "Hà Nội" and "Ha Noi" are the same answer (đ counts as d)."""
    ignore_spaces: bool = False
    """Short answers: spaces do not count at all (runs of spaces always count as one)."""
    line: int = 0
    """Where the question starts in its source file (1-based), for messages."""


@dataclass
class Problem:
    """A question that could not be read: where, and what to do about it (Vietnamese)."""

    line: int
    message: str
