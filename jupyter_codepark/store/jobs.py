"""Rows of the `analyses` table: analysis jobs and their last known state."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from .schema import analyses

ACTIVE = ("queued", "running")


def _out(row: Any) -> dict[str, Any]:
    d = dict(row)
    d["options"] = json.loads(d["options"] or "{}")
    return d


def insert_job(conn: Connection, job: dict[str, Any]) -> None:
    conn.execute(
        analyses.insert().values(**{**job, "options": json.dumps(job["options"], sort_keys=True)})
    )


def update_job(conn: Connection, job_id: str, **values: Any) -> None:
    if "options" in values:
        values["options"] = json.dumps(values["options"], sort_keys=True)
    conn.execute(update(analyses).where(analyses.c.id == job_id).values(**values))


def get_job(conn: Connection, job_id: str) -> dict[str, Any] | None:
    row = conn.execute(select(analyses).where(analyses.c.id == job_id)).mappings().first()
    return _out(row) if row else None


def list_jobs(conn: Connection, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
    q = (
        select(analyses)
        .order_by(analyses.c.created_at.desc(), analyses.c.id)
        .limit(limit)
        .offset(offset)
    )
    return [_out(r) for r in conn.execute(q).mappings()]


def count_jobs(conn: Connection) -> int:
    from sqlalchemy import func

    return conn.execute(select(func.count()).select_from(analyses)).scalar() or 0


def find_done(conn: Connection, repo_path: str, head: str, options: dict[str, Any]) -> dict | None:
    """The newest finished job of this repository at this head with these options."""
    q = (
        select(analyses)
        .where(
            analyses.c.repo_path == repo_path,
            analyses.c.head == head,
            analyses.c.state == "done",
            analyses.c.options == json.dumps(options, sort_keys=True),
        )
        .order_by(analyses.c.finished_at.desc())
        .limit(1)
    )
    row = conn.execute(q).mappings().first()
    return _out(row) if row else None


def interrupt_active(conn: Connection, now: float) -> int:
    """Jobs left queued or running by a server that stopped: mark them `interrupted`."""
    res = conn.execute(
        update(analyses)
        .where(analyses.c.state.in_(ACTIVE))
        .values(state="interrupted", finished_at=now, error="The server stopped during the job.")
    )
    return res.rowcount or 0
