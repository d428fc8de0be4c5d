"""Ranking a contest run on Google Forms: its responses export and an answer key, by the rules.

The export has ``Dấu thời gian``/``Timestamp``, optional ``Điểm``/``Score``, ``Họ và tên``,
``Đơn vị``, ``Số điện thoại``, then one column per question (the chosen option's text; checkbox
answers joined by ``;``) and the prediction question's column. The key has two columns: the
question's header and its correct answer (several joined by ``;``).

Everything here works on whole columns: each distinct answer of a question is checked once, and
the result spread over the rows that gave it. Nothing on this path imports Jupyter or nbgrader.
"""

from __future__ import annotations

import csv
import difflib
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zipfile import BadZipFile

import numpy as np
import pandas as pd

from hoctap.contest.groups import GroupRules, group_standings
from hoctap.contest.prizes import DEFAULT_LEVELS, TieFlag, award
from hoctap.contest.ranking import (
    DEFAULT_ORDER,
    PREDICT_PERFECT,
    PREDICT_TOTAL,
    prediction_distance,
    prediction_truth,
    rank_entries,
    rank_keys,
)
from hoctap.errors import HoctapError
from hoctap.people.contacts import ContactError, mask_phone, parse_phone
from hoctap.text import fold, normalize, person_name, person_names

COLUMNS = [
    "Hạng",
    "Họ và tên",
    "Đơn vị",
    "Số câu đúng",
    "Dự đoán",
    "Chênh lệch dự đoán",
    "Thời điểm nộp",
    "Giải",
]
GROUP_COLUMNS = [
    "Hạng",
    "Đơn vị",
    "Số người dự thi",
    "Số thành viên",
    "Tỉ lệ tham gia (%)",
    "Số câu đúng trung bình",
    "Giải",
]
DUPLICATE_COLUMNS = ["Số điện thoại", "Họ và tên", "Số lần nộp", "Lần được tính", "Các lần nộp"]
TIME_FORMAT = "%d/%m/%Y %H:%M:%S"

# Headers are compared folded (no case, no diacritics, no punctuation).
_HEADERS: dict[str, tuple[str, ...]] = {
    "timestamp": ("Dấu thời gian", "Timestamp", "Thời gian", "Thời điểm nộp", "Thời gian nộp"),
    "score": ("Điểm", "Score", "Tổng điểm", "Total score"),
    "name": ("Họ và tên", "Họ tên", "Full name", "Name", "Họ và tên người dự thi", "Tên"),
    "unit": ("Đơn vị", "Unit", "Cơ quan, đơn vị", "Đơn vị công tác", "Cơ quan", "Organization"),
    "phone": ("Số điện thoại", "Điện thoại", "Phone", "Phone number", "SĐT", "Số ĐT"),
}
# Columns that hold personal details, not answers: read past, never shown.
_PERSONAL = (
    "Email",
    "Email address",
    "Địa chỉ email",
    "Địa chỉ thư điện tử",
    "CCCD",
    "Số CCCD",
    "Số căn cước",
    "Số căn cước công dân",
    "CMND",
    "Năm sinh",
    "Ngày sinh",
    "Giới tính",
    "Chức vụ",
    "Địa chỉ",
    "Dân tộc",
)
_DATE_FORMATS = {
    "dmy": ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y"),
    "mdy": ("%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y"),
    "iso": (
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M:%S.%f",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d",
    ),
}
_NUMBERS = re.compile(r"(?<![\d.,])(-?)(\d(?:[\d.,]|\s(?=\d{3}\b))*\d|\d)")
_THOUSANDS = re.compile(r"^\d{1,3}(?:[.,\s]\d{3})+$")
_DECIMAL = re.compile(r"^\d+(?:[.,]\d+)?$")


def _header(text: object) -> str:
    return fold(text).replace(" ", "")


def _answer_key(text: str) -> str:
    """How answers are compared: normalised, case ignored, diacritics kept ("Đúng" ≠ "Dung")."""
    return normalize(text).casefold()


