"""`analyze()`: the notebook and CLI entry point."""

from __future__ import annotations

import os
from typing import Any

from ..store import Store
from .executors import Executor, make_executor
from .pipeline import AnalysisOptions, analyze_repository
from .report import Report
from .tables import CouplingFilter


def default_store_url() -> str:
    """The store the server uses by default: `$CODEPARK_STORE_URL`, else a SQLite file in the
    Jupyter data directory (so notebooks, the CLI and JupyterLab share results)."""
    env = os.environ.get("CODEPARK_STORE_URL")
    if env:
        return env
    from jupyter_core.paths import jupyter_data_dir

    return f"sqlite:///{os.path.join(jupyter_data_dir(), 'codepark', 'codepark.sqlite')}"


class TqdmProgress:
    """One tqdm.auto bar per phase (a widget in notebooks, text on a terminal)."""

    def __init__(self, leave: bool = True, disable: bool | None = None) -> None:
        self.leave, self.disable = leave, disable
        self.bars: dict[str, Any] = {}

    def __call__(self, phase: str, done: int, total: int | None) -> None:
        from tqdm.auto import tqdm

        bar = self.bars.get(phase)
        if bar is None:
            for other in self.bars.values():
                other.close()
            unit = {"mining": "commit", "metrics": "file"}.get(phase, "step")
            bar = self.bars[phase] = tqdm(
                total=total, desc=phase, unit=unit, leave=self.leave, disable=self.disable
            )
        if total is not None and bar.total != total:
            bar.total = total
        bar.update(done - bar.n)
        if total is not None and done >= total:
            bar.refresh()

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()


def analyze(
    path: str | os.PathLike[str] = ".",
    *,
    rev: str = "HEAD",
    since: str | None = None,
    store: Store | str | None = None,
    executor: Executor | str = "process",
    workers: int = 0,
    dask_address: str = "",
    progress: bool = True,
    as_of: float | None = None,
    min_revisions: int = 5,
    min_shared: int = 5,
    min_degree: float = 30.0,
    max_changeset: int = 30,
    max_file_kb: int = 1024,
) -> Report:
    """Analyse the git repository at `path` and return a :class:`Report` of DataFrames.

    Results are kept in the CodePark store (the same one JupyterLab uses, unless `store` says
    otherwise); analysing again reads only the new commits and the files that changed.
    `executor`: "process" (local pool), "thread" (inline), "dask" (with `dask_address`) or an
    Executor. The coupling thresholds and `max_changeset` follow code-maat's defaults.
    """
    st = store if isinstance(store, Store) else Store(store or default_store_url())
    ex = make_executor(executor, workers, dask_address) if isinstance(executor, str) else executor
    options = AnalysisOptions(
        rev=rev,
        since=since,
        max_changeset=max_changeset,
        coupling=CouplingFilter(min_revisions, min_shared, min_degree),
        max_file_bytes=max_file_kb * 1024,
    )
    bars = TqdmProgress(disable=not progress)
    try:
        result = analyze_repository(st, path, options, executor=ex, progress=bars, as_of=as_of)
    finally:
        bars.close()
        if isinstance(executor, str):
            ex.close()
    return Report(result, st)


def load_report(path: str | os.PathLike[str] = ".", *, store: Store | str | None = None) -> Report:
    """The last analysis of the repository at `path` from the store, without analysing again."""
    from ..errors import NotFound
    from ..store import history as rows
    from .git import open_repository
    from .pipeline import AnalysisResult

    st = store if isinstance(store, Store) else Store(store or default_store_url())
    repo = open_repository(path)
    with st.connect() as conn:
        known = rows.get_repo(conn, repo.path)
        tables = rows.load_results(conn, known["id"]) if known else {}
    if "meta" not in tables:
        raise NotFound(f"{repo.path} has not been analysed yet: run analyze() first.")
    return Report(AnalysisResult.from_tables(tables), st)
