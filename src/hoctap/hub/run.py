"""``hoctap hub``: the demo JupyterHub on 127.0.0.1, supervised like ``hoctap serve``."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from hoctap.errors import HoctapError
from hoctap.grading.course import COURSE_ID
from hoctap.hub import pages
from hoctap.hub.accounts import ROLE_NAMES, TRAINER, Account, demo_accounts
from hoctap.hub.serve import HOST, RESTARTS, Service, port_free, run, voila_service, web_service
from hoctap.settings import Settings

DEFAULT_HUB_PORT = 8000


def _demo_trainee(settings: Settings) -> tuple[str, str]:
    """The first demo trainee of the first commune: their code and who they are."""
    from sqlalchemy import select

    from hoctap.db.models import Person, Unit
    from hoctap.people.units import open_province_database

    db = open_province_database(settings)
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


def pages_service(settings: Settings, port: int, pages_port: int) -> Service:
    """Voilà's pages as the hub's service: behind its log-in, under /services/hoctap-pages/."""
    from hoctap.hub.config import service_token

    service = voila_service(settings, pages_port)
    service.argv += [
        f"--Voila.base_url={pages.PREFIX}",
        "--Voila.identity_provider_class=hoctap.hub.identity.PagesIdentityProvider",
        "--Voila.authorizer_class=jupyterhub.singleuser.extension.JupyterHubAuthorizer",
        f"--VoilaConfiguration.http_header_envs={pages.USER_HEADER}",
    ]
    hub_api = f"http://{HOST}:{port + 2}/hub/api"
    token = service_token(settings, pages.SERVICE)
    service.extra_env = {**service.extra_env, **pages.service_env(pages.SERVICE, hub_api, token)}
    service.ready_url = f"http://{HOST}:{pages_port}{pages.PREFIX}voila/static/voila.js"
    service.show_url = f"http://{HOST}:{port}{pages.PREFIX}voila/render/overview.ipynb"
    return service


def contest_service(settings: Settings, port: int, web_port: int) -> Service:
    """The contest pages as the hub's service ``hoctap-thi``: a trainee logged in to the hub
    takes a contest without a code (JupyterHub's HubOAuthenticated), with no kernel per taker."""
    from hoctap.hub.config import service_token

    service = web_service(settings, web_port, pages.CONTEST_PREFIX, hub=True)
    hub_api = f"http://{HOST}:{port + 2}/hub/api"
    token = service_token(settings, pages.CONTEST_SERVICE)
    service.extra_env = {
        **pages.service_env(pages.CONTEST_SERVICE, hub_api, token),
        "JUPYTERHUB_SERVICE_URL": f"http://{HOST}:{web_port}",
    }
    service.show_url = f"http://{HOST}:{port}{pages.CONTEST_PREFIX}"
    return service


def course_service(settings: Settings, port: int, course_port: int) -> Service:
    """The course as the hub's service, as nbgrader sets it up for several trainers: a Jupyter
    server on the course folder with the formgrader, under /services/<course>/."""
    import os

    from hoctap.grading.course import ensure_course_dir
    from hoctap.hub.config import service_token

    course = ensure_course_dir(settings)
    argv = [
        str(Path(sys.executable).parent / "jupyterhub-singleuser"),
        f"--ServerApp.root_dir={course}",
        f"--ServerApp.ip={HOST}",
        f"--ServerApp.port={course_port}",
        "--ServerApp.port_retries=0",
    ]
    if os.geteuid() == 0:
        argv.append("--allow-root")  # the demo on a root CI machine; deploy/ does not
    prefix = f"/services/{COURSE_ID}/"
    hub_api = f"http://{HOST}:{port + 2}/hub/api"
    service = Service(
        "Khoá học (formgrader)",
        argv,
        course,
        f"http://{HOST}:{course_port}{prefix}api",
        f"http://{HOST}:{port}{prefix}formgrader",
        settings.home / "logs" / "course-service.log",
    )
    service.extra_env = {
        **pages.service_env(COURSE_ID, hub_api, service_token(settings, COURSE_ID)),
        "JUPYTERHUB_SERVICE_URL": f"http://{HOST}:{course_port}",
        "JUPYTERHUB_DEFAULT_URL": "/formgrader",
    }
    return service


def hub_service(settings: Settings, port: int, pages_port: int | None = None) -> Service:
    folder = settings.home / "hub"
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "jupyterhub_config.py"
    config.write_text(
        "# Written by `hoctap hub` at each start: edit hoctap.hub.config instead.\n"
        "from hoctap.hub.config import configure\n"
        "from hoctap.settings import Settings\n\n"
        f"configure(get_config(), Settings.from_env(), {port}, {pages_port})  # noqa: F821\n",
        encoding="utf-8",
    )
    base = f"http://{HOST}:{port}"
    return Service(
        "JupyterHub",
        [sys.executable, "-m", "jupyterhub", "-f", str(config)],
        folder,
        f"{base}/hub/api",  # through the proxy: answers once the hub has added its routes
        f"{base}/hub/login",
        settings.home / "logs" / "jupyterhub.log",
        ready_below=400,
    )


def stop_left_proxy(settings: Settings) -> None:
    """Stop the hub's proxy if it outlived the hub (it runs in a session of its own, and a hub
    stopped during its start-up leaves it running)."""
    import os
    import signal

    pid_file = settings.home / "hub" / "proxy.pid"
    try:
        pid = int(pid_file.read_text(encoding="utf-8").strip())
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (OSError, ValueError):
        return
    if b"configurable-http-proxy" in command:
        os.kill(pid, signal.SIGTERM)
    pid_file.unlink(missing_ok=True)


def hub(
    settings: Settings,
    port: int = DEFAULT_HUB_PORT,
    say: Callable[[str], None] = print,
    voila_port: int | None = None,
) -> int:
    """Start the demo hub, and Voilà's pages beside it; returns the exit status when it stops.

    Voilà's pages run on their own port (127.0.0.1 only) as the hub's service ``hoctap-pages``:
    people reach them through the hub's address, logged in, each page open to the roles that
    may see it (``hoctap.hub.pages``).
    """
    from hoctap.hub.config import proxy_command

    voila_port = voila_port or port + 3
    ports = (port, port + 1, port + 2, voila_port, voila_port + 1, voila_port + 2)
    if not all(port_free(p) for p in ports):
        raise HoctapError(
            f"Một trong các cổng {', '.join(map(str, ports))} trên {HOST} đang bận (hub dùng "
            "ba cổng liền nhau; các trang Voilà một cổng, khoá học và trang thi hai cổng kế "
            "tiếp).",
            "Dừng chương trình đang dùng cổng đó, hoặc chọn cổng khác với --port.",
        )
    proxy_command()  # fails early, in Vietnamese, if npm's proxy is missing
    accounts = demo_accounts(settings, _demo_trainee(settings))
    service = hub_service(settings, port, voila_port)
    voila = pages_service(settings, port, voila_port)
    grading = course_service(settings, port, voila_port + 1)
    contests = contest_service(settings, port, voila_port + 2)

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
        # JupyterHub >= 4.1 forbids framing a Jupyter server (CSP frame-ancestors 'none'), so
        # the formgrader's tab inside JupyterLab stays blank; nbgrader's documented way round
        # it without weakening that protection is to open the formgrader in a tab of its own.
        base = service.show_url.removesuffix("/hub/login")
        say(f"Trình chấm bài của khoá học (giảng viên {trainer}), mở ở thẻ riêng: "
            f"{base}/services/{COURSE_ID}/formgrader")  # fmt: skip
        say(f"Trang thi (học viên đăng nhập hub, không cần mã): {base}{pages.CONTEST_PREFIX}")
        say(
            f"  Công bố kết quả: {base}{pages.CONTEST_PREFIX}cong-bo/TÊN-CUỘC-THI   Xác minh "
            f"giấy chứng nhận: {base}{pages.CONTEST_PREFIX}xac-minh   (không cần đăng nhập)"
        )
        render = f"{base}{pages.PREFIX}voila/render"
        say("Các trang (đăng nhập bằng tài khoản trên; mỗi vai trò mở được trang của mình):")
        for page, title in pages.PAGE_TITLES.items():
            roles = [ROLE_NAMES[r] for r in ROLE_NAMES if page in pages.pages_for(r)]
            say(f"  {title:<25} {render}/{page}   ({', '.join(roles)})")
        say("  Bản chạy thử: mọi tài khoản chạy bằng cùng một người dùng hệ thống.")
        say(f"  Dữ liệu: {settings.home}")
        say("Nhấn Ctrl-C để dừng.")

    service.on_restart = lambda: stop_left_proxy(settings)
    try:
        return run(
            settings,
            [service, voila, grading, contests],
            say=say,
            on_ready=ready,
            restarts=RESTARTS,
        )
    finally:
        stop_left_proxy(settings)


def _role_order(account: Account) -> int:
    return list(ROLE_NAMES).index(account.role)


PARTS = ("pages", "course", "contest")


def hub_part(
    settings: Settings,
    part: str,
    port: int = DEFAULT_HUB_PORT,
    say: Callable[[str], None] = print,
    voila_port: int | None = None,
) -> int:
    """Run one of the hub's services alone (``pages``, ``course`` or ``contest``), for a server
    where the hub runs elsewhere (deploy/: a systemd unit each, as the data folder's owner)."""
    voila_port = voila_port or port + 3
    if part not in PARTS:
        raise HoctapError(f"Không có phần '{part}'.", f"Chọn một trong: {', '.join(PARTS)}.")
    if part == "pages":
        service, own_port = pages_service(settings, port, voila_port), voila_port
    elif part == "course":
        service, own_port = course_service(settings, port, voila_port + 1), voila_port + 1
    else:
        service, own_port = contest_service(settings, port, voila_port + 2), voila_port + 2
    if not port_free(own_port):
        raise HoctapError(
            f"Cổng {own_port} trên {HOST} đang bận.",
            "Dừng chương trình đang dùng cổng đó, hoặc chọn cổng khác với --voila-port.",
        )

    def ready() -> None:
        say(f"{service.name} đang chạy trên {HOST}:{own_port}; mở qua hub: {service.show_url}")
        say("Nhấn Ctrl-C để dừng.")

    return run(settings, [service], say=say, on_ready=ready, restarts=RESTARTS)
