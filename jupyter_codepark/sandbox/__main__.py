"""``python -m jupyter_codepark.sandbox install [--prefix P | --user]`` and ``check``."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m jupyter_codepark.sandbox", description="CodePark's kernel sandbox."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    inst = sub.add_parser("install", help='install the "Python 3 (CodePark sandbox)" kernel spec')
    where = inst.add_mutually_exclusive_group()
    where.add_argument("--prefix", help="install under PREFIX/share/jupyter/kernels")
    where.add_argument("--user", action="store_true", help="install for the current user")
    inst.add_argument("--name", default=None, help="kernel name (default: codepark-sandbox)")
    inst.add_argument("--memory-mb", type=int, help="memory limit of each kernel (MiB)")
    inst.add_argument("--cpu-percent", type=int, help="CPU share, percent of one core")
    inst.add_argument("--pids-max", type=int, help="processes and threads per kernel")
    sub.add_parser("check", help="say whether sandboxes work here, and with which limits")
    args = parser.parse_args(argv)

    from .launcher import sandbox_problem
    from .limits import confinement_kind

    if args.command == "check":
        problem = sandbox_problem()
        print(problem or f"sandbox works; limits enforced by {confinement_kind()}")
        return 1 if problem else 0

    from .kernelspec import KERNEL_NAME, install

    config = {
        k: v
        for k, v in (
            ("memory_mb", args.memory_mb),
            ("cpu_percent", args.cpu_percent),
            ("pids_max", args.pids_max),
        )
        if v is not None
    }
    path = install(args.prefix, args.user, args.name or KERNEL_NAME, config)
    print(f"Installed kernel spec {args.name or KERNEL_NAME} in {path}")
    problem = sandbox_problem()
    if problem:
        print(f"warning: {problem}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
