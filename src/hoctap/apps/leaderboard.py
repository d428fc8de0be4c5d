"""The judges' leaderboard: which units earn "Đơn vị học tập", at which level, and why.

The ranking is an HTML table (its text can be selected, searched, printed and read aloud), each
level a coloured badge; bars for the top units and the spread of scores are HTML too, so the page
draws at once. Choosing a unit shows every indicator: its value, its points, the rule, the
document, and how far the unit is from the next level. The current view exports to Excel.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from html import escape
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import pandas as pd

from hoctap.awards.criteria import Criteria
from hoctap.awards.levels import NOT_REACHED
from hoctap.awards.selection import Selection
from hoctap.errors import HoctapError
from hoctap.text import format_decimal

if TYPE_CHECKING:
    from hoctap.db import Database

ALL = "Tất cả"
COLOURS = {"Tốt": "#1b5e20", "Khá": "#2e75b6", "Trung bình": "#b26a00", NOT_REACHED: "#8a1c1c"}
DEFAULT_CHOICE = "Mặc định: văn bản đang có hiệu lực cho từng loại đơn vị"
_STYLE = """
<style>
.hoctap-board { font-family: "Noto Sans", "Segoe UI", Arial, sans-serif; }
.hoctap-board table { border-collapse: collapse; margin: 0.5rem 0 1rem; }
.hoctap-board th, .hoctap-board td { border: 1px solid #c8d3e0; padding: 0.25rem 0.6rem; }
.hoctap-board th { background: #ddebf7; text-align: left; }
.hoctap-board td.num { text-align: right; font-variant-numeric: tabular-nums; }
.hoctap-board .badge { color: white; border-radius: 0.6rem; padding: 0.05rem 0.55rem;
  font-size: 0.85rem; white-space: nowrap; }
.hoctap-board .bar { background: #2e75b6; height: 0.8rem; display: inline-block; }
.hoctap-board .note { color: #555; }
.hoctap-board .missing { color: #8a1c1c; }
</style>
"""
SHOWN = ["Hạng chung", "Hạng trong loại", "Đơn vị", "Loại đơn vị", "Tổng điểm", "Xếp loại",
         "Còn thiếu để lên mức", "Chưa có số liệu"]  # fmt: skip


def badge(level: str) -> str:
    colour = COLOURS.get(level, "#555")
    return f"<span class='badge' style='background:{colour}'>{escape(level)}</span>"


def _cell(column: str, value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "<td></td>"
    if column == "Xếp loại":
        return f"<td>{badge(str(value))}</td>"
    if isinstance(value, (int, float)):
        text = format_decimal(float(value)) if isinstance(value, float) else str(value)
        return f"<td class='num'>{escape(text)}</td>"
    css = " class='missing'" if column == "Chưa có số liệu" and value else ""
    return f"<td{css}>{escape(str(value))}</td>"


def filtered(
    table: pd.DataFrame, kind: str = ALL, level: str = ALL, search: str = ""
) -> pd.DataFrame:
    """The rows of the current view."""
    from hoctap.text import fold

    view = table
    if kind != ALL:
        view = view[view["Loại đơn vị"] == kind]
    if level != ALL:
        view = view[view["Xếp loại"] == level]
    if search.strip():
        wanted = fold(search)
        view = view[[wanted in fold(name) for name in view["Đơn vị"]]]
    return view


def ranking_html(view: pd.DataFrame) -> str:
    head = "".join(f"<th>{escape(c)}</th>" for c in SHOWN)
    rows = "".join(
        "<tr>" + "".join(_cell(c, row[c]) for c in SHOWN) + "</tr>"
        for row in view[SHOWN].to_dict("records")
    )
    return (
        f"<table class='hoctap-ranking'><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    )


def charts_html(view: pd.DataFrame, top: int = 10) -> str:
    """Bars for the top units, and how many units fall in each band of ten points."""
    if view.empty:
        return ""
    best = view.head(top)
    # A province's own award may count more than 100 points.
    scale = max(100, 10 * -(-int(view["Tổng điểm"].max()) // 10))
    bars = "".join(
        f"<tr><td>{escape(str(r['Đơn vị']))}</td><td class='num'>"
        f"{format_decimal(float(r['Tổng điểm']))}</td><td><span class='bar' "
        f"style='width:{12 * float(r['Tổng điểm']) / scale:.2f}rem'></span></td></tr>"
        for r in best.to_dict("records")
    )
    bands = pd.cut(
        view["Tổng điểm"], bins=range(0, scale + 1, 10), right=False, include_lowest=True
    )
    counts = bands.value_counts().sort_index()
    most = max(int(counts.max()), 1)
    spread = "".join(
        f"<tr><td>{int(b.left)}–{int(b.right) if b.right < scale else scale}</td>"
        f"<td class='num'>{n}</td><td><span class='bar' style='width:{12 * n / most:.2f}rem'>"
        "</span></td></tr>"
        for b, n in counts.items()
    )
    return (
        f"<h3>{len(best)} đơn vị điểm cao nhất</h3><table><tbody>{bars}</tbody></table>"
        "<h3>Phân bố điểm (số đơn vị theo khoảng điểm)</h3>"
        f"<table><thead><tr><th>Khoảng điểm</th><th>Số đơn vị</th><th></th></tr></thead>"
        f"<tbody>{spread}</tbody></table>"
    )


def detail_html(row: dict[str, Any], criteria: Criteria) -> str:
    """One unit: each indicator's value, points, rule and document; the gap to the next level."""
    lines = []
    for group in criteria.groups:
        lines.append(f"<tr><th colspan='5'>{escape(group.name)} ({group.points:g} điểm)</th></tr>")
        for indicator in group.indicators:
            value = row.get(f"{indicator.name} (giá trị)")
            points = float(row.get(f"{indicator.name} (điểm)") or 0.0)
            shown = (
                "<span class='missing'>chưa có số liệu</span>"
                if value is None or (isinstance(value, float) and value != value)
                else escape(format_decimal(float(value)))
            )
            lines.append(
                f"<tr><td>{escape(indicator.name)}</td><td class='num'>{shown}</td>"
                f"<td class='num'>{format_decimal(points)}/{indicator.points:g}</td>"
                f"<td>{escape(indicator.rule.describe())}</td><td class='note'>"
                f"{escape(indicator.note)}</td></tr>"
            )
    gap = str(row.get("Còn thiếu để lên mức") or "")
    # Where the points were lost, largest first: what the unit could work on.
    lost = sorted(
        (
            (i.points - float(row.get(f"{i.name} (điểm)") or 0.0), i.name)
            for i in criteria.indicators
        ),
        reverse=True,
    )
    advice = "; ".join(
        f"{escape(name)} (mất {format_decimal(points)} điểm)"
        for points, name in lost[:3]
        if points > 0
    )
    return (
        f"<h3>{escape(str(row['Đơn vị']))}: {format_decimal(float(row['Tổng điểm']))} điểm "
        f"{badge(str(row['Xếp loại']))}</h3>"
        f"<p>Hạng {row['Hạng trong loại']} trong loại ({escape(str(row['Loại đơn vị']))}), "
        f"hạng {row['Hạng chung']} chung."
        + (f" Còn thiếu {escape(gap)}: {advice}." if gap else "")
        + "</p><table><thead><tr><th>Chỉ số</th><th>Giá trị</th><th>Điểm</th><th>Cách tính</th>"
        f"<th>Căn cứ</th></tr></thead><tbody>{''.join(lines)}</tbody></table>"
    )


def excel_bytes(view: pd.DataFrame, title: str) -> bytes:
    """The current view as a formatted workbook (the same writer as every export)."""
    import tempfile
    from pathlib import Path

    from hoctap.io.writers import write_sheets

    records = view.astype(object).where(view.notna(), None).to_dict("records")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "xep-loai.xlsx"
        write_sheets([(title, records, list(view.columns))], path)
        return path.read_bytes()


def members_html(members: list[dict[str, object]]) -> str:
    """A unit's trainees: name only with consent, phone masked, modules passed, contest taken."""
    if not members:
        return "<p class='note'>Đơn vị chưa có học viên trong danh sách.</p>"
    head = "".join(
        f"<th>{c}</th>" for c in ("Học viên", "Điện thoại", "Học phần đã đạt", "Dự thi tìm hiểu")
    )
    rows = "".join(
        f"<tr><td>{escape(str(m['name']))}</td><td>{escape(str(m['phone']))}</td>"
        f"<td class='num'>{escape(str(m['modules']))}</td>"
        f"<td>{'có' if m['contest'] else ''}</td></tr>"
        for m in members
    )
    return (
        f"<h4>Học viên ({len(members)})</h4><table><thead><tr>{head}</tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


Members = Callable[[str], list[dict[str, object]]]


def roster_members(db: Database, period: int) -> Members:
    """The members of a unit as the leaderboard shows them; the gradebook is read once."""
    from sqlalchemy import select

    from hoctap.awards.measures import _contest_shares, _gradebook_scores
    from hoctap.db.models import Person, Unit
    from hoctap.grading.policy import load_policy
    from hoctap.people.contacts import mask_phone
    from hoctap.text.collation import name_key

    cache: dict[str, object] = {}

    def members(unit_code: str) -> list[dict[str, object]]:
        if not cache:
            cache["scores"] = _gradebook_scores(db)
            cache["contest"] = _contest_shares(db, period)
            cache["marks"] = {m.id: m.pass_percent for m in load_policy().modules.values()}
        scores = cache["scores"]
        marks = cache["marks"]
        taken = cache["contest"]
        assert isinstance(scores, dict) and isinstance(marks, dict) and isinstance(taken, dict)
        with db.session() as session:
            people = session.scalars(
                select(Person).join(Unit, Unit.id == Person.unit_id).where(Unit.code == unit_code)
            ).all()
            people = sorted(
                people, key=lambda p: name_key(p.family_name, p.middle_name, p.given_name)
            )
            rows = []
            for person in people:
                graded = scores.get(person.code, {})
                passed = sum(
                    1
                    for module, mark in marks.items()
                    if module in graded
                    and graded[module][1] > 0
                    and 100 * graded[module][0] / graded[module][1] >= mark
                )
                rows.append(
                    {
                        "name": person.full_name
                        if person.consent_publish
                        else f"Học viên mã {person.code}",
                        "phone": mask_phone(person.phone) if person.phone else "",
                        "modules": f"{passed}/{len(marks)}",
                        "contest": person.code in taken,
                    }
                )
        return rows

    return members


Loader = Callable[[int, str], tuple[pd.DataFrame, Members | None, Selection]]
"""(year, criteria name or "" for the default) -> table, members, the criteria used."""

_FIRST = "hoctap-first"
_LIVE = "hoctap-live"
# The first view is plain output that hoctap's Voilà template writes into the page, visible
# before Voilà's JavaScript has started (~1.8 s here); the widgets' copy stays hidden until the
# judge changes something, and then this style hides the first view.
_SWITCH = (
    f"<style>.{_FIRST}{{display:none !important}} .{_LIVE}{{display:block !important}}</style>"
)


class Leaderboard:
    """The page's widgets over one period's award table."""

    def __init__(
        self,
        table: pd.DataFrame,
        criteria: Selection,
        period: int,
        members: Members | None = None,
        periods: list[int] | None = None,
        load: Loader | None = None,
        choices: list[tuple[str, str]] | None = None,
    ) -> None:
        self.members = members
        self.table = table
        self.criteria = criteria
        self.period = period
        self.load = load
        self.changed = False
        self.computed = _now_text()
        self.year = widgets.Dropdown(
            description="Năm", options=sorted({*(periods or []), period}), value=period
        )
        self.choice = widgets.Dropdown(
            description="Tiêu chí",
            options=choices
            or [(DEFAULT_CHOICE, "")]
            + [(f"{c.title} ({c.status_label})", c.name) for c in criteria.files if criteria.named],
            value=criteria.files[0].name if criteria.named else "",
            layout={"width": "32rem"},
        )
        self.kind = widgets.Dropdown(description="Loại đơn vị", options=self._kinds())
        self.level = widgets.Dropdown(description="Xếp loại", options=self._levels())
        self.search = widgets.Text(description="Tìm đơn vị", placeholder="gõ có dấu hay không")
        self.unit = widgets.Dropdown(description="Chi tiết", options=[], layout={"width": "32rem"})
        wide = {"width": "auto"}
        self.export = widgets.Button(
            description="Xuất Excel (bảng đang xem)", icon="download", layout=wide
        )
        self.reload = widgets.Button(
            description="Tính lại theo số liệu mới", icon="refresh", layout=wide
        )
        self.link = widgets.HTML()
        self.title = widgets.HTML()
        self.summary = widgets.HTML()
        self.ranking = widgets.HTML()
        self.charts = widgets.HTML()
        self.detail = widgets.HTML()
        for control in (self.kind, self.level, self.search):
            control.observe(lambda _c: self.refresh(user=True), "value")
        self.year.observe(lambda _c: self.recompute(), "value")
        self.choice.observe(lambda _c: self.recompute(), "value")
        self.unit.observe(lambda _c: self.show_unit(), "value")
        self.export.on_click(lambda _b: self.export_view())
        self.reload.on_click(lambda _b: self.recompute())
        self.reload.layout.display = None if load else "none"
        self.controls = widgets.VBox(
            [
                self.title,
                widgets.HBox([self.year, self.kind, self.level, self.search]),
                self.choice,
                self.summary,
                widgets.HBox([self.export, self.reload, self.link]),
            ]
        )
        self.rest = widgets.VBox([self.ranking, self.unit, self.detail])
        self.refresh()

    def _kinds(self) -> list[str]:
        return [ALL, *sorted(set(self.table["Loại đơn vị"]))]

    def _names_of_levels(self) -> list[str]:
        names: list[str] = []
        for criteria in self.criteria.files:
            names += [n for n, _ in criteria.levels if n not in names]
        return [*names, NOT_REACHED]

    def _levels(self) -> list[str]:
        return [ALL, *self._names_of_levels()]

    def criteria_of(self, row: dict[str, Any]) -> Criteria:
        from hoctap.awards.report import CRITERIA_COLUMN

        name = row.get(CRITERIA_COLUMN)
        return next((c for c in self.criteria.files if c.name == name), self.criteria.files[0])

    def title_html(self) -> str:
        said = "".join(f"<li>{escape(line)}</li>" for line in self.criteria.lines())
        warning = (
            "<p class='missing'>Có phần <b>mô phỏng</b> hoặc tiêu chí riêng của tỉnh: không "
            "phải điểm theo văn bản (xem từng dòng dưới đây).</p>"
            if self.criteria.simulated
            else ""
        )
        return (
            f"<h1>Xếp loại “Đơn vị học tập” năm {self.period}</h1>"
            f"{warning}<p class='note'>Bộ tiêu chí đã dùng:</p><ul class='note'>{said}</ul>"
            "<p class='note'>Chọn một đơn vị ở ô “Chi tiết” để xem từng chỉ số. "
            f"Số liệu tính lúc {self.computed}.</p>"
        )

    def first_view(self) -> tuple[str, str, str]:
        """The page's first title, table and charts as plain HTML, shown until the judge changes
        something; then the widgets' own copies take their place. Until then the widgets stay
        empty, so their state, sent to the browser when Voilà starts, stays small."""
        style = f"{_STYLE}<style>.{_LIVE}{{display:none}}</style>"
        view = self.view()
        return (
            f"{style}<div class='hoctap-board {_FIRST}'>{self.title_html()}</div>",
            f"<div class='hoctap-board {_FIRST}'>{ranking_html(view)}</div>",
            f"<div class='hoctap-board {_FIRST}'>{charts_html(view)}</div>",
        )

    def view(self) -> pd.DataFrame:
        return filtered(self.table, self.kind.value, self.level.value, self.search.value)

    def refresh(self, user: bool = False) -> None:
        self.changed = self.changed or user
        view = self.view()
        counts = view["Xếp loại"].value_counts()
        self.summary.value = (
            f"<div class='hoctap-board'><p>{len(view)} đơn vị: "
            + ", ".join(
                f"{badge(name)} {int(counts.get(name, 0))}" for name in self._names_of_levels()
            )
            + "</p></div>"
        )
        if self.changed:
            live = f"{_SWITCH}<div class='hoctap-board {_LIVE}'>"
            self.title.value = f"{live}{self.title_html()}</div>"
            self.ranking.value = f"{live}{ranking_html(view)}</div>"
            self.charts.value = f"{live}{charts_html(view)}</div>"
        self.unit.options = [("— chọn đơn vị —", "")] + [
            (f"{r['Hạng chung']}. {r['Đơn vị']}", r["Mã đơn vị"]) for r in view.to_dict("records")
        ]
        self.link.value = ""

    def recompute(self) -> None:
        """Score the chosen year again from the database (a year's change, or new data)."""
        if self.load is None:
            return
        year = int(self.year.value)
        self.summary.value = (
            f"<div class='hoctap-board'><p>Đang tính điểm năm {year}, xin chờ…</p></div>"
        )
        try:
            self.table, self.members, self.criteria = self.load(year, str(self.choice.value))
        except HoctapError as error:
            self.summary.value = (
                f"<div class='hoctap-board'><p class='missing'>Chưa tính được điểm năm {year}: "
                f"{escape(error.message)} {escape(error.hint)}</p></div>"
            )
            return
        self.period = year
        self.computed = _now_text()
        kind, level = self.kind.value, self.level.value
        with self.kind.hold_trait_notifications():
            self.kind.options = self._kinds()
            self.kind.value = kind if kind in self.kind.options else ALL
        with self.level.hold_trait_notifications():
            self.level.options = self._levels()
            self.level.value = level if level in self.level.options else ALL
        self.detail.value = ""
        self.refresh(user=True)

    def show_unit(self) -> None:
        if not self.unit.value:
            self.detail.value = ""
            return
        row = self.table[self.table["Mã đơn vị"] == self.unit.value].iloc[0].to_dict()
        people = members_html(self.members(str(self.unit.value))) if self.members else ""
        self.detail.value = (
            f"<div class='hoctap-board'>{detail_html(row, self.criteria_of(row))}{people}</div>"
        )

    def export_view(self) -> None:
        data = base64.b64encode(excel_bytes(self.view(), f"Xếp loại {self.period}")).decode()
        name = f"xep-loai-don-vi-hoc-tap-{self.period}.xlsx"
        self.link.value = (
            f"<a download='{name}' href='data:application/vnd.openxmlformats-officedocument."
            f"spreadsheetml.sheet;base64,{data}'>Tải tệp {name}</a>"
        )

    def display(self) -> None:
        """Show the page: plain first view and widgets interleaved (see ``first_view``)."""
        from IPython.display import HTML, display

        title, table, charts = self.first_view()
        # Written into the page by hoctap's Voilà template, visible before Voilà's JavaScript
        # has started (elsewhere, the metadata is ignored and it is ordinary output).
        first = {"hoctap": "first-view"}
        display(HTML(title), metadata=first)  # type: ignore[no-untyped-call]
        display(self.controls)  # type: ignore[no-untyped-call]
        display(HTML(table), metadata=first)  # type: ignore[no-untyped-call]
        display(self.rest)  # type: ignore[no-untyped-call]
        display(HTML(charts), metadata=first)  # type: ignore[no-untyped-call]
        display(self.charts)  # type: ignore[no-untyped-call]


def _now_text() -> str:
    from datetime import datetime

    from hoctap.settings import ZONE

    return datetime.now(ZONE).strftime("%H:%M ngày %d/%m/%Y")


def periods_with_data(db: Database) -> list[int]:
    """Years with self-assessments or frozen rankings, and this year."""
    from sqlalchemy import select

    from hoctap.awards.measures import this_year
    from hoctap.db.models import AwardSnapshot, SelfAssessment

    with db.session() as session:
        years = set(session.scalars(select(SelfAssessment.period).distinct()))
        years |= set(session.scalars(select(AwardSnapshot.period).distinct()))
    return sorted({*years, this_year()})


def criteria_choices() -> list[tuple[str, str]]:
    """The chooser's options: the default (texts in force by kind), then every file by title."""
    from hoctap.awards.criteria import criteria_folder, criteria_names, load_criteria

    folder = criteria_folder()
    found = [load_criteria(folder / f"{n}.yaml") for n in criteria_names(folder)]
    return [(DEFAULT_CHOICE, "")] + [(f"{c.title} ({c.status_label})", c.name) for c in found]


def build(period: int | None = None, criteria: str = "") -> Leaderboard | widgets.Widget:
    from hoctap.awards.measures import this_year
    from hoctap.awards.report import award_table
    from hoctap.awards.selection import select_criteria
    from hoctap.people.units import open_province_database

    year = period or this_year()
    try:
        choices = criteria_choices()
        # Open for the page's life: a unit's members are read when asked.
        db = open_province_database()

        def load(chosen: int, name: str) -> tuple[pd.DataFrame, Members | None, Selection]:
            selection = select_criteria(name or None, chosen)
            return award_table(db, selection, chosen), roster_members(db, chosen), selection

        table, members, selection = load(year, criteria)
        return Leaderboard(table, selection, year, members, periods_with_data(db), load, choices)
    except HoctapError as error:
        return widgets.HTML(f"<p>{escape(error.message)} {escape(error.hint)}</p>")


def show() -> None:
    """Display the leaderboard (``voila_apps/leaderboard.ipynb`` calls this)."""
    from IPython.display import display

    page = build()
    if isinstance(page, Leaderboard):
        page.display()
    else:
        display(page)  # type: ignore[no-untyped-call]
