"""The periodic report to the UBND tỉnh (mục IV of the province's communication plan): training,
the knowledge contests, "Đơn vị học tập", progress against the targets, and a short summary.

``build_report`` is a pure function of the figures (``hoctap.documents.figures``) and the
wording (``grading/documents.yaml``); ``write_report`` gathers, builds and renders.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from hoctap.db import Database
from hoctap.documents.config import DocumentSettings
from hoctap.documents.figures import ReportFigures, UnitInfo, Work
from hoctap.documents.model import (
    Band,
    Block,
    Cell,
    Chart,
    Column,
    DataSheet,
    Document,
    Paragraph,
    Row,
    Section,
    Table,
)
from hoctap.documents.official import date_line, number_line, roman, upper
from hoctap.errors import HoctapError
from hoctap.people.units import KINDS
from hoctap.text import format_decimal, format_int

SOURCE = "nền tảng hoctap"
LAGGING = 50
"""Units with fewer of their members than this (%) taking part are named in the summary."""
SHOWN_LAGGING = 10


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _mean(values: Sequence[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{format_decimal(value)}%"


@dataclass
class _Counter:
    """Numbers tables and charts in order: Bảng 1, Bảng 2, Biểu đồ 1, ..."""

    tables: int = 0
    charts: int = 0

    def table(self, title: str) -> str:
        self.tables += 1
        return f"Bảng {self.tables}. {title}"

    def chart(self, title: str) -> str:
        self.charts += 1
        return f"Biểu đồ {self.charts}. {title}"

    def numbered(
        self,
        title: str,
        columns: Sequence[Column],
        rows: Iterable[Row],
        total: tuple[Cell, ...] | None = None,
        note: str = "",
    ) -> Table:
        """A table with its number ("Bảng 3.") and an STT column counting its rows (not the
        bands); ``total`` is the last row, without a number."""
        numbered: list[Row] = []
        number = 0
        for row in rows:
            if isinstance(row, Band):
                numbered.append(row)
            else:
                number += 1
                numbered.append((number, *row))
        return Table(
            self.table(title),
            (Column("STT", kind="int", width=0.75), *columns),
            tuple(numbered),
            total=None if total is None else ("", *total),
            note=note,
        )


@dataclass(frozen=True)
class UnitProgress:
    unit: UnitInfo
    members: int
    started: int
    submitted: int
    completed: int
    """Members who passed every module."""
    average: float | None
    """Mean score of the members' graded submissions (% of the most), as the module table and
    the province's row count it."""


def unit_progress(figures: ReportFigures) -> list[UnitProgress]:
    """Per unit: members, members who started / handed in a module, passed them all, average."""
    by_trainee: dict[str, list[Work]] = {}
    for work in figures.work:
        by_trainee.setdefault(work.trainee, []).append(work)
    modules = {m.id for m in figures.modules}
    rows = []
    for unit in figures.units:
        trainees = figures.members.get(unit.code, ())
        started = submitted = completed = 0
        shares: list[float] = []
        for trainee in trainees:
            works = by_trainee.get(trainee, [])
            started += bool(works)
            submitted += any(w.submitted for w in works)
            completed += bool(modules) and {w.module for w in works if w.passed} >= modules
            shares += [w.share for w in works if w.share is not None]
        rows.append(UnitProgress(unit, len(trainees), started, submitted, completed, _mean(shares)))
    return rows


def _by_kind(rows: Iterable[UnitProgress]) -> list[tuple[str, list[UnitProgress]]]:
    groups: dict[str, list[UnitProgress]] = {}
    for row in rows:
        groups.setdefault(row.unit.kind, []).append(row)
    order = list(KINDS)
    return [
        (KINDS.get(k, k), groups[k])
        for k in sorted(groups, key=lambda k: (order.index(k) if k in order else len(order), k))
    ]