@dataclass(frozen=True)
class FormsRules:
    """How one Forms contest is ranked; every field has the published rules' default."""

    predict: str = PREDICT_TOTAL
    """What the prediction question asks: ``total`` participants or ``perfect`` scorers."""
    prediction_column: str | None = None
    """The prediction question's header, when it does not contain "dự đoán"."""
    keep: str = "first"
    """Of several entries from one phone number: ``first`` (earliest), ``last`` or ``best``."""
    levels: Sequence[tuple[str, int]] = DEFAULT_LEVELS
    min_score: float | None = None
    order: Sequence[str] = DEFAULT_ORDER
    date_order: str | None = None
    """``dmy`` or ``mdy``; None: as the headers' language implies, checked against the data."""
    ignore_columns: Sequence[str] = ()
    """Headers to read past (neither question nor detail), as given with --ignore-column."""
    groups: GroupRules | None = None
    """Rank units for the group prizes too."""


@dataclass
class FormsResult:
    """A ranked Forms contest, ready to print or save."""

    ranking: pd.DataFrame
    """The ``COLUMNS``, one row per counted entry, in rank order."""
    truth: int
    """The prediction's true value, computed from the counted entries."""
    predict: str
    questions: list[str]
    duplicates: pd.DataFrame
    """The ``DUPLICATE_COLUMNS``, one row per phone number that sent more than one entry."""
    flags: list[TieFlag]
    blank_predictions: int
    groups: pd.DataFrame | None = None
    group_flags: list[TieFlag] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Things the organisers should check (Vietnamese): answers that match no response, …"""
    entrants: pd.Series | None = None
    """Per ranking row, the entry's ``entrant`` (a platform contest's entrant id), when given."""


# -- reading ---------------------------------------------------------------------------------


def _fail_read(path: object, error: Exception) -> HoctapError:
    return HoctapError(
        f"Không đọc được tệp {path}: {error or type(error).__name__}.",
        "Mở tệp bằng Excel hoặc LibreOffice và lưu lại dạng .xlsx hoặc .csv (UTF-8). Tệp trả lời "
        "của Google Forms: Câu trả lời → Tải xuống câu trả lời (.csv).",
    )


def read_sheet(
    path: Path, categorical: Callable[[list[str]], list[str]] | None = None
) -> pd.DataFrame:
    """A CSV or XLSX sheet as text cells ('' when empty); times from XLSX stay datetimes.

    ``categorical`` picks, from a CSV's headers, the columns with few distinct values (answers,
    units) to read as categories: pandas then keeps each distinct text once.
    """
    path = Path(path)
    if not path.is_file():
        raise HoctapError(f"Không tìm thấy tệp {path}.", "Kiểm tra lại đường dẫn tới tệp.")
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm"):
            return _read_xlsx(path)
        if suffix in (".csv", ".txt", ".tsv"):
            return _read_csv(path, categorical)
    except (OSError, ValueError, KeyError, BadZipFile, csv.Error) as error:
        raise _fail_read(path, error) from error
    raise HoctapError(
        f"Chưa đọc được tệp loại '{suffix or path.name}'.", "Dùng tệp .csv hoặc .xlsx."
    )


def _read_xlsx(path: Path) -> pd.DataFrame:
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        frame = pd.read_excel(path, dtype=object, engine="openpyxl")
    except InvalidFileException as error:
        raise _fail_read(path, error) from error
    for column in frame.columns:
        if not pd.api.types.is_datetime64_any_dtype(frame[column]):
            frame[column] = frame[column].map(_cell_text)
    frame.columns = [str(c) for c in frame.columns]
    return frame


def _read_csv(
    path: Path, categorical: Callable[[list[str]], list[str]] | None = None
) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", nrows=0)
        if frame.shape[1] > 1:
            chosen = categorical([str(c) for c in frame.columns]) if categorical else []
            types: dict[str, object] = {c: "category" for c in chosen}
            frame = pd.read_csv(
                path,
                dtype=defaultdict(lambda: str, types),
                keep_default_na=False,
                encoding="utf-8-sig",
            )
    except UnicodeDecodeError:  # not UTF-8: an 8-bit or UTF-16 file saved by Excel
        frame = None
    if frame is not None and (frame.shape[1] > 1 or not _other_separator(frame.columns)):
        return frame
    # A ';' or tab separated file (Excel in a Vietnamese locale), or one not in UTF-8.
    from io import StringIO

    from hoctap.io.readers import decode_bytes

    text = decode_bytes(path.read_bytes())
    first = text.split("\n", 1)[0]
    separator = ";" if first.count(";") > first.count("\t") else "\t" if "\t" in first else ","
    return pd.read_csv(StringIO(text), dtype=str, keep_default_na=False, sep=separator)


def _other_separator(columns: pd.Index) -> bool:
    return len(columns) == 1 and any(c in str(columns[0]) for c in ";\t")


@dataclass(frozen=True)
class Roster:
    """Units' member counts for the group prizes, by unit key (``hoctap.people.units.unit_key``)."""

    members: dict[str, int]
    names: dict[str, str]
    """Each unit key's name as the roster writes it, to show units nobody entered from."""


