"""Facts from the last analysis of a repository and from its stored history (blocking calls)."""

from __future__ import annotations

import os
import posixpath
import re
import threading
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from ..analysis.git import run_git
from ..analysis.pipeline import AnalysisResult
from ..errors import CodeParkError
from ..store import Store
from ..store import history as rows
from ..store.schema import changes, commits

DAY_S = 86400


def find_repo_top(path: str) -> str | None:
    """The working-tree top of the git repository containing `path` (a `.git` entry found by
    walking up; no git process), or None."""
    here = path if os.path.isdir(path) else os.path.dirname(path)
    while True:
        if os.path.exists(os.path.join(here, ".git")):
            return os.path.realpath(here)
        parent = os.path.dirname(here)
        if parent == here:
            return None
        here = parent


@dataclass
class RepoFacts:
    """A repository as the store knows it: its row, its last analysis (None when not analysed)
    and queries on its mined history."""

    store: Store
    top: str
    row: dict[str, Any] | None
    result: AnalysisResult | None

    @property
    def repo_id(self) -> int | None:
        return self.row["id"] if self.row else None

    @property
    def head(self) -> str | None:
        return self.result.repository["head"] if self.result else None

    @property
    def name(self) -> str:
        return os.path.basename(self.top.rstrip("/"))

    def rel(self, abs_path: str) -> str:
        return os.path.relpath(abs_path, self.top).replace(os.sep, "/")

    def file(self, rel: str) -> dict[str, Any] | None:
        if not self.result:
            return None
        return self._files_by_path().get(rel)

    def _files_by_path(self) -> dict[str, dict[str, Any]]:
        cached = getattr(self, "_by_path", None)
        if cached is None:
            cached = {f["path"]: f for f in self.result.files} if self.result else {}
            self._by_path = cached
        return cached

    def hotspot_rank(self, rel: str) -> int | None:
        """1-based rank of the file among the hotspots (score > 0), or None."""
        if not self.result:
            return None
        ranks = getattr(self, "_ranks", None)
        if ranks is None:
            ranked = sorted(
                (f for f in self.result.files if f["hotspot_score"] > 0),
                key=lambda f: (-f["hotspot_score"], f["path"]),
            )
            ranks = self._ranks = {f["path"]: i for i, f in enumerate(ranked, 1)}
        return ranks.get(rel)

    def coupled(self, rel: str, limit: int = 5) -> list[dict[str, Any]]:
        """Files changing with `rel`: the analysis's coupling pairs, else raw co-change counts
        from the stored history (small repositories often have no pair past the thresholds)."""
        if self.result:
            pairs = [c for c in self.result.coupling if rel in (c["a"], c["b"])]
            if pairs:
                return [
                    {
                        "path": c["b"] if c["a"] == rel else c["a"],
                        "shared": c["shared"],
                        "degree": c["degree"],
                        "source": "coupling",
                    }
                    for c in pairs[:limit]
                ]
        return self.co_changes(rel, limit)

    def co_changes(self, rel: str, limit: int = 5) -> list[dict[str, Any]]:
        if self.repo_id is None:
            return []
        names = self._names(rel)
        with self.store.connect() as conn:
            shas = select(changes.c.sha).where(
                changes.c.repo_id == self.repo_id, changes.c.path.in_(names)
            )
            q = (
                select(changes.c.path, func.count(func.distinct(changes.c.sha)))
                .where(changes.c.repo_id == self.repo_id, changes.c.sha.in_(shas))
                .group_by(changes.c.path)
            )
            counts = {p: n for p, n in conn.execute(q) if p not in names}
        alive = self._files_by_path()
        ranked = sorted(
            ((p, n) for p, n in counts.items() if not alive or p in alive),
            key=lambda t: (-t[1], t[0]),
        )
        return [
            {"path": p, "shared": n, "degree": None, "source": "history"} for p, n in ranked[:limit]
        ]

    def _names(self, rel: str) -> list[str]:
        f = self.file(rel)
        return [rel, *(f["renamed_from"] if f else [])]

    def file_history(self, rel: str) -> list[dict[str, Any]]:
        """Commits that changed the file (and its former names), oldest first."""
        if self.repo_id is None:
            return []
        with self.store.connect() as conn:
            return rows.path_history(conn, self.repo_id, self._names(rel))

    def churn_by_path(self, start: float, end: float) -> dict[str, dict[str, int]]:
        """Commits and churn per path between two times (author time, merges excluded)."""
        if self.repo_id is None:
            return {}
        q = (
            select(changes.c.path, changes.c.added, changes.c.deleted, commits.c.author_name)
            .join(
                commits,
                (commits.c.repo_id == changes.c.repo_id) & (commits.c.sha == changes.c.sha),
            )
            .where(
                changes.c.repo_id == self.repo_id,
                commits.c.is_merge.is_(False),
                commits.c.author_time >= int(start),
                commits.c.author_time < int(end),
            )
        )
        out: dict[str, dict[str, Any]] = {}
        with self.store.connect() as conn:
            for path, added, deleted, author in conn.execute(q):
                r = out.setdefault(path, {"commits": 0, "churn": 0, "authors": Counter()})
                r["commits"] += 1
                r["churn"] += (added or 0) + (deleted or 0)
                r["authors"][author] += 1
        return out

    def last_commit_time(self) -> float | None:
        if not self.result:
            return None
        return self.result.summary.get("last_commit")

    def usages(self, name: str, limit: int = 20, timeout_s: float = 10) -> list[dict[str, Any]]:
        """Lines of tracked files that mention `name` as a word (git grep), definitions left
        out by the caller."""
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            return []
        try:
            out = run_git(
                ["grep", "-n", "-I", "-w", "-F", "--full-name", "-e", name, "--", "*.py"],
                self.top,
                timeout_s=timeout_s,
            )
        except CodeParkError:  # exit 1: no match
            return []
        found = []
        for line in out.decode("utf-8", "replace").splitlines():
            path, lineno, text = (line.split(":", 2) + ["", ""])[:3]
            if not lineno.isdigit():
                continue
            found.append({"path": path, "line": int(lineno), "text": text.strip()[:160]})
            if len(found) >= limit * 4:
                break
        return found

    def line_history(
        self, rel: str, line: int, end_line: int, timeout_s: float = 10
    ) -> list[dict[str, Any]]:
        """Commits that changed lines `line..end_line` of `rel` at HEAD (`git log -L`), newest
        first; empty when git cannot say (the file is new, the range is past its end)."""
        fmt = "%x1e%H%x1f%aN%x1f%at%x1f%s"
        try:
            out = run_git(
                ["log", "--use-mailmap", f"--format={fmt}", "-s", "-L", f"{line},{end_line}:{rel}"],
                self.top,
                timeout_s=timeout_s,
            )
        except CodeParkError:
            return []
        found = []
        for rec in out.decode("utf-8", "replace").split("\x1e"):
            parts = rec.strip().split("\x1f")
            if len(parts) == 4 and parts[2].isdigit():
                found.append(
                    {
                        "sha": parts[0],
                        "author": parts[1],
                        "time": int(parts[2]),
                        "subject": parts[3],
                    }
                )
        return found


