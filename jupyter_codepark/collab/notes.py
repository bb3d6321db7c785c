"""Review notes anchored to code, their replies, and the notifications their @mentions send.

A note is anchored three ways at once: sticky indexes on the live document (they follow
everyone's edits), its last known line range, and the text of those lines (the snippet). While
a room is open, its notes are re-resolved after edits and the store keeps their current range
and text; with no room, the file on disk is compared with the snippet and searched (exactly, then
fuzzily, nearest to the old line) when it changed. A note whose lines are gone is `outdated`
and keeps its last text: it is never lost.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from pycrdt import Text

from ..errors import Forbidden, InvalidInput, NotFound
from ..store import Store
from ..store import collab as rows
from .activity import ActivityLog
from .anchors import (
    Place,
    decode_state,
    line_count,
    make_anchor,
    place_on_disk,
    resolve_anchor,
    snippet_of,
)
from .mentions import mentions

MAX_BODY_CHARS = 20_000
EXCERPT_CHARS = 140

RunIO = Callable[..., Awaitable[Any]]
Publish = Callable[..., None]


@dataclass
class LiveSource:
    """A text of a live document: the shared type, its document's guid, bytes and state."""

    text: Text
    guid: str
    data: bytes
    state: dict[int, int]

    @classmethod
    def of(cls, text: Text, guid: str) -> LiveSource:
        return cls(text, guid, str(text).encode(), decode_state(text.doc.get_state()))


def read_source(abs_path: str, cell_id: str | None) -> tuple[str, str]:
    """The text a note is anchored in (a file, or one cell of a notebook) and the file's
    signature (size and mtime: a change means look again). Blocking."""
    try:
        st = os.stat(abs_path)
        with open(abs_path, encoding="utf-8", errors="replace", newline="") as f:
            content = f.read()
    except (FileNotFoundError, NotADirectoryError):
        raise NotFound(f"No file {os.path.basename(abs_path)!r}.") from None
    except IsADirectoryError:
        raise InvalidInput("`path` must be a file, not a folder.") from None
    sig = f"{st.st_size}:{st.st_mtime_ns}"
    if cell_id is None:
        return content, sig
    try:
        cells = json.loads(content).get("cells", [])
    except (ValueError, AttributeError):
        raise InvalidInput(f"{abs_path} is not a notebook.") from None
    for cell in cells:
        if isinstance(cell, dict) and cell.get("id") == cell_id:
            source = cell.get("source", "")
            return ("".join(source) if isinstance(source, list) else str(source)), sig
    raise NotFound(f"No cell {cell_id!r} in the notebook.", reason="no-such-cell")


def user_ref(identity: dict[str, Any]) -> dict[str, Any]:
    return {"username": identity["username"], "display_name": identity.get("display_name")}


def note_json(row: dict[str, Any], replies: list[dict[str, Any]]) -> dict[str, Any]:
    state = row["state"]
    if row["outdated"] and state == "open":
        state = "outdated"
    return {
        "id": row["id"],
        "path": row["path"],
        "cell_id": row["cell_id"],
        "author": {"username": row["author"], "display_name": row["author_name"]},
        "body": row["body"],
        "state": state,
        "resolved": row["state"] == "resolved",
        "outdated": bool(row["outdated"]),
        "line": row["line"],
        "end_line": row["end_line"],
        "snippet": row["snippet"],
        "live": row["anchor"] is not None,
        "mentions": mentions(row["body"]),
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "resolved_by": row["resolved_by"],
        "resolved_at": row["resolved_at"],
        "replies": [
            {
                "id": r["id"],
                "author": {"username": r["author"], "display_name": r["author_name"]},
                "body": r["body"],
                "created_at": r["created_at"],
            }
            for r in replies
        ],
    }


def check_body(body: Any) -> str:
    if not isinstance(body, str) or not body.strip():
        raise InvalidInput("`body` must be a non-empty string (Markdown).")
    if len(body) > MAX_BODY_CHARS:
        raise InvalidInput(f"`body` is longer than {MAX_BODY_CHARS} characters.")
    return body


