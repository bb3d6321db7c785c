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
        self._subscribers: set[asyncio.Queue[dict[str, Any]]] = set()

    def subscribe(self) -> asyncio.Queue[dict[str, Any]]:
        q: asyncio.Queue[dict[str, Any]] = asyncio.Queue(QUEUE_SIZE)
        self._subscribers.add(q)
        return q

    def unsubscribe(self, q: asyncio.Queue[dict[str, Any]]) -> None:
        self._subscribers.discard(q)

    @property
    def subscribers(self) -> int:
        return len(self._subscribers)

    def publish(self, kind: str, data: dict[str, Any]) -> None:
        """Send an event to every subscriber (call on the event loop)."""
        event = {"type": kind, "time": time.time(), **data}
        for q in list(self._subscribers):
            if q.full():
                try:  # drop the oldest event rather than block the publisher
                    q.get_nowait()
                except asyncio.QueueEmpty:
                    pass
            q.put_nowait(event)