def read_roster(path: Path) -> Roster:
    """Members per unit, from a sheet of units with a count column or a list of people."""
    from hoctap.people.units import unit_key

    frame = read_sheet(path)
    headers = {_header(h): h for h in frame.columns}
    unit = next(
        (headers[k] for k in ("donvi", "unit", "coquandonvi", "coquan") if k in headers), None
    )
    if unit is None:
        raise HoctapError(
            f"Tệp {path.name} không có cột 'Đơn vị'.",
            "Danh sách cần cột 'Đơn vị', và cột 'Số thành viên' nếu mỗi dòng là một đơn vị.",
        )
    count = next(
        (headers[k] for k in ("sothanhvien", "songuoi", "tongso", "members") if k in headers), None
    )
    keys = by_distinct(frame[unit].astype(str), lambda u: unit_key(str(u)), "object")
    names = {str(k): normalize(n) for k, n in zip(keys, frame[unit].astype(str), strict=True)}
    if count is None:  # a list of people: count them
        counts = pd.Series(keys).value_counts().items()
        return Roster({str(k): int(v) for k, v in counts if k}, names)
    numbers = pd.to_numeric(frame[count].astype(str).str.replace(".", ""), errors="coerce")
    if numbers.isna().any():
        row = int(np.flatnonzero(numbers.isna().to_numpy())[0])
        raise HoctapError(
            f"Dòng {row + 2}, cột '{count}': '{frame[count].iloc[row]}' không phải là số.",
        )
    sums = numbers.groupby(keys).sum().items()
    return Roster({str(k): int(v) for k, v in sums if k}, names)


def _cell_text(value: object) -> object:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, pd.Timestamp):
        return value
    return str(value)


def read_key(frame: pd.DataFrame) -> list[tuple[str, list[str]]]:
    """(question header, correct answers) from a two-column sheet, with or without a header row."""
    if frame.shape[1] < 2:
        raise HoctapError(
            "Tệp đáp án cần hai cột: câu hỏi (đúng như tiêu đề cột trong tệp trả lời) và đáp án.",
            "Nhiều đáp án đúng của một câu: viết cách nhau bằng dấu ;.",
        )
    rows = [(str(frame.columns[0]), str(frame.columns[1]))]
    rows += [(str(a), str(b)) for a, b in frame.iloc[:, :2].itertuples(index=False)]
    if _header(rows[0][1]) in ("dapan", "answer", "dapandung", "correctanswer"):
        rows = rows[1:]
    key: list[tuple[str, list[str]]] = []
    for question, answer in rows:
        if not question.strip() or question.startswith("Unnamed:"):
            continue
        answers = [a.strip() for a in answer.split(";") if a.strip()]
        if not answers:
            raise HoctapError(f"Câu '{question}' trong tệp đáp án chưa có đáp án.")
        key.append((normalize(question), answers))
    if not key:
        raise HoctapError("Tệp đáp án không có câu nào.")
    return key


# -- the columns ------------------------------------------------------------------------------


@dataclass
class _Layout:
    details: dict[str, str]
    """Detail key (timestamp, name, …) -> header."""
    questions: dict[str, list[str]]
    """Header -> the key's correct answers."""
    prediction: str | None
    english: bool


def _detail_like(header: str) -> bool:
    """A short header that is not a question: a form's field for a personal detail."""
    return len(header) <= 50 and "?" not in header and not fold(header).startswith("cau ")


