"""How the code's metrics moved: the whole tree's totals after each of the last N commits
(what `wily build -n N` computes), from stored history and cached blob metrics. The cost
follows the distinct blobs involved, never commits x files, and no checkout is ever made."""

from __future__ import annotations

import threading
from typing import Any

from ..store import Store
from ..store import history as rows
from ..store.cache import MetricsCache
from .blobs import ls_tree
from .executors import Executor
from .git import RepoInfo, run_git
from .measure import Blob, cache_key, measure_blobs


def _parent(repo: RepoInfo, sha: str) -> str | None:
    out = run_git(["rev-list", "--parents", "-n", "1", "--end-of-options", sha], repo.path)
    parts = out.decode().split()
    return parts[1] if len(parts) > 1 else None


def code_history(
    store: Store,
    repo: RepoInfo,
    repo_id: int,
    *,
    last: int = 50,
    executor: Executor | None = None,
    max_bytes: int = 1_000_000,
    cancel: threading.Event | None = None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(totals per commit, metrics per changed file per commit) for the last `last` non-merge
    commits of the mined history, oldest first."""
    with store.connect() as conn:
        commits = [c for c in rows.load_commits(conn, repo_id) if not c["is_merge"]][-last:]
        changes = rows.changes_of(conn, repo_id, [c["sha"] for c in commits]) if commits else {}
    if not commits:
        return [], []
    base = _parent(repo, commits[0]["sha"])
    tree = {e.path: e.blob for e in ls_tree(repo, base) if not e.is_symlink} if base else {}
    blobs = [Blob(p, b) for p, b in tree.items()]
    for c in commits:
        blobs += [Blob(ch["path"], ch["blob"]) for ch in changes.get(c["sha"], []) if ch["blob"]]
    metrics = measure_blobs(
        repo, blobs, MetricsCache(store), executor=executor, max_bytes=max_bytes, cancel=cancel
    )
    current = {p: metrics[cache_key(p, b)] for p, b in tree.items()}
    totals, per_file = [], []
    for c in commits:
        for ch in changes.get(c["sha"], []):
            if ch["old_path"]:
                current.pop(ch["old_path"], None)
            if ch["status"] == "D" or not ch["blob"]:
                current.pop(ch["path"], None)
                continue
            m = metrics[cache_key(ch["path"], ch["blob"])]
            current[ch["path"]] = m
            per_file.append(
                {"sha": c["sha"], "time": c["author_time"], "path": ch["path"],
                 "loc": m.get("loc"), "complexity": m.get("complexity"),
                 "maintainability": m.get("maintainability")}
            )  # fmt: skip
        mis = [m["maintainability"] for m in current.values() if m.get("maintainability")]
        totals.append(
            {
                "sha": c["sha"],
                "time": c["author_time"],
                "author": c["author_name"],
                "subject": c["subject"],
                "files": len(current),
                "loc": sum(m.get("loc") or 0 for m in current.values()),
                "complexity": sum(m.get("complexity") or 0 for m in current.values()),
                "maintainability": round(sum(mis) / len(mis), 4) if mis else None,
            }
        )
    return totals, per_file
