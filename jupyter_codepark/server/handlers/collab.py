"""/codepark/api/presence, activity, notes, notifications, hints: thin handlers over
:class:`jupyter_codepark.collab.CollabService`. The author of anything written is always the
server's current user, never a field of the request."""

from __future__ import annotations

import asyncio
import os
from typing import Any

from jupyter_server.auth.decorator import authorized
from jupyter_server.utils import url_path_join
from tornado import web

from ...collab import CollabService
from ...collab.rooms import user_json
from ...errors import InputTooLarge, InvalidInput, NotFound, PathOutsideRoot
from ..paths import relative_to_root, resolve_under_root
from ..results import float_arg, int_arg
from .base import CodeParkHandler

NOTE_STATES = ("open", "resolved", "outdated")
MAX_SHARE_BODY_BYTES = 4 * 2**20  # a shared run's request (its text is bounded again inside)


class CollabHandler(CodeParkHandler):
    async def service(self) -> CollabService:
        collab = self.codepark.collab
        await collab.ready()
        return collab

    def who(self) -> dict[str, Any]:
        who = user_json(self.current_user)
        if who is None:  # @web.authenticated ran first: cannot happen
            raise web.HTTPError(403)
        return who

    def file_path(self, value: Any, *, required: bool = True) -> tuple[str, str]:
        """(path relative to the root, absolute path) of a path argument."""
        if value is None or value == "":
            if required:
                raise InvalidInput("`path` is required.")
            return "", self.codepark.root_dir
        if not isinstance(value, str):
            raise InvalidInput("`path` must be a string.")
        abs_path = resolve_under_root(self.codepark.root_dir, value.strip("/") or ".")
        return relative_to_root(self.codepark.root_dir, abs_path), abs_path

    def abs_of(self, rel: str) -> str | None:
        try:
            return resolve_under_root(self.codepark.root_dir, rel)
        except (PathOutsideRoot, InvalidInput):
            return None


def note_id_arg(value: str) -> int:
    return int_arg(value, "note id", 0, 1, 2**31 - 1)


class PresenceHandler(CollabHandler):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        collab = await self.service()
        path = self.get_argument("path", None)
        rel = self.file_path(path)[0] if path else None
        self.write_json(collab.presence(rel))


class ActivityHandler(CollabHandler):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        collab = await self.service()
        path = self.get_argument("path", None)
        rel = self.file_path(path)[0] if path else None
        limit = int_arg(self.get_argument("limit", None), "limit", 100, 1, 1000)
        offset = int_arg(self.get_argument("offset", None), "offset", 0, 0, 10**9)
        since = float_arg(self.get_argument("since", None), "since")
        items, total = await collab.activity.list(
            path=rel or None,
            user=self.get_argument("user", None) or None,
            since=since,
            kind=self.get_argument("kind", None) or None,
            limit=limit,
            offset=offset,
        )
        self.write_json({"items": items, "total": total, "limit": limit, "offset": offset})


class SharedRunsHandler(CollabHandler):
    """POST a run's output to a file's activity (`run.shared`), for collaborators to see."""

    @web.authenticated
    @authorized
    async def post(self) -> None:
        collab = await self.service()
        if len(self.request.body or b"") > MAX_SHARE_BODY_BYTES:
            raise InputTooLarge(
                f"The request is over {MAX_SHARE_BODY_BYTES // 2**20} MiB: share text output only."
            )
        body = self.read_json()
        rel, abs_path = self.file_path(body.get("path"))
        if not await asyncio.to_thread(os.path.isfile, abs_path):
            raise NotFound(f"No file {rel or '/'!r} to share the output on.")
        row = await collab.share_run(
            self.who(), rel, body.get("line"), body.get("end_line"), body.get("cell_id"),
            body.get("result"),
        )  # fmt: skip
        self.write_json(row, status=201)


class NotesHandler(CollabHandler):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        collab = await self.service()
        state = self.get_argument("state", None) or None
        if state is not None and state not in NOTE_STATES:
            raise InvalidInput(f"`state` is one of {', '.join(NOTE_STATES)}.")
        path = self.get_argument("path", None)
        collab.sweep()  # anchor to rooms opened since the last sweep
        if path:
            rel, abs_path = self.file_path(path)
            notes = await collab.notes.refresh(rel, abs_path)
            if state:
                notes = [n for n in notes if n["state"] == state]
        else:
            notes = await collab.notes.list_all(state, self.abs_of)
        self.write_json({"items": notes, "total": len(notes)})

    @web.authenticated
    @authorized
    async def post(self) -> None:
        collab = await self.service()
        body = self.read_json()
        rel, abs_path = self.file_path(body.get("path"))
        collab.sweep()
        note = await collab.notes.create(
            self.who(), rel, abs_path, body.get("line"), body.get("end_line"),
            body.get("cell_id"), body.get("body"),
        )  # fmt: skip
        self.set_header(
            "Location", url_path_join(self.base_url, "codepark", "api", "notes", str(note["id"]))
        )
        self.write_json(note, status=201)


class NoteHandler(CollabHandler):
    @web.authenticated
    @authorized
    async def get(self, note_id: str) -> None:
        collab = await self.service()
        collab.sweep()
        self.write_json(await collab.notes.get(note_id_arg(note_id), self.abs_of))

    @web.authenticated
    @authorized
    async def patch(self, note_id: str) -> None:
        collab = await self.service()
        body = self.read_json()
        collab.sweep()
        note = await collab.notes.update(self.who(), note_id_arg(note_id), body, self.abs_of)
        self.write_json(note)

    @web.authenticated
    @authorized
    async def delete(self, note_id: str) -> None:
        collab = await self.service()
        await collab.notes.delete(self.who(), note_id_arg(note_id))
        self.set_status(204)
        self.finish()


class NoteRepliesHandler(CollabHandler):
    @web.authenticated
    @authorized
    async def post(self, note_id: str) -> None:
        collab = await self.service()
        body = self.read_json()
        collab.sweep()
        note = await collab.notes.reply(
            self.who(), note_id_arg(note_id), body.get("body"), self.abs_of
        )
        self.write_json(note, status=201)


class NotificationsHandler(CollabHandler):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        collab = await self.service()
        unread = self.get_argument("unread", "false").lower() in ("1", "true", "yes")
        limit = int_arg(self.get_argument("limit", None), "limit", 100, 1, 1000)
        offset = int_arg(self.get_argument("offset", None), "offset", 0, 0, 10**9)
        page = await collab.notes.notifications(self.who()["username"], unread, limit, offset)
        self.write_json(page)

    @web.authenticated
    @authorized
    async def patch(self) -> None:
        """Mark the current user's notifications (all, or `ids`) read or unread."""
        collab = await self.service()
        body = self.read_json()
        ids = body.get("ids")
        if ids is not None and (
            not isinstance(ids, list)
            or not all(
                isinstance(i, int) and not isinstance(i, bool) and 0 < i < 2**63 for i in ids
            )
        ):
            raise InvalidInput("`ids` must be a list of notification ids.")
        read = body.get("read", True)
        if not isinstance(read, bool):
            raise InvalidInput("`read` must be true or false.")
        n = await collab.notes.mark_read(self.who()["username"], ids, read)
        self.write_json({"updated": n})


class HintsHandler(CollabHandler):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        collab = await self.service()
        rel, abs_path = self.file_path(self.get_argument("path", None))
        if rel == "":
            raise NotFound("Hints are about a file; `path` names the server root.")
        collab.sweep()
        hints = await collab.hints.for_path(rel, abs_path, collab.touched(), collab.online_username)
        self.write_json(hints)
