"""From the history fold and the tree's code metrics to the result tables (lists of records).

Definitions (documented for users in the README):
- revisions: non-merge commits that changed the file, across renames.
- main_author: the author who added most lines to the file; ownership: their share of its added
  lines (of its commits when no line was added, e.g. binary files).
- bus_factor: the smallest number of authors who together made more than 50 % of the lines
  changed (added + deleted); for the repository and per folder.
- coupling degree: shared revisions / mean(revisions of a, revisions of b) x 100 (code-maat).
- hotspot_score: (revisions / max revisions) x (complexity / max complexity) over the files with
  a cyclomatic complexity; code in a language without a complexity measure uses lines of code
  instead, normalised among such files (`hotspot_basis` says which); docs, data and config
  (no known language) score 0. 0..1.
  Noise (`is_noise`: lock files, minified/generated code, vendored folders) scores 0 and is
  left out of coupling.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .aggregate import DAY_S, FileAcc, HistoryFold

# Files people do not write by hand: lock files, minified and generated code, vendored trees.
# They keep their history but are never hotspots and never coupled (users filter them anyway).
NOISE_NAMES = (
    "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "poetry.lock",
    "Pipfile.lock", "uv.lock", "Cargo.lock", "Gemfile.lock", "composer.lock", "go.sum",
    "*.min.js", "*.min.css", "*.map", "*_pb2.py", "*_pb2_grpc.py", "*.pb.go", "*.lock",
)  # fmt: skip
NOISE_DIRS = re.compile(r"(^|/)(vendor|vendored|third_party|node_modules|dist|build)/")


def is_noise(path: str) -> bool:
    name = posixpath.basename(path)
    return bool(NOISE_DIRS.search(path)) or any(fnmatch.fnmatchcase(name, p) for p in NOISE_NAMES)


def bus_factor(churn_by_author: Mapping[str, int]) -> int:
    """Smallest number of authors whose churn is more than half of the total (0 if none)."""
    total = sum(churn_by_author.values())
    if total <= 0:
        return 0
    k, acc = 0, 0
    for value in sorted(churn_by_author.values(), reverse=True):
        k += 1
        acc += value
        if acc * 2 > total:
            return k
    return k


def _main_author(acc: FileAcc, names: Mapping[str, str]) -> tuple[str | None, float | None]:
    counts = acc.author_added if sum(acc.author_added.values()) > 0 else acc.author_commits
    total = sum(counts.values())
    if not total:
        return None, None
    # ties: the author sorting first by name, so results are deterministic
    key = min(counts, key=lambda k: (-counts[k], names.get(k, k)))
    return names.get(key, key), counts[key] / total


def file_records(
    fold: HistoryFold,
    tree: Iterable[str],
    metrics: Mapping[str, Mapping[str, Any]],
    *,
    as_of: float,
) -> list[dict[str, Any]]:
    """One record per file of the analysed tree (history + code metrics)."""
    names = {k: a.name for k, a in fold.authors.items()}
    records = []
    for path in sorted(tree):
        acc = fold.file(path)
        m = metrics.get(path, {})
        main, share = _main_author(acc, names) if acc else (None, None)
        last = acc.last_change if acc else None
        records.append(
            {
                "path": path,
                "folder": posixpath.dirname(path),
                "language": m.get("language"),
                "revisions": acc.revisions if acc else 0,
                "added": acc.added if acc else 0,
                "deleted": acc.deleted if acc else 0,
                "churn": (acc.added + acc.deleted) if acc else 0,
                "authors": len(acc.author_commits) if acc else 0,
                "main_author": main,
                "ownership": round(share, 4) if share is not None else None,
                "bus_factor": bus_factor(acc.author_churn) if acc else 0,
                "bugfixes": acc.bugfixes if acc else 0,
                "coupling_sum": acc.coupling_sum if acc else 0,
                "first_seen": acc.first_seen if acc else None,
                "last_change": last,
                "age_days": round((as_of - last) / DAY_S, 2) if last else None,
                "renamed_from": list(acc.old_paths) if acc else [],
                "loc": m.get("loc"),
                "sloc": m.get("sloc"),
                "comments": m.get("comments"),
                "complexity": m.get("complexity"),
                "max_complexity": m.get("max_complexity"),
                "maintainability": m.get("maintainability"),
                "functions": len(m.get("functions") or []),
                "binary": bool(m.get("binary")) or bool(acc and acc.binary),
                "noise": is_noise(path),
                "error": m.get("error"),
            }
        )
    _score_hotspots(records)
    return records


def _score_hotspots(records: list[dict[str, Any]]) -> None:
    def basis(r: dict[str, Any]) -> str | None:
        if r["noise"]:
            return None
        if r["complexity"] is not None:
            return "complexity"
        if r["language"] and r["loc"] and not r["binary"]:  # code with no complexity measure
            return "loc"
        return None  # docs, data and config (no known language) are never hotspots

    max_rev = max((r["revisions"] for r in records), default=0) or 1
    max_size = {"complexity": 0.0, "loc": 0.0}
    for r in records:
        b = basis(r)
        if b:
            max_size[b] = max(max_size[b], float(r[b] or 0))
    for r in records:
        b = basis(r)
        r["hotspot_basis"] = b
        if b is None or not max_size[b]:
            r["hotspot_score"] = 0.0
            continue
        r["hotspot_score"] = round((r["revisions"] / max_rev) * (float(r[b] or 0) / max_size[b]), 6)


def author_records(fold: HistoryFold) -> list[dict[str, Any]]:
    rows = [
        {
            "name": a.name,
            "email": a.email,
            "commits": a.commits,
            "merges": a.merges,
            "added": a.added,
            "deleted": a.deleted,
            "files": len(a.files),
            "first_commit": a.first,
            "last_commit": a.last,
        }
        for a in fold.authors.values()
    ]
    rows.sort(key=lambda r: (-r["commits"], r["name"]))
    return rows


@dataclass(frozen=True)
class CouplingFilter:
    min_revisions: int = 5
    min_shared: int = 5
    min_degree: float = 30.0


def coupling_records(
    fold: HistoryFold, alive: set[str], flt: CouplingFilter = CouplingFilter()
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Pairs of files of the tree that change together, and how many pairs each filter removed."""
    removed = Counter()
    rows = []
    for a, b, shared in fold.iter_pairs():
        if a.path not in alive or b.path not in alive or not (a.alive and b.alive):
            removed["gone"] += 1
            continue
        if is_noise(a.path) or is_noise(b.path):
            removed["noise"] += 1
            continue
        if min(a.revisions, b.revisions) < flt.min_revisions:
            removed["min_revisions"] += 1
            continue
        if shared < flt.min_shared:
            removed["min_shared"] += 1
            continue
        degree = shared / ((a.revisions + b.revisions) / 2) * 100
        if degree < flt.min_degree:
            removed["min_degree"] += 1
            continue
        x, y = sorted((a.path, b.path))
        rows.append({"a": x, "b": y, "shared": shared, "degree": round(degree, 2)})
    rows.sort(key=lambda r: (-r["degree"], -r["shared"], r["a"], r["b"]))
    stats = {
        "pairs": sum(removed.values()) + len(rows),
        "kept": len(rows),
        "removed_gone": removed["gone"],
        "removed_noise": removed["noise"],
        "removed_min_revisions": removed["min_revisions"],
        "removed_min_shared": removed["min_shared"],
        "removed_min_degree": removed["min_degree"],
        "big_changesets_ignored": fold.big_changesets,
    }
    return rows, stats


