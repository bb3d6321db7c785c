"""GET /codepark/api/events: a WebSocket pushing job state and progress (and later presence)."""

from __future__ import annotations

import asyncio
import json

from jupyter_core.utils import ensure_async
from jupyter_server.auth.decorator import ws_authenticated
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.base.websocket import WebSocketMixin
from jupyter_server.extension.handler import ExtensionHandlerMixin
from tornado import web, websocket


class EventsHandler(
    ExtensionHandlerMixin, WebSocketMixin, websocket.WebSocketHandler, JupyterHandler
):
    """Authenticated like every route (token or cookie), authorized on `codepark` (read)."""

    auth_resource = "codepark"

    async def _authorize(self) -> None:
        allowed = await ensure_async(
            self.authorizer.is_authorized(self, self.current_user, "read", self.auth_resource)
        )
        if not allowed:
            raise web.HTTPError(403)

    @ws_authenticated
    async def get(self, *args, **kwargs) -> None:
        await self._authorize()
        await super().get(*args, **kwargs)

    def open(self, *args, **kwargs) -> None:
        hub = self.settings["codepark"].hub
        user = self.current_user
        self._queue = hub.subscribe(getattr(user, "username", None))  # for events sent `to` them
        self._pump = asyncio.ensure_future(self._send_events())
        self.write_message(json.dumps({"type": "hello", "subscribers": hub.subscribers}))

    async def _send_events(self) -> None:
        while True:
            event = await self._queue.get()
            try:
                await self.write_message(json.dumps(event, default=str))
            except websocket.WebSocketClosedError:
                return

    def on_message(self, message: str | bytes) -> None:
        # clients only listen; a ping keeps proxies from closing an idle socket
        if message == "ping":
            self.write_message(json.dumps({"type": "pong"}))

    def on_close(self) -> None:
        queue = getattr(self, "_queue", None)
        if queue is not None:
            self.settings["codepark"].hub.unsubscribe(queue)
            self._pump.cancel()
