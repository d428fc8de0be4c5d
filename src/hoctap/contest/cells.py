"""Reading the cells of a contest's answers, a whole column at a time: answers compared with the
key, predictions read as numbers, phone numbers as their stored form."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from hoctap.errors import ContactError
from hoctap.people.contacts import parse_phone
from hoctap.text import normalize

_NUMBERS = re.compile(r"(?<![\d.,])(-?)(\d(?:[\d.,]|\s(?=\d{3}\b))*\d|\d)")


_THOUSANDS = re.compile(r"^\d{1,3}(?:[.,\s]\d{3})+$")


_DECIMAL = re.compile(r"^\d+(?:[.,]\d+)?$")


_PHONE_VALID = re.compile(r"0[35789]\d{8}|02\d{9}")


def answer_key(text: str) -> str:
    """How answers are compared: normalised, case ignored, diacritics kept ("Đúng" ≠ "Dung")."""
    return normalize(text).casefold()


def by_distinct(
    column: pd.Series,
    rule: Callable[[object], object],
    dtype: str,
    bulk: Callable[[list[Any]], Sequence[object]] | None = None,
) -> np.ndarray:
    """``rule`` applied once per distinct value of the column, spread back over its rows.

    ``bulk``, when given, does the same for a whole list of distinct values at once.
    """
    if isinstance(column.dtype, pd.CategoricalDtype):  # already distinct: no hashing needed
        codes, uniques = column.cat.codes.to_numpy(), column.cat.categories
    else:
        codes, uniques = pd.factorize(column, use_na_sentinel=False)
    distinct = uniques.tolist()
    results = bulk(distinct) if bulk else [rule(u) for u in distinct]
    values = np.array(results, dtype=dtype)
    return values[codes] if len(values) else np.array([], dtype=dtype)


def exact_choice(response: str, answers: Sequence[str]) -> bool:
    """Whether a response holds exactly the correct options, in any order.

    Forms join checkbox answers with ``;`` (or ``, ``); an option's own text may hold a comma, so
    the response is read as a sequence of the correct options, each once.
    """
    wanted = {answer_key(a) for a in answers}
    text = answer_key(response)
    if len(wanted) == 1:
        return text in wanted
    remaining = set(wanted)
    while text:
        for option in sorted(remaining, key=len, reverse=True):
            if text.startswith(option):
                rest = text[len(option) :].lstrip()
                if not rest or rest[0] in ";,":
                    remaining.discard(option)
                    text = rest[1:].lstrip()
                    break
        else:
            return False
    return not remaining


def parse_prediction(value: object) -> float:
    """A prediction as a number: "1.234", "1,234" and "1 234" are 1234; NaN when not a number.

    Words around the number are allowed ("khoảng 500 người"); two numbers ("150-200") are not a
    prediction, so they count as blank.
    """
    numbers = _NUMBERS.findall(str(value))
    if len(numbers) != 1:
        return float("nan")
    sign, text = numbers[0]
    if _THOUSANDS.match(text):
        number = float(re.sub(r"[.,\s]", "", text))
    elif _DECIMAL.match(text):
        number = float(text.replace(",", "."))
    else:
        return float("nan")
    return -number if sign else number


def phone_keys(column: pd.Series) -> np.ndarray:
    """Each entry's phone number in its stored form ("" when blank).

    A number already in that form is taken as it is; only the others go through
    ``parse_phone``. An unreadable number keeps its digits, so two entries typing it the same way
    still count as one.
    """
    valid = _PHONE_VALID.fullmatch
    return np.array(
        [v if valid(v) else _phone_key(v) if v else "" for v in column.astype(str).tolist()],
        dtype=object,
    )


def predictions(column: pd.Series) -> np.ndarray:
    """Each entry's prediction as a number (NaN when blank or not a number), column-wise."""
    text = column.astype(str).str.strip()
    # Plain digits are read in one go; "1.000" is a thousand in Vietnamese, so the rest is read
    # one distinct value at a time.
    plain = text.str.fullmatch(r"[0-9]+").to_numpy(dtype=bool)
    values: np.ndarray = np.full(len(text), np.nan)
    values[plain] = pd.to_numeric(text[plain]).to_numpy(dtype="float64")
    odd = ~plain & (text != "").to_numpy(dtype=bool)
    if odd.any():
        values[odd] = by_distinct(column[odd], parse_prediction, "float64")
    return values


def as_text(column: pd.Series) -> pd.Series:
    """The column as text; categories stay categories (their values are text already)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column
    return column.astype(str)


def checker(answers: Sequence[str]) -> Callable[[object], bool]:
    return lambda response: exact_choice(str(response), answers)


def _phone_key(value: object) -> str:
    try:
        return parse_phone(value)
    except ContactError:
        return re.sub(r"\D", "", str(value))
