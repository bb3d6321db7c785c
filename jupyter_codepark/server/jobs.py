"""Analysis jobs: queued, run off the event loop with bounded concurrency, cancellable,
persisted in the store, and published on the event hub as they move."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from ..analysis.executors import Executor
from ..analysis.git import open_repository, resolve_rev
from ..analysis.pipeline import PHASES, AnalysisOptions, analyze_repository
from ..errors import Cancelled, CodeParkError, Conflict, NotFound, PathOutsideRoot
from ..store import Store
from ..store import jobs as rows
from .events import EventHub
from .paths import relative_to_root

FINAL = ("done", "failed", "cancelled", "interrupted")
HEARTBEAT_S = 0.5  # progress reaches subscribers at this bounded rate
PERSIST_EVERY_S = 1.0


@dataclass
class Job:
    id: str
    repo_path: str  # absolute top folder of the repository
    path: str  # as the API shows it: relative to the server root
    rev: str
    since: str | None
    options: dict[str, Any]
    user: str | None
    state: str = "queued"
    phase: str | None = None
    done: int = 0
    total: int | None = None
    head: str | None = None
    repo_id: int | None = None
    error: str | None = None
    created_at: float = field(default_factory=time.time)
    started_at: float | None = None
    finished_at: float | None = None
    phase_started: float | None = None
    cancel: threading.Event = field(default_factory=threading.Event, repr=False)

    def eta_s(self) -> float | None:
        if self.state != "running" or not self.total or not self.done or not self.phase_started:
            return None
        elapsed = time.time() - self.phase_started
        return round(elapsed * (self.total - self.done) / self.done, 1)

    def to_row(self) -> dict[str, Any]:
        return {
            "id": self.id, "repo_path": self.repo_path, "repo_id": self.repo_id, "rev": self.rev,
            "since": self.since, "head": self.head, "options": self.options, "state": self.state,
            "phase": self.phase, "done": self.done, "total": self.total, "error": self.error,
            "user": self.user, "created_at": self.created_at, "started_at": self.started_at,
            "finished_at": self.finished_at,
        }  # fmt: skip


def job_json(row: dict[str, Any], root_dir: str, eta: float | None = None) -> dict[str, Any]:
    """The API's view of a job row (paths relative to the root, never absolute)."""
    try:
        path = relative_to_root(root_dir, row["repo_path"])
    except PathOutsideRoot:
        path = None
    return {
        "id": row["id"],
        "path": path,
        "repo_id": row["repo_id"],
        "rev": row["rev"],
        "since": row["since"],
        "head": row["head"],
        "options": row["options"],
        "state": row["state"],
        "phase": row["phase"],
        "phases": list(PHASES),
        "done": row["done"],
        "total": row["total"],
        "eta_s": eta,
        "error": row["error"],
        "user": row["user"],
        "created_at": row["created_at"],
        "started_at": row["started_at"],
        "finished_at": row["finished_at"],
    }


