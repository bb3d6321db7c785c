"""History for the city's time travel, from the engine's sparse per-commit changes.

Input (either form):

- a list of commits ``{"time": datetime | ISO str | epoch s, "changes": [(path, added, deleted,
  status, blob), ...]}``, oldest first; ``status`` is git's letter (``A`` added, ``D`` deleted,
  ``M``/``R``/``C``/``T`` modified; a rename is the new path's ``R`` plus the old path's ``D``),
  ``blob`` the file's blob sha after the commit (or ``None``);
- a DataFrame with one row per change and columns ``time, path, added, deleted, status`` (and
  optionally ``blob``, ``sha``, ``seq``): what the store's ``changes`` joined with ``commits``
  (``author_time`` as ``time``) gives; commits are taken in ``seq`` order when present, else by
  time.

``step_frame`` turns it into one row per (step, path) where a step is a commit or a time bucket;
``metric_events`` gives a metric's value after each of those rows, anchored so that the last
step agrees with the files table.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

DAY_S = 86400.0
BUCKETS = {"commit": None, "day": "D", "week": "W-SUN", "month": "M"}  # weeks start on Monday
_NEW = {"A", "C", "R"}  # the path did not exist before such a change


def _epoch(values: Any) -> np.ndarray:
    s = pd.Series(values)
    if pd.api.types.is_numeric_dtype(s):
        return s.to_numpy(dtype=np.float64)
    t = pd.to_datetime(s, utc=True)
    return (t - pd.Timestamp(0, tz="UTC")).dt.total_seconds().to_numpy(dtype=np.float64)


def change_frame(history: Iterable[Mapping[str, Any]] | pd.DataFrame) -> pd.DataFrame:
    """One row per change: commit (ordinal), time (epoch s), path, added, deleted, status, blob."""
    if isinstance(history, pd.DataFrame):
        df = history.copy()
        missing = {"time", "path", "status"} - set(df.columns)
        if missing:
            raise ValueError(f"history frame lacks columns {sorted(missing)}")
        df["_t"] = _epoch(df["time"]) if len(df) else np.zeros(0)
        order = ["seq", "_t"] if "seq" in df.columns else ["_t"]  # the store's commit order
        df = df.sort_values(order, kind="stable")
        key = df["sha"] if "sha" in df.columns else df["_t"]
        df["commit"] = pd.factorize(key, sort=False)[0]
    else:
        rows: list[tuple] = []
        times: list[Any] = []
        for k, commit in enumerate(history):
            times.append(commit["time"])
            for ch in commit.get("changes", ()):
                path, added, deleted, status, *rest = ch
                rows.append((k, path, added, deleted, status, rest[0] if rest else None))
        cols = ["commit", "path", "added", "deleted", "status", "blob"]
        df = pd.DataFrame(rows, columns=cols)
        epoch = _epoch(times) if times else np.zeros(0)
        df["time"] = epoch[df["commit"].to_numpy()] if len(df) else np.zeros(0)
    df["time"] = _epoch(df["time"]) if len(df) else np.zeros(0)
    for col in ("added", "deleted"):
        df[col] = pd.to_numeric(df.get(col, 0), errors="coerce").fillna(0).astype(np.int64)
    if "blob" not in df.columns:
        df["blob"] = None
    df["status"] = df["status"].astype(str).str[:1].str.upper()
    df = df.sort_values("commit", kind="stable")  # commits in the given (topological) order
    return df[["commit", "time", "path", "added", "deleted", "status", "blob"]].reset_index(
        drop=True
    )


def step_frame(changes: pd.DataFrame, bucket: str = "commit") -> tuple[pd.DataFrame, np.ndarray]:
    """Collapse changes to one row per (step, path); returns (rows, step times in epoch s).

    Row columns: step, path, added, deleted, commits, status (of the last change in the step),
    first_status (of the path's first change in the whole history), blob, time.
    """
    if bucket not in BUCKETS:
        raise ValueError(f"bucket must be one of {sorted(BUCKETS)}")
    if changes.empty:
        cols = ["step", "path", "added", "deleted", "commits", "status", "first_status", "blob"]
        return pd.DataFrame(columns=[*cols, "time"]), np.zeros(0)
    df = changes.copy()
    if BUCKETS[bucket] is None:
        key = df["commit"].to_numpy()
        # author dates can go backwards (rebases): a step's time is the latest so far
        step_time = df.groupby("commit", sort=True)["time"].max().cummax()
    else:
        when = pd.to_datetime(df["time"], unit="s", utc=True).dt.tz_localize(None)
        start = when.dt.to_period(BUCKETS[bucket]).dt.start_time
        key = ((start - pd.Timestamp(0)).dt.total_seconds()).to_numpy()
        step_time = pd.Series(key).groupby(key).first()
    df["_key"] = key
    codes, uniques = pd.factorize(df["_key"], sort=True)
    df["step"] = codes
    times = step_time.loc[uniques].to_numpy(dtype=np.float64)
    first_status = df.groupby("path", sort=False)["status"].transform("first")
    df["first_status"] = first_status
    g = df.groupby(["step", "path"], sort=True)
    rows = g.agg(
        added=("added", "sum"),
        deleted=("deleted", "sum"),
        commits=("commit", "nunique"),
        status=("status", "last"),
        first_status=("first_status", "first"),
        blob=("blob", "last"),
    ).reset_index()
    rows["time"] = times[rows["step"].to_numpy()]
    return rows, times


def existed_before(rows: pd.DataFrame) -> pd.Series:
    """Per path of the history: did the file exist before the first step?"""
    first = rows.groupby("path", sort=False)["first_status"].first()
    return ~first.isin(_NEW)


def metric_events(
    rows: pd.DataFrame,
    kind: str,
    current: pd.Series,
    *,
    blob_metrics: pd.DataFrame | None = None,
    column: str | None = None,
) -> tuple[np.ndarray, pd.Series]:
    """Value of a metric after each row of ``rows``, and before the first step, per path.

    ``kind``: ``lines`` (net lines, anchored to ``current``), ``count`` (commits), ``churn``
    (added + deleted), ``age`` (epoch day of the last change), ``blob`` (``blob_metrics[column]``
    of the blob after the change), anything else: the current value, constant.
    ``current`` is the present value per path (index: path).
    """
    paths = rows["path"]
    present_value = current.reindex(paths.unique())
    if kind in ("lines", "count", "churn"):
        if kind == "lines":
            step_delta = rows["added"] - rows["deleted"]
        elif kind == "count":
            step_delta = rows["commits"]
        else:
            step_delta = rows["added"] + rows["deleted"]
        cum = step_delta.groupby(paths, sort=False).cumsum()
        total = cum.groupby(paths, sort=False).last()
        low = cum.groupby(paths, sort=False).min()
        # anchor: present files end at their current value; others start at >= 0
        offset = (present_value - total).where(present_value.notna(), (-low).clip(lower=0))
        offset = offset.fillna(0).clip(lower=0) if kind != "lines" else offset.fillna(0)
        values = (cum + paths.map(offset)).clip(lower=0)
        return values.to_numpy(np.float64), offset.clip(lower=0)
    if kind == "age":
        values = rows["time"] / DAY_S
        start = float(rows["time"].min()) / DAY_S if len(rows) else 0.0
        base = present_value.where(present_value < start, start) if len(present_value) else None
        return values.to_numpy(np.float64), (base if base is not None else present_value)
    if kind == "blob" and blob_metrics is not None and column in blob_metrics.columns:
        lookup = blob_metrics[column]
        values = rows["blob"].map(lookup).astype(np.float64)
        first = values.groupby(paths, sort=False).first()
        return values.to_numpy(np.float64), first
    values = paths.map(current).astype(np.float64) if len(paths) else pd.Series([], dtype=float)
    return np.asarray(values, dtype=np.float64), present_value.astype(np.float64)


def alive_after(rows: pd.DataFrame) -> np.ndarray:
    return (rows["status"] != "D").to_numpy()


def step_offsets(steps: Sequence[int] | np.ndarray, n_steps: int) -> np.ndarray:
    counts = np.bincount(np.asarray(steps, dtype=np.int64), minlength=n_steps)
    return np.concatenate([[0], np.cumsum(counts)]).astype(np.uint32)
