"""Find git repositories under a folder: a bounded walk of the file system (no git process)."""

from __future__ import annotations

import os
import time

#: folders never descended into (dependencies, caches, virtual environments)
SKIP = frozenset(
    {"node_modules", "__pycache__", "site-packages", ".venv", "venv", ".tox", ".mypy_cache",
     ".pytest_cache", ".ruff_cache", ".ipynb_checkpoints", "dist", "build"}
)  # fmt: skip


def _is_repository(path: str) -> bool:
    # `.git` is a folder in a normal clone, a file in a worktree or a submodule
    return os.path.lexists(os.path.join(path, ".git"))


def find_repositories(
    root: str, *, max_depth: int = 3, limit: int = 200, budget_s: float = 5.0
) -> list[str]:
    """Repositories at or under ``root`` (paths relative to it, '/'-separated, '' for ``root``
    itself), breadth first and sorted within a depth. Hidden folders, symlinks and dependency
    folders are skipped; nested repositories below a repository are not searched; the walk stops
    at ``max_depth`` levels, ``limit`` results or ``budget_s`` seconds."""
    root = os.path.realpath(root)
    found: list[str] = []
    level = [""]
    deadline = time.monotonic() + budget_s
    for depth in range(max_depth + 1):
        following: list[str] = []
        for rel in level:
            path = os.path.join(root, rel) if rel else root
            if _is_repository(path):
                found.append(rel)
                if len(found) >= limit:
                    return found
                continue
            if depth == max_depth or time.monotonic() > deadline:
                continue
            try:
                entries = sorted(os.scandir(path), key=lambda e: e.name)
            except OSError:
                continue
            for e in entries:
                if e.name.startswith(".") or e.name in SKIP:
                    continue
                try:
                    if e.is_dir(follow_symlinks=False):
                        following.append(f"{rel}/{e.name}" if rel else e.name)
                except OSError:
                    continue
        level = following
        if not level:
            break
    return found
