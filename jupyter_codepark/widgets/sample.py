"""Synthetic files tables and histories shaped like the engine's, for demos, tests and benchmarks
(deterministic for a seed)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

LANGUAGES = {".py": "Python", ".ts": "TypeScript", ".md": "Markdown", ".json": "JSON"}
AUTHORS = ["ada", "grace", "linus", "margaret", "ken", "barbara"]


def sample_paths(n: int, seed: int = 0, fanout: int = 6, max_depth: int = 4) -> list[str]:
    rng = np.random.default_rng(seed)
    exts = list(LANGUAGES)
    paths = set()
    i = 0
    while len(paths) < n:
        depth = int(rng.integers(1, max_depth + 1))
        dirs = [f"{'pkg' if d == 0 else 'mod'}{int(rng.integers(0, fanout))}" for d in range(depth)]
        ext = exts[int(rng.choice(4, p=[0.6, 0.25, 0.1, 0.05]))]
        paths.add("/".join(dirs) + f"/file{i}{ext}")
        i += 1
    return sorted(paths)


def sample_files(n: int = 200, seed: int = 0, paths: list[str] | None = None) -> pd.DataFrame:
    """A files table with the engine's columns and plausible values."""
    rng = np.random.default_rng(seed)
    paths = paths if paths is not None else sample_paths(n, seed)
    n = len(paths)
    loc = np.maximum(1, rng.lognormal(4.2, 1.1, n)).astype(np.int64)
    revisions = np.maximum(1, rng.lognormal(1.8, 0.9, n)).astype(np.int64)
    complexity = np.maximum(1, loc * rng.uniform(0.05, 0.3, n)).astype(np.int64)
    added = loc + rng.integers(0, 200, n)
    deleted = added - loc
    now = pd.Timestamp("2026-06-01", tz="UTC")
    age = rng.uniform(0, 700, n)
    first_age = age + rng.uniform(0, 400, n)
    ext = [p[p.rfind(".") :] for p in paths]
    df = pd.DataFrame(
        {
            "path": paths,
            "folder": [p.rsplit("/", 1)[0] for p in paths],
            "language": [LANGUAGES.get(e, "Other") for e in ext],
            "revisions": revisions,
            "added": added,
            "deleted": deleted,
            "churn": added + deleted,
            "authors": rng.integers(1, 5, n),
            "main_author": rng.choice(AUTHORS, n),
            "ownership": rng.uniform(0.3, 1.0, n).round(3),
            "bus_factor": rng.integers(1, 3, n),
            "bugfixes": rng.integers(0, 5, n),
            "coupling_sum": rng.uniform(0, 300, n).round(1),
            "first_seen": now - pd.to_timedelta(first_age, unit="D"),
            "last_change": now - pd.to_timedelta(age, unit="D"),
            "age_days": age.round(2),
            "loc": loc,
            "sloc": (loc * 0.8).astype(np.int64),
            "comments": (loc * 0.1).astype(np.int64),
            "complexity": complexity,
            "max_complexity": np.maximum(1, complexity // 4),
            "maintainability": rng.uniform(20, 100, n).round(2),
            "functions": np.maximum(1, complexity // 3),
            "binary": False,
            "error": None,
        }
    )
    score = (revisions / revisions.max()) * (complexity / complexity.max())
    df["hotspot_score"] = score.round(6)
    return df


def sample_history(
    files: pd.DataFrame,
    steps: int = 52,
    changes_per_step: int = 20,
    seed: int = 0,
    start: str = "2025-06-01",
    freq: str = "7D",
    deleted_paths: int = 5,
) -> list[dict[str, Any]]:
    """Commits over ``files`` (plus a few paths deleted on the way): the first commit adds a
    tenth of the files, the rest are added over time; each commit modifies random files."""
    rng = np.random.default_rng(seed)
    paths = list(files["path"])
    gone = [f"attic/old{i}.py" for i in range(deleted_paths)]
    times = pd.date_range(start, periods=steps, freq=freq, tz="UTC")
    order = rng.permutation(len(paths))
    initial = max(1, len(paths) // 10)
    added_at = np.empty(len(paths), dtype=np.int64)
    added_at[order[:initial]] = 0
    added_at[order[initial:]] = rng.integers(1, max(2, steps), len(paths) - initial)
    history: list[dict[str, Any]] = []
    alive: list[int] = []
    for k, when in enumerate(times):
        changes: list[tuple] = []
        fresh = np.flatnonzero(added_at == k)
        for i in fresh:
            changes.append((paths[i], int(rng.integers(5, 80)), 0, "A", f"b{k}-{i}"))
        alive.extend(int(i) for i in fresh)
        if k == 0:
            changes += [(g, int(rng.integers(20, 90)), 0, "A", f"g{k}-{g}") for g in gone]
        elif k == steps // 2:
            changes += [(g, 0, 10, "D", None) for g in gone]
        if alive:
            picks = rng.choice(alive, size=min(changes_per_step, len(alive)), replace=False)
            for i in picks:
                if i in fresh:
                    continue
                changes.append(
                    (paths[i], int(rng.integers(0, 40)), int(rng.integers(0, 20)), "M", f"b{k}-{i}")
                )
        history.append({"time": when, "changes": changes})
    return history
