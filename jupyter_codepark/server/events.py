"""In-process publish/subscribe for the events WebSocket: job state, progress, and later
presence and activity. Subscribers get a bounded queue; a slow one loses old progress, not
state changes."""

from __future__ import annotations

import asyncio
import time
from typing import Any

QUEUE_SIZE = 256


class EventHub:
    def __init__(self) -> None:
        # queue -> the username it belongs to (None: a server-side listener)
        self._subscribers: dict[asyncio.Queue[dict[str, Any]], str | None] = {}

    def subscribe(self, user: str | None = None) -> asyncio.Queue[dict[str, Any]]:
        q: asyncio.Queue[dict[str, Any]] = asyncio.Queue(QUEUE_SIZE)
        self._subscribers[q] = user
        return q

    def unsubscribe(self, q: asyncio.Queue[dict[str, Any]]) -> None:
        self._subscribers.pop(q, None)

    @property
    def subscribers(self) -> int:
        return len(self._subscribers)

    def publish(self, kind: str, data: dict[str, Any], to: str | None = None) -> None:
        """Send an event to every subscriber, or only to user `to`'s (call on the event loop)."""
        event = {"type": kind, "time": time.time(), **data}
        for q, user in list(self._subscribers.items()):
            if to is not None and user != to:
                continue
            if q.full():
                try:  # drop the oldest event rather than block the publisher
                    q.get_nowait()
                except asyncio.QueueEmpty:
                    pass
            q.put_nowait(event)
