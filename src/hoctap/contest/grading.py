"""Grading a whole contest at once: every attempt's answer to every bank question.

``grade_answers`` takes one row per attempt and one column per question (the answer as the quiz
app or a spreadsheet records it) and gives the points each earned. Each question's distinct
answers are judged once by ``answer_fraction`` and the result spread over the rows that gave them,
so a contest of 100,000 attempts costs what its few thousand distinct answers cost.

How an answer is written: the chosen option's text (several joined by ``;``) for choice
questions; ``Đúng``/``Sai`` for true/false; the text for short answers; a number (decimal comma
or point) for numeric ones; ``left -> right`` pairs joined by ``;`` for matching.
"""

from __future__ import annotations

import math
import re
import sys
import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING

from hoctap.quiz.model import Answer, Question
from hoctap.text import fold, normalize

if TYPE_CHECKING:
    import pandas as pd

MANUAL = ("essay", "prediction")
"""Types graded by a person (essay) or not graded (the tie-break prediction): NaN points."""
_TRUE = {"dung", "true", "t", "d", "1"}
_FALSE = {"sai", "false", "f", "s", "0"}


def choice_key(text: str) -> str:
    """How option texts are compared: normalised, case ignored, diacritics kept."""
    return normalize(text).casefold()


def short_answer_key(text: str, question: Question) -> str:
    """How a short answer is compared, as the question configures."""
    text = normalize(text)
    if question.ignore_accents:
        decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
        text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        text = unicodedata.normalize("NFC", text)
    if question.ignore_case:
        text = text.casefold()
    if question.ignore_spaces:
        text = "".join(text.split())
    return text


def _number(text: str) -> float | None:
    cleaned = text.strip().replace(" ", "")
    if re.fullmatch(r"-?\d{1,3}(\.\d{3})+", cleaned):  # "1.234": a Vietnamese thousands dot
        cleaned = cleaned.replace(".", "")
    cleaned = cleaned.replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _numeric_match(answer: Answer, value: float) -> bool:
    if answer.low is not None and answer.high is not None:
        return answer.low <= value <= answer.high
    if answer.value is not None:
        return abs(value - answer.value) <= answer.tolerance + 1e-9
    return True  # "any other number": the answer that carries feedback for the rest


def _parts(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


def answer_fraction(question: Question, response: object) -> float:
    """The share of the question's points one response earns, in [0, 1]; NaN when not graded.

    A blank response earns 0. Negative weights (Moodle's penalties for wrong options) lower a
    multiple-choice total, which never goes below 0.
    """
    kind = question.type
    if kind in MANUAL:
        return math.nan
    pandas = sys.modules.get("pandas")  # a pandas NA can only come from a loaded pandas
    blank = (
        response is None
        or (pandas is not None and response is pandas.NA)
        or (isinstance(response, float) and math.isnan(response))
    )
    text = "" if blank else str(response)
    if not text.strip():
        return 0.0
    if kind == "true_false":
        word = fold(text)
        truth = True if word in _TRUE else False if word in _FALSE else None
        if truth is None:
            return 0.0
        chosen = "Đúng" if truth else "Sai"
        return max((a.fraction for a in question.answers if a.text == chosen), default=0.0)
    if kind == "single_choice":
        wanted = choice_key(text)
        fraction = max(
            (a.fraction for a in question.answers if choice_key(a.text) == wanted), default=0.0
        )
        return max(0.0, fraction)
    if kind == "multiple_choice":
        by_text = {choice_key(a.text): a.fraction for a in question.answers}
        picked = {choice_key(p) for p in _parts(text)}
        total = sum(by_text.get(c, 0.0) for c in picked)
        # Three options of 33.33333% each make a whole: weights are rounded as Moodle writes them.
        return min(1.0, max(0.0, round(total, 6)))
    if kind == "short_answer":
        given = short_answer_key(text, question)
        best = 0.0
        for answer in question.answers:
            if answer.text == "*" or short_answer_key(answer.text, question) == given:
                best = max(best, answer.fraction)
        return best
    if kind == "numeric":
        value = _number(text)
        if value is None:
            return 0.0
        return max(
            (max(0.0, a.fraction) for a in question.answers if _numeric_match(a, value)),
            default=0.0,
        )
    if kind == "matching":
        pairs = [a for a in question.answers if a.text]
        if not pairs:
            return 0.0
        given_pairs = {}
        for part in _parts(text):
            left, _, right = part.partition("->")
            given_pairs[choice_key(left)] = choice_key(right)
        right_count = sum(
            1 for a in pairs if given_pairs.get(choice_key(a.text)) == choice_key(a.match)
        )
        return right_count / len(pairs)
    raise ValueError(f"Không chấm được câu loại '{kind}'.")


def grade_answers(questions: Sequence[Question], answers: pd.DataFrame) -> pd.DataFrame:
    """Points per attempt and question, plus ``score`` (total) and ``correct`` (full marks).

    ``answers`` has a column per question, named by the question's ``name``. Columns of manually
    graded types hold NaN points and count in neither total.
    """
    import numpy as np
    import pandas as pd

    missing = [q.name for q in questions if q.name not in answers.columns]
    if missing:
        raise ValueError(f"Thiếu cột trả lời cho các câu: {', '.join(missing)}.")
    points: dict[str, np.ndarray] = {}
    full = np.zeros(len(answers), dtype=np.int64)
    for question in questions:
        column = answers[question.name]
        codes, uniques = pd.factorize(column, use_na_sentinel=False)
        fractions = np.array([answer_fraction(question, u) for u in uniques.tolist()], dtype=float)
        earned = fractions[codes] * question.points if len(fractions) else np.zeros(0)
        points[question.name] = earned
        if question.type not in MANUAL:
            full += (fractions[codes] >= 1 - 1e-6) if len(fractions) else 0
    table = pd.DataFrame(points, index=answers.index)
    graded = [q.name for q in questions if q.type not in MANUAL]
    table["score"] = table[graded].sum(axis=1).round(6) if graded else 0.0
    table["correct"] = full
    return table


def total_points(questions: Sequence[Question]) -> float:
    """The most an attempt can score on the automatically graded questions."""
    return float(sum(q.points for q in questions if q.type not in MANUAL))