class JobManager:
    """Owns the running jobs of one server. All public coroutines run on the event loop;
    git, metrics and the store are only touched from worker threads."""

    def __init__(
        self,
        store: Store,
        executor: Executor,
        hub: EventHub,
        root_dir: str,
        *,
        max_concurrent: int = 2,
        log: logging.Logger | None = None,
    ) -> None:
        self.store, self.executor, self.hub, self.root_dir = store, executor, hub, root_dir
        self.log = log or logging.getLogger(__name__)
        self.max_concurrent = max(1, max_concurrent)
        self._sem: asyncio.Semaphore | None = None
        self._threads = ThreadPoolExecutor(self.max_concurrent + 2, "codepark-job")
        self._active: dict[str, Job] = {}
        self._tasks: set[asyncio.Task] = set()
        self._recovered: asyncio.Future | None = None
        self._submit_lock: asyncio.Lock | None = None

    # -- helpers ------------------------------------------------------------------------------

    async def _io(self, fn: Any, *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self._threads, fn, *args)

    async def ready(self) -> None:
        """Once per server: jobs a previous server left running become `interrupted`."""
        if self._recovered is None:
            self._sem = asyncio.Semaphore(self.max_concurrent)
            self._submit_lock = asyncio.Lock()
            self._recovered = asyncio.ensure_future(self._io(self._recover))
        await self._recovered

    def _recover(self) -> None:
        with self.store.begin() as conn:
            n = rows.interrupt_active(conn, time.time())
        if n:
            self.log.warning("CodePark: %d analysis job(s) were interrupted by a restart", n)

    def _persist(self, job: Job) -> None:
        with self.store.begin() as conn:
            rows.update_job(conn, job.id, **{k: v for k, v in job.to_row().items() if k != "id"})

    def view(self, job: Job) -> dict[str, Any]:
        return job_json(job.to_row(), self.root_dir, job.eta_s())

    def _publish(self, job: Job) -> None:
        self.hub.publish("analysis", {"analysis": self.view(job)})

    # -- API ----------------------------------------------------------------------------------

    async def submit(
        self, repo_dir: str, rev: str, since: str | None, options: dict[str, Any], user: str | None
    ) -> tuple[dict[str, Any], bool]:
        """Start (or find) the analysis of the repository containing `repo_dir` at `rev`.
        Returns (job view, created)."""
        await self.ready()
        repo, head = await self._io(self._resolve, repo_dir, rev)
        relative_to_root(self.root_dir, repo.path)  # the whole repository must be inside root
        assert self._submit_lock is not None
        async with self._submit_lock:  # two identical requests at once: one job
            return await self._submit(repo, head, rev, since, options, user)

    async def _submit(
        self, repo: Any, head: str, rev: str, since: str | None, options: dict, user: str | None
    ) -> tuple[dict[str, Any], bool]:
        key_options = {**options, "since": since}
        for job in self._active.values():
            if (job.repo_path, job.head, {**job.options, "since": job.since}) == (
                repo.path, head, key_options
            ):  # fmt: skip
                return self.view(job), False
        done = await self._io(self._find_done, repo.path, head, options, since)
        if done is not None:
            return job_json(done, self.root_dir), False
        job = Job(
            id=str(uuid.uuid4()),
            repo_path=repo.path,
            path=relative_to_root(self.root_dir, repo.path),
            rev=rev,
            since=since,
            options=options,
            user=user,
            head=head,
        )
        await self._io(self._insert, job)
        self._active[job.id] = job
        task = asyncio.ensure_future(self._run(job))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        self._publish(job)
        return self.view(job), True

    def _resolve(self, repo_dir: str, rev: str) -> tuple[Any, str]:
        repo = open_repository(repo_dir)
        return repo, resolve_rev(repo, rev)

    def _find_done(self, path: str, head: str, options: dict, since: str | None) -> dict | None:
        with self.store.connect() as conn:
            row = rows.find_done(conn, path, head, options)
        return row if row is not None and row["since"] == since else None

    def _insert(self, job: Job) -> None:
        with self.store.begin() as conn:
            rows.insert_job(conn, job.to_row())

    async def get(self, job_id: str) -> dict[str, Any]:
        await self.ready()
        job = self._active.get(job_id)
        if job is not None:
            return self.view(job)
        row = await self._io(self._get_row, job_id)
        if row is None:
            raise NotFound(f"No analysis job {job_id}.")
        return job_json(row, self.root_dir)

    def _get_row(self, job_id: str) -> dict | None:
        with self.store.connect() as conn:
            return rows.get_job(conn, job_id)

    async def list(self, limit: int = 100, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
        await self.ready()
        stored, total = await self._io(self._list_rows, limit, offset)
        out = []
        for row in stored:
            job = self._active.get(row["id"])
            out.append(self.view(job) if job else job_json(row, self.root_dir))
        return out, total

    def _list_rows(self, limit: int, offset: int) -> tuple[list[dict], int]:
        with self.store.connect() as conn:
            return rows.list_jobs(conn, limit, offset), rows.count_jobs(conn)

    async def cancel(self, job_id: str) -> dict[str, Any]:
        await self.ready()
        job = self._active.get(job_id)
        if job is None:
            view = await self.get(job_id)  # NotFound when unknown
            raise Conflict(f"The analysis {job_id} is already {view['state']}.")
        job.cancel.set()
        if job.state == "queued":
            await self._finish(job, "cancelled", None)
        return self.view(job)

    async def rerun(self, job_id: str, user: str | None) -> tuple[dict[str, Any], bool]:
        view = await self.get(job_id)
        if view["state"] in ("queued", "running"):
            return view, False
        row = await self._io(self._get_row, job_id)
        return await self.submit(row["repo_path"], row["rev"], row["since"], row["options"], user)

    async def close(self) -> None:
        for job in self._active.values():
            job.cancel.set()
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=10)
        self._threads.shutdown(wait=False, cancel_futures=True)

    # -- running ------------------------------------------------------------------------------

    async def _run(self, job: Job) -> None:
        assert self._sem is not None
        async with self._sem:
            if job.cancel.is_set():
                return
            job.state, job.started_at = "running", time.time()
            await self._io(self._persist, job)
            self._publish(job)
            beat = asyncio.ensure_future(self._heartbeat(job))
            try:
                await self._io(self._work, job)
            except Cancelled:
                await self._finish(job, "cancelled", None)
            except CodeParkError as e:
                await self._finish(job, "failed", e.message)
            except Exception as e:  # a bug: keep the server up, show the job as failed
                self.log.exception("CodePark analysis %s failed", job.id)
                await self._finish(job, "failed", f"Internal error: {e.__class__.__name__}: {e}")
            else:
                await self._finish(job, "done", None)
            finally:
                beat.cancel()

    async def _heartbeat(self, job: Job) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_S)
            self._publish(job)

    def _work(self, job: Job) -> None:
        last_saved = [0.0]

        def progress(phase: str, done: int, total: int | None) -> None:
            if phase != job.phase:
                job.phase, job.phase_started = phase, time.time()
            job.done, job.total = done, total
            now = time.time()
            if now - last_saved[0] >= PERSIST_EVERY_S:
                last_saved[0] = now
                self._persist(job)

        options = AnalysisOptions.from_dict({**job.options, "rev": job.rev, "since": job.since})
        result = analyze_repository(
            self.store,
            job.repo_path,
            options,
            executor=self.executor,
            progress=progress,
            cancel=job.cancel,
        )
        job.repo_id = result.repo_id
        job.head = result.repository["head"]

    async def _finish(self, job: Job, state: str, error: str | None) -> None:
        job.state, job.error, job.finished_at = state, error, time.time()
        await self._io(self._persist, job)
        self._active.pop(job.id, None)
        self._publish(job)
