"""`codepark` command line: analyse a repository from a terminal."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from . import __version__
from .errors import CodeParkError


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="codepark", description="CodePark for Jupyter")
    p.add_argument("--version", action="version", version=f"codepark {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    a = sub.add_parser(
        "analyze",
        aliases=["analyse"],
        help="mine a git repository's history and code metrics",
        description="Analyse the git repository at PATH: history, ownership, coupling, "
        "complexity and hotspots. Results are kept in the CodePark store; a second run reads "
        "only what is new.",
    )
    a.add_argument("path", metavar="PATH", help="a folder inside a git repository")
    a.add_argument("--rev", default="HEAD", help="revision to analyse (default: HEAD)")
    a.add_argument("--since", help="only history after this date (git's --since syntax)")
    a.add_argument("--json", metavar="FILE", help="write the JSON report to FILE ('-': stdout)")
    a.add_argument("--store", metavar="URL", help="store URL (default: the Jupyter data dir)")
    a.add_argument(
        "--executor", choices=["process", "thread", "dask"], default="process",
        help="where code metrics are computed (default: a local process pool)",
    )  # fmt: skip
    a.add_argument("--dask-address", default="", help="Dask scheduler address for --executor dask")
    a.add_argument("--top", type=int, default=10, help="hotspots to print (default: 10)")
    a.add_argument("--no-progress", action="store_true", help="no progress bars")
    return p


def _print_summary(report, top: int) -> None:  # noqa: ANN001 (Report; pandas is lazy)
    s, repo = report.summary, report.repository
    print(f"{repo['path']} @ {repo['head'][:12]} ({repo['branch'] or 'detached'})")
    print(
        f"  {s['commits']} commits ({s['merges']} merges), {s['authors']} authors, "
        f"{s['files']} files, {s['loc']} lines, bus factor {s['bus_factor']}"
    )
    langs = ", ".join(f"{k} {v}" for k, v in list(s["languages"].items())[:6])
    if langs:
        print(f"  languages: {langs}")
    if s["errors"]:
        print(f"  {s['errors']} files could not be measured (see the 'error' column)")
    hot = report.hotspots.head(top)
    if len(hot):
        print(f"\nTop {len(hot)} hotspots (revisions x complexity):")
        width = max(len(p) for p in hot["path"])
        for _, r in hot.iterrows():
            cx = (
                "-"
                if r["complexity"] is None or r["complexity"] != r["complexity"]
                else int(r["complexity"])
            )
            print(
                f"  {r['path']:<{width}}  score {r['hotspot_score']:.3f}  "
                f"revisions {r['revisions']:>4}  complexity {cx}"
            )


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from .analysis.api import analyze

    try:
        report = analyze(
            args.path,
            rev=args.rev,
            since=args.since,
            store=args.store,
            executor=args.executor,
            dask_address=args.dask_address,
            progress=not args.no_progress and sys.stderr.isatty(),
        )
    except CodeParkError as e:
        print(f"codepark: error: {e.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("codepark: interrupted", file=sys.stderr)
        return 130
    doc = report.to_json()
    if args.json == "-":
        json.dump(doc, sys.stdout, indent=1)
        sys.stdout.write("\n")
        return 0
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(doc, f, indent=1)
    _print_summary(report, args.top)
    if args.json:
        print(f"\nJSON report written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
