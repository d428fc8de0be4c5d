"""``hoctap contest``: contests defined in quizzes/, and ranking a Google Forms export."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hoctap.cli.common import Format, FormatOption, OutputOption, err, group, opened
from hoctap.errors import HoctapError
from hoctap.settings import Settings

if TYPE_CHECKING:
    from hoctap.contest.standings import RankedContest


app = group("Cuộc thi tìm hiểu: chấm, xếp hạng, trao giải theo thể lệ.")


class Predict(StrEnum):
    total = "total"
    perfect = "perfect"


class Keep(StrEnum):
    first = "first"
    last = "last"
    best = "best"


class DateOrder(StrEnum):
    dmy = "dmy"
    mdy = "mdy"


def _report(result: RankedContest, fmt: Format, output: Path | None) -> None:
    """The summary, then the tables. On screen the summary comes first; with a file or CSV on
    standard output it goes to standard error, out of the data's way."""
    from hoctap.contest.report import summary, write_result

    say = typer.echo if fmt is Format.table and output is None else err
    for line in summary(result):
        say(line)
    write_result(result, fmt.value, output, err)


@app.command("rank-forms")
def rank_forms(
    responses: Annotated[
        Path, typer.Argument(help="Tệp câu trả lời tải từ Google Forms (.csv hoặc .xlsx).")
    ],
    key: Annotated[
        Path,
        typer.Option(
            "--key",
            "-k",
            help="Tệp đáp án hai cột: tiêu đề câu hỏi (như trong tệp trả lời), đáp án đúng "
            "(nhiều đáp án cách nhau bằng ;).",
        ),
    ],
    predict: Annotated[
        Predict,
        typer.Option(
            "--predict",
            help="Câu dự đoán hỏi: total (số người tham gia) hay perfect (số người đúng tất cả).",
        ),
    ] = Predict.total,
    prizes: Annotated[
        str, typer.Option("--prizes", help="Cơ cấu giải: tên giải=số giải, theo thứ tự.")
    ] = "Nhất=1,Nhì=2,Ba=3,Khuyến khích=5",
    min_score: Annotated[
        float | None, typer.Option("--min-score", help="Số câu đúng tối thiểu để được xét giải.")
    ] = None,
    rank_by: Annotated[
        str,
        typer.Option(
            "--rank-by",
            help="Thứ tự tiêu chí: score (số câu đúng), prediction (dự đoán), duration (thời gian "
            "làm bài), submitted (thời điểm nộp).",
        ),
    ] = "score,prediction,duration,submitted",
    keep: Annotated[
        Keep,
        typer.Option(
            "--keep",
            help="Một số điện thoại nộp nhiều lần: tính lần first (đầu), last (cuối) "
            "hay best (tốt nhất).",
        ),
    ] = Keep.first,
    prediction_column: Annotated[
        str | None,
        typer.Option(
            "--prediction-column", help="Tiêu đề cột câu dự đoán, khi không có chữ “dự đoán”."
        ),
    ] = None,
    date_order: Annotated[
        DateOrder | None,
        typer.Option(
            "--date-order",
            help="Ngày viết dmy (ngày/tháng/năm) hay mdy; mặc định theo ngôn ngữ tệp.",
        ),
    ] = None,
    ignore_column: Annotated[
        list[str] | None,
        typer.Option(
            "--ignore-column", help="Cột không phải câu hỏi cần bỏ qua (dùng nhiều lần được)."
        ),
    ] = None,
    groups: Annotated[
        bool, typer.Option("--groups", help="Thêm bảng giải tập thể theo đơn vị.")
    ] = False,
    roster: Annotated[
        Path | None,
        typer.Option(
            "--roster",
            help="Danh sách đơn vị (cột Đơn vị, Số thành viên) hoặc danh sách người "
            "(cột Đơn vị), để tính tỷ lệ tham gia.",
        ),
    ] = None,
    group_prizes: Annotated[
        int, typer.Option("--group-prizes", min=0, help="Số giải tập thể.")
    ] = 3,
    min_roster: Annotated[
        int,
        typer.Option(
            "--min-roster", min=0, help="Đơn vị ít hơn số thành viên này không xét giải tập thể."
        ),
    ] = 10,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
) -> None:
    """Xếp hạng cuộc thi đã làm trên Google Forms theo thể lệ: số câu đúng, dự đoán, lúc nộp."""
    from hoctap.contest.report import rank_forms_files
    from hoctap.contest.rules import GroupRules, parse_levels
    from hoctap.contest.standings import RankingRules

    try:
        levels = parse_levels(prizes)
    except ValueError as error:
        raise HoctapError(f"--prizes: {error}") from error
    rules = RankingRules(
        predict=predict.value,
        prediction_column=prediction_column,
        keep=keep.value,
        levels=levels,
        min_score=min_score,
        order=tuple(p.strip() for p in rank_by.split(",") if p.strip()),
        date_order=date_order.value if date_order else None,
        ignore_columns=tuple(ignore_column or ()),
        groups=GroupRules(prizes=group_prizes, min_roster=min_roster) if groups or roster else None,
    )
    result = rank_forms_files(responses, key, rules, roster)
    _report(result, fmt, output)


@app.command("list")
def contest_list() -> None:
    """Liệt kê các cuộc thi: ngân hàng, số câu, thời gian làm bài, giờ mở và đóng, trạng thái."""
    from hoctap.contest.catalog import list_contests
    from hoctap.contest.definition import describe

    contests = list_contests(Settings.from_env())
    if not contests:
        typer.echo("Chưa có cuộc thi nào. Cách tạo: docs/contest.md.")
    for loaded in contests:
        typer.echo(f"{loaded.contest.name}: {describe(loaded.contest, loaded.questions)[0]}")


@app.command("show")
def contest_show(
    name: Annotated[str, typer.Argument(help="Tên cuộc thi (hoặc đường dẫn tệp .yaml).")],
) -> None:
    """Kiểm tra và trình bày một cuộc thi: thể lệ đọc được từ tệp định nghĩa."""
    from hoctap.contest.catalog import find_contest
    from hoctap.contest.definition import describe

    loaded = find_contest(Settings.from_env(), name)
    for line in describe(loaded.contest, loaded.questions):
        typer.echo(line)


@app.command("results")
def contest_results(
    name: Annotated[str, typer.Argument(help="Tên cuộc thi.")],
    public: Annotated[
        bool,
        typer.Option(
            "--public",
            help="Bản công bố: chỉ hiện họ tên người đã đồng ý (người khác: 'Thí sinh #số').",
        ),
    ] = False,
    groups: Annotated[bool, typer.Option("--groups", help="Thêm bảng giải tập thể.")] = False,
    roster: Annotated[
        Path | None,
        typer.Option("--roster", help="Danh sách đơn vị và số thành viên, cho tỷ lệ tham gia."),
    ] = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
) -> None:
    """Xếp hạng các bài đã nộp của một cuộc thi trên hoctap, theo thể lệ của cuộc thi."""
    from hoctap.contest.catalog import find_contest
    from hoctap.contest.columns import read_roster
    from hoctap.contest.results import contest_results as rank

    with opened() as db:
        loaded = find_contest(db.settings, name)
        sizes = read_roster(roster) if roster is not None else None
        result = rank(db, loaded, public, groups or roster is not None, sizes)
        _report(result, fmt, output)
