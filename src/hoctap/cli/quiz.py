"""``hoctap quiz`` (question banks) and ``hoctap contest`` (ranking): each calls one function."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hoctap.cli.common import Format, FormatOption, OutputOption, err, fail, opened
from hoctap.errors import HoctapError

if TYPE_CHECKING:
    from hoctap.contest.forms import FormsResult
    from hoctap.quiz.model import Problem
    from hoctap.settings import Settings

quiz_app = typer.Typer(
    help="Ngân hàng câu hỏi: nhập từ Excel, GIFT (Moodle), Aiken, JSON; xuất ra các định dạng đó.",
    no_args_is_help=True,
)
contest_app = typer.Typer(
    help="Cuộc thi tìm hiểu: chấm, xếp hạng, trao giải theo thể lệ.", no_args_is_help=True
)


class BankFormat(StrEnum):
    gift = "gift"
    xlsx = "xlsx"
    json = "json"
    yaml = "yaml"


class SourceFormat(StrEnum):
    gift = "gift"
    aiken = "aiken"
    xlsx = "xlsx"
    json = "json"
    yaml = "yaml"


def _settings() -> Settings:
    from hoctap.settings import Settings

    return Settings.from_env()


def _problems(source: str, problems: list[Problem]) -> None:
    for problem in problems:
        err(f"  {source}, dòng {problem.line}: {problem.message}")


@quiz_app.command("template")
def quiz_template(
    output: Annotated[Path, typer.Argument(help="Tệp .xlsx sẽ ghi mẫu vào.")] = Path(
        "mau-ngan-hang-cau-hoi.xlsx"
    ),
) -> None:
    """Ghi mẫu Excel trống để soạn câu hỏi (có trang hướng dẫn cách điền từng cột)."""
    from hoctap.quiz.bank import write_template

    try:
        write_template(output)
    except HoctapError as error:
        fail(error)
    typer.echo(
        f"Đã ghi mẫu vào {output}. Soạn xong, nhập bằng: hoctap quiz import {output} --bank TEN"
    )


@quiz_app.command("import")
def quiz_import(
    file: Annotated[
        Path, typer.Argument(help="Tệp .xlsx/.csv (mẫu Excel), .gift/.txt, .json, .yaml.")
    ],
    bank: Annotated[
        str,
        typer.Option("--bank", "-b", help="Tên ngân hàng (chữ thường không dấu, ví dụ thi-2026)."),
    ],
    source_format: Annotated[
        SourceFormat | None,
        typer.Option(
            "--from", help="Định dạng của tệp, khi đuôi tệp không nói rõ (.txt: GIFT hay Aiken)."
        ),
    ] = None,
    replace_all: Annotated[
        bool, typer.Option("--replace", help="Thay toàn bộ ngân hàng thay vì thêm vào.")
    ] = False,
) -> None:
    """Nhập câu hỏi vào ngân hàng. Câu viết sai được báo theo số dòng, các câu khác vẫn nhập."""
    from hoctap.quiz.bank import import_questions

    try:
        report = import_questions(
            _settings(), file, bank, source_format.value if source_format else None, replace_all
        )
    except HoctapError as error:
        fail(error)
    typer.echo(
        f"Ngân hàng '{bank}': {report.added} câu mới, {report.updated} câu cập nhật "
        f"từ {file.name}; tổng {len(report.bank.questions)} câu ({report.bank.path})."
    )
    if report.problems:
        err(f"{len(report.problems)} câu không đọc được, chưa nhập:")
        _problems(file.name, report.problems)
        raise typer.Exit(1)


@quiz_app.command("export")
def quiz_export(
    bank: Annotated[str, typer.Argument(help="Tên ngân hàng (hoặc đường dẫn tệp .yaml).")],
    fmt: Annotated[
        BankFormat,
        typer.Option("--format", "-f", help="gift (Moodle), xlsx (mẫu Excel), json, yaml."),
    ] = BankFormat.xlsx,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Tệp ghi ra; mặc định TEN.định-dạng.")
    ] = None,
) -> None:
    """Xuất ngân hàng câu hỏi; nhập lại tệp xuất ra được đúng các câu hỏi đó."""
    from hoctap.quiz.bank import export_bank

    suffix = {"gift": ".gift.txt"}.get(fmt.value, f".{fmt.value}")
    target = output or Path(Path(bank).stem + suffix)
    try:
        found = export_bank(_settings(), bank, fmt.value, target)
    except HoctapError as error:
        fail(error)
    typer.echo(f"Đã xuất {len(found.questions)} câu của '{found.name}' vào {target}.")


@quiz_app.command("check")
def quiz_check(
    file: Annotated[Path, typer.Argument(help="Tệp câu hỏi ở bất kỳ định dạng nào nhập được.")],
    source_format: Annotated[
        SourceFormat | None, typer.Option("--from", help="Định dạng của tệp.")
    ] = None,
) -> None:
    """Kiểm tra một tệp câu hỏi mà không nhập: đếm câu theo loại, báo từng câu viết sai."""
    from collections import Counter

    from hoctap.quiz.bank import read_questions

    try:
        questions, problems = read_questions(file, source_format.value if source_format else None)
    except HoctapError as error:
        fail(error)
    kinds = Counter(q.type for q in questions)
    listing = ", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items()))
    typer.echo(f"{file.name}: {len(questions)} câu đọc được ({listing or 'không có'}).")
    if problems:
        err(f"{len(problems)} câu viết sai:")
        _problems(file.name, problems)
        raise typer.Exit(1)


@quiz_app.command("list")
def quiz_list() -> None:
    """Liệt kê các ngân hàng câu hỏi và số câu của mỗi ngân hàng."""
    from hoctap.quiz.bank import list_banks

    try:
        banks = list_banks(_settings())
    except HoctapError as error:
        fail(error)
    if not banks:
        typer.echo("Chưa có ngân hàng câu hỏi nào. Tạo bằng: hoctap quiz import TEP --bank TEN")
    for bank in banks:
        title = f" {bank.title}." if bank.title else ""
        typer.echo(f"{bank.name}: {len(bank.questions)} câu.{title} ({bank.path})")


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


def _report(result: FormsResult, fmt: Format, output: Path | None) -> None:
    """The summary, then the tables. On screen the summary comes first; with a file or CSV on
    standard output it goes to standard error, out of the data's way."""
    from hoctap.contest.report import summary, write_result

    say = typer.echo if fmt is Format.table and output is None else err
    for line in summary(result):
        say(line)
    write_result(result, fmt.value, output, err)