def check_line(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10_000_000:
        raise InvalidInput(f"`{name}` must be a line number (1 or more).")
    return value


class NotesService:
    def __init__(
        self,
        store: Store,
        run_io: RunIO,
        publish: Publish,
        activity: ActivityLog,
        live: Callable[[str, str | None], LiveSource | None],
        log: logging.Logger,
    ) -> None:
        self.store, self.run_io, self.publish, self.activity = store, run_io, publish, activity
        self.live, self.log = live, log
        self.paths: set[str] = set()  # files with notes: only these are re-resolved on edits
        self._locks: dict[str, asyncio.Lock] = {}

    async def load(self) -> None:
        def run() -> set[str]:
            with self.store.connect() as conn:
                return rows.note_paths(conn)

        self.paths = await asyncio.to_thread(run)

    # -- locating ---------------------------------------------------------------------------------

    def _locate(
        self, row: dict[str, Any], live: LiveSource | None, disk: tuple[str, str] | None
    ) -> dict[str, Any]:
        """Changes to store so that `row` says where its lines are now."""
        anchor = json.loads(row["anchor"]) if row["anchor"] else None
        if live is not None:
            place = resolve_anchor(anchor, live.text, live.guid, live.data, live.state)
            if place is not None:
                if place.outdated:
                    return {"outdated": True}
                return _place_values(place)
            # an anchor from another document, or none: find the lines by their text
            text = live.data.decode("utf-8", "replace")
            place = place_on_disk(text, row["line"], row["end_line"], row["snippet"])
            if place.outdated:
                return {"outdated": True, "anchor": None}
            new = make_anchor(live.text, live.guid, live.data, place.line, place.end_line)
            return {**_place_values(place), "anchor": json.dumps(new)}
        if disk is None:
            return {}
        text, sig = disk
        if row["file_sig"] == sig and anchor is None:
            return {}
        place = place_on_disk(text, row["line"], row["end_line"], row["snippet"])
        values: dict[str, Any] = {"file_sig": sig, "anchor": None, "outdated": place.outdated}
        if not place.outdated:
            values.update(_place_values(place))
        return values

    async def refresh(self, path: str, abs_path: str | None) -> list[dict[str, Any]]:
        """Re-resolve the notes of `path` against its live document or the file on disk, store
        what moved, and return the rows (each with its replies)."""
        lock = self._locks.setdefault(path, asyncio.Lock())
        async with lock:
            notes, replies = await asyncio.to_thread(self._load_path, path)
            changed: list[tuple[int, dict[str, Any]]] = []
            disk_cache: dict[str | None, tuple[str, str] | None] = {}
            for row in notes:
                cell = row["cell_id"]
                live = self.live(path, cell)
                disk = None
                if live is None and abs_path is not None:
                    if cell not in disk_cache:
                        disk_cache[cell] = await asyncio.to_thread(_try_read, abs_path, cell)
                    disk = disk_cache[cell]
                values = {k: v for k, v in self._locate(row, live, disk).items() if row[k] != v}
                if values:
                    row.update(values)
                    changed.append((row["id"], values))
            if changed:
                await self.run_io(self._store_changes, changed)
                self.publish(
                    "notes",
                    {"path": path, "moved": [self._brief(r) for r in notes if _in(r, changed)]},
                )
        return [note_json(r, replies.get(r["id"], [])) for r in notes]

    @staticmethod
    def _brief(row: dict[str, Any]) -> dict[str, Any]:
        return {k: row[k] for k in ("id", "line", "end_line", "outdated")}

    def _load_path(self, path: str) -> tuple[list[dict[str, Any]], dict[int, list[dict[str, Any]]]]:
        with self.store.connect() as conn:
            notes = rows.list_notes(conn, path)
            return notes, rows.replies_of(conn, [n["id"] for n in notes])

    def _store_changes(self, changed: list[tuple[int, dict[str, Any]]]) -> None:
        with self.store.begin() as conn:
            for note_id, values in changed:
                rows.update_note(conn, note_id, **values)

    # -- REST verbs -------------------------------------------------------------------------------

    async def create(
        self,
        who: dict[str, Any],
        path: str,
        abs_path: str,
        line: Any,
        end_line: Any,
        cell_id: Any,
        body: Any,
    ) -> dict[str, Any]:
        body = check_body(body)
        line = check_line(line, "line")
        end_line = line if end_line is None else check_line(end_line, "end_line")
        if end_line < line:
            raise InvalidInput("`end_line` must not be before `line`.")
        if cell_id is not None and not isinstance(cell_id, str):
            raise InvalidInput("`cell_id` must be a string.")
        if cell_id is None and path.endswith(".ipynb"):
            raise InvalidInput("A note on a notebook needs the `cell_id` of its cell.")
        live = self.live(path, cell_id)
        if live is not None:
            text, sig = live.data.decode("utf-8", "replace"), None
        else:
            text, sig = await asyncio.to_thread(read_source, abs_path, cell_id)
        if end_line > line_count(text):
            raise InvalidInput(f"{path} has {line_count(text)} lines; the note is beyond them.")
        anchor = None
        if live is not None:
            anchor = json.dumps(make_anchor(live.text, live.guid, live.data, line, end_line))
        now = time.time()
        values = {
            "path": path, "cell_id": cell_id, "author": who["username"],
            "author_name": who.get("display_name") or who["username"], "body": body,
            "state": "open", "outdated": False, "line": line, "end_line": end_line,
            "snippet": snippet_of(text, line, end_line), "anchor": anchor, "file_sig": sig,
            "created_at": now, "updated_at": now, "resolved_by": None, "resolved_at": None,
        }  # fmt: skip

        def insert() -> int:
            with self.store.begin() as conn:
                return rows.insert_note(conn, values)

        values["id"] = await self.run_io(insert)
        self.paths.add(path)
        note = note_json(values, [])
        await self._notify(who, mentions(body), values, None, body)
        self.publish("note", {"action": "added", "note": note})
        await self.activity.record(
            "note.added",
            who["username"],
            path,
            line,
            end_line,
            _with_cell({"note_id": values["id"]}, cell_id),
        )
        return note

    async def _row(self, note_id: int) -> dict[str, Any]:
        def get() -> dict[str, Any] | None:
            with self.store.connect() as conn:
                return rows.get_note(conn, note_id)

        row = await asyncio.to_thread(get)
        if row is None:
            raise NotFound(f"No note {note_id}.")
        return row

    async def get(self, note_id: int, abs_of: Callable[[str], str | None]) -> dict[str, Any]:
        row = await self._row(note_id)
        for note in await self.refresh(row["path"], abs_of(row["path"])):
            if note["id"] == note_id:
                return note
        raise NotFound(f"No note {note_id}.")

    async def update(
        self,
        who: dict[str, Any],
        note_id: int,
        changes: dict[str, Any],
        abs_of: Callable[[str], str | None],
    ) -> dict[str, Any]:
        unknown = set(changes) - {"body", "state"}
        if unknown:
            raise InvalidInput(f"Only `body` and `state` can change, not {sorted(unknown)}.")
        row = await self._row(note_id)
        values: dict[str, Any] = {}
        new_mentions: list[str] = []
        if "body" in changes:
            if row["author"] != who["username"]:
                raise Forbidden("Only the author of a note can edit its text.")
            body = check_body(changes["body"])
            old = set(mentions(row["body"]))
            new_mentions = [m for m in mentions(body) if m not in old]
            values["body"] = body
        state = changes.get("state")
        if "state" in changes and state not in ("open", "resolved"):
            raise InvalidInput("`state` is 'open' or 'resolved'.")
        now = time.time()
        if state is not None and state != row["state"]:
            values["state"] = state
            values["resolved_by"] = who["username"] if state == "resolved" else None
            values["resolved_at"] = now if state == "resolved" else None
        if values:
            values["updated_at"] = now

            def run() -> None:
                with self.store.begin() as conn:
                    rows.update_note(conn, note_id, **values)

            await self.run_io(run)
            row.update(values)
        if new_mentions:
            await self._notify(who, new_mentions, row, None, row["body"])
        if "state" in values:
            kind = "note.resolved" if state == "resolved" else "note.reopened"
            await self.activity.record(
                kind, who["username"], row["path"], row["line"], row["end_line"],
                _with_cell({"note_id": note_id}, row["cell_id"]),
            )  # fmt: skip
            if row["author"] != who["username"]:
                await self._notify_one(row["author"], kind.split(".")[1], who, row, None, None)
        note = await self.get(note_id, abs_of)
        if values:
            self.publish("note", {"action": "updated", "note": note})
        return note

    async def delete(self, who: dict[str, Any], note_id: int) -> None:
        row = await self._row(note_id)
        if row["author"] != who["username"]:
            raise Forbidden("Only the author of a note can delete it.")

        def run() -> None:
            with self.store.begin() as conn:
                rows.delete_note(conn, note_id)

        await self.run_io(run)
        self.publish("note", {"action": "deleted", "note": {"id": note_id, "path": row["path"]}})
        await self.activity.record(
            "note.deleted", who["username"], row["path"], row["line"], row["end_line"],
            _with_cell({"note_id": note_id}, row["cell_id"]),
        )  # fmt: skip

    async def reply(
        self, who: dict[str, Any], note_id: int, body: Any, abs_of: Callable[[str], str | None]
    ) -> dict[str, Any]:
        body = check_body(body)
        row = await self._row(note_id)
        now = time.time()
        values = {
            "note_id": note_id, "author": who["username"],
            "author_name": who.get("display_name") or who["username"], "body": body,
            "created_at": now,
        }  # fmt: skip

        def insert() -> int:
            with self.store.begin() as conn:
                reply_id = rows.insert_reply(conn, values)
                rows.update_note(conn, note_id, updated_at=now)
                return reply_id

        reply_id = await self.run_io(insert)
        mentioned = mentions(body)
        await self._notify(who, mentioned, row, reply_id, body)
        if row["author"] != who["username"] and row["author"] not in mentioned:
            await self._notify_one(row["author"], "reply", who, row, reply_id, body)
        await self.activity.record(
            "note.replied", who["username"], row["path"], row["line"], row["end_line"],
            _with_cell({"note_id": note_id, "reply_id": reply_id}, row["cell_id"]),
        )  # fmt: skip
        note = await self.get(note_id, abs_of)
        self.publish("note", {"action": "replied", "note": note})
        return note

    async def list_all(
        self, state: str | None, abs_of: Callable[[str], str | None]
    ) -> list[dict[str, Any]]:
        paths = sorted(self.paths)
        out: list[dict[str, Any]] = []
        for path in paths:
            out.extend(await self.refresh(path, abs_of(path)))
        if state:
            out = [n for n in out if n["state"] == state]
        return out

    # -- notifications ----------------------------------------------------------------------------

    async def _notify(
        self,
        who: dict[str, Any],
        names: list[str],
        note: dict[str, Any],
        reply_id: int | None,
        body: str,
    ) -> None:
        for name in names:
            if name != who["username"]:
                await self._notify_one(name, "mention", who, note, reply_id, body)

    async def _notify_one(
        self,
        user: str,
        kind: str,
        who: dict[str, Any],
        note: dict[str, Any],
        reply_id: int | None,
        body: str | None,
    ) -> None:
        values = {
            "user": user, "kind": kind, "actor": who["username"], "note_id": note["id"],
            "reply_id": reply_id, "path": note["path"], "line": note["line"],
            "excerpt": (body or "")[:EXCERPT_CHARS] or None, "created_at": time.time(),
            "read": False,
        }  # fmt: skip

        def insert() -> int:
            with self.store.begin() as conn:
                return rows.insert_notification(conn, values)

        values["id"] = await self.run_io(insert)
        self.publish("notification", {"notification": notification_json(values)}, to=user)

    async def notifications(
        self, user: str, unread: bool, limit: int, offset: int
    ) -> dict[str, Any]:
        def load() -> tuple[list[dict[str, Any]], int, int]:
            with self.store.connect() as conn:
                return rows.list_notifications(conn, user, unread, limit, offset)

        items, total, n_unread = await asyncio.to_thread(load)
        return {
            "items": [notification_json(r) for r in items],
            "total": total,
            "unread": n_unread,
            "limit": limit,
            "offset": offset,
        }

    async def mark_read(self, user: str, ids: list[int] | None, read: bool) -> int:
        def run() -> int:
            with self.store.begin() as conn:
                return rows.mark_read(conn, user, ids, read)

        return await self.run_io(run)


def notification_json(row: dict[str, Any]) -> dict[str, Any]:
    return {
        k: row[k] for k in ("id", "kind", "actor", "note_id", "reply_id", "path", "line", "excerpt")
    } | {"created_at": row["created_at"], "read": bool(row["read"])}


def _with_cell(data: dict[str, Any], cell_id: str | None) -> dict[str, Any]:
    """Activity data of a note, with its notebook cell (the feed opens the notebook there)."""
    return {**data, "cell_id": cell_id} if cell_id else data


def _place_values(place: Place) -> dict[str, Any]:
    return {
        "line": place.line,
        "end_line": place.end_line,
        "snippet": place.snippet,
        "outdated": False,
    }


def _try_read(abs_path: str, cell_id: str | None) -> tuple[str, str] | None:
    try:
        return read_source(abs_path, cell_id)
    except (OSError, InvalidInput, NotFound):
        return None  # the file is gone or unreadable: the note keeps its last place


def _in(row: dict[str, Any], changed: list[tuple[int, dict[str, Any]]]) -> bool:
    return any(row["id"] == i for i, _ in changed)