class Workspace:
    """Finds the repository of a path and its last analysis; analyses are kept in memory until
    the repository is analysed again. Blocking: call from a thread."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._results: dict[int, tuple[float, AnalysisResult]] = {}

    def repo_row(self, top: str) -> dict[str, Any] | None:
        with self.store.connect() as conn:
            return rows.get_repo(conn, top)

    def analysed_head(self, top: str | None) -> str | None:
        """The head of the last analysis of the repository at `top` (cheap: one row)."""
        if top is None:
            return None
        row = self.repo_row(top)
        return row["analysed_head"] if row and row["analysed_at"] is not None else None

    def facts(self, top: str) -> RepoFacts:
        row = self.repo_row(top)
        if row is None or row["analysed_at"] is None:
            return RepoFacts(self.store, top, row, None)
        with self._lock:
            cached = self._results.get(row["id"])
        if cached and cached[0] == row["analysed_at"]:
            return RepoFacts(self.store, top, row, cached[1])
        with self.store.connect() as conn:
            tables = rows.load_results(conn, row["id"])
        if "meta" not in tables:
            return RepoFacts(self.store, top, row, None)
        result = AnalysisResult.from_tables(tables)
        with self._lock:
            self._results[row["id"]] = (row["analysed_at"], result)
        return RepoFacts(self.store, top, row, result)


def language_of(path: str) -> str:
    from ..analysis.metrics import language_for

    return language_for(path) or (posixpath.splitext(path)[1].lstrip(".").lower() or "other")
