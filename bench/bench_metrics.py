"""Benchmark CodePark's file metrics against a bare ``ast.parse`` and radon's CLI.

Usage: python bench/bench_metrics.py [DIR] [--files N] [--skip-radon]

Without DIR the corpus is N (default 1,500) ``.py`` files of this interpreter's
site-packages, every k-th file of a sorted walk. Everything is measured in the same run:

* a bare ``ast.parse`` of every file (the floor: any Python metric needs a parse);
* ``measure()`` serially and in a 2-process pool;
* ``radon cc``, ``radon raw`` and ``radon mi`` (the CLI, one process each) on the same files;
* a cached re-run: results stored under the git blob sha (``sha1(b"blob <size>\\0" + data)``)
  and ``METRICS_VERSION``, in a dict and in SQLite, so unchanged files are not measured again.

Wall and CPU seconds are printed with their ratio to the bare ``ast.parse``; CPU time (this
process and finished children) is less disturbed by a busy machine; for the pool only the
wall time means anything (its workers' CPU is not counted).
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import os
import resource
import sqlite3
import subprocess
import sys
import sysconfig
import tempfile
import time
import warnings
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from jupyter_codepark.analysis.metrics import (  # noqa: E402
    METRICS_VERSION,
    FileMetrics,
    measure,
)


def default_corpus(count: int) -> list[Path]:
    root = Path(sysconfig.get_paths()["purelib"])
    files = []
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        files += [Path(folder, n) for n in sorted(names) if n.endswith(".py")]
    step = max(1, len(files) // count)
    return files[::step][:count]


def dir_corpus(directory: Path, count: int) -> list[Path]:
    return sorted(p for p in directory.rglob("*.py") if p.is_file())[:count]


def blob_sha(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _cpu() -> float:
    """CPU seconds of this process and its finished children (robust to a busy machine)."""
    own = time.process_time()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own + children.ru_utime + children.ru_stime


def timed(
    label: str, fn: Callable[[], object], base: tuple[float, float] | None = None
) -> tuple[float, float]:
    """Run ``fn``; print wall and CPU seconds and their ratios to ``base``."""
    wall, cpu = time.perf_counter(), _cpu()
    fn()
    wall, cpu = time.perf_counter() - wall, _cpu() - cpu
    line = (
        f"{label:<40} wall {wall:7.2f} s ({wall / base[0]:5.2f}x)"
        if base
        else (f"{label:<40} wall {wall:7.2f} s         ")
    )
    line += f"  cpu {cpu:7.2f} s" + (f" ({cpu / base[1]:5.2f}x)" if base else "")
    print(line, flush=True)
    return wall, cpu


def bare_parse(texts: list[str]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for text in texts:
            try:
                ast.parse(text)
            except (SyntaxError, ValueError):
                pass


def measure_one(item: tuple[str, bytes]) -> dict:
    return measure(*item).to_dict()


def run_radon(files: list[Path], timeout_s: float) -> None:
    radon = Path(sys.executable).with_name("radon")
    for command in (["cc", "-s"], ["raw"], ["mi", "-s"]):
        argv = [str(radon), *command, *map(str, files)]
        try:
            subprocess.run(
                argv,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=timeout_s,
                check=False,
            )
        except subprocess.TimeoutExpired:
            print(f"  radon {command[0]} timed out after {timeout_s:.0f} s", flush=True)


def cached_dict(items: list[tuple[str, bytes]], cache: dict) -> list[FileMetrics]:
    out = []
    for path, data in items:
        key = (blob_sha(data), METRICS_VERSION)
        stored = cache.get(key)
        if stored is None:
            stored = cache[key] = measure(path, data).to_dict()
        out.append(FileMetrics.from_dict(stored))
    return out


def cached_sqlite(items: list[tuple[str, bytes]], db: sqlite3.Connection) -> list[FileMetrics]:
    out = []
    for path, data in items:
        sha = blob_sha(data)
        row = db.execute(
            "SELECT body FROM metrics WHERE sha = ? AND version = ?", (sha, METRICS_VERSION)
        ).fetchone()
        if row is None:
            body = json.dumps(measure(path, data).to_dict())
            db.execute("INSERT INTO metrics VALUES (?, ?, ?)", (sha, METRICS_VERSION, body))
        else:
            body = row[0]
        out.append(FileMetrics.from_dict(json.loads(body)))
    db.commit()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", nargs="?", type=Path)
    parser.add_argument("--files", type=int, default=1500)
    parser.add_argument("--skip-radon", action="store_true")
    parser.add_argument("--radon-timeout-s", type=float, default=900)
    args = parser.parse_args()
    files = dir_corpus(args.dir, args.files) if args.dir else default_corpus(args.files)
    items = [(str(p), p.read_bytes()) for p in files]
    texts = [data.decode("utf-8", "replace") for _, data in items]
    lines = sum(t.count("\n") for t in texts)
    print(
        f"{len(items)} files, {lines:,} lines, {sum(len(d) for _, d in items):,} bytes, "
        f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}"
    )

    base = timed("bare ast.parse", lambda: bare_parse(texts))
    results: list[FileMetrics] = []
    timed("measure(), serial", lambda: results.extend(measure(*i) for i in items), base)
    errors = sum(1 for r in results if r.error)
    print(
        f"  ({errors} files with an error; "
        f"{sum(len(r.functions) for r in results):,} functions/classes)"
    )
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(measure_one, items[:2]))  # start and warm both workers
        timed(
            "measure(), 2-process pool",
            lambda: list(pool.map(measure_one, items, chunksize=16)),
            base,
        )
    timed("bare ast.parse (again)", lambda: bare_parse(texts))

    cache: dict = {}
    cached_dict(items, cache)
    timed("cached re-run, dict keyed by blob sha", lambda: cached_dict(items, cache), base)
    with tempfile.TemporaryDirectory() as tmp:
        db = sqlite3.connect(Path(tmp, "metrics.sqlite"))
        db.execute(
            "CREATE TABLE metrics (sha TEXT, version INTEGER, body TEXT, "
            "PRIMARY KEY (sha, version))"
        )
        cached_sqlite(items, db)
        timed("cached re-run, SQLite keyed by blob sha", lambda: cached_sqlite(items, db), base)
        db.close()

    if not args.skip_radon:
        timed(
            "radon cc + raw + mi CLI (serial)", lambda: run_radon(files, args.radon_timeout_s), base
        )


if __name__ == "__main__":
    main()
