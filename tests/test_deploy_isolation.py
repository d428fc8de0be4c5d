"""The province configuration (deploy/jupyterhub_config.py) for real: each person is a system user.

Slow, and needs root (as CI runs): it creates the service account `hoctap` and two trainees'
system accounts, lays out the data folder with deploy/data-folder.sh, starts JupyterHub as root
with the province's configuration (SQLite for the hub's own database instead of PostgreSQL, no
nginx) and has two trainees log in and start their JupyterLab. Then it checks, as the operating
system sees it, that neither can reach the other's files nor the data folder beyond nbgrader's
exchange, and that the hub keeps one trainee out of the other's server. Every account and folder
it made is removed at the end.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
import requests

from hoctap.db import open_database
from hoctap.demo import seed_demo
from hoctap.hub.accounts import Issued, issue_trainee_accounts
from hoctap.settings import Settings

from .support.servers import free_ports, require

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
SERVICE_USER = "hoctap"


def exists(user: str) -> bool:
    try:
        pwd.getpwnam(user)
    except KeyError:
        return False
    return True


def as_user(user: str, *argv: str) -> int:
    """The exit status of a command run as ``user`` (root's runuser, no shell)."""
    done = subprocess.run(["runuser", "-u", user, "--", *argv], capture_output=True)
    return done.returncode


def everyones_python(folder: Path) -> Path:
    """A Python every account may run, with the checkout's packages.

    The province installs hoctap with Debian's Python (docs/deploy.*.md). A checkout's venv may
    come from an interpreter under /root (pyenv), which other accounts cannot run: this venv of
    Debian's python3 reads the checkout's site-packages instead.
    """
    system = Path("/usr/bin/python3")
    require(system.is_file(), "Debian's python3")
    venv = folder / "python"
    subprocess.run([str(system), "-m", "venv", "--without-pip", str(venv)], check=True)
    version = subprocess.run(
        [str(system), "-c", "import sys; print(f'{sys.version_info[0]}.{sys.version_info[1]}')"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    require(version == f"{sys.version_info[0]}.{sys.version_info[1]}", f"Debian's Python {version}")
    ours = next(p for p in sys.path if p.endswith("site-packages") and Path(p).is_dir())
    (venv / "lib" / f"python{version}" / "site-packages" / "checkout.pth").write_text(
        f"import site; site.addsitedir({ours!r})\n", encoding="utf-8"
    )
    for shared in ("share", "etc"):  # JupyterLab's files, the server extensions' settings
        (venv / shared).symlink_to(Path(sys.prefix) / shared)
    folder.chmod(0o755)
    return venv / "bin" / "python"


@pytest.fixture
def service_account() -> Iterator[str]:
    require(os.geteuid() == 0, "root, to create system users (CI runs as root)")
    require(shutil.which("useradd") is not None, "useradd (Debian's passwd package)")
    made = not exists(SERVICE_USER)
    if made:
        subprocess.run(
            ["useradd", "--system", "--user-group", "--no-create-home",
             "--shell", "/usr/sbin/nologin", SERVICE_USER],
            check=True,
        )  # fmt: skip
    try:
        yield SERVICE_USER
    finally:
        if made:
            subprocess.run(["userdel", SERVICE_USER], check=False)


def test_each_trainee_is_a_system_user_who_reaches_nothing_of_anyone_else(
    service_account: str,
) -> None:
    run_dir = Path(tempfile.mkdtemp(prefix="hoctap-deploy-"))  # root's alone: the hub's files
    home = Path(tempfile.mkdtemp(prefix="hoctap-data-", dir="/tmp"))  # the data folder
    settings = Settings.from_env({"HOCTAP_HOME": str(home)})
    db = open_database(settings)
    seed_demo(db, people=6)
    issued: list[Issued] = issue_trainee_accounts(db)[:2]
    db.close()
    first, second = issued
    assert not exists(first.name) and not exists(second.name)
    started = time.monotonic()
    subprocess.run(["chown", "-R", f"{service_account}:", str(home)], check=True)
    subprocess.run(["sh", str(REPO / "deploy" / "data-folder.sh"), str(home)], check=True)

    python_dir = Path(tempfile.mkdtemp(prefix="hoctap-python-"))
    python = everyones_python(python_dir)
    token = secrets.token_hex(16)
    wrapper = run_dir / "jupyterhub_config.py"
    wrapper.write_text(
        f"load_subconfig({str(REPO / 'deploy' / 'jupyterhub_config.py')!r})  # noqa: F821\n"
        "c = get_config()  # noqa: F821\n"
        "c.JupyterHub.services = list(c.JupyterHub.services) + "
        f"[{{'name': 'isolation-test', 'api_token': {token!r}}}]\n"
        "c.JupyterHub.load_roles = list(c.JupyterHub.load_roles) + [{'name': 'isolation-test', "
        "'services': ['isolation-test'], 'scopes': ['read:users', 'read:servers']}]\n"
        f"c.Spawner.cmd = [{str(python)!r}, '-m', 'jupyterhub.singleuser']\n",
        encoding="utf-8",
    )
    port = free_ports(5)
    base = f"http://127.0.0.1:{port}"
    env = dict(
        os.environ,
        HOCTAP_HOME=str(home),
        HOCTAP_USER=service_account,
        HOCTAP_HUB_PORT=str(port),
        HOCTAP_HUB_DB_URL=f"sqlite:///{run_dir / 'jupyterhub.sqlite'}",
        HOCTAP_PUBLIC_URL=f"{base}/",
        PATH=f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}",
    )
    env.pop("HOCTAP_DB_URL", None)
    env.pop("HOCTAP_GRADEBOOK_URL", None)
    log = (run_dir / "jupyterhub.log").open("wb")
    hub = subprocess.Popen(
        [sys.executable, "-m", "jupyterhub", "-f", str(wrapper)],
        cwd=run_dir,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    api = {"Authorization": f"token {token}"}
    try:
        deadline = time.monotonic() + 180
        while True:
            assert hub.poll() is None, (run_dir / "jupyterhub.log").read_text()[-3000:]
            try:
                if requests.get(f"{base}/hub/api", timeout=5).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, (run_dir / "jupyterhub.log").read_text()[-3000:]
            time.sleep(0.5)

        sessions = {}
        for account in (first, second):
            session = requests.Session()
            session.get(f"{base}/hub/login", timeout=30)
            form = {"username": account.name, "password": account.password}
            form["_xsrf"] = session.cookies.get("_xsrf") or ""
            answer = session.post(f"{base}/hub/login", data=form, timeout=300)
            assert answer.ok, (run_dir / "jupyterhub.log").read_text()[-4000:]
            sessions[account.name] = session
        for account in (first, second):
            deadline = time.monotonic() + 240
            while True:
                model = requests.get(
                    f"{base}/hub/api/users/{account.name}", headers=api, timeout=30
                ).json()
                server = model.get("servers", {}).get("")
                if server and server.get("ready"):
                    break
                assert time.monotonic() < deadline, (run_dir / "jupyterhub.log").read_text()[-3000:]
                time.sleep(1)
            assert model["groups"] == ["nbgrader-hoctap"]
        print(f"two trainees' JupyterLabs ready after {time.monotonic() - started:.0f} s")

        for me, other in ((first.name, second.name), (second.name, first.name)):
            account = pwd.getpwnam(me)
            assert account.pw_gecos.split(",")[0] == "hoctap"  # made by the province's hook
            own_home = Path(account.pw_dir)
            assert own_home.stat().st_uid == account.pw_uid
            assert own_home.stat().st_mode & 0o777 == 0o700
            # Their JupyterLab runs as them, without the database's address.
            servers = [
                p
                for p in psutil.process_iter(["username", "cmdline"])
                if "jupyterhub.singleuser" in " ".join(p.info["cmdline"] or [])
                and p.info["username"] == me
            ]
            assert len(servers) == 1
            environ = Path(f"/proc/{servers[0].pid}/environ").read_bytes()
            assert b"HOCTAP_DB_URL" not in environ and b"HOCTAP_HOME" in environ
            # The operating system keeps them out of each other's home and the data folder.
            assert as_user(me, "ls", pwd.getpwnam(other).pw_dir) != 0
            assert as_user(me, "ls", str(home)) != 0
            assert as_user(me, "cat", str(home / "hoctap.db")) != 0
            assert as_user(me, "ls", str(home / "course")) != 0
            assert as_user(me, "ls", str(home / "hub")) != 0
            # ... but let them reach nbgrader's exchange: released modules, and a place to submit.
            assert as_user(me, "ls", str(home / "exchange" / "hoctap" / "outbound")) == 0
            assert as_user(me, "test", "-w", str(home / "exchange" / "hoctap" / "inbound")) == 0
            assert as_user(me, "ls", str(home / "exchange" / "hoctap" / "inbound")) != 0
            # The hub lets nobody into another's JupyterLab.
            theirs = sessions[me].get(f"{base}/user/{other}/lab", timeout=60)
            assert theirs.status_code in (403, 404), theirs.status_code  # the hub hides it
            assert "jupyter-config-data" not in theirs.text
            mine = sessions[me].get(f"{base}/user/{me}/lab", timeout=60)
            assert mine.status_code == 200 and mine.url.startswith(f"{base}/user/{me}/lab")
    finally:
        if hub.poll() is None:
            hub.send_signal(signal.SIGTERM)  # the hub stops the servers it started
            try:
                hub.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(hub.pid, signal.SIGKILL)
                hub.wait()
        log.close()
        for account in issued:
            if exists(account.name):
                subprocess.run(["pkill", "-KILL", "-u", account.name], check=False)
                subprocess.run(["userdel", "--remove", account.name], check=False)
        shutil.rmtree(home, ignore_errors=True)
        shutil.rmtree(run_dir, ignore_errors=True)
        shutil.rmtree(python_dir, ignore_errors=True)
