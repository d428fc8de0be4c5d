"""What every sub-command of the ``hoctap`` command shares: output formats, the database, and
turning a HoctapError into a message, once for every command."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from hoctap.errors import HoctapError, ImportRejected

if TYPE_CHECKING:
    from hoctap.db import Database
    from hoctap.settings import Settings


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


class Commands(TyperGroup):
    """The command group: a HoctapError raised by any sub-command is printed, exit status 1.

    Click invokes a sub-command (and its sub-commands) inside its group's ``invoke``, so the
    top-level group is the one place that turns a user's error into a message.
    """

    def invoke(self, ctx: Any) -> Any:  # typer's click.Context is private to typer
        try:
            return super().invoke(ctx)
        except HoctapError as error:
            fail(error)


def group(help: str) -> typer.Typer:
    """A sub-command group (``hoctap roster``, ``hoctap quiz``...): lists its commands when bare."""
    return typer.Typer(help=help, no_args_is_help=True)


def migrated_settings() -> Settings:
    """The settings, once the database they name is created and migrated."""
    with opened() as db:
        return db.settings


def export(
    records: list[dict[str, object]],
    columns: list[str],
    fmt: Format,
    output: Path | None,
    title: str,
) -> None:
    """Records as a table on the terminal, or a CSV or workbook file (then say how many rows)."""
    from hoctap.io.writers import write_records

    write_records(records, columns, fmt.value, output, title)
    if output is not None:
        err(f"Đã ghi {len(records)} dòng vào {output}.")


def _database() -> Database:
    from sqlalchemy.exc import OperationalError

    from hoctap.people.units import open_province_database

    try:
        return open_province_database()
    except OperationalError as error:  # a database that cannot be reached is the user's to fix
        raise HoctapError(
            f"Không kết nối được cơ sở dữ liệu: {error.orig}",
            "Kiểm tra HOCTAP_DB_URL và máy chủ cơ sở dữ liệu.",
        ) from error


@contextmanager
def opened() -> Iterator[Database]:
    """The database for one command, closed when it ends."""
    db = _database()
    try:
        yield db
    finally:
        db.close()
