"""Ranking a contest run on Google Forms: its responses export and an answer key, by the rules.

The export has ``Dấu thời gian``/``Timestamp``, optional ``Điểm``/``Score``, ``Họ và tên``,
``Đơn vị``, ``Số điện thoại``, then one column per question (the chosen option's text; checkbox
answers joined by ``;``) and the prediction question's column. The key has two columns: the
question's header and its correct answer (several joined by ``;``).

Everything here works on whole columns: each distinct answer of a question is checked once, and
the result spread over the rows that gave it. Nothing on this path imports Jupyter or nbgrader.
Reading the sheets is ``hoctap.io.sheets``; which column is what, ``columns``; the cells,
``cells``; the ranked tables (shared with the platform's own contests), ``standings``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import numpy as np
import pandas as pd

from hoctap.contest.cells import as_text, by_distinct, checker, phone_keys, predictions
from hoctap.contest.columns import Layout, layout_of
from hoctap.contest.rules import (
    PREDICT_PERFECT,
    PREDICT_TOTAL,
    rank_keys,
)
from hoctap.contest.standings import (
    DUPLICATE_COLUMNS,
    TIME_FORMAT,
    RankedContest,
    RankingRules,
    Roster,
    rank_table,
)
from hoctap.errors import HoctapError
from hoctap.people.contacts import mask_phone
from hoctap.text import normalize, person_name, person_names

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


def _times(column: pd.Series, layout: Layout, rules: RankingRules) -> tuple[pd.Series, pd.Series]:
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


def _read_times(column: pd.Series, layout: Layout, rules: RankingRules) -> pd.Series:
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
    rules: RankingRules | None = None,
    roster: Roster | None = None,
) -> RankedContest:
    """Rank a Forms responses table against its answer key, by the rules given.

    ``roster`` gives the units' member counts, for the group prizes' participation rate.
    """
    rules = rules or RankingRules()
    if rules.predict not in (PREDICT_TOTAL, PREDICT_PERFECT):
        raise HoctapError(f"--predict chỉ nhận {PREDICT_TOTAL} hoặc {PREDICT_PERFECT}.")
    try:
        rank_keys(rules.order)  # a bad order is told before any reading
    except ValueError as error:
        raise HoctapError(str(error)) from None
    headers = [str(h) for h in responses.columns]
    layout = layout_of(headers, key, rules)
    notes: list[str] = []
    frame = pd.DataFrame(index=responses.index)
    frame["submitted"], frame["shown_time"] = _times(
        responses[layout.details["timestamp"]], layout, rules
    )
    for detail in ("name", "unit", "phone"):
        column = layout.details.get(detail)
        frame[detail] = as_text(responses[column]) if column else ""
    frame["name"] = by_distinct(frame["name"], person_name, "object", bulk=person_names)
    frame["unit"] = by_distinct(frame["unit"], normalize, "object")
    frame["phone"] = phone_keys(frame["phone"])
    correct = np.zeros(len(frame), dtype=np.int64)
    for header, answers in layout.questions.items():
        right = by_distinct(as_text(responses[header]), checker(answers), "bool")
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