@contest_app.command("rank-forms")
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
            "(cột Đơn vị), để tính tỉ lệ tham gia.",
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
    from hoctap.contest.forms import FormsRules
    from hoctap.contest.groups import GroupRules
    from hoctap.contest.prizes import parse_levels
    from hoctap.contest.report import rank_forms_files

    try:
        levels = parse_levels(prizes)
    except ValueError as error:
        fail(HoctapError(f"--prizes: {error}"))
    rules = FormsRules(
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
    try:
        result = rank_forms_files(responses, key, rules, roster)
        _report(result, fmt, output)
    except HoctapError as error:
        fail(error)


@contest_app.command("list")
def contest_list() -> None:
    """Liệt kê các cuộc thi: ngân hàng, số câu, thời gian làm bài, giờ mở và đóng, trạng thái."""
    from hoctap.contest.catalog import list_contests
    from hoctap.contest.definition import describe

    try:
        contests = list_contests(_settings())
    except HoctapError as error:
        fail(error)
    if not contests:
        typer.echo("Chưa có cuộc thi nào. Cách tạo: docs/contest.md.")
    for loaded in contests:
        typer.echo(f"{loaded.contest.name}: {describe(loaded.contest, loaded.questions)[0]}")


@contest_app.command("show")
def contest_show(
    name: Annotated[str, typer.Argument(help="Tên cuộc thi (hoặc đường dẫn tệp .yaml).")],
) -> None:
    """Kiểm tra và trình bày một cuộc thi: thể lệ đọc được từ tệp định nghĩa."""
    from hoctap.contest.catalog import find_contest
    from hoctap.contest.definition import describe

    try:
        loaded = find_contest(_settings(), name)
    except HoctapError as error:
        fail(error)
    for line in describe(loaded.contest, loaded.questions):
        typer.echo(line)


@contest_app.command("results")
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
        typer.Option("--roster", help="Danh sách đơn vị và số thành viên, cho tỉ lệ tham gia."),
    ] = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
) -> None:
    """Xếp hạng các bài đã nộp của một cuộc thi trên hoctap, theo thể lệ của cuộc thi."""
    from hoctap.contest.catalog import find_contest
    from hoctap.contest.forms import read_roster
    from hoctap.contest.results import contest_results as rank

    with opened() as db:
        loaded = find_contest(db.settings, name)
        sizes = read_roster(roster) if roster is not None else None
        result = rank(db, loaded, public, groups or roster is not None, sizes)
        _report(result, fmt, output)


PeriodOption = Annotated[int | None, typer.Option("--period", help="Năm xét (mặc định: năm nay).")]
awards_app = typer.Typer(
    help="Danh hiệu “Đơn vị học tập”: tiêu chí (grading/awards.yaml), tự đánh giá, xếp loại.",
    no_args_is_help=True,
)


@awards_app.command("import-self-assessment")
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


@awards_app.command("rank")
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


@awards_app.command("freeze")
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


@awards_app.command("diff")
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
