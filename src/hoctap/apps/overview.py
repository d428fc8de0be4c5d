"""The overview page: units and trainees by kind of unit. Counts only, no personal data."""

from __future__ import annotations

from html import escape

from sqlalchemy import func, select

from hoctap.db import Database
from hoctap.db.models import Person, Unit
from hoctap.people.units import KINDS, open_province_database
from hoctap.text import format_int
from hoctap.text.collation import sort_key

_STYLE = """
<style>
.hoctap-overview { font-family: "Noto Sans", "Segoe UI", Arial, sans-serif; max-width: 60rem; }
.hoctap-overview table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; }
.hoctap-overview th, .hoctap-overview td { border: 1px solid #c8d3e0; padding: 0.3rem 0.7rem; }
.hoctap-overview th { background: #ddebf7; }
.hoctap-overview th, .hoctap-overview td { text-align: left; }
.hoctap-overview th.num, .hoctap-overview td.num {
  text-align: right; font-variant-numeric: tabular-nums;
}
.hoctap-overview .bar { background: #2e75b6; height: 0.8rem; display: inline-block; }
.hoctap-overview .note { color: #555; font-size: 0.9rem; }
</style>
"""


def overview_html(db: Database) -> str:
    """The page as HTML: totals by kind, and trainees per unit as a bar chart."""
    with db.session() as session:
        units = list(session.scalars(select(Unit)))
        counts = dict(
            session.execute(select(Person.unit_id, func.count()).group_by(Person.unit_id)).all()
        )
        demo = session.scalar(select(func.count()).where(Person.is_demo.is_(True))) or 0
    by_kind: dict[str, list[Unit]] = {}
    for unit in units:
        by_kind.setdefault(unit.kind, []).append(unit)
    total_people = sum(counts.values())
    rows = []
    for kind, label in KINDS.items():
        members = by_kind.get(kind, [])
        if not members:
            continue
        people = sum(counts.get(u.id, 0) for u in members)
        rows.append(
            f"<tr><td>{escape(label)}</td><td class='num'>{len(members)}</td>"
            f"<td class='num'>{format_int(people)}</td></tr>"
        )
    ranked = sorted(
        (u for u in units if u.kind != "tinh"),
        key=lambda u: (-counts.get(u.id, 0), sort_key(u.name)),
    )
    top = max((counts.get(u.id, 0) for u in ranked), default=0) or 1
    bars = "".join(
        f"<tr><td>{escape(u.name)}</td><td class='num'>{counts.get(u.id, 0)}</td>"
        f"<td><span class='bar' style='width:{12 * counts.get(u.id, 0) / top:.2f}rem'></span>"
        "</td></tr>"
        for u in ranked[:15]
    )
    note = (
        f"<p class='note'>Có {format_int(demo)} học viên là <b>dữ liệu mẫu</b> "
        "(người giả lập, không có thật).</p>"
        if demo
        else ""
    )
    return f"""{_STYLE}
<div class="hoctap-overview">
<h1>Tổng quan hoctap</h1>
<p>Nền tảng bồi dưỡng và thi tìm hiểu về Đề án "Xây dựng xã hội học tập giai đoạn 2021-2030"
trên địa bàn tỉnh Cao Bằng.</p>
{note}
<h2>Đơn vị và học viên theo loại đơn vị</h2>
<table><thead><tr><th>Loại đơn vị</th><th class='num'>Số đơn vị</th>
<th class='num'>Số học viên</th></tr></thead>
<tbody>{"".join(rows)}</tbody>
<tfoot><tr><th>Tổng</th><th class='num'>{len(units)}</th>
<th class='num'>{format_int(total_people)}</th></tr></tfoot></table>
<h2>15 đơn vị có nhiều học viên nhất</h2>
<table><thead><tr><th>Đơn vị</th><th class='num'>Số học viên</th><th></th></tr></thead>
<tbody>{bars}</tbody></table>
</div>"""


def show() -> None:
    """Display the overview in a notebook (the Voilà app calls this)."""
    from IPython.display import HTML, display

    db = open_province_database()
    try:
        display(HTML(overview_html(db)))  # type: ignore[no-untyped-call]
    finally:
        db.close()
