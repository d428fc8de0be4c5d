"""JupyterHub on a province server (Debian 12): one system user per person, behind nginx.

Installed as /etc/hoctap/jupyterhub_config.py and run as root by systemd/hoctap-hub.service: only
root can start each person's JupyterLab as that person. ``hoctap.hub.config.configure`` sets what
hoctap's hub is made of (log-in, groups, roles and scopes, the Voilà pages service, JupyterLab in
Vietnamese, the proxy); this file changes only what a province server does differently from the
demo of ``hoctap hub``:

1. the hub's own database is PostgreSQL (HOCTAP_HUB_DB_URL), not SQLite in the data folder;
2. each person's JupyterLab runs as their own system user, created when they first start it,
   with a home folder only they can open (mode 700), and never as root;
3. the hub listens on 127.0.0.1 only, behind nginx (TLS), at the address HOCTAP_PUBLIC_URL;
4. idle kernels and idle JupyterLabs stop by themselves;
5. the course's grader server (the hub service named after the course, nbgrader's set-up for
   several graders) and Voilà's pages run as the data folder's owner, never as root, each from
   its own systemd unit (hoctap-course.service, hoctap-pages.service);
6. the contest service hoctap-thi runs as several workers (hoctap-web@<port>.service) that
   nginx balances and reaches directly.

Nothing secret is written here: every value that differs between servers comes from
/etc/hoctap/hoctap.env (see hoctap.env.example), which systemd reads and the hub's children never
see. Values the operator must choose are marked OPERATOR.
"""

from __future__ import annotations

import asyncio
import os
import pwd
import re
import stat
import sys
from pathlib import Path
from typing import Any

from jupyterhub.spawner import LocalProcessSpawner
from traitlets.config import LazyConfigValue

from hoctap.hub.config import DEMO_NOTICE, configure
from hoctap.hub.pages import CONTEST_SERVICE
from hoctap.settings import Settings

c = get_config()  # noqa: F821


def _env(name: str, default: str | None = None) -> str:
    value = os.environ.get(name) or default
    if not value:
        sys.exit(
            f"hoctap: chưa đặt {name}. Ghi biến này vào /etc/hoctap/hoctap.env "
            "(mẫu: deploy/hoctap.env.example) rồi khởi động lại: systemctl restart hoctap-hub"
        )
    return value


def _as_list(value: Any) -> list[Any]:
    """A list option of ``c`` as configure() left it: a list, a lazy .append(), or unset."""
    if isinstance(value, LazyConfigValue):
        return list(value.get_value([]))
    return list(value or [])


def _as_dict(value: Any) -> dict[str, Any]:
    """A dict option of ``c`` as configure() left it: a dict, a lazy .update(), or unset."""
    if isinstance(value, LazyConfigValue):
        return dict(value.get_value({}))
    return dict(value or {})


HUB_PORT = int(_env("HOCTAP_HUB_PORT", "8000"))
PAGES_PORT = HUB_PORT + 3  # Voilà's pages (hoctap-pages.service); the course service takes + 4
SERVICE_USER = _env("HOCTAP_USER", "hoctap")  # owns the data folder; runs pages, grader, backups
settings = Settings.from_env()


# The data folder must exist and belong to the service account before the hub (root) touches it.
# Trainees pass through it to nbgrader's exchange (x for others) but may neither list it nor open
# anything else in it: the course (submissions, grades), question banks, tokens, logs. hoctap
# creates some of those folders on first use with the usual mode 755; closing them again here, at
# each start of the hub, catches any made since (docs/deploy.*.md creates them closed).
def _secure_data_folder() -> None:
    fix = "Xem docs/deploy.vi.md, mục 5 (thư mục dữ liệu)."
    home = settings.home
    try:
        info = home.stat()
    except FileNotFoundError:
        sys.exit(f"hoctap: chưa có thư mục dữ liệu {home}. {fix}")
    owner = pwd.getpwuid(info.st_uid).pw_name
    mode = stat.S_IMODE(info.st_mode)
    if owner != SERVICE_USER or mode & 0o066 or not mode & 0o001:
        sys.exit(
            f"hoctap: {home} phải thuộc {SERVICE_USER}, quyền 711 (đang: {owner}, {mode:o}). "
            f"Sửa: chown {SERVICE_USER}: {home} && chmod 711 {home}. {fix}"
        )
    for entry in home.iterdir():
        if entry.name == settings.exchange_dir.name or entry.is_symlink():
            continue  # nbgrader sets the exchange's modes itself
        mode = stat.S_IMODE(entry.stat().st_mode)
        if mode & 0o077:
            print(f"hoctap: chmod go-rwx {entry}", file=sys.stderr)
            entry.chmod(mode & 0o700)


def _as_service_user(action: Any) -> Any:
    """Run ``action`` with the service account's effective uid and gid (the hub runs as root).

    configure() creates files in the data folder (the course folder and its nbgrader_config.py,
    the pages' API token): they must belong to the account that runs hoctap's commands and the
    pages, not to root.
    """
    account = pwd.getpwnam(SERVICE_USER)
    os.setegid(account.pw_gid)
    os.seteuid(account.pw_uid)
    try:
        return action()
    finally:
        os.seteuid(0)
        os.setegid(0)


