"""/codepark/api/repos/...: results of finished analyses (paged, sortable, filterable)."""

from __future__ import annotations

import asyncio
from typing import Any

from jupyter_server.auth.decorator import authorized
from tornado import web

from ...analysis.discover import find_repositories
from ...analysis.report import Report
from ...errors import InvalidInput, NotFound
from ..results import filter_paths, float_arg, int_arg, page, sort_items
from .base import CodeParkHandler

FILE_SORTS = {
    "path", "revisions", "added", "deleted", "churn", "authors", "ownership", "age_days", "loc",
    "complexity", "max_complexity", "maintainability", "hotspot_score", "bugfixes", "bus_factor",
    "coupling_sum", "language", "main_author",
}  # fmt: skip


class RepoHandler(CodeParkHandler):
    """Base of the per-repository result routes: `repo_id` is the first URL group."""

    async def result(self, repo_id: str):
        n = int(repo_id)
        if not 0 < n < 2**31:
            raise NotFound(f"No repository {repo_id}.")
        return await self.codepark.results.get(n)

    def paged(self, items: list[dict[str, Any]], default_limit: int = 100) -> None:
        limit = int_arg(self.get_argument("limit", None), "limit", default_limit, 1)
        offset = int_arg(self.get_argument("offset", None), "offset", 0, 0, 10**9)
        self.write_json(page(items, limit, offset))

    def filtered(self, items: list[dict[str, Any]], key: str = "path") -> list[dict[str, Any]]:
        return filter_paths(
            items, self.get_argument("folder", None), self.get_argument("glob", None), key
        )


class ReposHandler(CodeParkHandler):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        items = await self.codepark.results.repos()
        self.write_json({"items": items, "total": len(items)})


