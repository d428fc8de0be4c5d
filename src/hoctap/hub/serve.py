"""Run the single-machine platform: JupyterLab (Vietnamese UI, nbgrader on) and Voilà, on 127.0.0.1.

Both run as child processes in their own process groups, so Ctrl-C reaches only this supervisor,
which then stops both in order and waits for them. Their logs go to HOCTAP_HOME/logs.
"""

from __future__ import annotations

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import IO

from hoctap.errors import HoctapError
from hoctap.grading.course import ensure_course_dir, trainee_dir
from hoctap.settings import Settings, project_root

HOST = "127.0.0.1"
DEFAULT_LAB_PORT = 8888
DEFAULT_VOILA_PORT = 8866
STOP_TIMEOUT = 15.0
VOILA_CULL_IDLE_SECONDS = 900
RESTARTS = 5
"""How many times the supervisor starts a crashed server again before it gives up."""


@dataclass
class Service:
    """One child server: how to start it and where it answers when it is ready."""

    name: str
    argv: list[str]
    cwd: Path
    ready_url: str
    show_url: str
    log_path: Path
    extra_env: dict[str, str] = field(default_factory=dict)
    ready_below: int = 500
    """Ready when ready_url answers with a status below this (a 404 may mean "not yet")."""
    on_restart: Callable[[], None] | None = field(default=None, repr=False)
    """Called after a crashed service is stopped and before it starts again."""
    process: subprocess.Popen[bytes] | None = None
    log: IO[bytes] | None = field(default=None, repr=False)

    def start(self, env: dict[str, str]) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.argv,
            cwd=self.cwd,
            env={**env, **self.extra_env},
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C in the terminal must not reach it directly
        )

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        """SIGTERM to the whole process group (even if its leader is gone), SIGKILL if it hangs."""
        if self.process is None:
            return
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                break  # nothing left in the group
            try:
                self.process.wait(timeout=STOP_TIMEOUT)
                break
            except subprocess.TimeoutExpired:
                continue
        if self.log is not None:
            self.log.close()

    def log_tail(self, lines: int = 15) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


def apps_dir() -> Path:
    """The Voilà notebooks: voila_apps/ of the checkout, or the copy inside the package."""
    root = project_root()
    if root is not None and (root / "voila_apps").is_dir():
        return root / "voila_apps"
    return Path(str(resources.files("hoctap").joinpath("voila_apps")))


def jupyter_config_dir() -> Path:
    """hoctap's Jupyter defaults (Vietnamese UI) shipped inside the package."""
    return Path(str(resources.files("hoctap").joinpath("jupyter_config")))


def jupyter_data_dir() -> Path:
    """hoctap's Jupyter data (its Voilà template) shipped inside the package."""
    return Path(str(resources.files("hoctap").joinpath("jupyter_data")))


def lab_token(settings: Settings) -> str:
    """The JupyterLab log-in token of this data folder, created once and kept."""
    return kept_token(settings, "lab-token")


def kept_token(settings: Settings, name: str) -> str:
    """A token kept in the data folder's file ``name`` (readable by its owner only), made once.

    Several processes may ask at once on a new data folder (two contest workers starting
    together): the file is created exclusively, so all of them end up with the same token.
    """
    path = settings.home / name
    for _ in range(50):
        try:
            token = path.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            token = ""
        if token:
            return token
        candidate = secrets.token_urlsafe(18)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            time.sleep(0.05)  # another process is writing it: read what it wrote
            continue
        with os.fdopen(descriptor, "w", encoding="utf-8") as kept:
            kept.write(candidate + "\n")
        return candidate
    raise HoctapError(f"Tệp {path} trống.", "Xoá tệp đó rồi chạy lại.")


def port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError:
            return False
    return True


def child_env(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        HOCTAP_HOME=str(settings.home),
        HOCTAP_DB_URL=settings.db_url,
        HOCTAP_GRADEBOOK_URL=settings.gradebook_url,
    )
    # Our labconfig (default locale vi_VN) comes before the user's own configuration.
    paths = [
        str(jupyter_config_dir()),
        *filter(None, env.get("JUPYTER_CONFIG_PATH", "").split(":")),
    ]
    env["JUPYTER_CONFIG_PATH"] = ":".join(paths)
    # Our Voilà template (jupyter_data/voila/templates/hoctap), found on JUPYTER_PATH.
    data = [str(jupyter_data_dir()), *filter(None, env.get("JUPYTER_PATH", "").split(":"))]
    env["JUPYTER_PATH"] = ":".join(data)
    # nbgrader shells out to alembic: the interpreter's bin/ must be on PATH.
    env["PATH"] = f"{Path(sys.executable).parent}:{env.get('PATH', '')}"
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def lab_service(settings: Settings, port: int, token: str, trainee: str | None = None) -> Service:
    # A trainer's lab opens on the course folder; a trainee's on their own workspace, whose
    # nbgrader_config.py makes the assignment list fetch and submit as that trainee.
    course = trainee_dir(settings, trainee) if trainee else ensure_course_dir(settings)
    argv = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        f"--ServerApp.ip={HOST}",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={course}",
        f"--IdentityProvider.token={token}",
    ]
    if os.geteuid() == 0:
        argv.append("--allow-root")  # CI and containers run as root; JupyterLab refuses otherwise
    base = f"http://{HOST}:{port}"
    return Service(
        "JupyterLab",
        argv,
        course,
        f"{base}/api",
        f"{base}/lab?token={token}",
        settings.home / "logs" / "jupyterlab.log",
    )


