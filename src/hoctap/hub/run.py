"""``hoctap hub``: the demo JupyterHub on 127.0.0.1, supervised like ``hoctap serve``."""

from __future__ import annotations

import sys
from collections.abc import Callable

from hoctap.errors import HoctapError
from hoctap.hub.accounts import ROLE_NAMES, TRAINER, Account, demo_accounts
from hoctap.serve import HOST, Service, kept_token, port_free, run, voila_service
from hoctap.settings import Settings

DEFAULT_HUB_PORT = 8000
VOILA_TOKEN_FILE = "voila-token"


def _demo_trainee(settings: Settings) -> tuple[str, str]:
    """The first demo trainee of the first commune: their code and who they are."""
    from sqlalchemy import select

    from hoctap.db import open_database
    from hoctap.db.models import Person, Unit

    db = open_database(settings)
    try:
        with db.session() as session:
            row = session.execute(
                select(Person.code, Person.full_name, Unit.name)
                .join(Unit, Unit.id == Person.unit_id)
                .where(Person.is_demo.is_(True))
                .order_by(Unit.kind != "xa_phuong", Unit.code, Person.code)
                .limit(1)
            ).first()
    finally:
        db.close()
    if row is None:
        raise HoctapError(
            "Chưa có học viên mẫu để tạo tài khoản học viên thử.",
            "Chạy hoctap demo trước (make run làm việc này).",
        )
    return row[0], f"{row[1]}, {row[2]}"


def hub_service(settings: Settings, port: int) -> Service:
    folder = settings.home / "hub"
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "jupyterhub_config.py"
    config.write_text(
        "# Written by `hoctap hub` at each start: edit hoctap.hub.config instead.\n"
        "from hoctap.hub.config import configure\n"
        "from hoctap.settings import Settings\n\n"
        f"configure(get_config(), Settings.from_env(), {port})  # noqa: F821\n",
        encoding="utf-8",
    )
    base = f"http://{HOST}:{port}"
    return Service(
        "JupyterHub",
        [sys.executable, "-m", "jupyterhub", "-f", str(config)],
        folder,
        f"{base}/hub/api",
        f"{base}/hub/login",
        settings.home / "logs" / "jupyterhub.log",
    )


def hub(
    settings: Settings,
    port: int = DEFAULT_HUB_PORT,
    say: Callable[[str], None] = print,
    voila_port: int | None = None,
) -> int:
    """Start the demo hub, and Voilà's pages beside it; returns the exit status when it stops.

    Until the pages are services behind the hub's log-in, Voilà runs on its own port and asks
    for a token kept in the data folder (HOCTAP_HOME/voila-token), printed for the judges.
    """
    from hoctap.hub.config import proxy_command

    voila_port = voila_port or port + 3
    if not all(port_free(p) for p in (port, port + 1, port + 2, voila_port)):
        raise HoctapError(
            f"Một trong các cổng {port}, {port + 1}, {port + 2}, {voila_port} trên {HOST} đang "
            "bận (hub dùng ba cổng liền nhau, Voilà một cổng).",
            "Dừng chương trình đang dùng cổng đó, hoặc chọn cổng khác với --port.",
        )
    proxy_command()  # fails early, in Vietnamese, if npm's proxy is missing
    accounts = demo_accounts(settings, _demo_trainee(settings))
    service = hub_service(settings, port)
    token = kept_token(settings, VOILA_TOKEN_FILE)
    pages = voila_service(settings, voila_port, token)

    def ready() -> None:
        say("")
        say(f"hoctap (JupyterHub) đang chạy trên máy này: {service.show_url}")
        say("Tài khoản thử (dữ liệu mẫu, không phải người thật):")
        for account in sorted(accounts.values(), key=_role_order):
            say(
                f"  {ROLE_NAMES[account.role]:<11} tên đăng nhập {account.name:<12} "
                f"mật khẩu {account.password}   ({account.label})"
            )
        trainer = next(a.name for a in accounts.values() if a.role == TRAINER)
        # JupyterHub >= 4.1 forbids framing a user's server (CSP frame-ancestors 'none'), so
        # the formgrader's tab inside JupyterLab stays blank; nbgrader's documented way round
        # it without weakening that protection is to open the formgrader in a tab of its own.
        base = service.show_url.removesuffix("/hub/login")
        say(f"Trình chấm bài (giảng viên), mở ở thẻ riêng: {base}/user/{trainer}/formgrader")
        render = f"http://{HOST}:{voila_port}/voila/render"
        say(f"Trang xếp loại (giám khảo): {render}/leaderboard.ipynb?token={token}")
        say(f"Kết quả cuộc thi (ban tổ chức): {render}/results.ipynb?token={token}")
        say("  Bản chạy thử: mọi tài khoản chạy bằng cùng một người dùng hệ thống; các trang "
            "Voilà dùng mã (token) riêng, chưa qua đăng nhập của hub.")  # fmt: skip
        say(f"  Dữ liệu: {settings.home}")
        say("Nhấn Ctrl-C để dừng.")

    return run(settings, [service, pages], say=say, on_ready=ready)


def _role_order(account: Account) -> int:
    return list(ROLE_NAMES).index(account.role)