_secure_data_folder()
# Everything hoctap's hub is made of: log-in, the groups of trainees (nbgrader-hoctap), trainers
# (formgrade-hoctap) and judges with their roles and custom scopes, the pages service
# hoctap-pages (external: hoctap-pages.service runs it) and the course's grader service.
_as_service_user(lambda: configure(c, settings, HUB_PORT, PAGES_PORT))
# nbgrader wants the exchange's root writable by everyone (0777) and compares only those bits, so
# it keeps the sticky bit, which stops a trainee renaming or removing the course's folder in it.
# configure() has just set 0777 again (hoctap does at every course command too).
if settings.exchange_dir.is_dir():
    settings.exchange_dir.chmod(0o1777)

# 1. The hub's state (users, groups, tokens, servers) in PostgreSQL. Its own role and database:
#    the pages and the grader server, which run people's notebooks, never get this password.
c.JupyterHub.db_url = _env("HOCTAP_HUB_DB_URL")

# 3. Behind nginx. configure() binds the proxy to 127.0.0.1:HUB_PORT (the same as
#    bind_url = "http://127.0.0.1:8000/"), its API to HUB_PORT + 1 and the hub to HUB_PORT + 2,
#    all on 127.0.0.1: only nginx is reachable from outside.
#    OPERATOR: HOCTAP_PUBLIC_URL is the address people type, e.g. https://hoctap.example.vn/
#    (with it the hub marks its cookies Secure and builds redirects to that host).
c.JupyterHub.public_url = _env("HOCTAP_PUBLIC_URL")
# nginx and the proxy both add themselves to X-Forwarded-For; trusting 127.0.0.1 makes the hub
# log the browser's address instead of nginx's.
c.JupyterHub.trusted_downstream_ips = ["127.0.0.1"]
# OPERATOR (optional): hub accounts that may open the admin page (add trainers to the group
# formgrade-hoctap, stop servers). Admins can also open anyone's JupyterLab: keep the list short.
admins = {name.strip() for name in os.environ.get("HOCTAP_HUB_ADMINS", "").split(",")}
c.Authenticator.admin_users = set(_as_list(c.Authenticator.admin_users)) | (admins - {""})
# The demo's notice ("every account runs as one system user") is not true here.
c.JupyterHub.template_vars = {
    key: value
    for key, value in _as_dict(c.JupyterHub.template_vars).items()
    if value != DEMO_NOTICE
}

# 2. Each person as their own system user.
#
# The account is created in a pre-spawn hook, not with LocalAuthenticator.create_system_users:
# that option lives on LocalAuthenticator, and hoctap's authenticator (set by configure()) is a
# plain Authenticator, so setting it would silently do nothing. Mixing LocalAuthenticator into
# hoctap's class would work, but its add_user() runs only when the hub first records a name (and
# for every known name at each hub start), and it takes any existing system account of that name
# as the person's, root's or postgres's included. The hook runs before every start of a
# JupyterLab, whatever the authenticator: it creates the account when missing, refuses names that
# belong to accounts it did not make, and puts the home folder back to 700 each time. Someone who
# only opens the pages (/services/hoctap-pages/) starts no JupyterLab and gets no account.
c.JupyterHub.spawner_class = LocalProcessSpawner

ACCOUNT_MARK = "hoctap"  # the GECOS field of accounts this hook made
UID_MIN = 1000  # Debian's first ordinary uid (/etc/login.defs); below it are system accounts
SYSTEM_NAME = re.compile(r"[a-z_][a-z0-9_-]{0,31}")  # what useradd accepts, without surprises


