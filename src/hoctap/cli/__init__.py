"""The ``hoctap`` command: a thin shell; each sub-command parses options and calls one function."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from hoctap.cli.common import Format as Format
from hoctap.cli.common import FormatOption, OutputOption, SheetOption, err, fail
from hoctap.cli.common import opened as _opened
from hoctap.cli.documents import certificates, report
from hoctap.cli.quiz import awards_app, contest_app, quiz_app
from hoctap.errors import HoctapError

if TYPE_CHECKING:
    from hoctap.db import Database
    from hoctap.settings import Settings

app = typer.Typer(
    name="hoctap",
    help=(
        "hoctap: nền tảng bồi dưỡng và thi tìm hiểu về xây dựng xã hội học tập, tỉnh Cao Bằng.\n\n"
        "Dữ liệu nằm trong thư mục HOCTAP_HOME; cơ sở dữ liệu đặt bằng HOCTAP_DB_URL "
        "(mặc định: SQLite trong HOCTAP_HOME). Lần chạy đầu tiên tự tạo và cập nhật cơ sở dữ liệu."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
units_app = typer.Typer(
    help="Đơn vị: tỉnh, xã/phường, sở/ngành, cơ quan báo chí, cơ quan Đảng, đoàn thể.",
    no_args_is_help=True,
)
roster_app = typer.Typer(
    help="Danh sách học viên: nhập từ Excel/CSV, xem và xuất.", no_args_is_help=True
)
course_app = typer.Typer(
    help="Học phần: phát bài, thu bài, gửi nhận xét, xem tiến độ (nbgrader). Chấm: hoctap grade.",
    no_args_is_help=True,
)
accounts_app = typer.Typer(
    help="Tài khoản đăng nhập JupyterHub: học viên (theo danh sách), giảng viên, giám khảo.",
    no_args_is_help=True,
)
app.add_typer(units_app, name="units")
app.add_typer(accounts_app, name="accounts")
app.add_typer(roster_app, name="roster")
app.add_typer(course_app, name="course")
app.add_typer(quiz_app, name="quiz")
app.add_typer(contest_app, name="contest")
app.add_typer(awards_app, name="awards")
app.command("report")(report)
app.command("certificates")(certificates)


def _settings() -> Settings:
    """The settings, once the database they name is created and migrated."""
    with _opened() as db:
        return db.settings


def _known_trainee(db: Database, code: str) -> str:
    from sqlalchemy import select

    from hoctap.db.models import Person

    with db.session() as session:
        found = session.scalar(select(Person.code).where(Person.code == code.strip().lower()))
    if found is None:
        raise HoctapError(
            f"Không có học viên mã '{code}'.",
            "Tìm mã học viên bằng: hoctap roster list --search TÊN",
        )
    return found


def _export(
    records: list[dict[str, object]],
    columns: list[str],
    fmt: Format,
    output: Path | None,
    title: str,
) -> None:
    from hoctap.io.writers import write_records

    write_records(records, columns, fmt.value, output, title)
    if output is not None:
        err(f"Đã ghi {len(records)} dòng vào {output}.")


@app.command()
def demo(
    people: Annotated[int, typer.Option(help="Số học viên mẫu (người giả lập).", min=0)] = 5000,
    activity: Annotated[
        bool,
        typer.Option(
            "--activity/--no-activity",
            help="Cho học viên mẫu làm bài: điểm các học phần (phát học phần bằng nbgrader) "
            "và bài thi tìm hiểu mẫu.",
        ),
    ] = True,
) -> None:
    """Tạo dữ liệu mẫu: các đơn vị và học viên giả lập. Chạy lại không thay đổi gì."""
    from hoctap.demo.people import seed_demo

    with _opened() as db:
        report = seed_demo(db, people)
        home = db.settings.home
    typer.echo(
        f"Dữ liệu mẫu: {report.units_total} đơn vị ({report.units_added} mới); học viên mẫu "
        f"(người giả lập): {report.people_created} mới, {report.people_updated} cập nhật, "
        f"{report.people_unchanged} không đổi; tổng {report.people_total} học viên."
    )
    from hoctap.awards.criteria import load_criteria
    from hoctap.awards.measures import this_year
    from hoctap.awards.selfassessment import seed_demo_self_assessments
    from hoctap.demo.activity import seed_demo_activity
    from hoctap.demo.forms import write_demo_forms

    year = this_year()
    with _opened() as db:
        lines = seed_demo_self_assessments(db, load_criteria(), year)
        if activity:
            done = seed_demo_activity(db, year, say=typer.echo)
    if lines:
        typer.echo(
            f"Bảng tự đánh giá mẫu năm {year} (giả lập): {lines} dòng; một số đơn vị để "
            "trống, như khi chưa gửi."
        )
    if activity:
        typer.echo(
            f"Hoạt động mẫu năm {year} (giả lập): {done.submissions} bài học phần đã chấm, "
            f"{done.attempts} bài thi tìm hiểu đã nộp."
            + "".join(f" Ghi chú: {note}." for note in done.notes)
        )
    typer.echo("Xem xếp loại đơn vị: hoctap awards rank")

    responses, key = write_demo_forms(home / "demo")
    typer.echo(
        "Cuộc thi mẫu trên Google Forms (người và câu hỏi giả lập), thử xếp hạng bằng:\n"
        f"  hoctap contest rank-forms {responses} --key {key} --groups"
    )


@app.command()
def serve(
    lab_port: Annotated[int, typer.Option(help="Cổng của JupyterLab.")] = 8888,
    voila_port: Annotated[int, typer.Option(help="Cổng của Voilà.")] = 8866,
    no_lab: Annotated[bool, typer.Option("--no-lab", help="Không chạy JupyterLab.")] = False,
    no_voila: Annotated[bool, typer.Option("--no-voila", help="Không chạy Voilà.")] = False,
    trainee: Annotated[
        str | None,
        typer.Option(
            "--trainee",
            help="Mở JupyterLab làm chỗ làm bài của học viên có mã này "
            "(dùng trên một máy, không có JupyterHub).",
        ),
    ] = None,
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            help="Bắt buộc mã này để xem các trang Voilà (xếp loại, kết quả, cuộc thi); "
            "mở trang với ?token=MÃ một lần.",
        ),
    ] = None,
) -> None:
    """Chạy JupyterLab (tiếng Việt, có nbgrader) và Voilà trên 127.0.0.1. Ctrl-C để dừng."""
    from hoctap.hub import serve as serving

    with _opened() as db:
        settings = db.settings
        if trainee:
            trainee = _known_trainee(db, trainee)
    try:
        status = serving.serve(
            settings,
            lab_port,
            voila_port,
            lab=not no_lab,
            voila=not no_voila,
            say=typer.echo,
            trainee=trainee,
            voila_token=token,
        )
    except HoctapError as error:
        fail(error)
    raise typer.Exit(status)


@app.command()
def hub(
    port: Annotated[
        int, typer.Option(help="Cổng của JupyterHub (dùng thêm hai cổng kế tiếp).")
    ] = 8000,
    voila_port: Annotated[
        int | None,
        typer.Option(help="Cổng của các trang Voilà (mặc định: cổng của hub + 3)."),
    ] = None,
) -> None:
    """Chạy JupyterHub trên 127.0.0.1: mỗi người một tài khoản; in tài khoản thử. Ctrl-C để dừng."""
    from hoctap.hub.run import hub as run_hub

    with _opened() as db:
        settings = db.settings
    try:
        status = run_hub(settings, port, say=typer.echo, voila_port=voila_port)
    except HoctapError as error:
        fail(error)
    raise typer.Exit(status)


ACCOUNT_COLUMNS = ["Tên đăng nhập", "Họ và tên", "Đơn vị", "Vai trò", "Mật khẩu"]


def _hand_out(issued: list[Any], output: Path | None) -> None:
    """New passwords: on the terminal, or in a workbook readable by its owner only."""
    from hoctap.hub.accounts import ROLE_NAMES
    from hoctap.io.writers import write_records

    rows = [(i.name, i.full_name, i.unit, ROLE_NAMES[i.role], i.password) for i in issued]
    records = [dict(zip(ACCOUNT_COLUMNS, row, strict=True)) for row in rows]
    if output is None:
        write_records(records, ACCOUNT_COLUMNS, "table", title="Tài khoản mới")
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.touch(mode=0o600)
        output.chmod(0o600)
        write_records(records, ACCOUNT_COLUMNS, "xlsx", output, "Tài khoản mới")
        typer.echo(f"Đã ghi {len(records)} tài khoản vào {output} (chỉ người tạo đọc được).")
    typer.echo(
        "Mật khẩu chỉ hiện một lần: trao riêng cho từng người, rồi xoá tệp hoặc bản in. "
        "Quên mật khẩu: hoctap accounts reset TÊN."
    )


@accounts_app.command("issue")
def accounts_issue(
    unit: Annotated[str, typer.Option(help="Chỉ học viên của đơn vị này (tên hoặc mã).")] = "",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Ghi ra tệp .xlsx để in phiếu.")
    ] = None,
) -> None:
    """Tạo tài khoản cho học viên chưa có tài khoản; tên đăng nhập là mã học viên."""
    from hoctap.hub.accounts import issue_trainee_accounts

    with _opened() as db:
        issued = issue_trainee_accounts(db, unit)
    if not issued:
        typer.echo("Mọi học viên (của đơn vị này) đã có tài khoản.")
        return
    _hand_out(issued, output)


@accounts_app.command("add")
def accounts_add(
    name: Annotated[str, typer.Argument(help="Tên đăng nhập, ví dụ: gv.hoa")],
    role: Annotated[str, typer.Option(help="trainer (giảng viên) hoặc judge (giám khảo).")],
) -> None:
    """Tạo tài khoản cho một giảng viên hoặc giám khảo; in mật khẩu một lần."""
    from hoctap.hub.accounts import add_staff_account

    with _opened() as db:
        issued = add_staff_account(db, name, role)
    _hand_out([issued], None)


@accounts_app.command("reset")
def accounts_reset(name: Annotated[str, typer.Argument(help="Tên đăng nhập.")]) -> None:
    """Đặt mật khẩu mới cho một tài khoản (khi người dùng quên); in mật khẩu một lần."""
    from hoctap.hub.accounts import reset_password

    with _opened() as db:
        issued = reset_password(db, name)
    _hand_out([issued], None)


@app.command("hub-service")
def hub_service(
    part: Annotated[str, typer.Argument(help="pages (các trang Voilà) hoặc course (khoá học).")],
    port: Annotated[int, typer.Option(help="Cổng của JupyterHub mà phần này phục vụ.")] = 8000,
    voila_port: Annotated[
        int | None,
        typer.Option(help="Cổng của các trang (mặc định: cổng của hub + 3; khoá học + 4)."),
    ] = None,
) -> None:
    """Chạy riêng một dịch vụ của hub (máy chủ của tỉnh: mỗi phần một đơn vị systemd)."""
    from hoctap.hub.run import hub_part

    with _opened() as db:
        settings = db.settings
    try:
        status = hub_part(settings, part, port, say=typer.echo, voila_port=voila_port)
    except HoctapError as error:
        fail(error)
    raise typer.Exit(status)


def _backup_summary(rows: dict[str, int]) -> str:
    shown = [
        ("db/people", "học viên"),
        ("db/units", "đơn vị"),
        ("gradebook/submitted_assignment", "bài nộp"),
        ("gradebook/grade", "điểm từng ô"),
        ("db/attempts", "bài thi tìm hiểu"),
        ("db/self_assessments", "dòng tự đánh giá"),
        ("db/award_snapshots", "lần chốt xếp loại"),
    ]
    return ", ".join(f"{rows.get(key, 0)} {label}" for key, label in shown)


@app.command()
def backup(
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Tệp .zip sẽ ghi (mặc định: backups/hoctap-NGÀY-GIỜ.zip trong thư mục dữ liệu).",
        ),
    ] = None,
) -> None:
    """Sao lưu cơ sở dữ liệu, sổ điểm nbgrader và các tệp của thư mục dữ liệu vào một tệp .zip."""
    from datetime import datetime

    from hoctap.hub.backup import backup as make_backup

    with _opened() as db:
        settings = db.settings
    if output is None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        output = settings.home / "backups" / f"hoctap-{stamp}.zip"
    try:
        report = make_backup(settings, output, progress=lambda m: err(f"Đang sao lưu: {m}"))
    except HoctapError as error:
        fail(error)
    typer.echo(f"Đã sao lưu vào {report.path}: {_backup_summary(report.rows)}, {report.files} tệp.")
    typer.echo("Khôi phục vào một thư mục dữ liệu trống bằng: hoctap restore " + str(report.path))


@app.command()
def restore(
    source: Annotated[Path, typer.Argument(help="Tệp .zip do hoctap backup tạo ra.")],
) -> None:
    """Khôi phục một bản sao lưu vào thư mục dữ liệu trống (không ghi đè dữ liệu đang có)."""
    from hoctap.hub.backup import restore as restore_backup

    with _opened() as db:
        settings = db.settings
    try:
        rows = restore_backup(settings, source, progress=lambda m: err(f"Đang khôi phục: {m}"))
    except HoctapError as error:
        fail(error)
    typer.echo(f"Đã khôi phục vào {settings.home}: {_backup_summary(rows)}.")


@app.command()
def info() -> None:
    """Cho biết thư mục dữ liệu, cơ sở dữ liệu và sổ điểm đang dùng."""
    from sqlalchemy.engine import make_url

    settings = _settings()
    typer.echo(f"HOCTAP_HOME:          {settings.home}")
    typer.echo(f"HOCTAP_DB_URL:        {make_url(settings.db_url)!r}")
    typer.echo(f"HOCTAP_GRADEBOOK_URL: {make_url(settings.gradebook_url)!r}")
    typer.echo(f"Thư mục khoá học:     {settings.course_dir}")


@units_app.command("list")
def units_list(
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind", "-k", help="Chỉ loại đơn vị này (ví dụ: xa_phuong, so_nganh, 'Đoàn thể')."
        ),
    ] = None,
    search: Annotated[
        str | None,
        typer.Option("--search", "-s", help="Tìm theo tên hoặc mã, không phân biệt dấu."),
    ] = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
) -> None:
    """Liệt kê đơn vị theo loại, theo thứ tự chữ cái tiếng Việt."""
    from hoctap.people.units import UNIT_COLUMNS, list_units

    with _opened() as db:
        records = list_units(db, kind, search)
        _export(records, UNIT_COLUMNS, fmt, output, "Danh sách đơn vị")


@units_app.command("import")
def units_import(
    file: Annotated[
        Path,
        typer.Argument(
            help="Tệp .xlsx hoặc .csv có các cột: Mã đơn vị, Tên đơn "
            "vị, Loại đơn vị, Đơn vị cấp trên, Tên gọi khác."
        ),
    ],
    sheet: SheetOption = None,
) -> None:
    """Thêm đơn vị hoặc đổi tên đơn vị (theo mã) từ bảng tính. Có lỗi thì không nhập gì."""
    from hoctap.people.units import import_units

    with _opened() as db:
        report = import_units(db, file, sheet)
    typer.echo(
        f"Đã nhập {file.name}: {report.created} đơn vị mới, {report.updated} đơn vị cập nhật "
        f"({report.renamed} đổi tên), {report.unchanged} không đổi."
    )


@roster_app.command("import")
def roster_import(
    file: Annotated[
        Path,
        typer.Argument(
            help="Tệp .xlsx hoặc .csv. Cột bắt buộc: Họ và tên, Đơn "
            "vị; cột tuỳ chọn: Vai trò, Số điện thoại, Email, Mã học viên, Đồng ý công "
            "khai."
        ),
    ],
    sheet: SheetOption = None,
) -> None:
    """Nhập danh sách học viên. Có dòng lỗi thì không nhập gì và liệt kê từng lỗi theo số dòng."""
    from hoctap.people.roster import import_roster

    with _opened() as db:
        report = import_roster(db, file, sheet)
    typer.echo(
        f"Đã nhập {file.name}: {report.created} học viên mới, {report.updated} cập nhật, "
        f"{report.unchanged} không đổi; sổ điểm nbgrader: {report.students_synced} học viên "
        "được thêm hoặc cập nhật."
    )


@roster_app.command("list")
def roster_list(
    unit: Annotated[
        str | None, typer.Option("--unit", "-u", help="Chỉ học viên của đơn vị này (tên hoặc mã).")
    ] = None,
    search: Annotated[
        str | None,
        typer.Option("--search", "-s", help="Tìm theo họ tên hoặc mã, không phân biệt dấu."),
    ] = None,
    private: Annotated[
        bool,
        typer.Option(
            "--private",
            help="Kèm số điện thoại, email và việc "
            "đồng ý công khai (dữ liệu cá nhân: chỉ dùng nội bộ).",
        ),
    ] = False,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
) -> None:
    """Liệt kê học viên theo tên (tên, tên đệm, họ), theo thứ tự chữ cái tiếng Việt."""
    from hoctap.people.roster import list_people

    with _opened() as db:
        records, columns = list_people(db, unit, search, private)
        _export(records, columns, fmt, output, "Danh sách học viên")


ModuleArgument = Annotated[
    str,
    typer.Argument(
        help="Mã học phần (tên thư mục trong courses/), ví dụ hp1-chu-truong-chinh-sach."
    ),
]


@course_app.command("list")
def course_list() -> None:
    """Liệt kê các học phần, hạn nộp và ngưỡng đạt (theo grading/policy.yaml)."""
    from hoctap.grading.policy import load_policy

    try:
        policy = load_policy()
    except HoctapError as error:
        fail(error)
    for module in policy.modules.values():
        due = module.due.strftime("%d/%m/%Y %H:%M") if module.due else "không có hạn"
        typer.echo(f"{module.id}: {module.title} (hạn nộp {due}; đạt từ {module.pass_percent:g}%)")


@course_app.command("release")
def course_release(module: ModuleArgument) -> None:
    """Tạo bản phát cho học viên (bỏ đáp án, bài kiểm tra ẩn, thang điểm) và phát học phần."""
    from hoctap.grading import course

    with _opened() as db:
        course.release(db.settings, module)
    typer.echo(f"Đã phát học phần {module}: học viên tải bài ở mục Nbgrader → Assignment List.")


@course_app.command("collect")
def course_collect(module: ModuleArgument) -> None:
    """Thu các bài học viên đã nộp."""
    from hoctap.grading import course

    with _opened() as db:
        students = course.collect(db.settings, module)
    typer.echo(f"Đã thu bài {module}: {len(students)} học viên đã nộp.")


@course_app.command("feedback")
def course_feedback(module: ModuleArgument) -> None:
    """Tạo và gửi nhận xét cho học viên (không lộ bài kiểm tra ẩn, đáp án hay thang điểm)."""
    from hoctap.grading import course

    with _opened() as db:
        count = course.feedback(db.settings, module)
    typer.echo(f"Đã gửi nhận xét {module} cho {count} học viên.")


@course_app.command("status")
def course_status(
    module: ModuleArgument,
    unit: Annotated[
        str | None, typer.Option("--unit", "-u", help="Chỉ một đơn vị (tên hoặc mã).")
    ] = None,
    detail: Annotated[
        bool, typer.Option("--detail", help="Liệt kê từng học viên thay vì tổng hợp theo đơn vị.")
    ] = False,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
) -> None:
    """Ai đã tải bài, đã nộp, đã được chấm, đạt hay chưa: theo đơn vị hoặc từng học viên."""
    from hoctap.grading import course
    from hoctap.people.units import find_unit

    with _opened() as db:
        unit_code = find_unit(db, unit).code if unit else None
        records = course.status(db.settings, module, unit_code)
        if detail:
            _export(records, course.STATUS_COLUMNS, fmt, output, f"Tiến độ {module}")
        else:
            summary = course.status_by_unit(records)
            _export(
                summary, course.UNIT_STATUS_COLUMNS, fmt, output, f"Tiến độ {module} theo đơn vị"
            )


@app.command()
def grade(
    module: Annotated[str, typer.Argument(help="Mã học phần (bài nbgrader) cần chấm.")],
    student: Annotated[
        list[str] | None, typer.Option("--student", "-s", help="Chỉ chấm bài của học viên này.")
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers", "-w", min=1, help="Số bài chấm song song (mặc định: số lõi CPU)."
        ),
    ] = None,
    course_dir: Annotated[
        Path | None,
        typer.Option(
            "--course-dir",
            help="Thư mục khoá học nbgrader bất kỳ (mặc định: khoá học của hoctap).",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Chấm lại cả những bài đã chấm và không đổi.")
    ] = False,
    wall_seconds: Annotated[
        float,
        typer.Option(
            "--wall-seconds", min=0, help="Thời gian tối đa cho một bài (0: không giới hạn)."
        ),
    ] = 600,
    cpu_seconds: Annotated[
        int, typer.Option("--cpu-seconds", min=0, help="Thời gian CPU tối đa của một kernel.")
    ] = 300,
    memory_mb: Annotated[
        int, typer.Option("--memory-mb", min=0, help="Bộ nhớ tối đa (MB) của một kernel.")
    ] = 2048,
) -> None:
    """Chấm tự động song song, thay cho nbgrader autograde: không mất bài, không điểm 0 âm thầm.

    Mỗi bài chạy trong kernel riêng; bài đã chấm và không đổi thì bỏ qua (--force để chấm lại);
    bài lỗi được liệt kê, không ghi điểm, và mã thoát khác 0.
    """
    from hoctap.grading import gradecli

    try:
        gradecli.run(
            module,
            students=student or [],
            workers=workers,
            course_dir=course_dir,
            force=force,
            limits=(wall_seconds, cpu_seconds, memory_mb),
            settings=None if course_dir else _settings(),
        )
    except HoctapError as error:
        fail(error)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
