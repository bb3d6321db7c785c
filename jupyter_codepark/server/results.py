"""Reading finished analyses for the REST API: loaded once per analysis, then served from memory."""

from __future__ import annotations

import asyncio
import fnmatch
import posixpath
from collections.abc import Callable
from typing import Any

from ..analysis.pipeline import AnalysisResult
from ..errors import InvalidInput, NotFound, PathOutsideRoot
from ..store import Store
from ..store import history as rows
from .paths import relative_to_root

MAX_LIMIT = 10_000


class ResultsCache:
    """Results by repository id, reloaded when the repository is analysed again."""

    def __init__(self, store: Store, root_dir: str) -> None:
        self.store, self.root_dir = store, root_dir
        self._cache: dict[int, tuple[float, AnalysisResult]] = {}

    def _load(self, repo_id: int) -> tuple[dict[str, Any] | None, AnalysisResult | None]:
        with self.store.connect() as conn:
            repo = rows.get_repo_by_id(conn, repo_id)
            if repo is None or repo["analysed_at"] is None:
                return repo, None
            cached = self._cache.get(repo_id)
            if cached and cached[0] == repo["analysed_at"]:
                return repo, cached[1]
            tables = rows.load_results(conn, repo_id)
        if "meta" not in tables:
            return repo, None
        result = AnalysisResult.from_tables(tables)
        self._cache[repo_id] = (repo["analysed_at"], result)
        return repo, result

    async def get(self, repo_id: int) -> AnalysisResult:
        repo, result = await asyncio.to_thread(self._load, repo_id)
        if repo is None:
            raise NotFound(f"No repository {repo_id}.")
        self.path_of(repo)  # repositories outside this server's root are not shown
        if result is None:
            raise NotFound(f"Repository {repo_id} has no finished analysis yet.")
        return result

    def path_of(self, repo: dict[str, Any]) -> str:
        try:
            return relative_to_root(self.root_dir, repo["path"])
        except PathOutsideRoot:
            raise NotFound(f"No repository {repo['id']}.") from None

    async def repos(self) -> list[dict[str, Any]]:
        def load() -> list[dict[str, Any]]:
            with self.store.connect() as conn:
                return rows.list_repos(conn)

        out = []
        for r in await asyncio.to_thread(load):
            if r["analysed_at"] is None:  # mined in part, never finished: nothing to show
                continue
            try:
                rel = relative_to_root(self.root_dir, r["path"])
            except PathOutsideRoot:
                continue
            out.append(repo_json(r, rel))
        return out


def repo_json(r: dict[str, Any], rel: str) -> dict[str, Any]:
    import json

    return {
        "id": r["id"],
        "path": rel,
        "name": r["name"],
        "head": r["analysed_head"],
        "branch": r["branch"],
        "rev": r["analysed_rev"],
        "analysed_at": r["analysed_at"],
        "summary": json.loads(r["summary"]) if r["summary"] else None,
    }


def int_arg(value: str | None, name: str, default: int, lo: int = 0, hi: int = MAX_LIMIT) -> int:
    if value is None or value == "":
        return default
    try:
        n = int(value)
    except ValueError:
        raise InvalidInput(f"`{name}` must be a whole number, not {value!r}.") from None
    if not lo <= n <= hi:
        raise InvalidInput(f"`{name}` must be between {lo} and {hi}.")
    return n


def float_arg(value: str | None, name: str) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value)
    except ValueError:
        raise InvalidInput(f"`{name}` must be a number, not {value!r}.") from None


def filter_paths(
    items: list[dict[str, Any]], folder: str | None, glob: str | None, key: str = "path"
) -> list[dict[str, Any]]:
    if folder:
        folder = folder.strip("/")
        items = [i for i in items if i[key] == folder or i[key].startswith(folder + "/")]
    if glob:
        items = [
            i for i in items if fnmatch.fnmatchcase(i[key], glob)
            or fnmatch.fnmatchcase(posixpath.basename(i[key]), glob)
        ]  # fmt: skip
    return items


def sort_items(
    items: list[dict[str, Any]], sort: str | None, order: str | None, allowed: set[str]
) -> list[dict[str, Any]]:
    if not sort:
        return items
    if sort not in allowed:
        raise InvalidInput(f"Cannot sort by {sort!r}; use one of {', '.join(sorted(allowed))}.")
    if order not in (None, "", "asc", "desc"):
        raise InvalidInput("`order` is 'asc' or 'desc'.")
    desc = order == "desc"
    present = [i for i in items if i.get(sort) is not None]
    missing = [i for i in items if i.get(sort) is None]
    key: Callable[[dict[str, Any]], Any] = lambda i: (i[sort], i.get("path", ""))  # noqa: E731
    return sorted(present, key=key, reverse=desc) + missing


def page(items: list[Any], limit: int, offset: int) -> dict[str, Any]:
    return {
        "items": items[offset : offset + limit],
        "total": len(items),
        "limit": limit,
        "offset": offset,
    }
