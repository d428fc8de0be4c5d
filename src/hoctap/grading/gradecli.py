"""``hoctap grade`` on a terminal: a progress bar with count and ETA, then the summary."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from hoctap.grading.batch import Outcome
    from hoctap.settings import Settings


def _platform_course(settings: Settings, module: str) -> Path:
    from hoctap.grading import course
    from hoctap.grading.gradebook import prepare

    course.check_module(module)
    prepare(settings)
    return course.ensure_course_dir(settings)


def run(
    module: str,
    *,
    students: list[str],
    workers: int | None,
    course_dir: Path | None,
    force: bool,
    limits: tuple[float, int, int],
    settings: Settings | None,
) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from hoctap.grading.batch import grade
    from hoctap.grading.kernels import Limits
    from hoctap.grading.summary import summarize
    from hoctap.io.writers import write_records

    console = Console(stderr=True)
    columns = (
        TextColumn("Chấm {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("· đã chạy"),
        TimeElapsedColumn(),
        TextColumn("· còn khoảng"),
        TimeRemainingColumn(),
    )
    progress = Progress(*columns, console=console, transient=False)
    task = progress.add_task(module, total=None)

    def started(todo: int, fresh: int) -> None:
        progress.update(task, total=todo)
        progress.start()  # only now: a wrong module or folder shows its error alone
        if fresh:
            progress.console.print(
                f"{fresh} bài đã chấm và không đổi: bỏ qua (--force để chấm lại)."
            )

    def done(outcome: Outcome) -> None:
        progress.advance(task)
        if outcome.status == "failed":
            reason = escape(f"{outcome.student}: {outcome.reason}")  # kernel logs: not markup
            progress.console.print(f"[red]Lỗi[/red] {reason}")

    try:
        folder = course_dir if course_dir else _platform_course(settings, module)  # type: ignore[arg-type]
        result = grade(
            folder,
            module,
            students=students,
            workers=workers,
            limits=Limits(*limits),
            force=force,
            on_start=started,
            on_done=done,
        )
    except KeyboardInterrupt:
        typer.echo(
            "Đã dừng. Các bài đã chấm được giữ lại; chạy lại lệnh để chấm phần còn lại.", err=True
        )
        raise typer.Exit(130) from None
    finally:
        progress.stop()
    from hoctap.grading.course import trainee_units

    units = trainee_units(settings) if settings is not None else None
    summary = summarize(result, module, units)
    for line in summary.lines:
        typer.echo(line)
    if summary.by_unit:
        typer.echo("\nTheo đơn vị:")
        from hoctap.grading.summary import UNIT_COLUMNS

        write_records(summary.by_unit, UNIT_COLUMNS, "table", None, f"Kết quả chấm {module}")
    if summary.failures:
        typer.echo(
            "\nBài chưa chấm được (không ghi điểm; sửa nguyên nhân rồi chạy lại lệnh):", err=True
        )
        for line in summary.failures:
            typer.echo(f"  - {line}", err=True)
        sys.stderr.flush()
        raise typer.Exit(1)
