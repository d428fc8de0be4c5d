"""``rank-forms`` at the edges: read the files, rank, write the tables in the format asked for."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from hoctap.contest.columns import categorical_columns, read_key, read_roster
from hoctap.contest.forms import rank_forms
from hoctap.contest.rules import PREDICTIONS
from hoctap.contest.standings import RankedContest, RankingRules
from hoctap.errors import HoctapError
from hoctap.io.sheets import read_sheet
from hoctap.text import format_int

# The terminal shows the prize winners and the first rows; files hold everyone.
TABLE_ROWS = 50


def rank_forms_files(
    responses: Path, key: Path, rules: RankingRules, roster: Path | None = None
) -> RankedContest:
    """Rank a Forms export against its key file (and a roster, for the group prizes)."""
    answers = read_key(read_sheet(key))
    frame = read_sheet(responses, lambda headers: categorical_columns(headers, answers, rules))
    if frame.empty:
        raise HoctapError(f"Tệp {Path(responses).name} không có câu trả lời nào.")
    sizes = read_roster(roster) if roster is not None else None
    return rank_forms(frame, answers, rules, sizes)


def summary(result: RankedContest) -> list[str]:
    """What the organisers read first, in Vietnamese: counts, the prediction's true value, ties."""
    entries = len(result.ranking)
    repeated = len(result.duplicates)
    lines = [
        f"{format_int(entries)} người được xếp hạng; {len(result.questions)} câu hỏi."
        + (
            f" {format_int(repeated)} số điện thoại nộp nhiều lần: mỗi số chỉ tính một lần."
            if repeated
            else ""
        ),
        f"Đáp án câu dự đoán ({PREDICTIONS[result.predict]}): {format_int(result.truth)}.",
    ]
    if result.blank_predictions:
        lines.append(
            f"{format_int(result.blank_predictions)} người để trống hoặc ghi không phải số ở câu "
            "dự đoán: xếp sau những người cùng số câu đúng có dự đoán."
        )
    winners = (result.ranking["Giải"] != "").sum()
    lines.append(f"{format_int(int(winners))} người đạt giải.")
    lines += [f"Lưu ý: {flag.message}" for flag in result.flags]
    lines += [f"Lưu ý (giải tập thể): {flag.message}" for flag in result.group_flags]
    lines += [f"Lưu ý: {note}" for note in result.notes]
    if result.groups is not None and result.groups["Số thành viên"].isna().all():
        lines.append(
            "Giải tập thể: chưa có số thành viên của các đơn vị nên chưa tính được tỷ lệ tham gia; "
            "thêm --roster DANH_SACH.xlsx (cột Đơn vị, Số thành viên)."
        )
    return lines


def _sheets(result: RankedContest) -> list[tuple[str, pd.DataFrame]]:
    sheets = [("Xếp hạng", result.ranking)]
    if result.groups is not None:
        sheets.append(("Giải tập thể", result.groups))
    if len(result.duplicates):
        sheets.append(("Nộp trùng", result.duplicates))
    return sheets


def _write_csv(result: RankedContest, output: Path | None, say: Callable[[str], None]) -> None:
    import sys

    if output is None:
        # One table on standard output; the others need files.
        sys.stdout.buffer.write(result.ranking.to_csv(index=False).encode("utf-8-sig"))
        sys.stdout.flush()
        others = [name.lower() for name, _ in _sheets(result)[1:]]
        if others:
            say(f"Bảng {' và '.join(others)} chỉ ghi ra tệp: thêm --output KET_QUA.csv.")
        return
    for index, (name, frame) in enumerate(_sheets(result)):
        path = output if index == 0 else output.with_name(f"{output.stem}-{_slug(name)}.csv")
        path.parent.mkdir(parents=True, exist_ok=True)
        # Excel reads a CSV as UTF-8 only when it starts with a byte-order mark.
        frame.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\r\n")
        say(f"Đã ghi {format_int(len(frame))} dòng ({name.lower()}) vào {path}.")


def _slug(name: str) -> str:
    from hoctap.text import fold

    return fold(name).replace(" ", "-")


def _write_xlsx(result: RankedContest, output: Path | None, say: Callable[[str], None]) -> None:
    from hoctap.io.writers import write_sheets

    if output is None:
        raise HoctapError(
            "Định dạng xlsx cần tên tệp để ghi.", "Thêm --output TEN_TEP.xlsx vào lệnh."
        )
    sheets = [(name, _records(frame), list(frame.columns)) for name, frame in _sheets(result)]
    write_sheets(sheets, output)
    say(f"Đã ghi {format_int(len(result.ranking))} người vào {output}.")


def _records(frame: pd.DataFrame) -> list[dict[str, object]]:
    clean = frame.astype(object).where(frame.notna(), None)
    records: list[dict[str, object]] = clean.to_dict("records")
    return records


def _write_table(result: RankedContest, output: Path | None, say: Callable[[str], None]) -> None:
    from hoctap.io.writers import write_records

    ranking = result.ranking
    shown = max(TABLE_ROWS, int((ranking["Giải"] != "").sum()))
    columns = list(ranking.columns)
    write_records(_records(ranking.head(shown)), columns, "table", output, "Bảng xếp hạng")
    if len(ranking) > shown:
        say(
            f"(Hiện {format_int(shown)} trên {format_int(len(ranking))} người; ghi đủ ra tệp "
            "bằng --format xlsx --output KET_QUA.xlsx)"
        )
    for name, frame in _sheets(result)[1:]:
        write_records(_records(frame), list(frame.columns), "table", None, name)


WRITERS: dict[str, Callable[[RankedContest, Path | None, Callable[[str], None]], None]] = {
    "table": _write_table,
    "csv": _write_csv,
    "xlsx": _write_xlsx,
}


def write_result(
    result: RankedContest, fmt: str, output: Path | None, say: Callable[[str], None]
) -> None:
    writer = WRITERS.get(fmt)
    if writer is None:
        raise HoctapError(f"Không có định dạng '{fmt}'.", f"Chọn một trong: {', '.join(WRITERS)}.")
    writer(result, output, say)
