"""The organisers' results page: a contest's ranking, as `contest results --public` gives it.

Public form only (names with consent, no phone or ID numbers): this page has no login of its own
until the platform runs behind JupyterHub. Judges who need more use the command line.
"""

from __future__ import annotations

from html import escape

import ipywidgets as widgets

from hoctap.db import Database
from hoctap.errors import HoctapError

_STYLE = """
<style>
.hoctap-results { font-family: "Noto Sans", "Segoe UI", Arial, sans-serif; }
.hoctap-results table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; }
.hoctap-results th, .hoctap-results td { border: 1px solid #c8d3e0; padding: 0.25rem 0.6rem; }
.hoctap-results th { background: #ddebf7; text-align: left; }
.hoctap-results td.num { text-align: right; font-variant-numeric: tabular-nums; }
.hoctap-results .note { color: #555; }
.hoctap-results .flag { color: #b00020; }
</style>
"""
ROWS = 200
"""The page shows this many rows of the ranking; the command line writes them all."""


def _cell(value: object) -> str:
    if value is None or value != value:  # None, NaN, pandas' NA
        return "<td></td>"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"<td class='num'>{escape(f'{value:g}')}</td>"
    return f"<td>{escape(str(value))}</td>"


def _table(records: list[dict[str, object]], columns: list[str]) -> str:
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(_cell(_plain(r.get(c))) for c in columns) + "</tr>" for r in records
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _plain(value: object) -> object:
    try:
        if value != value:  # NaN
            return None
    except (TypeError, ValueError):  # pandas' NA refuses comparison
        return None
    return value


def results_html(db: Database, name: str) -> str:
    """The public ranking of one contest, with its summary and, if any, the group prizes."""
    from hoctap.contest.catalog import find_contest
    from hoctap.contest.report import summary
    from hoctap.contest.results import contest_results

    loaded = find_contest(db.settings, name)
    result = contest_results(db, loaded, public=True, groups=True)
    notes = "".join(
        f"<p class='{'flag' if line.startswith('Lưu ý') else 'note'}'>{escape(line)}</p>"
        for line in summary(result)
    )
    ranking = result.ranking
    records = ranking.head(ROWS).astype(object).to_dict("records")
    more = (
        f"<p class='note'>Trang hiện {ROWS} người đầu; bảng đầy đủ: hoctap contest results "
        f"{escape(name)} --public --format xlsx --output ket-qua.xlsx</p>"
        if len(ranking) > ROWS
        else ""
    )
    groups = ""
    if result.groups is not None and len(result.groups):
        group_records = result.groups.astype(object).to_dict("records")
        groups = "<h2>Giải tập thể</h2>" + _table(group_records, list(result.groups.columns))
    return (
        f"{_STYLE}<div class='hoctap-results'><h1>{escape(loaded.contest.title)}</h1>{notes}"
        f"<h2>Bảng xếp hạng</h2>{_table(records, list(ranking.columns))}{more}{groups}</div>"
    )


def build(db: Database) -> widgets.Widget:
    """A contest chooser and its results, refreshed on demand."""
    from hoctap.contest.catalog import contest_folders

    names = sorted({p.stem for f in contest_folders(db.settings) for p in f.glob("*.yaml")})
    chooser = widgets.Dropdown(description="Cuộc thi", options=names)
    refresh = widgets.Button(description="Xem kết quả", button_style="primary")
    output = widgets.HTML()

    def show(_change: object = None) -> None:
        if not chooser.value:
            output.value = "<p>Chưa có cuộc thi nào.</p>"
            return
        try:
            output.value = results_html(db, str(chooser.value))
        except HoctapError as error:
            output.value = f"<p class='flag'>{escape(error.message)} {escape(error.hint)}</p>"

    refresh.on_click(show)
    chooser.observe(show, "value")
    show()
    return widgets.VBox([widgets.HBox([chooser, refresh]), output])


def show() -> None:
    """Display the page in a notebook (``voila_apps/results.ipynb`` calls this)."""
    from IPython.display import display

    from hoctap.people.units import open_province_database

    display(build(open_province_database()))  # type: ignore[no-untyped-call]
