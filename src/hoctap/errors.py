"""Every exception hoctap raises, in one place: errors a user can act on carry a Vietnamese
message and a hint that says what to do next."""

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


class DatabaseUnavailable(HoctapError):
    """The database could not be reached (or stayed locked): try again later."""


class Refused(HoctapError):
    """A step the contest's rules do not allow; nothing was recorded."""


class KernelStartError(HoctapError):
    """A kernel could not be started (the grader's fault, never the trainee's)."""


class GradingError(HoctapError):
    """A submission could not be graded (it is reported, never written as a grade)."""


class QuestionError(ValueError):
    """One question of a bank file (GIFT, Excel, YAML) that cannot be read; the message says what
    to fix (Vietnamese). The bank's reader turns each into a line of its report."""


class ContactError(ValueError):
    """A phone number or e-mail address that cannot be read; ``hint`` says how to write it."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


class FeedbackError(AssertionError):
    """A failed knowledge check in a training notebook; its message is the feedback the trainee
    reads. An AssertionError, so nbgrader scores the check 0 as it does any failed test."""

    def _render_traceback_(self) -> list[str]:
        # IPython shows this instead of a traceback: one line a non-programmer can act on.
        # nbgrader still records an error output, so the check scores 0 as it should.
        return [f"\x1b[1;31mChưa đạt:\x1b[0m {self}"]
