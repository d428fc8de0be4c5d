"""What every sub-command of the ``hoctap`` command shares: output formats and error printing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from hoctap.errors import HoctapError, ImportRejected

if TYPE_CHECKING:
    from hoctap.db import Database


class Format(StrEnum):
    table = "table"
    csv = "csv"
    xlsx = "xlsx"


FormatOption = Annotated[
    Format,
    typer.Option(
        "--format",
        "-f",
        help="Định dạng: table (bảng trên màn hình), csv (UTF-8 có BOM, mở được bằng Excel), xlsx.",
    ),
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output", "-o", help="Ghi ra tệp này (bắt buộc với xlsx); mặc định in ra màn hình."
    ),
]
SheetOption = Annotated[
    str | None, typer.Option("--sheet", help="Tên trang tính cần đọc (mặc định: trang đầu tiên).")
]


def err(text: str) -> None:
    typer.echo(text, err=True)


def fail(error: HoctapError) -> NoReturn:
    """Print a user-facing error (and each bad row) in Vietnamese, then exit with status 1."""
    err(f"Lỗi: {error.message}")
    if error.hint:
        err(error.hint)
    if isinstance(error, ImportRejected):
        for p in error.problems:
            line = f"  Dòng {p.row}, cột '{p.column}': {p.message}"
            err(line + (f" Gợi ý: {p.hint}" if p.hint else ""))
    raise typer.Exit(1)


def _database() -> Database:
    from hoctap.people.units import open_province_database

    try:
        return open_province_database()
    except HoctapError as error:
        fail(error)
    except Exception as error:  # a database that cannot be reached is the user's to fix
        from sqlalchemy.exc import OperationalError

        if isinstance(error, OperationalError):
            fail(
                HoctapError(
                    f"Không kết nối được cơ sở dữ liệu: {error.orig}",
                    "Kiểm tra HOCTAP_DB_URL và máy chủ cơ sở dữ liệu.",
                )
            )
        raise


@contextmanager
def opened() -> Iterator[Database]:
    """The database for one command; a HoctapError inside becomes a message and exit status 1."""
    db = _database()
    try:
        yield db
    except HoctapError as error:
        fail(error)
    finally:
        db.close()