class DiscoverHandler(CodeParkHandler):
    """Git repositories under the server root (a bounded walk, off the event loop), each with
    the id of its finished analysis when there is one."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        depth = int_arg(self.get_argument("depth", None), "depth", 3, 0, 6)
        root = self.codepark.root_dir
        found = await asyncio.to_thread(find_repositories, root, max_depth=depth)
        analysed = {r["path"]: r for r in await self.codepark.results.repos()}
        items = []
        for rel in found:
            repo = analysed.get(rel)
            name = rel.rsplit("/", 1)[-1] if rel else (root.rstrip("/").rsplit("/", 1)[-1] or "/")
            items.append(
                {
                    "path": rel,
                    "name": name,
                    "repo_id": repo["id"] if repo else None,
                    "analysed_at": repo["analysed_at"] if repo else None,
                }
            )
        self.write_json({"items": items, "total": len(items), "max_depth": depth})


class SummaryHandler(RepoHandler):
    @web.authenticated
    @authorized
    async def get(self, repo_id: str) -> None:
        r = await self.result(repo_id)
        rel = self.codepark.results.path_of({"id": r.repo_id, "path": r.repository["path"]})
        self.write_json(
            {
                "repository": {**r.repository, "path": rel, "id": r.repo_id},
                "analysed_at": r.as_of,
                "mode": r.mode,
                "summary": r.summary,
                "options": r.options.to_dict(),
            }
        )


class FilesHandler(RepoHandler):
    @web.authenticated
    @authorized
    async def get(self, repo_id: str) -> None:
        r = await self.result(repo_id)
        items = self.filtered(r.files)
        language = self.get_argument("language", None)
        if language:
            items = [f for f in items if f["language"] == language]
        items = sort_items(
            items, self.get_argument("sort", None), self.get_argument("order", None), FILE_SORTS
        )
        self.paged(items)


class HotspotsHandler(RepoHandler):
    @web.authenticated
    @authorized
    async def get(self, repo_id: str) -> None:
        r = await self.result(repo_id)
        items = [f for f in self.filtered(r.files) if f["hotspot_score"] > 0]
        items.sort(key=lambda f: (-f["hotspot_score"], f["path"]))
        self.paged(items, 20)


class CouplingHandler(RepoHandler):
    @web.authenticated
    @authorized
    async def get(self, repo_id: str) -> None:
        r = await self.result(repo_id)
        items = r.coupling
        target = self.get_argument("file", None)
        if target:
            items = [
                {"file": c["b"] if c["a"] == target else c["a"], **c}
                for c in items
                if target in (c["a"], c["b"])
            ]
        min_degree = float_arg(self.get_argument("min_degree", None), "min_degree")
        if min_degree is not None:
            items = [c for c in items if c["degree"] >= min_degree]
        folder = self.get_argument("folder", None)
        if folder:
            f = folder.strip("/") + "/"
            items = [c for c in items if c["a"].startswith(f) or c["b"].startswith(f)]
        self.paged(items)


class AuthorsHandler(RepoHandler):
    @web.authenticated
    @authorized
    async def get(self, repo_id: str) -> None:
        r = await self.result(repo_id)
        self.paged(r.authors)


class TimelineHandler(RepoHandler):
    @web.authenticated
    @authorized
    async def get(self, repo_id: str) -> None:
        r = await self.result(repo_id)
        by = self.get_argument("by", None)
        if by not in (None, "", "author", "folder"):
            raise InvalidInput("`by` is 'author' or 'folder'.")
        items = [t for t in r.timeline if not by or t["by"] == by]
        self.paged(items, 10_000)


class FoldersHandler(RepoHandler):
    @web.authenticated
    @authorized
    async def get(self, repo_id: str) -> None:
        r = await self.result(repo_id)
        self.paged(self.filtered(r.folders, key="folder"), 1000)


def _file_record(r, path: str) -> dict[str, Any]:  # noqa: ANN001 (AnalysisResult)
    record = next((f for f in r.files if f["path"] == path), None)
    if record is None:
        raise NotFound(f"{path} is not a file of the analysed tree.")
    return record


class FunctionsHandler(RepoHandler):
    @web.authenticated
    @authorized
    async def get(self, repo_id: str, path: str) -> None:
        r = await self.result(repo_id)
        record = _file_record(r, path)
        items = [f for f in r.functions if f["path"] == path]
        items.sort(key=lambda f: (-(f.get("complexity") or 0), f.get("lineno") or 0))
        self.write_json({"file": record, "items": items, "total": len(items)})


class TrendHandler(RepoHandler):
    @web.authenticated
    @authorized
    async def get(self, repo_id: str, path: str) -> None:
        r = await self.result(repo_id)
        _file_record(r, path)
        report = Report(r, self.codepark.store, self.codepark.pool)
        df = await asyncio.to_thread(report.trend, path)
        items = df.assign(time=df["time"].map(lambda t: t.timestamp())).to_dict("records")
        clean = [{k: (None if v != v else v) for k, v in row.items()} for row in items]
        self.write_json({"path": path, "items": clean, "total": len(clean)})


class CityHandler(RepoHandler):
    """The state the notebook's CodeCity widget syncs, as JSON (binary traits in base64)."""

    @web.authenticated
    @authorized
    async def get(self, repo_id: str) -> None:
        from ...widgets.state import city_state

        r = await self.result(repo_id)
        height = self.get_argument("height", None) or "complexity"
        color = self.get_argument("color", None) or "hotspot_score"
        for name, value in (("height", height), ("color", color)):
            if value not in CITY_METRICS:
                raise InvalidInput(
                    f"Unknown {name} metric {value!r}; use one of {', '.join(CITY_METRICS)}."
                )
        report = Report(r, self.codepark.store, self.codepark.pool)

        def build() -> dict[str, Any]:
            files = report.files
            if not len(files):
                raise NotFound(f"Repository {repo_id} has no files to draw.")
            history = report.history_frame()
            try:
                return city_state(
                    files, history if len(history) else None, height=height, color=color,
                    coupling=report.coupling, title=r.repository.get("name", ""),
                )  # fmt: skip
            except (KeyError, TypeError, ValueError) as e:
                raise InvalidInput(f"Cannot draw the city by {height!r} / {color!r}: {e}") from e

        self.write_json(await asyncio.to_thread(build))


#: metrics the city endpoint accepts for height and colour (height needs a numeric one)
CITY_METRICS = (
    "hotspot_score", "complexity", "max_complexity", "churn", "revisions", "age_days", "loc",
    "authors", "ownership", "bugfixes", "coupling_sum", "maintainability", "main_author",
    "language",
)  # fmt: skip