def _layout(headers: Sequence[str], key: list[tuple[str, list[str]]], rules: FormsRules) -> _Layout:
    folded = {h: _header(h) for h in headers}
    details: dict[str, str] = {}
    keyed = {_answer_key(q) for q, _ in key}  # compared as the key is matched to headers
    for name, spellings in _HEADERS.items():
        wanted = {_header(s) for s in spellings}
        free = [h for h in headers if h not in details.values() and _answer_key(h) not in keyed]
        found = next((h for h in free if folded[h] in wanted), None)
        if found is None:  # "Số điện thoại liên hệ", "Đơn vị công tác (xã, phường)"
            found = next(
                (
                    h
                    for h in free
                    if _detail_like(h)
                    and folded[h].startswith(tuple(w for w in wanted if len(w) > 4))
                ),
                None,
            )
        if found is not None:
            details[name] = found
    ignored = {_header(s) for s in (*_PERSONAL, *rules.ignore_columns)}
    if rules.prediction_column is not None:
        wanted_prediction = _header(rules.prediction_column)
        prediction = next((h for h in headers if folded[h] == wanted_prediction), None)
        if prediction is None:
            raise HoctapError(
                f"Không có cột '{rules.prediction_column}' (câu dự đoán) trong tệp trả lời.",
                "Các cột có: " + "; ".join(headers),
            )
    else:
        prediction = next(
            (h for h in headers if "du doan" in fold(h) and _answer_key(h) not in keyed), None
        )
    # Forms lets two questions share a title; pandas then names the second "Title.1". The n-th
    # key row of a title goes with the n-th column of that title.
    by_text: dict[str, list[str]] = {}
    present = set(headers)
    for h in headers:
        base, dot, number = h.rpartition(".")
        title = base if dot and number.isdigit() and base in present else h
        by_text.setdefault(_answer_key(title), []).append(h)
    questions: dict[str, list[str]] = {}
    missing = []
    for question, answers in key:
        matches = by_text.get(_answer_key(question))
        header = matches.pop(0) if matches else None
        if header is None:
            missing.append(question)
        else:
            questions[header] = answers
    if missing:
        close = [difflib.get_close_matches(m, list(headers), n=1, cutoff=0.6) for m in missing[:3]]
        hint = "; ".join(
            f"'{m}' → có phải '{c[0]}'?" for m, c in zip(missing, close, strict=False) if c
        )
        raise HoctapError(
            f"Tệp đáp án có {len(missing)} câu không khớp cột nào của tệp trả lời: "
            + "; ".join(f"'{m}'" for m in missing[:5])
            + ("…" if len(missing) > 5 else ""),
            (hint + ". " if hint else "")
            + "Chép đúng tiêu đề cột của tệp trả lời vào cột câu hỏi của tệp đáp án.",
        )
    if "timestamp" not in details:
        raise HoctapError(
            "Tệp trả lời không có cột 'Dấu thời gian' (hoặc 'Timestamp').",
            "Dùng tệp tải xuống từ Google Forms, giữ nguyên cột thời gian ở đầu.",
        )
    known = set(details.values()) | set(questions) | ({prediction} if prediction else set())
    unknown = [h for h in headers if h not in known and folded[h] not in ignored]
    unknown = [h for h in unknown if not h.startswith("Unnamed:")]
    if unknown:
        raise HoctapError(
            f"Tệp trả lời có {len(unknown)} cột không có trong đáp án: "
            + "; ".join(f"'{u}'" for u in unknown[:5])
            + ("…" if len(unknown) > 5 else ""),
            "Thêm câu đó vào tệp đáp án, hoặc bỏ qua cột bằng --ignore-column 'TIÊU ĐỀ CỘT'.",
        )
    english = details["timestamp"].strip().lower() == "timestamp"
    return _Layout(details, questions, prediction, english)


# -- the cells --------------------------------------------------------------------------------


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
    wanted = {_answer_key(a) for a in answers}
    text = _answer_key(response)
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


def _times(column: pd.Series, layout: _Layout, rules: FormsRules) -> tuple[pd.Series, pd.Series]:
    """The submission times, and how to show them (dd/mm/yyyy HH:MM:SS)."""
    parsed = _read_times(column, layout, rules)
    if (
        column.dtype != object
        and (rules.date_order or ("mdy" if layout.english else "dmy")) == "dmy"
        and not pd.api.types.is_datetime64_any_dtype(column)
    ):
        text = column.astype(str)
        # Already written as shown (Forms' own Vietnamese format): no need to format 100,000 times.
        if _fixed_width(text.tolist(), "dmy", check_only=True) is not None:
            return parsed, text
    return parsed, parsed.dt.strftime(TIME_FORMAT)


