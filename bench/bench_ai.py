"""Benchmark CodePark's AI help (offline backend).

Usage: python bench/bench_ai.py [--commits N] [--files N] [--workers N] [--keep DIR]

* offline review throughput: every Python file of a synthetic repository (bench/synthrepo.py),
  analysed first so history findings are included: `review_many` in one process (ruff once over
  the batch) and over a process pool of `--workers` (default: every core; ruff once per chunk),
  whose findings must equal the serial ones; files/s — the target is >= 200 files/s on 2 cores;
* the same files through `AIService` one request at a time (ruff per file, as the REST API does);
* cache-hit latency of a repeated request through `AIService` (target < 20 ms).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from jupyter_codepark.ai import AIService, AISettings  # noqa: E402
from jupyter_codepark.ai.facts import Workspace  # noqa: E402
from jupyter_codepark.ai.review import ReviewItem, review_many  # noqa: E402
from jupyter_codepark.analysis.executors import ProcessExecutor  # noqa: E402
from jupyter_codepark.analysis.pipeline import AnalysisOptions, analyze_repository  # noqa: E402
from jupyter_codepark.store import Store  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--commits", type=int, default=3000)
    ap.add_argument("--files", type=int, default=600)
    ap.add_argument("--workers", type=int, default=0, help="pool size (0: every core)")
    ap.add_argument("--keep", default="")
    args = ap.parse_args()
    base = Path(args.keep or tempfile.mkdtemp(prefix="codepark-bench-ai-"))
    repo = base / "repo"
    if not repo.exists():
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "bench" / "synthrepo.py"),
                str(repo),
                "--commits",
                str(args.commits),
                "--files",
                str(args.files),
                "--authors",
                "8",
                "--seed",
                "3",
            ],
            check=True,
            capture_output=True,
        )
    store = Store(f"sqlite:///{base / 'store.sqlite'}")
    t = time.perf_counter()
    analyze_repository(store, repo, AnalysisOptions())
    print(f"analysis (setup): {time.perf_counter() - t:.1f} s")

    settings = AISettings(root_dir=str(base))
    facts = Workspace(store).facts(str(repo.resolve()))
    files = {
        f["path"]: (repo / f["path"]).read_text()
        for f in facts.result.files
        if f["path"].endswith(".py") and (repo / f["path"]).is_file()
    }
    items = [ReviewItem(path, path, text) for path, text in files.items()]
    t = time.perf_counter()
    serial = review_many(items, facts, settings, chunk_files=len(items))
    dt_serial = time.perf_counter() - t
    findings = sum(len(found) for found, _ in serial.values())
    print(
        f"offline review, batch, one process: {len(files)} files, {findings} findings in "
        f"{dt_serial:.2f} s = {len(files) / dt_serial:.0f} files/s"
    )
    pool = ProcessExecutor(args.workers)
    try:
        list(pool.map_unordered(abs, range(pool.workers)))  # workers started, as in a server
        t = time.perf_counter()
        pooled = review_many(items, facts, settings, executor=pool)
        dt_pool = time.perf_counter() - t
    finally:
        pool.close()
    same = {d: [f.to_json() for f in v[0]] for d, v in pooled.items()} == {
        d: [f.to_json() for f in v[0]] for d, v in serial.items()
    }
    print(
        f"offline review, batch, {pool.workers} processes: {len(files) / dt_pool:.0f} files/s "
        f"({dt_serial / dt_pool:.2f}x one process; target >= 200 files/s on 2 cores); "
        f"findings {'equal to' if same else 'DIFFERENT FROM'} the one-process run"
    )

    service = AIService(store, settings, cache_ttl_s=86400, rate_per_minute=0)
    sample = list(files)[:100]

    async def one(path: str) -> dict:
        p = await service.prepare(
            "review", {"path": str(repo / path)}, user="bench", path=str(repo / path)
        )
        return await service.answer(p)

    async def run() -> None:
        t = time.perf_counter()
        for path in sample:
            await one(path)
        dt = time.perf_counter() - t
        print(
            f"offline review, one request at a time (service, ruff per file, stored): "
            f"{len(sample) / dt:.0f} files/s"
        )
        lat = []
        for path in sample:
            t = time.perf_counter()
            answer = await one(path)
            lat.append((time.perf_counter() - t) * 1000)
            assert answer["cached"]
        lat.sort()
        print(
            f"cache hit latency: median {statistics.median(lat):.1f} ms, "
            f"p95 {lat[int(len(lat) * 0.95) - 1]:.1f} ms (target < 20 ms)"
        )

    asyncio.run(run())
    store.close()


if __name__ == "__main__":
    main()
