"""The contest service in the test's process: a real Tornado server on a free port, in a thread,
and a browser-like client (cookies, the page's CSRF token, the script's JSON header)."""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from html import unescape
from typing import Any
from urllib.parse import urlencode

import httpx

from hoctap.contest import sessions
from hoctap.db import Database
from hoctap.web.app import SCRIPT_HEADER, Service, make_app

SECRET = "a-test-secret-that-is-long-enough-for-tornado"


@contextmanager
def web_service(
    db: Database,
    now: sessions.Clock = sessions.server_now,
    base_url: str = "/",
    proxied: bool = False,
) -> Iterator[str]:
    """Serve the contest pages for ``db`` on 127.0.0.1; yields the base address."""
    from tornado.httpserver import HTTPServer
    from tornado.netutil import bind_sockets

    sockets = bind_sockets(0, "127.0.0.1")
    port = sockets[0].getsockname()[1]
    ready = threading.Event()
    loop_box: dict[str, Any] = {}

    def serve() -> None:
        async def main() -> None:
            service = Service(db, now=now, proxied=proxied)
            server = HTTPServer(make_app(service, SECRET, base_url))
            server.add_sockets(sockets)
            stop = asyncio.Event()
            loop_box["loop"], loop_box["stop"] = asyncio.get_running_loop(), stop
            ready.set()
            await stop.wait()
            server.stop()
            await server.close_all_connections()
            service.executor.shutdown(wait=True)

        asyncio.run(main())

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    ready.wait(10)
    try:
        yield f"http://127.0.0.1:{port}{base_url}"
    finally:
        loop_box["loop"].call_soon_threadsafe(loop_box["stop"].set)
        thread.join(10)


class Taker:
    """One browser: its cookies, and the last page it was shown."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.client = httpx.Client(base_url=base, follow_redirects=True, timeout=30)
        self.page = ""

    def close(self) -> None:
        self.client.close()

    def get(self, path: str) -> httpx.Response:
        response = self.client.get(path)
        self.page = response.text
        return response

    def xsrf(self) -> str:
        found = re.search(r'name="_xsrf" value="([^"]+)"', self.page)
        assert found, "no CSRF token on the page"
        return unescape(found.group(1))

    def post(
        self,
        path: str,
        data: dict[str, Any] | list[tuple[str, str]],
        script: bool = False,
        xsrf: str | None = None,
    ) -> httpx.Response:
        items = list(data.items()) if isinstance(data, dict) else list(data)
        if xsrf != "":
            items.append(("_xsrf", xsrf or self.xsrf()))
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if script:
            headers[SCRIPT_HEADER] = "1"
        response = self.client.post(path, content=urlencode(items), headers=headers)
        if not script:
            self.page = response.text
        return response

    def enter(self, contest: str, code: str = "hv001", tail: str = "5678") -> httpx.Response:
        self.get(f"thi/{contest}")
        response = self.post(f"thi/{contest}/vao", {"ma": code, "so_cuoi": tail, "dong_y": "1"})
        if "Bắt đầu làm bài" in self.page:
            response = self.post(f"thi/{contest}/bai", {})
        return response

    def questions(self) -> list[dict[str, str]]:
        """The paper's questions as the page shows them: name, revision, kind of control."""
        found = []
        for form in re.finditer(
            r'<form method="post" action="[^"]*tra-loi" class="question" id="cau-(\d+)"\s+'
            r'data-q="([^"]+)" data-rev="(\d+)">(.*?)</form>',
            self.page,
            re.S,
        ):
            body = form.group(4)
            kind = (
                "radio"
                if 'type="radio"' in body
                else "checkbox"
                if 'type="checkbox"' in body
                else "select"
                if "<select" in body
                else "text"
            )
            attempt = re.search(r'name="bai" value="(\d+)"', body)
            found.append(
                {
                    "number": form.group(1),
                    "name": unescape(form.group(2)),
                    "rev": form.group(3),
                    "kind": kind,
                    "attempt": attempt.group(1) if attempt else "",
                }
            )
        return found

    def answer(
        self,
        contest: str,
        question: dict[str, str],
        fields: list[tuple[str, str]],
        rev: int | None = None,
        script: bool = True,
        attempt: str | None = None,
        xsrf: str | None = None,
    ) -> httpx.Response:
        data = [
            ("bai", attempt or question["attempt"]),
            ("q", question["name"]),
            ("rev", str(rev if rev is not None else int(question["rev"]) + 1)),
            *fields,
        ]
        return self.post(f"thi/{contest}/tra-loi", data, script=script, xsrf=xsrf)
