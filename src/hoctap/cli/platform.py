"""``hoctap demo``, ``serve``, ``hub``, ``hub-service``, ``backup``, ``restore``, ``info``: the
platform itself."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hoctap.cli.common import (
    err,
    migrated_settings,
    opened,
)
from hoctap.errors import HoctapError

if TYPE_CHECKING:
    from hoctap.db import Database


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

    with opened() as db:
        report = seed_demo(db, people)
        home = db.settings.home
    typer.echo(
        f"Dữ liệu mẫu: {report.units_total} đơn vị ({report.units_added} mới); học viên mẫu "
        f"(người giả lập): {report.people_created} mới, {report.people_updated} cập nhật, "
        f"{report.people_unchanged} không đổi; tổng {report.people_total} học viên."
    )
    from hoctap.awards.measures import this_year
    from hoctap.awards.selection import select_criteria
    from hoctap.awards.selfassessment import seed_demo_self_assessments
    from hoctap.demo.activity import seed_demo_activity
    from hoctap.demo.forms import write_demo_forms

    year = this_year()
    with opened() as db:
        lines = seed_demo_self_assessments(db, select_criteria(None, year), year)
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


def serve(
    lab_port: Annotated[int, typer.Option(help="Cổng của JupyterLab.")] = 8888,
    voila_port: Annotated[int, typer.Option(help="Cổng của Voilà.")] = 8866,
    no_lab: Annotated[bool, typer.Option("--no-lab", help="Không chạy JupyterLab.")] = False,
    no_voila: Annotated[bool, typer.Option("--no-voila", help="Không chạy Voilà.")] = False,
    web_port: Annotated[int, typer.Option(help="Cổng của trang thi.")] = 8870,
    no_web: Annotated[bool, typer.Option("--no-web", help="Không chạy trang thi.")] = False,
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
    """Chạy JupyterLab (tiếng Việt, có nbgrader), Voilà và trang thi trên 127.0.0.1. Ctrl-C để
    dừng."""
    from hoctap.hub import serve as serving

    with opened() as db:
        settings = db.settings
        if trainee:
            trainee = _known_trainee(db, trainee)
    status = serving.serve(
        settings,
        lab_port,
        voila_port,
        lab=not no_lab,
        voila=not no_voila,
        say=typer.echo,
        trainee=trainee,
        voila_token=token,
        web_port=None if no_web else web_port,
    )
    raise typer.Exit(status)


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

    with opened() as db:
        settings = db.settings
    status = run_hub(settings, port, say=typer.echo, voila_port=voila_port)
    raise typer.Exit(status)


def hub_service(
    part: Annotated[
        str,
        typer.Argument(help="pages (các trang Voilà), course (khoá học) hoặc contest (trang thi)."),
    ],
    port: Annotated[int, typer.Option(help="Cổng của JupyterHub mà phần này phục vụ.")] = 8000,
    voila_port: Annotated[
        int | None,
        typer.Option(help="Cổng của các trang (mặc định: cổng của hub + 3; khoá học + 4)."),
    ] = None,
) -> None:
    """Chạy riêng một dịch vụ của hub (máy chủ của tỉnh: mỗi phần một đơn vị systemd)."""
    from hoctap.hub.run import hub_part

    with opened() as db:
        settings = db.settings
    status = hub_part(settings, part, port, say=typer.echo, voila_port=voila_port)
    raise typer.Exit(status)


def web(
    host: Annotated[
        str, typer.Option(help="Địa chỉ nghe (127.0.0.1; 0.0.0.0 khi nginx ở máy khác).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Cổng của trang thi.")] = 8870,
    workers: Annotated[
        int, typer.Option(help="Số tiến trình phục vụ (chung cơ sở dữ liệu PostgreSQL).")
    ] = 1,
    base_url: Annotated[
        str, typer.Option(help="Đường dẫn gốc (sau hub: /services/hoctap-thi/).")
    ] = "/",
    hub: Annotated[
        bool,
        typer.Option("--hub", help="Chạy như dịch vụ của JupyterHub: người thi đăng nhập hub."),
    ] = False,
    proxied: Annotated[
        bool | None,
        typer.Option(
            "--proxied/--direct",
            help="Sau nginx (lấy địa chỉ người thi từ X-Forwarded-For); mặc định: có khi --hub.",
        ),
    ] = None,
) -> None:
    """Chạy trang thi (không cần kernel cho mỗi người thi), trang kết quả công bố và xác minh giấy
    chứng nhận. Ctrl-C để dừng."""
    from hoctap.web.server import serve_web

    with opened() as db:
        settings = db.settings
    status = serve_web(
        settings, host, port, workers, base_url, hub, say=typer.echo, proxied=proxied
    )
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

    with opened() as db:
        settings = db.settings
    if output is None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        output = settings.home / "backups" / f"hoctap-{stamp}.zip"
    report = make_backup(settings, output, progress=lambda m: err(f"Đang sao lưu: {m}"))
    typer.echo(f"Đã sao lưu vào {report.path}: {_backup_summary(report.rows)}, {report.files} tệp.")
    typer.echo("Khôi phục vào một thư mục dữ liệu trống bằng: hoctap restore " + str(report.path))


def restore(
    source: Annotated[Path, typer.Argument(help="Tệp .zip do hoctap backup tạo ra.")],
) -> None:
    """Khôi phục một bản sao lưu vào thư mục dữ liệu trống (không ghi đè dữ liệu đang có)."""
    from hoctap.hub.backup import restore as restore_backup

    with opened() as db:
        settings = db.settings
    rows = restore_backup(settings, source, progress=lambda m: err(f"Đang khôi phục: {m}"))
    typer.echo(f"Đã khôi phục vào {settings.home}: {_backup_summary(rows)}.")


def info() -> None:
    """Cho biết thư mục dữ liệu, cơ sở dữ liệu và sổ điểm đang dùng."""
    from sqlalchemy.engine import make_url

    where = migrated_settings()
    typer.echo(f"HOCTAP_HOME:          {where.home}")
    typer.echo(f"HOCTAP_DB_URL:        {make_url(where.db_url)!r}")
    typer.echo(f"HOCTAP_GRADEBOOK_URL: {make_url(where.gradebook_url)!r}")
    typer.echo(f"Thư mục khoá học:     {where.course_dir}")
