"""Kernels for batch grading: forked from a zygote, over IPC sockets, under resource limits.

``fork_kernel_manager(zygote, limits, folder)`` gives nbclient (and so nbgrader's ``Execute``) a
kernel manager class. Each kernel it starts:

- talks over Unix-domain (``ipc``) sockets in a private folder, so no TCP port is ever chosen
  and parallel kernels cannot race for one (nbgrader #174);
- is forked from the zygote when the notebook's kernel is this interpreter's ipykernel, else
  started the usual way (``python -m ipykernel_launcher`` or any other kernel's command);
- runs with the CPU-time and memory limits set on it before any notebook code runs.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from queue import Empty
from typing import Any, ClassVar

from jupyter_client.asynchronous.client import AsyncKernelClient
from jupyter_client.connect import KernelConnectionInfo
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning.local_provisioner import LocalProvisioner

from hoctap.errors import KernelStartError


@dataclass(frozen=True)
class Limits:
    """What one submission may use; 0 means no limit."""

    wall_seconds: float = 600.0
    cpu_seconds: int = 300
    memory_mb: int = 2048

    def for_kernel(self) -> dict[str, int]:
        return {"cpu_seconds": self.cpu_seconds, "memory_bytes": self.memory_mb * 1024 * 1024}


class Watch:
    """The kernels started for one submission, so that its wall-clock limit can stop them."""

    def __init__(self) -> None:
        self.kernels: list[GradingKernelManager] = []
        self.expired = False
        self._lock = threading.Lock()

    def add(self, manager: GradingKernelManager) -> None:
        """A kernel about to start (it checks ``expired`` itself once it has a process)."""
        with self._lock:
            self.kernels.append(manager)

    def expire(self) -> None:
        """Wall-clock limit reached: kill every kernel of the submission."""
        self.expired = True
        self.kill_all()

    def kill_all(self) -> None:
        """Kill every kernel of the submission and what they started (after each attempt)."""
        with self._lock:
            for manager in self.kernels:
                manager.kill_now()

    def last_exit(self) -> int | None:
        """How the last kernel ended, if it ended without being asked to (negative: the signal
        that ended it). A kernel shut down after its notebook ran does not count."""
        if not self.kernels:
            return None
        return self.kernels[-1].exit_code()

    def last_log(self, lines: int = 8) -> str:
        if not self.kernels or not self.kernels[-1].log_path.is_file():
            return ""
        text = self.kernels[-1].log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.strip().splitlines()[-lines:])


_local = threading.local()


@contextmanager
def watching(watch: Watch) -> Iterator[None]:
    """Kernels started by this thread meanwhile belong to ``watch``."""
    _local.watch = watch
    try:
        yield
    finally:
        _local.watch = None


class Zygote:
    """A ``hoctap.grading.zygote`` process; safe to use from several threads."""

    def __init__(self, env: dict[str, str], folder: Path) -> None:
        """Start the zygote; it loads ipykernel meanwhile (the first request waits for it)."""
        self._lock = threading.Lock()
        self._ready = False
        self.process = subprocess.Popen(
            [sys.executable, "-m", "hoctap.grading.zygote"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            cwd=folder,
            text=True,
            start_new_session=True,
        )

    def preload(self, modules: list[str]) -> bool:
        """Import these modules in the zygote; False if it can no longer fork safely.

        A module that cannot be imported is left out (the kernel fails on it, as it would).
        A module that starts a thread at import makes forking unsafe.
        """
        return int(self._ask({"op": "preload", "modules": modules}).get("threads", 0)) == 1

    def _read(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise KernelStartError("Tiến trình tạo kernel đã dừng bất thường.")
        reply: dict[str, Any] = json.loads(line)
        return reply

    def _ask(self, request: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            if not self._ready:
                if not self._read().get("ready"):
                    raise KernelStartError("Không khởi động được tiến trình tạo kernel.")
                self._ready = True
            assert self.process.stdin is not None
            try:
                self.process.stdin.write(json.dumps(request) + "\n")
                self.process.stdin.flush()
            except (BrokenPipeError, ValueError) as exc:
                raise KernelStartError("Tiến trình tạo kernel đã dừng bất thường.") from exc
            return self._read()

    def spawn(
        self, argv: list[str], cwd: str, env: dict[str, str], limits: Limits, log: Path
    ) -> int:
        request = {"op": "spawn", "argv": argv, "cwd": cwd, "env": env, "log": str(log)}
        request["limits"] = limits.for_kernel()
        return int(self._ask(request)["pid"])

    def reap(self, pid: int) -> int:
        return int(self._ask({"op": "reap", "pid": pid})["status"])

    def close(self) -> None:
        if self.process.stdin is not None and not self.process.stdin.closed:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


class ForkedKernel:
    """The ``Popen``-like handle of a forked kernel, watched through a pidfd."""

    stdin = stdout = stderr = None

    def __init__(self, zygote: Zygote, pid: int) -> None:
        self._zygote = zygote
        self._lock = threading.Lock()
        self.pid = pid
        self.returncode: int | None = None
        self._pidfd: int | None = os.pidfd_open(pid)  # the zygote has not reaped it yet

    def poll(self) -> int | None:
        with self._lock:
            if self.returncode is None and self._pidfd is not None:
                ready, _, _ = select.select([self._pidfd], [], [], 0)
                if ready:
                    os.close(self._pidfd)
                    self._pidfd = None
                    self.returncode = -1  # ended; how, the zygote tells (if it still can)
                    self.returncode = os.waitstatus_to_exitcode(self._zygote.reap(self.pid))
            return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout or 0)
            time.sleep(0.02)
        assert self.returncode is not None
        return self.returncode

    def send_signal(self, signum: int) -> None:
        with self._lock:
            if self.returncode is None and self._pidfd is not None:
                signal.pidfd_send_signal(self._pidfd, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def kill_group(self) -> None:
        """Kill the kernel and whatever it started (its process group: the kernel leads it).

        Until the zygote reaps the kernel its pid, hence the group's id, cannot be reused.
        """
        with self._lock:
            if self.returncode is None:
                with suppress(ProcessLookupError, PermissionError):
                    os.killpg(self.pid, signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def _is_this_ipykernel(cmd: list[str]) -> bool:
    return (
        len(cmd) >= 3
        and os.path.realpath(cmd[0]) == os.path.realpath(sys.executable)
        and cmd[1:3] == ["-m", "ipykernel_launcher"]
    )


class LimitedProvisioner(LocalProvisioner):
    """Starts the kernel forked from the zygote when it can, and always under the limits."""

    process: Any = None  # a ForkedKernel or a Popen
    exit_code: int | None = None
    zygote: Zygote | None = None
    limits: Limits = Limits()
    log: Path | None = None
    watch: Watch | None = None

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> KernelConnectionInfo:
        env = dict(kwargs.get("env") or os.environ)
        cwd = str(kwargs.get("cwd") or os.getcwd())
        if self.zygote is not None and _is_this_ipykernel(cmd) and self.log is not None:
            pid = self.zygote.spawn(cmd[3:], cwd, env, self.limits, self.log)
            self.process = ForkedKernel(self.zygote, pid)
        else:
            self.process = _launch_limited(cmd, env, cwd, self.limits)
        self.pid = self.process.pid
        self.pgid = self.process.pid  # each kernel leads its own process group
        self.cwd = cwd
        if self.watch is not None and self.watch.expired:  # the limit passed while starting
            kill_group(self.process)
        return self.connection_info

    async def wait(self) -> int | None:
        # LocalProvisioner polls every 0.1 s; a killed kernel is gone within milliseconds.
        while self.process is not None and self.process.poll() is None:
            await asyncio.sleep(0.005)
        if self.process is not None:
            self.exit_code = self.process.poll()
        return await super().wait()


def kill_group(process: Any) -> None:
    """Kill a kernel and what it started, whether forked (ForkedKernel) or launched (Popen)."""
    if isinstance(process, ForkedKernel):
        process.kill_group()
    elif process is not None and process.poll() is None:  # not reaped: its group id is its own
        with suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)


def _launch_limited(cmd: list[str], env: dict[str, str], cwd: str, limits: Limits) -> Any:
    import resource

    # As jupyter_client's launcher does: ipykernel exits when this process is gone.
    env = {**env, "JPY_PARENT_PID": str(os.getpid())}
    process = subprocess.Popen(
        cmd,
        env=env,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    for key, value in limits.for_kernel().items():
        if value:
            which = resource.RLIMIT_CPU if key == "cpu_seconds" else resource.RLIMIT_AS
            hard = value + 2 if key == "cpu_seconds" else value
            with suppress(ProcessLookupError, PermissionError):
                resource.prlimit(process.pid, which, (value, hard))
    return process


class GradingKernelClient(AsyncKernelClient):
    """jupyter_client's client, without its fixed 0.2 s waits at start-up.

    The stock client waits up to 0.2 s for IOPub after ``kernel_info`` (and asks again if nothing
    came, which is the usual case while the subscription is being set up), then drains IOPub
    until nothing comes for 0.2 s. nbclient reads only the messages whose parent is the cell it
    runs, so draining what is already there is enough. On a 2-core machine these waits were
    about half of what a small notebook costs to grade.
    """

    async def _async_wait_for_ready(self, timeout: float | None = None) -> None:
        from jupyter_core.utils import ensure_async

        deadline = time.monotonic() + (timeout if timeout is not None else 3600.0)
        while True:
            self.kernel_info()
            try:
                msg = await ensure_async(self.shell_channel.get_msg(timeout=1))
            except Empty:
                msg = None
            if msg is not None and msg["msg_type"] == "kernel_info_reply":
                try:  # IOPub is connected once the kernel's status for this request arrives;
                    # if it is not yet, asking again costs a few milliseconds, not 0.2 s.
                    await ensure_async(self.iopub_channel.get_msg(timeout=0.02))
                except Empty:
                    pass
                else:
                    self._handle_kernel_info_reply(msg)
                    break
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")
        while True:
            try:
                await ensure_async(self.iopub_channel.get_msg(timeout=0.01))
            except Empty:
                break

    wait_for_ready = _async_wait_for_ready  # the base class binds its own function to this name


class GradingKernelManager(AsyncKernelManager):
    """nbclient's kernel manager for one submission's kernel (see ``kernel_manager_for``)."""

    zygote: ClassVar[Zygote | None] = None
    limits: ClassVar[Limits] = Limits()
    folder: ClassVar[Path] = Path(".")
    _numbers: ClassVar[itertools.count[int]] = itertools.count()
    log_path: Path

    def __init__(self, **kwargs: Any) -> None:
        number = next(self._numbers)
        self.log_path = self.folder / f"kernel-{number}.log"
        kwargs["client_class"] = "hoctap.grading.kernels.GradingKernelClient"
        kwargs["transport"] = "ipc"
        kwargs["connection_file"] = str(self.folder / f"k{number}.json")
        kwargs["ip"] = str(self.folder / f"k{number}")
        super().__init__(**kwargs)
        self.watch: Watch | None = getattr(_local, "watch", None)
        if self.watch is not None:
            self.watch.add(self)

    def kill_now(self) -> None:
        """Kill the kernel and what it started, at once, from any thread (if it has started:
        one that starts later checks the watch itself); nbclient then sees it dead."""
        kill_group(getattr(self.provisioner, "process", None))

    def exit_code(self) -> int | None:
        if self.shutting_down:  # shut down after its notebook ran: not a death
            return None
        process = getattr(self.provisioner, "process", None)
        if process is None:
            return getattr(self.provisioner, "exit_code", None)
        code = process.poll()
        return None if code is None else int(code)

    async def _async_pre_start_kernel(self, **kw: Any) -> tuple[list[str], dict[str, Any]]:
        if self.provisioner is None:
            self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
            provisioner = LimitedProvisioner(
                kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self
            )
            provisioner.zygote = self.zygote
            provisioner.limits = self.limits
            provisioner.log = self.log_path
            provisioner.watch = self.watch
            self.provisioner = provisioner
        result: tuple[list[str], dict[str, Any]] = await super()._async_pre_start_kernel(**kw)
        return result

    async def _async_wait(self, pollinterval: float = 0.1) -> None:
        await super()._async_wait(pollinterval=0.005)  # a killed kernel is gone within ms


def kernel_manager_for(zygote: Zygote | None, limits: Limits, folder: Path) -> type:
    """A kernel manager class bound to one grading run (nbclient creates it by class)."""
    attrs = {"zygote": zygote, "limits": limits, "folder": folder, "_numbers": itertools.count()}
    return type("RunKernelManager", (GradingKernelManager,), attrs)
