"""Mined history and results of each repository: rows in, rows out (no analysis logic here)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Connection

from .schema import changes, commits, file_stats, repo_state, repos
from .upsert import upsert

_BATCH = 2000


def get_repo(conn: Connection, path: str) -> dict[str, Any] | None:
    row = conn.execute(select(repos).where(repos.c.path == path)).mappings().first()
    return dict(row) if row else None


def get_repo_by_id(conn: Connection, repo_id: int) -> dict[str, Any] | None:
    row = conn.execute(select(repos).where(repos.c.id == repo_id)).mappings().first()
    return dict(row) if row else None


def list_repos(conn: Connection) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(select(repos).order_by(repos.c.path)).mappings()]


def ensure_repo(conn: Connection, path: str, name: str) -> int:
    row = get_repo(conn, path)
    if row:
        return row["id"]
    return conn.execute(repos.insert().values(path=path, name=name)).inserted_primary_key[0]


def update_repo(conn: Connection, repo_id: int, **values: Any) -> None:
    if "summary" in values and not isinstance(values["summary"], str):
        values["summary"] = json.dumps(values["summary"])
    conn.execute(update(repos).where(repos.c.id == repo_id).values(**values))


def reset_history(conn: Connection, repo_id: int) -> None:
    """Forget the mined history (the repository was rewritten or options changed)."""
    for table in (changes, commits, repo_state):
        conn.execute(delete(table).where(table.c.repo_id == repo_id))
    conn.execute(update(repos).where(repos.c.id == repo_id).values(mined_head=None))


def next_seq(conn: Connection, repo_id: int) -> int:
    n = conn.execute(select(func.max(commits.c.seq)).where(commits.c.repo_id == repo_id)).scalar()
    return 0 if n is None else n + 1


class HistoryWriter:
    """Buffers mined commits and writes them in batches on one connection (one transaction)."""

    def __init__(self, conn: Connection, repo_id: int, start_seq: int) -> None:
        self.conn, self.repo_id, self.seq = conn, repo_id, start_seq
        self._commits: list[dict[str, Any]] = []
        self._changes: list[dict[str, Any]] = []

    def add(self, c: Any) -> None:
        rid = self.repo_id
        self._commits.append(
            {
                "repo_id": rid, "sha": c.sha, "seq": self.seq, "parents": " ".join(c.parents),
                "author_name": c.author_name, "author_email": c.author_email,
                "author_time": c.author_time, "author_tz": c.author_tz,
                "committer_time": c.committer_time, "subject": c.subject,
                "is_merge": c.is_merge,
            }
        )  # fmt: skip
        self.seq += 1
        for ch in c.changes:
            self._changes.append(
                {
                    "repo_id": rid, "sha": c.sha, "path": ch.path, "old_path": ch.old_path,
                    "status": ch.status, "added": ch.added, "deleted": ch.deleted,
                    "binary": ch.binary, "blob": ch.blob,
                }
            )  # fmt: skip
        if len(self._changes) + len(self._commits) >= _BATCH:
            self.flush()

    def flush(self) -> None:
        if self._commits:
            self.conn.execute(commits.insert(), self._commits)
        if self._changes:
            self.conn.execute(changes.insert(), self._changes)
        self._commits, self._changes = [], []


def load_state(conn: Connection, repo_id: int) -> tuple[str, int, bytes] | None:
    row = conn.execute(
        select(repo_state.c.head, repo_state.c.version, repo_state.c.data).where(
            repo_state.c.repo_id == repo_id
        )
    ).first()
    return (row[0], row[1], row[2]) if row else None


def save_state(conn: Connection, repo_id: int, head: str, version: int, data: bytes) -> None:
    upsert(
        conn,
        repo_state,
        [{"repo_id": repo_id, "head": head, "version": version, "data": data}],
        ["repo_id"],
    )


def replace_file_stats(conn: Connection, repo_id: int, records: Sequence[dict[str, Any]]) -> None:
    conn.execute(delete(file_stats).where(file_stats.c.repo_id == repo_id))
    rows = [
        {"repo_id": repo_id, "path": r["path"], "data": json.dumps(r, separators=(",", ":"))}
        for r in records
    ]
    for i in range(0, len(rows), _BATCH):
        conn.execute(file_stats.insert(), rows[i : i + _BATCH])


def load_file_stats(conn: Connection, repo_id: int) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(file_stats.c.data).where(file_stats.c.repo_id == repo_id).order_by(file_stats.c.path)
    )
    return [json.loads(r[0]) for r in rows]


def load_commits(conn: Connection, repo_id: int) -> list[dict[str, Any]]:
    q = select(commits).where(commits.c.repo_id == repo_id).order_by(commits.c.seq)
    return [dict(r) for r in conn.execute(q).mappings()]


def path_history(conn: Connection, repo_id: int, paths: Iterable[str]) -> list[dict[str, Any]]:
    """Changes of the given paths (a file and its former names), oldest first, with commit facts."""
    q = (
        select(
            changes.c.sha, changes.c.path, changes.c.old_path, changes.c.status,
            changes.c.added, changes.c.deleted, changes.c.blob, commits.c.seq,
            commits.c.author_name, commits.c.author_time, commits.c.subject,
        )
        .join(commits, (commits.c.repo_id == changes.c.repo_id) & (commits.c.sha == changes.c.sha))
        .where(changes.c.repo_id == repo_id, changes.c.path.in_(list(paths)))
        .order_by(commits.c.seq)
    )  # fmt: skip
    return [dict(r) for r in conn.execute(q).mappings()]


def now() -> float:
    return time.time()