def _training(figures: ReportFigures, count: _Counter) -> tuple[list[Block], str, DataSheet]:
    members = sum(len(v) for v in figures.members.values())
    listed = {trainee for trainees in figures.members.values() for trainee in trainees}
    works = [w for w in figures.work if w.trainee in listed]
    module_rows: list[Row] = []
    for module in figures.modules:
        mine = [w for w in works if w.module == module.id]
        shares = [w.share for w in mine if w.share is not None]
        passed = sum(w.passed for w in mine)
        module_rows.append(
            (
                module.title,
                len(mine),
                sum(w.submitted for w in mine),
                len(shares),
                passed,
                _share(passed, members),
                _mean(shares),
            )
        )
    all_shares = [w.share for w in works if w.share is not None]
    total_passed = sum(w.passed for w in works)
    module_table = count.numbered(
        "Kết quả bồi dưỡng theo học phần",
        (
            Column("Học phần", width=3.2),
            Column("Đã bắt đầu", "Số lượt học viên", "int"),
            Column("Đã nộp bài", "Số lượt học viên", "int"),
            Column("Đã chấm", "Số lượt học viên", "int"),
            Column("Đạt", "Số lượt học viên", "int"),
            Column("Tỉ lệ đạt (%)", kind="decimal"),
            Column("Điểm trung bình (%)", kind="decimal"),
        ),
        module_rows,
        total=(
            "Cộng",
            len(works),
            sum(w.submitted for w in works),
            len(all_shares),
            total_passed,
            "",
            _mean(all_shares),
        ),
        note=f"Tỉ lệ đạt: số học viên đạt học phần trên {format_int(members)} học viên trong danh "
        "sách; điểm trung bình tính trên các bài đã chấm, theo phần trăm điểm tối đa.",
    )
    progress = unit_progress(figures)
    unit_rows: list[Row] = []
    single = figures.unit is not None
    for label, rows in _by_kind(progress):
        if not single:
            unit_rows.append(Band(label))
        for row in sorted(rows, key=lambda r: r.unit.name):
            unit_rows.append(
                (
                    row.unit.name,
                    row.members,
                    row.started,
                    row.submitted,
                    row.completed,
                    _share(row.completed, row.members),
                    row.average,
                )
            )
    started = sum(r.started for r in progress)
    submitted = sum(r.submitted for r in progress)
    completed = sum(r.completed for r in progress)
    province_average = _mean([w.share for w in works if w.share is not None])
    unit_table = count.numbered(
        "Kết quả bồi dưỡng theo đơn vị",
        (
            Column("Đơn vị", width=2.6),
            Column("Số học viên", kind="int"),
            Column("Đã bắt đầu", "Số học viên tham gia", "int"),
            Column("Đã nộp bài", "Số học viên tham gia", "int"),
            Column("Đạt đủ các học phần", "Số học viên tham gia", "int", 1.1),
            Column("Tỉ lệ đạt đủ (%)", kind="decimal"),
            Column("Điểm trung bình (%)", kind="decimal"),
        ),
        unit_rows,
        total=None
        if single
        else (
            "Toàn tỉnh",
            members,
            started,
            submitted,
            completed,
            _share(completed, members),
            province_average,
        ),
    )
    blocks: list[Block] = []
    summary = (
        f"{_period_cap(figures)}, {format_int(started)} trong số {format_int(members)} học viên "
        f"({_pct(_share(started, members))}) đã tham gia bồi dưỡng trên nền tảng; "
        f"{format_int(submitted)} học viên đã nộp bài, {format_int(completed)} học viên "
        f"({_pct(_share(completed, members))}) đạt đủ {len(figures.modules)} học phần. "
        f"Điểm trung bình các bài đã chấm: {_pct(province_average)}."
    )
    blocks += [Paragraph(summary), module_table, unit_table]
    if not single:
        commune = [r for r in progress if r.unit.kind == "xa_phuong" and r.members]
        others = [r for r in progress if r.unit.kind != "xa_phuong" and r.members]
        for part, title in (
            (commune, "xã, phường"),
            (others, "sở, ban, ngành, đoàn thể, cơ quan báo chí"),
        ):
            if len(part) > 1:
                blocks.append(
                    Chart(
                        count.chart(f"Tỉ lệ học viên đã nộp bài theo đơn vị: {title}"),
                        "bars",
                        tuple(_short(r.unit.name) for r in part),
                        tuple(float(_share(r.submitted, r.members) or 0.0) for r in part),
                        f"{SOURCE}, {figures.window.label}; số học viên đã nộp ít nhất "
                        "một học phần trên số học viên trong danh sách",
                    )
                )
    if all_shares:
        blocks.append(
            _histogram(
                count.chart("Phân bố điểm các bài học phần đã chấm"),
                all_shares,
                f"{SOURCE}, {format_int(len(all_shares))} bài, {figures.window.label}",
            )
        )
    short = (
        f"Bồi dưỡng: {format_int(started)}/{format_int(members)} học viên "
        f"({_pct(_share(started, members))}) đã tham gia, {format_int(completed)} học viên "
        f"({_pct(_share(completed, members))}) đạt đủ {len(figures.modules)} học phần; điểm "
        f"trung bình {_pct(province_average)}."
    )
    lagging = sorted(
        (r for r in progress if r.members and (_share(r.started, r.members) or 0) < LAGGING),
        key=lambda r: (_share(r.started, r.members) or 0, r.unit.name),
    )
    if lagging and not single:
        names = ", ".join(
            f"{r.unit.name} ({_pct(_share(r.started, r.members))})" for r in lagging[:SHOWN_LAGGING]
        )
        more = len(lagging) - SHOWN_LAGGING
        short += (
            f" Còn {format_int(len(lagging))} đơn vị có dưới {LAGGING}% học viên tham gia, cần đôn "
            f"đốc: {names}" + (f" và {format_int(more)} đơn vị khác" if more > 0 else "") + "."
        )
    return blocks, short, _detail_sheet(figures)


