"""Log-ins for a province's people: issued from the roster, kept as scrypt hashes, checked by the
hub's authenticator, which also puts each account in its role's group."""

from __future__ import annotations

import asyncio
import json
import stat
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from hoctap.cli import app
from hoctap.db import Database
from hoctap.errors import HoctapError
from hoctap.hub.accounts import (
    add_staff_account,
    check_database_account,
    demo_accounts,
    issue_trainee_accounts,
    reset_password,
)
from hoctap.hub.config import HoctapAuthenticator, role_of
from tests.support.contests import person


def test_every_roster_trainee_gets_one_account_named_by_their_code(db: Database) -> None:
    person(db, "hv001", "Nguyễn Văn An", "0912345678")
    person(db, "hv002", "Trần Thị Bình", None)
    issued = issue_trainee_accounts(db)
    assert [(i.name, i.role, i.full_name) for i in issued] == [
        ("hv001", "trainee", "Nguyễn Văn An"),
        ("hv002", "trainee", "Trần Thị Bình"),
    ]
    assert issue_trainee_accounts(db) == []  # once only: a second run changes nothing
    first = issued[0]
    assert len(first.password) == 10 and first.password != issued[1].password
    assert check_database_account(db, "hv001", first.password) == ("hv001", "trainee")
    assert check_database_account(db, "HV001 ", first.password) == ("hv001", "trainee")
    assert check_database_account(db, "hv001", issued[1].password) is None
    assert check_database_account(db, "nobody", first.password) is None
    from sqlalchemy import select

    from hoctap.db.models import HubAccount

    with db.session() as session:
        stored = session.scalars(select(HubAccount.password_hash)).all()
    assert all(h.startswith("scrypt$") and first.password not in h for h in stored)


REFUSED_STAFF = {
    "a trainee's code": ("hv001", "trainer", "đã có người dùng"),
    "a staff name taken": ("gk.hoa", "trainer", "đã có người dùng"),
    "a name with a space": ("ng ười", "trainer", "không dùng được"),
    "an unknown role": ("gv.lan", "admin", "Vai trò 'admin'"),
}


@pytest.mark.parametrize(("name", "role", "why"), REFUSED_STAFF.values(), ids=REFUSED_STAFF.keys())
def test_a_staff_account_that_cannot_be_made_is_refused_with_why(
    db: Database, name: str, role: str, why: str
) -> None:
    person(db, "hv001", "Nguyễn Văn An", None)
    add_staff_account(db, "GK.Hoa", "judge")
    with pytest.raises(HoctapError) as refused:
        add_staff_account(db, name, role)
    assert why in refused.value.message


def test_staff_accounts_and_a_forgotten_password(db: Database) -> None:
    person(db, "hv001", "Nguyễn Văn An", None)
    judge = add_staff_account(db, "GK.Hoa", "judge")
    assert (judge.name, judge.role) == ("gk.hoa", "judge")
    again = reset_password(db, "gk.hoa")
    assert check_database_account(db, "gk.hoa", judge.password) is None
    assert check_database_account(db, "gk.hoa", again.password) == ("gk.hoa", "judge")


def test_the_hub_logs_in_demo_and_database_accounts_into_their_groups(db: Database) -> None:
    person(db, "hv001", "Nguyễn Văn An", None)
    trainee = issue_trainee_accounts(db)[0]
    judge = add_staff_account(db, "gk.hoa", "judge")
    demo = demo_accounts(db.settings, ("hv001", "học viên mẫu"))
    trainer = next(a for a in demo.values() if a.role == "trainer")
    hub = HoctapAuthenticator()

    def log_in(name: str, password: str) -> object:
        return asyncio.run(hub.authenticate(None, {"username": name, "password": password}))

    assert hub.manage_groups is True
    assert log_in("hv001", trainee.password) == {"name": "hv001", "groups": ["nbgrader-hoctap"]}
    assert log_in("gk.hoa", judge.password) == {"name": "gk.hoa", "groups": ["hoctap-giamkhao"]}
    assert log_in(trainer.name, trainer.password) == {
        "name": trainer.name,
        "groups": ["formgrade-hoctap"],
    }
    assert log_in("hv001", "wrong-password") is None
    assert role_of(["formgrade-hoctap"]) == "trainer" and role_of([]) == "trainee"


def test_issue_writes_the_passwords_to_a_workbook_only_its_owner_reads(
    home: Path, tmp_path: Path
) -> None:
    from hoctap.people.units import open_province_database
    from hoctap.settings import Settings

    db = open_province_database(Settings.from_env({"HOCTAP_HOME": str(home)}))
    person(db, "hv001", "Nguyễn Văn An", None)
    db.close()
    output = tmp_path / "phieu" / "tai-khoan.xlsx"
    result = CliRunner().invoke(app, ["accounts", "issue", "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert "Mật khẩu chỉ hiện một lần" in result.output
    assert stat.S_IMODE(output.stat().st_mode) == 0o600
    sheet = load_workbook(output).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Tên đăng nhập", "Họ và tên", "Đơn vị", "Vai trò", "Mật khẩu")
    assert rows[1][:2] == ("hv001", "Nguyễn Văn An") and rows[1][3] == "học viên"
    again = CliRunner().invoke(app, ["accounts", "issue"])
    assert "đã có tài khoản" in again.output
    added = CliRunner().invoke(app, ["accounts", "add", "gv.lan", "--role", "trainer"])
    assert added.exit_code == 0 and "gv.lan" in added.output
    refused = CliRunner().invoke(app, ["accounts", "add", "gv.lan", "--role", "trainer"])
    assert refused.exit_code == 1 and "đã có người dùng" in refused.output
    assert json.dumps(rows[1][4]) not in (home / "hoctap.db").read_text("latin-1")
