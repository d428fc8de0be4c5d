"""JupyterHub's configuration for hoctap: log-in, spawner, proxy, data in HOCTAP_HOME/hub.

The demo runs every account as the system user that started the hub (the spawner does not change
user) and every page says so. A trainee's JupyterLab opens on their own workspace, where
nbgrader fetches and submits in their name; a trainer's on the course folder.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from pathlib import Path
from typing import Any

from jupyterhub.auth import Authenticator
from jupyterhub.spawner import SimpleLocalProcessSpawner
from traitlets import Bool, default

from hoctap.errors import HoctapError
from hoctap.grading.course import COURSE_ID
from hoctap.hub.accounts import (
    JUDGE,
    ROLE_NAMES,
    TRAINEE,
    TRAINER,
    check_password,
    load_accounts,
)
from hoctap.settings import Settings, project_root

HOST = "127.0.0.1"
JUDGES_GROUP = "hoctap-giamkhao"
GROUP_OF = {
    TRAINEE: f"nbgrader-{COURSE_ID}",
    TRAINER: f"formgrade-{COURSE_ID}",
    JUDGE: JUDGES_GROUP,
}
_KEEP_ENV = ("HOCTAP_HOME", "HOCTAP_DB_URL", "HOCTAP_GRADEBOOK_URL", "JUPYTER_CONFIG_PATH",
             "JUPYTER_PATH", "PATH", "LANG")  # fmt: skip
DEMO_NOTICE = (
    "Bản chạy thử trên một máy: mọi tài khoản chạy bằng cùng một người dùng hệ thống, nên chưa "
    "tách riêng dữ liệu từng người. Máy chủ của tỉnh dùng cấu hình trong deploy/."
)


def _settings() -> Settings:
    return Settings.from_env()


class HoctapAuthenticator(Authenticator):  # type: ignore[misc]
    """hoctap's accounts: the demo's (HOCTAP_HOME/hub/demo-accounts.json), then those kept in the
    database (``hoctap accounts``). Passwords are checked in constant time.

    The account's role decides its one group (``GROUP_OF``), which the hub sets at each log-in
    (``manage_groups``): a trainee taken off the roster, or made a trainer, is in the right group
    the next time they log in.
    """

    @default("manage_groups")
    def _groups_from_roles(self) -> bool:
        return True

    async def authenticate(self, handler: Any, data: dict[str, str]) -> dict[str, Any] | None:
        # scrypt and the database take a while: off the hub's event loop, which serves everyone.
        found = await asyncio.to_thread(
            _check_account, data.get("username", ""), data.get("password", "")
        )
        if found is None:
            return None
        return {"name": found[0], "groups": [GROUP_OF[found[1]]]}


def _check_account(name: str, password: str) -> tuple[str, str] | None:
    """(name, role) of the demo's or the database's account with this password."""
    from hoctap.hub.accounts import check_database_account
    from hoctap.people.units import open_province_database

    settings = _settings()
    account = check_password(load_accounts(settings), name, password)
    if account is not None:
        return account.name, account.role
    db = open_province_database(settings)
    try:
        return check_database_account(db, name, password)
    finally:
        db.close()


def role_of(group_names: list[str]) -> str:
    """The role an account's group gives (a trainee's when it has none)."""
    roles = {group: role for role, group in GROUP_OF.items()}
    return next((roles[g] for g in group_names if g in roles), TRAINEE)


class HoctapSpawner(SimpleLocalProcessSpawner):  # type: ignore[misc]
    """JupyterLab in Vietnamese; the folder it opens on depends on the account's role."""

    course_service = Bool(
        False, help="The course runs as the hub's service; trainers' servers do not open it."
    ).tag(config=True)

    @default("home_dir")
    def _home_for_role(self) -> str:
        from hoctap.grading.course import ensure_course_dir, trainee_dir

        settings = _settings()
        role = role_of([group.name for group in self.user.groups])
        if role == TRAINEE:
            return str(trainee_dir(settings, self.user.name))
        if role == TRAINER and not self.course_service:
            return str(ensure_course_dir(settings))
        # Behind the hub the course is a service of its own (nbgrader's set-up for several
        # trainers); a trainer's and a judge's own servers get a folder of their own.
        folder = settings.home / "hub" / "users" / self.user.name
        folder.mkdir(parents=True, exist_ok=True)
        return str(folder)


def service_token(settings: Settings, name: str) -> str:
    """An external service's token for the hub's API, kept in the data folder."""
    from hoctap.hub.serve import kept_token

    (settings.home / "hub").mkdir(parents=True, exist_ok=True)
    return kept_token(settings, f"hub/{name}-api-token")


def external_service(settings: Settings, name: str, port: int, title: str) -> dict[str, Any]:
    """A service the hub routes to and logs people into. ``hoctap hub`` runs it beside the hub
    (and starts it again if it stops), so a slow start does not hold the hub's start up."""
    return {
        "name": name,
        "display": True,
        "info": {"title": title},
        "url": f"http://{HOST}:{port}",
        "api_token": service_token(settings, name),
        "oauth_client_id": f"service-{name}",
        "oauth_no_confirm": True,
    }