def _short(name: str) -> str:
    for prefix in ("Xã ", "Phường "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _histogram(title: str, shares: Sequence[float], source: str) -> Chart:
    bands = [0] * 10
    for share in shares:
        bands[min(int(share // 10), 9)] += 1
    labels = tuple(f"{10 * i}–{10 * i + 10}" for i in range(10))
    return Chart(
        title,
        "histogram",
        labels,
        tuple(float(b) for b in bands),
        source,
        unit="",
        axis="Điểm (% điểm tối đa)",
    )


def _detail_sheet(figures: ReportFigures) -> DataSheet:
    """One row per unit and module, for the spreadsheet."""
    unit_of = {t: code for code, trainees in figures.members.items() for t in trainees}
    names = {u.code: u for u in figures.units}
    counts: dict[tuple[str, str], list[Work]] = {}
    for work in figures.work:
        if work.trainee in unit_of:
            counts.setdefault((unit_of[work.trainee], work.module), []).append(work)
    columns = (
        "Mã đơn vị",
        "Đơn vị",
        "Loại đơn vị",
        "Học phần",
        "Số học viên",
        "Đã bắt đầu",
        "Đã nộp bài",
        "Đã chấm",
        "Đạt",
        "Điểm trung bình (%)",
    )
    records: list[dict[str, object]] = []
    for unit in figures.units:
        for module in figures.modules:
            works = counts.get((unit.code, module.id), [])
            shares = [w.share for w in works if w.share is not None]
            records.append(
                dict(
                    zip(
                        columns,
                        (
                            unit.code,
                            names[unit.code].name,
                            KINDS.get(unit.kind, unit.kind),
                            module.title,
                            len(figures.members.get(unit.code, ())),
                            len(works),
                            sum(w.submitted for w in works),
                            len(shares),
                            sum(w.passed for w in works),
                            _mean(shares),
                        ),
                        strict=True,
                    )
                )
            )
    return DataSheet("Chi tiết theo học phần", columns, tuple(records))


def _period_cap(figures: ReportFigures) -> str:
    label = figures.window.label
    return label[0].upper() + label[1:]


def _in_unit(figures: ReportFigures, unit_name: str) -> bool:
    from hoctap.people.units import unit_key

    return figures.unit is None or unit_key(unit_name) == unit_key(figures.unit.name)


def _contests(figures: ReportFigures, count: _Counter) -> tuple[list[Block], str]:
    blocks: list[Block] = []
    if not figures.contests:
        text = f"Không có cuộc thi tìm hiểu nào có bài dự thi {figures.window.label}."
        return [Paragraph(text)], f"Thi tìm hiểu: {text[0].lower()}{text[1:]}"
    prizes = groups_won = entries = 0
    members = sum(len(v) for v in figures.members.values())
    for contest in figures.contests:
        taking = sum(contest.by_unit.get(u.code, 0) for u in figures.units)
        entrants = contest.entrants if figures.unit is None else taking
        average = _mean(list(contest.shares)) if figures.unit is None else None
        text = (
            f"{contest.title}: {format_int(entrants)} người dự thi"
            + (
                f", trong đó {format_int(taking)} người trong danh sách học viên "
                f"({_pct(_share(taking, members))} số học viên)"
                if figures.unit is None
                else f" ({_pct(_share(taking, members))} số học viên của đơn vị)"
            )
            + (
                f"; điểm trung bình {_pct(average)} số điểm tối đa, {format_int(contest.perfect)} "
                "người trả lời đúng tất cả các câu"
                if average is not None
                else ""
            )
            + "."
        )
        blocks.append(Paragraph(text))
        entries += entrants
        winners = [w for w in contest.winners if _in_unit(figures, w.unit)]
        prizes += len(winners)
        if contest.prizes and figures.unit is None:
            blocks.append(
                count.numbered(
                    f"Cơ cấu giải: {contest.title}",
                    (Column("Giải", width=2.0), Column("Số giải", kind="int")),
                    contest.prizes,
                    total=("Cộng", sum(n for _, n in contest.prizes)),
                )
            )
        if winners:
            blocks.append(
                count.numbered(
                    f"Cá nhân đạt giải: {contest.title}",
                    (
                        Column("Họ và tên", width=1.8),
                        Column("Đơn vị", width=2.0),
                        Column("Điểm", kind="decimal", width=0.6),
                        Column("Giải", width=0.9),
                    ),
                    ((w.name, w.unit, w.score, w.prize) for w in winners),
                    note="Người dự thi chưa đồng ý công khai họ tên được ghi bằng số báo danh "
                    "(Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15)."
                    if contest.hidden_names
                    else "",
                )
            )
        groups = [g for g in contest.groups if _in_unit(figures, g.unit)]
        groups_won += len(groups)
        if groups:
            blocks.append(
                count.numbered(
                    f"Tập thể đạt giải: {contest.title}",
                    (
                        Column("Đơn vị", width=2.6),
                        Column("Số người dự thi", kind="int"),
                        Column("Tỉ lệ tham gia (%)", kind="decimal"),
                        Column("Giải", width=1.0),
                    ),
                    ((g.unit, g.participants, g.rate, g.prize) for g in groups),
                )
            )
        takers = [u for u in figures.units if figures.members.get(u.code)]
        if figures.unit is None and len(takers) > 1:
            commune = [u for u in takers if u.kind == "xa_phuong"]
            chart_units = commune if len(commune) > 1 else takers
            blocks.append(
                Chart(
                    count.chart(
                        f"Tỉ lệ học viên dự thi theo đơn vị"
                        f"{': xã, phường' if chart_units is commune else ''} – {contest.title}"
                    ),
                    "bars",
                    tuple(_short(u.name) for u in chart_units),
                    tuple(
                        float(
                            _share(contest.by_unit.get(u.code, 0), len(figures.members[u.code]))
                            or 0.0
                        )
                        for u in chart_units
                    ),
                    f"{SOURCE}; người dự thi trong danh sách học viên trên số học viên của đơn vị",
                )
            )
        if contest.shares and figures.unit is None:
            blocks.append(
                _histogram(
                    count.chart(f"Phân bố điểm – {contest.title}"),
                    contest.shares,
                    f"{SOURCE}, {format_int(len(contest.shares))} bài dự thi được tính",
                )
            )
        blocks += [Paragraph(f"Lưu ý: {note}", note=True) for note in contest.notes]
    short = (
        f"Thi tìm hiểu: {format_int(entries)} lượt dự thi ở {len(figures.contests)} cuộc thi; "
        f"{format_int(prizes)} giải cá nhân, {format_int(groups_won)} giải tập thể."
    )
    return blocks, short


def _awards(figures: ReportFigures, count: _Counter) -> tuple[list[Block], str]:
    awards = figures.awards
    year = figures.window.year
    if awards is None or not awards.rows:
        text = f"Chưa có số liệu xếp loại “Đơn vị học tập” năm {year}."
        return [Paragraph(text)], f"Đơn vị học tập: {text[0].lower()}{text[1:]}"
    blocks: list[Block] = []
    if awards.frozen_at is not None:
        status = (
            f"Kết quả xếp loại năm {year} đã được chốt ngày "
            f"{awards.frozen_at.strftime('%d/%m/%Y')} ({awards.frozen_by})."
        )
    else:
        status = (
            f"Kết quả xếp loại năm {year} chưa được chốt: số liệu dưới đây là kết quả "
            "tính tại thời điểm lập báo cáo, có thể còn thay đổi."
        )
    levels_shown = awards.levels
    by_kind: dict[str, list[str]] = {}
    for row in awards.rows:
        by_kind.setdefault(row.kind, []).append(row.level)
    rows: list[Row] = []
    order = list(KINDS)
    for kind in sorted(by_kind, key=lambda k: order.index(k) if k in order else len(order)):
        levels = by_kind[kind]
        rows.append(
            (KINDS.get(kind, kind), len(levels), *(levels.count(lv) for lv in levels_shown))
        )
    all_levels = [r.level for r in awards.rows]
    recognised = sum(all_levels.count(level) for level in awards.recognised)
    text = (
        f"Năm {year}, {format_int(len(awards.rows))} đơn vị được chấm theo tiêu chí “Đơn vị học "
        f"tập”: {', '.join(f'{all_levels.count(lv)} {lv}' for lv in levels_shown)}; "
        f"{format_int(recognised)} đơn vị ({_pct(_share(recognised, len(awards.rows)))}) xếp loại "
        f"từ {awards.recognised[-1]} trở lên."
    )
    blocks += [Paragraph(text), Paragraph(status, note=True)]
    blocks.append(
        count.numbered(
            f"Xếp loại “Đơn vị học tập” năm {year} theo loại đơn vị",
            (
                Column("Loại đơn vị", width=1.8),
                Column("Số đơn vị", kind="int"),
                *(Column(level, "Xếp loại", "int") for level in levels_shown),
            ),
            rows,
            total=("Cộng", len(all_levels), *(all_levels.count(lv) for lv in levels_shown)),
            note="Xếp loại theo tiêu chí trong grading/awards.yaml (Thông tư 22/2020/TT-BGDĐT): "
            + ", ".join(f"{name} từ {format_decimal(low)} điểm" for name, low in awards.thresholds)
            + ".",
        )
    )
    top = awards.recognised[0]
    best = sorted((r for r in awards.rows if r.level == top), key=lambda r: (r.rank, r.name))
    if best:
        blocks.append(
            count.numbered(
                f"Đơn vị xếp loại {top} năm {year}",
                (
                    Column("Đơn vị", width=2.6),
                    Column("Loại đơn vị", width=1.3),
                    Column("Tổng điểm", kind="decimal"),
                    Column("Hạng chung", kind="int"),
                ),
                ((r.name, KINDS.get(r.kind, r.kind), r.total, r.rank) for r in best),
            )
        )
    counts = ", ".join(f"{all_levels.count(lv)} {lv}" for lv in levels_shown)
    short = f"Đơn vị học tập: {counts} " + (
        "(đã chốt)." if awards.frozen_at is not None else "(chưa chốt)."
    )
    return blocks, short


def target_value(measure: str, figures: ReportFigures) -> tuple[float | None, str]:
    """A target's measured value (%) and how it was measured."""
    kind_prefix, self_prefix = "recognised_share:", "self:"
    if measure.startswith(kind_prefix):
        kind = measure[len(kind_prefix) :]
        awards = figures.awards
        rows = [r for r in (awards.rows if awards else ()) if r.kind == kind]
        recognised = sum(awards is not None and r.level in awards.recognised for r in rows)
        how = f"{format_int(recognised)}/{format_int(len(rows))} đơn vị"
        return _share(recognised, len(rows)), f"{how} ({KINDS.get(kind, kind).lower()})"
    key = measure[len(self_prefix) :]
    values = figures.self_values.get(key, {})
    weights = {code: len(figures.members.get(code, ())) for code in values}
    total = sum(weights.values())
    if not total:
        return None, "chưa có đơn vị nào gửi số liệu"
    value = sum(values[c] * weights[c] for c in values) / total
    return round(value, 1), f"theo tự đánh giá của {format_int(len(values))} đơn vị"


def _targets(
    figures: ReportFigures, settings: DocumentSettings, count: _Counter
) -> tuple[list[Block], list[str]]:
    rows: list[Row] = []
    notes: list[str] = []
    sentences: list[str] = []
    for number, target in enumerate(settings.targets, start=1):
        value, how = target_value(target.measure, figures)
        verdict = (
            "Chưa có số liệu"
            if value is None
            else ("Đạt" if value >= target.target else "Chưa đạt")
        )
        rows.append((target.name, target.target, value, how, verdict))
        notes.append(f"({number}) {target.source}")
        sentences.append(
            f"{target.name}: {_pct(value)} (chỉ tiêu {_pct(target.target)}), {verdict.lower()}."
        )
    if not rows:
        return [Paragraph("Chưa khai báo chỉ tiêu trong grading/documents.yaml.")], []
    table = count.numbered(
        "Kết quả so với chỉ tiêu",
        (
            Column("Chỉ tiêu", width=2.4),
            Column("Chỉ tiêu (%)", kind="decimal", width=0.8),
            Column("Kết quả (%)", kind="decimal", width=0.8),
            Column("Cách tính", width=1.4),
            Column("Đánh giá", width=0.9),
        ),
        rows,
    )
    return [table, Paragraph("Căn cứ: " + " ".join(notes), note=True)], sentences


def build_report(figures: ReportFigures, settings: DocumentSettings, today: date) -> Document:
    """The report as a document, ready for ``render_pdf`` or ``render_xlsx``."""
    count = _Counter()
    issuer = settings.issuer
    parent, issuer_name = issuer.parent, issuer.name
    label = figures.window.label
    if figures.unit is not None:
        # A unit reports in its own name; a commune's People's Committee has no parent line.
        unit = figures.unit
        commune = unit.kind == "xa_phuong"
        parent, issuer_name = ("", f"UBND {unit.name}") if commune else (parent, unit.name)
        label = f"{label} của {unit.name}"
    fields = {"ky": label, "co_quan": issuer_name}
    training, training_text, detail = _training(figures, count)
    if figures.demo_people:
        training.insert(
            0,
            Paragraph(
                f"Lưu ý: số liệu có {format_int(figures.demo_people)} học viên mẫu (người giả lập, "
                "do hoctap demo tạo), không phải người thật; báo cáo này là báo cáo mẫu.",
                note=True,
            ),
        )
    contests, contest_text = _contests(figures, count)
    awards, award_text = _awards(figures, count)
    targets, target_texts = _targets(figures, settings, count)
    parts = [
        ("KẾT QUẢ BỒI DƯỠNG ĐỘI NGŨ BÁO CÁO VIÊN, TUYÊN TRUYỀN VIÊN CƠ SỞ", training),
        ("CUỘC THI TÌM HIỂU", contests),
        ("XÂY DỰNG “ĐƠN VỊ HỌC TẬP”", awards),
        ("KẾT QUẢ SO VỚI CHỈ TIÊU", targets),
    ]
    sections = [
        Section(f"{roman(number)}. {title}", tuple(blocks))
        for number, (title, blocks) in enumerate(parts, start=1)
    ]
    summary = [training_text, contest_text, award_text, *target_texts]
    sections.append(
        Section(
            f"{roman(len(parts) + 1)}. ĐÁNH GIÁ CHUNG",
            tuple(Paragraph(f"- {line}") for line in summary),
        )
    )
    return Document(
        parent=upper(parent),
        issuer=upper(issuer_name),
        number=number_line("BC", issuer.abbreviation if figures.unit is None else ""),
        date_line=date_line(settings.place, today),
        title=settings.report_title,
        subject=settings.render(settings.report_subject, fields),
        opening=settings.render(settings.report_opening, fields),
        sections=tuple(sections),
        recipients=settings.recipients,
        signer_title=settings.report_signer.title,
        signer_name=settings.report_signer.name,
        data_sheets=(detail,),
    )


def _renderers() -> dict[str, Callable[[Document, Path], None]]:
    from hoctap.documents.pdf import render_pdf
    from hoctap.documents.xlsx import render_xlsx

    return {"pdf": render_pdf, "xlsx": render_xlsx}


def write_report(
    db: Database,
    fmt: str,
    output: Path,
    period: int | None = None,
    first: date | None = None,
    last: date | None = None,
    unit: str | None = None,
    today: date | None = None,
    settings: DocumentSettings | None = None,
) -> Document:
    """Gather the figures, build the report and write it as ``pdf`` or ``xlsx``."""
    from hoctap.documents.config import load_documents
    from hoctap.documents.figures import gather, window
    from hoctap.settings import ZONE

    renderers = _renderers()
    if fmt not in renderers:
        raise HoctapError(
            f"Không có định dạng '{fmt}'.", f"Chọn một trong: {', '.join(renderers)}."
        )
    from datetime import datetime

    settings = settings or load_documents()
    day = today or datetime.now(ZONE).date()
    figures = gather(db, window(period, first, last, day), unit)
    document = build_report(figures, settings, day)
    renderers[fmt](document, output)
    return document
