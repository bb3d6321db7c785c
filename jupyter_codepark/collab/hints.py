"""History-aware hints for a file being edited, from the latest finished analysis of its
repository (read from the store, never from git): files that usually change with it and are
not yet touched in this editing session, and who knows it best (and whether they are online)."""

from __future__ import annotations

import asyncio
import os
import posixpath
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from ..store import Store
from ..store import history as history_rows

REPOS_TTL_S = 5.0


@dataclass(frozen=True)
class HintSettings:
    min_degree: float = 30.0
    min_shared: int = 3
    max_files: int = 5


@dataclass
class _Index:
    analysed_at: float
    files: dict[str, dict[str, Any]]
    coupled: dict[str, list[tuple[str, dict[str, Any]]]]


class Hints:
    def __init__(
        self,
        store: Store,
        root_dir: str,
        load_result: Callable[[int], Awaitable[Any]],
        settings: HintSettings,
    ) -> None:
        self.store, self.root_dir = store, os.path.realpath(root_dir)
        self.load_result, self.settings = load_result, settings
        self._repos: tuple[float, list[dict[str, Any]]] | None = None
        self._index: dict[int, _Index] = {}
        self._lock = asyncio.Lock()

    def invalidate(self) -> None:
        """A new analysis finished: look at the repositories again."""
        self._repos = None

    async def _repo_list(self) -> list[dict[str, Any]]:
        now = time.monotonic()
        if self._repos is None or now - self._repos[0] > REPOS_TTL_S:

            def load() -> list[dict[str, Any]]:
                with self.store.connect() as conn:
                    return [r for r in history_rows.list_repos(conn) if r["analysed_at"]]

            self._repos = (now, await asyncio.to_thread(load))
        return self._repos[1]

    def _repo_of(self, repos: list[dict[str, Any]], abs_path: str) -> dict[str, Any] | None:
        best = None
        for r in repos:
            top = r["path"].rstrip(os.sep)
            if abs_path.startswith(top + os.sep) and (best is None or len(top) > len(best["path"])):
                best = r
        return best

    async def _index_of(self, repo: dict[str, Any]) -> _Index:
        cached = self._index.get(repo["id"])
        if cached is not None and cached.analysed_at == repo["analysed_at"]:
            return cached
        async with self._lock:
            cached = self._index.get(repo["id"])
            if cached is not None and cached.analysed_at == repo["analysed_at"]:
                return cached
            result = await self.load_result(repo["id"])
            coupled: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
            for c in result.coupling:
                coupled[c["a"]].append((c["b"], c))
                coupled[c["b"]].append((c["a"], c))
            for pairs in coupled.values():
                pairs.sort(key=lambda p: (-p[1]["degree"], -p[1]["shared"], p[0]))
            index = _Index(repo["analysed_at"], {f["path"]: f for f in result.files}, coupled)
            self._index[repo["id"]] = index
            return index

    async def for_path(
        self,
        path: str,
        abs_path: str,
        touched: set[str],
        online: Callable[[str | None], str | None],
    ) -> dict[str, Any]:
        """Hints for `path` (relative to the root). `touched`: paths edited in this session;
        `online(name)`: the username of an online user with that name, if any."""
        out: dict[str, Any] = {
            "path": path,
            "repository": None,
            "file": None,
            "coupled": [],
            "touched": [],
            "thresholds": {
                "min_degree": self.settings.min_degree,
                "min_shared": self.settings.min_shared,
                "max_files": self.settings.max_files,
            },
        }
        repo = self._repo_of(await self._repo_list(), abs_path)
        if repo is None:
            return out
        index = await self._index_of(repo)
        top = _below(repo["path"], self.root_dir)
        inner = _below(abs_path, repo["path"])
        out["repository"] = {
            "id": repo["id"],
            "path": top,
            "name": repo["name"],
            "analysed_at": repo["analysed_at"],
        }
        f = index.files.get(inner)
        if f is not None:
            username = online(f.get("main_author"))
            out["file"] = {
                "revisions": f.get("revisions"),
                "main_author": f.get("main_author"),
                "ownership": f.get("ownership"),
                "main_author_online": username is not None,
                "main_author_username": username,
            }
        revisions = (f or {}).get("revisions")
        s = self.settings
        for other, c in index.coupled.get(inner, []):
            if c["degree"] < s.min_degree or c["shared"] < s.min_shared:
                continue
            rel = posixpath.join(top, other) if top else other
            if rel in touched:
                out["touched"].append(rel)
                continue
            if len(out["coupled"]) >= s.max_files:
                continue
            other_revs = index.files.get(other, {}).get("revisions")
            out["coupled"].append(
                {
                    "path": rel,
                    "degree": c["degree"],
                    "shared": c["shared"],
                    "revisions": other_revs,
                    "message": _message(other, c["shared"], revisions),
                }
            )
        return out


def _below(path: str, top: str) -> str:
    """`path` relative to `top` (a folder holding it), '/'-separated; '' for `top` itself."""
    top = top.rstrip(os.sep)
    if path == top:
        return ""
    return path[len(top) + 1 :].replace(os.sep, "/")


def _message(other: str, shared: int, revisions: int | None) -> str:
    of = f" of {revisions}" if revisions else ""
    return f"{other} changed with this file in {shared}{of} commits"
