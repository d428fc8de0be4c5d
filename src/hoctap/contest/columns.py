"""Which column of a Forms responses export is what (time, name, unit, phone, each question, the
prediction), the answer key that names the questions, and a roster's members per unit."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from hoctap.contest.cells import answer_key, by_distinct
from hoctap.contest.standings import RankingRules, Roster
from hoctap.errors import HoctapError
from hoctap.io.sheets import read_sheet
from hoctap.text import fold, normalize

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


def header_key(text: object) -> str:
    return fold(text).replace(" ", "")


def read_key(frame: pd.DataFrame) -> list[tuple[str, list[str]]]:
    """(question header, correct answers) from a two-column sheet, with or without a header row."""
    if frame.shape[1] < 2:
        raise HoctapError(
            "Tệp đáp án cần hai cột: câu hỏi (đúng như tiêu đề cột trong tệp trả lời) và đáp án.",
            "Nhiều đáp án đúng của một câu: viết cách nhau bằng dấu ;.",
        )
    rows = [(str(frame.columns[0]), str(frame.columns[1]))]
    rows += [(str(a), str(b)) for a, b in frame.iloc[:, :2].itertuples(index=False)]
    if header_key(rows[0][1]) in ("dapan", "answer", "dapandung", "correctanswer"):
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


def read_roster(path: Path) -> Roster:
    """Members per unit, from a sheet of units with a count column or a list of people."""
    from hoctap.people.units import unit_key

    frame = read_sheet(path)
    headers = {header_key(h): h for h in frame.columns}
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


@dataclass
class Layout:
    details: dict[str, str]
    """Detail key (timestamp, name, …) -> header."""
    questions: dict[str, list[str]]
    """Header -> the key's correct answers."""
    prediction: str | None
    english: bool


def _detail_like(header: str) -> bool:
    """A short header that is not a question: a form's field for a personal detail."""
    return len(header) <= 50 and "?" not in header and not fold(header).startswith("cau ")


def layout_of(
    headers: Sequence[str], key: list[tuple[str, list[str]]], rules: RankingRules
) -> Layout:
    folded = {h: header_key(h) for h in headers}
    details: dict[str, str] = {}
    keyed = {answer_key(q) for q, _ in key}  # compared as the key is matched to headers
    for name, spellings in _HEADERS.items():
        wanted = {header_key(s) for s in spellings}
        free = [h for h in headers if h not in details.values() and answer_key(h) not in keyed]
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
    ignored = {header_key(s) for s in (*_PERSONAL, *rules.ignore_columns)}
    if rules.prediction_column is not None:
        wanted_prediction = header_key(rules.prediction_column)
        prediction = next((h for h in headers if folded[h] == wanted_prediction), None)
        if prediction is None:
            raise HoctapError(
                f"Không có cột '{rules.prediction_column}' (câu dự đoán) trong tệp trả lời.",
                "Các cột có: " + "; ".join(headers),
            )
    else:
        prediction = next(
            (h for h in headers if "du doan" in fold(h) and answer_key(h) not in keyed), None
        )
    # Forms lets two questions share a title; pandas then names the second "Title.1". The n-th
    # key row of a title goes with the n-th column of that title.
    by_text: dict[str, list[str]] = {}
    present = set(headers)
    for h in headers:
        base, dot, number = h.rpartition(".")
        title = base if dot and number.isdigit() and base in present else h
        by_text.setdefault(answer_key(title), []).append(h)
    questions: dict[str, list[str]] = {}
    missing = []
    for question, answers in key:
        matches = by_text.get(answer_key(question))
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
    return Layout(details, questions, prediction, english)


def categorical_columns(
    headers: list[str], key: list[tuple[str, list[str]]], rules: RankingRules
) -> list[str]:
    """The answer and unit columns of a responses file: few distinct values each."""
    layout = layout_of(headers, key, rules)
    unit = [layout.details["unit"]] if "unit" in layout.details else []
    return [*layout.questions, *unit]
