"""Sections II to IV of the report: the knowledge contests, the "Đơn vị học tập" ranking, and
progress against the targets of the plan."""

from __future__ import annotations

from hoctap.documents.config import DocumentSettings
from hoctap.documents.figures import ReportFigures
from hoctap.documents.model import (
    Block,
    Chart,
    Column,
    Paragraph,
    Row,
)
from hoctap.documents.report_common import (
    SOURCE,
    Numbering,
    histogram,
    in_unit,
    mean,
    pct,
    share,
    short_name,
)
from hoctap.people.units import KINDS
from hoctap.text import format_decimal, format_int


def contest_section(figures: ReportFigures, count: Numbering) -> tuple[list[Block], str]:
    blocks: list[Block] = []
    if not figures.contests:
        text = f"Không có cuộc thi tìm hiểu nào có bài dự thi {figures.window.label}."
        return [Paragraph(text)], f"Thi tìm hiểu: {text[0].lower()}{text[1:]}"
    prizes = groups_won = entries = 0
    members = sum(len(v) for v in figures.members.values())
    for contest in figures.contests:
        taking = sum(contest.by_unit.get(u.code, 0) for u in figures.units)
        entrants = contest.entrants if figures.unit is None else taking
        average = mean(list(contest.shares)) if figures.unit is None else None
        text = (
            f"{contest.title}: {format_int(entrants)} người dự thi"
            + (
                f", trong đó {format_int(taking)} người trong danh sách học viên "
                f"({pct(share(taking, members))} số học viên)"
                if figures.unit is None
                else f" ({pct(share(taking, members))} số học viên của đơn vị)"
            )
            + (
                f"; điểm trung bình {pct(average)} số điểm tối đa, {format_int(contest.perfect)} "
                "người trả lời đúng tất cả các câu"
                if average is not None
                else ""
            )
            + "."
        )
        blocks.append(Paragraph(text))
        entries += entrants
        winners = [w for w in contest.winners if in_unit(figures, w.unit)]
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
        groups = [g for g in contest.groups if in_unit(figures, g.unit)]
        groups_won += len(groups)
        if groups:
            blocks.append(
                count.numbered(
                    f"Tập thể đạt giải: {contest.title}",
                    (
                        Column("Đơn vị", width=2.6),
                        Column("Số người dự thi", kind="int"),
                        Column("Tỷ lệ tham gia (%)", kind="decimal"),
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
                        f"Tỷ lệ học viên dự thi theo đơn vị"
                        f"{': xã, phường' if chart_units is commune else ''} – {contest.title}"
                    ),
                    "bars",
                    tuple(short_name(u.name) for u in chart_units),
                    tuple(
                        float(
                            share(contest.by_unit.get(u.code, 0), len(figures.members[u.code]))
                            or 0.0
                        )
                        for u in chart_units
                    ),
                    f"{SOURCE}; người dự thi trong danh sách học viên trên số học viên của đơn vị",
                )
            )
        if contest.shares and figures.unit is None:
            blocks.append(
                histogram(
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


def award_section(figures: ReportFigures, count: Numbering) -> tuple[list[Block], str]:
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
        f"{format_int(recognised)} đơn vị ({pct(share(recognised, len(awards.rows)))}) xếp loại "
        f"từ {awards.recognised[-1]} trở lên."
    )
    said = "Bộ tiêu chí đã dùng: " + " ".join(awards.criteria)
    if awards.simulated:
        said += " Có phần mô phỏng hoặc tiêu chí riêng của tỉnh: không phải điểm theo văn bản."
    blocks += [Paragraph(text), Paragraph(status, note=True), Paragraph(said, note=True)]
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
            note="Ngưỡng xếp loại: "
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
        return share(recognised, len(rows)), f"{how} ({KINDS.get(kind, kind).lower()})"
    key = measure[len(self_prefix) :]
    values = figures.self_values.get(key, {})
    weights = {code: len(figures.members.get(code, ())) for code in values}
    total = sum(weights.values())
    if not total:
        return None, "chưa có đơn vị nào gửi số liệu"
    value = sum(values[c] * weights[c] for c in values) / total
    return round(value, 1), f"theo tự đánh giá của {format_int(len(values))} đơn vị"


def target_section(
    figures: ReportFigures, settings: DocumentSettings, count: Numbering
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
            f"{target.name}: {pct(value)} (chỉ tiêu {pct(target.target)}), {verdict.lower()}."
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
