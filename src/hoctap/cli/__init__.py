"""The ``hoctap`` command: a thin shell; each sub-command parses options and calls one function.

One module per command group (``accounts``, ``units``, ``roster``, ``course``, ``quiz``,
``contest``, ``awards``), the platform's own commands in ``platform`` and the documents in
``documents``; this module puts them together. A HoctapError from any of them is printed once,
by ``common.Commands``.
"""

from __future__ import annotations

import typer

from hoctap.cli import (
    accounts,
    awards,
    contest,
    course,
    documents,
    platform,
    quiz,
    roster,
    units,
)
from hoctap.cli.common import Commands

app = typer.Typer(
    cls=Commands,
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
for name, commands in (
    ("units", units.app),
    ("accounts", accounts.app),
    ("roster", roster.app),
    ("course", course.app),
    ("quiz", quiz.app),
    ("contest", contest.app),
    ("awards", awards.app),
):
    app.add_typer(commands, name=name)
for name, command in (
    ("demo", platform.demo),
    ("serve", platform.serve),
    ("hub", platform.hub),
    ("hub-service", platform.hub_service),
    ("web", platform.web),
    ("backup", platform.backup),
    ("restore", platform.restore),
    ("info", platform.info),
    ("grade", course.grade),
    ("report", documents.report),
    ("certificates", documents.certificates),
):
    app.command(name)(command)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