def voila_service(settings: Settings, port: int, token: str | None = None) -> Service:
    # jupyter_config/voila.json (on JUPYTER_CONFIG_PATH) preheats kernels: Voilà runs the
    # judges' leaderboard, read-only and heavy to compute, ahead of time in two kernels kept
    # ready. The other pages are light, so they start a
    # kernel when asked (a pool of 0).
    apps = apps_dir()
    argv = [
        sys.executable,
        "-m",
        "voila",
        str(apps),
        "--no-browser",
        f"--Voila.ip={HOST}",
        f"--Voila.port={port}",
        "--Voila.port_retries=0",
        "--VoilaConfiguration.show_tracebacks=False",
        f"--MappingKernelManager.cull_idle_timeout={VOILA_CULL_IDLE_SECONDS}",
        "--MappingKernelManager.cull_interval=60",
    ]
    if token:
        argv.append(f"--Voila.token={token}")
    base = f"http://{HOST}:{port}"
    from hoctap.db import POOL_ENV

    return Service(
        "Voilà",
        argv,
        apps,
        f"{base}/",
        f"{base}/voila/render/overview.ipynb" + (f"?token={token}" if token else ""),
        settings.home / "logs" / "voila.log",
        extra_env={POOL_ENV: "none"},  # its kernels: one per person, no idle connections
    )


DEFAULT_WEB_PORT = 8870


def web_service(settings: Settings, port: int, base_url: str = "/", hub: bool = False) -> Service:
    """The contest service (``hoctap web``): contest pages with no kernel per taker, the public
    ranking and certificate verification."""
    argv = [sys.executable, "-m", "hoctap", "web", "--port", str(port), "--base-url", base_url]
    if hub:
        argv.append("--hub")
    base = f"http://{HOST}:{port}{base_url}"
    return Service(
        "Trang thi",
        argv,
        settings.home,
        f"{base}suc-khoe",
        base,
        settings.home / "logs" / "web.log",
    )


def _answers(url: str, below: int = 500) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status < below)
    except urllib.error.HTTPError as exc:
        return exc.code < below
    except OSError:
        return False


def run(
    settings: Settings,
    services: Sequence[Service],
    say: Callable[[str], None] = print,
    ready_timeout: float = 180.0,
    on_ready: Callable[[], None] | None = None,
    restarts: int = 0,
) -> int:
    """Start the services, wait until each answers, then supervise until a signal or a crash.

    A service that stops by itself is started again, up to ``restarts`` times each; one more
    crash stops them all (status 1).

    Signals only set a flag, which the loops check: raising from a handler could interrupt a
    child's start half-way and leave it running unsupervised.
    """
    signals: list[int] = []

    def on_signal(signum: int, _frame: object) -> None:
        signals.append(signum)

    # SIGHUP: the terminal was closed. The children are in their own sessions and would not
    # hear it, so the supervisor must stop them.
    handled = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    previous = {sig: signal.signal(sig, on_signal) for sig in handled}
    env = child_env(settings)
    status = 0
    try:
        for service in services:
            if not signals:
                service.start(env)
        deadline = time.monotonic() + ready_timeout
        pending = list(services)
        while pending and not signals:
            for service in list(pending):
                if not service.running():
                    raise HoctapError(
                        f"{service.name} dừng ngay khi khởi động. Nhật ký ({service.log_path}):\n"
                        + service.log_tail(),
                        "Xem nhật ký ở trên; nếu cổng bận, chọn cổng khác.",
                    )
                if _answers(service.ready_url, service.ready_below):
                    pending.remove(service)
            if time.monotonic() > deadline:
                names = ", ".join(s.name for s in pending)
                raise HoctapError(
                    f"{names} không trả lời sau {ready_timeout:.0f} giây.",
                    "Xem nhật ký trong thư mục logs của HOCTAP_HOME.",
                )
            time.sleep(0.3)
        if on_ready is not None and not signals:
            on_ready()
        restarted = {service.name: 0 for service in services}
        recovering: list[Service] = []
        while not signals and status == 0:
            for service in [s for s in services if not s.running()]:
                say(f"{service.name} đã dừng bất thường. Nhật ký: {service.log_path}")
                say(service.log_tail())
                if restarted[service.name] >= restarts:
                    status = 1
                    break
                restarted[service.name] += 1
                say(f"Đang khởi động lại {service.name} (lần {restarted[service.name]}/"
                    f"{restarts}); ai đang dùng thì tải lại trang khi nó chạy lại.")  # fmt: skip
                service.stop()  # what is left of its process group, and its log
                if service.on_restart is not None:
                    service.on_restart()
                service.start(env)
                recovering.append(service)
            for service in list(recovering):
                if service.running() and _answers(service.ready_url, service.ready_below):
                    say(f"{service.name} đã chạy lại.")
                    recovering.remove(service)
            time.sleep(0.5)
    finally:
        # Later services may depend on earlier ones: stop in reverse order.
        for service in reversed(services):
            service.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    stopped = [s.name for s in services]
    say(
        "Đã dừng "
        + (", ".join(stopped[:-1]) + " và " if len(stopped) > 1 else "")
        + stopped[-1]
        + "."
    )
    return status


