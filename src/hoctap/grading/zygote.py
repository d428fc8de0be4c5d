"""``python -m hoctap.grading.zygote``: a process that forks ready-to-start IPython kernels.

Starting a kernel the usual way (``python -m ipykernel_launcher``) costs about half a second of
imports before it runs a single cell. The zygote pays that once: it imports ipykernel (and any
modules it is asked to preload), never runs a line of notebook code, and then forks one child per
kernel. Each child is a fresh process: it starts IPython exactly as ipykernel_launcher does, with
its own memory, and nothing one trainee's code does can reach another trainee's kernel.

Protocol: ``{"ready": true}`` on stdout once ipykernel is loaded; then one JSON object per line
on stdin, one reply per line on stdout.

- ``{"op": "preload", "modules": [...]}`` imports modules kernels will need; replies
  ``{"failed": [...]}`` with those that could not be imported.
- ``{"op": "spawn", "argv": [...], "cwd": ..., "env": {...}, "limits": {...}, "log": path}``
  forks a kernel and replies ``{"pid": N}``. The child becomes the leader of a new session, dies
  with the zygote, and applies the resource limits to itself before any notebook code runs.
- ``{"op": "reap", "pid": N}`` waits for that (ended) kernel and replies ``{"status": S}``, the
  raw wait status. Children stay zombies until reaped, so their pid cannot be reused meanwhile.

When stdin closes (the grader ended, however it ended) the zygote kills its kernels and exits.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import threading
from typing import Any

_PR_SET_PDEATHSIG = 1
# What ipykernel imports while a kernel initialises (measured on ipykernel 7): importing it here,
# once, spares every kernel about 0.2 s. None of these start a thread.
KERNEL_MODULES = [
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    "ipykernel.debugger",
    "IPython.core.completerlib",
    "IPython.core.debugger",
    "IPython.extensions.storemagic",
    "sqlite3",
    "pdb",
    "pydoc",
]
_LIMITS = {"cpu_seconds": "RLIMIT_CPU", "memory_bytes": "RLIMIT_AS"}


def _die_with_parent() -> None:
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the zygote still kills its kernels on exit
        pass


def apply_limits(limits: dict[str, int]) -> None:
    """Resource limits on the calling process (inherited by what it starts)."""
    import resource

    for key, name in _LIMITS.items():
        value = limits.get(key)
        if value:
            which = getattr(resource, name)
            soft, hard = value, value
            if key == "cpu_seconds":
                hard = value + 2  # SIGXCPU at the soft limit, SIGKILL two seconds later
            resource.setrlimit(which, (soft, hard))


def _run_kernel(request: dict[str, Any], base_path: list[str]) -> None:
    """In the forked child: become the kernel ``ipykernel_launcher`` would have started."""
    os.setsid()
    _die_with_parent()
    log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.closerange(3, 65536)
    sys.stdin = open(0, closefd=False)  # noqa: SIM115
    sys.stdout = open(1, "w", closefd=False, buffering=1)  # noqa: SIM115
    sys.stderr = open(2, "w", closefd=False, buffering=1)  # noqa: SIM115
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    sys.path[:] = base_path
    sys.argv = [_launcher_path(), *request["argv"]]
    apply_limits(request.get("limits") or {})
    if "numpy" in sys.modules:  # numpy does not reseed on fork: no two kernels share a stream
        sys.modules["numpy"].random.seed()
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


def _launcher_path() -> str:
    import importlib.util

    spec = importlib.util.find_spec("ipykernel_launcher")
    return spec.origin if spec and spec.origin else "ipykernel_launcher"


def preload(modules: list[str]) -> list[str]:
    """Import what kernels will need; returns the modules that could not be imported."""
    failed = []
    for name in modules:
        try:
            __import__(name)
        except Exception:  # a module that fails here simply fails later in the kernel, as usual
            failed.append(name)
    return failed


def main() -> None:
    # As ipykernel_launcher does: the working folder is not on sys.path while loading.
    if sys.path and (sys.path[0] in ("", os.getcwd())):
        del sys.path[0]
    base_path = list(sys.path)
    # The matplotlib backend a kernel sets before any import of matplotlib.
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    # As jupyter_client sets for kernels: no debugger warning about frozen modules on import.
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    before = dict(os.environ)
    import ipykernel.kernelapp  # noqa: F401

    preload(KERNEL_MODULES)
    out = sys.stdout
    out.write(json.dumps({"ready": True}) + "\n")
    out.flush()
    children: set[int] = set()
    for line in sys.stdin:
        request = json.loads(line)
        if request["op"] == "preload":
            failed = preload(list(request["modules"]))
            # Forking is safe only from a single-threaded process: say if an import started one.
            reply: dict[str, Any] = {"failed": failed, "threads": threading.active_count()}
        elif request["op"] == "spawn":
            # What imports put in the environment (ipykernel.debugger sets PYDEVD_USE_FRAME_EVAL):
            # a launched kernel gets it the same way, so every forked one gets it too.
            set_by_imports = {k: v for k, v in os.environ.items() if before.get(k) != v}
            pid = os.fork()
            if pid == 0:
                try:
                    request["env"] = {**set_by_imports, **request["env"]}
                    _run_kernel(request, base_path)
                except BaseException:
                    import traceback

                    traceback.print_exc()  # into the kernel's log
                    os._exit(1)
                os._exit(0)
            children.add(pid)
            reply = {"pid": pid}
        elif request["op"] == "reap":
            pid = int(request["pid"])
            # The kernel has ended; what it started dies with it (its group id is still its
            # pid's, reserved until the waitpid below).
            with contextlib.suppress(OSError):
                os.killpg(pid, signal.SIGKILL)
            try:
                _, status = os.waitpid(pid, 0)
            except ChildProcessError:
                status = 0
            children.discard(pid)
            reply = {"status": status}
        else:
            reply = {"error": f"unknown op {request['op']!r}"}
        out.write(json.dumps(reply) + "\n")
        out.flush()
    for pid in children:
        with contextlib.suppress(OSError):
            os.killpg(pid, signal.SIGKILL)


if __name__ == "__main__":
    main()
