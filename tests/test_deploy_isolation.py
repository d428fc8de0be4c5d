"""The province configuration (deploy/jupyterhub_config.py) for real: each person is a system user.

Slow, and needs root (as CI runs): it creates the service account `hoctap` and two trainees'
system accounts, lays out the data folder with deploy/data-folder.sh, starts JupyterHub as root
with the province's configuration (SQLite for the hub's own database instead of PostgreSQL, no
nginx) and has two trainees log in and start their JupyterLab. Then it checks, as the operating
system sees it, that neither can reach the other's files nor the data folder beyond nbgrader's
exchange, and that the hub keeps one trainee out of the other's server. Every account and folder
it made is removed at the end, pass or fail.

The checkout may be in a folder only root can open (a clone under /root, as CI's): the hub, the
service account and the trainees run hoctap from a copy every account can read, laid out as a
province server's /opt/hoctap (``everyones_install``).
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil
import pytest
import requests

from hoctap.demo.people import seed_demo
from hoctap.hub.accounts import Issued, issue_trainee_accounts
from hoctap.people.units import open_province_database
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
    """The exit status of a command run as ``user`` (root's runuser, no shell).

    A refusal must come from the command itself (``ls``: 2, ``test``/``cat``: 1), never from a
    command or account that could not be run at all (126, 127), which would pass as "refused".
    """
    done = subprocess.run(["runuser", "-u", user, "--", *argv], capture_output=True)
    assert done.returncode not in (125, 126, 127), done.stderr.decode(errors="replace")
    return done.returncode


def readable_copy(source: Path, target: Path) -> None:
    """``source`` again at ``target``, every folder and file of it readable by every account.

    Files are hard links when they already are readable by all and on the same filesystem (a
    venv's 37 000 files in two or three seconds), copies otherwise. A hard link shares the file's
    contents and mode with the checkout's: nothing here writes through one.
    """
    for top, folders, files in os.walk(source):
        here = target / Path(top).relative_to(source)
        here.mkdir(mode=0o755)
        here.chmod(0o755)  # whatever the umask
        for name in files + [f for f in folders if (Path(top) / f).is_symlink()]:
            origin, copy = Path(top) / name, here / name
            info = origin.lstat()
            if stat.S_ISLNK(info.st_mode):
                copy.symlink_to(os.readlink(origin))
                continue
            if info.st_mode & 0o004:
                try:
                    os.link(origin, copy)
                    continue
                except OSError:  # another filesystem
                    pass
            shutil.copy2(origin, copy)
            executable = 0o111 if info.st_mode & 0o100 else 0
            copy.chmod(stat.S_IMODE(info.st_mode) | 0o444 | executable)


# The checkout's parts hoctap finds through project_root() (hoctap.settings), which looks for
# pyproject.toml two folders above the package. This test's run reads src/ and node_modules/
# (JupyterHub's proxy) besides; grading/, courses/, quizzes/ and voila_apps/ are what the course's
# grader and the pages read on a province server, copied so that project_root() finds the same
# checkout there as in /opt/hoctap.
CHECKOUT_PARTS = ("pyproject.toml", "src", "grading", "courses", "quizzes", "voila_apps",
                  "node_modules")  # fmt: skip


def _is(line: str, folder: Path) -> bool:
    """Whether a line of a .pth file names ``folder`` (an ``import`` line names nothing)."""
    line = line.strip()
    return bool(line) and not line.startswith(("#", "import")) and Path(line).resolve() == folder


def everyones_install(folder: Path) -> Path:
    """hoctap as the province installs it, in ``folder``, which every account can read.

    A province server has the checkout in /opt/hoctap, readable by all, with hoctap installed
    (editable) in its venv of Debian's Python (docs/deploy.*.md): the service account and each
    person's JupyterLab run that Python and read hoctap's code, the venv's libraries and
    JupyterLab's files. This checkout may sit in a folder only root opens (a clone under /root,
    as CI's is), and its venv may come from an interpreter under /root (pyenv), which other
    accounts cannot run either. So the test lays out the same in ``folder``: the parts of the
    checkout hoctap reads, and a venv of Debian's python3 holding a copy of this venv's
    site-packages, share/ and etc/ whose editable install points to the copied src/. Returns
    that venv's python.
    """
    system = Path("/usr/bin/python3")  # the test checked it is there, of this venv's version
    version = f"{sys.version_info[0]}.{sys.version_info[1]}"
    code = folder / "hoctap"
    old_umask = os.umask(0o022)
    try:
        code.mkdir(mode=0o755)
        for part in CHECKOUT_PARTS:
            if (REPO / part).is_dir():
                readable_copy(REPO / part, code / part)
            elif (REPO / part).is_file():
                shutil.copy2(REPO / part, code / part)
                (code / part).chmod(0o644)
        venv = code / ".venv"
        subprocess.run([str(system), "-m", "venv", "--without-pip", str(venv)], check=True)
        site = venv / "lib" / f"python{version}" / "site-packages"
        site.rmdir()  # empty: replaced by the copy of this venv's
        ours = next(p for p in sys.path if p.endswith("site-packages") and Path(p).is_dir())
        readable_copy(Path(ours), site)
        # The editable install's pointer (make's `pip install -e .`): to the copied src/. It is a
        # hard link to the checkout's own file, so it is replaced, not written through.
        pointers = 0
        for pth in site.glob("*.pth"):
            lines = pth.read_text(encoding="utf-8").splitlines()
            moved = [str(code / "src") if _is(line, REPO / "src") else line for line in lines]
            if moved != lines:
                pth.unlink()
                pth.write_text("\n".join(moved) + "\n", encoding="utf-8")
                pointers += 1
        assert pointers == 1, f"no editable install of {REPO / 'src'} in {ours} (make install)"
        for shared in ("share", "etc"):  # JupyterLab's files, the server extensions' settings
            readable_copy(Path(sys.prefix) / shared, venv / shared)
    finally:
        os.umask(old_umask)
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


@pytest.fixture
def scratch() -> Iterator[Callable[[str], Path]]:
    """Makes folders in /tmp (root's alone until chmod), all removed at the end, pass or fail.

    In /tmp whatever TMPDIR says: the other accounts must be able to pass through to them.
    """
    made: list[Path] = []

    def make(prefix: str) -> Path:
        made.append(Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp")))
        return made[-1]

    try:
        yield make
    finally:
        for folder in made:
            shutil.rmtree(folder, ignore_errors=True)


def test_each_trainee_is_a_system_user_who_reaches_nothing_of_anyone_else(
    service_account: str, scratch: Callable[[str], Path]
) -> None:
    require(Path("/usr/bin/python3").is_file(), "Debian's python3")
    version = "import sys; print('%d.%d' % sys.version_info[:2])"
    debian = subprocess.run(
        ["/usr/bin/python3", "-c", version], capture_output=True, text=True, check=True
    ).stdout.strip()
    ours = f"{sys.version_info[0]}.{sys.version_info[1]}"
    require(debian == ours, f"Python {ours} as /usr/bin/python3 (this venv's; found {debian})")
    proxy = REPO / "node_modules" / ".bin" / "configurable-http-proxy"
    require(
        proxy.is_file() or shutil.which("configurable-http-proxy") is not None,
        "JupyterHub's proxy (node_modules/.bin/configurable-http-proxy, from npm)",
    )
    run_dir = scratch("hoctap-deploy-")  # root's alone: the hub's files
    home = scratch("hoctap-data-")  # the data folder
    settings = Settings.from_env({"HOCTAP_HOME": str(home)})
    db = open_province_database(settings)
    seed_demo(db, people=6)
    issued: list[Issued] = issue_trainee_accounts(db)[:2]
    db.close()
    first, second = issued
    assert not exists(first.name) and not exists(second.name)
    started = time.monotonic()
    subprocess.run(["chown", "-R", f"{service_account}:", str(home)], check=True)
    subprocess.run(["sh", str(REPO / "deploy" / "data-folder.sh"), str(home)], check=True)

    install = scratch("hoctap-install-")
    python = everyones_install(install)
    print(f"hoctap installed for every account after {time.monotonic() - started:.0f} s")
    # What the service account imports in the hub (configure() runs with its uid) and what a
    # trainee's JupyterLab imports, read without root's rights.
    imported = subprocess.run(
        ["runuser", "-u", service_account, "--", str(python), "-c",
         "import hoctap.hub.pages, jupyterhub.singleuser, nbgrader.server_extensions.formgrader; "
         "from hoctap.settings import project_root; print(project_root())"],
        capture_output=True, text=True, cwd="/",
    )  # fmt: skip
    assert imported.returncode == 0, imported.stderr[-3000:]
    assert imported.stdout.strip() == str(install / "hoctap"), imported.stdout
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
        PATH=f"{python.parent}:{os.environ.get('PATH', '')}",
    )
    env.pop("HOCTAP_DB_URL", None)
    env.pop("HOCTAP_GRADEBOOK_URL", None)
    log = (run_dir / "jupyterhub.log").open("wb")
    # The hub runs the copy too: configure() imports hoctap's modules with the service account's
    # uid (deploy/jupyterhub_config.py), and the trainees' settings point into hoctap's package.
    hub = subprocess.Popen(
        [str(python), "-m", "jupyterhub", "-f", str(wrapper)],
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