def serve(
    settings: Settings,
    lab_port: int = DEFAULT_LAB_PORT,
    voila_port: int = DEFAULT_VOILA_PORT,
    lab: bool = True,
    voila: bool = True,
    say: Callable[[str], None] = print,
    trainee: str | None = None,
    voila_token: str | None = None,
    web_port: int | None = DEFAULT_WEB_PORT,
) -> int:
    """Start JupyterLab and/or Voilà for this data folder; returns the exit status.

    With ``trainee``, JupyterLab is that trainee's workspace (single-machine mode): modules are
    fetched into it and submitted in their name. With ``voila_token``, Voilà's pages ask for it
    (``?token=`` once, then a cookie); without, anyone who can reach 127.0.0.1 sees them.
    """
    if voila_token is not None and not re.fullmatch(r"[A-Za-z0-9._~-]{8,}", voila_token):
        raise HoctapError(
            "Mã (--token) cần ít nhất 8 ký tự, chỉ gồm chữ không dấu, số và . _ ~ -.",
            "Ví dụ: --token " + secrets.token_urlsafe(12),
        )
    if not (lab or voila):
        raise HoctapError("Không có gì để chạy.", "Bỏ bớt một trong --no-lab, --no-voila.")
    wanted = [
        (lab, lab_port, "--lab-port"),
        (voila, voila_port, "--voila-port"),
        (web_port is not None, web_port or 0, "--web-port"),
    ]
    for enabled, port, option in wanted:
        if enabled and not port_free(port):
            raise HoctapError(
                f"Cổng {port} trên {HOST} đang bận.",
                f"Dừng chương trình đang dùng cổng đó, hoặc chọn cổng khác với {option}.",
            )
    ports = [port for enabled, port, _ in wanted if enabled]
    if len(set(ports)) != len(ports):
        raise HoctapError(
            "JupyterLab, Voilà và trang thi không dùng chung một cổng.",
            "Chọn các cổng khác nhau với --lab-port, --voila-port và --web-port.",
        )
    token = lab_token(settings)
    services: list[Service] = []
    if lab:
        services.append(lab_service(settings, lab_port, token, trainee))
    if voila:
        services.append(voila_service(settings, voila_port, voila_token))
    if web_port is not None:
        services.append(web_service(settings, web_port))

    def ready() -> None:
        say("")
        say("hoctap đang chạy (chỉ trên máy này, 127.0.0.1):")
        for service in services:
            say(f"  {service.name:<11} {service.show_url}")
        if lab:
            say(f"  Đăng nhập JupyterLab: mở đường dẫn trên, hoặc nhập mã (token) {token}")
        if web_port is not None:
            web = f"http://{HOST}:{web_port}/"
            say(f"  Cuộc thi    {web}   (người thi: mã học viên và 4 số cuối điện thoại)")
            say(f"  Công bố     {web}cong-bo/TÊN-CUỘC-THI   Xác minh giấy: {web}xac-minh")
        if voila:
            base = f"http://{HOST}:{voila_port}/voila/render"
            query = f"?token={voila_token}" if voila_token else ""
            say(f"  Kết quả     {base}/results.ipynb{query}   (ban tổ chức)")
            say(f"  Xếp loại    {base}/leaderboard.ipynb{query}   (giám khảo)")
            if not voila_token:
                say("  Các trang Voilà không hỏi mã; thêm --token MÃ để bắt buộc.")
        if trainee:
            say(
                f"  JupyterLab là chỗ làm bài của học viên {trainee}: tải và nộp bài ở Nbgrader → "
                "Assignment List."
            )
        say(f"  Dữ liệu: {settings.home}")
        say("Nhấn Ctrl-C để dừng.")

    return run(settings, services, say=say, on_ready=ready, restarts=RESTARTS)
