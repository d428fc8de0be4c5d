"""Section I of the report: training, by module and by unit, and the detailed sheet of units."""

from __future__ import annotations

from hoctap.documents.figures import ReportFigures, Work
from hoctap.documents.model import (
    Band,
    Block,
    Chart,
    Column,
    DataSheet,
    Paragraph,
    Row,
)
from hoctap.documents.report_common import (
    LAGGING,
    SHOWN_LAGGING,
    SOURCE,
    Numbering,
    by_kind,
    histogram,
    mean,
    pct,
    period_cap,
    share,
    short_name,
    unit_progress,
)
from hoctap.people.units import KINDS
from hoctap.text import format_int


def training_section(
    figures: ReportFigures, count: Numbering
) -> tuple[list[Block], str, DataSheet]:
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
                share(passed, members),
                mean(shares),
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
            Column("Tỷ lệ đạt (%)", kind="decimal"),
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
            mean(all_shares),
        ),
        note=f"Tỷ lệ đạt: số học viên đạt học phần trên {format_int(members)} học viên trong danh "
        "sách; điểm trung bình tính trên các bài đã chấm, theo phần trăm điểm tối đa.",
    )
    progress = unit_progress(figures)
    unit_rows: list[Row] = []
    single = figures.unit is not None
    for label, rows in by_kind(progress):
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
                    share(row.completed, row.members),
                    row.average,
                )
            )
    started = sum(r.started for r in progress)
    submitted = sum(r.submitted for r in progress)
    completed = sum(r.completed for r in progress)
    province_average = mean([w.share for w in works if w.share is not None])
    unit_table = count.numbered(
        "Kết quả bồi dưỡng theo đơn vị",
        (
            Column("Đơn vị", width=2.6),
            Column("Số học viên", kind="int"),
            Column("Đã bắt đầu", "Số học viên tham gia", "int"),
            Column("Đã nộp bài", "Số học viên tham gia", "int"),
            Column("Đạt đủ các học phần", "Số học viên tham gia", "int", 1.1),
            Column("Tỷ lệ đạt đủ (%)", kind="decimal"),
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
            share(completed, members),
            province_average,
        ),
    )
    blocks: list[Block] = []
    summary = (
        f"{period_cap(figures)}, {format_int(started)} trong số {format_int(members)} học viên "
        f"({pct(share(started, members))}) đã tham gia bồi dưỡng trên nền tảng; "
        f"{format_int(submitted)} học viên đã nộp bài, {format_int(completed)} học viên "
        f"({pct(share(completed, members))}) đạt đủ {len(figures.modules)} học phần. "
        f"Điểm trung bình các bài đã chấm: {pct(province_average)}."
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
                        count.chart(f"Tỷ lệ học viên đã nộp bài theo đơn vị: {title}"),
                        "bars",
                        tuple(short_name(r.unit.name) for r in part),
                        tuple(float(share(r.submitted, r.members) or 0.0) for r in part),
                        f"{SOURCE}, {figures.window.label}; số học viên đã nộp ít nhất "
                        "một học phần trên số học viên trong danh sách",
                    )
                )
    if all_shares:
        blocks.append(
            histogram(
                count.chart("Phân bố điểm các bài học phần đã chấm"),
                all_shares,
                f"{SOURCE}, {format_int(len(all_shares))} bài, {figures.window.label}",
            )
        )
    short = (
        f"Bồi dưỡng: {format_int(started)}/{format_int(members)} học viên "
        f"({pct(share(started, members))}) đã tham gia, {format_int(completed)} học viên "
        f"({pct(share(completed, members))}) đạt đủ {len(figures.modules)} học phần; điểm "
        f"trung bình {pct(province_average)}."
    )
    lagging = sorted(
        (r for r in progress if r.members and (share(r.started, r.members) or 0) < LAGGING),
        key=lambda r: (share(r.started, r.members) or 0, r.unit.name),
    )
    if lagging and not single:
        names = ", ".join(
            f"{r.unit.name} ({pct(share(r.started, r.members))})" for r in lagging[:SHOWN_LAGGING]
        )
        more = len(lagging) - SHOWN_LAGGING
        short += (
            f" Còn {format_int(len(lagging))} đơn vị có dưới {LAGGING}% học viên tham gia, cần đôn "
            f"đốc: {names}" + (f" và {format_int(more)} đơn vị khác" if more > 0 else "") + "."
        )
    return blocks, short, detail_sheet(figures)


def detail_sheet(figures: ReportFigures) -> DataSheet:
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
                            mean(shares),
                        ),
                        strict=True,
                    )
                )
            )
    return DataSheet("Chi tiết theo học phần", columns, tuple(records))
