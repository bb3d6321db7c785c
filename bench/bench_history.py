"""Benchmark history mining against raw git and PyDriller (a benchmark, not a test).

    python bench/bench_history.py /path/to/repo
    python bench/bench_history.py --synthetic 20000

Everything is measured in the same run on the same machine: raw ``git log --numstat -M``
(output drained through a pipe), our ``iter_commits`` (full and name-only), PyDriller over the
most recent ``--sample`` commits extrapolated per commit, and the peak RSS of this process.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from jupyter_codepark.analysis.git import git_command, run_git  # noqa: E402
from jupyter_codepark.analysis.history import iter_commits, log_argv  # noqa: E402


def best(repeat: int, fn: Callable[[], object]) -> tuple[float, object]:
    """The fastest of ``repeat`` runs and its result."""
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), result


def drain_git(repo: str, argv: list[str]) -> int:
    """Run git and read its whole stdout through a pipe, like our parser does; bytes read."""
    proc = subprocess.Popen(git_command(argv, repo), stdout=subprocess.PIPE)
    assert proc.stdout is not None
    total = 0
    while chunk := proc.stdout.read1(1 << 18):
        total += len(chunk)
    if proc.wait() != 0:
        sys.exit(f"git {' '.join(argv)} failed")
    return total


def mine(repo: str, name_only: bool) -> tuple[int, int]:
    commits = changes = 0
    for c in iter_commits(repo, name_only=name_only):
        commits += 1
        changes += len(c.changes)
    return commits, changes


def pydriller_sample(repo: str, k: int) -> tuple[float, int]:
    """Seconds PyDriller takes for the ``k`` most recent commits, reading the same facts."""
    from pydriller import Repository

    shas = run_git(["rev-list", f"--max-count={k}", "HEAD"], repo).decode().split()
    t0 = time.perf_counter()
    n = 0
    for c in Repository(repo, only_commits=shas).traverse_commits():
        n += 1
        _ = (c.hash, c.parents, c.author.name, c.author.email, c.author_date, c.committer_date)
        _ = c.msg
        for m in c.modified_files:
            _ = (m.new_path, m.old_path, m.change_type, m.added_lines, m.deleted_lines)
    return time.perf_counter() - t0, n


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("repo", nargs="?")
    ap.add_argument("--synthetic", type=int, metavar="N", help="generate an N-commit repo")
    ap.add_argument("--sample", type=int, default=300, help="PyDriller commits (0: skip)")
    ap.add_argument("--repeat", type=int, default=2, help="best of R runs")
    args = ap.parse_args(argv)
    if not args.repo and not args.synthetic:
        args.synthetic = 20000  # `make bench` runs every script without arguments
    tmp = None
    if args.synthetic:
        import synthrepo

        tmp = tempfile.mkdtemp(prefix="codepark-bench-")
        repo = str(Path(tmp) / "repo")
        t0 = time.perf_counter()
        files = str(max(50, args.synthetic // 25))
        synthrepo.main(
            [repo, "--commits", str(args.synthetic), "--files", files, "--authors", "12"]
        )
        print(f"synthetic repo generated in {time.perf_counter() - t0:.1f} s")
    elif args.repo:
        repo = args.repo
    else:
        ap.error("give a REPO or --synthetic N")
    try:
        run(repo, args)
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


def run(repo: str, args: argparse.Namespace) -> None:
    r = args.repeat
    n_commits = int(run_git(["rev-list", "--count", "HEAD"], repo))
    print(f"repository: {repo} ({n_commits} commits), best of {r}")
    drain_git(repo, ["log", "--numstat", "-M"])  # warm the page cache
    t_raw, _ = best(r, lambda: drain_git(repo, ["log", "--numstat", "-M"]))
    t_raw_ours, size = best(r, lambda: drain_git(repo, log_argv()))
    t_ours, (commits, changes) = best(r, lambda: mine(repo, False))  # type: ignore[misc]
    rss_stream = peak_rss_mb()
    t_list, kept = best(1, lambda: list(iter_commits(repo)))
    rss_list = peak_rss_mb()
    del kept
    t_raw_names, _ = best(r, lambda: drain_git(repo, ["log", "--name-only"]))
    t_names, _ = best(r, lambda: mine(repo, True))
    rows = [
        ("raw git log --numstat -M", t_raw, ""),
        ("raw git log, our arguments (-z --raw --numstat -M)", t_raw_ours, f"{size / 1e6:.0f} MB"),
        ("iter_commits, full (streamed)", t_ours, f"{t_ours / t_raw:.2f}x raw"),
        ("iter_commits, full, kept in a list", t_list, f"{t_list / t_raw:.2f}x raw"),
        ("raw git log --name-only", t_raw_names, ""),
        ("iter_commits, name_only", t_names, f"{t_names / t_raw_names:.2f}x raw name-only, "
         f"{t_ours / t_names:.1f}x faster than full"),
    ]  # fmt: skip
    for label, seconds, note in rows:
        print(f"  {label:<52} {seconds:7.2f} s  {note}")
    print(f"  commits {commits}, file changes {changes}, {commits / t_ours:,.0f} commits/s")
    print(f"  peak RSS: {rss_stream:.0f} MB streaming, {rss_list:.0f} MB with all commits kept")
    if args.sample:
        k = min(args.sample, n_commits)
        t_pd, n_pd = pydriller_sample(repo, k)
        per_commit = t_pd / n_pd
        estimate = per_commit * n_commits
        how = "measured" if k == n_commits else f"extrapolated from the {n_pd} most recent commits"
        print(
            f"  PyDriller: {n_pd / t_pd:,.0f} commits/s; {estimate:.1f} s for all commits ({how})"
        )
        print(f"  PyDriller / iter_commits: {estimate / t_ours:.1f}x slower")
        print(f"  peak RSS after PyDriller: {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
