"""A finished analysis as pandas DataFrames (notebooks) and as the documented JSON contract."""

from __future__ import annotations

import threading
from functools import cached_property
from typing import TYPE_CHECKING, Any

from ..errors import NotFound
from ..store import Store
from ..store import history as rows
from ..store.cache import MetricsCache
from .executors import Executor
from .git import open_repository
from .measure import Blob, cache_key, measure_blobs
from .pipeline import AnalysisResult

if TYPE_CHECKING:
    import pandas as pd

JSON_VERSION = 1
CITY_COMMIT_STEPS_MAX = 600  # above this many commits the city's time slider steps by week
FILE_FIELDS = (
    "path", "revisions", "added", "deleted", "authors", "main_author", "ownership", "age_days",
    "loc", "complexity", "max_complexity", "maintainability", "hotspot_score", "language", "error",
)  # fmt: skip


def _frame(records: list[dict[str, Any]], columns: list[str] | None = None) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame.from_records(records, columns=columns)


def _times(df: pd.DataFrame, *cols: str) -> pd.DataFrame:
    import pandas as pd

    for col in cols:
        if col in df:
            df[col] = pd.to_datetime(df[col], unit="s", utc=True)
    return df


class Report:
    """Tables of one analysis. Every table is a fresh pandas DataFrame."""

    def __init__(
        self, result: AnalysisResult, store: Store, executor: Executor | None = None
    ) -> None:
        self.result = result
        self.store = store
        self.executor = executor

    def __repr__(self) -> str:
        s = self.summary
        return (
            f"<CodePark report {self.result.repository['name']}@"
            f"{self.result.repository['head'][:10]}: {s['commits']} commits, "
            f"{s['authors']} authors, {s['files']} files, bus factor {s['bus_factor']}>"
        )

    @property
    def repository(self) -> dict[str, Any]:
        return dict(self.result.repository)

    @property
    def summary(self) -> dict[str, Any]:
        return dict(self.result.summary)

    @property
    def bus_factor(self) -> int:
        return self.result.summary["bus_factor"]

    @property
    def files(self) -> pd.DataFrame:
        df = _times(_frame(self.result.files), "first_seen", "last_change")
        df.index = df["path"].rename(None)  # look files up by path; "path" stays a column
        return df

    @property
    def hotspots(self) -> pd.DataFrame:
        df = self.files
        df = df[df["hotspot_score"] > 0]
        return df.sort_values(["hotspot_score", "path"], ascending=[False, True])

    @property
    def folders(self) -> pd.DataFrame:
        df = _frame(self.result.folders)
        df.index = df["folder"].rename(None)
        return df

    @property
    def coupling(self) -> pd.DataFrame:
        return _frame(self.result.coupling, ["a", "b", "shared", "degree"])

    @property
    def authors(self) -> pd.DataFrame:
        return _times(_frame(self.result.authors), "first_commit", "last_commit")

    @property
    def timeline(self) -> pd.DataFrame:
        cols = ["week", "by", "key", "commits", "added", "deleted"]
        return _times(_frame(self.result.timeline, cols), "week")

    @property
    def functions(self) -> pd.DataFrame:
        return _frame(self.result.functions)

    @cached_property
    def _commits(self) -> list[dict[str, Any]]:
        with self.store.connect() as conn:
            return rows.load_commits(conn, self.result.repo_id)

    @property
    def commits(self) -> pd.DataFrame:
        df = _frame(self._commits).drop(columns=["repo_id"], errors="ignore")
        return _times(df, "author_time", "committer_time")

    def history_frame(self) -> pd.DataFrame:
        """Every change of every non-merge commit, oldest commit first: columns ``seq, sha,
        time, path, added, deleted, status, blob`` (``time`` is the author time, tz-aware UTC).
        A rename is the new path's ``R`` row preceded by a ``D`` row of the old path, as
        ``CodeCity``'s history input expects, so the building of the old name disappears."""
        import pandas as pd

        commits = [c for c in self._commits if not c["is_merge"]]
        with self.store.connect() as conn:
            by_sha = rows.changes_of(conn, self.result.repo_id, [c["sha"] for c in commits])
        out: list[tuple[Any, ...]] = []
        for c in commits:
            head = (c["seq"], c["sha"], c["author_time"])
            for ch in sorted(by_sha.get(c["sha"], ()), key=lambda ch: ch["path"]):
                status = (ch["status"] or "M")[:1]
                if status == "R" and ch["old_path"]:
                    out.append((*head, ch["old_path"], 0, 0, "D", None))
                added, deleted = ch["added"] or 0, ch["deleted"] or 0
                out.append((*head, ch["path"], added, deleted, status, ch["blob"]))
        cols = ["seq", "sha", "time", "path", "added", "deleted", "status", "blob"]
        return _times(pd.DataFrame(out, columns=cols), "time")

    def city(self, **kw: Any) -> Any:
        """A :class:`~jupyter_codepark.widgets.CodeCity` of the files table that replays the
        history (``history_frame``). Keywords go to ``CodeCity`` (``height``, ``color``,
        ``bucket``, ``title``, ...); by default coupling comes from this report and the time
        slider steps by commit, or by week above 600 commits."""
        from ..widgets import CodeCity

        history = kw.pop("history", None)
        if history is None:
            history = self.history_frame()
        if "bucket" not in kw:
            commits = history["sha"].nunique() if "sha" in history.columns else 0
            kw["bucket"] = "week" if commits > CITY_COMMIT_STEPS_MAX else "commit"
        kw.setdefault("coupling", self.coupling)
        kw.setdefault("title", self.result.repository.get("name", ""))
        return CodeCity(self.files, history if len(history) else None, **kw)

    def dashboard(self, **kw: Any) -> Any:
        """The city, its controls, the hotspot table and the charts in one linked ipywidgets
        layout (see :class:`~jupyter_codepark.widgets.dashboard.Dashboard`)."""
        from ..widgets.dashboard import Dashboard

        return Dashboard(self, **kw)

    def trend(self, path: str, *, cancel: threading.Event | None = None) -> pd.DataFrame:
        """Complexity, maintainability and size of `path` after each commit that changed it,
        following renames (computed from blobs; cached, so each version is measured once)."""
        record = next((r for r in self.result.files if r["path"] == path), None)
        if record is None:
            raise NotFound(f"{path} is not a file of the analysed tree.")
        names = [path, *record["renamed_from"]]
        with self.store.connect() as conn:
            changes = rows.path_history(conn, self.result.repo_id, names)
        versions = [c for c in changes if c["blob"] and c["status"] != "D"]
        repo = open_repository(self.result.repository["path"])
        blobs = [Blob(c["path"], c["blob"]) for c in versions]
        metrics = measure_blobs(
            repo,
            blobs,
            MetricsCache(self.store),
            executor=self.executor,
            max_bytes=self.result.options.max_file_bytes,
            cancel=cancel,
        )
        out = []
        for c in versions:
            m = metrics[cache_key(c["path"], c["blob"])]
            out.append(
                {
                    "sha": c["sha"],
                    "time": c["author_time"],
                    "author": c["author_name"],
                    "subject": c["subject"],
                    "path": c["path"],
                    "added": c["added"],
                    "deleted": c["deleted"],
                    "loc": m.get("loc"),
                    "sloc": m.get("sloc"),
                    "complexity": m.get("complexity"),
                    "max_complexity": m.get("max_complexity"),
                    "maintainability": m.get("maintainability"),
                    "error": m.get("error"),
                }
            )
        cols = ["sha", "time", "author", "subject", "path", "added", "deleted", "loc", "sloc",
                "complexity", "max_complexity", "maintainability", "error"]  # fmt: skip
        return _times(_frame(out, cols), "time")

    def code_history(self, last: int = 50) -> pd.DataFrame:
        """Totals of the whole tree (files, LOC, complexity, mean maintainability) after each of
        the last `last` commits, like `wily build -n last`, computed from cached blob metrics."""
        from .evolution import code_history

        repo = open_repository(self.result.repository["path"])
        totals, _ = code_history(
            self.store, repo, self.result.repo_id, last=last, executor=self.executor,
            max_bytes=self.result.options.max_file_bytes,
        )  # fmt: skip
        cols = ["sha", "time", "author", "subject", "files", "loc", "complexity",
                "maintainability"]  # fmt: skip
        return _times(_frame(totals, cols), "time")

    @cached_property
    def _search(self) -> Any:
        from ..ai.search import CodeSearch

        return CodeSearch(self.store, max_file_bytes=self.result.options.max_file_bytes)

    def search(self, question: str, limit: int = 10, *, progress: bool = False) -> pd.DataFrame:
        """Functions, classes, files and commits whose meaning is nearest to `question` (plain
        English), best first: columns ``kind, path, name, line, end_line, score, sha,
        subject``. Offline, with the e5-small model of the `[search]` extra; the first call
        embeds what is not indexed yet (never a blob twice), later calls take milliseconds."""
        from ..ai.search import results_frame

        bars = None
        if progress:
            from .api import TqdmProgress

            bars = TqdmProgress()
        try:
            answer = self._search.search(
                self.result.repository["path"], self.result.repository["head"], question, limit,
                progress=bars,
            )  # fmt: skip
        finally:
            if bars is not None:
                bars.close()
        return results_frame(answer)

    def to_json(self) -> dict[str, Any]:
        """The documented, stable JSON document (see README, "JSON contract")."""
        r = self.result
        return {
            "version": JSON_VERSION,
            "repository": r.repository,
            "analysed_at": r.as_of,
            "commits": r.summary["commits"],
            "merges": r.summary["merges"],
            "bus_factor": r.summary["bus_factor"],
            "languages": r.summary["languages"],
            "authors": [
                {k: a[k] for k in ("name", "email", "commits", "added", "deleted")}
                for a in r.authors
            ],
            "files": [{k: f[k] for k in FILE_FIELDS} for f in r.files],
            "coupling": r.coupling,
            "coupling_filter": {
                **r.options.coupling.__dict__,
                "max_changeset": r.options.max_changeset,
                "removed": r.coupling_stats,
            },
        }
