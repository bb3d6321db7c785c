"""One analysis of a repository: mining -> metrics -> aggregation, persisted in the store.

History is mined once: the fold reached at a head is saved with it, and the next analysis mines
only the commits after that head (a full re-mine when the history was rewritten or the history
options changed). A crash at any point leaves the store as the last finished step left it.
"""

from __future__ import annotations

import json
import os
import pickle
import threading
import time
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from ..errors import UnknownRevision
from ..store import Store
from ..store import history as rows
from ..store.cache import MetricsCache
from .aggregate import DEFAULT_BUGFIX_PATTERN, DEFAULT_MAX_CHANGESET, FOLD_VERSION, HistoryFold
from .blobs import ls_tree
from .executors import Executor
from .git import RepoInfo, is_ancestor, open_repository, resolve_rev, run_git
from .history import iter_commits
from .measure import Blob, cache_key, measure_blobs
from .tables import (
    CouplingFilter,
    author_records,
    bus_factor,
    coupling_records,
    file_records,
    folder_records,
    timeline_records,
)

PHASES = ("mining", "metrics", "aggregation")
ProgressFn = Callable[[str, int, int | None], None]  # phase, done, total
SYMLINK_MODE = "120000"


@dataclass(frozen=True)
class AnalysisOptions:
    rev: str = "HEAD"
    since: str | None = None
    max_changeset: int = DEFAULT_MAX_CHANGESET
    bugfix_pattern: str = DEFAULT_BUGFIX_PATTERN
    coupling: CouplingFilter = field(default_factory=CouplingFilter)
    max_file_bytes: int = 1_000_000

    def history_key(self) -> str:
        """What the mined history depends on: a change of any of these means a full re-mine."""
        return json.dumps(
            {
                "since": self.since,
                "max_changeset": self.max_changeset,
                "bugfix_pattern": self.bugfix_pattern,
                "fold": FOLD_VERSION,
            },
            sort_keys=True,
        )

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> AnalysisOptions:
        d = dict(d)
        if isinstance(d.get("coupling"), dict):
            d["coupling"] = CouplingFilter(**d["coupling"])
        return cls(**d)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class AnalysisResult:
    repo_id: int
    repository: dict[str, Any]  # path, name, head, branch, rev
    mode: str  # "full" | "incremental" | "unchanged"
    new_commits: int
    as_of: float
    summary: dict[str, Any]
    files: list[dict[str, Any]]
    authors: list[dict[str, Any]]
    coupling: list[dict[str, Any]]
    coupling_stats: dict[str, int]
    timeline: list[dict[str, Any]]
    folders: list[dict[str, Any]]
    functions: list[dict[str, Any]]
    options: AnalysisOptions

    TABLES = ("files", "authors", "coupling", "timeline", "folders", "functions")

    def tables(self) -> dict[str, Any]:
        """Everything needed to rebuild this result from the store."""
        out: dict[str, Any] = {t: getattr(self, t) for t in self.TABLES}
        out["meta"] = {
            "repo_id": self.repo_id,
            "repository": self.repository,
            "mode": self.mode,
            "new_commits": self.new_commits,
            "as_of": self.as_of,
            "summary": self.summary,
            "coupling_stats": self.coupling_stats,
            "options": self.options.to_dict(),
        }
        return out

    @classmethod
    def from_tables(cls, tables: dict[str, Any]) -> AnalysisResult:
        meta = dict(tables["meta"])
        meta["options"] = AnalysisOptions.from_dict(meta["options"])
        return cls(**meta, **{t: tables[t] for t in cls.TABLES})


def _noop(phase: str, done: int, total: int | None) -> None:
    pass


def count_commits(repo: RepoInfo, head: str, exclude: str | None, since: str | None) -> int:
    argv = ["rev-list", "--count"]
    if since:
        argv.append(f"--since={since}")
    argv += ["--end-of-options", head] + ([f"^{exclude}"] if exclude else [])
    return int(run_git(argv, repo.path).decode().strip() or 0)


def _ancestor(repo: RepoInfo, old: str, new: str) -> bool:
    try:
        return is_ancestor(repo, old, new)
    except UnknownRevision:  # rewritten and garbage-collected
        return False


