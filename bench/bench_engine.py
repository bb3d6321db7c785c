"""The whole analysis engine on a big repository (a benchmark, not a test).

    python bench/bench_engine.py                      # synthetic 20k-commit repository
    python bench/bench_engine.py --synthetic 60000
    python bench/bench_engine.py /path/to/repo        # a copy is analysed, never the original

Measured in the same run: raw `git log --numstat -M` (the floor), our full analysis by phase,
an unchanged re-run (everything cached), an incremental re-analysis after one new commit
(seconds and ratio to full), complexity history over the last 50 commits vs `wily build -n 50`
(wily runs in a venv of its own, `.venv-wily`, because it pins radon < 5.2), and peak RSS.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jupyter_codepark.analysis.executors import ProcessExecutor  # noqa: E402
from jupyter_codepark.analysis.git import git_command  # noqa: E402
from jupyter_codepark.analysis.pipeline import analyze_repository  # noqa: E402
from jupyter_codepark.analysis.report import Report  # noqa: E402
from jupyter_codepark.store import Store  # noqa: E402


def timed(fn):
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def raw_git(repo: str) -> float:
    def run() -> None:
        proc = subprocess.Popen(
            git_command(["log", "--numstat", "-M", "--no-abbrev", "HEAD"], repo),
            stdout=subprocess.PIPE,
        )
        while proc.stdout.read1(1 << 18):
            pass
        proc.wait()

    return timed(run)[0]


def phases(store: Store, repo: str, pool) -> tuple[float, dict[str, float], object]:
    marks: dict[str, float] = {}
    t0 = time.perf_counter()

    def progress(phase: str, done: int, total: int | None) -> None:
        marks.setdefault(phase, time.perf_counter())

    result = analyze_repository(store, repo, executor=pool, progress=progress)
    end = time.perf_counter()
    order = [p for p in ("mining", "metrics", "aggregation") if p in marks] + ["end"]
    marks["end"] = end
    spans = {p: marks[order[i + 1]] - marks[p] for i, p in enumerate(order[:-1])}
    return end - t0, spans, result


def add_commit(repo: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
           "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.com"}  # fmt: skip
    target = Path(repo) / "bench_new_file.py"
    target.write_text("def added(x):\n    return x + 1 if x else 0\n")
    subprocess.run(["git", "-C", repo, "add", "-A"], check=True, env=env)
    subprocess.run(["git", "-C", repo, "commit", "-qm", "One more commit"], check=True, env=env)


def wily_venv() -> Path | None:
    venv = ROOT / ".venv-wily"
    if not (venv / "bin" / "wily").exists():
        print("  (installing wily into .venv-wily ...)", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pip = subprocess.run(
            [str(venv / "bin" / "pip"), "install", "-q", "wily"], check=False, capture_output=True
        )
        if pip.returncode != 0:
            return None
    return venv


def wily_build(repo: str, n: int) -> float | None:
    venv = wily_venv()
    if venv is None:
        return None
    work = tempfile.mkdtemp(prefix="wily-")
    clone = os.path.join(work, "repo")
    subprocess.run(["git", "clone", "-q", repo, clone], check=True)
    t, proc = timed(
        lambda: subprocess.run(
            [str(venv / "bin" / "wily"), "build", "-n", str(n), "-o",
             "cyclomatic,raw,maintainability", "."],
            cwd=clone, capture_output=True, text=True,
        )
    )  # fmt: skip
    shutil.rmtree(work, ignore_errors=True)
    if proc.returncode != 0:
        print("  wily failed:", proc.stderr.strip().splitlines()[-1:])
        return None
    return t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("repo", nargs="?")
    ap.add_argument("--synthetic", type=int, default=20000)
    ap.add_argument("--files", type=int, default=800)
    ap.add_argument("--history", type=int, default=50)
    ap.add_argument("--no-wily", action="store_true")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="codepark-bench-")
    repo = os.path.join(work, "repo")
    if args.repo:
        subprocess.run(["git", "clone", "-q", "--no-local", args.repo, repo], check=True)
    else:
        t, _ = timed(lambda: subprocess.run(
            [sys.executable, str(ROOT / "bench" / "synthrepo.py"), repo, "--commits",
             str(args.synthetic), "--files", str(args.files), "--authors", "12", "--seed", "1"],
            check=True, capture_output=True))  # fmt: skip
        print(f"synthetic repository: {args.synthetic} commits, ~{args.files} files ({t:.1f} s)")
    store = Store(f"sqlite:///{work}/bench.sqlite")
    pool = ProcessExecutor(os.cpu_count() or 2)
    try:
        git_t = raw_git(repo)
        full_t, spans, result = phases(store, repo, pool)
        s = result.summary
        print(f"repository: {s['commits']} commits, {s['files']} files, {s['authors']} authors")
        print(f"raw git log --numstat -M:        {git_t:7.2f} s")
        print(f"full analysis:                   {full_t:7.2f} s  "
              f"({full_t / git_t:.2f}x raw git)")  # fmt: skip
        for phase, secs in spans.items():
            print(f"  {phase:<12}                   {secs:7.2f} s")
        print(f"  mining vs raw git:             {spans['mining'] / git_t:7.2f}x")
        again_t, again = timed(lambda: analyze_repository(store, repo, executor=pool))
        print(f"unchanged re-run (all cached):   {again_t:7.2f} s  (mode {again.mode})")
        add_commit(repo)
        inc_t, inc = timed(lambda: analyze_repository(store, repo, executor=pool))
        print(f"incremental after 1 new commit:  {inc_t:7.2f} s  ({inc_t / full_t:.3f} of full,"
              f" mode {inc.mode}, {inc.new_commits} new)")  # fmt: skip
        fresh = Store(f"sqlite:///{work}/history.sqlite")
        analyze_repository(fresh, repo, executor=pool)
        report = Report(inc, fresh, pool)
        hist_t, hist = timed(lambda: report.code_history(last=args.history))
        print(f"complexity history, last {args.history}:   {hist_t:7.2f} s  ({len(hist)} commits,"
              " blob metrics shared with the tree pass)")  # fmt: skip
        cold = Store(f"sqlite:///{work}/cold.sqlite")
        analyze_repository(cold, repo, executor=pool)
        with cold.begin() as conn:
            conn.exec_driver_sql("DELETE FROM blob_metrics")
        cold_t, _ = timed(lambda: Report(inc, cold, pool).code_history(last=args.history))
        print(f"  same with an empty metrics cache: {cold_t:5.2f} s")
        if not args.no_wily:
            w = wily_build(repo, args.history)
            if w is not None:
                print(f"wily build -n {args.history}:               {w:7.2f} s  "
                      f"(ours cold: {w / cold_t:.1f}x faster)")  # fmt: skip
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak RSS (this process):         {rss:7.0f} MB")
    finally:
        pool.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
