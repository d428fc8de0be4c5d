"""``hoctap accounts``: log-in accounts on JupyterHub for trainees, trainers and judges."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from hoctap.cli.common import (
    group,
    opened,
)

if TYPE_CHECKING:
    pass


app = group("Tài khoản đăng nhập JupyterHub: học viên (theo danh sách), giảng viên, giám khảo.")


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


@app.command("issue")
def accounts_issue(
    unit: Annotated[str, typer.Option(help="Chỉ học viên của đơn vị này (tên hoặc mã).")] = "",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Ghi ra tệp .xlsx để in phiếu.")
    ] = None,
) -> None:
    """Tạo tài khoản cho học viên chưa có tài khoản; tên đăng nhập là mã học viên."""
    from hoctap.hub.accounts import issue_trainee_accounts

    with opened() as db:
        issued = issue_trainee_accounts(db, unit)
    if not issued:
        typer.echo("Mọi học viên (của đơn vị này) đã có tài khoản.")
        return
    _hand_out(issued, output)


@app.command("add")
def accounts_add(
    name: Annotated[str, typer.Argument(help="Tên đăng nhập, ví dụ: gv.hoa")],
    role: Annotated[str, typer.Option(help="trainer (giảng viên) hoặc judge (giám khảo).")],
) -> None:
    """Tạo tài khoản cho một giảng viên hoặc giám khảo; in mật khẩu một lần."""
    from hoctap.hub.accounts import add_staff_account

    with opened() as db:
        issued = add_staff_account(db, name, role)
    _hand_out([issued], None)


@app.command("reset")
def accounts_reset(name: Annotated[str, typer.Argument(help="Tên đăng nhập.")]) -> None:
    """Đặt mật khẩu mới cho một tài khoản (khi người dùng quên); in mật khẩu một lần."""
    from hoctap.hub.accounts import reset_password

    with opened() as db:
        issued = reset_password(db, name)
    _hand_out([issued], None)
