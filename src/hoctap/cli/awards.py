"""``hoctap awards``: the "Đơn vị học tập" ranking: self-assessments, ranking, freezing."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hoctap.cli.common import Format, FormatOption, OutputOption, err, group, opened
from hoctap.errors import HoctapError

if TYPE_CHECKING:
    from hoctap.awards.selection import Selection


PeriodOption = Annotated[int | None, typer.Option("--period", help="Năm xét (mặc định: năm nay).")]
CriteriaOption = Annotated[
    str | None,
    typer.Option(
        "--criteria",
        "-c",
        help="Bộ tiêu chí (tên tệp trong grading/awards/, không có .yaml) cho mọi đơn vị. "
        "Mặc định: văn bản đang có hiệu lực cho từng loại đơn vị. Xem: hoctap awards criteria",
    ),
]
app = group("Danh hiệu “Đơn vị học tập”: tiêu chí (grading/awards/), tự đánh giá, xếp loại.")


def _selected(name: str | None, year: int, quiet: bool = False) -> Selection:
    """The criteria for the year, said on stderr so every table says what produced it."""
    from hoctap.awards.selection import select_criteria

    selection = select_criteria(name, year)
    if not quiet:
        for line in selection.lines():
            err(f"Tiêu chí — {line}")
    return selection


@app.command("criteria")
def awards_criteria(period: PeriodOption = None) -> None:
    """Các bộ tiêu chí (grading/awards/): căn cứ, loại đơn vị, năm áp dụng, mô phỏng hay không."""
    from hoctap.awards.criteria import criteria_folder, criteria_names, load_criteria
    from hoctap.awards.measures import this_year
    from hoctap.awards.selection import select_criteria
    from hoctap.people.units import KINDS

    year = period or this_year()
    folder = criteria_folder()
    for name in criteria_names(folder):
        criteria = load_criteria(folder / f"{name}.yaml")
        first, last = criteria.years
        years = (
            "mọi năm"
            if first is None and last is None
            else f"{'…' if first is None else first}–{'nay' if last is None else last}"
        )
        kinds = (
            ", ".join(KINDS.get(k, k) for k in criteria.unit_kinds)
            or "không loại nào (chỉ khi chọn bằng --criteria)"
        )
        typer.echo(f"{name}: {criteria.label}")
        typer.echo(f"    mặc định cho: {kinds}; năm: {years}")
        if criteria.status_note:
            typer.echo(f"    {criteria.status_note}")
    try:
        selection = select_criteria(None, year)
    except HoctapError as error:
        err(f"Năm {year}: {error.message} {error.hint}")
    else:
        typer.echo(f"Năm {year}, mặc định dùng: " + ", ".join(c.name for c in selection.files))


@app.command("import-self-assessment")
def awards_import(
    file: Annotated[
        Path,
        typer.Argument(
            help="Tệp .xlsx hoặc .csv: cột Đơn vị, Năm, rồi mỗi dòng tự đánh giá một cột "
            "(tên như trong các tệp tiêu chí ở grading/awards/)."
        ),
    ],
    period: Annotated[
        int | None, typer.Option("--period", help="Năm đánh giá, khi tệp không có cột Năm.")
    ] = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help="Tên trang tính cần đọc.")] = None,
    criteria: CriteriaOption = None,
) -> None:
    """Nhập bảng tự đánh giá của các đơn vị. Có ô sai thì không nhập gì và liệt kê từng ô."""
    from hoctap.awards.measures import this_year
    from hoctap.awards.selfassessment import import_self_assessment

    selection = _selected(criteria, period or this_year(), quiet=True)
    with opened() as db:
        report = import_self_assessment(db, file, selection, period, sheet)
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
    criteria: CriteriaOption = None,
) -> None:
    """Chấm và xếp loại “Đơn vị học tập”: tổng điểm, xếp loại, hạng, điểm từng chỉ số."""
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
        selection = _selected(criteria, year)
        table = award_table(db, selection, year, wanted)
        columns = FIXED_COLUMNS if fmt is Format.table else list(table.columns)
        records = table.astype(object).where(table.notna(), None).to_dict("records")
        write_records(records, columns, fmt.value, output, f"Đơn vị học tập {year}")
    if fmt is Format.table:
        err("Điểm từng chỉ số: thêm --format xlsx --output TEN.xlsx (hoặc csv).")


@app.command("freeze")
def awards_freeze(
    by: Annotated[str, typer.Option("--by", help="Họ và tên người chốt kết quả.")],
    period: PeriodOption = None,
    criteria: CriteriaOption = None,
) -> None:
    """Chốt kết quả xếp loại một năm: lưu nguyên bảng, tên và mã băm của tiêu chí, thời điểm."""
    from hoctap.awards.measures import this_year
    from hoctap.awards.snapshots import freeze

    year = period or this_year()
    selection = _selected(criteria, year)
    with opened() as db:
        snapshot = freeze(db, selection, year, by)
    typer.echo(
        f"Đã chốt kết quả năm {year} (lần chốt số {snapshot.id}, {len(snapshot.table)} đơn vị, "
        f"tiêu chí: {snapshot.criteria_name}, "
        f"người chốt: {snapshot.frozen_by}). Kết quả này không đổi khi số liệu thay đổi; "
        f"xem khác biệt bằng: hoctap awards diff --period {year}"
    )


@app.command("diff")
def awards_diff(
    period: PeriodOption = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
    criteria: CriteriaOption = None,
) -> None:
    """So kết quả đã chốt với kết quả nếu xếp lại bây giờ: đơn vị nào đổi điểm, xếp loại, hạng."""
    from hoctap.awards.measures import this_year
    from hoctap.awards.snapshots import DIFF_COLUMNS, diff
    from hoctap.io.writers import write_records

    year = period or this_year()
    selection = _selected(criteria, year)
    with opened() as db:
        snapshot, changes = diff(db, selection, year)
        if snapshot.criteria_name and snapshot.criteria_name != selection.name:
            err(
                f"Lưu ý: lần chốt dùng tiêu chí “{snapshot.criteria_name}”, lần này "
                f"“{selection.name}”; chọn cùng bộ bằng --criteria."
            )
        elif snapshot.criteria_digest != selection.digest:
            err("Lưu ý: tệp tiêu chí (grading/awards/) đã sửa sau khi chốt.")
        if not changes:
            typer.echo(f"Không có gì thay đổi so với lần chốt số {snapshot.id}.")
            return
        write_records(
            changes, DIFF_COLUMNS, fmt.value, output, f"Thay đổi từ lần chốt {snapshot.id}"
        )
