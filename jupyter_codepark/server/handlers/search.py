"""GET /codepark/api/search (semantic code search) and /codepark/api/search/index (its index).

The first search of a repository head builds its index in the background and answers 202 with
the progress; ask again until the answer is 200. The index is incremental: after a new
analysis only blobs and commits not seen before are embedded."""

from __future__ import annotations

import asyncio
import os
from typing import Any

from jupyter_server.auth.decorator import authorized
from tornado import web

from ...ai.facts import find_repo_top
from ...ai.search import check_question
from ...errors import InvalidInput, NotFound
from ..paths import relative_to_root, resolve_under_root
from ..results import int_arg
from .base import CodeParkHandler

MAX_RESULTS = 100


class SearchBase(CodeParkHandler):
    async def repository(self, repo: Any) -> dict[str, Any]:
        """The analysed repository a request names: an id, a folder relative to the root
        (the repository containing it), or nothing (the one analysed last)."""
        results = self.codepark.results
        analysed = await results.repos()
        if repo is None or repo == "":
            if not analysed:
                raise NotFound("No repository has been analysed yet: analyse one first.")
            chosen = max(analysed, key=lambda r: r["analysed_at"] or 0)
            repo_id = chosen["id"]
        elif isinstance(repo, bool):
            raise InvalidInput("`repo` is a repository id or a folder relative to the root.")
        elif isinstance(repo, int) or (isinstance(repo, str) and repo.isdigit()):
            repo_id = int(repo)
            if not 0 < repo_id < 2**31:
                raise NotFound(f"No repository {repo}.")
        elif isinstance(repo, str):
            folder = resolve_under_root(self.codepark.root_dir, repo)
            exists, top = await asyncio.to_thread(_top_of, folder)
            if not exists:
                raise NotFound(f"{repo!r} does not exist.")
            if top is None:
                raise InvalidInput(f"{repo!r} is not in a git repository.")
            rel = relative_to_root(self.codepark.root_dir, top)
            known = next((r for r in analysed if r["path"] == rel), None)
            if known is None:
                raise NotFound(
                    f"{rel or 'The repository'} has not been analysed yet: analyse it first."
                )
            repo_id = known["id"]
        else:
            raise InvalidInput("`repo` is a repository id or a folder relative to the root.")
        result = await results.get(repo_id)
        r = result.repository
        return {
            "id": repo_id,
            "path": relative_to_root(self.codepark.root_dir, r["path"]),
            "name": r["name"],
            "head": r["head"],
            "abs_path": r["path"],
        }


def _top_of(folder: str) -> tuple[bool, str | None]:
    return os.path.exists(folder), find_repo_top(folder)


def public(repo: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in repo.items() if k != "abs_path"}


class SearchHandler(SearchBase):
    """`?q=&repo=&limit=`: functions, files and commits nearest in meaning to `q`."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        question = check_question(self.get_argument("q", ""))
        limit = int_arg(self.get_argument("limit", None), "limit", 10, 1, MAX_RESULTS)
        repo = await self.repository(self.get_argument("repo", None))
        status, body = await self.codepark.search.search(
            repo["abs_path"], repo["head"], question, limit
        )
        self.write_json({**body, "repo": public(repo)}, status)


class SearchIndexHandler(SearchBase):
    """GET `?repo=`: the state of a repository's index; POST `{repo}`: build it now."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        repo = await self.repository(self.get_argument("repo", None))
        state = self.codepark.search.status(repo["abs_path"], repo["head"])
        self.write_json({**state, "repo": public(repo)})

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.read_json()
        repo = await self.repository(body.get("repo"))
        service = self.codepark.search
        await service.ready()
        build = service.start(repo["abs_path"], repo["head"])
        if build is None:
            state = service.status(repo["abs_path"], repo["head"])
            self.write_json({**state, "repo": public(repo)})
        else:
            self.write_json({**build.to_json(), "repo": public(repo)}, 202)
