"""The collaboration layer of one server: presence on jupyter-collaboration's rooms, activity,
notes, notifications and hints. Runs on the event loop; the store is written from one thread
(in order) and read from others.

It finds the collaboration extension per call in the web app settings (`jupyter_server_ydoc`:
extensions load in name order), watches its rooms with a periodic sweep plus the collaboration
events (`awareness/v1` join/leave, `session/v1` save), and pushes what changes on the event hub
at a bounded rate.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from ..errors import InvalidInput
from ..store import Store
from .activity import ActivityLog
from .hints import Hints, HintSettings
from .notes import LiveSource, NotesService, check_line
from .rooms import GLOBAL_AWARENESS, Edit, TrackedRoom, parse_room_id, user_json
from .runs import shared_run

AWARENESS_EVENTS = "https://schema.jupyter.org/jupyter_collaboration/awareness/v1"
SESSION_EVENTS = "https://schema.jupyter.org/jupyter_collaboration/session/v1"
LAST_ACTIVITY_KEY = "codepark_collab_last_activity"  # read by ServerApp.last_activity()
LAST_ACTIVITY_EVERY_S = 1.0
PRUNE_EVERY_S = 3600.0


class Hub(Protocol):
    def publish(self, kind: str, data: dict[str, Any], to: str | None = None) -> None: ...
    def subscribe(self, user: str | None = None) -> asyncio.Queue: ...
    def unsubscribe(self, q: asyncio.Queue) -> None: ...


@dataclass(frozen=True)
class CollabSettings:
    presence_interval_s: float = 0.1
    idle_after_s: float = 120.0
    sweep_interval_s: float = 1.0
    activity_window_s: float = 30.0
    activity_retention_days: float = 90.0
    notes_refresh_delay_s: float = 0.3
    hint_session_s: float = 8 * 3600.0
    hints: HintSettings = HintSettings()


class CollabService:
    def __init__(
        self,
        store: Store,
        root_dir: str,
        hub: Hub,
        web_settings: MutableMapping[str, Any],
        load_result: Callable[[int], Awaitable[Any]],
        settings: CollabSettings,
        log: logging.Logger | None = None,
    ) -> None:
        self.store, self.root_dir, self.hub = store, root_dir, hub
        self.web_settings, self.settings = web_settings, settings
        self.log = log or logging.getLogger(__name__)
        self._writer = ThreadPoolExecutor(1, "codepark-collab")
        self.activity = ActivityLog(
            store, self._io, self._publish, window_s=settings.activity_window_s, log=self.log
        )
        self.notes = NotesService(
            store, self._io, self._publish, self.activity, self.live_source, self.log
        )
        self.hints = Hints(store, root_dir, load_result, settings.hints)
        self._rooms: dict[str, TrackedRoom] = {}
        self._online: dict[str, dict[str, Any]] = {}
        self._touched: dict[str, float] = {}
        self._dirty: set[str] = set()
        self._closed: set[str] = set()
        self._flush: asyncio.TimerHandle | None = None
        self._last_flush = 0.0
        self._last_touch = 0.0
        self._refresh: dict[str, asyncio.TimerHandle] = {}
        self._tasks: set[asyncio.Task] = set()
        self._started: asyncio.Future | None = None
        self._analyses_seen: set[str] = set()
        self._resweep = False

    # -- lifecycle --------------------------------------------------------------------------------

    async def _io(self, fn: Callable[..., Any], *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self._writer, fn, *args)

    def _spawn(self, coro: Awaitable[Any]) -> asyncio.Task:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            self.log.warning("CodePark collaboration task failed", exc_info=task.exception())

    async def ready(self) -> None:
        """Start once per server (on the running loop); every entry point awaits this."""
        if self._started is None:
            self._started = asyncio.ensure_future(self._start())
        await asyncio.shield(self._started)

    async def _start(self) -> None:
        await asyncio.to_thread(self.store.ensure_schema)
        await self.notes.load()
        self._spawn(self._sweeper())
        self._spawn(self._pruner())
        self._spawn(self._watch_analyses())

    async def close(self) -> None:
        for handle in [self._flush, *self._refresh.values()]:
            if handle is not None:
                handle.cancel()
        for tr in self._rooms.values():
            tr.detach()
        self._rooms.clear()
        await self.activity.flush()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
        self._writer.shutdown(wait=True)

    async def _sweeper(self) -> None:
        while True:
            try:
                self.sweep()
            except Exception:  # never let a room we do not understand stop the sweeps
                self.log.exception("CodePark: presence sweep failed")
            await asyncio.sleep(self.settings.sweep_interval_s)

    async def _pruner(self) -> None:
        while True:
            try:
                n = await self.activity.prune(self.settings.activity_retention_days)
                if n:
                    self.log.info("CodePark: %d activity rows past retention removed", n)
            except Exception as e:
                self.log.warning("CodePark: activity retention failed: %s", e)
            await asyncio.sleep(PRUNE_EVERY_S)

    async def _watch_analyses(self) -> None:
        queue = self.hub.subscribe()
        try:
            while True:
                event = await queue.get()
                job = event.get("analysis") if event.get("type") == "analysis" else None
                if not job or job.get("state") != "done" or job["id"] in self._analyses_seen:
                    continue
                self._analyses_seen.add(job["id"])
                self.hints.invalidate()
                await self.activity.record(
                    "analysis.finished", job.get("user"), job.get("path"), None, None,
                    {"analysis_id": job["id"], "repo_id": job.get("repo_id")},
                )  # fmt: skip
        finally:
            self.hub.unsubscribe(queue)

    async def on_collab_event(self, logger: Any, schema_id: str, data: dict[str, Any]) -> None:
        """Listener of jupyter-collaboration's events (registered on the server's event logger)."""
        try:
            if schema_id == AWARENESS_EVENTS:
                self.sweep()  # observe a new room at once, before its first edits
            await self.ready()
            if schema_id == SESSION_EVENTS and data.get("action") == "save":
                path = (data.get("path") or "").lstrip("/")
                tr = self._rooms.get(data.get("room", ""))
                user = tr.last_edit[1] if tr and tr.last_edit else None
                if path:
                    self.activity.note("file.saved", user, path, None)
        except Exception:
            self.log.exception("CodePark: collaboration event %s not handled", schema_id)

    # -- rooms ------------------------------------------------------------------------------------

    def _ydoc_server(self) -> Any:
        ext = self.web_settings.get("jupyter_server_ydoc")
        return getattr(ext, "ywebsocket_server", None) if ext is not None else None

    def _path_of(self, file_id: str) -> str | None:
        fim = self.web_settings.get("file_id_manager")
        if fim is None:
            return None
        path = fim.get_path(file_id)
        return path.lstrip("/") if path else None

    def sweep(self) -> None:
        """Bring the tracked rooms and their members in line with the live rooms."""
        server = self._ydoc_server()
        rooms = dict(getattr(server, "rooms", {}) or {})
        now = time.time()
        for room_id, room in rooms.items():
            parsed = parse_room_id(room_id)
            if parsed is None:
                continue
            tr = self._rooms.get(room_id)
            if tr is not None and tr.room is not room:  # replaced by a new room
                self._drop(room_id)
                tr = None
            if tr is None:
                if not getattr(room, "ready", True):
                    if not self._resweep:
                        self._resweep = True
                        asyncio.get_running_loop().call_later(0.1, self._safe_sweep)
                    continue
                path = self._path_of(parsed[2])
                if path is None:
                    continue
                tr = TrackedRoom(room_id, room, path, parsed[1], self._on_room_change)
                tr.attach()
                self._rooms[room_id] = tr
                self._closed.discard(path)
                if path in self.notes.paths:
                    self._schedule_refresh(path, 0)
            self._sync(tr, now)
        for room_id in set(self._rooms) - set(rooms):
            self._drop(room_id)
        self._online = self._online_users(rooms.get(GLOBAL_AWARENESS))

    def _safe_sweep(self) -> None:
        self._resweep = False
        try:
            self.sweep()
        except Exception:
            self.log.exception("CodePark: presence sweep failed")

    def _drop(self, room_id: str) -> None:
        tr = self._rooms.pop(room_id)
        tr.detach()
        if not any(t.path == tr.path for t in self._rooms.values()):
            self._closed.add(tr.path)
        self._mark(tr.path)

    def _sync(self, tr: TrackedRoom, now: float) -> None:
        joined, left = tr.sync_members(now)
        for who in joined:
            self._spawn(self.activity.record("file.opened", who["username"], tr.path))
        if joined or left:
            self._touch_server()
            self._mark(tr.path)

    def _online_users(self, global_room: Any) -> dict[str, dict[str, Any]]:
        users: dict[str, dict[str, Any]] = {}
        for client in list(getattr(global_room, "clients", ()) or ()):
            who = user_json(getattr(client, "current_user", None))
            if who:
                users[who["username"]] = who
        for tr in self._rooms.values():
            for username, m in tr.members.items():
                users[username] = m.identity
        return users

    def _on_room_change(self, tr: TrackedRoom, what: str, edit: Edit | None) -> None:
        now = time.time()
        if what == "awareness" and tr.clients_changed():  # the sweeper re-syncs every second
            self._sync(tr, now)
        self._touch_server()
        self._mark(tr.path)
        if edit is None:
            return
        if not edit.disk:
            self._touched[tr.path] = now
            if edit.username is not None:
                self.activity.note("file.edited", edit.username, tr.path, edit.lines)
        if tr.path in self.notes.paths:
            self._schedule_refresh(tr.path, self.settings.notes_refresh_delay_s)

    def live_source(self, path: str, cell_id: str | None) -> LiveSource | None:
        for tr in self._rooms.values():
            if tr.path != path:
                continue
            text = tr.text() if cell_id is None else tr.cell_text(cell_id)
            if text is not None:
                return LiveSource.of(text, tr.guid)
        return None

    # -- server activity (idle culling) -----------------------------------------------------------

    def _touch_server(self) -> None:
        now = time.monotonic()
        if now - self._last_touch >= LAST_ACTIVITY_EVERY_S:
            self._last_touch = now
            self.web_settings[LAST_ACTIVITY_KEY] = datetime.now(UTC)

    # -- pushing ----------------------------------------------------------------------------------

    def _publish(self, kind: str, data: dict[str, Any], to: str | None = None) -> None:
        self.hub.publish(kind, data, to=to)

    def _mark(self, path: str) -> None:
        self._dirty.add(path)
        if self._flush is None:
            loop = asyncio.get_running_loop()
            wait = self._last_flush + self.settings.presence_interval_s - loop.time()
            self._flush = loop.call_later(max(0.0, wait), self._push_presence)

    def _push_presence(self) -> None:
        self._flush = None
        self._last_flush = asyncio.get_running_loop().time()
        dirty, self._dirty = self._dirty, set()
        now = time.time()
        views = [
            tr.view(now, self.settings.idle_after_s)
            for tr in self._rooms.values()
            if tr.path in dirty
        ]
        closed = sorted(p for p in dirty if p in self._closed)
        self._closed -= set(closed)
        if views or closed:
            self._publish("presence", {"rooms": views, "closed": closed})

    def _schedule_refresh(self, path: str, delay: float) -> None:
        if path in self._refresh:
            return
        loop = asyncio.get_running_loop()

        def fire() -> None:
            self._refresh.pop(path, None)
            self._spawn(self.notes.refresh(path, None))

        self._refresh[path] = loop.call_later(delay, fire)

    # -- shared runs ------------------------------------------------------------------------------

    async def share_run(
        self,
        who: dict[str, Any],
        path: str,
        line: Any,
        end_line: Any,
        cell_id: Any,
        result: Any,
    ) -> dict[str, Any]:
        """Post a run's output (a bounded excerpt) to `path`'s activity as `who`."""
        run = shared_run(result, cell_id)
        if line is not None:
            line = check_line(line, "line")
            end_line = line if end_line is None else check_line(end_line, "end_line")
            if end_line < line:
                raise InvalidInput("`end_line` must not be before `line`.")
        elif end_line is not None:
            raise InvalidInput("`end_line` needs a `line`.")
        return await self.activity.record(
            "run.shared", who["username"], path, line, end_line, run.to_json()
        )

    # -- queries ----------------------------------------------------------------------------------

    def presence(self, path: str | None = None) -> dict[str, Any]:
        self.sweep()
        now = time.time()
        rooms = [
            tr.view(now, self.settings.idle_after_s)
            for tr in self._rooms.values()
            if path is None or tr.path == path
        ]
        rooms.sort(key=lambda r: (r["path"], r["room_id"]))
        users: dict[str, dict[str, Any]] = {}
        for room in rooms:
            for u in room["users"]:
                entry = users.setdefault(
                    u["username"],
                    {k: u[k] for k in ("username", "name", "display_name", "initials", "color")}
                    | {"paths": [], "active": False},
                )
                entry["paths"].append(room["path"])
                entry["active"] = entry["active"] or u["active"]
        if path is None:
            for username, who in self._online.items():
                users.setdefault(username, {**who, "paths": [], "active": False})
        return {"time": now, "rooms": rooms, "users": sorted(users.values(), key=_by_name)}

    def touched(self) -> set[str]:
        since = time.time() - self.settings.hint_session_s
        return {p for p, t in self._touched.items() if t >= since}

    def online_username(self, name: str | None) -> str | None:
        """The username of an online user called `name` (username, name or display name)."""
        if not name:
            return None
        key = name.strip().lower()
        for username, who in self._online.items():
            names = {username, who.get("name"), who.get("display_name")}
            if key in {n.strip().lower() for n in names if n}:
                return username
        return None


def _by_name(u: dict[str, Any]) -> str:
    return u["username"]
