"""Activity: who did what where and when — never what they typed. Edits and saves are coalesced
per user and file over a window, so a burst of typing is one `file.edited` row with its lines."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from ..store import Store
from ..store import collab as rows

KINDS = (
    "file.opened", "file.edited", "file.saved",
    "note.added", "note.replied", "note.resolved", "note.reopened", "note.deleted",
    "analysis.finished", "run.shared",
)  # fmt: skip

RunIO = Callable[..., Awaitable[Any]]
Publish = Callable[..., None]


@dataclass
class _Pending:
    kind: str
    user: str | None
    path: str
    started: float
    lo: int | None = None
    hi: int | None = None
    count: int = 0


class ActivityLog:
    def __init__(
        self,
        store: Store,
        run_io: RunIO,
        publish: Publish,
        *,
        window_s: float,
        log: logging.Logger,
    ) -> None:
        self.store, self.run_io, self.publish = store, run_io, publish
        self.window_s, self.log = window_s, log
        self._pending: dict[tuple[str, str | None, str], _Pending] = {}
        self._timers: dict[tuple[str, str | None, str], asyncio.TimerHandle] = {}
        self._tasks: set[asyncio.Task] = set()

    async def record(
        self,
        kind: str,
        user: str | None,
        path: str | None = None,
        line: int | None = None,
        end_line: int | None = None,
        data: dict[str, Any] | None = None,
        at: float | None = None,
    ) -> dict[str, Any]:
        row = {
            "time": at if at is not None else time.time(),
            "user": user,
            "kind": kind,
            "path": path,
            "line": line,
            "end_line": end_line,
            "data": data or {},
        }
        row["id"] = await self.run_io(self._insert, row)
        self.publish("activity", {"activity": row})
        return row

    def _insert(self, row: dict[str, Any]) -> int:
        with self.store.begin() as conn:
            return rows.insert_activity(conn, row)

    def _spawn(self, coro: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            self.log.warning("CodePark: activity not recorded: %s", task.exception())

    # -- coalesced kinds --------------------------------------------------------------------------

    def note(self, kind: str, user: str | None, path: str, lines: tuple[int, int] | None) -> None:
        """Count one edit or save; a row is written when the window of the first one closes."""
        key = (kind, user, path)
        p = self._pending.get(key)
        if p is None:
            p = self._pending[key] = _Pending(kind, user, path, time.time())
            loop = asyncio.get_running_loop()
            self._timers[key] = loop.call_later(self.window_s, self._flush_key, key)
        p.count += 1
        if lines is not None:
            p.lo = lines[0] if p.lo is None else min(p.lo, lines[0])
            p.hi = lines[1] if p.hi is None else max(p.hi, lines[1])

    def _flush_key(self, key: tuple[str, str | None, str]) -> None:
        self._timers.pop(key, None)
        p = self._pending.pop(key, None)
        if p is not None:
            self._spawn(
                self.record(p.kind, p.user, p.path, p.lo, p.hi, {"count": p.count}, at=p.started)
            )

    async def flush(self) -> None:
        """Write every pending row now (at shutdown)."""
        for key in list(self._pending):
            timer = self._timers.pop(key, None)
            if timer is not None:
                timer.cancel()
            self._flush_key(key)
        if self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    # -- reading and retention --------------------------------------------------------------------

    async def list(
        self,
        *,
        path: str | None,
        user: str | None,
        since: float | None,
        kind: str | None,
        limit: int,
        offset: int,
    ) -> tuple[list[dict[str, Any]], int]:
        def load() -> tuple[list[dict[str, Any]], int]:
            with self.store.connect() as conn:
                return rows.list_activity(
                    conn, path=path, user=user, since=since, kind=kind, limit=limit, offset=offset
                )

        return await asyncio.to_thread(load)

    async def prune(self, retention_days: float) -> int:
        if retention_days <= 0:
            return 0
        before = time.time() - retention_days * 86400

        def run() -> int:
            with self.store.begin() as conn:
                return rows.prune_activity(conn, before)

        return await self.run_io(run)
