"""A Voilà page without a browser: the page over HTTP, then its widgets over the kernel's websocket.

It speaks what Voilà's own page speaks (Jupyter's kernel messages as JSON over
``/api/kernels/<id>/channels``, ipywidgets' protocol 2 over comms): it asks the kernel for every
widget's state, follows the kernel's updates and new widgets, and sends what a person's clicks
and typing send (a state update, or a button's click event). Used by the load benchmark, where
sixty Chromium pages would take more of the two cores than the server they measure.
"""

from __future__ import annotations

import asyncio
import json
import re
import struct
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import suppress
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tornado.httpclient import AsyncHTTPClient, HTTPRequest
from tornado.websocket import WebSocketClientConnection, websocket_connect

KERNEL_ID = re.compile(r'"kernelId":\s*"([0-9a-f-]+)"')
ROOT_VIEW = re.compile(r'"application/vnd.jupyter.widget-view\+json":\s*\{"model_id":\s*"(\w+)"')
ERROR = re.compile(r'"ename":\s*"([^"]*)",\s*"evalue":\s*"((?:[^"\\]|\\.)*)"')
REF = "IPY_MODEL_"
CONTROL_VERSION = "1.0.0"
"""ipywidgets' control comm (all widgets' states at once), as its version 8 asks for it."""

AsyncHTTPClient.configure(None, max_clients=200)


def _decode(frame: str | bytes) -> dict[str, Any]:
    """A kernel message from a websocket frame (binary frames carry buffers after the JSON)."""
    if isinstance(frame, bytes):
        count = struct.unpack("!I", frame[:4])[0]
        offsets = struct.unpack(f"!{count}I", frame[4 : 4 * (count + 1)])
        end = offsets[1] if count > 1 else len(frame)
        return dict(json.loads(frame[offsets[0] : end].decode("utf-8")))
    return dict(json.loads(frame))


class Page:
    """One open page: its kernel's widgets, kept up to date, and ways to act on them."""

    def __init__(self, socket: WebSocketClientConnection, root: str) -> None:
        self.socket = socket
        self.root = root
        self.shutdown_url = ""
        self.session = uuid.uuid4().hex
        self.models: dict[str, dict[str, Any]] = {}
        self.changed_at: dict[str, float] = {}
        """When each widget's state last changed, by this client's clock (perf_counter)."""
        self._changed = asyncio.Condition()
        self._reader: asyncio.Task[None] | None = None

    @classmethod
    async def open(cls, base: str, notebook: str, timeout: float) -> Page:
        """GET the page (Voilà runs the notebook while it answers), connect to its kernel, and
        load every widget's state, as Voilà's page does before it shows the widgets."""
        response = await AsyncHTTPClient().fetch(
            HTTPRequest(f"{base}/voila/render/{notebook}", request_timeout=timeout)
        )
        html = response.body.decode("utf-8")
        kernel, root = KERNEL_ID.search(html), ROOT_VIEW.search(html)
        if kernel is None or root is None:
            error = ERROR.search(html)
            raise RuntimeError(
                "no widget in the page"
                + (f": {error.group(1)}: {error.group(2)}" if error else f" ({len(html)} bytes)")
            )
        token = parse_qs(urlsplit(notebook).query).get("token", [""])[0]
        auth = f"&token={token}" if token else ""
        ws = base.replace("http://", "ws://", 1)
        socket = await websocket_connect(
            f"{ws}/api/kernels/{kernel.group(1)}/channels?session_id={uuid.uuid4().hex}{auth}",
            connect_timeout=timeout,
        )
        page = cls(socket, root.group(1))
        # What the page does when it is closed: ask Voilà to shut its kernel down.
        page.shutdown_url = f"{base}/voila/api/shutdown/{kernel.group(1)}?{auth.lstrip('&')}"
        page._reader = asyncio.create_task(page._read())
        control = uuid.uuid4().hex
        opening = {"comm_id": control, "target_name": "jupyter.widget.control", "data": {}}
        await page._send("comm_open", opening, {"version": CONTROL_VERSION})
        await page._send("comm_msg", {"comm_id": control, "data": {"method": "request_states"}})
        await page.wait(lambda: page.root in page.models, timeout)
        return page

    async def close(self) -> None:
        self.socket.close()
        if self.shutdown_url:
            request = HTTPRequest(self.shutdown_url, method="POST", body=b"", request_timeout=30)
            with suppress(Exception):  # as a closing page, it does not wait to hear back
                await AsyncHTTPClient().fetch(request, raise_error=False)
        if self._reader is not None:
            self._reader.cancel()

    async def _send(
        self, msg_type: str, content: dict[str, Any], metadata: dict[str, Any] | None = None
    ) -> None:
        header = {
            "msg_id": uuid.uuid4().hex,
            "username": "bench",
            "session": self.session,
            "date": datetime.now(UTC).isoformat(),
            "msg_type": msg_type,
            "version": "5.3",
        }
        message = {"header": header, "parent_header": {}, "metadata": metadata or {},
                   "content": content, "channel": "shell", "buffers": []}  # fmt: skip
        await self.socket.write_message(json.dumps(message))

    async def _read(self) -> None:
        while True:
            frame = await self.socket.read_message()
            if frame is None:
                return
            message = _decode(frame)
            kind, content = message["header"]["msg_type"], message["content"]
            data = content.get("data", {})
            now = time.perf_counter()
            async with self._changed:
                if kind == "comm_open" and content.get("target_name") == "jupyter.widget":
                    self.models[content["comm_id"]] = dict(data.get("state", {}))
                    self.changed_at[content["comm_id"]] = now
                elif kind == "comm_msg" and data.get("method") == "update_states":
                    for model, entry in data["states"].items():
                        self.models[model] = dict(entry["state"])
                        self.changed_at[model] = now
                elif kind == "comm_msg" and data.get("method") in ("update", "echo_update"):
                    self.models.setdefault(content["comm_id"], {}).update(data["state"])
                    self.changed_at[content["comm_id"]] = now
                else:
                    continue
                self._changed.notify_all()

    async def wait(self, ready: Callable[[], Any], timeout: float) -> Any:
        """Wait until ``ready()`` gives something true (it sees every change), and return it."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(ready), timeout)
            return ready()

    # -- the widgets on screen ------------------------------------------------------------------

    def shown(self, model: str | None = None, parent: str = "") -> Iterator[tuple[str, str]]:
        """(widget, its box) for every widget reachable from the page's root, in order."""
        model = model or self.root
        yield model, parent
        for child in self.models.get(model, {}).get("children", []):
            if isinstance(child, str) and child.startswith(REF):
                yield from self.shown(child[len(REF) :], model)

    def find(self, kind: str, **wanted: Any) -> str | None:
        """The first widget shown of this model (e.g. "ButtonModel") whose state matches."""
        for model, _ in self.shown():
            state = self.models.get(model, {})
            if state.get("_model_name") == kind and all(
                (value(state.get(key)) if callable(value) else state.get(key) == value)
                for key, value in wanted.items()
            ):
                return model
        return None

    def html(self, contains: str) -> str | None:
        """The first HTML widget shown whose text contains ``contains``."""
        return self.find("HTMLModel", value=lambda v: isinstance(v, str) and contains in v)

    async def set(self, model: str, **state: Any) -> None:
        await self._send(
            "comm_msg",
            {"comm_id": model, "data": {"method": "update", "state": state, "buffer_paths": []}},
        )

    async def click(self, model: str) -> None:
        await self._send(
            "comm_msg",
            {"comm_id": model, "data": {"method": "custom", "content": {"event": "click"}}},
        )