def _read_times(column: pd.Series, layout: _Layout, rules: FormsRules) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(column):
        parsed = pd.Series(column)
    else:
        if column.dtype == object:  # from a spreadsheet: real times, maybe next to typed ones
            text = pd.Series(
                [
                    str(pd.Timestamp(v)) if isinstance(v, datetime) else str(v).strip()
                    for v in column.tolist()
                ],
                index=column.index,
            )
        else:
            text = column.astype(str).str.strip()
        order = rules.date_order or ("mdy" if layout.english else "dmy")
        other = "dmy" if order == "mdy" else "mdy"
        quick = _fixed_width(text.tolist(), order)
        if quick is not None:
            return quick
        parsed = _parse_times(text, (order, "iso"))
        if parsed.isna().any() and rules.date_order is None:  # the data may tell the order
            alternative = _parse_times(text, (other, "iso"))
            if alternative.notna().sum() > parsed.notna().sum():
                parsed = alternative
    bad = parsed.isna()
    if bad.any():
        first = int(np.flatnonzero(bad.to_numpy())[0])
        value = column.iloc[first]
        raise HoctapError(
            f"Dòng {first + 2}, cột '{layout.details['timestamp']}': không đọc được thời điểm "
            f"'{value}' ({int(bad.sum())} dòng như vậy).",
            "Thời điểm viết dạng ngày/tháng/năm giờ:phút:giây, ví dụ 27/11/2026 09:15:30 "
            "(tệp tiếng Anh: tháng/ngày/năm); chỉ rõ bằng --date-order dmy hoặc mdy.",
        )
    return parsed


def _parse_times(text: pd.Series, groups: Sequence[str]) -> pd.Series:
    """Times read with each format of the groups in turn, each filling what the others left."""
    parsed = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")
    for group in groups:
        for fmt in _DATE_FORMATS[group]:
            missing = (parsed.isna() & (text != "")).to_numpy()
            if not missing.any():
                return parsed
            parsed[missing] = pd.to_datetime(text[missing], format=fmt, errors="coerce")
    return parsed


def _fixed_width(values: list[str], order: str, check_only: bool = False) -> pd.Series | None:
    """Times all written ``dd/mm/yyyy HH:MM:SS`` (or ``mm/dd/…``), read fast; None otherwise.

    Rearranged to ISO 8601, which pandas parses in C; whatever does not fit goes the slow way.
    """
    if not all(len(v) == 19 and v[2] == "/" and v[5] == "/" and v[10] == " " for v in values):
        return None
    if check_only:
        return pd.Series(values)
    if order == "dmy":
        iso = [f"{v[6:10]}-{v[3:5]}-{v[0:2]}{v[10:]}" for v in values]
    else:
        iso = [f"{v[6:10]}-{v[0:2]}-{v[3:5]}{v[10:]}" for v in values]
    parsed = pd.to_datetime(pd.Series(iso), format="%Y-%m-%d %H:%M:%S", errors="coerce")
    return parsed if parsed.notna().all() else None


_PHONE_VALID = re.compile(r"0[35789]\d{8}|02\d{9}")


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


def categorical_columns(
    headers: list[str], key: list[tuple[str, list[str]]], rules: FormsRules
) -> list[str]:
    """The answer and unit columns of a responses file: few distinct values each."""
    layout = _layout(headers, key, rules)
    unit = [layout.details["unit"]] if "unit" in layout.details else []
    return [*layout.questions, *unit]


