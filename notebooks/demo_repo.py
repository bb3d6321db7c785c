"""Repositories for the demo notebooks: this project's own clone, or a synthetic one.

The notebooks import this file from their own folder, so they work from any clone of the
project (and on Binder) without installing anything beyond the project itself.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SYNTHREPO = HERE.parent / "bench" / "synthrepo.py"


def project_root(start: Path = HERE) -> Path | None:
    """The top of the git clone holding ``start`` (None when it is not a git repository with
    at least one commit)."""
    try:
        top = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"], cwd=start, capture_output=True, text=True,
            check=True, timeout=30,
        ).stdout.strip()  # fmt: skip
        subprocess.run(
            ["git", "rev-parse", "--verify", "-q", "HEAD"], cwd=top, capture_output=True,
            check=True, timeout=30,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None
    return Path(top)


def demo_dir() -> Path:
    """Where synthetic repositories go: ``$CODEPARK_DEMO_DIR``, else a temp folder."""
    base = os.environ.get("CODEPARK_DEMO_DIR") or Path(tempfile.gettempdir()) / "codepark-demo"
    path = Path(base)
    path.mkdir(parents=True, exist_ok=True)
    return path


def synthetic_repo(
    name: str = "sample-shop",
    *,
    commits: int = 400,
    files: int = 80,
    authors: int = 6,
    seed: int = 7,
) -> Path:
    """A deterministic synthetic repository (two years of history by several authors, renames,
    merges) built once with ``bench/synthrepo.py``; the same arguments give the same shas."""
    dest = demo_dir() / f"{name}-{commits}-{files}-{authors}-{seed}"
    if not (dest / ".git").is_dir():
        argv = [sys.executable, str(SYNTHREPO), str(dest), "--commits", str(commits),
                "--files", str(files), "--authors", str(authors), "--seed", str(seed)]  # fmt: skip
        subprocess.run(argv, check=True, capture_output=True, timeout=120)
    return dest


def this_repository() -> Path:
    """This project's clone when the notebook runs inside one, else a synthetic repository."""
    root = project_root()
    if root is not None:
        return root
    print("Not inside a git clone of the project: using a synthetic repository instead.")
    return synthetic_repo()
