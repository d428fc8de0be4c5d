"""The demo's hub accounts: a trainee, a trainer and a judge, with passwords made once.

The file (HOCTAP_HOME/hub/demo-accounts.json, readable by its owner only) keeps the passwords so
``hoctap hub`` can print them at start-up; it is demo data, like the generated trainees.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from hoctap.db import Database
from hoctap.errors import HoctapError
from hoctap.settings import Settings

TRAINEE, TRAINER, JUDGE = "trainee", "trainer", "judge"
ROLE_NAMES = {TRAINEE: "học viên", TRAINER: "giảng viên", JUDGE: "giám khảo"}


@dataclass(frozen=True)
class Account:
    name: str
    role: str
    password: str
    label: str
    """Who it is, for the start-up message ("học viên mẫu Nông Thị An, Xã Hưng Đạo")."""


def accounts_path(settings: Settings) -> Path:
    return settings.home / "hub" / "demo-accounts.json"


def load_accounts(settings: Settings) -> dict[str, Account]:
    path = accounts_path(settings)
    if not path.is_file():
        return {}
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
        return {r["name"]: Account(**r) for r in records}
    except (ValueError, TypeError, KeyError) as exc:
        raise HoctapError(
            f"Tệp tài khoản mẫu {path} bị hỏng: {exc}",
            "Xoá tệp đó rồi chạy lại hoctap hub để tạo tài khoản mẫu mới.",
        ) from exc


def demo_accounts(settings: Settings, trainee: tuple[str, str]) -> dict[str, Account]:
    """The demo's three accounts, made once; ``trainee`` is a demo trainee's (code, label).

    The trainee logs in with their roster code, so what they submit is theirs in nbgrader.
    """
    accounts = load_accounts(settings)
    wanted = {
        TRAINEE: (trainee[0], f"học viên mẫu {trainee[1]}"),
        TRAINER: ("giangvien", "giảng viên mẫu"),
        JUDGE: ("giamkhao", "giám khảo mẫu"),
    }
    by_role = {a.role: a for a in accounts.values()}
    changed = False
    for role, (name, label) in wanted.items():
        if role not in by_role:
            by_role[role] = Account(name, role, secrets.token_urlsafe(9), label)
            changed = True
    if changed:
        path = accounts_path(settings)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.chmod(0o600)
        records = [asdict(a) for a in by_role.values()]
        path.write_text(json.dumps(records, ensure_ascii=False, indent=2), encoding="utf-8")
    return {a.name: a for a in by_role.values()}


def check_password(accounts: dict[str, Account], name: str, password: str) -> Account | None:
    """The account if the password is right (compared in constant time), else None."""
    account = accounts.get(name)
    if account is None:
        hmac.compare_digest(password, password)  # same work for a wrong name
        return None
    if hmac.compare_digest(account.password.encode(), password.encode()):
        return account
    return None


# -- accounts kept in the database (a province's people) -------------------------------------

NAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,31}")
_SLIP_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"  # no 0/o, 1/l: read off a paper slip
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


@dataclass(frozen=True)
class Issued:
    """A new password to hand to one person (the only time it is shown)."""

    name: str
    role: str
    password: str
    full_name: str = ""
    unit: str = ""


def new_password(length: int = 10) -> str:
    return "".join(secrets.choice(_SLIP_ALPHABET) for _ in range(length))


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **_SCRYPT)
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${salt.hex()}${digest.hex()}"


def password_matches(stored: str, password: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        found = hashlib.scrypt(
            password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=32
        )
    except ValueError:
        return False
    return hmac.compare_digest(found.hex(), digest)


def issue_trainee_accounts(db: Database, unit: str = "") -> list[Issued]:
    """An account for every roster trainee (of ``unit``, when given) who has none yet.

    Each log-in name is the trainee's code, so what they submit is theirs in nbgrader.
    """
    from sqlalchemy import select

    from hoctap.db.models import HubAccount, Person, Unit
    from hoctap.people.units import find_unit

    unit_id = find_unit(db, unit).id if unit else None
    issued: list[Issued] = []
    with db.session() as session:
        query = (
            select(Person)
            .join(Unit, Unit.id == Person.unit_id)
            .outerjoin(HubAccount, HubAccount.person_id == Person.id)
            .where(HubAccount.id.is_(None))
            .order_by(Unit.code, Person.code)
        )
        if unit_id is not None:
            query = query.where(Person.unit_id == unit_id)
        for person in session.scalars(query):
            password = new_password()
            session.add(
                HubAccount(
                    name=person.code,
                    role=TRAINEE,
                    person_id=person.id,
                    password_hash=hash_password(password),
                )
            )
            issued.append(
                Issued(person.code, TRAINEE, password, person.full_name, person.unit.name)
            )
    return issued


def add_staff_account(db: Database, name: str, role: str) -> Issued:
    """A trainer's or judge's account with a new password."""
    from sqlalchemy import select

    from hoctap.db.models import HubAccount, Person

    name = name.strip().lower()
    if role not in (TRAINER, JUDGE):
        raise HoctapError(
            f"Vai trò '{role}' không dùng được cho tài khoản này.",
            "Chọn trainer (giảng viên) hoặc judge (giám khảo); học viên nhận tài khoản bằng "
            "hoctap accounts issue.",
        )
    if not NAME.fullmatch(name):
        raise HoctapError(
            f"Tên đăng nhập '{name}' không dùng được.",
            "Dùng 2–32 ký tự: chữ thường không dấu, số, dấu chấm, gạch ngang, gạch dưới.",
        )
    password = new_password()
    with db.session() as session:
        taken = session.scalar(select(HubAccount.id).where(HubAccount.name == name))
        if taken is not None or session.scalar(select(Person.id).where(Person.code == name)):
            raise HoctapError(f"Tên đăng nhập '{name}' đã có người dùng.", "Chọn tên khác.")
        session.add(HubAccount(name=name, role=role, password_hash=hash_password(password)))
    return Issued(name, role, password)


def reset_password(db: Database, name: str) -> Issued:
    from sqlalchemy import select

    from hoctap.db.models import HubAccount

    password = new_password()
    with db.session() as session:
        account = session.scalar(select(HubAccount).where(HubAccount.name == name.strip().lower()))
        if account is None:
            raise HoctapError(f"Không có tài khoản '{name}'.", "Xem lại tên đăng nhập.")
        account.password_hash = hash_password(password)
        account.password_set_at = datetime.now(UTC)
        return Issued(account.name, account.role, password)


def check_database_account(db: Database, name: str, password: str) -> tuple[str, str] | None:
    """(name, role) when the password is right for an active account in the database."""
    from sqlalchemy import select

    from hoctap.db.models import HubAccount

    with db.session() as session:
        row = session.execute(
            select(HubAccount.name, HubAccount.role, HubAccount.password_hash).where(
                HubAccount.name == name.strip().lower(), HubAccount.disabled.is_(False)
            )
        ).first()
    if row is None:
        password_matches(_DUMMY_HASH, password)  # the same work for a name that does not exist
        return None
    return (row[0], row[1]) if password_matches(row[2], password) else None


_DUMMY_HASH = hash_password(secrets.token_urlsafe(12))