async def _useradd(name: str) -> None:
    process = await asyncio.create_subprocess_exec(
        "useradd", "--create-home", "--user-group", "--shell", "/usr/sbin/nologin",
        "--comment", ACCOUNT_MARK, "--", name,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    output, _ = await process.communicate()
    if process.returncode:
        raise RuntimeError(
            f"Không tạo được tài khoản hệ thống {name}: {output.decode(errors='replace')}"
        )


async def ensure_system_user(spawner: Any) -> None:
    """Create the person's system account if needed; their home is theirs alone (700)."""
    name = spawner.user.name
    if not SYSTEM_NAME.fullmatch(name) or name == SERVICE_USER:
        raise ValueError(
            f"Tên đăng nhập “{name}” không dùng được để mở JupyterLab trên máy chủ này. "
            "Hãy báo ban tổ chức."
        )
    try:
        account = pwd.getpwnam(name)
    except KeyError:
        spawner.log.info("Creating system user %s", name)
        await _useradd(name)
        account = pwd.getpwnam(name)
    # A hub name that is already someone else's system account (an operator, a daemon) must not
    # open a JupyterLab as that account.
    if account.pw_uid < UID_MIN or account.pw_gecos.split(",")[0] != ACCOUNT_MARK:
        raise PermissionError(
            f"Tên đăng nhập “{name}” trùng một tài khoản hệ thống không do hoctap tạo. "
            "Hãy báo ban tổ chức."
        )
    home = Path(account.pw_dir)
    if home.stat().st_uid != account.pw_uid:
        raise PermissionError(f"Thư mục {home} không thuộc {name}. Hãy báo ban tổ chức.")
    home.chmod(0o700)


c.Spawner.pre_spawn_hook = ensure_system_user

# The JupyterLab of a person runs their own code: it gets the data folder's path (for nbgrader's
# exchange, /etc/jupyter/nbgrader_config.py) and hoctap's Jupyter settings, but not the database
# passwords. configure() passes HOCTAP_DB_URL and HOCTAP_GRADEBOOK_URL for the demo, where all
# accounts are one user anyway.
c.Spawner.environment = {
    key: value
    for key, value in _as_dict(c.Spawner.environment).items()
    if key not in ("HOCTAP_DB_URL", "HOCTAP_GRADEBOOK_URL")
}

# 4. Idle servers. Kernels idle for an hour are stopped, even with the tab still open (answers are
# saved as they are given, in cau-tra-loi.json beside the notebook); a JupyterLab with no kernel
# and no request for 30 minutes stops itself, and the hub notices. Terminals stay off: trainees do
# not need them, and the accounts have no shell. The hub-side alternative, jupyterhub-idle-culler,
# is a separate package that hoctap does not install: add it to pyproject.toml's dependencies
# before configuring it as a service.
# Voilà's pages cull their own idle kernels (--MappingKernelManager.cull_idle_timeout in
# hoctap.hub.serve), so nothing is needed here for them. There is no --allow-root: the hook above
# refuses root and every system account.
c.Spawner.args = [arg for arg in _as_list(c.Spawner.args) if arg != "--allow-root"] + [
    "--MappingKernelManager.cull_idle_timeout=3600",
    "--MappingKernelManager.cull_interval=300",
    "--MappingKernelManager.cull_connected=True",
    "--ServerApp.shutdown_no_activity_timeout=1800",
    "--ServerApp.terminals_enabled=False",
]

# 5. Services. configure() declares two external services, which the hub routes to and logs
# people into but does not start: the course's grader server (the service named after the course:
# nbgrader's formgrader on the course folder, at /services/hoctap/ for the group formgrade-hoctap;
# systemd/hoctap-course.service runs it) and the pages hoctap-pages (systemd/hoctap-pages.service).
# Both run as the data folder's owner, never as root. Whoever reaches the grader server reads every
# submission and the gradebook and runs code as that owner (nbgrader's shared grader account):
# trainers only. JupyterHub >= 4.1 forbids framing it, so its formgrader opens in a browser tab of
# its own: /services/hoctap/formgrader. Being external, a slow start of either (nbgrader's
# extensions import slowly) cannot stop the hub's own start. Nothing to change here.

# Optional, instead of the formgrader's own tab: per-user subdomains (nbgrader's other documented
# way round JupyterHub >= 4.1's "frame-ancestors 'none'"). Each person's JupyterLab gets its own
# origin (annv-01351.hoctap.example.vn), so it may frame its own pages again without letting one
# person's page frame another's. Needs wildcard DNS (*.hoctap.example.vn) and a wildcard
# certificate (certbot's DNS challenge), and nginx's server_name must list *.hoctap.example.vn.
# JupyterHub 6 calls the option subdomain_host (there is no enable_subdomains).
# c.JupyterHub.subdomain_host = "https://hoctap.example.vn"  # OPERATOR: the same host as public_url
# c.Spawner.args.append(
#     "--ServerApp.tornado_settings="
#     """{"headers": {"Content-Security-Policy": "frame-ancestors 'self'"}}"""
# )

# 6. The contest service hoctap-thi. configure() declares it (external, logged in through the hub
# by OAuth, its token in the data folder's hub/hoctap-thi-api-token) and gives the trainees' role
# access:services!service=hoctap-thi. On a province server it is not one process beside the hub
# on HOCTAP_HUB_PORT + 5 but workers on ports of their own, hoctap-web@8870 and hoctap-web@8871
# (systemd/hoctap-web@.service), sharing only PostgreSQL. nginx sends /services/hoctap-thi/ to
# them directly (upstream hoctap_thi in nginx/hoctap.conf), balanced and without the hub's single
# proxy in the way; the route the hub gives its proxy, to the first worker, only serves requests
# that reach the proxy without nginx.
CONTEST_URL = "http://127.0.0.1:8870"  # OPERATOR: the first worker's port, if not 8870
c.JupyterHub.services = [
    dict(service, url=CONTEST_URL) if service.get("name") == CONTEST_SERVICE else service
    for service in _as_list(c.JupyterHub.services)
]
if not any(s.get("name") == CONTEST_SERVICE for s in c.JupyterHub.services):
    sys.exit(f"hoctap: configure() no longer declares the service {CONTEST_SERVICE}.")
