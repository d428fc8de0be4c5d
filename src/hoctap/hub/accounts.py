"""The demo's hub accounts: a trainee, a trainer and a judge, with passwords made once.

The file (HOCTAP_HOME/hub/demo-accounts.json, readable by its owner only) keeps the passwords so
``hoctap hub`` can print them at start-up; it is demo data, like the generated trainees.
"""

from __future__ import annotations

import hmac
import json
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path

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
