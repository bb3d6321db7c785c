"""Semantic search for the REST API: indexes are built in the background (one at a time, on a
thread of their own), queries are answered from the in-memory index on a worker thread; the
event loop only bookkeeps."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from ..ai.search import CodeSearch, check_question
from ..errors import CodeParkError
from ..store import Store


@dataclass
class Build:
    """An index build in progress (or failed) for one repository head."""

    repo_path: str
    head: str
    phase: str = "queued"
    done: int = 0
    total: int | None = None
    started_at: float = field(default_factory=time.time)
    error: CodeParkError | None = None
    cancel: threading.Event = field(default_factory=threading.Event)
    future: asyncio.Future | None = None

    def to_json(self) -> dict[str, Any]:
        eta = None
        if self.total and self.done:
            eta = round((time.time() - self.started_at) * (self.total - self.done) / self.done, 1)
        return {
            "state": "building",
            "phase": self.phase,
            "done": self.done,
            "total": self.total,
            "eta_s": eta,
            "started_at": self.started_at,
        }


class SearchService:
    """Owns the search engine of one server: the model loads on first use, builds run one at a
    time (the model uses every core), queries run beside them."""

    def __init__(
        self,
        store: Store,
        *,
        batch_size: int = 16,
        max_commits: int = 1000,
        max_file_bytes: int = 1_000_000,
        log: logging.Logger | None = None,
    ) -> None:
        self.engine = CodeSearch(
            store, batch_size=batch_size, max_commits=max_commits, max_file_bytes=max_file_bytes
        )
        self.log = log or logging.getLogger(__name__)
        self._builder = ThreadPoolExecutor(1, "codepark-search")
        self._builds: dict[tuple[str, str], Build] = {}

    async def ready(self) -> None:
        """Load the model (off the loop); SearchUnavailable without the `[search]` extra."""
        await asyncio.to_thread(lambda: self.engine.embedder)

    async def search(
        self, repo_path: str, head: str, question: str, limit: int
    ) -> tuple[int, dict[str, Any]]:
        """(200, answer) from a ready index, or (202, build progress) while it is built."""
        question = check_question(question)
        await self.ready()
        index = self.engine.cached(repo_path, head)
        if index is None:
            state = self.start(repo_path, head)
            if state is not None:
                return 202, state.to_json()
            index = self.engine.cached(repo_path, head)
            if index is None:  # evicted between the build and now: build (load) again
                return 202, self.start(repo_path, head, force=True).to_json()  # type: ignore[union-attr]
        answer = await asyncio.to_thread(self.engine.query, index, question, limit)
        return 200, {"state": "ready", **answer}

    def start(self, repo_path: str, head: str, *, force: bool = False) -> Build | None:
        """The running build of this head, a new one, or None when the index is loaded. A failed
        build's error is raised once; the next call tries again."""
        key = (repo_path, head)
        build = self._builds.get(key)
        if build is not None and build.error is not None:
            del self._builds[key]
            raise build.error
        if build is not None:
            return build
        if not force and self.engine.cached(repo_path, head) is not None:
            return None
        build = self._builds[key] = Build(repo_path, head)
        loop = asyncio.get_running_loop()

        def progress(phase: str, done: int, total: int | None) -> None:
            build.phase, build.done, build.total = phase, done, total

        def run() -> None:
            build.phase = "loading"
            if self.engine.load(repo_path, head) is None:
                self.engine.build(repo_path, head, progress=progress, cancel=build.cancel)

        build.future = loop.run_in_executor(self._builder, run)
        build.future.add_done_callback(lambda f: self._finished(key, build, f))
        return build

    def _finished(self, key: tuple[str, str], build: Build, future: asyncio.Future) -> None:
        if future.cancelled():
            self._builds.pop(key, None)
            return
        error = future.exception()
        if error is None:
            self._builds.pop(key, None)
        elif isinstance(error, CodeParkError):
            build.error = error
        else:
            self.log.error("CodePark search index of %s failed", build.repo_path, exc_info=error)
            build.error = CodeParkError(f"Indexing failed: {type(error).__name__}: {error}")

    def status(self, repo_path: str, head: str) -> dict[str, Any]:
        index = self.engine.cached(repo_path, head)
        if index is not None:
            return {"state": "ready", "index": index.stats()}
        build = self._builds.get((repo_path, head))
        return build.to_json() if build else {"state": "missing"}

    async def close(self) -> None:
        for build in self._builds.values():
            build.cancel.set()
        self._builder.shutdown(wait=False, cancel_futures=True)
