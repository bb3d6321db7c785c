"""Mined history and results of each repository: rows in, rows out (no analysis logic here)."""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.engine import Connection

from .schema import changes, commits, repo_state, repos, results
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
    conn.execute(update(repos).where(repos.c.id == repo_id).values(mined_head=None, mined_seq=0))


def drop_unfinished(conn: Connection, repo_id: int, mined_seq: int) -> None:
    """Remove rows a mining run wrote past the last saved state (it was killed or failed)."""
    orphans = select(commits.c.sha).where(commits.c.repo_id == repo_id, commits.c.seq >= mined_seq)
    conn.execute(delete(changes).where(changes.c.repo_id == repo_id, changes.c.sha.in_(orphans)))
    conn.execute(delete(commits).where(commits.c.repo_id == repo_id, commits.c.seq >= mined_seq))


_COMMIT_COLS = (
    "repo_id", "sha", "seq", "parents", "author_name", "author_email", "author_time",
    "author_tz", "committer_time", "subject", "is_merge",
)  # fmt: skip
_CHANGE_COLS = (
    "repo_id", "sha", "path", "old_path", "status", "added", "deleted", "binary", "blob",
)  # fmt: skip


def _insert_sql(conn: Connection, table: str, columns: tuple[str, ...]) -> str:
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    quoted = ", ".join(conn.dialect.identifier_preparer.quote(c) for c in columns)
    return f"INSERT INTO {table} ({quoted}) VALUES ({', '.join([mark] * len(columns))})"


class HistoryWriter:
    """Writes mined commits in batches, each in a short transaction of its own, on a thread of
    its own (so the store's work overlaps git's). A long mining run never holds the store's write
    lock; rows past `repos.mined_seq` only count once the run saves its state (see
    `drop_unfinished`). Use it as a context manager: leaving it waits for every batch and raises
    the first write error."""

    def __init__(self, store: Any, repo_id: int, start_seq: int) -> None:
        self.store, self.repo_id, self.seq = store, repo_id, start_seq
        self._commits: list[tuple] = []
        self._changes: list[tuple] = []
        self._queue: queue.Queue = queue.Queue(maxsize=4)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="codepark-history-writer")
        self._thread.start()

    def __enter__(self) -> HistoryWriter:
        return self

    def __exit__(self, typ: Any, exc: Any, tb: Any) -> None:
        if typ is None:
            self.flush()
        self._queue.put(None)
        self._thread.join()
        if typ is None and self._error is not None:
            raise self._error

    def _run(self) -> None:
        while (batch := self._queue.get()) is not None:
            if self._error is not None:
                continue  # keep draining so the producer never blocks
            try:
                with self.store.begin() as conn:
                    # plain DBAPI executemany of tuples: a third of SQLAlchemy's per-row cost
                    for table, columns, rows_ in ((commits, _COMMIT_COLS, batch[0]),
                                                  (changes, _CHANGE_COLS, batch[1])):  # fmt: skip
                        if rows_:
                            conn.exec_driver_sql(_insert_sql(conn, table.name, columns), rows_)
            except BaseException as e:  # noqa: BLE001 (re-raised in the producer's thread)
                self._error = e

    def add(self, c: Any) -> None:
        rid, sha = self.repo_id, c.sha
        self._commits.append(
            (rid, sha, self.seq, " ".join(c.parents), c.author_name, c.author_email,
             c.author_time, c.author_tz, c.committer_time, c.subject, c.is_merge)
        )  # fmt: skip
        self.seq += 1
        for ch in c.changes:
            self._changes.append(
                (rid, sha, ch.path, ch.old_path, ch.status, ch.added, ch.deleted, ch.binary,
                 ch.blob)
            )  # fmt: skip
        if len(self._changes) + len(self._commits) >= _BATCH:
            self.flush()

    def flush(self) -> None:
        if self._error is not None:
            raise self._error
        if self._commits or self._changes:
            self._queue.put((self._commits, self._changes))
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


def save_results(conn: Connection, repo_id: int, tables: dict[str, Any]) -> None:
    """Replace the stored result tables of a repository (inside the caller's transaction)."""
    conn.execute(delete(results).where(results.c.repo_id == repo_id))
    conn.execute(
        results.insert(),
        [
            {"repo_id": repo_id, "kind": kind, "data": json.dumps(data, separators=(",", ":"))}
            for kind, data in tables.items()
        ],
    )


def load_results(
    conn: Connection, repo_id: int, kinds: Iterable[str] | None = None
) -> dict[str, Any]:
    q = select(results.c.kind, results.c.data).where(results.c.repo_id == repo_id)
    if kinds is not None:
        q = q.where(results.c.kind.in_(list(kinds)))
    return {kind: json.loads(data) for kind, data in conn.execute(q)}


def load_commits(conn: Connection, repo_id: int) -> list[dict[str, Any]]:
    q = select(commits).where(commits.c.repo_id == repo_id).order_by(commits.c.seq)
    return [dict(r) for r in conn.execute(q).mappings()]


def changes_of(conn: Connection, repo_id: int, shas: list[str]) -> dict[str, list[dict]]:
    """File changes of the given commits, by commit sha."""
    out: dict[str, list[dict]] = {}
    for i in range(0, len(shas), 500):
        q = select(changes).where(
            changes.c.repo_id == repo_id, changes.c.sha.in_(shas[i : i + 500])
        )
        for r in conn.execute(q).mappings():
            out.setdefault(r["sha"], []).append(dict(r))
    return out


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
