"""Where CPU work runs: inline, a local process pool, or a Dask cluster. One small interface.

`Executor.map_unordered(fn, chunks)` yields each chunk's result as soon as it is ready, so the
caller can report progress and stop early; closing the generator cancels what has not started.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Executor(Protocol):
    workers: int

    def map_unordered(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]: ...

    def close(self) -> None: ...


class InlineExecutor:
    """Runs everything in the calling thread (small jobs, tests, debugging)."""

    workers = 1

    def map_unordered(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        for item in items:
            yield fn(item)

    def close(self) -> None:
        pass


class ProcessExecutor:
    """A local process pool (forkserver: safe to start from a threaded Jupyter server)."""

    def __init__(self, workers: int = 0) -> None:
        self.workers = workers or os.cpu_count() or 1
        self._pool: ProcessPoolExecutor | None = None

    @property
    def pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            ctx = multiprocessing.get_context("forkserver")
            # workers fork from a server process that has already imported the metrics code
            ctx.set_forkserver_preload(["jupyter_codepark.analysis.measure"])
            self._pool = ProcessPoolExecutor(self.workers, mp_context=ctx)
        return self._pool

    def map_unordered(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        return _bounded_unordered(self.pool.submit, fn, items, self.workers * 2)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


class DaskExecutor:
    """Runs chunks on a Dask distributed cluster (`address` of its scheduler, or a Client)."""

    def __init__(self, address: Any) -> None:
        self._address = address
        self._client: Any = None
        self._own = isinstance(address, str)

    @property
    def client(self) -> Any:
        """Connected on first use, so a server starts even while the scheduler is down."""
        if self._client is None:
            from distributed import Client

            self._client = Client(self._address) if self._own else self._address
        return self._client

    @property
    def workers(self) -> int:
        return max(1, sum(self.client.nthreads().values()))

    def map_unordered(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        def submit(f: Callable[[T], R], item: T) -> Any:
            return self.client.submit(f, item, pure=False)

        return _bounded_unordered(submit, fn, items, self.workers * 2)

    def close(self) -> None:
        if self._own and self._client is not None:
            self._client.close()
            self._client = None


def _bounded_unordered(
    submit: Callable[..., Any], fn: Callable[[T], R], items: Iterable[T], window: int
) -> Iterator[R]:
    """Keep at most `window` tasks in flight; yield results as they complete."""
    it = iter(items)
    pending: set[Any] = set()
    try:
        for item in it:
            pending.add(submit(fn, item))
            if len(pending) >= window:
                done, pending = _wait_any(pending)
                for f in done:
                    yield f.result()
        while pending:
            done, pending = _wait_any(pending)
            for f in done:
                yield f.result()
    finally:
        for f in pending:
            f.cancel()


def _wait_any(pending: set[Any]) -> tuple[set[Any], set[Any]]:
    sample = next(iter(pending))
    if isinstance(sample, Future):
        done, rest = wait(pending, return_when=FIRST_COMPLETED)
        return set(done), set(rest)
    from distributed import wait as dask_wait

    result = dask_wait(list(pending), return_when="FIRST_COMPLETED")
    return set(result.done), set(result.not_done)


def make_executor(kind: str = "process", workers: int = 0, dask_address: str = "") -> Executor:
    if kind == "dask":
        if not dask_address:
            from ..errors import InvalidInput

            raise InvalidInput("executor 'dask' needs a scheduler address (dask_scheduler_address)")
        return DaskExecutor(dask_address)
    if kind == "process":
        return ProcessExecutor(workers)
    return InlineExecutor()
