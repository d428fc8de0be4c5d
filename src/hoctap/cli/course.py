"""``hoctap course`` (release, collect, feedback, progress) and ``hoctap grade``: the training
modules on nbgrader."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hoctap.cli.common import (
    Format,
    FormatOption,
    OutputOption,
    export,
    group,
    migrated_settings,
    opened,
)

if TYPE_CHECKING:
    pass


app = group(
    "Học phần: phát bài, thu bài, gửi nhận xét, xem tiến độ (nbgrader). Chấm: hoctap grade."
)


ModuleArgument = Annotated[
    str,
    typer.Argument(
        help="Mã học phần (tên thư mục trong courses/), ví dụ hp1-chu-truong-chinh-sach."
    ),
]


@app.command("list")
def course_list() -> None:
    """Liệt kê các học phần, hạn nộp và ngưỡng đạt (theo grading/policy.yaml)."""
    from hoctap.grading.policy import load_policy

    policy = load_policy()
    for module in policy.modules.values():
        due = module.due.strftime("%d/%m/%Y %H:%M") if module.due else "không có hạn"
        typer.echo(f"{module.id}: {module.title} (hạn nộp {due}; đạt từ {module.pass_percent:g}%)")


@app.command("release")
def course_release(module: ModuleArgument) -> None:
    """Tạo bản phát cho học viên (bỏ đáp án, bài kiểm tra ẩn, thang điểm) và phát học phần."""
    from hoctap.grading import course

    with opened() as db:
        course.release(db.settings, module)
    typer.echo(f"Đã phát học phần {module}: học viên tải bài ở mục Nbgrader → Assignment List.")


@app.command("collect")
def course_collect(module: ModuleArgument) -> None:
    """Thu các bài học viên đã nộp."""
    from hoctap.grading import course

    with opened() as db:
        students = course.collect(db.settings, module)
    typer.echo(f"Đã thu bài {module}: {len(students)} học viên đã nộp.")


@app.command("feedback")
def course_feedback(module: ModuleArgument) -> None:
    """Tạo và gửi nhận xét cho học viên (không lộ bài kiểm tra ẩn, đáp án hay thang điểm)."""
    from hoctap.grading import course

    with opened() as db:
        count = course.feedback(db.settings, module)
    typer.echo(f"Đã gửi nhận xét {module} cho {count} học viên.")


@app.command("status")
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

    with opened() as db:
        unit_code = find_unit(db, unit).code if unit else None
        records = course.status(db.settings, module, unit_code)
        if detail:
            rows = course.shown_rows(records)
            export(rows, course.STATUS_COLUMNS, fmt, output, f"Tiến độ {module}")
        else:
            rows = course.shown_rows(course.status_by_unit(records))
            export(rows, course.UNIT_STATUS_COLUMNS, fmt, output, f"Tiến độ {module} theo đơn vị")


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

    gradecli.run(
        module,
        students=student or [],
        workers=workers,
        course_dir=course_dir,
        force=force,
        limits=(wall_seconds, cpu_seconds, memory_mb),
        settings=None if course_dir else migrated_settings(),
    )
