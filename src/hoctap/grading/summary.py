"""The closing summary of a grading run: counts, failures, and averages by module and by unit."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from hoctap.grading.batch import GradeRun
from hoctap.grading.course import NOT_IN_ROSTER
from hoctap.text import format_decimal

NO_UNIT = ("", NOT_IN_ROSTER)
UNIT_COLUMNS = ["Mã đơn vị", "Đơn vị", "Số bài đã chấm", "Điểm trung bình (%)", "Nộp muộn"]


@dataclass
class Summary:
    lines: list[str]
    by_unit: list[dict[str, object]]
    failures: list[str]


def summarize(
    run: GradeRun, assignment: str, units: Mapping[str, tuple[str, str]] | None = None
) -> Summary:
    """Vietnamese summary; ``units`` maps a student to (unit code, unit name) when known."""
    graded = run.with_status("graded")
    failed = run.with_status("failed")
    unchanged = run.with_status("unchanged")
    late = [o for o in graded if o.late]
    counts = (
        f"Đã chấm {len(graded)} bài, {len(failed)} bài lỗi, {len(late)} bài nộp muộn, "
        f"{len(unchanged)} bài không đổi từ lần chấm trước"
    )
    lines = [f"{counts} ({format_decimal(run.seconds)} giây)."]
    marks = [(s, total, late_) for s, (_, total, late_) in run.scores.items() if total > 0]
    if marks:
        percent = [run.scores[s][0] / total * 100 for s, total, _ in marks]
        average = sum(percent) / len(percent)
        lines.append(
            f"Điểm trung bình {assignment}: {format_decimal(average)}% "
            f"({len(marks)} bài trong sổ điểm, đã trừ điểm nộp muộn)."
        )
    by_unit: dict[tuple[str, str], list[tuple[float, bool]]] = {}
    for student, total, late_ in marks:
        key = (units or {}).get(student, NO_UNIT)
        by_unit.setdefault(key, []).append((run.scores[student][0] / total * 100, late_))
    rows: list[dict[str, object]] = [
        {
            "Mã đơn vị": code,
            "Đơn vị": name,
            "Số bài đã chấm": len(values),
            "Điểm trung bình (%)": round(sum(v for v, _ in values) / len(values), 1),
            "Nộp muộn": sum(1 for _, is_late in values if is_late),
        }
        for (code, name), values in sorted(by_unit.items())
    ]
    lines.extend(f"Lưu ý: {warning}" for warning in run.warnings)
    failures = [f"{o.student}: {o.reason}" for o in failed]
    return Summary(lines, rows if units is not None else [], failures)
