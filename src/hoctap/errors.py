"""Errors a user can act on: a Vietnamese message, and a hint that says what to do next."""

from __future__ import annotations

from dataclasses import dataclass


class HoctapError(Exception):
    """An error shown to the user as a message, never as a traceback."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass(frozen=True)
class RowProblem:
    """One bad cell of an imported spreadsheet."""

    row: int
    """Spreadsheet row number (the header is row 1 when it is the first row)."""
    column: str
    """The column's header as the file spells it."""
    message: str
    hint: str = ""


class ImportRejected(HoctapError):
    """An import refused as a whole: nothing was written, every problem is listed."""

    def __init__(self, source: str, problems: list[RowProblem]) -> None:
        rows = sorted({p.row for p in problems})
        super().__init__(
            f"Không nhập được {source}: {len(rows)} dòng có lỗi ({len(problems)} lỗi). "
            "Chưa có gì được ghi vào cơ sở dữ liệu.",
            "Sửa các dòng dưới đây trong tệp rồi nhập lại.",
        )
        # By row; within a row, in the order they were found (the file's column order).
        self.problems = sorted(problems, key=lambda p: p.row)