def proxy_command() -> str:
    """configurable-http-proxy, installed by make from package.json (npm)."""
    root = project_root()
    candidates = [root / "node_modules" / ".bin" / "configurable-http-proxy"] if root else []
    found = shutil.which("configurable-http-proxy")
    if found:
        candidates.append(Path(found))
    for candidate in candidates:
        if candidate.is_file():
            return str(candidate)
    raise HoctapError(
        "Chưa cài configurable-http-proxy (phần chuyển tiếp của JupyterHub, cài từ npm).",
        "Chạy make run (tự cài), hoặc: npm ci trong thư mục mã nguồn.",
    )


def hub_roles() -> list[dict[str, Any]]:
    """The roles that give each group its pages (and trainers the course's service).

    nbgrader's names: ``nbgrader-<course>`` for trainees and ``formgrade-<course>`` for trainers
    (its JupyterHubAuthPlugin reads them); judges have a group of their own. The hub creates the
    groups from these roles; the authenticator puts each account in its group at log-in.
    """
    from hoctap.hub import pages

    access = f"access:services!service={pages.SERVICE}"
    roles: list[dict[str, Any]] = [
        {
            "name": f"hoctap-{role}",
            "description": f"Các trang của {ROLE_NAMES[role]}",
            "groups": [group],
            "scopes": [access, *pages.ROLE_SCOPES[role]],
        }
        for role, group in GROUP_OF.items()
    ]
    # Trainees take contests on the contest service (its pages need no kernel per taker).
    trainees = next(r for r in roles if r["groups"] == [GROUP_OF[TRAINEE]])
    trainees["scopes"].append(f"access:services!service={pages.CONTEST_SERVICE}")
    # Trainers reach the course service (its formgrader), as nbgrader's JupyterHub set-up
    # gives the formgrade-<course> group access to the course's service.
    trainers = next(r for r in roles if r["groups"] == [GROUP_OF[TRAINER]])
    trainers["scopes"].append(f"access:services!service={COURSE_ID}")
    # A trainee's server asks the hub which courses they are in (nbgrader's
    # JupyterHubAuthPlugin reads the user's own groups), so its token may read them.
    roles.append(
        {
            "name": "server",
            "scopes": ["users:activity!user", "access:servers!server", "read:users:groups!user"],
        }
    )
    return roles


def configure(c: Any, settings: Settings, port: int, pages_port: int | None = None) -> None:
    """Fill JupyterHub's config object ``c`` for this data folder.

    With ``pages_port``, Voilà's pages (started beside the hub on that port) are the hub's
    service ``hoctap-pages``, the course's formgrader is on the next port and the contest
    service ``hoctap-thi`` on the one after, all reached through the proxy and behind the
    hub's log-in.
    """
    from hoctap.hub import pages
    from hoctap.hub.serve import child_env

    folder = settings.home / "hub"
    folder.mkdir(parents=True, exist_ok=True)
    c.JupyterHub.ip = HOST
    c.JupyterHub.port = port
    c.JupyterHub.hub_ip = HOST
    # The hub itself on port + 2, behind the proxy.
    c.JupyterHub.hub_port = port + 2
    c.JupyterHub.db_url = f"sqlite:///{folder / 'jupyterhub.sqlite'}"
    c.JupyterHub.cookie_secret_file = str(folder / "jupyterhub_cookie_secret")
    c.JupyterHub.pid_file = str(folder / "jupyterhub.pid")
    c.ConfigurableHTTPProxy.command = [proxy_command()]
    # The proxy's API on port + 1 (JupyterHub's default, 8001, would clash between two hubs).
    c.ConfigurableHTTPProxy.api_url = f"http://{HOST}:{port + 1}"
    c.ConfigurableHTTPProxy.pid_file = str(folder / "proxy.pid")
    c.JupyterHub.authenticator_class = HoctapAuthenticator
    c.Authenticator.allow_all = True  # only the accounts file's names can log in at all
    c.JupyterHub.spawner_class = HoctapSpawner
    c.JupyterHub.template_vars = {"announcement": DEMO_NOTICE}
    c.JupyterHub.load_roles = hub_roles()
    c.JupyterHub.custom_scopes = {
        scope: {"description": text} for scope, text in pages.SCOPES.items()
    }
    if pages_port is not None:
        course = external_service(settings, COURSE_ID, pages_port + 1, "Khoá học: trình chấm bài")
        voila = external_service(settings, pages.SERVICE, pages_port, "Các trang hoctap")
        voila["oauth_client_allowed_scopes"] = list(pages.SCOPES)
        contest = external_service(
            settings, pages.CONTEST_SERVICE, pages_port + 2, "Thi tìm hiểu (trang thi)"
        )
        c.JupyterHub.services = [course, voila, contest]
    c.Spawner.cmd = [str(Path(sys.executable).parent / "jupyterhub-singleuser")]
    c.Spawner.default_url = "/lab"
    c.Spawner.http_timeout = 120
    c.Spawner.start_timeout = 180
    if os.geteuid() == 0:
        c.Spawner.args = ["--allow-root"]  # the demo on a root CI machine; deploy/ does not
    env = child_env(settings)
    c.Spawner.environment = {key: env[key] for key in _KEEP_ENV if key in env}
    c.HoctapSpawner.course_service = pages_port is not None