def _text(column: pd.Series) -> pd.Series:
    """The column as text; categories stay categories (their values are text already)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column
    return column.astype(str)


def _checker(answers: Sequence[str]) -> Callable[[object], bool]:
    return lambda response: exact_choice(str(response), answers)


def _phone_key(value: object) -> str:
    try:
        return parse_phone(value)
    except ContactError:
        return re.sub(r"\D", "", str(value))


# -- the ranking ------------------------------------------------------------------------------


def _dedupe(frame: pd.DataFrame, keep: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One entry per phone number (entries without a phone all count) and the duplicates list."""
    if keep == "best":
        order = frame.sort_values(["score", "submitted"], ascending=[False, True], kind="stable")
    elif keep == "last":
        order = frame.sort_values("submitted", ascending=False, kind="stable")
    elif keep == "first":
        order = frame.sort_values("submitted", kind="stable")
    else:
        raise HoctapError(f"--keep chỉ nhận first, last hoặc best (không phải '{keep}').")
    has_phone = order["phone"] != ""
    duplicated = order["phone"].duplicated(keep="first") & has_phone
    kept = order[~duplicated].sort_index()
    repeated = order["phone"].duplicated(keep=False) & has_phone
    if not repeated.any():
        return kept, pd.DataFrame(columns=DUPLICATE_COLUMNS)
    entries = frame.loc[repeated[repeated].index].sort_values("submitted", kind="stable")
    times = entries["submitted"].dt.strftime(TIME_FORMAT)
    listed = times.groupby(entries["phone"], sort=False).agg(["size", "; ".join])
    chosen = kept[kept["phone"].isin(listed.index)].set_index("phone")
    chosen = chosen.sort_values("submitted", kind="stable")
    table = pd.DataFrame(
        {
            "Số điện thoại": [mask_phone(str(p)) for p in chosen.index],
            "Họ và tên": chosen["name"].to_numpy(),
            "Số lần nộp": listed.loc[chosen.index, "size"].to_numpy(),
            "Lần được tính": chosen["submitted"].dt.strftime(TIME_FORMAT).to_numpy(),
            "Các lần nộp": listed.loc[chosen.index, "join"].to_numpy(),
        }
    )
    return kept, table


def rank_forms(
    responses: pd.DataFrame,
    key: list[tuple[str, list[str]]],
    rules: FormsRules | None = None,
    roster: Roster | None = None,
) -> FormsResult:
    """Rank a Forms responses table against its answer key, by the rules given.

    ``roster`` gives the units' member counts, for the group prizes' participation rate.
    """
    rules = rules or FormsRules()
    if rules.predict not in (PREDICT_TOTAL, PREDICT_PERFECT):
        raise HoctapError(f"--predict chỉ nhận {PREDICT_TOTAL} hoặc {PREDICT_PERFECT}.")
    try:
        rank_keys(rules.order)  # a bad order is told before any reading
    except ValueError as error:
        raise HoctapError(str(error)) from None
    headers = [str(h) for h in responses.columns]
    layout = _layout(headers, key, rules)
    notes: list[str] = []
    frame = pd.DataFrame(index=responses.index)
    frame["submitted"], frame["shown_time"] = _times(
        responses[layout.details["timestamp"]], layout, rules
    )
    for detail in ("name", "unit", "phone"):
        column = layout.details.get(detail)
        frame[detail] = _text(responses[column]) if column else ""
    frame["name"] = by_distinct(frame["name"], person_name, "object", bulk=person_names)
    frame["unit"] = by_distinct(frame["unit"], normalize, "object")
    frame["phone"] = phone_keys(frame["phone"])
    correct = np.zeros(len(frame), dtype=np.int64)
    for header, answers in layout.questions.items():
        right = by_distinct(_text(responses[header]), _checker(answers), "bool")
        if len(right) and not right.any():
            notes.append(
                f"Không ai trả lời đúng câu '{header}': kiểm tra lại đáp án "
                f"'{'; '.join(answers)}' có đúng chính tả như phương án trong biểu mẫu không."
            )
        correct += right
    frame["score"] = correct
    if layout.prediction is not None:
        frame["prediction"] = predictions(responses[layout.prediction].astype(str))
    else:
        frame["prediction"] = np.nan
        notes.append(
            "Không thấy cột câu hỏi dự đoán (tiêu đề có chữ “dự đoán”); bỏ qua tiêu chí này."
        )
    if "phone" not in layout.details:
        notes.append("Tệp không có cột số điện thoại: không lọc được các lần nộp trùng.")
    kept, duplicates = _dedupe(frame, rules.keep)
    return rank_table(
        kept, len(layout.questions), list(layout.questions), rules, roster, notes, duplicates
    )


