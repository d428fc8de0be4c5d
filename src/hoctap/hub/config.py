"""JupyterHub's configuration for hoctap: log-in, spawner, proxy, data in HOCTAP_HOME/hub.

The demo runs every account as the system user that started the hub (the spawner does not change
user) and every page says so. A trainee's JupyterLab opens on their own workspace, where
nbgrader fetches and submits in their name; a trainer's on the course folder.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Any

from jupyterhub.auth import Authenticator
from jupyterhub.spawner import SimpleLocalProcessSpawner
from traitlets import default

from hoctap.errors import HoctapError
from hoctap.hub.accounts import TRAINEE, TRAINER, check_password, load_accounts
from hoctap.settings import Settings, project_root

HOST = "127.0.0.1"
DEMO_NOTICE = (
    "Bản chạy thử trên một máy: mọi tài khoản chạy bằng cùng một người dùng hệ thống, nên chưa "
    "tách riêng dữ liệu từng người. Máy chủ của tỉnh dùng cấu hình trong deploy/."
)


def _settings() -> Settings:
    return Settings.from_env()


class HoctapAuthenticator(Authenticator):  # type: ignore[misc]
    """The demo's accounts (HOCTAP_HOME/hub/demo-accounts.json), checked in constant time."""

    async def authenticate(self, handler: Any, data: dict[str, str]) -> str | None:
        account = check_password(
            load_accounts(_settings()), data.get("username", ""), data.get("password", "")
        )
        return account.name if account else None


class HoctapSpawner(SimpleLocalProcessSpawner):  # type: ignore[misc]
    """JupyterLab in Vietnamese; the folder it opens on depends on the account's role."""

    @default("home_dir")
    def _home_for_role(self) -> str:
        from hoctap.course import ensure_course_dir, trainee_dir

        settings = _settings()
        account = load_accounts(settings).get(self.user.name)
        role = account.role if account else TRAINEE
        if role == TRAINEE:
            return str(trainee_dir(settings, self.user.name))
        if role == TRAINER:
            return str(ensure_course_dir(settings))
        folder = settings.home / "hub" / "users" / self.user.name
        folder.mkdir(parents=True, exist_ok=True)
        return str(folder)


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


def configure(c: Any, settings: Settings, port: int) -> None:
    """Fill JupyterHub's config object ``c`` for this data folder."""
    from hoctap.serve import child_env

    folder = settings.home / "hub"
    folder.mkdir(parents=True, exist_ok=True)
    c.JupyterHub.ip = HOST
    c.JupyterHub.port = port
    c.JupyterHub.hub_ip = HOST
    # The proxy's API listens on port + 1 (JupyterHub's default); the hub itself on port + 2.
    c.JupyterHub.hub_port = port + 2
    c.JupyterHub.db_url = f"sqlite:///{folder / 'jupyterhub.sqlite'}"
    c.JupyterHub.cookie_secret_file = str(folder / "jupyterhub_cookie_secret")
    c.JupyterHub.pid_file = str(folder / "jupyterhub.pid")
    c.ConfigurableHTTPProxy.command = [proxy_command()]
    c.ConfigurableHTTPProxy.pid_file = str(folder / "proxy.pid")
    c.JupyterHub.authenticator_class = HoctapAuthenticator
    c.Authenticator.allow_all = True  # only the accounts file's names can log in at all
    c.JupyterHub.spawner_class = HoctapSpawner
    c.JupyterHub.template_vars = {"announcement": DEMO_NOTICE}
    c.Spawner.cmd = [str(Path(sys.executable).parent / "jupyterhub-singleuser")]
    c.Spawner.default_url = "/lab"
    c.Spawner.http_timeout = 120
    c.Spawner.start_timeout = 180
    if os.geteuid() == 0:
        c.Spawner.args = ["--allow-root"]  # the demo on a root CI machine; deploy/ does not
    env = child_env(settings)
    keep = ("HOCTAP_HOME", "HOCTAP_DB_URL", "HOCTAP_GRADEBOOK_URL", "JUPYTER_CONFIG_PATH",
            "JUPYTER_PATH", "PATH", "LANG")  # fmt: skip
    c.Spawner.environment = {key: env[key] for key in keep if key in env}