def timeline_records(fold: HistoryFold) -> list[dict[str, Any]]:
    """Weekly commits and churn per author and per top-level folder (long format)."""
    names = {k: a.name for k, a in fold.authors.items()}
    rows = [
        {"week": w, "by": "author", "key": names.get(k, k), "commits": c, "added": a, "deleted": d}
        for (w, k), (c, a, d) in fold.author_weeks.items()
    ]
    rows += [
        {"week": w, "by": "folder", "key": f, "commits": c, "added": a, "deleted": d}
        for (w, f), (c, a, d) in fold.folder_weeks.items()
    ]
    rows.sort(key=lambda r: (r["week"], r["by"], r["key"]))
    return rows


def folder_records(files: list[dict[str, Any]], fold: HistoryFold) -> list[dict[str, Any]]:
    """Every folder (all ancestors, "" is the root) with sums over the files below it."""
    folders: dict[str, dict[str, Any]] = {}
    churn: dict[str, Counter] = {}
    for r in files:
        acc = fold.file(r["path"])
        parts = r["path"].split("/")[:-1]
        for depth in range(len(parts) + 1):
            name = "/".join(parts[:depth])
            f = folders.setdefault(
                name,
                {"folder": name, "depth": depth, "files": 0, "revisions": 0, "churn": 0,
                 "loc": 0, "complexity": 0, "hotspot_score": 0.0, "bugfixes": 0},
            )  # fmt: skip
            f["files"] += 1
            f["revisions"] += r["revisions"]
            f["churn"] += r["churn"]
            f["loc"] += r["loc"] or 0
            f["complexity"] += r["complexity"] or 0
            f["hotspot_score"] = max(f["hotspot_score"], r["hotspot_score"])
            f["bugfixes"] += r["bugfixes"]
            if acc is not None:
                churn.setdefault(name, Counter()).update(acc.author_churn)
    names = {k: a.name for k, a in fold.authors.items()}
    for name, f in folders.items():
        c = churn.get(name, Counter())
        f["authors"] = len(c)
        f["bus_factor"] = bus_factor(c)
        top = min(c, key=lambda k: (-c[k], names.get(k, k))) if c else None
        f["main_author"] = names.get(top, top) if top else None
    return sorted(folders.values(), key=lambda f: f["folder"])
