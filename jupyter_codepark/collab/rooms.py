"""A server-side view of one live jupyter-collaboration room: who is in it (identity from the
server, never from the client), where their cursors are, who edited last.

The room objects belong to jupyter_server_ydoc; this module only reads them and adds observers
(`room.awareness.observe`, `room.ydoc.observe`, the source text's `observe`) — never
`room._document.observe()`, which would replace the room's own observer and stop autosave.

Awareness states are written by clients. A state is tied to a user only when its
``user.username`` is one of the users the server authenticated on a connection to the same room;
other states are ignored.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pycrdt import StickyIndex, Text

from .anchors import _resolvable, decode_state, line_of

DOC_TYPES = {"file": "file", "notebook": "notebook"}
GLOBAL_AWARENESS = "JupyterLab:globalAwareness"
ATTRIBUTE_DELETES_S = 2.0  # a pure deletion goes to whoever moved a cursor this recently

log = logging.getLogger(__name__)


def parse_room_id(room_id: str) -> tuple[str, str, str] | None:
    """(format, type, file id) of a document room id `text:file:<id>`, else None."""
    parts = room_id.split(":", 2)
    if len(parts) != 3 or parts[1] not in DOC_TYPES:
        return None
    return parts[0], parts[1], parts[2]


def user_json(user: Any) -> dict[str, Any] | None:
    """The public identity of a jupyter_server `User` (or None for an unauthenticated client)."""
    if user is None:
        return None
    get = user.get if isinstance(user, dict) else lambda k, d=None: getattr(user, k, d)
    username = get("username")
    if not username:
        return None
    return {
        "username": username,
        "name": get("name") or username,
        "display_name": get("display_name") or get("name") or username,
        "initials": get("initials"),
        "color": get("color"),
    }


@dataclass
class Member:
    identity: dict[str, Any]
    joined_at: float
    last_active: float
    last_edit: float | None = None
    connections: int = 1


@dataclass
class Edit:
    username: str | None  # None: not attributable (a reload from disk)
    lines: tuple[int, int] | None
    disk: bool = False


class TrackedRoom:
    """Observers on one document room; `on_change(tracked, what, edit)` is called on the event
    loop with what in {"awareness", "edit"}."""

    def __init__(
        self,
        room_id: str,
        room: Any,
        path: str,
        kind: str,
        on_change: Callable[[TrackedRoom, str, Edit | None], None],
    ) -> None:
        self.room_id, self.room, self.path, self.kind = room_id, room, path, kind
        self.on_change = on_change
        self.members: dict[str, Member] = {}
        self.client_user: dict[int, str] = {}
        self.last_edit: tuple[float, str | None] | None = None
        self._last_cursor: tuple[float, str] | None = None
        self._pending_lines: tuple[int, int] | None = None
        self._clients_seen: frozenset[int] | None = None
        self._subs: list[tuple[Any, Any]] = []
        self._awareness_sub: str | None = None
        self.guid = str(room.ydoc.guid)

    # -- observers ------------------------------------------------------------------------------

    def attach(self) -> None:
        self._awareness_sub = self.room.awareness.observe(self._on_awareness)
        self._subs.append((self.room.ydoc, self.room.ydoc.observe(self._on_transaction)))
        text = self.text()
        if text is not None:
            self._subs.append((text, text.observe(self._on_text)))

    def detach(self) -> None:
        if self._awareness_sub is not None:
            try:
                self.room.awareness.unobserve(self._awareness_sub)
            except KeyError:
                pass
            self._awareness_sub = None
        for target, sub in self._subs:
            try:
                target.unobserve(sub)
            except Exception:  # the document may already be gone
                pass
        self._subs.clear()

    def text(self) -> Text | None:
        if self.kind != "file":
            return None
        return self.room.ydoc.get("source", type=Text)

    def cell_text(self, cell_id: str) -> Text | None:
        """The source of notebook cell `cell_id` in the live document."""
        if self.kind != "notebook":
            return None
        from pycrdt import Array

        for cell in self.room.ydoc.get("cells", type=Array):
            try:
                if cell.get("id") == cell_id:
                    source = cell.get("source")
                    return source if isinstance(source, Text) else None
            except AttributeError:
                continue
        return None

    def _on_awareness(self, topic: str, changes: tuple[dict[str, Any], Any]) -> None:
        if topic != "change":
            return
        now = time.time()
        states = self.room.awareness.states
        own = self.room.awareness.client_id
        delta = changes[0]
        for cid in list(delta.get("added", [])) + list(delta.get("updated", [])):
            if cid == own:
                continue
            user = (states.get(cid) or {}).get("user") or {}
            username = user.get("username") if isinstance(user, dict) else None
            if username in self.members:
                self.client_user[cid] = username
                self.members[username].last_active = now
                self._last_cursor = (now, username)
            else:
                self.client_user.pop(cid, None)
        for cid in delta.get("removed", []):
            self.client_user.pop(cid, None)
        self.on_change(self, "awareness", None)

    def _on_text(self, event: Any) -> None:
        pos, lo, hi = 0, None, None
        for op in event.delta:
            if "retain" in op:
                pos += op["retain"]
            elif "insert" in op:
                size = len(op["insert"].encode()) if isinstance(op["insert"], str) else 1
                lo = pos if lo is None else min(lo, pos)
                hi = max(hi or 0, pos + size)
                pos += size
            elif "delete" in op:
                lo = pos if lo is None else min(lo, pos)
                hi = max(hi or 0, pos)
        if lo is None:
            return
        data = str(event.target).encode()
        self._pending_lines = (line_of(data, lo), line_of(data, max(lo, hi - 1)))

    def _on_transaction(self, event: Any) -> None:
        lines, self._pending_lines = self._pending_lines, None
        lock = getattr(self.room, "_update_lock", None)
        if lock is not None and lock.locked():  # the room is (re)loading the file from disk
            self.on_change(self, "edit", Edit(None, lines, disk=True))
            return
        before, after = decode_state(event.before_state), decode_state(event.after_state)
        writers = {c for c, clock in after.items() if clock > before.get(c, 0)}
        writers -= {0, self.room.ydoc.client_id}
        username = next((self.client_user[c] for c in writers if c in self.client_user), None)
        now = time.time()
        if username is None and not writers and self._last_cursor:
            at, who = self._last_cursor
            if now - at <= ATTRIBUTE_DELETES_S:
                username = who
        if username is None and len(self.members) == 1:  # one person in the room: theirs
            username = next(iter(self.members))
        if username in self.members:
            m = self.members[username]
            m.last_edit = m.last_active = now
        self.last_edit = (now, username)
        self.on_change(self, "edit", Edit(username, lines))

    # -- members --------------------------------------------------------------------------------

    def clients_changed(self) -> bool:
        """True when the room's connections differ from those of the last `sync_members` (cheap:
        awareness changes arrive with every keystroke, connections rarely change)."""
        return frozenset(map(id, list(self.room.clients))) != self._clients_seen

    def sync_members(self, now: float) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Update members from the room's authenticated connections: (joined, left)."""
        seen: dict[str, tuple[dict[str, Any], int]] = {}
        clients = list(self.room.clients)
        self._clients_seen = frozenset(map(id, clients))
        for client in clients:
            identity = user_json(getattr(client, "current_user", None))
            if identity is None:
                continue
            prev = seen.get(identity["username"])
            seen[identity["username"]] = (identity, (prev[1] if prev else 0) + 1)
        joined, left = [], []
        for username, (identity, n) in seen.items():
            m = self.members.get(username)
            if m is None:
                self.members[username] = Member(identity, now, now, connections=n)
                joined.append(identity)
            else:
                m.identity, m.connections = identity, n
        for username in list(self.members):
            if username not in seen:
                left.append(self.members.pop(username).identity)
                for cid in [c for c, u in self.client_user.items() if u == username]:
                    del self.client_user[cid]
        return joined, left

    # -- view -----------------------------------------------------------------------------------

    def view(self, now: float, idle_after_s: float) -> dict[str, Any]:
        text = self.text()
        data = str(text).encode() if text is not None else b""
        state = decode_state(self.room.ydoc.get_state()) if text is not None else {}
        users = []
        for username, m in sorted(self.members.items()):
            cursors = self._cursors(username, text, data, state)
            users.append(
                {
                    **m.identity,
                    "lines": sorted({c["line"] for c in cursors}),
                    "cursors": cursors,
                    "active": now - m.last_active < idle_after_s,
                    "joined_at": m.joined_at,
                    "last_active": m.last_active,
                    "last_edit": m.last_edit,
                }
            )
        last = None
        if self.last_edit is not None:
            last = {"time": self.last_edit[0], "username": self.last_edit[1]}
        return {
            "path": self.path,
            "room_id": self.room_id,
            "kind": self.kind,
            "users": users,
            "last_edit": last,
        }

    def _cursors(
        self, username: str, text: Text | None, data: bytes, state: dict[int, int]
    ) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        if text is None:
            return out
        states = self.room.awareness.states
        for cid, who in list(self.client_user.items()):
            if who != username:
                continue
            for c in (states.get(cid) or {}).get("cursors") or []:
                head = _offset(c.get("head"), text, state)
                anchor = _offset(c.get("anchor"), text, state)
                if head is None:
                    continue
                a = head if anchor is None else anchor
                lo, hi = sorted((line_of(data, a), line_of(data, head)))
                out.append({"line": line_of(data, head), "from_line": lo, "to_line": hi})
        return out


def _offset(pos: Any, text: Text, state: dict[int, int]) -> int | None:
    if not isinstance(pos, dict):
        return None
    pos = {k: v for k, v in pos.items() if v is not None}  # Yjs writes absent fields as null
    if not _resolvable(pos, state):
        return None
    try:
        return StickyIndex.from_json(pos, text).get_index()
    except (ValueError, TypeError, RuntimeError) as e:
        log.debug("CodePark: cannot resolve a cursor %s: %s", pos, e)
        return None


@dataclass
class RoomRef:
    """What the service knows of a room id between sweeps."""

    tracked: TrackedRoom
    seen_at: float = field(default_factory=time.time)
