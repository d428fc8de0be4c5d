"""Running the contest service: one process, or N workers sharing one listening socket.

Workers are Tornado's own (``tornado.process.fork_processes``): the parent binds the port, forks,
and starts a worker again if one dies; the kernel spreads connections over them. Each worker
opens its own database pool after the fork. Across machines, nginx balances several of these
(deploy/nginx, deploy/systemd/hoctap-web@.service): they share nothing but the database.
"""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from hoctap.errors import HoctapError
from hoctap.settings import Settings

DEFAULT_PORT = 8870
SECRET_ENV = "HOCTAP_COOKIE_SECRET"
THREADS = 8
"""Threads per worker for database work; the worker's connection pool has as many."""


def cookie_secret(settings: Settings) -> str:
    """The key that signs taker cookies: HOCTAP_COOKIE_SECRET (the same on every host), or one
    kept in the data folder."""
    given = os.environ.get(SECRET_ENV, "").strip()
    if given:
        if len(given) < 32:
            raise HoctapError(
                f"{SECRET_ENV} quá ngắn (cần ít nhất 32 ký tự).",
                "Tạo một khoá: python3 -c 'import secrets; print(secrets.token_urlsafe(32))'.",
            )
        return given
    from hoctap.hub.serve import kept_token

    settings.home.mkdir(parents=True, exist_ok=True)
    return kept_token(settings, "web-cookie-secret") * 2


def serve_web(
    settings: Settings,
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    workers: int = 1,
    base_url: str = "/",
    hub: bool = False,
    say: Callable[[str], None] = print,
    proxied: bool | None = None,
) -> int:
    """Serve the contest pages until SIGTERM or SIGINT; returns the exit status.

    ``proxied`` (behind nginx or the hub's proxy; the default behind the hub) takes the client's
    address from the proxy's X-Forwarded-For entry."""
    from tornado.httpserver import HTTPServer
    from tornado.netutil import bind_sockets
    from tornado.process import fork_processes

    from hoctap.db import POOL_ENV

    if workers < 1 or workers > 64:
        raise HoctapError("Số tiến trình (--workers) phải từ 1 đến 64.", "Ví dụ: --workers 2.")
    secret = cookie_secret(settings)
    try:
        sockets = bind_sockets(port, host, reuse_port=False)
    except OSError as error:
        raise HoctapError(
            f"Không mở được cổng {port} trên {host}: {error.strerror}.",
            "Dừng chương trình đang dùng cổng đó, hoặc chọn cổng khác với --port.",
        ) from error
    os.environ.setdefault(POOL_ENV, str(THREADS))
    say(f"Trang thi của hoctap: http://{host}:{port}{base_url}  ({workers} tiến trình)")
    if workers > 1:
        # The parent waits here and forks a worker again when one dies; each worker returns.
        fork_processes(workers, max_restarts=1000)

    async def main() -> None:
        from hoctap.people.units import open_province_database
        from hoctap.web.app import Service, make_app

        db = open_province_database(settings)
        behind = hub if proxied is None else proxied
        service = Service(db, hub=hub, proxied=behind, executor=ThreadPoolExecutor(THREADS))
        app = make_app(service, secret, base_url)
        server = HTTPServer(app)  # the proxy's headers are read by the handlers, not trusted
        server.add_sockets(sockets)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        server.stop()
        await server.close_all_connections()
        service.executor.shutdown(wait=True)
        db.close()

    asyncio.run(main())
    return 0
