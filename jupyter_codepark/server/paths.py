"""Paths from API requests, resolved under the server's root_dir before anything touches them."""

from __future__ import annotations

import os

from ..errors import InvalidInput, PathOutsideRoot


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def resolve_under_root(root_dir: str, rel: object) -> str:
    """The real absolute path of `rel` (relative to root_dir); PathOutsideRoot for anything that
    leads outside it: `..`, absolute paths, symlinks pointing out."""
    if rel is None or rel == "":
        rel = "."
    if not isinstance(rel, str):
        raise InvalidInput("`path` must be a string relative to the server's root folder.")
    if "\0" in rel:
        raise InvalidInput("`path` contains a NUL character.")
    if os.path.isabs(rel) or rel.startswith("~"):
        raise PathOutsideRoot(f"{rel!r}: paths are relative to the server's root folder.")
    root = os.path.realpath(root_dir)
    candidate = os.path.normpath(os.path.join(root, rel))
    if not _inside(candidate, root):
        raise PathOutsideRoot(f"{rel!r} is outside the server's root folder.")
    real = os.path.realpath(candidate)
    if not _inside(real, root):
        raise PathOutsideRoot(f"{rel!r} leads outside the server's root folder (symlink).")
    return real


def relative_to_root(root_dir: str, path: str) -> str:
    """`path` (absolute, inside root_dir) as the API shows it: relative, '/'-separated."""
    root = os.path.realpath(root_dir)
    if not _inside(path, root):
        raise PathOutsideRoot(f"{path} is outside the server's root folder.")
    rel = os.path.relpath(path, root)
    return "" if rel == "." else rel.replace(os.sep, "/")
