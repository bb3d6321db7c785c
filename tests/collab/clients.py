"""Real WebSocket clients of a test server: a collaborative text document (pycrdt Provider plus
awareness sent by hand, as JupyterLab does) and the CodePark events socket."""

from __future__ import annotations

import asyncio
import json
import time
from contextlib import asynccontextmanager
from typing import Any

from httpx_ws import aconnect_ws
from pycrdt import Assoc, Awareness, Doc, Provider, Text, create_awareness_message
from pycrdt.websocket.websocket import HttpxWebsocket
from tornado.httpclient import HTTPClientError

from tests.server import openapi

from .identity import TOKENS

IDENTITY = {u.username: {"username": u.username, "name": u.name} for u in TOKENS.values()}


def auth(user: str) -> dict[str, str]:
    return {"Authorization": f"token {user}-token"}


async def api(jp_fetch, *parts, user="alice", method="GET", body=None, params=None):
    """(status, JSON body) of a CodePark call as `user`; errors are returned, not raised."""
    kw: dict[str, Any] = {"method": method, "headers": auth(user)}
    if body is not None:
        kw["body"] = json.dumps(body)
    if params:
        kw["params"] = params
    url = "/" + "/".join(["codepark", "api", *parts])
    try:
        r = await jp_fetch("codepark", "api", *parts, **kw)
    except HTTPClientError as e:
        code, data = e.code, json.loads(e.response.body or b"{}")
    else:
        code, data = r.code, (json.loads(r.body) if r.body else None)
    if data is not None:  # every answer fits openapi.yaml
        openapi.check(url, method, code, data)
    return code, data


async def wait_for(check, timeout_s: float = 10.0, every_s: float = 0.05):
    """Poll the coroutine function `check` until it returns something truthy."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = await check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out; last value {value!r}")
        await asyncio.sleep(every_s)


class DocClient:
    def __init__(self, user: str, doc: Doc, channel: HttpxWebsocket) -> None:
        self.user, self.doc, self.channel = user, doc, channel
        self.text = doc.get("source", type=Text)
        self.awareness = Awareness(doc)

    def offset_of_line(self, line: int) -> int:
        data = str(self.text).encode()
        pos = 0
        for _ in range(line - 1):
            pos = data.index(b"\n", pos) + 1
        return pos

    async def cursor(self, line: int, claim: dict[str, Any] | None = None) -> None:
        """Put the cursor at the start of `line` and tell the room (awareness)."""
        sticky = self.text.sticky_index(self.offset_of_line(line), Assoc.AFTER).to_json()
        user = claim or {**IDENTITY[self.user], "display_name": "somebody else"}
        self.awareness.set_local_state(
            {"user": user, "cursors": [{"anchor": sticky, "head": sticky}]}
        )
        update = self.awareness.encode_awareness_update([self.awareness.client_id])
        await self.channel.send(create_awareness_message(update))

    def insert_lines(self, line: int, lines: list[str]) -> None:
        self.text.insert(self.offset_of_line(line), "".join(x + "\n" for x in lines))

    def delete_lines(self, line: int, end_line: int) -> None:
        start, end = self.offset_of_line(line), self.offset_of_line(end_line + 1)
        del self.text[start:end]


async def join_room(jp_fetch, jp_http_port, jp_base_url, path, fmt, kind, headers):  # noqa: ANN001
    """Open a collaboration session on `path`: its room id (`<fmt>:<kind>:<file id>`) and the
    room's WebSocket URL."""
    r = await jp_fetch(
        "api/collaboration/session", path, method="PUT", headers=headers,
        body=json.dumps({"format": fmt, "type": kind}),
    )  # fmt: skip
    session = json.loads(r.body)
    room = f"{fmt}:{kind}:{session['fileId']}"
    url = (
        f"http://127.0.0.1:{jp_http_port}{jp_base_url}api/collaboration/room/{room}"
        f"?sessionId={session['sessionId']}"
    )
    return room, url


@asynccontextmanager
async def open_doc(jp_fetch, jp_http_port, jp_base_url, path: str, user: str):
    """Join the collaborative room of text file `path` as `user`; wait for the first sync."""
    room, url = await join_room(
        jp_fetch, jp_http_port, jp_base_url, path, "text", "file", auth(user)
    )
    doc = Doc()
    async with aconnect_ws(url, headers=auth(user)) as ws:
        channel = HttpxWebsocket(ws, room)
        async with Provider(doc, channel):
            client = DocClient(user, doc, channel)

            async def synced():
                return len(str(client.text)) > 0

            await wait_for(synced)
            yield client


@asynccontextmanager
async def events(jp_http_port, jp_base_url, user: str):
    """The CodePark events socket as `user`: yields an asyncio.Queue of decoded events."""
    url = f"http://127.0.0.1:{jp_http_port}{jp_base_url}codepark/api/events"
    queue: asyncio.Queue = asyncio.Queue()
    async with aconnect_ws(url, headers=auth(user)) as ws:

        async def pump():
            while True:
                queue.put_nowait(json.loads(await ws.receive_text()))

        task = asyncio.ensure_future(pump())
        try:
            assert (await asyncio.wait_for(queue.get(), 5))["type"] == "hello"
            yield queue
        finally:
            task.cancel()


async def next_event(queue: asyncio.Queue, kind: str, pred=lambda e: True, timeout_s=5.0):
    deadline = time.monotonic() + timeout_s
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"no {kind} event")
        event = await asyncio.wait_for(queue.get(), left)
        if event["type"] == kind and pred(event):
            return event