def rank_table(
    entries: pd.DataFrame,
    full_score: float,
    questions: list[str],
    rules: FormsRules,
    roster: Roster | None = None,
    notes: list[str] | None = None,
    duplicates: pd.DataFrame | None = None,
    score_label: str = "Số câu đúng",
) -> FormsResult:
    """Rank one entry per participant by the rules: the part ``rank-forms`` and the platform's
    own contests share.

    ``entries`` has ``name``, ``unit``, ``score``, ``prediction``, ``submitted``, ``shown_time``
    and, when known, ``duration`` (seconds).
    """
    try:
        keys = rank_keys(rules.order)
    except ValueError as error:
        raise HoctapError(str(error)) from None
    notes = notes if notes is not None else []
    entries = entries.copy()
    truth = prediction_truth(rules.predict, entries["score"], full_score)
    entries["prediction_distance"] = prediction_distance(entries["prediction"], truth)
    ranked = rank_entries(entries, keys)
    prizes, flags = award(ranked["rank"], rules.levels, ranked["score"], rules.min_score)
    given = ranked["prediction"].notna()
    ranked = ranked.reset_index(drop=True)
    columns: dict[str, object] = {
        "Hạng": ranked["rank"],
        "Họ và tên": ranked["name"],
        "Đơn vị": ranked["unit"],
        score_label: ranked["score"],
    }
    if "duration" in ranked:
        columns["Thời gian làm bài (giây)"] = _shown(ranked["duration"])
    columns |= {
        "Dự đoán": _shown(ranked["prediction"]),
        "Chênh lệch dự đoán": _shown(ranked["prediction_distance"]),
        "Thời điểm nộp": ranked["shown_time"],
        "Giải": prizes.reset_index(drop=True),
    }
    table = pd.DataFrame(columns)
    result = FormsResult(
        ranking=table,
        truth=truth,
        predict=rules.predict,
        questions=questions,
        duplicates=duplicates
        if duplicates is not None
        else pd.DataFrame(columns=DUPLICATE_COLUMNS),
        flags=flags,
        blank_predictions=int((~given).sum()),
        notes=notes,
    )
    if "entrant" in ranked:
        result.entrants = ranked["entrant"].reset_index(drop=True)
    if rules.groups is not None:
        result.groups, result.group_flags = _groups(ranked, roster, rules.groups)
        groups = result.groups
        over = (groups["Số người dự thi"] > groups["Số thành viên"]).fillna(False)
        overfull = groups[over.astype(bool)]
        for unit, taking, members in overfull[
            ["Đơn vị", "Số người dự thi", "Số thành viên"]
        ].itertuples(index=False):
            notes.append(
                f"Đơn vị {unit}: {taking} người dự thi, nhiều hơn số thành viên ({members}) trong "
                "danh sách: kiểm tra lại danh sách đơn vị."
            )
    return result


def _shown(values: pd.Series) -> pd.Series:
    """Whole numbers for the table, halves rounded up (2.5 -> 3), blanks kept blank."""
    return np.floor(values + 0.5).astype("Int64")


def _groups(
    ranked: pd.DataFrame, roster: Roster | None, rules: GroupRules
) -> tuple[pd.DataFrame, list[TieFlag]]:
    from hoctap.people.units import unit_key

    keys = by_distinct(ranked["unit"], lambda u: unit_key(str(u)) or "", "object")
    names = pd.Series(ranked["unit"].to_numpy()).groupby(keys).agg(lambda s: s.mode().iloc[0])
    members = roster.members if roster is not None else None
    standings, flags = group_standings(pd.Series(keys), ranked["score"], members, rules)
    display = {**(roster.names if roster is not None else {}), **names.to_dict()}
    table = pd.DataFrame(
        {
            "Hạng": standings["rank"].astype("Int64").reset_index(drop=True),
            "Đơn vị": [display.get(k) or k or "(không ghi đơn vị)" for k in standings["unit"]],
            "Số người dự thi": standings["participants"].to_numpy(),
            "Số thành viên": standings["members"].astype("Int64").reset_index(drop=True),
            "Tỉ lệ tham gia (%)": (standings["rate"] * 100).round(1).to_numpy(),
            "Số câu đúng trung bình": standings["average"].round(2).to_numpy(),
            "Giải": standings["prize"].to_numpy(),
        }
    )
    return table, flags
