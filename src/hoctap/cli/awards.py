"""``hoctap awards``: the "Đơn vị học tập" ranking: self-assessments, ranking, freezing."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hoctap.cli.common import Format, FormatOption, OutputOption, err, group, opened
from hoctap.errors import HoctapError

if TYPE_CHECKING:
    pass


PeriodOption = Annotated[int | None, typer.Option("--period", help="Năm xét (mặc định: năm nay).")]
app = group("Danh hiệu “Đơn vị học tập”: tiêu chí (grading/awards.yaml), tự đánh giá, xếp loại.")


@app.command("import-self-assessment")
def awards_import(
    file: Annotated[
        Path,
        typer.Argument(
            help="Tệp .xlsx hoặc .csv: cột Đơn vị, Năm, rồi mỗi dòng tự đánh giá một cột "
            "(tên như trong grading/awards.yaml)."
        ),
    ],
    period: Annotated[
        int | None, typer.Option("--period", help="Năm đánh giá, khi tệp không có cột Năm.")
    ] = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help="Tên trang tính cần đọc.")] = None,
) -> None:
    """Nhập bảng tự đánh giá của các đơn vị. Có ô sai thì không nhập gì và liệt kê từng ô."""
    from hoctap.awards.criteria import load_criteria
    from hoctap.awards.selfassessment import import_self_assessment

    with opened() as db:
        report = import_self_assessment(db, file, load_criteria(), period, sheet)
    typer.echo(
        f"Đã nhập {file.name}: {report.units} đơn vị, {report.lines} dòng tự đánh giá "
        f"(năm {report.period})."
    )


@app.command("rank")
def awards_rank(
    period: PeriodOption = None,
    kind: Annotated[
        str | None,
        typer.Option("--kind", "-k", help="Chỉ một loại đơn vị (ví dụ: xa_phuong, so_nganh)."),
    ] = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
) -> None:
    """Chấm và xếp loại “Đơn vị học tập”: tổng điểm, xếp loại, hạng, điểm từng chỉ số."""
    from hoctap.awards.criteria import load_criteria
    from hoctap.awards.measures import this_year
    from hoctap.awards.report import FIXED_COLUMNS, award_table
    from hoctap.io.writers import write_records
    from hoctap.people.units import parse_kind

    year = period or this_year()
    with opened() as db:
        wanted = None
        if kind:
            wanted = parse_kind(kind)
            if wanted is None:
                raise HoctapError(
                    f"Không có loại đơn vị '{kind}'.", "Xem: hoctap units list --help"
                )
        table = award_table(db, load_criteria(), year, wanted)
        columns = FIXED_COLUMNS if fmt is Format.table else list(table.columns)
        records = table.astype(object).where(table.notna(), None).to_dict("records")
        write_records(records, columns, fmt.value, output, f"Đơn vị học tập {year}")
    if fmt is Format.table:
        err("Điểm từng chỉ số: thêm --format xlsx --output TEN.xlsx (hoặc csv).")


@app.command("freeze")
def awards_freeze(
    by: Annotated[str, typer.Option("--by", help="Họ và tên người chốt kết quả.")],
    period: PeriodOption = None,
) -> None:
    """Chốt kết quả xếp loại của một năm: lưu nguyên bảng, kèm mã băm của tiêu chí và thời điểm."""
    from hoctap.awards.criteria import load_criteria
    from hoctap.awards.measures import this_year
    from hoctap.awards.snapshots import freeze

    year = period or this_year()
    with opened() as db:
        snapshot = freeze(db, load_criteria(), year, by)
    typer.echo(
        f"Đã chốt kết quả năm {year} (lần chốt số {snapshot.id}, {len(snapshot.table)} đơn vị, "
        f"người chốt: {snapshot.frozen_by}). Kết quả này không đổi khi số liệu thay đổi; "
        f"xem khác biệt bằng: hoctap awards diff --period {year}"
    )


@app.command("diff")
def awards_diff(
    period: PeriodOption = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
) -> None:
    """So kết quả đã chốt với kết quả nếu xếp lại bây giờ: đơn vị nào đổi điểm, xếp loại, hạng."""
    from hoctap.awards.criteria import load_criteria
    from hoctap.awards.measures import this_year
    from hoctap.awards.snapshots import DIFF_COLUMNS, diff
    from hoctap.io.writers import write_records

    year = period or this_year()
    with opened() as db:
        criteria = load_criteria()
        snapshot, changes = diff(db, criteria, year)
        if snapshot.criteria_digest != criteria.digest:
            err("Lưu ý: tiêu chí (grading/awards.yaml) đã sửa sau khi chốt.")
        if not changes:
            typer.echo(f"Không có gì thay đổi so với lần chốt số {snapshot.id}.")
            return
        write_records(
            changes, DIFF_COLUMNS, fmt.value, output, f"Thay đổi từ lần chốt {snapshot.id}"
        )