def mine(
    store: Store,
    repo: RepoInfo,
    head: str,
    options: AnalysisOptions,
    progress: ProgressFn,
    cancel: threading.Event | None,
) -> tuple[int, HistoryFold, str, int]:
    """Bring the stored history of `repo` up to `head`; return (repo_id, fold, mode, new)."""
    name = os.path.basename(repo.path.rstrip("/")) or repo.path
    key = options.history_key()
    with store.begin() as conn:
        repo_id = rows.ensure_repo(conn, repo.path, name)
        known = rows.get_repo(conn, repo.path)
        state = rows.load_state(conn, repo_id)
        fold: HistoryFold | None = None
        exclude = None
        mode = "full"
        start_seq = 0
        if state and known and known["mined_since"] == key and state[1] == FOLD_VERSION:
            old_head = state[0]
            if old_head == head or _ancestor(repo, old_head, head):
                fold = pickle.loads(zlib.decompress(state[2]))
                exclude = old_head
                mode = "unchanged" if old_head == head else "incremental"
                start_seq = known["mined_seq"] or 0
        if fold is None:
            rows.reset_history(conn, repo_id)
            fold = HistoryFold(options.max_changeset, options.bugfix_pattern)
        else:
            rows.drop_unfinished(conn, repo_id, start_seq)
    if mode == "unchanged":
        progress("mining", 0, 0)
        return repo_id, fold, mode, 0
    total = count_commits(repo, head, exclude, options.since)
    progress("mining", 0, total)
    n = 0
    with rows.HistoryWriter(store, repo_id, start_seq) as writer:
        for commit in iter_commits(
            repo,
            head,
            since=options.since,
            exclude=exclude,
            oldest_first=True,  # renames are followed forwards
            cancel=cancel,
            progress=lambda k: progress("mining", k, total),
        ):
            fold.add(commit)
            writer.add(commit)
            n += 1
    blob = zlib.compress(pickle.dumps(fold, protocol=pickle.HIGHEST_PROTOCOL), 1)
    with store.begin() as conn:  # the mined rows count from here on
        rows.save_state(conn, repo_id, head, FOLD_VERSION, blob)
        rows.update_repo(conn, repo_id, mined_head=head, mined_since=key, mined_seq=writer.seq)
    progress("mining", n, n)
    return repo_id, fold, mode, n


def analyze_repository(
    store: Store,
    path: str | os.PathLike[str],
    options: AnalysisOptions | None = None,
    *,
    executor: Executor | None = None,
    progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
    as_of: float | None = None,
) -> AnalysisResult:
    """Analyse the repository at `path` (blocking; run it in a thread from async code)."""
    options = options or AnalysisOptions()
    progress = progress or _noop
    as_of = time.time() if as_of is None else as_of
    repo = open_repository(path)
    head = resolve_rev(repo, options.rev)
    repo_id, fold, mode, new = mine(store, repo, head, options, progress, cancel)

    tree = [e for e in ls_tree(repo, head) if e.mode != SYMLINK_MODE]
    blobs = [Blob(e.path, e.blob, e.size) for e in tree]
    by_key = measure_blobs(
        repo,
        blobs,
        MetricsCache(store),
        executor=executor,
        max_bytes=options.max_file_bytes,
        progress=lambda d, t: progress("metrics", d, t),
        cancel=cancel,
    )
    metrics = {b.path: by_key[cache_key(b.path, b.blob)] for b in blobs}

    progress("aggregation", 0, None)
    paths = [e.path for e in tree]
    files = file_records(fold, paths, metrics, as_of=as_of)
    coupling, coupling_stats = coupling_records(fold, set(paths), options.coupling)
    authors = author_records(fold)
    functions = [{"path": p, **fn} for p in paths for fn in (metrics[p].get("functions") or [])]
    languages = Counter(r["language"] for r in files if r["language"])
    summary = {
        "commits": fold.commits,
        "merges": fold.merges,
        "authors": len(fold.authors),
        "files": len(files),
        "loc": sum(r["loc"] or 0 for r in files),
        "bus_factor": bus_factor({k: a.added + a.deleted for k, a in fold.authors.items()}),
        "languages": dict(languages.most_common()),
        "first_commit": fold.first_time,
        "last_commit": fold.last_time,
        "errors": sum(1 for r in files if r["error"]),
        "coupling": coupling_stats,
    }
    repository = {
        "path": repo.path,
        "name": os.path.basename(repo.path.rstrip("/")),
        "head": head,
        "branch": repo.branch,
        "rev": options.rev,
    }
    result = AnalysisResult(
        repo_id=repo_id,
        repository=repository,
        mode=mode,
        new_commits=new,
        as_of=as_of,
        summary=summary,
        files=files,
        authors=authors,
        coupling=coupling,
        coupling_stats=coupling_stats,
        timeline=timeline_records(fold),
        folders=folder_records(files, fold),
        functions=functions,
        options=options,
    )
    with store.begin() as conn:
        rows.save_results(conn, repo_id, result.tables())
        rows.update_repo(
            conn,
            repo_id,
            analysed_head=head,
            analysed_rev=options.rev,
            branch=repo.branch,
            analysed_at=as_of,
            summary=summary,
        )
    progress("aggregation", 1, 1)
    return result
