"""The trainers' dashboard: each module's progress by unit, who has not submitted, the scores.

Built on ``hoctap.grading.course.status`` (the same figures as ``hoctap course status``).
Names appear only for trainees who consented to it; the others by their trainee code, which is
what a trainer needs to follow up.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

import ipywidgets as widgets

from hoctap.settings import Settings
from hoctap.text import format_decimal

if TYPE_CHECKING:
    from hoctap.grading.course import TraineeStatus

_STYLE = """
<style>
.hoctap-progress { font-family: "Noto Sans", "Segoe UI", Arial, sans-serif; }
.hoctap-progress table { border-collapse: collapse; margin: 0.5rem 0 1rem; }
.hoctap-progress th, .hoctap-progress td { border: 1px solid #c8d3e0; padding: 0.25rem 0.6rem; }
.hoctap-progress th { background: #ddebf7; text-align: left; }
.hoctap-progress td.num { text-align: right; font-variant-numeric: tabular-nums; }
.hoctap-progress .bar { background: #2e75b6; height: 0.8rem; display: inline-block; }
</style>
"""
UNIT_COLUMNS = ["Đơn vị", "Số học viên", "Đã nộp", "Đã chấm", "Đạt", "Điểm trung bình"]


def _td(value: object) -> str:
    if value is None:
        return "<td></td>"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        text = format_decimal(float(value)) if isinstance(value, float) else str(value)
        return f"<td class='num'>{escape(text)}</td>"
    return f"<td>{escape(str(value))}</td>"


def progress_html(records: list[TraineeStatus], consent: dict[str, bool], unit: str) -> str:
    """By unit, the not-submitted list of one unit, and the spread of scores (as % of the most)."""
    from hoctap.grading.course import shown_rows, status_by_unit

    units = sorted(status_by_unit(records), key=lambda u: -u.submitted)
    table = "".join(
        "<tr>" + "".join(_td(row[c]) for c in UNIT_COLUMNS) + "</tr>" for row in shown_rows(units)
    )
    missing = [r for r in records if r.unit_code == unit and not r.submitted]
    names = (
        ", ".join(escape(r.name) if consent.get(r.code) else escape(r.code) for r in missing)
        or "không có"
    )
    shares = [
        100 * r.score / r.max_score
        for r in records
        if r.graded and r.score is not None and r.max_score
    ]
    bands = [0] * 10
    for share in shares:
        bands[min(int(share // 10), 9)] += 1
    most = max(bands) or 1
    spread = "".join(
        f"<tr><td>{10 * i}–{10 * i + 10}%</td><td class='num'>{n}</td><td><span class='bar' "
        f"style='width:{12 * n / most:.2f}rem'></span></td></tr>"
        for i, n in enumerate(bands)
    )
    head = "".join(f"<th>{escape(c)}</th>" for c in UNIT_COLUMNS)
    return (
        f"{_STYLE}<div class='hoctap-progress'><h2>Theo đơn vị</h2><table><thead><tr>{head}</tr>"
        f"</thead><tbody>{table}</tbody></table><h2>Chưa nộp bài ({len(missing)})</h2>"
        f"<p>{names}</p><h2>Phân bố điểm ({len(shares)} bài đã chấm)</h2><table><tbody>"
        f"{spread}</tbody></table></div>"
    )


def build(settings: Settings | None = None) -> widgets.Widget:
    from sqlalchemy import select

    from hoctap.db.models import Person
    from hoctap.grading.course import module_ids, status
    from hoctap.people.units import open_province_database

    settings = settings or Settings.from_env()
    db = open_province_database(settings)
    with db.session() as session:
        rows = session.execute(select(Person.code, Person.consent_publish))
        consent = {row[0]: bool(row[1]) for row in rows}
    db.close()
    modules = module_ids()
    module = widgets.Dropdown(description="Học phần", options=modules, layout={"width": "28rem"})
    unit = widgets.Dropdown(description="Đơn vị", options=[], layout={"width": "28rem"})
    page = widgets.HTML()
    records: list[TraineeStatus] = []

    def load(_change: object = None) -> None:
        records[:] = status(settings, str(module.value))
        units = sorted({(r.unit_name, r.unit_code) for r in records if r.unit_code})
        unit.options = units
        draw()

    def draw(_change: object = None) -> None:
        page.value = progress_html(records, consent, str(unit.value or ""))

    module.observe(load, "value")
    unit.observe(draw, "value")
    if modules:
        load()
    title = widgets.HTML(f"{_STYLE}<div class='hoctap-progress'><h1>Tiến độ học phần</h1></div>")
    return widgets.VBox([title, widgets.HBox([module, unit]), page])


def show() -> None:
    """Display the dashboard (``voila_apps/progress.ipynb`` calls this)."""
    from IPython.display import display

    display(build())  # type: ignore[no-untyped-call]
