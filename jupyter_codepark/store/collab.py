"""Rows of the collaboration tables: notes, replies, notifications, activity (blocking calls)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.engine import Connection

from .schema import activity, note_replies, notes, notifications

# -- notes ----------------------------------------------------------------------------------------


def insert_note(conn: Connection, values: dict[str, Any]) -> int:
    return conn.execute(notes.insert().values(**values)).inserted_primary_key[0]


def get_note(conn: Connection, note_id: int) -> dict[str, Any] | None:
    row = conn.execute(select(notes).where(notes.c.id == note_id)).mappings().first()
    return dict(row) if row else None


def list_notes(
    conn: Connection, path: str | None = None, state: str | None = None
) -> list[dict[str, Any]]:
    q = select(notes)
    if path is not None:
        q = q.where(notes.c.path == path)
    if state == "outdated":
        q = q.where(notes.c.outdated.is_(True))
    elif state is not None:
        q = q.where(notes.c.state == state)
    q = q.order_by(notes.c.path, notes.c.line, notes.c.id)
    return [dict(r) for r in conn.execute(q).mappings()]


def note_paths(conn: Connection) -> set[str]:
    return {r[0] for r in conn.execute(select(notes.c.path).distinct())}


def update_note(conn: Connection, note_id: int, **values: Any) -> None:
    conn.execute(update(notes).where(notes.c.id == note_id).values(**values))


def delete_note(conn: Connection, note_id: int) -> None:
    conn.execute(delete(note_replies).where(note_replies.c.note_id == note_id))
    conn.execute(delete(notes).where(notes.c.id == note_id))


def insert_reply(conn: Connection, values: dict[str, Any]) -> int:
    return conn.execute(note_replies.insert().values(**values)).inserted_primary_key[0]


def replies_of(conn: Connection, note_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    ids = list(note_ids)
    out: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    if not ids:
        return out
    q = (
        select(note_replies)
        .where(note_replies.c.note_id.in_(ids))
        .order_by(note_replies.c.created_at, note_replies.c.id)
    )
    for r in conn.execute(q).mappings():
        out[r["note_id"]].append(dict(r))
    return out


# -- notifications --------------------------------------------------------------------------------


def insert_notification(conn: Connection, values: dict[str, Any]) -> int:
    return conn.execute(notifications.insert().values(**values)).inserted_primary_key[0]


def list_notifications(
    conn: Connection, user: str, unread: bool, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int, int]:
    mine = notifications.c.user == user
    cond = and_(mine, notifications.c.read.is_(False)) if unread else mine
    total = conn.execute(select(func.count()).select_from(notifications).where(cond)).scalar()
    unread_n = conn.execute(
        select(func.count())
        .select_from(notifications)
        .where(and_(mine, notifications.c.read.is_(False)))
    ).scalar()
    q = (
        select(notifications)
        .where(cond)
        .order_by(notifications.c.created_at.desc(), notifications.c.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [dict(r) for r in conn.execute(q).mappings()], int(total or 0), int(unread_n or 0)


def mark_read(conn: Connection, user: str, ids: list[int] | None, read: bool) -> int:
    cond = notifications.c.user == user
    if ids is not None:
        cond = and_(cond, notifications.c.id.in_(ids))
    return conn.execute(update(notifications).where(cond).values(read=read)).rowcount


# -- activity -------------------------------------------------------------------------------------


def insert_activity(conn: Connection, row: dict[str, Any]) -> int:
    values = dict(row)
    if values.get("data") is not None and not isinstance(values["data"], str):
        values["data"] = json.dumps(values["data"])
    return conn.execute(activity.insert().values(**values)).inserted_primary_key[0]


def list_activity(
    conn: Connection,
    *,
    path: str | None,
    user: str | None,
    since: float | None,
    kind: str | None,
    limit: int,
    offset: int,
) -> tuple[list[dict[str, Any]], int]:
    conds = []
    if path:
        conds.append(
            or_(activity.c.path == path, activity.c.path.startswith(path + "/", autoescape=True))
        )
    if user:
        conds.append(activity.c.user == user)
    if since is not None:
        conds.append(activity.c.time >= since)
    if kind:
        conds.append(activity.c.kind == kind)
    where = and_(*conds) if conds else None
    count = select(func.count()).select_from(activity)
    q = select(activity).order_by(activity.c.time.desc(), activity.c.id.desc())
    if where is not None:
        count, q = count.where(where), q.where(where)
    total = conn.execute(count).scalar()
    rows = []
    for r in conn.execute(q.limit(limit).offset(offset)).mappings():
        row = dict(r)
        row["data"] = json.loads(row["data"]) if row["data"] else {}
        rows.append(row)
    return rows, int(total or 0)


def prune_activity(conn: Connection, before: float) -> int:
    return conn.execute(delete(activity).where(activity.c.time < before)).rowcount
